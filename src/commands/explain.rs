//! `consentgen explain STATE`: a state's rules in effect on a date, in plain
//! words with citations and review dates, or as JSON for scripts (see
//! [`crate::explain`]).

use std::path::PathBuf;

use crate::Outcome;
use crate::date::Date;
use crate::diag::{Diagnostic, Sources};
use crate::explain::{json_value, text};
use crate::report::{Reporter, print_stdout};

/// Text or JSON.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExplainFormat {
    /// For people.
    Text,
    /// For scripts: one JSON object keyed by topic.
    Json,
}

/// Settings of `explain`.
#[derive(Clone, Debug)]
pub struct ExplainOptions {
    /// USPS code; `None` for the coverage of every state.
    pub state: Option<String>,
    /// The date whose rules apply.
    pub as_of: Date,
    /// Text or JSON.
    pub format: ExplainFormat,
    /// A folder of jurisdiction files replacing the bundled ones.
    pub jurisdictions: Option<PathBuf>,
}

/// Runs `consentgen explain`.
pub fn run(opts: &ExplainOptions, reporter: &mut Reporter) -> Outcome {
    let mut sources = Sources::new();
    let mut diags = Vec::new();
    let (jurisdictions, _, _) = crate::load::load_jurisdictions(
        &mut sources,
        opts.jurisdictions.as_deref(),
        Date::today_utc(),
        &mut diags,
    );
    if !diags.is_empty() {
        return reporter.fail(&sources, &diags);
    }
    let Some(state) = &opts.state else {
        let coverage = crate::explain::coverage(&jurisdictions, opts.as_of);
        return print_stdout(&match opts.format {
            ExplainFormat::Text => crate::explain::coverage_text(&coverage),
            ExplainFormat::Json => pretty(&coverage),
        });
    };
    let code = state.to_ascii_uppercase();
    let Some(j) = jurisdictions.get(&code) else {
        let known: Vec<&str> = jurisdictions.keys().map(String::as_str).collect();
        diags.push(
            Diagnostic::error("unknown-state", format!("no rules for `{state}`"))
                .with_hint(format!("known: {}", known.join(", "))),
        );
        return reporter.fail(&sources, &diags);
    };
    let rules = &j.rules;
    let resolved = crate::resolve::resolve(rules, opts.as_of);
    let reviewed = *rules.last_reviewed.get_ref();
    let out = match opts.format {
        ExplainFormat::Text => text(&code, &rules.name, reviewed, opts.as_of, &resolved),
        ExplainFormat::Json => {
            pretty(&json_value(&code, &rules.name, reviewed, opts.as_of, &resolved))
        }
    };
    print_stdout(&out)
}

fn pretty(value: &serde_json::Value) -> String {
    let mut s = serde_json::to_string_pretty(value).expect("JSON values serialize");
    s.push('\n');
    s
}
