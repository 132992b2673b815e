//! Load: input files to the model, with a diagnostic for every problem.
//!
//! TOML is read with serde (`deny_unknown_fields` everywhere); syntax and type
//! errors become diagnostics that name the file, line and column, underline
//! the offending text and give a hint. Whole-model checks (a citation left
//! empty, versions out of order, a review date in the future) are collected,
//! never stopped at the first.

use std::ops::Range;

use serde::de::DeserializeOwned;
use toml::Spanned;

use crate::date::Date;
use crate::diag::{Diagnostic, FileId, Sources};
use crate::model::{Jurisdiction, Practice, Profession, RuleVersion, Topic};

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

/// The allowed name closest to a misspelt one, if any is close.
fn closest<'a>(word: &str, allowed: &[&'a str]) -> Option<&'a str> {
    allowed
        .iter()
        .map(|a| (strsim::damerau_levenshtein(word, a), *a))
        .filter(|(d, a)| *d <= 2.max(a.len() / 3))
        .min()
        .map(|(_, a)| a)
}

/// Loads and checks one jurisdiction file. `stem` is the file name without
/// `.toml`; `today` bounds `last_reviewed`.
pub fn jurisdiction(
    sources: &Sources,
    file: FileId,
    stem: &str,
    today: Date,
) -> Result<(Jurisdiction, Vec<Diagnostic>), Vec<Diagnostic>> {
    let j: Jurisdiction = parse_toml(sources, file).map_err(|d| vec![d])?;
    let mut diags = Vec::new();
    let span = |s: &Spanned<String>| s.span();
    if j.code.get_ref() != stem {
        diags.push(
            Diagnostic::error(
                "code-mismatch",
                format!("code `{}` does not match the file name", j.code.get_ref()),
            )
            .at(file, span(&j.code))
            .with_label(format!("the file is `{stem}.toml`"))
            .with_hint(format!("set `code = \"{stem}\"` or rename the file")),
        );
    }
    if *j.last_reviewed.get_ref() > today {
        diags.push(
            Diagnostic::error(
                "review-in-future",
                format!("`last_reviewed` {} is in the future", j.last_reviewed.get_ref()),
            )
            .at(file, j.last_reviewed.span())
            .with_label(format!("today is {today}"))
            .with_hint("set the date the file was last checked"),
        );
    }
    check_topic(&mut diags, file, "child_abuse", &j.child_abuse);
    check_topic(&mut diags, file, "elder_abuse", &j.elder_abuse);
    check_topic(&mut diags, file, "duty_to_warn", &j.duty_to_warn);
    check_topic(&mut diags, file, "minors", &j.minors);
    check_topic(&mut diags, file, "court_orders", &j.court_orders);
    check_topic(&mut diags, file, "records", &j.records);
    check_topic(&mut diags, file, "licensing_boards", &j.licensing_boards);
    check_topic(&mut diags, file, "telehealth", &j.telehealth);
    for v in &j.licensing_boards.versions {
        let mut seen = Vec::new();
        for b in &v.boards {
            let p = *b.profession.get_ref();
            if seen.contains(&p) {
                diags.push(
                    Diagnostic::error(
                        "duplicate-board",
                        format!("a second board for `{}`", p.key()),
                    )
                    .at(file, b.profession.span())
                    .with_hint("list one board per profession in each version"),
                );
            }
            seen.push(p);
            for s in [&b.citation, &b.source] {
                if s.get_ref().trim().is_empty() {
                    diags.push(empty(file, s, "board"));
                }
            }
        }
        for p in Profession::ALL {
            if !seen.contains(&p) {
                diags.push(
                    Diagnostic::error(
                        "missing-board",
                        format!("no licensing board for `{}`", p.key()),
                    )
                    .at(file, v.citation.span())
                    .with_label("in this version")
                    .with_hint(format!(
                        "add a `[[licensing_boards.versions.boards]]` with `profession = \"{}\"`",
                        p.key()
                    )),
                );
            }
        }
    }
    if crate::diag::has_errors(&diags) { Err(diags) } else { Ok((j, diags)) }
}

