//! Form blocks in a template's text, before Tera runs: the ids and flags
//! each line writes, so that every line of every template is checked at
//! load (also in branches a build does not take), and a translation is
//! known to keep the English ids (see [`ids_differ`]).
//!
//! A line's id is at its start, or right after a `{% ... %}` statement
//! (`{% if practice.services.minors %}guardian: Parent or guardian`); a
//! line whose first text is a value (`{{ ... }}`) is made by the template's
//! data and checked once rendered.

use std::ops::Range;

use super::{Flags, parse_head};
use crate::blocks::{Piece, pieces};
use crate::diag::{Diagnostic, FileId};

/// One id a template writes.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Written {
    /// The id or signer key.
    pub id: String,
    /// Its flags.
    pub flags: Flags,
}

/// A line of a form block that is not `ID: Label`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Bad {
    /// What is wrong.
    pub message: String,
    /// How to put it right.
    pub hint: String,
    /// The bytes of the text it points at.
    pub at: Range<usize>,
}

/// What a fence line opens or closes.
enum Fence {
    Form(bool),
    Other,
}

fn fence(stripped: &str) -> Option<Fence> {
    let t = stripped.trim();
    let info = t.strip_prefix("```").or_else(|| t.strip_prefix("~~~"))?;
    let info = info.trim_start_matches(['`', '~']).trim();
    Some(match info {
        "signatures" => Fence::Form(true),
        "fields" => Fence::Form(false),
        _ => Fence::Other,
    })
}

/// The ids written in `text` (a template or one of its blocks), in order,
/// and the lines of its form blocks that are not `ID: Label`.
pub fn scan(text: &str) -> (Vec<Written>, Vec<Bad>) {
    let (mut ids, mut bad) = (Vec::new(), Vec::new());
    // None: outside code; Some(None): another code block; Some(Some(signer)): a form block.
    let mut open: Option<Option<bool>> = None;
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let start = offset;
        offset += line.len();
        let parts = pieces(line.trim_end_matches(['\n', '\r']));
        let stripped: String = parts
            .iter()
            .filter_map(|p| if let Piece::Text(t) = p { Some(*t) } else { None })
            .collect();
        match (open, fence(&stripped)) {
            (None, Some(Fence::Form(signer))) => open = Some(Some(signer)),
            (None, Some(Fence::Other)) => open = Some(None),
            (None, None) => {}
            (Some(_), Some(Fence::Other))
                if stripped.trim().trim_matches(['`', '~']).is_empty() =>
            {
                open = None
            }
            (Some(Some(signer)), _) => line_ids(&parts, start, signer, &mut ids, &mut bad),
            (Some(None), _) => {}
        }
    }
    (ids, bad)
}

