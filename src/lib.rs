//! consentgen turns a practice description and per-state rule files into
//! plain-language informed-consent documents, as HTML and PDF.
//!
//! # Steps
//! 1. **load** ([`load`]): `practice.toml`, `jurisdictions/*.toml` and the
//!    templates become the [`model`], with a [`diag::Diagnostic`] for every
//!    problem (file, line, column, hint).
//! 2. **resolve** ([`resolve`]): for each state and the `--as-of` date, the
//!    rule version in effect for every topic.
//! 3. **render** ([`render`]): Tera renders each document's Markdown; one
//!    pulldown-cmark event list feeds the HTML writer and the Typst writer.
//! 4. **lint** ([`lint`]): each document's reading grade (Flesch-Kincaid)
//!    and its required elements.
//! 5. **pdf** ([`pdf`]): the embedded Typst compiler turns the Typst markup
//!    into a tagged PDF/UA-1 file, with fonts from inside the binary.
//! 6. **write** ([`write`]): every file is written under a temporary name and
//!    renamed into place; `manifest.json` records inputs, outputs and hashes,
//!    and says `"complete": true` only once every file it lists is in place,
//!    so a build killed at any moment leaves no manifest that lies.
//!
//! [`progress`] draws a progress bar on long builds at a terminal.

pub mod bundle;
pub mod cli;
pub mod commands;
pub mod date;
pub mod diag;
pub mod forms;
pub mod lint;
pub mod load;
pub mod model;
pub mod pdf;
pub mod pipeline;
pub mod progress;
pub mod render;
pub mod resolve;
pub mod write;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::date::Date;
use crate::diag::{Diagnostic, FileId, Sources};
use crate::model::{Jurisdiction, Practice};
use crate::render::templates::Templates;

/// How a command ended: the process exit status.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// 0: done, nothing wrong.
    Ok,
    /// 1: the check found problems.
    Problems,
    /// 2: bad input or usage.
    BadInput,
}

impl Outcome {
    /// The exit status.
    pub fn code(self) -> u8 {
        match self {
            Outcome::Ok => 0,
            Outcome::Problems => 1,
            Outcome::BadInput => 2,
        }
    }
}

/// Where the inputs of a build come from.
#[derive(Clone, Debug, Default)]
pub struct InputOptions {
    /// The practice file; `None` for the bundled example.
    pub practice: Option<PathBuf>,
    /// A folder of jurisdiction files replacing the bundled ones.
    pub jurisdictions: Option<PathBuf>,
    /// A folder of templates overriding bundled ones, file by file.
    pub templates: Option<PathBuf>,
}

/// A jurisdiction as loaded, with the file it came from.
pub struct LoadedJurisdiction {
    /// The rules.
    pub rules: Jurisdiction,
    /// Its file in [`Sources`].
    pub file: FileId,
}

/// Every input of a build, loaded and checked.
pub struct Inputs {
    /// The text of every input file, for diagnostics and hashing.
    pub sources: Sources,
    /// The practice.
    pub practice: Practice,
    /// The practice file.
    pub practice_file: FileId,
    /// Every jurisdiction, by code.
    pub jurisdictions: BTreeMap<String, LoadedJurisdiction>,
    /// The templates.
    pub templates: Templates,
    /// Warnings found while loading.
    pub warnings: Vec<Diagnostic>,
}

/// Reads an input file as UTF-8 text, or returns a diagnostic that names it.
pub fn read_input(path: &Path) -> Result<String, Diagnostic> {
    let meta = std::fs::metadata(path).map_err(|e| {
        Diagnostic::error("io", format!("cannot read `{}`: {}", path.display(), io_reason(&e)))
            .with_hint("check the path; `consentgen init` writes a starter practice.toml")
    })?;
    if meta.len() > load::MAX_FILE_BYTES as u64 {
        return Err(Diagnostic::error(
            "file-too-large",
            format!("`{}` is larger than 1 MiB", path.display()),
        )
        .with_hint("a practice, rule or template file this large is a mistake; check the file"));
    }
    let bytes = std::fs::read(path).map_err(|e| {
        Diagnostic::error("io", format!("cannot read `{}`: {}", path.display(), io_reason(&e)))
    })?;
    String::from_utf8(bytes).map_err(|e| {
        Diagnostic::error("not-utf8", format!("`{}` is not UTF-8 text", path.display())).with_hint(
            format!(
                "the first bad byte is at offset {}; save the file as UTF-8",
                e.utf8_error().valid_up_to()
            ),
        )
    })
}

fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file".into(),
        std::io::ErrorKind::PermissionDenied => "permission denied".into(),
        _ => e.to_string(),
    }
}

/// Loads and checks the jurisdiction files: the bundled set, or every
/// `*.toml` of `dir`. Errors go to `diags`; returns the files that loaded and
/// the warnings found.
pub fn load_jurisdictions(
    sources: &mut Sources,
    dir: Option<&Path>,
    today: Date,
    diags: &mut Vec<Diagnostic>,
) -> (BTreeMap<String, LoadedJurisdiction>, Vec<Diagnostic>) {
    let mut files: Vec<(String, String, String)> = Vec::new(); // (stem, origin, text)
    match dir {
        None => {
            for (name, text) in bundle::JURISDICTIONS {
                let stem = name.trim_end_matches(".toml").to_string();
                files.push((stem, format!("<bundled>/jurisdictions/{name}"), text.to_string()));
            }
        }
        Some(dir) => match render::templates::toml_files(dir) {
            Ok(paths) => {
                for path in paths {
                    let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or("").to_string();
                    match read_input(&path) {
                        Ok(text) => files.push((stem, path.display().to_string(), text)),
                        Err(d) => diags.push(d),
                    }
                }
            }
            Err(d) => diags.push(d),
        },
    }
    let mut jurisdictions = BTreeMap::new();
    let mut warnings = Vec::new();
    for (stem, origin, text) in files {
        let file = sources.add(origin, text);
        match load::jurisdiction(sources, file, &stem, today) {
            Ok((rules, w)) => {
                warnings.extend(w);
                jurisdictions.insert(stem, LoadedJurisdiction { rules, file });
            }
            Err(d) => diags.extend(d),
        }
    }
    if jurisdictions.is_empty() && diags.is_empty() {
        diags.push(
            Diagnostic::error("no-jurisdictions", "no jurisdiction files found")
                .with_hint("`--jurisdictions DIR` needs a folder of files like `CA.toml`"),
        );
    }
    (jurisdictions, warnings)
}

/// Loads and checks every input. On failure, returns the sources (for
/// printing) and every diagnostic found.
pub fn load_inputs(opts: &InputOptions) -> Result<Inputs, (Sources, Vec<Diagnostic>)> {
    let mut sources = Sources::new();
    let mut diags = Vec::new();
    let today = Date::today_utc();

    let (jurisdictions, warnings) =
        load_jurisdictions(&mut sources, opts.jurisdictions.as_deref(), today, &mut diags);
    let failed: Vec<String> = (0..sources.len())
        .filter_map(|id| {
            let name = sources.name(id);
            let stem = name.rsplit(['/', '\\']).next()?.strip_suffix(".toml")?;
            (!jurisdictions.contains_key(stem)).then(|| stem.to_string())
        })
        .collect();

    // Templates: bundled, then --templates, then the practice's own folder.
    let mut template_dirs: Vec<PathBuf> = opts.templates.iter().cloned().collect();
    if let Some(p) = &opts.practice {
        let own = p.parent().unwrap_or(Path::new(".")).join("templates");
        if own.is_dir() {
            template_dirs.push(own);
        }
    }
    let templates = match Templates::load(&mut sources, &template_dirs) {
        Ok(t) => Some(t),
        Err(d) => {
            diags.extend(d);
            None
        }
    };

    // The practice.
    let (origin, text) = match &opts.practice {
        None => (
            "<bundled>/examples/practice.toml".to_string(),
            Ok(bundle::EXAMPLE_PRACTICE.to_string()),
        ),
        Some(p) => (p.display().to_string(), read_input(p)),
    };
    let text = match text {
        Ok(t) => t,
        Err(d) => {
            diags.push(d);
            return Err((sources, diags));
        }
    };
    let practice_file = sources.add(origin, text);
    let Some(templates) = templates else { return Err((sources, diags)) };
    // A rule file that failed to load still names a state: the practice may list it.
    let mut codes: Vec<&str> = jurisdictions.keys().map(String::as_str).collect();
    codes.extend(failed.iter().map(String::as_str));
    codes.sort_unstable();
    let ids = templates.document_ids();
    let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
    let practice = match load::practice(&sources, practice_file, &codes, &ids) {
        Ok(p) => Some(p),
        Err(d) => {
            diags.extend(d);
            None
        }
    };
    match practice {
        Some(practice) if diags.is_empty() => {
            Ok(Inputs { sources, practice, practice_file, jurisdictions, templates, warnings })
        }
        _ => Err((sources, diags)),
    }
}
