//! `consentgen fill FORM.pdf --data values.json --out FILLED.pdf [--flatten]`:
//! fills a generated PDF's form fields by name, for EHRs and pre-filled
//! intake (see [`crate::pdf::fill`] and the field names in [`crate::forms`]).
//!
//! Exit 2, with nothing written, for an unknown field name, a bad value, or
//! a file that is not a form; the output is written atomically.

use std::path::PathBuf;

use crate::Outcome;
use crate::pdf::fill::{self, FillError};

use crate::report::Reporter;

/// Settings of one fill, from the command line.
#[derive(Clone, Debug)]
pub struct FillOptions {
    /// The form to fill.
    pub form: PathBuf,
    /// The JSON file of values by field name (`-` for standard input).
    pub data: PathBuf,
    /// Where to write the filled form.
    pub out: PathBuf,
    /// Draw the values into the pages and remove the form.
    pub flatten: bool,
}

/// Runs `consentgen fill`.
pub fn run(opts: &FillOptions, reporter: &mut Reporter) -> Outcome {
    let form = match std::fs::read(&opts.form) {
        Ok(b) => b,
        Err(e) => {
            reporter.error(
                &format!("cannot read {}: {e}", opts.form.display()),
                "give the path of a PDF made by consentgen build",
            );
            return Outcome::BadInput;
        }
    };
    let data = if opts.data.as_os_str() == "-" {
        let mut s = String::new();
        std::io::Read::read_to_string(&mut std::io::stdin(), &mut s).map(|_| s)
    } else {
        std::fs::read_to_string(&opts.data)
    };
    let data = match data {
        Ok(d) => d,
        Err(e) => {
            reporter.error(
                &format!("cannot read {}: {e}", opts.data.display()),
                "give a JSON file of values by field name, e.g. {\"client.name\": \"Ana Ruiz\"}",
            );
            return Outcome::BadInput;
        }
    };
    let values = serde_json::from_str::<serde_json::Value>(&data)
        .map_err(|e| e.to_string())
        .and_then(|v| fill::values(&v));
    let values = match values {
        Ok(v) => v,
        Err(e) => {
            reporter.error(
                &format!("{}: {e}", opts.data.display()),
                "give a JSON object of values by field name, e.g. {\"client.name\": \"Ana Ruiz\"}",
            );
            return Outcome::BadInput;
        }
    };
    let filled = match fill::fill(&form, &values, opts.flatten) {
        Ok(bytes) => bytes,
        Err(e) => {
            let hint = match &e {
                FillError::UnknownField { name, known } => {
                    let near = known
                        .iter()
                        .map(|k| (strsim::jaro_winkler(name, k), k))
                        .filter(|(score, _)| *score > 0.8)
                        .max_by(|a, b| a.0.total_cmp(&b.0))
                        .map(|(_, k)| format!("did you mean `{k}`? "))
                        .unwrap_or_default();
                    format!("{near}the form's fields are: {}", known.join(", "))
                }
                FillError::BadValue { .. } => {
                    "text fields take a string, date fields YYYY-MM-DD or MM/DD/YYYY, \
                     check boxes true or false; null leaves a field as it is"
                        .to_string()
                }
                FillError::Form(_) => "give a PDF made by consentgen build".to_string(),
            };
            reporter.error(&format!("{}: {e}; nothing was written", opts.form.display()), &hint);
            return Outcome::BadInput;
        }
    };
    if let Err(e) = crate::write::write_atomic(&opts.out, &filled) {
        reporter.error(&format!("{e:#}"), "check that the output folder is writable");
        return Outcome::BadInput;
    }
    let count = values.values().filter(|v| !v.is_null()).count();
    reporter.status(&format!(
        "filled {count} field{} of {} into {}{}",
        if count == 1 { "" } else { "s" },
        opts.form.display(),
        opts.out.display(),
        if opts.flatten { ", flattened" } else { "" }
    ));
    Outcome::Ok
}
