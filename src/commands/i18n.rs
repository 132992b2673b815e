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

use std::path::{Path, PathBuf};

use crate::Outcome;
use crate::diag::Sources;
use crate::i18n::Lang;
use crate::i18n::extract::{self, MergeStats};
use crate::i18n::po::{Entry, PoFile};
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
    match update(&mut sources, &templates_dir, &pot, &langs, crate::bundle::TEMPLATE_TRANSLATIONS) {
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
        match update(&mut sources, dir, &pot, &langs, crate::bundle::RULE_TRANSLATIONS) {
            Ok(l) => lines.extend(l),
            Err(outcome) => return reporter_fail(reporter, &sources, outcome),
        }
    }
    for l in lines {
        reporter.status(&l);
    }
    Outcome::Ok
}

enum Failure {
    Diagnostic(crate::diag::Diagnostic),
    Io(String),
}

fn reporter_fail(reporter: &mut Reporter, sources: &Sources, f: Failure) -> Outcome {
    match f {
        Failure::Diagnostic(d) => reporter.fail(sources, &[d]),
        Failure::Io(e) => reporter.error(&e, "check that the folder is writable"),
    }
}

/// Writes `dir/messages.pot` and merges it into each language's PO file
/// there; returns one line per file for the report.
fn update(
    sources: &mut Sources,
    dir: &Path,
    pot: &[Entry],
    langs: &[Lang],
    bundled: &[(&str, &str)],
) -> Result<Vec<String>, Failure> {
    let mut langs: Vec<Lang> = langs.to_vec();
    for l in Lang::ALL {
        if dir.join(format!("{}.po", l.code())).is_file() {
            langs.push(l);
        }
    }
    langs.retain(|l| *l != Lang::En);
    langs.sort();
    langs.dedup();
    let mut lines = Vec::new();
    let pot_path = dir.join("messages.pot");
    write(&pot_path, &extract::pot(pot).write())?;
    lines.push(format!("{}: {} messages", pot_path.display(), pot.len()));
    for lang in langs {
        let name = format!("{}.po", lang.code());
        let path: PathBuf = dir.join(&name);
        let old = if path.is_file() {
            let text = crate::load::read_input(&path).map_err(Failure::Diagnostic)?;
            crate::load::translations::read_po(sources, path.display().to_string(), text)
                .map_err(Failure::Diagnostic)?
                .1
        } else {
            PoFile::default()
        };
        // Translations the bundled file has, for a practice's own folder.
        let others: Vec<PoFile> = bundled
            .iter()
            .filter(|(n, _)| *n == name)
            .filter_map(|(_, text)| crate::i18n::po::parse(text).ok())
            .collect();
        let others: Vec<&PoFile> = others.iter().collect();
        let (merged, stats) = extract::merge(pot, &old, &others, lang.code());
        write(&path, &merged.write())?;
        lines.push(format!("{}: {}", path.display(), describe(stats)));
    }
    Ok(lines)
}

fn describe(s: MergeStats) -> String {
    format!(
        "{} translated, {} fuzzy, {} untranslated, {} obsolete",
        s.translated, s.fuzzy, s.untranslated, s.obsolete
    )
}

fn write(path: &Path, text: &str) -> Result<(), Failure> {
    crate::write::write_atomic(path, text.as_bytes())
        .map(|_| ())
        .map_err(|e| Failure::Io(format!("cannot write {}: {e:#}", path.display())))
}
