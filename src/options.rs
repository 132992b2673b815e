//! Options: what a command was asked to do, in the program's own terms (the
//! command line's shapes are in `cli`; `main` turns one into the other).

use std::path::PathBuf;

use crate::date::Date;

/// Where the inputs of a build come from.
#[derive(Clone, Debug, Default)]
pub struct InputOptions {
    /// The practice file; `None` for the bundled example.
    pub practice: Option<PathBuf>,
    /// A folder of jurisdiction files replacing the bundled ones.
    pub jurisdictions: Option<PathBuf>,
    /// A folder of templates overriding bundled ones, file by file.
    pub templates: Option<PathBuf>,
}

/// Which states a command covers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StateSelection {
    /// The practice's own `states`.
    Practice,
    /// Every jurisdiction file.
    All,
    /// These codes.
    List(Vec<String>),
}

/// The output formats of a build.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Formats {
    /// Write `.html` files.
    pub html: bool,
    /// Write `.pdf` files.
    pub pdf: bool,
    /// Give the PDFs form fields to fill in and sign on screen (`--pdf-forms`).
    pub pdf_forms: bool,
}

impl PlanOptions {
    /// The practice's states, HTML and PDF with form fields, today's rules
    /// (or those of `SOURCE_DATE_EPOCH`'s day), the default budget.
    pub fn today() -> PlanOptions {
        let as_of = std::env::var("SOURCE_DATE_EPOCH")
            .ok()
            .and_then(|s| s.trim().parse::<i64>().ok())
            .and_then(Date::from_unix_seconds)
            .unwrap_or_else(Date::today_utc);
        PlanOptions {
            states: StateSelection::Practice,
            formats: Formats { html: true, pdf: true, pdf_forms: true },
            as_of,
            as_of_given: false,
            budget: crate::budget::Budget::default(),
        }
    }
}

/// What to plan: which states, which formats, and the date whose rules apply.
#[derive(Clone, Debug)]
pub struct PlanOptions {
    /// Which states.
    pub states: StateSelection,
    /// Which formats.
    pub formats: Formats,
    /// The date whose rules apply: `--as-of`, else the build's date
    /// (`SOURCE_DATE_EPOCH`'s or today's).
    pub as_of: Date,
    /// `as_of` was asked for (`--as-of`); otherwise a practice `effective`
    /// later than the build's date is the date whose rules apply.
    pub as_of_given: bool,
    /// The time and page limits templates run under (this build's own).
    pub budget: crate::budget::Budget,
}