fn empty(file: FileId, s: &Spanned<String>, what: &str) -> Diagnostic {
    Diagnostic::error("empty-citation", format!("empty citation or source in a {what}"))
        .at(file, s.span())
        .with_label("empty")
        .with_hint("every value needs a citation as a lawyer writes it and the source where it was confirmed")
}

fn check_topic<V: RuleVersion>(
    diags: &mut Vec<Diagnostic>,
    file: FileId,
    name: &str,
    t: &Topic<V>,
) {
    if t.versions.is_empty() {
        diags.push(
            Diagnostic::error("missing-topic", format!("topic `{name}` has no versions"))
                .with_hint(format!("add a `[[{name}.versions]]` table")),
        );
    }
    let mut previous: Option<Date> = None;
    for (i, v) in t.versions.iter().enumerate() {
        for s in [v.citation(), v.source()] {
            if s.get_ref().trim().is_empty() {
                diags.push(empty(file, s, "rule version"));
            }
        }
        if v.status() == crate::model::Status::Confirmed
            && v.source().get_ref().trim().to_lowercase().starts_with("no source")
        {
            diags.push(
                Diagnostic::error("confirmed-without-source", format!("a confirmed `{name}` version names no source"))
                    .at(file, v.source().span())
                    .with_label("no source here")
                    .with_hint("give the URL or title where the value was read, or set `status = \"unconfirmed\"`"),
            );
        }
        match v.effective() {
            None if i > 0 => diags.push(
                Diagnostic::error(
                    "missing-effective",
                    format!("a later version of `{name}` has no `effective` date"),
                )
                .at(file, v.citation().span())
                .with_label("in this version")
                .with_hint("only the first version may leave out `effective`"),
            ),
            None => {}
            Some(e) => {
                let date = *e.get_ref();
                if let Some(p) = previous
                    && date <= p
                {
                    diags.push(
                        Diagnostic::error(
                            "versions-out-of-order",
                            format!("`{name}` versions are out of order"),
                        )
                        .at(file, e.span())
                        .with_label(format!("not after the previous version's {p}"))
                        .with_hint(
                            "list versions oldest first, each with a later `effective` date",
                        ),
                    );
                }
                previous = Some(date);
            }
        }
        for u in v.unconfirmed() {
            if !V::FIELDS.contains(&u.get_ref().as_str()) {
                diags.push(
                    Diagnostic::error(
                        "unknown-field",
                        format!("`unconfirmed` names `{}`, not a field of `{name}`", u.get_ref()),
                    )
                    .at(file, u.span())
                    .with_hint(format!("fields of `{name}`: {}", V::FIELDS.join(", "))),
                );
            }
        }
    }
}

/// Loads and checks the practice file against the known states and documents.
pub fn practice(
    sources: &Sources,
    file: FileId,
    known_states: &[&str],
    known_documents: &[&str],
) -> Result<Practice, Vec<Diagnostic>> {
    let mut p: Practice = parse_toml(sources, file).map_err(|d| vec![d])?;
    let mut diags = Vec::new();
    if p.name.get_ref().trim().is_empty() {
        diags.push(
            Diagnostic::error("empty-name", "the practice name is empty")
                .at(file, p.name.span())
                .with_hint("set `name = \"...\"` to the name clients know the practice by"),
        );
    }
    if p.states.is_empty() {
        diags.push(
            Diagnostic::error("no-states", "the practice lists no states")
                .with_hint("set `states = [\"CA\"]` to the states where clients are seen"),
        );
    }
    check_list(&mut diags, file, "state", &p.states, known_states);
    check_list(&mut diags, file, "document", &p.documents, known_documents);
    check_list(&mut diags, file, "document", &p.per_clinician, known_documents);
    if let Some(states) = &p.services.telehealth_states {
        check_list(&mut diags, file, "state", states, known_states);
    }
    for l in &p.locations {
        check_list(&mut diags, file, "state", std::slice::from_ref(&l.state), known_states);
    }
    check_clinicians(&mut diags, file, &p, known_states);
    if !(1.0..=20.0).contains(&p.readability.max_grade) {
        diags.push(
            Diagnostic::error("invalid-value", "`readability.max_grade` must be between 1 and 20")
                .with_hint("the default is 8.0"),
        );
    }
    if !diags.is_empty() {
        return Err(diags);
    }
    // The order a practice lists its states and documents in means nothing:
    // states go by code and documents in packet order, so that reordering
    // the lists changes no byte of any output.
    p.states.sort_by(|a, b| a.get_ref().cmp(b.get_ref()));
    let rank = |d: &Spanned<String>| known_documents.iter().position(|k| k == d.get_ref());
    p.documents.sort_by_key(rank);
    Ok(p)
}

