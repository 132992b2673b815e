//! Form fields: what the form blocks of a document ask for, and the ids
//! both writers give them.
//!
//! Every line of a form block starts with the field's **id**, written once
//! in the template: lower-case ASCII letters, digits and `-`, starting with a
//! letter (`recipient`), the same in every language and whatever the label
//! says. An EHR or a script fills a field by its id; the label is only what
//! a reader sees (the HTML `<label>`, the PDF field's accessible name `/TU`).
//!
//! - A ```` ```fields ```` block has one blank per line, `ID: Label` or
//!   `ID [flags]: Label`, flags among `date` (a date field), `check` (a
//!   yes/no check box, checked meaning yes), `required` (the form is not
//!   valid without it) and `multiline` (a free-text answer: a box of several
//!   lines, room for at least [`MULTILINE_CHARACTERS`] characters):
//!   `recipient [required multiline]: Person or group who will get the information`.
//! - A ```` ```signatures ```` block has one signer per line, `KEY: Role`
//!   (`guardian: Parent or guardian, if the client is under 18`), optionally
//!   `KEY [required]: Role`; the signer's fields are `KEY.signature`,
//!   `KEY.name` and `KEY.date` (with `required`, the signature and the date
//!   are required).
//!
//! An id used twice in one document is an error (see [`Namer::check`]); in a
//! packet the PDF prefixes each document's fields with its id
//! (`authorization.recipient`), see [`crate::pdf::acroform`]. A date field's
//! label gets its format from the writer, in the document's language
//! (`Date of birth (mm/dd/yyyy)`), never from translators.
//!
//! A translation keeps every id and flag and translates only the labels;
//! [`source`] reads them from a template's text, to check that (and to lint
//! every line of a template before anything is rendered).

mod line;
pub mod source;

use std::collections::BTreeSet;
use std::ops::Range;

pub use line::{FIELD_FLAGS, Flags, Line, LineError, is_id, label_of, parse_head, parse_line};

use crate::model::Lang;

/// A form block: a fenced code block whose info string is `signatures` or
/// `fields`, one line per field or signer (see the module documentation).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FormBlock {
    /// Signers, one per line (`client: Client`), each with signature,
    /// printed-name and date lines.
    Signatures(Vec<String>),
    /// Blanks and check boxes, one per line (`date-of-birth [date]: Date of birth`).
    Fields(Vec<String>),
}

/// What a field holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// Text.
    Text,
    /// A date (`MM/DD/YYYY` in the PDF, `type=date` in HTML).
    Date,
    /// A signature.
    Signature,
    /// A yes/no check box.
    Check,
}

impl Kind {
    /// The kind's name, as the page template sees it.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Text => "text",
            Kind::Date => "date",
            Kind::Signature => "signature",
            Kind::Check => "check",
        }
    }
}

/// A multi-line field has room for at least this many characters at the
/// document's type size (the page template sizes its box).
pub const MULTILINE_CHARACTERS: usize = 300;

/// The format a date field's label says, in a language: the order `fill`
/// writes and Acrobat's date script checks.
pub fn date_format_label(lang: Lang) -> &'static str {
    match lang {
        Lang::En => "(mm/dd/yyyy)",
        Lang::Es => "(mm/dd/aaaa)",
    }
}

/// The words the writers add to a document's fields, in its language.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Words {
    /// The printed labels of a signer's three lines: signature, printed
    /// name, date.
    pub signer: [String; 3],
    /// What a date field's label says of its format (`(mm/dd/yyyy)`).
    pub date_format: String,
}

impl Words {
    /// The English words.
    pub fn english() -> Words {
        Words {
            signer: SIGNER_LABELS.map(str::to_string),
            date_format: date_format_label(Lang::En).to_string(),
        }
    }
}

/// One field.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Field {
    /// Its id (`client.signature`, `date-of-birth`).
    pub name: String,
    /// The label printed beside it (`Signature`, `Date of birth`).
    pub label: String,
    /// For a date, its format in the document's language (`(mm/dd/yyyy)`),
    /// printed after the label; else empty.
    pub format: String,
    /// Its accessible name: the label, and for a signer's fields the role
    /// (`Signature (Client)`, `Date (Client) (mm/dd/yyyy)`).
    pub description: String,
    /// What it holds.
    pub kind: Kind,
    /// The form is not valid without it.
    pub required: bool,
    /// A free-text answer of several lines.
    pub multiline: bool,
}

