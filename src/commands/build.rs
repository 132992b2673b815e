//! `consentgen build`: every document of every chosen state, in each of the
//! practice's languages, as HTML and PDF, plus the index pages and
//! `manifest.json` (see [`crate::project::Project::build`]). A failed build
//! leaves the output folder as it was; outputs whose key matches the previous
//! manifest are kept, not made again; with `--states`, the other states'
//! files stay.

use crate::Outcome;
use crate::options::{InputOptions, PlanOptions};
use crate::project::BuildSettings;
use crate::report::{Record, Reporter, Summary};

/// Settings of one build, resolved from the command line.
#[derive(Clone, Debug)]
pub struct BuildOptions {
    /// Where the inputs come from.
    pub inputs: InputOptions,
    /// States, formats, date and budget.
    pub plan: PlanOptions,
    /// Where and how to write.
    pub settings: BuildSettings,
}

/// Runs `consentgen build`.
pub fn run(opts: &BuildOptions, reporter: &mut Reporter) -> Outcome {
    // A folder that cannot be an output folder is refused before anything is rendered.
    if let Err(d) = crate::outdir::check_folder(&opts.settings.out) {
        return reporter.fail(&crate::diag::Sources::new(), &[d]);
    }
    let (project, plan) = match super::load_and_plan(&opts.inputs, &opts.plan, reporter) {
        Ok(x) => x,
        Err(outcome) => return outcome,
    };
    let sources = &project.inputs.sources;
    let report = match project.build(&plan, &opts.plan.states, &opts.settings) {
        Ok(r) => r,
        Err(diags) => return reporter.fail(sources, &diags),
    };
    crate::report::documents(reporter, sources, &plan, &project.inputs.practice.readability);
    reporter.diagnostics(sources, &report.diagnostics);
    reporter.emit(sources, Record::Summary(Summary::Build(report.summary)));
    if plan.refusals.is_empty() && plan.untranslated.is_empty() {
        Outcome::Ok
    } else {
        Outcome::Problems
    }
}
