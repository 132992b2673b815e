//! `consentgen build`: every document of every chosen state, as HTML and PDF,
//! plus `index.html` and `manifest.json`.
//!
//! Everything is produced in memory first; only when every document has
//! rendered and compiled is anything written, so a failed build leaves the
//! output folder as it was. Outputs whose key matches the previous manifest
//! are kept, not made again; files the previous manifest lists that this
//! build no longer produces are removed, and no other file is ever touched.

use std::path::PathBuf;

use serde_json::json;

use crate::diag::Diagnostic;
use crate::pipeline::{self, OutputFile, PlanOptions, Produced};
use crate::write::sha256_hex;
use crate::{InputOptions, Outcome};

use super::{MessageFormat, Reporter};

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

    let previous = pipeline::previous(&opts.out);
    let produced = match pipeline::produce(&inputs, &plan, &opts.out, previous.as_ref(), opts.jobs)
    {
        Ok(f) => f,
        Err(diags) => return reporter.fail(&inputs.sources, &diags),
    };
    let index = match pipeline::index_page(&inputs, &plan) {
        Ok(i) => i,
        Err(d) => return reporter.fail(&inputs.sources, &[d]),
    };

    let max = inputs.practice.readability.max_grade;
    for d in plan.documents.iter().filter(|d| !d.packet) {
        let grade = d.rendered.score.grade();
        let name = match &d.clinician {
            Some(c) => format!("{} {} ({c})", d.state, d.id),
            None => format!("{} {}", d.state, d.id),
        };
        if reporter.format == MessageFormat::Json {
            reporter.json(json!({
                "type": "document", "state": d.state, "document": d.id, "clinician": d.clinician,
                "title": d.rendered.title, "grade": pipeline::grade_1dp(grade),
                "effective": d.effective.to_string(),
            }));
        } else {
            reporter.status(&format!("{name}: reading grade {grade:.1}"));
        }
        for f in pipeline::lint(d, max) {
            reporter.report(
                &inputs.sources,
                &Diagnostic { severity: crate::diag::Severity::Warning, ..f },
            );
        }
    }

    let made = produced.iter().filter(|(_, p)| *p == Produced::Made).count();
    let mut files: Vec<OutputFile> = produced.into_iter().map(|(f, _)| f).collect();
    files.push(index);
    let manifest = pipeline::manifest(&inputs, opts.plan.as_of, &files);
    files.push(manifest);
    let stats = match crate::write::commit(&opts.out, &files) {
        Ok(stats) => stats,
        Err(e) => {
            reporter.error(&format!("{e:#}"), "check that the output folder is writable");
            return Outcome::BadInput;
        }
    };
    let removed = remove_obsolete(&opts.out, previous.as_ref(), &files, reporter);

    let summary = format!(
        "built {} documents for {} into {}: {} made, {} kept; {} files written, {} unchanged{}",
        plan.documents.iter().filter(|d| !d.packet).count(),
        plan.states.join(", "),
        opts.out.display(),
        made,
        plan.outputs.len() - made,
        stats.changed,
        stats.unchanged,
        if removed > 0 { format!(", {removed} removed") } else { String::new() }
    );
    reporter.status(&summary);
    reporter.json(json!({
        "type": "summary", "command": "build", "documents": plan.documents.iter().filter(|d| !d.packet).count(),
        "made": made, "kept": plan.outputs.len() - made, "written": stats.changed,
        "unchanged": stats.unchanged, "removed": removed, "refused": plan.refusals.len(),
    }));
    if plan.refusals.is_empty() {
        Outcome::Ok
    } else {
        reporter.status(&format!(
            "refused {} clinician form set{}; see the errors above",
            plan.refusals.len(),
            if plan.refusals.len() == 1 { "" } else { "s" }
        ));
        Outcome::Problems
    }
}

/// Removes files the previous build wrote that this build no longer
/// produces; only those the manifest lists, and only if they still hold
/// what the manifest recorded (a file someone edited is left, with a warning).
fn remove_obsolete(
    out: &std::path::Path,
    previous: Option<&pipeline::Previous>,
    files: &[OutputFile],
    reporter: &mut Reporter,
) -> usize {
    let Some(previous) = previous else { return 0 };
    let mut removed = 0;
    for (path, recorded) in &previous.outputs {
        if files.iter().any(|f| &f.path == path) || path.contains("..") || path.starts_with('/') {
            continue;
        }
        let full = out.join(path);
        match std::fs::read(&full) {
            Ok(bytes) if sha256_hex(&bytes) == recorded.sha256 => {
                if std::fs::remove_file(&full).is_ok() {
                    removed += 1;
                    // Remove folders the tool made that are now empty.
                    let mut dir = full.parent();
                    while let Some(d) = dir.filter(|d| *d != out) {
                        if std::fs::remove_dir(d).is_err() {
                            break;
                        }
                        dir = d.parent();
                    }
                }
            }
            Ok(_) => reporter.report(
                &crate::diag::Sources::new(),
                &Diagnostic::warning(
                    "kept-edited",
                    format!("`{path}` is no longer built, but was edited; left in place"),
                )
                .with_hint("delete it yourself if it is not needed"),
            ),
            Err(_) => {}
        }
    }
    removed
}
