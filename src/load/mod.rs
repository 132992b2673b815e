//! Load: input files to the model, with a diagnostic for every problem.
//!
//! TOML is read with serde (`deny_unknown_fields` everywhere); syntax and type
//! errors become diagnostics that name the file, line and column, underline
//! the offending text and give a hint. Whole-model checks (a citation left
//! empty, versions out of order, a review date in the future) are collected,
//! never stopped at the first.
//!
//! [`inputs`] reads every input of a build; [`jurisdiction`] and
//! [`practice`] check one file each.

pub mod hosts;
mod inputs;
mod jurisdiction;
mod practice;
pub mod reviews;
mod svg;
mod templates;
pub mod translations;

pub use crate::io::{ReadError, read_bounded};
pub use inputs::{Inputs, LoadedJurisdiction, Logo, load_inputs, load_jurisdictions, read_input};
pub use jurisdiction::jurisdiction;
pub use practice::practice;
pub use templates::{files_in, templates};

use std::ops::Range;

use serde::de::DeserializeOwned;
use toml::Spanned;

use crate::diag::{Diagnostic, FileId, Sources};

/// Longest input file accepted, in bytes: far above any real practice or rule file.
pub const MAX_FILE_BYTES: usize = 1 << 20;

/// Parses one TOML file into `T`, or returns the diagnostic for its first error.
pub fn parse_toml<T: DeserializeOwned>(sources: &Sources, file: FileId) -> Result<T, Diagnostic> {
    let text = sources.text(file);
    if text.len() > MAX_FILE_BYTES {
        return Err(Diagnostic::error(
            "file-too-large",
            format!("`{}` is larger than 1 MiB", sources.name(file)),
        )
        .with_hint("a practice or rule file this large is a mistake; check the file"));
    }
    let table = toml::de::DeTable::parse(text).map_err(|e| toml_error(sources, file, &e))?;
    check_sizes(sources, file, table.get_ref())?;
    T::deserialize(toml::de::Deserializer::from(table)).map_err(|e| toml_error(sources, file, &e))
}

/// Longest text value accepted, in characters: well above the longest rule
/// text (about 1,000) and any practice's name or address. A 900 KB practice
/// name took 10 s and 1.6 GB to set in every page footer.
pub const MAX_TEXT_CHARS: usize = 4000;

/// Most entries accepted in one list: a practice lists at most 51 states and
/// a handful of documents; a rule a few steps or versions.
pub const MAX_LIST_ENTRIES: usize = 200;

