//! `consentgen schema [practice|jurisdiction|context]`: the JSON Schema of
//! the input files, generated from the same types that read them, for
//! editors (e.g. Taplo / Even Better TOML: `#:schema ./practice.schema.json`);
//! and of the template context, generated from the types that build it, for
//! template authors.

use crate::Outcome;
use crate::model::{Jurisdiction, Practice};

use crate::report::print_stdout;

/// Which schema.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Which {
    /// `practice.toml`.
    Practice,
    /// `jurisdictions/XX.toml`.
    Jurisdiction,
    /// What a document template can read.
    Context,
    /// `reviews.toml`.
    Reviews,
    /// Both, in one object keyed by name.
    Both,
}

/// Runs `consentgen schema`.
pub fn run(which: Which) -> Outcome {
    let practice = || serde_json::to_value(schemars::schema_for!(Practice)).unwrap_or_default();
    let jurisdiction =
        || serde_json::to_value(schemars::schema_for!(Jurisdiction)).unwrap_or_default();
    let value = match which {
        Which::Practice => practice(),
        Which::Jurisdiction => jurisdiction(),
        Which::Context => {
            serde_json::to_value(schemars::schema_for!(crate::render::context::DocContext<'static>))
                .unwrap_or_default()
        }
        Which::Reviews => {
            serde_json::to_value(schemars::schema_for!(crate::model::Reviews)).unwrap_or_default()
        }
        Which::Both => {
            serde_json::json!({ "practice": practice(), "jurisdiction": jurisdiction() })
        }
    };
    let mut text = serde_json::to_string_pretty(&value).expect("JSON values serialize");
    text.push('\n');
    print_stdout(&text)
}