/// One signer of a signature block.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Signer {
    /// The role as written (`Parent or guardian, if the client is under 18`).
    pub role: String,
    /// Its key, the first part of its fields' ids (`guardian`).
    pub key: String,
    /// Signature, printed name and date, in that order.
    pub fields: [Field; 3],
}

/// A form block with its fields named.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Part {
    /// Signers, one signature block each.
    Signers(Vec<Signer>),
    /// Blanks and check boxes.
    Blanks(Vec<Field>),
}

/// The printed labels of a signer's three lines.
pub const SIGNER_LABELS: [&str; 3] = ["Signature", "Printed name", "Date"];

/// A problem with a form block of a rendered document.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    /// The line as rendered.
    pub line: String,
    /// What is wrong.
    pub message: String,
    /// How to put it right.
    pub hint: String,
    /// The bytes of the line it points at.
    pub at: Range<usize>,
    /// For an id used twice: the how-manieth line of this text it is (1 or 2),
    /// so the second one is pointed at.
    pub nth: usize,
}

/// Names the fields of one document, block by block, in reading order; both
/// writers use one per document, so they give every field the same name.
#[derive(Debug)]
pub struct Namer {
    /// Every id given so far (`client.signature`), and every prefix of one (`client`).
    used: BTreeSet<String>,
    words: Words,
}

impl Default for Namer {
    fn default() -> Namer {
        Namer::new(Words::english())
    }
}

impl Namer {
    /// A namer for a new document, its fields labelled with `words`.
    pub fn new(words: Words) -> Namer {
        Namer { used: BTreeSet::new(), words }
    }

    /// Takes `id` (and its prefixes), or says it is taken.
    fn take(&mut self, id: &str, parts: &[&str]) -> bool {
        let names: Vec<String> = if parts.is_empty() {
            vec![id.to_string()]
        } else {
            parts.iter().map(|p| format!("{id}.{p}")).collect()
        };
        if self.used.contains(id) || names.iter().any(|n| self.used.contains(n)) {
            return false;
        }
        self.used.insert(id.to_string());
        self.used.extend(names);
        true
    }

    /// `base`, or `base-2`, `base-3`, ... when it is taken (only for a
    /// document [`Namer::check`] refused, so both writers still agree).
    fn unique(&mut self, base: &str, parts: &[&str]) -> String {
        let base = if is_id(base) { base } else { "field" };
        let mut id = base.to_string();
        let mut n = 1;
        while !self.take(&id, parts) {
            n += 1;
            id = format!("{base}-{n}");
        }
        id
    }

    /// Every problem of a form block: lines that are not `ID: Label`, ids
    /// already used in the document. Call it for every block, in order.
    pub fn check(&mut self, block: &FormBlock) -> Vec<Problem> {
        let (lines, signer) = match block {
            FormBlock::Signatures(l) => (l, true),
            FormBlock::Fields(l) => (l, false),
        };
        let parts: &[&str] = if signer { &["signature", "name", "date"] } else { &[] };
        let mut out = Vec::new();
        for line in lines {
            match parse_line(line, signer) {
                Err(e) => out.push(Problem {
                    line: line.clone(),
                    message: e.message,
                    hint: e.hint,
                    at: e.at,
                    nth: 1,
                }),
                Ok(l) if !self.take(l.id, parts) => out.push(Problem {
                    line: line.clone(),
                    message: format!("the id `{}` is used twice in this document", l.id),
                    hint: "give each field and signer of a document its own id".into(),
                    at: 0..l.id.len(),
                    nth: 2,
                }),
                Ok(_) => {}
            }
        }
        out
    }

    /// Names the fields of a form block (a line that is not `ID: Label`
    /// gets `field`, `field-2`, ...; [`Namer::check`] refuses such documents).
    pub fn part(&mut self, block: &FormBlock) -> Part {
        match block {
            FormBlock::Signatures(lines) => {
                Part::Signers(lines.iter().map(|line| self.signer(line)).collect())
            }
            FormBlock::Fields(lines) => {
                Part::Blanks(lines.iter().map(|line| self.blank(line)).collect())
            }
        }
    }