/// Refuses text values and lists larger than any real practice or rule file
/// has, at the first one found, before they reach a document.
fn check_sizes(
    sources: &Sources,
    file: FileId,
    table: &toml::de::DeTable<'_>,
) -> Result<(), Diagnostic> {
    use toml::de::DeValue;
    let mut stack: Vec<(&str, &Spanned<DeValue<'_>>)> =
        table.iter().map(|(k, v)| (k.get_ref().as_ref(), v)).collect();
    while let Some((key, value)) = stack.pop() {
        match value.get_ref() {
            DeValue::String(text) => {
                if let Some(c) = text.chars().find(|c| hidden_control(*c, text)) {
                    let at = locate_char(sources.text(file), value.span(), c);
                    return Err(Diagnostic::error(
                        "control-character",
                        format!("`{key}` holds {}", describe_control(c)),
                    )
                    .at(file, at)
                    .with_label("here")
                    .with_hint("remove it: it is invisible, and in a web page or a PDF it can hide, reorder or disguise the text around it"));
                }
                let chars = text.chars().count();
                if chars > MAX_TEXT_CHARS {
                    return Err(Diagnostic::error(
                        "too-long",
                        format!("`{key}` is {chars} characters long; at most {MAX_TEXT_CHARS} are allowed"),
                    )
                    .at(file, first_line(sources.text(file), value.span()))
                    .with_label("this text")
                    .with_hint("a document says this in a sentence or two; shorten it"));
                }
            }
            DeValue::Array(items) => {
                if items.len() > MAX_LIST_ENTRIES {
                    return Err(Diagnostic::error(
                        "too-many",
                        format!(
                            "`{key}` lists {} entries; at most {MAX_LIST_ENTRIES} are allowed",
                            items.len()
                        ),
                    )
                    .at(file, first_line(sources.text(file), value.span()))
                    .with_label("this list")
                    .with_hint("no practice or rule needs this many; check the list for repeats"));
                }
                stack.extend(items.iter().map(|v| (key, v)));
            }
            DeValue::Table(t) => {
                stack.extend(t.iter().map(|(k, v)| (k.get_ref().as_ref(), v)));
            }
            _ => {}
        }
    }
    Ok(())
}

/// Whether `c` is a character no input value may hold: a control character
/// other than tab and line break (a carriage return only before a line
/// break); a bidirectional embedding, override, isolate or mark, which would
/// flip the text after it in a title, a footer or a PDF's metadata; or an
/// invisible character (zero-width space, joiner and non-joiner, word
/// joiner, byte order mark, the tag characters U+E0000 to U+E007F), which
/// hides text or makes two names that look alike differ.
pub fn hidden_control(c: char, text: &str) -> bool {
    match c {
        '\t' | '\n' => false,
        '\r' => text.split('\r').skip(1).any(|rest| !rest.starts_with('\n')),
        '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' => true,
        '\u{200B}'..='\u{200D}' | '\u{2060}' | '\u{FEFF}' | '\u{E0000}'..='\u{E007F}' => true,
        c => c.is_control(),
    }
}

/// "the right-to-left override U+202E", "the control character U+0007".
fn describe_control(c: char) -> String {
    let name = match c {
        '\u{202A}' => "the left-to-right embedding",
        '\u{202B}' => "the right-to-left embedding",
        '\u{202C}' => "the pop directional formatting",
        '\u{202D}' => "the left-to-right override",
        '\u{202E}' => "the right-to-left override",
        '\u{2066}' => "the left-to-right isolate",
        '\u{2067}' => "the right-to-left isolate",
        '\u{2068}' => "the first strong isolate",
        '\u{2069}' => "the pop directional isolate",
        '\u{200E}' => "the left-to-right mark",
        '\u{200F}' => "the right-to-left mark",
        '\u{200B}' => "the zero-width space",
        '\u{200C}' => "the zero-width non-joiner",
        '\u{200D}' => "the zero-width joiner",
        '\u{2060}' => "the word joiner",
        '\u{FEFF}' => "the zero-width no-break space (byte order mark)",
        '\u{E0000}'..='\u{E007F}' => "the invisible tag character",
        '\r' => "a carriage return not followed by a line break,",
        _ => "the control character",
    };
    format!("{name} U+{:04X}", c as u32)
}

/// Every text value of a TOML file, with the key it is under and its byte
/// span (quotes included), in file order; nothing if the file does not parse.
pub fn text_values(text: &str) -> Vec<(String, Range<usize>, String)> {
    use toml::de::DeValue;
    let Ok(table) = toml::de::DeTable::parse(text) else { return Vec::new() };
    let mut out = Vec::new();
    let mut stack: Vec<(&str, &Spanned<DeValue<'_>>)> =
        table.get_ref().iter().map(|(k, v)| (k.get_ref().as_ref(), v)).collect();
    while let Some((key, value)) = stack.pop() {
        match value.get_ref() {
            DeValue::String(s) => out.push((key.to_string(), value.span(), s.to_string())),
            DeValue::Array(items) => stack.extend(items.iter().map(|v| (key, v))),
            DeValue::Table(t) => stack.extend(t.iter().map(|(k, v)| (k.get_ref().as_ref(), v))),
            _ => {}
        }
    }
    out.sort_by_key(|(_, span, _)| span.start);
    out
}

/// Where the character `c` of a text value is written in the file: the
/// character itself, or the escape (`\u202E`, `\x1B`, `\e`, …) that makes
/// it; else the value's first line.
pub fn locate_char(text: &str, span: Range<usize>, c: char) -> Range<usize> {
    let span = first_line_or_all(text, span);
    let Some(raw) = text.get(span.clone()) else { return span };
    if let Some(at) = raw.find(c) {
        return span.start + at..span.start + at + c.len_utf8();
    }
    let mut rest = raw;
    let mut offset = span.start;
    while let Some(at) = rest.find('\\') {
        let escape = &rest[at + 1..];
        let (decoded, len) = match escape.chars().next() {
            Some('b') => (Some('\u{8}'), 1),
            Some('t') => (Some('\t'), 1),
            Some('n') => (Some('\n'), 1),
            Some('f') => (Some('\u{c}'), 1),
            Some('r') => (Some('\r'), 1),
            Some('e') => (Some('\u{1b}'), 1),
            Some(kind @ ('x' | 'u' | 'U')) => {
                let digits = match kind {
                    'x' => 2,
                    'u' => 4,
                    _ => 8,
                };
                let hex = escape.get(1..1 + digits).unwrap_or("");
                (u32::from_str_radix(hex, 16).ok().and_then(char::from_u32), 1 + digits)
            }
            Some(other) => (Some(other), other.len_utf8()),
            None => (None, 0),
        };
        let start = offset + at;
        if decoded == Some(c) {
            return start..start + 1 + len;
        }
        let skip = at + 1 + len.max(1);
        let skip = (skip..=rest.len()).find(|i| rest.is_char_boundary(*i)).unwrap_or(rest.len());
        offset += skip;
        rest = &rest[skip..];
    }
    first_line(text, span)
}

/// The span itself when it is one line, else its first line.
fn first_line_or_all(text: &str, span: Range<usize>) -> Range<usize> {
    let start = span.start.min(text.len());
    start..span.end.clamp(start, text.len())
}

/// Turns a toml error into a diagnostic with the file, span and a hint.
fn toml_error(sources: &Sources, file: FileId, e: &toml::de::Error) -> Diagnostic {
    let text = sources.text(file);
    let message = e.message().trim().trim_end_matches('.').to_string();
    let span = first_line(text, e.span().unwrap_or(0..0));
    let offending = text.get(span.clone()).unwrap_or("").trim();
    if let Some(rest) = message.strip_prefix("unknown field `") {
        let (field, tail) = rest.split_once('`').unwrap_or((rest, ""));
        let allowed: Vec<&str> =
            tail.split('`').skip(1).step_by(2).filter(|s| !s.is_empty()).collect();
        let mut d = Diagnostic::error("unknown-field", format!("unknown field `{field}`"))
            .at(file, span)
            .with_label("not a field here");
        if let Some(best) = closest(field, &allowed) {
            d = d.with_hint(format!("did you mean `{best}`?"));
        }
        if !allowed.is_empty() {
            d = d.with_hint(format!("allowed here: {}", allowed.join(", ")));
        }
        return d;
    }
    if let Some(rest) = message.strip_prefix("missing field `") {
        let field = rest.split('`').next().unwrap_or(rest);
        return Diagnostic::error("missing-field", format!("missing field `{field}`"))
            .at(file, span)
            .with_label(format!("this table needs `{field}`"))
            .with_hint(format!("add `{field} = ...`; see the file format in the README"));
    }
    if let Some(rest) = message.strip_prefix("unknown variant `") {
        let (value, tail) = rest.split_once('`').unwrap_or((rest, ""));
        let allowed: Vec<&str> = tail.split('`').skip(1).step_by(2).collect();
        let mut d =
            Diagnostic::error("invalid-value", format!("`{value}` is not an allowed value"))
                .at(file, span)
                .with_label("not allowed here");
        if let Some(best) = closest(value, &allowed) {
            d = d.with_hint(format!("did you mean `{best}`?"));
        }
        return d.with_hint(format!("allowed: {}", allowed.join(", ")));
    }
    let (code, hint) = if message.starts_with("invalid type") {
        ("invalid-type", "check the value's type: text needs quotes, dates and numbers do not")
    } else if message.contains("date") {
        ("invalid-date", "write dates as YYYY-MM-DD, e.g. 2024-01-01")
    } else if message.starts_with("duplicate key") {
        ("duplicate-key", "each key may appear once in a table; remove one of them")
    } else {
        ("syntax", "see https://toml.io for TOML syntax")
    };
    let label = if offending.is_empty() { String::new() } else { format!("here: `{offending}`") };
    Diagnostic::error(code, message).at(file, span).with_label(label).with_hint(hint)
}

/// Limits a span to its first line, so that a diagnostic about a whole table
/// underlines the table's header rather than every line of it.
fn first_line(text: &str, span: Range<usize>) -> Range<usize> {
    let start = span.start.min(text.len());
    let end = span.end.clamp(start, text.len());
    let end = text[start..end].find('\n').map_or(end, |i| start + i);
    start..end
}

pub(crate) use crate::diag::closest;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Jurisdiction;

    fn load(text: &str) -> Vec<Diagnostic> {
        let mut sources = Sources::new();
        let id = sources.add("XX.toml", text);
        match parse_toml::<Jurisdiction>(&sources, id) {
            Ok(_) => vec![],
            Err(d) => vec![d],
        }
    }

    #[test]
    fn unknown_field_names_the_field_and_suggests() {
        let d = load("code = \"XX\"\nnmae = \"X\"\n");
        assert_eq!(d[0].code, "unknown-field");
        assert_eq!(d[0].message, "unknown field `nmae`");
        assert!(d[0].hints.iter().any(|h| h == "did you mean `name`?"), "{:?}", d[0].hints);
        assert_eq!(d[0].location.as_ref().unwrap().1, 12..16);
    }

    #[test]
    fn characters_are_located_as_written_or_escaped() {
        let text = "a = \"x\u{202E}y\"\nb = \"p\\u202Eq \\e \\\\ \\x07\"\nc = 'lit\u{85}'\n";
        assert!(
            toml::de::DeTable::parse(text).is_ok(),
            "{:?}",
            toml::de::DeTable::parse(text).err()
        );
        let values = text_values(text);
        assert_eq!(values.len(), 3);
        let at = |i: usize, c: char| {
            let r = locate_char(text, values[i].1.clone(), c);
            text[r].to_string()
        };
        assert_eq!(at(0, '\u{202E}'), "\u{202E}");
        assert_eq!(at(1, '\u{202E}'), "\\u202E");
        assert_eq!(at(1, '\u{1b}'), "\\e");
        assert_eq!(at(1, '\u{7}'), "\\x07");
        assert_eq!(at(2, '\u{85}'), "\u{85}");
        assert_eq!(values[1].0, "b");
    }

    #[test]
    fn syntax_error_points_at_the_line() {
        let d = load("code = \"XX\"\nname = \n");
        assert_eq!(d[0].code, "syntax");
        let mut sources = Sources::new();
        let id = sources.add("XX.toml", "code = \"XX\"\nname = \n");
        let (line, _) = sources.line_column(id, d[0].location.as_ref().unwrap().1.start);
        assert_eq!(line, 2);
    }
}
