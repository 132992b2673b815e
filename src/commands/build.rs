//! `consentgen build`: every document of every chosen state, in each of the
//! practice's languages, as HTML and PDF, plus the index pages and
//! `manifest.json`. Everything is produced in memory first, so a failed build
//! leaves the output folder as it was; outputs whose key matches the previous
//! manifest are kept, not made again; files the previous manifest lists that
//! this build no longer produces are removed, and no other file is touched.
//! With `--states`, the other states' files stay, with their manifest entries
//! and their place in the index. The output folder is first checked as a jail
//! (see [`crate::outdir`]).

use std::path::PathBuf;

use crate::Outcome;
use crate::diag::Sources;
use crate::manifest::Manifest;
use crate::options::{InputOptions, PlanOptions, StateSelection};
use crate::produce::{Produced, produce};
use crate::report::{BuildSummary, Record, Reporter, Summary};
use crate::write::{MANIFEST, OutputFile};

/// Settings of one build, resolved from the command line.
#[derive(Clone, Debug)]
pub struct BuildOptions {
    /// Where the inputs come from.
    pub inputs: InputOptions,
    /// The output folder.
    pub out: PathBuf,
    /// States, formats and date.
    pub plan: PlanOptions,
    /// Worker threads; `None` for one per core.
    pub jobs: Option<usize>,
    /// Build even where the output folder's checks refuse (see `outdir`):
    /// overwrite files the tool did not write, write into a folder of inputs.
    pub force: bool,
}

/// Runs `consentgen build`.
pub fn run(opts: &BuildOptions, reporter: &mut Reporter) -> Outcome {
    if let Err(d) = crate::outdir::check_folder(&opts.out) {
        return reporter.fail(&Sources::new(), &[d]);
    }
    let (inputs, plan) = match super::load_and_plan(&opts.inputs, &opts.plan, reporter) {
        Ok(x) => x,
        Err(outcome) => return outcome,
    };
    let sources = &inputs.sources;
    let previous = Manifest::read(&opts.out);
    let selected = matches!(opts.plan.states, StateSelection::List(_));
    let (kept, edited) =
        crate::outdir::kept_outputs(&opts.out, selected, &plan.states, previous.as_ref());
    reporter.diagnostics(sources, &edited);
    // The jail, before anything is rendered or written (see `outdir`).
    let mut paths: Vec<&str> = plan.outputs.iter().map(|p| p.path.as_str()).collect();
    let index_paths: Vec<String> =
        inputs.languages().iter().map(|l| crate::plan::index_path(&inputs, l.lang)).collect();
    paths.extend(index_paths.iter().map(String::as_str));
    paths.push(MANIFEST);
    let removals =
        crate::outdir::removals(previous.as_ref(), &paths, &kept, selected.then_some(&plan.states));
    let found = crate::outdir::preflight(&crate::outdir::Targets {
        out: &opts.out,
        paths,
        removals: removals.clone(),
        previous: previous.as_ref(),
        inputs: &opts.inputs,
        force: opts.force,
    });
    if crate::diag::has_errors(&found) {
        return reporter.fail(sources, &found);
    }
    reporter.diagnostics(sources, &found);
    let products = match produce(&inputs, &plan, &opts.out, previous.as_ref(), opts.jobs) {
        Ok(f) => f,
        Err(diags) => return reporter.fail(sources, &diags),
    };
    let indexes: Vec<OutputFile> = match crate::plan::index_pages(&inputs, &plan, &kept) {
        Ok(pages) => pages
            .into_iter()
            .map(|(path, html)| OutputFile { path, bytes: html.into_bytes() })
            .collect(),
        Err(d) => return reporter.fail(sources, &[d]),
    };

    let mut summary = BuildSummary::default();
    (summary.documents, summary.lint_problems) =
        crate::report::documents(reporter, sources, &plan, &inputs.practice.readability);

    summary.made = products.iter().filter(|p| p.produced == Produced::Made).count();
    summary.kept = products.len() - summary.made;
    summary.carried = kept.len();
    let kept_paths: Vec<String> = kept.iter().map(|o| o.path.clone()).collect();
    let files = crate::produce::with_manifest(&inputs, opts.plan.as_of, products, indexes, kept);
    let stats = match crate::write::commit(&opts.out, &files) {
        Ok(stats) => stats,
        Err(e) => {
            return reporter.error(&format!("{e:#}"), "check that the output folder is writable");
        }
    };
    let (removed, edited) = crate::outdir::remove_previous(
        &opts.out,
        previous.as_ref(),
        &removals,
        &files,
        &kept_paths,
    );
    reporter.diagnostics(&Sources::new(), &edited);
    summary.written = stats.changed;
    summary.unchanged = stats.unchanged;
    summary.removed = removed;
    summary.refused = plan.refusals.len();
    summary.untranslated = plan.untranslated.len();
    summary.states = plan.states.clone();
    summary.out = opts.out.display().to_string();
    reporter.emit(sources, Record::Summary(Summary::Build(summary)));
    if plan.refusals.is_empty() && plan.untranslated.is_empty() {
        Outcome::Ok
    } else {
        Outcome::Problems
    }
}
