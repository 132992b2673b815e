//! `consentgen fields FORM.pdf [--format text|json]`: the form fields of a
//! generated PDF, so an EHR can map them once: each field's stable id (the
//! same in every language and across wording changes; in a packet, with
//! the document's id in front), its type, its label (the accessible name),
//! and whether it is required and multi-line.
//!
//! The PDF is read as `fill` reads it (a regular file of a bounded size,
//! its field tree walked within a node budget); exit 2 when it is not a
//! form.

use std::path::PathBuf;

use serde::Serialize;

use crate::Outcome;
use crate::pdf::form::{FieldType, FormField};
use crate::report::{Reporter, print_stdout};

/// How `fields` prints.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FieldsFormat {
    /// One field a line, aligned, for people.
    Text,
    /// A JSON array, for scripts.
    Json,
}

/// Settings of `consentgen fields`.
#[derive(Clone, Debug)]
pub struct FieldsOptions {
    /// The PDF to read.
    pub form: PathBuf,
    /// How to print.
    pub format: FieldsFormat,
}

/// One field as `--format json` prints it.
#[derive(Debug, Serialize)]
pub struct FieldRecord {
    /// Its id (`recipient`, `client.signature`, `authorization.recipient`).
    pub id: String,
    /// `text`, `date`, `checkbox` or `signature` (`other` for a field
    /// consentgen does not make).
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// Its label: the accessible name (`/TU`).
    pub label: String,
    /// The form is not valid without it.
    pub required: bool,
    /// A free-text answer of several lines.
    pub multiline: bool,
}

impl FieldRecord {
    /// The record of a field as read from a PDF.
    pub fn of(f: &FormField) -> FieldRecord {
        FieldRecord {
            id: f.name.clone(),
            kind: f.kind.as_str(),
            label: f.description.clone().unwrap_or_default(),
            required: f.required,
            multiline: f.multiline && f.kind == FieldType::Text,
        }
    }
}

/// The fields of the PDF at `form`, or the message and hint to print.
pub fn read(form: &std::path::Path) -> Result<Vec<FieldRecord>, (String, String)> {
    let hint = || "give a PDF made by consentgen build".to_string();
    let bytes =
        super::fill::read_input(form, super::fill::MAX_FORM_BYTES).map_err(|e| (e, hint()))?;
    let doc = lopdf::Document::load_mem(&bytes)
        .map_err(|e| (format!("{}: not a PDF this can read: {e}", form.display()), hint()))?;
    let fields =
        crate::pdf::form::fields(&doc).map_err(|e| (format!("{}: {e}", form.display()), hint()))?;
    Ok(fields.iter().map(FieldRecord::of).collect())
}

/// Runs `consentgen fields`.
pub fn run(opts: &FieldsOptions, reporter: &mut Reporter) -> Outcome {
    let records = match read(&opts.form) {
        Ok(r) => r,
        Err((message, hint)) => return reporter.error(&message, &hint),
    };
    match opts.format {
        FieldsFormat::Json => match serde_json::to_string_pretty(&records) {
            Ok(json) => print_stdout(&format!("{json}\n")),
            Err(e) => reporter.error(&format!("writing JSON: {e}"), ""),
        },
        FieldsFormat::Text => print_stdout(&text(&records)),
    }
}

/// The fields as aligned columns: id, type, flags, label.
fn text(records: &[FieldRecord]) -> String {
    let width = records.iter().map(|r| r.id.chars().count()).max().unwrap_or(2).max(2);
    let mut out = format!("{:width$}  {:9}  {:18}  label\n", "id", "type", "flags");
    for r in records {
        let flags: Vec<&str> = [(r.required, "required"), (r.multiline, "multiline")]
            .into_iter()
            .filter_map(|(on, w)| on.then_some(w))
            .collect();
        let flags = if flags.is_empty() { "-".to_string() } else { flags.join(",") };
        out.push_str(&format!("{:width$}  {:9}  {:18}  {}\n", r.id, r.kind, flags, r.label));
    }
    out
}
