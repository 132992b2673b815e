//! Reads the PO files of the languages a build needs: `<lang>.po` of the
//! bundled templates, then of each override folder (a later file's message
//! replaces an earlier one's), and the bundled rule texts' `<lang>.po`, then
//! the `--jurisdictions` folder's.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::diag::{Diagnostic, FileId, Sources};
use crate::i18n::extract::{self, MergeStats};
use crate::i18n::po::{self, Entry, PoFile};
use crate::i18n::{Catalog, Lang};

/// The catalogs of every language a build writes besides English.
#[derive(Debug, Default)]
pub struct Translations {
    /// Template blocks and page strings, per language.
    pub templates: BTreeMap<Lang, Catalog>,
    /// Rule text and state names, per language.
    pub rules: BTreeMap<Lang, Catalog>,
    /// Where a translator adds a template message (for hints).
    pub templates_po: BTreeMap<Lang, String>,
    /// Where a translator adds a rule text (for hints).
    pub rules_po: BTreeMap<Lang, String>,
}

/// Reads one PO file into `sources`; a syntax error is a diagnostic at its
/// line and column.
pub fn read_po(
    sources: &mut Sources,
    origin: String,
    text: String,
) -> Result<(FileId, PoFile), Diagnostic> {
    let file = sources.add(origin.clone(), text);
    let text = sources.text(file);
    match po::parse(text) {
        Ok(p) => Ok((file, p)),
        Err(e) => {
            let start: usize =
                text.split_inclusive('\n').take(e.line.saturating_sub(1)).map(str::len).sum();
            let line_len = text[start..].find('\n').unwrap_or(text.len() - start);
            let at = start + (e.column.saturating_sub(1)).min(line_len);
            let end = (at + 1).min(start + line_len).max(at);
            Err(Diagnostic::error("po-syntax", format!("`{origin}` is not a valid PO file: {}", e.message))
                .at(file, at..end)
                .with_label("here")
                .with_hint("PO files hold msgctxt, msgid and msgstr entries of quoted strings; `msgfmt --check` finds the same problems"))
        }
    }
}

/// The translations of a templates catalog that would take a page outside
/// itself (a `javascript:` link, a remote image: see
/// [`crate::render::markdown::foreign_target`]), each at its `msgstr` line.
/// Fuzzy and obsolete messages are never used, so never refused.
fn foreign_targets(sources: &Sources, file: FileId, po: &PoFile) -> Vec<Diagnostic> {
    let text = sources.text(file);
    let mut diags = Vec::new();
    for e in po.entries.iter().filter(|e| !e.obsolete && !e.fuzzy()) {
        let Some(found) = crate::render::markdown::foreign_target(&e.text) else { continue };
        let mut d = found.diagnostic(sources.name(file), None);
        // The `msgstr` line of the message (its `msgid` is at `e.line`).
        let start: usize =
            text.split_inclusive('\n').take(e.line.saturating_sub(1)).map(str::len).sum();
        let mut at = start.min(text.len());
        for line in text[at..].split_inclusive('\n') {
            if line.starts_with("msgstr") {
                d = d.at(file, at..at + line.trim_end().len());
                break;
            }
            at += line.len();
        }
        if d.location.is_none() {
            d.message.push_str(&format!(" (the message at line {})", e.line));
        }
        diags.push(d);
    }
    diags
}

/// Loads the catalogs of `langs` (English needs none).
pub fn load(
    sources: &mut Sources,
    langs: &[Lang],
    template_dirs: &[PathBuf],
    jurisdictions_dir: Option<&Path>,
) -> Result<Translations, Vec<Diagnostic>> {
    let mut out = Translations::default();
    let mut diags = Vec::new();
    for &lang in langs.iter().filter(|l| **l != Lang::En) {
        let name = format!("{}.po", lang.code());
        let mut catalog = Catalog::default();
        let mut last = format!("templates/{name}");
        if let Some((_, text)) =
            crate::bundle::TEMPLATE_TRANSLATIONS.iter().find(|(n, _)| *n == name)
        {
            match read_po(sources, format!("<bundled>/templates/{name}"), text.to_string()) {
                Ok((file, po)) => {
                    diags.extend(foreign_targets(sources, file, &po));
                    catalog.add(&last, Some(file), &po)
                }
                Err(d) => diags.push(d),
            }
        }
        for dir in template_dirs {
            let path = dir.join(&name);
            if !path.is_file() {
                continue;
            }
            match super::read_input(&path)
                .and_then(|t| read_po(sources, path.display().to_string(), t))
            {
                Ok((file, po)) => {
                    diags.extend(foreign_targets(sources, file, &po));
                    last = path.display().to_string();
                    catalog.add(&last, Some(file), &po);
                }
                Err(d) => diags.push(d),
            }
        }
        out.templates.insert(lang, catalog);
        out.templates_po.insert(lang, last);

        // The bundled rule texts, then a `--jurisdictions` folder's own (its
        // messages win): a copied or edited rule file keeps the translations
        // of every text it did not change.
        let mut rules = Catalog::default();
        if let Some((_, text)) = crate::bundle::RULE_TRANSLATIONS.iter().find(|(n, _)| *n == name) {
            match read_po(sources, format!("<bundled>/jurisdictions/{name}"), text.to_string()) {
                Ok((file, po)) => rules.add(&format!("jurisdictions/{name}"), Some(file), &po),
                Err(d) => diags.push(d),
            }
        }
        let rules_name = match jurisdictions_dir {
            None => format!("jurisdictions/{name}"),
            Some(dir) => {
                let path = dir.join(&name);
                if path.is_file() {
                    match super::read_input(&path)
                        .and_then(|t| read_po(sources, path.display().to_string(), t))
                    {
                        Ok((file, po)) => rules.add(&path.display().to_string(), Some(file), &po),
                        Err(d) => diags.push(d),
                    }
                }
                path.display().to_string()
            }
        };
        out.rules.insert(lang, rules);
        out.rules_po.insert(lang, rules_name);
    }
    if diags.is_empty() { Ok(out) } else { Err(diags) }
}

/// Why a PO folder could not be updated.
pub enum UpdateFailure {
    /// A PO file there is not valid.
    Diagnostic(crate::diag::Diagnostic),
    /// A file could not be written.
    Io(String),
}

/// Writes `dir/messages.pot` and merges it into each language's PO file
/// there; returns one line per file for the report.
pub fn update_folder(
    sources: &mut Sources,
    dir: &Path,
    pot: &[Entry],
    langs: &[Lang],
    bundled: &[(&str, &str)],
) -> Result<Vec<String>, UpdateFailure> {
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
            let text = crate::load::read_input(&path).map_err(UpdateFailure::Diagnostic)?;
            crate::load::translations::read_po(sources, path.display().to_string(), text)
                .map_err(UpdateFailure::Diagnostic)?
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

fn write(path: &Path, text: &str) -> Result<(), UpdateFailure> {
    crate::io::write_atomic(path, text.as_bytes())
        .map(|_| ())
        .map_err(|e| UpdateFailure::Io(format!("cannot write {}: {e:#}", path.display())))
}
