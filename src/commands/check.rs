//! `consentgen check`: is the output folder what a build would write now?
//!
//! Validates every input (exit 2 on errors), lints every document (reading
//! grade, required elements), and compares `--out` with the plan, without
//! writing anything and without compiling a PDF: each output's key, recorded
//! in the manifest, says whether a build would change it. Exit 1 lists every
//! stale, missing, edited or extra file and why, and every lint failure; the
//! summary's `problems` says which kinds were found (`outdated`: a build
//! fixes them; `lint`, `refused`: it does not). Exit 0 means current.

use std::path::PathBuf;

use crate::Outcome;
use crate::manifest::Manifest;
use crate::options::{InputOptions, PlanOptions, StateSelection};
use crate::plan::{Format, statuses};
use crate::report::{CheckSummary, OutputRecord, OutputStatus, Record, Reporter, Summary};

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

/// Runs `consentgen check`.
pub fn run(opts: &CheckOptions, reporter: &mut Reporter) -> Outcome {
    if let Err(d) = crate::outdir::check_folder(&opts.out) {
        return reporter.fail(&crate::diag::Sources::new(), &[d]);
    }
    let (inputs, plan) = match super::load_and_plan(&opts.inputs, &opts.plan, reporter) {
        Ok(x) => x,
        Err(outcome) => return outcome,
    };
    let sources = &inputs.sources;
    let mut summary = CheckSummary::default();
    for d in &plan.documents {
        for f in d.lint(&inputs.practice.readability) {
            summary.lint_errors += 1;
            reporter.emit(sources, Record::Diagnostic(&f));
        }
    }
    let previous = Manifest::read(&opts.out);
    let mut found = statuses(&inputs, &plan, &opts.out, previous.as_ref(), &opts.plan.states);
    if matches!(opts.plan.states, StateSelection::Practice) {
        match crate::plan::index_pages(&inputs, &plan, &[]) {
            Ok(pages) => {
                for (path, index) in pages {
                    let disk = crate::write::read_output(&opts.out, &path);
                    if disk.as_deref() != Some(index.as_bytes()) {
                        found.push(OutputRecord {
                            path,
                            status: if disk.is_none() {
                                OutputStatus::Missing
                            } else {
                                OutputStatus::Stale
                            },
                            reasons: vec!["the list of documents changed".into()],
                        });
                    }
                }
            }
            Err(d) => return reporter.fail(sources, &[d]),
        }
    }
    for s in &found {
        reporter.emit(sources, Record::Output(s.clone()));
        match s.status {
            OutputStatus::Stale => summary.stale += 1,
            OutputStatus::Missing => summary.missing += 1,
            OutputStatus::Edited => summary.edited += 1,
            OutputStatus::Extra => summary.extra += 1,
        }
    }
    summary.outputs = plan.outputs.len();
    summary.current = summary.outputs.saturating_sub(found.len() - summary.extra);
    summary.refused = plan.refusals.len();
    summary.untranslated = plan.untranslated.len();
    let problems = found.len() + summary.lint_errors + summary.refused + summary.untranslated;
    summary.status = if problems == 0 { "current" } else { "problems" };
    for (kind, count) in [
        ("outdated", found.len()),
        ("lint", summary.lint_errors),
        ("refused", summary.refused),
        ("untranslated", summary.untranslated),
    ] {
        if count > 0 {
            summary.problems.push(kind);
        }
    }
    summary.documents = plan.documents.iter().filter(|d| !d.packet).count();
    summary.pdfs = plan.outputs.iter().filter(|p| p.format == Format::Pdf).count();
    summary.states = plan.states.clone();
    summary.out = opts.out.display().to_string();
    reporter.emit(sources, Record::Summary(Summary::Check(summary)));
    if problems == 0 { Outcome::Ok } else { Outcome::Problems }
}
