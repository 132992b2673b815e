//! `consentgen build`: every document of every chosen state, as HTML and PDF,
//! plus `index.html` and `manifest.json`.
//!
//! Everything is produced in memory first; only when every document has
//! rendered and compiled is anything written, so a failed build leaves the
//! output folder as it was. Outputs whose key matches the previous manifest
//! are kept, not made again; files the previous manifest lists that this
//! build no longer produces are removed, and no other file is ever touched.

use std::path::PathBuf;

use crate::diag::{Diagnostic, Severity, Sources};
use crate::manifest::{About, Manifest};
use crate::options::{InputOptions, PlanOptions};
use crate::plan::grade_1dp;
use crate::produce::{Produced, produce};
use crate::report::{BuildSummary, DocumentRecord, Record, Reporter, Summary};
use crate::write::OutputFile;
use crate::{Outcome, render};

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
}

/// Runs `consentgen build`.
pub fn run(opts: &BuildOptions, reporter: &mut Reporter) -> Outcome {
    let (inputs, plan) = match super::load_and_plan(&opts.inputs, &opts.plan, reporter) {
        Ok(x) => x,
        Err(outcome) => return outcome,
    };
    let sources = &inputs.sources;
    let previous = Manifest::read(&opts.out);
    let products = match produce(&inputs, &plan, &opts.out, previous.as_ref(), opts.jobs) {
        Ok(f) => f,
        Err(diags) => return reporter.fail(sources, &diags),
    };
    let states = plan.index_states(&inputs);
    let index = match render::index::render(&inputs.templates, &inputs.practice, &states) {
        Ok(html) => OutputFile { path: "index.html".into(), bytes: html.into_bytes() },
        Err(d) => return reporter.fail(sources, &[d]),
    };

    let mut summary = BuildSummary::default();
    let max = inputs.practice.readability.max_grade;
    for d in plan.documents.iter().filter(|d| !d.packet) {
        summary.documents += 1;
        reporter.emit(
            sources,
            Record::Document(DocumentRecord {
                state: d.state.clone(),
                document: d.id.clone(),
                clinician: d.clinician.clone(),
                title: d.rendered.title.clone(),
                grade: grade_1dp(d.rendered.score.grade()),
                effective: d.effective.to_string(),
            }),
        );
        for f in d.lint(max) {
            summary.lint_problems += 1;
            reporter.emit(
                sources,
                Record::Diagnostic(&Diagnostic { severity: Severity::Warning, ..f }),
            );
        }
    }

    summary.made = products.iter().filter(|p| p.produced == Produced::Made).count();
    summary.kept = products.len() - summary.made;
    let index_about = About { format: "html".into(), ..About::default() };
    let mut entries: Vec<(&OutputFile, About)> =
        products.iter().map(|p| (&p.file, p.about.clone())).collect();
    entries.push((&index, index_about));
    let manifest = Manifest::new(&inputs, opts.plan.as_of, &entries).to_file();
    let mut files: Vec<OutputFile> = products.into_iter().map(|p| p.file).collect();
    files.push(index);
    files.push(manifest);
    let stats = match crate::write::commit(&opts.out, &files) {
        Ok(stats) => stats,
        Err(e) => {
            return reporter.error(&format!("{e:#}"), "check that the output folder is writable");
        }
    };
    let keep: Vec<&str> = files.iter().map(|f| f.path.as_str()).collect();
    let previous_files =
        previous.iter().flat_map(|m| &m.outputs).map(|o| (o.path.as_str(), o.sha256.as_str()));
    let removed = crate::write::remove_obsolete(&opts.out, previous_files, &keep);
    for path in &removed.edited {
        let d = Diagnostic::warning(
            "kept-edited",
            format!("`{path}` is no longer built, but was edited; left in place"),
        )
        .with_hint("delete it yourself if it is not needed");
        reporter.emit(&Sources::new(), Record::Diagnostic(&d));
    }
    summary.written = stats.changed;
    summary.unchanged = stats.unchanged;
    summary.removed = removed.removed;
    summary.refused = plan.refusals.len();
    summary.states = plan.states.clone();
    summary.out = opts.out.display().to_string();
    reporter.emit(sources, Record::Summary(Summary::Build(summary)));
    if plan.refusals.is_empty() { Outcome::Ok } else { Outcome::Problems }
}
