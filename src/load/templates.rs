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
        let paths = match files_in(dir) {
            Ok(paths) => paths,
            Err(d) => {
                diags.push(d);
                continue;
            }
        };
        for path in paths {
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
    let found = crate::lint::template::check(&markdown);
    if !found.is_empty() {
        return Err(found);
    }
    Ok((templates, requirements))
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

/// The regular files of a folder (symbolic links to files count: inputs are
/// only read), sorted by name.
pub fn files_in(dir: &Path) -> Result<Vec<PathBuf>, Diagnostic> {
    let entries = std::fs::read_dir(dir).map_err(|e| {
        Diagnostic::error("io", format!("cannot read the folder `{}`: {e}", dir.display()))
            .with_hint("check the path given to `--templates` or `--jurisdictions`")
    })?;
    let mut paths: Vec<PathBuf> = entries
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| std::fs::metadata(p).is_ok_and(|m| m.is_file()))
        .collect();
    paths.sort();
    Ok(paths)
}

/// The `.toml` files of a folder, sorted by name.
pub fn toml_files(dir: &Path) -> Result<Vec<PathBuf>, Diagnostic> {
    Ok(files_in(dir)?.into_iter().filter(|p| p.extension().is_some_and(|e| e == "toml")).collect())
}
