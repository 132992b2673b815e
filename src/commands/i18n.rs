//! `consentgen i18n extract`: writes `messages.pot` of a templates folder
//! (every block of its Markdown templates, and the page strings) and of a
//! jurisdiction folder (the rule text clients read, and state names), and
//! merges each into that folder's `<lang>.po` files (see
//! [`crate::i18n::extract`]).
//!
//! The templates folder is `--templates DIR`, else the practice's own
//! `templates/`; the jurisdiction folder is `--jurisdictions DIR`. Languages:
//! every `<lang>.po` already there, each `--lang`, and the practice's
//! `languages`.

use std::path::Path;

use crate::Outcome;
use crate::diag::Sources;
use crate::i18n::Lang;
use crate::i18n::extract;
use crate::load::translations::{UpdateFailure, update_folder};
use crate::options::InputOptions;
use crate::report::Reporter;

/// What `i18n extract` works on.
#[derive(Clone, Debug)]
pub struct ExtractOptions {
    /// The inputs (the practice, `--templates`, `--jurisdictions`).
    pub inputs: InputOptions,
    /// Languages to make PO files for, besides those already there.
    pub langs: Vec<Lang>,
}

/// Runs `consentgen i18n extract`.
pub fn run(opts: &ExtractOptions, reporter: &mut Reporter) -> Outcome {
    let inputs = match crate::load::load_inputs(&opts.inputs) {
        Ok(i) => i,
        Err((sources, diags)) => return reporter.fail(&sources, &diags),
    };
    let own = opts
        .inputs
        .practice
        .as_ref()
        .map(|p| p.parent().unwrap_or(Path::new(".")).join("templates"))
        .filter(|d| d.is_dir());
    let Some(templates_dir) = opts.inputs.templates.clone().or(own) else {
        return reporter.error(
            "i18n extract needs a templates folder to write its PO files into",
            "give --templates DIR (the repository's templates/, or a practice's own), or a practice with a templates/ folder",
        );
    };
    let mut langs: Vec<Lang> = opts.langs.clone();
    langs.extend(inputs.practice.languages.iter().map(|l| *l.get_ref()));
    let mut sources = Sources::new();

    let templates: Vec<(&str, &str)> =
        inputs.templates.files.values().map(|f| (f.name.as_str(), f.text.as_str())).collect();
    let pot = extract::template_messages(templates);
    let mut lines = Vec::new();
    match update_folder(
        &mut sources,
        &templates_dir,
        &pot,
        &langs,
        crate::bundle::TEMPLATE_TRANSLATIONS,
    ) {
        Ok(l) => lines.extend(l),
        Err(outcome) => return reporter_fail(reporter, &sources, outcome),
    }
    if let Some(dir) = &opts.inputs.jurisdictions {
        let files: Vec<(String, &crate::model::Jurisdiction, &str)> = inputs
            .jurisdictions
            .iter()
            .map(|(code, j)| (format!("{code}.toml"), &j.rules, inputs.sources.text(j.file)))
            .collect();
        let files: Vec<(&str, &crate::model::Jurisdiction, &str)> =
            files.iter().map(|(n, j, t)| (n.as_str(), *j, *t)).collect();
        let pot = extract::rule_messages(&files);
        match update_folder(&mut sources, dir, &pot, &langs, crate::bundle::RULE_TRANSLATIONS) {
            Ok(l) => lines.extend(l),
            Err(outcome) => return reporter_fail(reporter, &sources, outcome),
        }
    }
    for l in lines {
        reporter.status(&l);
    }
    Outcome::Ok
}

fn reporter_fail(reporter: &mut Reporter, sources: &Sources, f: UpdateFailure) -> Outcome {
    match f {
        UpdateFailure::Diagnostic(d) => reporter.fail(sources, &[d]),
        UpdateFailure::Io(e) => reporter.error(&e, "check that the folder is writable"),
    }
}
