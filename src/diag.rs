//! Diagnostics: one model for every problem the tool reports about its input,
//! and the printers that show them to people (codespan-reporting) and to
//! machines (JSON).
//!
//! A diagnostic about an input file names the file and a byte span in it; the
//! printers turn that into `file:line:column`, the offending text underlined,
//! and hints. Messages are lower-case, without a final period; the fix goes in
//! a hint.

use std::ops::Range;

use codespan_reporting::diagnostic as cs;
use codespan_reporting::files::SimpleFiles;
use codespan_reporting::term;

/// How serious a diagnostic is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Worth knowing; the build goes on.
    Warning,
    /// The input cannot be used.
    Error,
}

/// The longest source line a rendered diagnostic shows, in bytes; a longer
/// one is named by line and column instead.
pub const MAX_SHOWN_LINE: usize = 1000;

/// An index into [`Sources`].
pub type FileId = usize;

/// One problem found in the input.
#[derive(Clone, Debug)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// A short stable name for the kind of problem, e.g. `unknown-field`.
    pub code: &'static str,
    /// The file and byte range the problem is in, when it has one.
    pub location: Option<(FileId, Range<usize>)>,
    /// What is wrong.
    pub message: String,
    /// Text under the underline.
    pub label: String,
    /// How to fix it.
    pub hints: Vec<String>,
}

impl Diagnostic {
    /// Creates an error diagnostic without a location.
    pub fn error(code: &'static str, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            severity: Severity::Error,
            code,
            location: None,
            message: message.into(),
            label: String::new(),
            hints: Vec::new(),
        }
    }

    /// Creates a warning diagnostic without a location.
    pub fn warning(code: &'static str, message: impl Into<String>) -> Diagnostic {
        Diagnostic { severity: Severity::Warning, ..Diagnostic::error(code, message) }
    }

    /// Points the diagnostic at a byte range of a file.
    pub fn at(mut self, file: FileId, span: Range<usize>) -> Diagnostic {
        self.location = Some((file, span));
        self
    }

    /// Sets the text shown under the underline.
    pub fn with_label(mut self, label: impl Into<String>) -> Diagnostic {
        self.label = label.into();
        self
    }

    /// Adds a hint.
    pub fn with_hint(mut self, hint: impl Into<String>) -> Diagnostic {
        self.hints.push(hint.into());
        self
    }

    /// Whether this is an error.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// The text of every input file a diagnostic may point into.
#[derive(Clone, Debug, Default)]
pub struct Sources {
    files: SimpleFiles<String, String>,
    count: usize,
}

impl Sources {
    /// Creates an empty set of sources.
    pub fn new() -> Sources {
        Sources::default()
    }

    /// Adds a file under the name it is shown with, and returns its id.
    pub fn add(&mut self, name: impl Into<String>, text: impl Into<String>) -> FileId {
        self.count += 1;
        self.files.add(name.into(), text.into())
    }

    /// How many files there are; ids run from 0 to this.
    pub fn len(&self) -> usize {
        self.count
    }

    /// Whether there are no files.
    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// The name a file is shown with.
    pub fn name(&self, id: FileId) -> &str {
        self.files.get(id).map(|f| f.name().as_str()).unwrap_or("<unknown>")
    }

    /// The text of a file.
    pub fn text(&self, id: FileId) -> &str {
        self.files.get(id).map(|f| f.source().as_str()).unwrap_or("")
    }

    /// The 1-based line and column (in Unicode scalar values) of a byte offset.
    pub fn line_column(&self, id: FileId, offset: usize) -> (usize, usize) {
        let text = self.text(id);
        let offset = floor_char_boundary(text, offset);
        let before = &text[..offset];
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        (line, before[line_start..].chars().count() + 1)
    }

