//! Form fields: what the form blocks of a document ask for, and the names
//! both writers give them.
//!
//! A ```` ```signatures ```` block has one signer per line; each signer gets a
//! signature line, a printed-name line and a date line. A ```` ```fields ````
//! block has one labelled blank per line; a line starting with `[ ] ` is a
//! yes/no check box instead (`[ ] May we leave you a voicemail?`).
//!
//! Every field has a **name** an EHR or a script fills it by, the same in the
//! HTML (`name="..."`) and the PDF (the field's fully qualified name):
//!
//! - a signer's fields are `ROLE.signature`, `ROLE.name` and `ROLE.date`,
//!   where ROLE is `guardian` for a role naming a parent, guardian or legal
//!   representative, `therapist` for a therapist or clinician, `client` for
//!   the client, `witness` for a witness, and otherwise the slug of the role
//!   up to its first comma (`Young person` → `young-person`);
//! - a blank or a check box is the slug of its label: lower case, letters and
//!   digits kept, apostrophes dropped, every other run of characters one `-`,
//!   at most 48 characters (`Client's full name` → `clients-full-name`);
//! - a name already used in the document gets `-2`, `-3`, ... (a second
//!   `Client` signer is `client-2.signature`).
//!
//! In a packet the PDF prefixes each document's fields with its id
//! (`consent.client.signature`), see [`crate::pdf::acroform`].
//!
//! A blank is a **date** when its label is `Date`, starts with `Date of` or
//! ends with `date` (`Date of birth`, `Start date`), and says no `or`
//! (`Date or event when this permission ends` is text). Signers' date lines
//! are dates.

use std::collections::BTreeSet;

use crate::render::markdown::FormBlock;

/// What a field holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// One line of text.
    Text,
    /// A date (`MM/DD/YYYY` in the PDF, `type=date` in HTML).
    Date,
    /// A signature.
    Signature,
    /// A yes/no check box.
    Check,
}

impl Kind {
    /// The kind's name, as the page template and `fill` see it.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Text => "text",
            Kind::Date => "date",
            Kind::Signature => "signature",
            Kind::Check => "check",
        }
    }
}

/// One field.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Field {
    /// Its name (`client.signature`, `date-of-birth`).
    pub name: String,
    /// The label printed beside it (`Signature`, `Date of birth`).
    pub label: String,
    /// Its accessible name: the label, and for a signer's fields the role
    /// after it (`Signature (Client)`).
    pub description: String,
    /// What it holds.
    pub kind: Kind,
}

/// One signer of a signature block.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Signer {
    /// The role as written (`Parent or guardian, if the client is under 18`).
    pub role: String,
    /// Its key, the first part of its fields' names (`guardian`).
    pub key: String,
    /// Signature, printed name and date, in that order.
    pub fields: [Field; 3],
}

/// A form block with its fields named.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Part {
    /// Signers, one signature block each.
    Signers(Vec<Signer>),
    /// Labelled blanks and check boxes.
    Blanks(Vec<Field>),
}

/// The printed labels of a signer's three lines.
pub const SIGNER_LABELS: [&str; 3] = ["Signature", "Printed name", "Date"];

/// The marker that makes a line of a ```` ```fields ```` block a check box.
pub const CHECK_MARKER: &str = "[ ] ";

/// A line of a ```` ```fields ```` block: its kind and its label.
pub fn blank(line: &str) -> (Kind, &str) {
    if let Some(label) = line.strip_prefix(CHECK_MARKER).or_else(|| line.strip_prefix("[] ")) {
        return (Kind::Check, label.trim());
    }
    if is_date_label(line) { (Kind::Date, line) } else { (Kind::Text, line) }
}

fn is_date_label(label: &str) -> bool {
    let l = label.trim().to_lowercase();
    let words: Vec<&str> =
        l.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).collect();
    if words.contains(&"or") || words.contains(&"o") {
        return false;
    }
    words == ["date"]
        || words.starts_with(&["date", "of"])
        || words.last() == Some(&"date")
        || words.first() == Some(&"fecha")
}

/// The slug of a label: see the module documentation.
pub fn slug(text: &str) -> String {
    let mut out = String::new();
    let mut dash = false;
    for c in text.chars() {
        if c == '\'' || c == '\u{2019}' {
            continue;
        }
        if c.is_alphanumeric() {
            if dash && !out.is_empty() {
                out.push('-');
            }
            dash = false;
            out.extend(c.to_lowercase());
        } else {
            dash = true;
        }
    }
    if out.chars().count() > 48 {
        // Cut at the last word boundary within 48 characters.
        let cut: String = out.chars().take(49).collect();
        out = match cut.rfind('-') {
            Some(i) if i > 0 => cut[..i].to_string(),
            _ => cut.chars().take(48).collect(),
        };
    }
    out
}

/// A signer's key: see the module documentation.
pub fn role_key(role: &str) -> String {
    let head = role.split(',').next().unwrap_or(role).to_lowercase();
    let has = |w: &[&str]| head.split(|c: char| !c.is_alphanumeric()).any(|word| w.contains(&word));
    // English and Spanish words: a role's key is the same in both languages.
    if has(&[
        "parent",
        "parents",
        "guardian",
        "guardians",
        "representative",
        "padre",
        "madre",
        "padres",
        "tutor",
        "tutora",
        "tutores",
        "representante",
    ]) {
        "guardian".into()
    } else if has(&[
        "therapist",
        "clinician",
        "counselor",
        "counsellor",
        "terapeuta",
        "consejero",
        "consejera",
    ]) {
        "therapist".into()
    } else if has(&["client", "cliente", "paciente"]) {
        "client".into()
    } else if has(&["young", "joven"]) {
        "young-person".into()
    } else if has(&["witness", "testigo"]) {
        "witness".into()
    } else {
        slug(&head)
    }
}

