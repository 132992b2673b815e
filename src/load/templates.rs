//! Reads the templates: the bundled ones first, then each override folder in
//! order (`--templates DIR`, then the practice's own `templates/`), where a
//! file of the same name replaces the one before it, file by file. Then
//! checks `requirements.toml` against the documents, topics and services
//! that exist, so a misspelt name cannot switch a check off, and every
//! Markdown template against the rule topics' typed views (see
//! [`crate::lint::template`]).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::diag::{Diagnostic, Sources};
use crate::lint::required::Requirements;
use crate::render::templates::{TemplateFile, Templates};

/// Whether a file in a templates folder is a template this tool reads.
fn is_template(name: &str) -> bool {
    name.ends_with(".md")
        || name.ends_with(".html")
        || name.ends_with(".typ")
        || name == "requirements.toml"
}

/// Whether a file of a templates folder is read: a template, or a catalog
/// of template text (`es.po`, read by [`super::translations`]).
fn is_template_input(name: &str) -> bool {
    is_template(name) || name.ends_with(".po")
}

/// Loads the bundled templates, then each override folder in order.
pub fn templates(
    sources: &mut Sources,
    override_dirs: &[PathBuf],
) -> Result<(Templates, Requirements), Vec<Diagnostic>> {
    let mut files: BTreeMap<String, TemplateFile> = BTreeMap::new();
    for (name, text) in crate::bundle::TEMPLATES {
        let origin = format!("<bundled>/templates/{name}");
        let file = sources.add(origin.clone(), *text);
        files.insert(
            name.to_string(),
            TemplateFile { name: name.to_string(), origin, text: text.to_string(), file },
        );
    }
    let mut diags = Vec::new();
    for dir in override_dirs {
        let listing = files_in(dir, is_template_input);
        diags.extend(listing.refused.into_iter().map(|(_, d)| d));
        for path in listing.files {
            let Some(name) = path.file_name().and_then(|n| n.to_str()) else { continue };
            if !is_template(name) {
                continue;
            }
            match super::read_input(&path) {
                Ok(text) => {
                    let origin = path.display().to_string();
                    let file = sources.add(origin.clone(), text.clone());
                    files.insert(
                        name.to_string(),
                        TemplateFile { name: name.to_string(), origin, text, file },
                    );
                }
                Err(d) => diags.push(d),
            }
        }
    }
    diags.extend(ids_differing_in_case(&files));
    diags.extend(bad_ids(&files));
    if !diags.is_empty() {
        return Err(diags);
    }
    let requirements: Requirements = match files.get("requirements.toml") {
        Some(f) => super::parse_toml(sources, f.file).map_err(|d| vec![d])?,
        None => Requirements::default(),
    };
    let templates = Templates::new(files)?;
    check_requirements(sources, &templates, &requirements)?;
    let markdown: BTreeMap<String, (crate::diag::FileId, String)> = templates
        .files
        .iter()
        .filter(|(name, _)| name.ends_with(".md"))
        .map(|(name, f)| (name.clone(), (f.file, f.text.clone())))
        .collect();
    let mut found = crate::lint::template::check(&markdown);
    for f in templates.files.values().filter(|f| f.name.ends_with(".md")) {
        if let Some(foreign) = crate::render::markdown::foreign_target(&f.text) {
            found.push(foreign.diagnostic(&f.origin, None).at(f.file, foreign.at));
        }
    }
    if !found.is_empty() {
        return Err(found);
    }
    Ok((templates, requirements))
}

/// Refuses a document template whose id (its file name without `.md`) is
/// not a [`crate::model::DocId`]: lower-case letters, digits and `-`,
/// starting with a letter, at most 40 characters, so that its output paths
/// are portable.
fn bad_ids(files: &BTreeMap<String, TemplateFile>) -> Vec<Diagnostic> {
    files
        .values()
        .filter(|f| f.name.ends_with(".md") && !f.name.starts_with('_'))
        .filter_map(|f| {
            let id = f.name.trim_end_matches(".md");
            crate::model::DocId::parse(id).err().map(|_| {
                Diagnostic::error(
                    "bad-document-id",
                    format!("`{}`: `{id}` is not a document id", f.origin),
                )
                .with_hint("name a document template with lower-case letters, digits and `-`, starting with a letter, at most 40 characters (like `intake-form.md`): its id names its output files on every system")
            })
        })
        .collect()
}