    fn signer(&mut self, line: &str) -> Signer {
        let parsed = parse_line(line, true).ok();
        let role = parsed.map_or(line.trim(), |l| l.label).to_string();
        let required = parsed.is_some_and(|l| l.flags.required);
        let key = self.unique(parsed.map_or("signer", |l| l.id), &["signature", "name", "date"]);
        let [sig, name, date] = &self.words.signer;
        let field = |suffix: &str, label: &str, kind, required| {
            let format = if kind == Kind::Date { self.words.date_format.as_str() } else { "" };
            Field {
                name: format!("{key}.{suffix}"),
                label: label.to_string(),
                format: format.to_string(),
                description: join(&format!("{label} ({role})"), format),
                kind,
                required,
                multiline: false,
            }
        };
        Signer {
            fields: [
                field("signature", sig, Kind::Signature, required),
                field("name", name, Kind::Text, false),
                field("date", date, Kind::Date, required),
            ],
            role: role.clone(),
            key: key.clone(),
        }
    }

    fn blank(&mut self, line: &str) -> Field {
        let parsed = parse_line(line, false).ok();
        let flags = parsed.map(|l| l.flags).unwrap_or_default();
        let kind = if flags.check {
            Kind::Check
        } else if flags.date {
            Kind::Date
        } else {
            Kind::Text
        };
        let label = parsed.map_or(line.trim(), |l| l.label).to_string();
        let format =
            if kind == Kind::Date { self.words.date_format.clone() } else { String::new() };
        Field {
            name: self.unique(parsed.map_or("field", |l| l.id), &[]),
            description: join(&label, &format),
            label,
            format,
            kind,
            required: flags.required,
            multiline: flags.multiline,
        }
    }
}

impl Field {
    /// The label as printed: with the format of a date (`Date of birth (mm/dd/yyyy)`).
    pub fn printed_label(&self) -> String {
        join(&self.label, &self.format)
    }
}

/// `text` and `more` with a space between, or `text` alone.
fn join(text: &str, more: &str) -> String {
    if more.is_empty() { text.to_string() } else { format!("{text} {more}") }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_named_by_id_and_labelled_by_label() {
        let mut namer = Namer::new(Words {
            signer: ["Firma".into(), "Nombre en letra de molde".into(), "Fecha".into()],
            date_format: "(mm/dd/aaaa)".into(),
        });
        let sig = FormBlock::Signatures(vec!["client [required]: Cliente".into()]);
        assert!(Namer::default().check(&sig).is_empty());
        let Part::Signers(s) = namer.part(&sig) else { panic!() };
        let names: Vec<&str> = s[0].fields.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names, ["client.signature", "client.name", "client.date"]);
        assert_eq!(s[0].fields[2].printed_label(), "Fecha (mm/dd/aaaa)");
        assert_eq!(s[0].fields[2].description, "Fecha (Cliente) (mm/dd/aaaa)");
        assert_eq!(s[0].fields[1].description, "Nombre en letra de molde (Cliente)");
        let required: Vec<bool> = s[0].fields.iter().map(|f| f.required).collect();
        assert_eq!(required, [true, false, true]);
        let blanks = FormBlock::Fields(vec![
            "date-of-birth [date]: Fecha de nacimiento".into(),
            "voicemail [check]: Pueden dejarme un mensaje".into(),
            "purpose [multiline required]: Razón".into(),
        ]);
        let Part::Blanks(b) = namer.part(&blanks) else { panic!() };
        assert_eq!((b[0].name.as_str(), b[0].kind), ("date-of-birth", Kind::Date));
        assert_eq!(b[0].printed_label(), "Fecha de nacimiento (mm/dd/aaaa)");
        assert_eq!(b[0].description, "Fecha de nacimiento (mm/dd/aaaa)");
        assert_eq!(b[1].kind, Kind::Check);
        assert!(b[2].multiline && b[2].required && b[2].kind == Kind::Text);
    }

    #[test]
    fn an_id_used_twice_is_a_problem_and_still_named_apart() {
        let mut namer = Namer::default();
        let sig = FormBlock::Signatures(vec!["client: Client".into()]);
        assert!(namer.check(&sig).is_empty());
        let again = FormBlock::Fields(vec!["note: Note".into(), "client: Client".into()]);
        let problems = namer.check(&again);
        assert_eq!(problems.len(), 1);
        assert!(problems[0].message.contains("`client` is used twice"), "{problems:?}");
        let twice = FormBlock::Fields(vec!["note: A".into()]);
        assert_eq!(namer.check(&twice).len(), 1);
        // The writers still agree on names for a refused document.
        let mut namer = Namer::default();
        let Part::Blanks(b) = namer.part(&FormBlock::Fields(vec![
            "note: A".into(),
            "note: B".into(),
            "Bad line".into(),
        ])) else {
            panic!()
        };
        let names: Vec<&str> = b.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names, ["note", "note-2", "field"]);
    }
}