fn check_clinicians(
    diags: &mut Vec<Diagnostic>,
    file: FileId,
    p: &Practice,
    known_states: &[&str],
) {
    let ids: Vec<&str> = p.clinicians.iter().map(|c| c.id.get_ref().as_str()).collect();
    for (i, c) in p.clinicians.iter().enumerate() {
        let id = c.id.get_ref();
        if id.is_empty()
            || !id.chars().all(|ch| ch.is_ascii_alphanumeric() || ch == '-' || ch == '_')
        {
            diags.push(
                Diagnostic::error(
                    "invalid-id",
                    format!("clinician id `{id}` is not a simple name"),
                )
                .at(file, c.id.span())
                .with_hint("use letters, digits, `-` and `_` only; it becomes a folder name"),
            );
        }
        if ids[..i].contains(&id.as_str()) {
            diags.push(
                Diagnostic::error("duplicate", format!("clinician id `{id}` is used twice"))
                    .at(file, c.id.span())
                    .with_hint("give each clinician their own id"),
            );
        }
        match (&c.supervisor, c.associate) {
            (None, true) => diags.push(
                Diagnostic::error(
                    "missing-supervisor",
                    format!("associate `{id}` names no supervisor"),
                )
                .at(file, c.id.span())
                .with_hint(
                    "add `supervisor = \"<id>\"`: the licensed clinician who supervises them",
                ),
            ),
            (Some(s), _) if !ids.contains(&s.get_ref().as_str()) || s.get_ref() == id => {
                let mut d = Diagnostic::error(
                    "unknown-supervisor",
                    format!(
                        "supervisor `{}` of `{id}` is not another clinician of the practice",
                        s.get_ref()
                    ),
                )
                .at(file, s.span())
                .with_label("no clinician has this id");
                if let Some(best) = closest(s.get_ref(), &ids) {
                    d = d.with_hint(format!("did you mean `{best}`?"));
                }
                diags.push(d.with_hint(format!("clinician ids: {}", ids.join(", "))));
            }
            _ => {}
        }
        let states: Vec<Spanned<String>> = c.licenses.iter().map(|l| l.state.clone()).collect();
        check_list(diags, file, "state", &states, known_states);
    }
}

fn check_list(
    diags: &mut Vec<Diagnostic>,
    file: FileId,
    what: &str,
    items: &[Spanned<String>],
    known: &[&str],
) {
    let mut seen: Vec<&str> = Vec::new();
    for item in items {
        let value = item.get_ref().as_str();
        if !known.contains(&value) {
            let mut d = Diagnostic::error(
                if what == "state" { "unknown-state" } else { "unknown-document" },
                format!("unknown {what} `{value}`"),
            )
            .at(file, item.span())
            .with_label(format!("not a known {what}"));
            if let Some(best) = known
                .iter()
                .find(|k| k.eq_ignore_ascii_case(value))
                .copied()
                .or_else(|| closest(value, known))
            {
                d = d.with_hint(format!("did you mean `{best}`?"));
            }
            diags.push(d.with_hint(format!("known: {}", known.join(", "))));
        } else if seen.contains(&value) {
            diags.push(
                Diagnostic::error("duplicate", format!("`{value}` is listed twice"))
                    .at(file, item.span())
                    .with_hint("list each once"),
            );
        }
        seen.push(value);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn syntax_error_points_at_the_line() {
        let d = load("code = \"XX\"\nname = \n");
        assert_eq!(d[0].code, "syntax");
        let mut sources = Sources::new();
        let id = sources.add("XX.toml", "code = \"XX\"\nname = \n");
        let (line, _) = sources.line_column(id, d[0].location.as_ref().unwrap().1.start);
        assert_eq!(line, 2);
    }
}