/// Refuses two document templates whose ids differ only in case
/// (`Consent.md` beside `consent.md`): their outputs would be one file on a
/// system that ignores case (macOS, Windows), each overwriting the other.
fn ids_differing_in_case(files: &BTreeMap<String, TemplateFile>) -> Vec<Diagnostic> {
    let documents: Vec<&TemplateFile> =
        files.values().filter(|f| f.name.ends_with(".md") && !f.name.starts_with('_')).collect();
    let mut diags = Vec::new();
    for (i, a) in documents.iter().enumerate() {
        for b in documents.iter().skip(i + 1).filter(|b| b.name.eq_ignore_ascii_case(&a.name)) {
            let id = |f: &TemplateFile| f.name.trim_end_matches(".md").to_string();
            diags.push(
                Diagnostic::error(
                    "duplicate-document",
                    format!(
                        "the documents `{}` (`{}`) and `{}` (`{}`) differ only in case",
                        id(a),
                        a.origin,
                        id(b),
                        b.origin
                    ),
                )
                .with_hint("on macOS and Windows their outputs would be one file; rename one (document ids are best lower case, like `consent`)"),
            );
        }
    }
    diags
}

/// Refuses a `requirements.toml` that names a document without a template,
/// a topic the rule files lack, or a service the practice file cannot set:
/// each would silently switch its check off.
fn check_requirements(
    sources: &Sources,
    templates: &Templates,
    requirements: &Requirements,
) -> Result<(), Vec<Diagnostic>> {
    let Some(file) = templates.files.get("requirements.toml") else { return Ok(()) };
    let text = sources.text(file.file);
    let ids = templates.document_ids();
    let topics: Vec<&str> = crate::model::topic_names().collect();
    let services = crate::lint::required::SERVICES;
    let mut diags = Vec::new();
    // Points at the first `key = "value"` (or `[[value]]`) line naming it.
    let locate = |needle: &str| text.find(needle).map(|at| (file.file, at..at + needle.len()));
    let mut unknown = |what: &str, value: &str, needle: String, known: &[&str]| {
        let mut d = Diagnostic::error(
            "unknown-name",
            format!("unknown {what} `{value}` in `requirements.toml`"),
        )
        .with_label(format!("not a known {what}"));
        if let Some((f, span)) = locate(&needle) {
            d = d.at(f, span);
        } else {
            d.message.push_str(&format!(" (in `{}`)", file.origin));
        }
        if let Some(best) = super::closest(value, known) {
            d = d.with_hint(format!("did you mean `{best}`?"));
        }
        diags.push(d.with_hint(format!("known: {}", known.join(", "))));
    };
    let id_refs: Vec<&str> = ids.iter().map(String::as_str).collect();
    for (doc, elements) in requirements {
        if !ids.contains(doc) {
            unknown("document", doc, format!("[[{doc}]]"), &id_refs);
        }
        for e in elements {
            if let Some(t) = &e.rule
                && !topics.contains(&t.as_str())
            {
                unknown("topic", t, format!("\"{t}\""), &topics);
            }
            if let Some(s) = &e.service
                && !services.contains(&s.as_str())
            {
                unknown("service", s, format!("\"{s}\""), services);
            }
            if let Some(t) = &e.rule {
                let (fields, _) = crate::render::views::field_names(t);
                for f in &e.when {
                    if !fields.contains(&f.as_str()) {
                        unknown("field", f, format!("\"{f}\""), &fields);
                    }
                }
            }
            match e.block() {
                Some((file, _)) if !templates.files.contains_key(file) => {
                    let names: Vec<&str> = templates.files.keys().map(String::as_str).collect();
                    unknown("template", file, format!("\"{file}:"), &names);
                }
                None if e.block.is_some() => {
                    let at = e.block.clone().unwrap_or_default();
                    unknown("block", &at, format!("\"{at}\""), &["FILE:TEXT"]);
                }
                _ => {}
            }
        }
    }
    if diags.is_empty() { Ok(()) } else { Err(diags) }
}