    /// Renders a diagnostic for a person: `error[code]: message`, the file,
    /// line and column, the offending text underlined, and the hints.
    pub fn render(&self, d: &Diagnostic) -> String {
        let mut out = cs::Diagnostic::new(match d.severity {
            Severity::Error => cs::Severity::Error,
            Severity::Warning => cs::Severity::Warning,
        })
        .with_code(d.code)
        .with_message(&d.message)
        .with_notes(d.hints.iter().map(|h| format!("hint: {h}")).collect());
        if let Some((file, span)) = &d.location {
            let text = self.text(*file);
            let start = floor_char_boundary(text, span.start);
            let end = floor_char_boundary(text, span.end.max(start));
            let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
            let line_end = text[end..].find('\n').map_or(text.len(), |i| end + i);
            if line_end - line_start > MAX_SHOWN_LINE {
                // A line of a megabyte would bury the message; say where instead.
                let (line, column) = self.line_column(*file, start);
                let mut notes = vec![format!(
                    "at {}:{line}:{column} (a line of {} characters, not shown)",
                    self.name(*file),
                    text[line_start..line_end].chars().count()
                )];
                notes.append(&mut out.notes);
                out = out.with_notes(notes);
            } else {
                out = out.with_labels(vec![
                    cs::Label::primary(*file, start..end).with_message(&d.label),
                ]);
            }
        }
        let config = term::Config::default();
        term::emit_into_string(&config, &self.files, &out)
            .unwrap_or_else(|_| format!("{}: {}\n", severity_word(d.severity), d.message))
    }

    /// Renders a diagnostic as one line of JSON for machines.
    pub fn to_json(&self, d: &Diagnostic) -> serde_json::Value {
        let mut v = serde_json::json!({
            "severity": d.severity,
            "code": d.code,
            "message": d.message,
            "hints": d.hints,
        });
        if let Some((file, span)) = &d.location {
            let (line, column) = self.line_column(*file, span.start);
            let (end_line, end_column) = self.line_column(*file, span.end);
            let obj = v.as_object_mut().expect("object literal");
            obj.insert("file".into(), self.name(*file).into());
            obj.insert("line".into(), line.into());
            obj.insert("column".into(), column.into());
            obj.insert("end_line".into(), end_line.into());
            obj.insert("end_column".into(), end_column.into());
        }
        v
    }

    /// Renders a diagnostic on one line: `file:line:column: error[code]: message`.
    pub fn render_short(&self, d: &Diagnostic) -> String {
        let head = format!("{}[{}]: {}", severity_word(d.severity), d.code, d.message);
        match &d.location {
            Some((file, span)) => {
                let (line, column) = self.line_column(*file, span.start);
                format!("{}:{line}:{column}: {head}", self.name(*file))
            }
            None => head,
        }
    }
}

fn severity_word(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

fn floor_char_boundary(text: &str, mut i: usize) -> usize {
    i = i.min(text.len());
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// Whether any diagnostic is an error.
pub fn has_errors(diags: &[Diagnostic]) -> bool {
    diags.iter().any(Diagnostic::is_error)
}

/// The allowed name closest to a misspelt one, if any is close.
pub fn closest<'a>(word: &str, allowed: &[&'a str]) -> Option<&'a str> {
    allowed
        .iter()
        .map(|a| (strsim::damerau_levenshtein(word, a), *a))
        .filter(|(d, a)| *d <= 2.max(a.len() / 3))
        .min()
        .map(|(_, a)| a)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_file_line_column_and_hint() {
        let mut sources = Sources::new();
        let id = sources.add("CA.toml", "code = \"CA\"\nefective = 2024-01-01\n");
        let d = Diagnostic::error("unknown-field", "unknown field `efective`")
            .at(id, 12..20)
            .with_label("not a field here")
            .with_hint("did you mean `effective`?");
        let text = sources.render(&d);
        assert!(text.contains("error[unknown-field]: unknown field `efective`"), "{text}");
        assert!(text.contains("CA.toml:2:1"), "{text}");
        assert!(text.contains("^^^^^^^^"), "{text}");
        assert!(text.contains("hint: did you mean `effective`?"), "{text}");
        assert_eq!(
            sources.render_short(&d),
            "CA.toml:2:1: error[unknown-field]: unknown field `efective`"
        );
        let json = sources.to_json(&d);
        assert_eq!(json["line"], 2);
        assert_eq!(json["end_column"], 9);
    }

    #[test]
    fn a_huge_line_is_named_not_shown() {
        let mut sources = Sources::new();
        let name = "x".repeat(100_000);
        let id = sources.add("p.toml", format!("a = 1\nname = \"{name}\"\n"));
        let d =
            Diagnostic::error("too-long", "too long").at(id, 13..100_015).with_hint("shorten it");
        let text = sources.render(&d);
        assert!(text.len() < 1000, "{text}");
        assert!(text.contains("at p.toml:2:8 (a line of 100009 characters, not shown)"), "{text}");
        assert!(text.contains("hint: shorten it"), "{text}");
    }
}
