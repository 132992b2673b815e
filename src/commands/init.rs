//! `consentgen init [DIR]`: writes a commented starter `practice.toml`;
//! `check` and `build` refuse it until each value marked `(replace)` is
//! replaced.

use std::path::Path;

use crate::Outcome;
use crate::io::write_atomic;

use crate::report::Reporter;

/// Runs `consentgen init`.
pub fn run(dir: &Path, reporter: &mut Reporter) -> Outcome {
    let path = dir.join("practice.toml");
    if path.exists() {
        reporter.error(
            &format!("`{}` already exists", path.display()),
            "init never overwrites a file; choose another folder or remove the file",
        );
        return Outcome::BadInput;
    }
    let text = crate::bundle::STARTER_PRACTICE
        .replace("EFFECTIVE_DATE", &crate::date::Date::today_utc().to_string());
    match write_atomic(&path, text.as_bytes()) {
        Ok(_) => {
            reporter.status(&format!(
                "wrote {}\nnext: edit it, then run `consentgen build {}`",
                path.display(),
                path.display()
            ));
            Outcome::Ok
        }
        Err(e) => {
            reporter.error(&format!("{e:#}"), "check that the folder exists and is writable");
            Outcome::BadInput
        }
    }
}
