//! Reads every input of a build: the jurisdiction files (bundled or from
//! `--jurisdictions`), the templates (bundled, then each override folder) and
//! the practice file, each checked, with every problem as a diagnostic.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::bundle;
use crate::date::Date;
use crate::diag::{Diagnostic, FileId, Sources};
use crate::i18n::{Language, Misses, Translator};
use crate::io::{ReadError, read_bounded};
use crate::model::Lang;
use crate::model::{Jurisdiction, Practice};
use crate::options::InputOptions;
use crate::render::templates::Templates;

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
    /// Counsel's decisions on the rules (`reviews.toml` beside the practice).
    pub reviews: super::reviews::LoadedReviews,
    /// Where the inputs came from (the options they were loaded with).
    pub options: InputOptions,
    /// The required elements of each document (`requirements.toml`).
    pub requirements: crate::lint::required::Requirements,
    /// Warnings found while loading.
    pub warnings: Vec<Diagnostic>,
    /// The catalogs of the practice's languages besides English.
    pub translations: super::translations::Translations,
    /// Text translated documents need but have no translation for (see
    /// [`crate::i18n`]).
    pub misses: Misses,
    /// The practice's logo, when it has one.
    pub logo: Option<Logo>,
}

/// A practice's logo: its bytes and kind, read once for every page.
#[derive(Clone, Debug)]
pub struct Logo {
    /// `logo.png` or `logo.svg`: its name in the PDF compiler's files.
    pub name: &'static str,
    /// Its bytes.
    pub bytes: Vec<u8>,
    /// Its SHA-256, part of every output's key.
    pub sha256: String,
}

impl Inputs {
    /// The practice's languages, as the context builders use them.
    pub fn languages(&self) -> Vec<Language<'_>> {
        self.practice
            .languages
            .iter()
            .map(|l| *l.get_ref())
            .map(|lang| {
                let (Some(templates), Some(rules)) =
                    (self.translations.templates.get(&lang), self.translations.rules.get(&lang))
                else {
                    return Language::english();
                };
                fn po(m: &std::collections::BTreeMap<Lang, String>, lang: Lang) -> &str {
                    m.get(&lang).map_or("", String::as_str)
                }
                Language {
                    lang,
                    ui: crate::i18n::ui::Ui::new(
                        lang,
                        templates,
                        &self.misses,
                        po(&self.translations.templates_po, lang),
                    ),
                    translator: Some(Translator {
                        lang,
                        templates,
                        rules,
                        misses: &self.misses,
                        rules_po: po(&self.translations.rules_po, lang),
                        rule_files: self
                            .jurisdictions
                            .iter()
                            .map(|(code, j)| (code.as_str(), (j.file, self.sources.text(j.file))))
                            .collect(),
                    }),
                    practice: self.practice.translations.get(&lang),
                }
            })
            .collect()
    }
}

impl Logo {
    /// The logo as a `data:` URL for a self-contained web page.
    pub fn data_url(&self) -> String {
        use base64::Engine as _;
        let mime = if self.name.ends_with(".svg") { "image/svg+xml" } else { "image/png" };
        format!(
            "data:{mime};base64,{}",
            base64::engine::general_purpose::STANDARD.encode(&self.bytes)
        )
    }
}

/// Largest logo accepted, in bytes: a header image, not a photograph.
pub const MAX_LOGO_BYTES: u64 = 512 << 10;

/// Reads the practice's logo (`logo`, relative to the practice file): a PNG
/// or SVG file, with `logo_alt` its text alternative.
fn logo(
    sources: &Sources,
    file: FileId,
    practice: &Practice,
    practice_path: Option<&Path>,
) -> Result<Option<Logo>, Diagnostic> {
    let Some(rel) = &practice.logo else { return Ok(None) };
    let at = |d: Diagnostic| d.at(file, rel.span());
    let _ = sources;
    if practice.logo_alt.as_deref().is_none_or(|a| a.trim().is_empty()) {
        return Err(at(Diagnostic::error("logo-alt", "`logo` has no `logo_alt`"))
            .with_label("this logo")
            .with_hint("add `logo_alt = \"...\"`: what the logo shows, for people who cannot see it (it is the image's text in the PDF and on the web page)"));
    }
    let base = practice_path.and_then(Path::parent).unwrap_or(Path::new("."));
    let path = base.join(rel.get_ref());
    let bytes = read_bounded(&path, MAX_LOGO_BYTES).map_err(|e| {
        let why = match e {
            ReadError::Io(e) => crate::io::io_reason(&e),
            ReadError::NotAFile => "not a regular file".into(),
            ReadError::TooLarge => format!("larger than {} KiB", MAX_LOGO_BYTES >> 10),
        };
        at(Diagnostic::error("logo", format!("cannot use the logo `{}`: {why}", path.display())))
            .with_label("this file")
            .with_hint("give a PNG or SVG file beside the practice file, under 512 KiB")
    })?;
    let svg = std::str::from_utf8(&bytes).ok().is_some_and(|t| t.contains("<svg"));
    let name = if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        "logo.png"
    } else if svg {
        "logo.svg"
    } else {
        return Err(at(Diagnostic::error(
            "logo",
            format!("`{}` is neither a PNG nor an SVG image", path.display()),
        ))
        .with_label("this file")
        .with_hint("save the logo as PNG or SVG"));
    };
    if name == "logo.svg"
        && super::svg::depth(&bytes, super::svg::MAX_SVG_DEPTH) > super::svg::MAX_SVG_DEPTH
    {
        return Err(at(Diagnostic::error(
            "logo",
            format!(
                "`{}` nests its elements more than {} deep",
                path.display(),
                super::svg::MAX_SVG_DEPTH
            ),
        ))
        .with_label("this file")
        .with_hint("save the logo again from a drawing program (flattened, or as PNG): a logo needs a few levels of groups, not hundreds"));
    }
    let sha256 = crate::io::sha256_hex(&bytes);
    Ok(Some(Logo { name, bytes, sha256 }))
}

