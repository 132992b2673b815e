//! `consentgen fill FORM.pdf --data values.json --out FILLED.pdf [--flatten]`:
//! fills a generated PDF's form fields by id, for EHRs and pre-filled
//! intake (see [`crate::pdf::fill`] and the ids in [`crate::forms`]).
//!
//! Guarded as `build` is: the form and the values must be regular files of
//! a bounded size (never a device, a FIFO or `/dev/zero`), and `--out` must
//! be a regular file or not exist (never a device such as `/dev/null`, a
//! FIFO or a link), all checked before anything is read. Exit 2, with
//! nothing written, for any of those, an unknown field id, a bad value, or
//! a file that is not a form; the output is written atomically.

use std::path::{Path, PathBuf};

use crate::Outcome;
use crate::io::{ReadError, read_bounded};
use crate::pdf::fill;
use crate::pdf::form::FillError;

use crate::report::Reporter;

/// The largest PDF `fill` and `fields` read: far beyond any generated form
/// (a state's packet is about a megabyte).
pub const MAX_FORM_BYTES: u64 = 32 << 20;

/// The largest file of values `fill` reads.
pub const MAX_DATA_BYTES: u64 = 1 << 20;

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

/// Reads an input file as `build` reads its inputs: a regular file of at
/// most `limit` bytes; else the message to print.
pub fn read_input(path: &Path, limit: u64) -> Result<Vec<u8>, String> {
    read_bounded(path, limit).map_err(|e| match e {
        ReadError::Io(e) => format!("cannot read {}: {e}", path.display()),
        ReadError::NotAFile => format!(
            "{} is not a regular file (a folder, device, FIFO or socket); give a file",
            path.display()
        ),
        ReadError::TooLarge => {
            format!("{} is larger than {} MiB", path.display(), limit >> 20)
        }
    })
}

/// Standard input, at most `limit` bytes.
fn read_stdin(limit: u64) -> Result<Vec<u8>, String> {
    use std::io::Read as _;
    let mut bytes = Vec::new();
    std::io::stdin()
        .take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("cannot read standard input: {e}"))?;
    if bytes.len() as u64 > limit {
        return Err(format!("standard input is larger than {} MiB", limit >> 20));
    }
    Ok(bytes)
}

const DATA_HINT: &str =
    "give a JSON object of values by field id, e.g. {\"client.name\": \"Ana Ruiz\"}";

/// Runs `consentgen fill`.
pub fn run(opts: &FillOptions, reporter: &mut Reporter) -> Outcome {
    // The output first: nothing is read when it could not be written.
    if let Some(why) = crate::io::not_a_target(&opts.out) {
        reporter.error(
            &format!("--out {}: {why}", opts.out.display()),
            "give the path of a new or regular file for the filled PDF",
        );
        return Outcome::BadInput;
    }
    let form = match read_input(&opts.form, MAX_FORM_BYTES) {
        Ok(b) => b,
        Err(e) => {
            reporter.error(&e, "give the path of a PDF made by consentgen build");
            return Outcome::BadInput;
        }
    };
    let data = if opts.data.as_os_str() == "-" {
        read_stdin(MAX_DATA_BYTES)
    } else {
        read_input(&opts.data, MAX_DATA_BYTES)
    };
    let values = data
        .and_then(|d| {
            String::from_utf8(d).map_err(|_| format!("{}: not UTF-8 text", opts.data.display()))
        })
        .and_then(|d| {
            serde_json::from_str::<serde_json::Value>(&d)
                .map_err(|e| format!("{}: {e}", opts.data.display()))
        })
        .and_then(|v| fill::values(&v).map_err(|e| format!("{}: {e}", opts.data.display())));
    let values = match values {
        Ok(v) => v,
        Err(e) => {
            reporter.error(&e, DATA_HINT);
            return Outcome::BadInput;
        }
    };
    let filled = match fill::fill(&form, &values, opts.flatten) {
        Ok(bytes) => bytes,
        Err(e) => {
            reporter
                .error(&format!("{}: {e}; nothing was written", opts.form.display()), &hint(&e));
            return Outcome::BadInput;
        }
    };
    if let Err(e) = crate::io::write_atomic(&opts.out, &filled) {
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

/// What to do about a refused fill.
fn hint(e: &FillError) -> String {
    match e {
        FillError::UnknownField { name, known } => {
            let near = known
                .iter()
                .map(|k| (strsim::jaro_winkler(name, k), k))
                .filter(|(score, _)| *score > 0.8)
                .max_by(|a, b| a.0.total_cmp(&b.0))
                .map(|(_, k)| format!("did you mean `{k}`? "))
                .unwrap_or_default();
            format!(
                "{near}the form's fields are: {} (`consentgen fields FORM.pdf` lists them)",
                known.join(", ")
            )
        }
        FillError::BadValue { .. } => "text fields take a string that fits the box at the \
             form's type size, date fields YYYY-MM-DD or MM/DD/YYYY, check boxes true or \
             false; null leaves a field as it is"
            .to_string(),
        FillError::Form(_) => "give a PDF made by consentgen build".to_string(),
    }
}
