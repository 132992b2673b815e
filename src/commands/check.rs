//! `consentgen check`: is the output folder what a build would write now?
//!
//! Validates every input (exit 2 on errors), lints every document (reading
//! grade, required elements), and compares `--out` with the plan, without
//! writing anything and without compiling a PDF (see
//! [`crate::project::Project::check`]). Exit 1 lists every stale, missing,
//! edited or extra file and why, and every lint failure; the summary's
//! `problems` says which kinds were found (`outdated`: a build fixes them;
//! `lint`, `refused`: it does not). Exit 0 means current.

use std::path::PathBuf;

use crate::Outcome;
use crate::options::{InputOptions, PlanOptions};
use crate::report::{Record, Reporter, Summary};

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
    let (project, plan) = match super::load_and_plan(&opts.inputs, &opts.plan, reporter) {
        Ok(x) => x,
        Err(outcome) => return outcome,
    };
    let sources = &project.inputs.sources;
    let report = match project.check(&plan, &opts.plan.states, &opts.out) {
        Ok(r) => r,
        Err(diags) => return reporter.fail(sources, &diags),
    };
    reporter.diagnostics(sources, &report.notes);
    for d in &report.lint {
        reporter.emit(sources, Record::Diagnostic(d));
    }
    for r in &report.outputs {
        reporter.emit(sources, Record::Output(r.clone()));
    }
    let current = report.current();
    reporter.emit(sources, Record::Summary(Summary::Check(report.summary)));
    if current { Outcome::Ok } else { Outcome::Problems }
}