/// The ids of one line of a form block, its pieces starting at `start`.
fn line_ids(
    parts: &[Piece<'_>],
    start: usize,
    signer: bool,
    ids: &mut Vec<Written>,
    bad: &mut Vec<Bad>,
) {
    let mut at = start;
    let mut after_statement = true;
    let mut first = true;
    for p in parts {
        let here = at;
        match p {
            Piece::Text(t) => at += t.len(),
            Piece::Expr(t) | Piece::Stmt(t) | Piece::Comment(t) => at += t.len(),
        }
        match p {
            Piece::Stmt(_) | Piece::Comment(_) => after_statement = true,
            // A value first: the line is the data's, checked once rendered.
            Piece::Expr(_) if first => return,
            Piece::Expr(_) => after_statement = false,
            Piece::Text(t) if t.trim().is_empty() => {}
            Piece::Text(t) if after_statement => {
                match parse_head(t, signer) {
                    Ok((id, flags, _)) => ids.push(Written { id: id.to_string(), flags }),
                    Err(e) if first => bad.push(Bad {
                        message: e.message,
                        hint: e.hint,
                        at: here + e.at.start..here + e.at.end,
                    }),
                    // Words after a statement in a label (`{% else %}Date or event`).
                    Err(_) => {}
                }
                first = false;
                after_statement = false;
            }
            Piece::Text(_) => after_statement = false,
        }
    }
}

/// The lines of a template's form blocks that are not `ID: Label`, as
/// diagnostics at their place.
pub fn lint(file: FileId, text: &str) -> Vec<Diagnostic> {
    scan(text)
        .1
        .into_iter()
        .map(|b| {
            Diagnostic::error("form-field", b.message)
                .at(file, b.at)
                .with_label("here")
                .with_hint(b.hint)
        })
        .collect()
}

/// Why the form blocks of a translated block do not stand for the English
/// one: an id or a flag added, dropped or changed.
pub fn ids_differ(english: &str, translation: &str) -> Option<String> {
    let (mut en, _) = scan(english);
    let (mut tr, _) = scan(translation);
    if en == tr {
        return None;
    }
    en.sort();
    tr.sort();
    let show = |w: &Written| {
        let flags = w.flags.words();
        if flags.is_empty() {
            format!("`{}`", w.id)
        } else {
            format!("`{} [{}]`", w.id, flags.join(" "))
        }
    };
    let missing = en.iter().find(|w| !tr.contains(w));
    let extra = tr.iter().find(|w| !en.contains(w));
    Some(match (missing, extra) {
        (Some(m), Some(x)) if m.id == x.id => {
            format!("its field {} has other flags than the English {}", show(x), show(m))
        }
        (Some(m), _) => format!("it lacks the field id {}", show(m)),
        (None, Some(x)) => format!("it adds the field id {}", show(x)),
        (None, None) => "its field ids are not in the English order".into(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(text: &str) -> Vec<String> {
        scan(text).0.into_iter().map(|w| w.id).collect()
    }

    #[test]
    fn ids_are_read_at_line_starts_and_after_statements() {
        let t = "Text: not a field.\n\n```signatures\nclient [required]: Client\n{% if m %}guardian: Parent, if under 18\n{% endif %}therapist: Therapist\n```\n\n```fields\nexpiry [required]: {% if s %}Date when{% else %}Date or event: when{% endif %}\n{{ x.id }}: {{ x.label }}\n```\n";
        let (w, bad) = scan(t);
        assert_eq!(bad, []);
        assert_eq!(ids(t), ["client", "guardian", "therapist", "expiry"]);
        assert!(w[0].flags.required && w[3].flags.required);
    }

    #[test]
    fn old_lines_are_refused_where_they_are() {
        let t = "```fields\nphone: Phone\nDate of birth\n[ ] Voicemail?\n```\n```text\nnot: checked\n```\n";
        let (_, bad) = scan(t);
        assert_eq!(bad.len(), 2, "{bad:?}");
        assert_eq!(&t[bad[0].at.clone()], "Date of birth");
        assert!(bad[1].message.contains("has no field id"), "{bad:?}");
    }

    #[test]
    fn translations_keep_ids_and_flags() {
        let en = "```fields\nrecipient [required]: Who\nphone: Phone\n```";
        assert_eq!(
            ids_differ(en, "```fields\nrecipient [required]: Quién\nphone: Teléfono\n```"),
            None
        );
        let dropped = ids_differ(en, "```fields\nrecipient [required]: Quién\n```").unwrap();
        assert!(dropped.contains("lacks the field id `phone`"), "{dropped}");
        let renamed =
            ids_differ(en, "```fields\ndestinatario [required]: Quién\nphone: Teléfono\n```");
        assert!(renamed.unwrap().contains("`recipient [required]`"));
        let flags = ids_differ(en, "```fields\nrecipient: Quién\nphone: Teléfono\n```").unwrap();
        assert!(flags.contains("other flags"), "{flags}");
        assert_eq!(ids_differ("No fields here.", "Sin campos."), None);
    }
}
