//! `consentgen check`: is the output folder what a build would write now?
//!
//! Validates every input (exit 2 on errors), lints every document (reading
//! grade, required elements), and compares `--out` with the plan, without
//! writing anything and without compiling a PDF: each output's key, recorded
//! in the manifest, says whether a build would change it. Exit 1 lists every
//! stale, missing, edited or extra file and why; exit 0 means current.

use std::path::PathBuf;

use serde_json::json;

use crate::pipeline::{self, Format, PlanOptions};
use crate::write::sha256_hex;
use crate::{InputOptions, Outcome};

use super::{MessageFormat, Reporter, StateSelection};

/// Settings of `check`.
#[derive(Clone, Debug)]
pub struct CheckOptions {
    /// Where the inputs come from.
    pub inputs: InputOptions,
    /// The output folder to compare.
    pub out: PathBuf,
    /// States, formats and date.
    pub plan: PlanOptions,
}

/// The state of one output file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Status {
    /// Path under the output folder.
    pub path: String,
    /// `stale`, `missing`, `edited` or `extra`.
    pub status: &'static str,
    /// Why.
    pub reasons: Vec<String>,
}

/// Runs `consentgen check`.
pub fn run(opts: &CheckOptions, reporter: &mut Reporter) -> Outcome {
    let (inputs, plan) = match super::load_and_plan(&opts.inputs, &opts.plan, reporter) {
        Ok(x) => x,
        Err(outcome) => return outcome,
    };

    let mut lint_errors = 0;
    for d in &plan.documents {
        for f in pipeline::lint(d, inputs.practice.readability.max_grade) {
            lint_errors += 1;
            reporter.report(&inputs.sources, &f);
        }
    }

    let previous = pipeline::previous(&opts.out);
    let mut statuses = Vec::new();
    for p in &plan.outputs {
        let on_disk = std::fs::read(opts.out.join(&p.path)).ok();
        let recorded = previous.as_ref().and_then(|m| m.outputs.get(&p.path));
        let status = match (&on_disk, recorded, &previous) {
            (None, _, _) => Some(("missing", vec!["not built yet".to_string()])),
            (Some(_), None, _) => {
                Some(("stale", vec!["the manifest does not list it".to_string()]))
            }
            (Some(_), Some(_), Some(m)) if !m.complete => {
                Some(("stale", vec!["the last build was interrupted".to_string()]))
            }
            (Some(bytes), Some(r), _) if sha256_hex(bytes) != r.sha256 => {
                Some(("edited", vec!["it differs from what the last build wrote".to_string()]))
            }
            (Some(_), Some(r), Some(m)) if r.key != p.key => {
                Some(("stale", pipeline::reasons(&inputs, m, r, &plan, p)))
            }
            _ => None,
        };
        if let Some((status, reasons)) = status {
            statuses.push(Status { path: p.path.clone(), status, reasons });
        }
    }
    // Files the last build wrote that a build now would not: only within the
    // states checked, and never files the manifest does not list.
    if let Some(m) = &previous {
        let in_scope = |path: &str| match &opts.plan.states {
            StateSelection::Practice | StateSelection::All => true,
            StateSelection::List(l) => l.iter().any(|s| path.starts_with(&format!("{s}/"))),
        };
        for path in m.outputs.keys() {
            if path == "index.html"
                || !in_scope(path)
                || plan.outputs.iter().any(|p| &p.path == path)
            {
                continue;
            }
            if opts.out.join(path).exists() {
                statuses.push(Status {
                    path: path.clone(),
                    status: "extra",
                    reasons: vec!["a build would no longer write it".into()],
                });
            }
        }
    }
    if matches!(opts.plan.states, StateSelection::Practice) {
        match pipeline::index_page(&inputs, &plan) {
            Ok(index) => {
                let disk = std::fs::read(opts.out.join("index.html")).ok();
                if disk.as_deref() != Some(index.bytes.as_slice()) {
                    statuses.push(Status {
                        path: "index.html".into(),
                        status: if disk.is_none() { "missing" } else { "stale" },
                        reasons: vec!["the list of documents changed".into()],
                    });
                }
            }
            Err(d) => return reporter.fail(&inputs.sources, &[d]),
        }
    }

    for s in &statuses {
        match reporter.format {
            MessageFormat::Json => {
                reporter.json(json!({ "type": "output", "path": s.path, "status": s.status, "reasons": s.reasons }))
            }
            _ => {
                reporter.status(&format!("{}: {}", s.status, s.path));
                for r in &s.reasons {
                    reporter.status(&format!("    because {r}"));
                }
            }
        }
    }
    let current =
        plan.outputs.len().saturating_sub(statuses.iter().filter(|s| s.status != "extra").count());
    let problems = statuses.len() + lint_errors + plan.refusals.len();
    reporter.json(json!({
        "type": "summary", "command": "check",
        "status": if problems == 0 { "current" } else { "problems" },
        "outputs": plan.outputs.len(), "current": current,
        "stale": statuses.iter().filter(|s| s.status == "stale").count(),
        "missing": statuses.iter().filter(|s| s.status == "missing").count(),
        "edited": statuses.iter().filter(|s| s.status == "edited").count(),
        "extra": statuses.iter().filter(|s| s.status == "extra").count(),
        "lint_errors": lint_errors, "refused": plan.refusals.len(),
    }));
    let pdfs = plan.outputs.iter().filter(|p| p.format == Format::Pdf).count();
    if problems == 0 {
        reporter.status(&format!(
            "{} is current: {} documents ({} PDF) for {}",
            opts.out.display(),
            plan.documents.iter().filter(|d| !d.packet).count(),
            pdfs,
            plan.states.join(", ")
        ));
        Outcome::Ok
    } else {
        reporter.status(&format!(
            "check found {} out-of-date file{} and {} lint problem{}",
            statuses.len(),
            if statuses.len() == 1 { "" } else { "s" },
            lint_errors,
            if lint_errors == 1 { "" } else { "s" }
        ));
        Outcome::Problems
    }
}