/// Names the fields of one document, block by block, in reading order; both
/// writers use one per document, so they give every field the same name.
#[derive(Debug)]
pub struct Namer {
    /// Every name given so far, and every prefix of one (`client`).
    used: BTreeSet<String>,
    /// The printed labels of a signer's three lines, in the document's language.
    labels: [String; 3],
}

impl Default for Namer {
    fn default() -> Namer {
        Namer { used: BTreeSet::new(), labels: SIGNER_LABELS.map(str::to_string) }
    }
}

impl Namer {
    /// A namer for a new document.
    pub fn new() -> Namer {
        Namer::default()
    }

    /// A namer whose signers' lines are labelled `labels` (signature,
    /// printed name, date) in the document's language; field names stay
    /// the same in every language (`client.signature`).
    pub fn labelled(labels: [String; 3]) -> Namer {
        Namer { used: BTreeSet::new(), labels }
    }

    /// `base`, or `base-2`, `base-3`, ... if a field (or a signer) already has it.
    fn unique(&mut self, base: &str) -> String {
        let base = if base.is_empty() { "field" } else { base };
        let mut name = base.to_string();
        let mut n = 1;
        while self.used.contains(&name) {
            n += 1;
            name = format!("{base}-{n}");
        }
        self.used.insert(name.clone());
        name
    }

    /// Names the fields of a form block.
    pub fn part(&mut self, block: &FormBlock) -> Part {
        match block {
            FormBlock::Signatures(roles) => Part::Signers(
                roles
                    .iter()
                    .map(|role| {
                        let key = self.unique(&role_key(role));
                        let field = |i: usize, suffix: &str, kind| Field {
                            name: format!("{key}.{suffix}"),
                            label: self.labels[i].clone(),
                            description: format!("{} ({role})", self.labels[i]),
                            kind,
                        };
                        Signer {
                            role: role.clone(),
                            fields: [
                                field(0, "signature", Kind::Signature),
                                field(1, "name", Kind::Text),
                                field(2, "date", Kind::Date),
                            ],
                            key,
                        }
                    })
                    .collect(),
            ),
            FormBlock::Fields(lines) => Part::Blanks(
                lines
                    .iter()
                    .map(|line| {
                        let (kind, label) = blank(line);
                        Field {
                            name: self.unique(&slug(label)),
                            label: label.to_string(),
                            description: label.to_string(),
                            kind,
                        }
                    })
                    .collect(),
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_short_and_plain() {
        assert_eq!(slug("Client's full name"), "clients-full-name");
        assert_eq!(slug("Date of birth"), "date-of-birth");
        assert_eq!(slug("  May we leave you a voicemail?  "), "may-we-leave-you-a-voicemail");
        assert_eq!(
            slug("Your relationship to the client and your legal authority"),
            "your-relationship-to-the-client-and-your-legal"
        );
        assert_eq!(slug("Año de nacimiento"), "año-de-nacimiento");
        assert_eq!(slug("?!"), "");
        assert!(slug(&"x".repeat(100)).len() == 48);
    }

    #[test]
    fn roles_have_keys() {
        assert_eq!(role_key("Client"), "client");
        assert_eq!(role_key("Parent or guardian, if the client is under 18"), "guardian");
        assert_eq!(
            role_key("Parent, guardian or other legal representative, if signing for the client"),
            "guardian"
        );
        assert_eq!(role_key("Therapist"), "therapist");
        assert_eq!(role_key("Young person"), "young-person");
        assert_eq!(role_key("Joven"), "young-person");
    }

    #[test]
    fn blanks_have_kinds() {
        assert_eq!(
            blank("[ ] May we leave you a voicemail?"),
            (Kind::Check, "May we leave you a voicemail?")
        );
        assert_eq!(blank("Date of birth").0, Kind::Date);
        assert_eq!(blank("Start date").0, Kind::Date);
        assert_eq!(blank("Date or event when this permission ends").0, Kind::Text);
        assert_eq!(blank("Updated address").0, Kind::Text);
        assert_eq!(blank("Candidates").0, Kind::Text);
    }

    #[test]
    fn names_never_repeat_in_a_document() {
        let mut namer = Namer::new();
        let sig = FormBlock::Signatures(vec!["Client".into(), "Therapist".into()]);
        let Part::Signers(s) = namer.part(&sig) else { panic!() };
        assert_eq!(s[0].fields[0].name, "client.signature");
        assert_eq!(s[0].fields[1].description, "Printed name (Client)");
        assert_eq!(s[1].fields[2].name, "therapist.date");
        let Part::Signers(again) = namer.part(&FormBlock::Signatures(vec!["Client".into()])) else {
            panic!()
        };
        assert_eq!(again[0].fields[0].name, "client-2.signature");
        let blanks = FormBlock::Fields(vec!["Client".into(), "Note".into(), "Note".into()]);
        let Part::Blanks(b) = namer.part(&blanks) else { panic!() };
        let names: Vec<&str> = b.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names, ["client-3", "note", "note-2"]);
    }
}
