//! The commands, one module each: each parses nothing (that is `cli` and
//! `main`), calls the stages, and hands what they found to the
//! [`Reporter`](crate::report::Reporter).

pub mod build;
pub mod check;
pub mod diff;
pub mod explain;
pub mod fill;
pub mod i18n;
pub mod init;
pub mod schema;

use crate::Outcome;
use crate::load::Inputs;
use crate::options::{InputOptions, PlanOptions};
use crate::plan::Plan;
use crate::report::Reporter;

/// What `build` and `check` both do first: load and check the inputs, plan
/// every output, and report the warnings (loading, rules, licences) and the
/// clinicians' forms that cannot be made. On bad input, the diagnostics are
/// printed and the outcome to exit with is returned.
pub fn load_and_plan(
    inputs: &InputOptions,
    plan: &PlanOptions,
    reporter: &mut Reporter,
) -> Result<(Inputs, Plan), Outcome> {
    let loaded = crate::load::load_inputs(inputs)
        .map_err(|(sources, diags)| reporter.fail(&sources, &diags))?;
    let planned =
        crate::plan::plan(&loaded, plan).map_err(|diags| reporter.fail(&loaded.sources, &diags))?;
    if plan.formats.pdf {
        // A name no font can set fails here, at its line, not in the PDF stage.
        let unsettable = crate::validate::unsettable(&loaded, &planned);
        if !unsettable.is_empty() {
            return Err(reporter.fail(&loaded.sources, &unsettable));
        }
    }
    reporter.diagnostics(&loaded.sources, &loaded.warnings);
    reporter.diagnostics(&loaded.sources, &planned.warnings);
    let licences = crate::validate::license_warnings(&loaded, &planned.states, plan.as_of);
    reporter.diagnostics(&loaded.sources, &licences);
    // Clinicians' forms that cannot be made: reported; the command exits 1.
    reporter.diagnostics(&loaded.sources, &planned.refusals);
    // Translated documents held back for want of a current translation: the
    // same (exit 1), each miss once, with the documents it holds back.
    reporter.diagnostics(&loaded.sources, &planned.untranslated);
    Ok((loaded, planned))
}