/// The files of a folder that this tool reads, sorted by name, and the
/// entries refused: every entry whose name `wanted` accepts, except hidden
/// ones (`.name`, such as an editor's lock file), must be a regular file or
/// a symbolic link to one (inputs are only read). A broken link, a folder,
/// a FIFO or a device under such a name is an error naming it, never
/// skipped, so a template or a rule file cannot silently vanish and let a
/// bundled one stand in for it.
pub fn files_in(dir: &Path, wanted: impl Fn(&str) -> bool) -> Listing {
    let mut listing = Listing::default();
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) => {
            let d =
                Diagnostic::error("io", format!("cannot read the folder `{}`: {e}", dir.display()))
                    .with_hint("check the path given to `--templates` or `--jurisdictions`");
            listing.refused.push((dir.to_path_buf(), d));
            return listing;
        }
    };
    for entry in entries {
        let path = match entry {
            Ok(e) => e.path(),
            Err(e) => {
                let d = Diagnostic::error(
                    "io",
                    format!("cannot read the folder `{}`: {e}", dir.display()),
                );
                listing.refused.push((dir.to_path_buf(), d));
                continue;
            }
        };
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        if name.starts_with('.') || !wanted(&name) {
            continue;
        }
        match not_a_file(&path) {
            None => listing.files.push(path),
            Some(why) => {
                let d = Diagnostic::error("not-a-file", format!("`{}` {why}", path.display()))
                    .with_hint("make it a regular file (or a link to one), or move it out of the folder: a name this tool reads is never skipped");
                listing.refused.push((path, d));
            }
        }
    }
    listing.files.sort();
    listing.refused.sort_by(|a, b| a.0.cmp(&b.0));
    listing
}

/// What [`files_in`] found in a folder.
#[derive(Debug, Default)]
pub struct Listing {
    /// The files to read, sorted.
    pub files: Vec<PathBuf>,
    /// The entries that cannot be read (or the folder itself), each with its error.
    pub refused: Vec<(PathBuf, Diagnostic)>,
}

/// Why an input path is not a readable regular file (following links), if it is not.
fn not_a_file(path: &Path) -> Option<String> {
    match std::fs::metadata(path) {
        Ok(m) if m.is_file() => None,
        Ok(m) if m.is_dir() => Some("is a folder, not a file".into()),
        Ok(_) => Some("is a FIFO, device or socket, not a regular file".into()),
        Err(e) => match std::fs::symlink_metadata(path) {
            Ok(m) if m.file_type().is_symlink() => {
                let to = std::fs::read_link(path).map(|t| t.display().to_string());
                Some(format!(
                    "is a symbolic link to `{}`, which cannot be read ({})",
                    to.unwrap_or_default(),
                    crate::io::io_reason(&e)
                ))
            }
            _ => Some(format!("cannot be read ({})", crate::io::io_reason(&e))),
        },
    }
}

/// Whether a file of a rule folder is read: rule files (`*.toml`) and
/// catalogs of rule text (`*.po`).
pub fn is_rule_input(name: &str) -> bool {
    name.ends_with(".toml") || name.ends_with(".po")
}

/// Whether `stem` (a rule file's name without `.toml`) is a state's code:
/// two capital ASCII letters, as the USPS writes them (`OR`, `DC`).
pub fn is_state_code(stem: &str) -> bool {
    stem.len() == 2 && stem.bytes().all(|b| b.is_ascii_uppercase())
}
