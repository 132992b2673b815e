//! `consentgen build`: every document of every chosen state, as HTML and PDF,
//! plus `index.html` and `manifest.json`.
//!
//! Everything is produced in memory first; only when every document has
//! rendered and compiled is anything written, so a failed build leaves the
//! output folder as it was. Outputs whose key matches the previous manifest
//! are kept, not made again; files the previous manifest lists that this
//! build no longer produces are removed, and no other file is ever touched.
//! With `--states`, the other states' files are neither made nor removed:
//! they keep their manifest entries and their place in the index. Before
//! anything is rendered or written, the output folder is checked as a jail
//! (see [`crate::outdir`]).

use std::path::PathBuf;

use crate::Outcome;
use crate::diag::{Diagnostic, Severity, Sources};
use crate::manifest::{About, Manifest, Output};
use crate::model::Lang;
use crate::options::{InputOptions, PlanOptions, StateSelection};
use crate::plan::{Plan, grade_1dp};
use crate::produce::{Produced, produce};
use crate::report::{BuildSummary, DocumentRecord, Record, Reporter, Summary};
use crate::write::{MANIFEST, OutputFile, sha256_hex};

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
    let (kept, edited) = kept_outputs(opts, &plan, previous.as_ref());
    reporter.diagnostics(sources, &edited);
    // The jail, before anything is rendered or written (see `outdir`).
    let mut paths: Vec<&str> = plan.outputs.iter().map(|p| p.path.as_str()).collect();
    let index_paths: Vec<String> =
        inputs.languages().iter().map(|l| crate::plan::index_path(&inputs, l.lang)).collect();
    paths.extend(index_paths.iter().map(String::as_str));
    paths.push(MANIFEST);
    let removals: Vec<&str> = previous
        .iter()
        .flat_map(|m| {
            m.outputs
                .iter()
                .map(|o| o.path.as_str())
                .chain(m.pending.iter().map(|p| p.path.as_str()))
        })
        .filter(|p| !paths.contains(p) && !kept.iter().any(|k| k.path == *p))
        .filter(|p| in_scope(opts, &plan, previous.as_ref(), p))
        .collect();
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
    let bar = &inputs.practice.readability;
    for d in plan.documents.iter().filter(|d| !d.packet) {
        summary.documents += 1;
        reporter.emit(
            sources,
            Record::Document(DocumentRecord {
                state: d.state.clone(),
                document: d.id.clone(),
                clinician: d.clinician.clone(),
                title: d.rendered.title.clone(),
                language: d.lang.code().into(),
                grade: (d.lang == Lang::En).then(|| grade_1dp(d.rendered.score.grade())),
                inflesz: (d.lang == Lang::Es).then(|| grade_1dp(d.rendered.score.inflesz())),
                effective: d.effective.to_string(),
            }),
        );
        for f in d.lint(bar) {
            summary.lint_problems += 1;
            reporter.emit(
                sources,
                Record::Diagnostic(&Diagnostic { severity: Severity::Warning, ..f }),
            );
        }
    }

    summary.made = products.iter().filter(|p| p.produced == Produced::Made).count();
    summary.kept = products.len() - summary.made;
    let mut entries: Vec<(&OutputFile, About)> =
        products.iter().map(|p| (&p.file, p.about.clone())).collect();
    for index in &indexes {
        entries.push((index, About { format: "html".into(), ..About::default() }));
    }
    let mut manifest = Manifest::new(&inputs, opts.plan.as_of, &entries);
    summary.carried = kept.len();
    let kept_paths: Vec<String> = kept.iter().map(|o| o.path.clone()).collect();
    manifest.keep(kept);
    let manifest = manifest.to_file();
    let mut files: Vec<OutputFile> = products.into_iter().map(|p| p.file).collect();
    files.extend(indexes);
    files.push(manifest);
    let stats = match crate::write::commit(&opts.out, &files) {
        Ok(stats) => stats,
        Err(e) => {
            return reporter.error(&format!("{e:#}"), "check that the output folder is writable");
        }
    };
    let mut keep: Vec<&str> = files.iter().map(|f| f.path.as_str()).collect();
    keep.extend(kept_paths.iter().map(String::as_str));
    // Only the files checked above: with `--states`, none of another state.
    let previous_files = previous
        .iter()
        .flat_map(|m| {
            let outputs = m.outputs.iter().map(|o| (o.path.as_str(), o.sha256.as_str()));
            outputs.chain(m.pending.iter().map(|p| (p.path.as_str(), p.sha256.as_str())))
        })
        .filter(|(path, _)| removals.contains(path));
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

/// Whether this build may remove `path` when it no longer makes it: with
/// `--states`, only files of the states it builds (and files that name no
/// state).
fn in_scope(opts: &BuildOptions, plan: &Plan, previous: Option<&Manifest>, path: &str) -> bool {
    if !matches!(opts.plan.states, StateSelection::List(_)) {
        return true;
    }
    let state = previous.and_then(|m| m.output(path)).and_then(|o| o.about.state.as_ref());
    state.is_none_or(|s| plan.states.contains(s))
}

/// The outputs of states this build leaves out that it keeps as they are:
/// with `--states`, a build is a selection, not a new truth, so every other
/// state's files stay, and their manifest entries with them, when the files
/// still hold what the manifest recorded.
/// A file found edited is kept too, but the manifest no longer lists it.
fn kept_outputs(
    opts: &BuildOptions,
    plan: &Plan,
    previous: Option<&Manifest>,
) -> (Vec<Output>, Vec<Diagnostic>) {
    let (mut kept, mut edited) = (Vec::new(), Vec::new());
    if !matches!(opts.plan.states, StateSelection::List(_)) {
        return (kept, edited);
    }
    let others = previous
        .iter()
        .flat_map(|m| &m.outputs)
        .filter(|o| o.about.state.as_ref().is_some_and(|s| !plan.states.contains(s)));
    for o in others {
        match crate::write::read_output(&opts.out, &o.path) {
            Some(bytes) if sha256_hex(&bytes) == o.sha256 => kept.push(o.clone()),
            Some(_) => edited.push(
                Diagnostic::warning(
                    "kept-edited",
                    format!("`{}` was edited since it was built; left in place, no longer listed in the manifest", o.path),
                )
                .with_hint("a build of its state with --force replaces it"),
            ),
            None => {}
        }
    }
    (kept, edited)
}