/// Reads an input file as UTF-8 text, or returns a diagnostic that names it.
pub fn read_input(path: &Path) -> Result<String, Diagnostic> {
    let bytes = read_bounded(path, super::MAX_FILE_BYTES as u64).map_err(|e| match e {
        ReadError::Io(e) => Diagnostic::error(
            "io",
            format!("cannot read `{}`: {}", path.display(), crate::io::io_reason(&e)),
        )
        .with_hint("check the path; `consentgen init` writes a starter practice.toml"),
        ReadError::NotAFile => {
            Diagnostic::error("not-a-file", format!("`{}` is not a regular file", path.display()))
                .with_hint("give the path of a file, not a folder, FIFO or device")
        }
        ReadError::TooLarge => Diagnostic::error(
            "file-too-large",
            format!("`{}` is larger than 1 MiB", path.display()),
        )
        .with_hint("a practice, rule or template file this large is a mistake; check the file"),
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

/// Loads and checks the jurisdiction files: the bundled set, or every
/// `*.toml` of `dir`. Errors go to `diags`; returns the files that loaded,
/// the warnings found, and the states whose files could not be read (they
/// are still states, which a practice may list).
pub fn load_jurisdictions(
    sources: &mut Sources,
    dir: Option<&Path>,
    today: Date,
    diags: &mut Vec<Diagnostic>,
) -> (BTreeMap<String, LoadedJurisdiction>, Vec<Diagnostic>, Vec<String>) {
    let mut files: Vec<(String, String, String)> = Vec::new(); // (stem, origin, text)
    let mut failed = Vec::new();
    match dir {
        None => {
            for (name, text) in bundle::JURISDICTIONS {
                let stem = name.trim_end_matches(".toml").to_string();
                files.push((stem, format!("<bundled>/jurisdictions/{name}"), text.to_string()));
            }
        }
        Some(dir) => {
            let listing = super::files_in(dir, super::templates::is_rule_input);
            for (path, d) in listing.refused {
                // A state whose file cannot be read is still a state (the
                // practice may list it): not also "unknown state".
                if let Some(stem) = state_of(&path) {
                    failed.push(stem);
                }
                diags.push(d);
            }
            let tomls =
                listing.files.into_iter().filter(|p| p.extension().is_some_and(|e| e == "toml"));
            for path in tomls {
                let Some(stem) = state_of(&path) else {
                    diags.push(not_a_state(&path));
                    continue;
                };
                match read_input(&path) {
                    Ok(text) => files.push((stem, path.display().to_string(), text)),
                    Err(d) => {
                        failed.push(stem);
                        diags.push(d)
                    }
                }
            }
        }
    }
    let mut jurisdictions = BTreeMap::new();
    let mut warnings = Vec::new();
    for (stem, origin, text) in files {
        let file = sources.add(origin, text);
        match super::jurisdiction(sources, file, &stem, today) {
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
    (jurisdictions, warnings, failed)
}

/// The state a rule file is named for (`OR` for `rules/OR.toml`), if its
/// name is a `.toml` file named for a state.
fn state_of(path: &Path) -> Option<String> {
    let stem = path.file_name()?.to_str()?.strip_suffix(".toml")?;
    super::templates::is_state_code(stem).then(|| stem.to_string())
}

/// A `.toml` file of a rule folder whose name is not a state's code.
fn not_a_state(path: &Path) -> Diagnostic {
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    Diagnostic::error(
        "not-a-state",
        format!("`{}` is not a rule file: `{name}` is not named for a state", path.display()),
    )
    .with_hint("a rule file is named for its state's USPS code, two capital letters, like `OR.toml`; move other TOML files out of the folder")
}

/// The catalogs of the practice's languages besides English (the PO files
/// of the template folders and the rule folder), each language's
/// templates translated with them.
fn translate(
    sources: &mut Sources,
    langs: &[Lang],
    (template_dirs, jurisdictions_dir): (&[PathBuf], Option<&Path>),
    templates: &mut Templates,
    misses: &Misses,
) -> Result<super::translations::Translations, Vec<Diagnostic>> {
    let translations = super::translations::load(sources, langs, template_dirs, jurisdictions_dir)?;
    let mut diags = Vec::new();
    for (lang, catalog) in &translations.templates {
        let po = translations.templates_po.get(lang).map_or("", String::as_str);
        diags.extend(templates.add_language(*lang, catalog, misses, po, sources));
    }
    if diags.is_empty() { Ok(translations) } else { Err(diags) }
}

/// The states whose rule files did not load (read, but with errors; or not
/// read, `unread`): still states, which the practice may list.
fn failed_states(
    sources: &Sources,
    jurisdictions: &BTreeMap<String, LoadedJurisdiction>,
    unread: Vec<String>,
) -> Vec<String> {
    let mut failed: Vec<String> = (0..sources.len())
        .filter_map(|id| {
            let name = sources.name(id);
            let stem = name.rsplit(['/', '\\']).next()?.strip_suffix(".toml")?;
            (!jurisdictions.contains_key(stem)).then(|| stem.to_string())
        })
        .collect();
    failed.extend(unread);
    failed
}

/// The template folders, in override order: `--templates`, then the
/// practice's own `templates` beside its file (an error if that name is
/// not a folder: a broken link is not "no templates").
fn template_dirs(opts: &InputOptions, diags: &mut Vec<Diagnostic>) -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = opts.templates.iter().cloned().collect();
    if let Some(p) = &opts.practice {
        let own = p.parent().unwrap_or(Path::new(".")).join("templates");
        if own.is_dir() {
            dirs.push(own);
        } else if std::fs::symlink_metadata(&own).is_ok() {
            diags.push(
                Diagnostic::error("not-a-folder", format!("`{}` is not a folder", own.display()))
                    .with_hint("the practice's own templates go in a folder `templates` beside the practice file; rename or remove this one"),
            );
        }
    }
    dirs
}

/// Loads and checks every input. On failure, returns the sources (for
/// printing) and every diagnostic found.
pub fn load_inputs(opts: &InputOptions) -> Result<Inputs, (Sources, Vec<Diagnostic>)> {
    let mut sources = Sources::new();
    let mut diags = Vec::new();
    let today = Date::today_utc();

    let (jurisdictions, warnings, unread) =
        load_jurisdictions(&mut sources, opts.jurisdictions.as_deref(), today, &mut diags);
    let failed = failed_states(&sources, &jurisdictions, unread);

    let template_dirs = template_dirs(opts, &mut diags);
    let templates = match super::templates(&mut sources, &template_dirs) {
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
    let Some((templates, requirements)) = templates else { return Err((sources, diags)) };
    // A rule file that failed to load still names a state: the practice may list it.
    let mut codes: Vec<&str> = jurisdictions.keys().map(String::as_str).collect();
    codes.extend(failed.iter().map(String::as_str));
    codes.sort_unstable();
    let ids = templates.document_ids();
    let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
    let practice = match super::practice(&sources, practice_file, &codes, &ids) {
        Ok(p) => Some(p),
        Err(d) => {
            diags.extend(d);
            None
        }
    };
    let logo = match &practice {
        Some(p) => match logo(&sources, practice_file, p, opts.practice.as_deref()) {
            Ok(l) => l,
            Err(d) => {
                diags.push(d);
                None
            }
        },
        None => None,
    };
    let Some(practice) = practice else { return Err((sources, diags)) };
    let mut warnings = warnings;
    warnings.extend(super::practice::unused_translations(&practice));
    let languages: Vec<Lang> = practice.languages.iter().map(|l| *l.get_ref()).collect();
    let reviews =
        match super::reviews::reviews(&mut sources, opts.practice.as_deref(), &codes, &languages) {
            Ok(r) => r,
            Err(d) => {
                diags.extend(d);
                Default::default()
            }
        };
    if crate::diag::has_errors(&diags) {
        return Err((sources, diags));
    }
    let mut templates = templates;
    let misses = Misses::default();
    let folders = (template_dirs.as_slice(), opts.jurisdictions.as_deref());
    let translations = match translate(&mut sources, &languages, folders, &mut templates, &misses) {
        Ok(t) => t,
        Err(d) => return Err((sources, d)),
    };
    Ok(Inputs {
        sources,
        practice,
        practice_file,
        jurisdictions,
        templates,
        options: opts.clone(),
        reviews,
        requirements,
        warnings,
        logo,
        translations,
        misses,
    })
}
