//! The commands, one module each: each parses nothing (that is `cli` and
//! `main`), calls the stages, and hands what they found to the
//! [`Reporter`](crate::report::Reporter).

pub mod build;
pub mod check;
pub mod diff;
pub mod explain;
pub mod fields;
pub mod fill;
pub mod i18n;
pub mod init;
pub mod review;
pub mod schema;

use crate::Outcome;
use crate::options::{InputOptions, PlanOptions};
use crate::plan::Plan;
use crate::project::Project;
use crate::report::Reporter;

/// What `build` and `check` both do first: load and check the inputs, plan
/// every output, and report the notices (warnings of loading, rules and
/// licences, and the documents that cannot be made; see
/// [`Project::notices`]). On bad input, the diagnostics are printed and the
/// outcome to exit with is returned.
pub fn load_and_plan(
    inputs: &InputOptions,
    plan: &PlanOptions,
    reporter: &mut Reporter,
) -> Result<(Project, Plan), Outcome> {
    let project = Project::load(inputs).map_err(|f| reporter.fail(&f.sources, &f.diagnostics))?;
    let planned = project.plan(plan).map_err(|d| reporter.fail(&project.inputs.sources, &d))?;
    reporter.diagnostics(&project.inputs.sources, &project.notices(&planned, plan.as_of));
    Ok((project, planned))
}
