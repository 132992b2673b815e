//! Languages: documents in English and in Spanish, kept in step.
//!
//! English is the source. Every other language's text comes from gettext PO
//! files ([`po`]): `templates/es.po` holds the templates' blocks ([`blocks`])
//! and the page strings ([`ui`]); `jurisdictions/es.po` holds the rule text
//! a client reads (conditions, agencies, deadlines, state names), keyed by
//! topic and field; the practice's own prose comes from its
//! `[translations.es]` table. [`extract`] writes the POT files and merges
//! them into each PO file (`consentgen i18n extract`).
//!
//! A text with no current translation (missing, fuzzy, or with tags that
//! differ from the English) is never printed in English in a translated
//! document: the English is kept behind a *mark*, a private-use character
//! pair naming the miss ([`Misses`]), and a document whose text holds a mark
//! is not built; `build` and `check` name each miss, with its file and line.

pub use crate::blocks;
pub mod extract;
pub mod po;
pub mod spanish;
pub mod ui;

use std::collections::{BTreeMap, HashMap};
use std::sync::Mutex;

use crate::diag::{Diagnostic, FileId};
pub use crate::model::Lang;

/// What a translation has for one message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Found<'a> {
    /// A current translation.
    Text(&'a str),
    /// A translation marked fuzzy: made for other English.
    Fuzzy,
    /// No translation.
    Missing,
}

/// One message of a catalog, with where it was read.
#[derive(Clone, Debug)]
struct CatalogEntry {
    text: String,
    fuzzy: bool,
    file: Option<FileId>,
    line: usize,
}

/// The messages of one language, from one or more PO files (a later file's
/// message replaces an earlier one's).
#[derive(Clone, Debug, Default)]
pub struct Catalog {
    entries: HashMap<(Option<String>, String), CatalogEntry>,
    /// The files read, by name, for messages.
    pub files: Vec<String>,
}

impl Catalog {
    /// Adds a PO file's live messages.
    pub fn add(&mut self, name: &str, file: Option<FileId>, po: &po::PoFile) {
        self.files.push(name.to_string());
        for e in po.entries.iter().filter(|e| !e.obsolete) {
            let entry = CatalogEntry { text: e.text.clone(), fuzzy: e.fuzzy(), file, line: e.line };
            self.entries.insert(e.key(), entry);
        }
    }

    /// What it has for `id` in `ctxt`.
    pub fn find(&self, ctxt: Option<&str>, id: &str) -> Found<'_> {
        match self.entries.get(&(ctxt.map(str::to_string), id.to_string())) {
            None => Found::Missing,
            Some(e) if e.text.is_empty() => Found::Missing,
            Some(e) if e.fuzzy => Found::Fuzzy,
            Some(e) => Found::Text(&e.text),
        }
    }

    /// Where the message is (file and line), when a file has it.
    pub fn location(&self, ctxt: Option<&str>, id: &str) -> Option<(FileId, usize)> {
        let e = self.entries.get(&(ctxt.map(str::to_string), id.to_string()))?;
        Some((e.file?, e.line))
    }

    /// Whether it has no messages.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

/// Why a text has no usable translation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Reason {
    /// No message, or an empty one.
    Missing,
    /// A fuzzy message: its English changed.
    Fuzzy,
    /// The translation's Tera tags differ from the English's.
    Tags(String),
    /// The translation's form field ids (or their flags) differ from the
    /// English's: ids are never translated (see [`crate::forms`]).
    FieldIds(String),
}

impl Reason {
    fn says(&self) -> String {
        match self {
            Reason::Missing => "has no translation".into(),
            Reason::Fuzzy => "is marked fuzzy: its English changed since it was translated".into(),
            Reason::Tags(why) => format!("has a translation whose Tera tags differ: {why}"),
            Reason::FieldIds(why) => format!(
                "has a translation whose form field ids differ: {why} (keep every `ID [flags]:` \
                 as in the English and translate only the labels)"
            ),
        }
    }
}

/// A text a translated document would need but has no translation for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Miss {
    /// The language.
    pub lang: Lang,
    /// What it is, for people: `the block at consent.md:12`.
    pub what: String,
    /// The English text.
    pub english: String,
    /// Why.
    pub reason: Reason,
    /// Where to point: a file and a byte range.
    pub location: Option<(FileId, std::ops::Range<usize>)>,
    /// How to fix it.
    pub hint: String,
}

impl Miss {
    /// The diagnostic `build` and `check` print.
    pub fn diagnostic(&self, documents: &[String]) -> Diagnostic {
        let short: String = self.english.split_whitespace().collect::<Vec<_>>().join(" ");
        let short = if short.chars().count() > 70 {
            format!("{}…", short.chars().take(69).collect::<String>())
        } else {
            short
        };
        let mut d = Diagnostic::error(
            "untranslated",
            format!("{} ({}) {}: \"{short}\"", self.what, self.lang.code(), self.reason.says()),
        )
        .with_hint(self.hint.clone());
        if !documents.is_empty() {
            d = d.with_hint(format!("not built until it is: {}", documents.join(", ")));
        }
        if let Some((file, span)) = &self.location {
            d = d.at(*file, span.clone()).with_label("this text");
        }
        d
    }
}

/// Opens a mark; the miss's number and [`MARK_END`] follow.
pub const MARK_START: char = '\u{E000}';
/// Closes a mark.
pub const MARK_END: char = '\u{E001}';

/// The misses of a build, numbered as their marks name them.
#[derive(Debug, Default)]
pub struct Misses {
    list: Mutex<Vec<Miss>>,
}

impl Misses {
    /// The mark of `miss` (the same miss twice gets the same mark).
    pub fn mark(&self, miss: Miss) -> String {
        let mut list = self.list.lock().unwrap_or_else(|e| e.into_inner());
        let n = match list.iter().position(|m| *m == miss) {
            Some(n) => n,
            None => {
                list.push(miss);
                list.len() - 1
            }
        };
        format!("{MARK_START}{n}{MARK_END}")
    }

    /// The text behind a mark: the English, marked.
    pub fn marked(&self, miss: Miss) -> String {
        let english = miss.english.clone();
        format!("{}{english}", self.mark(miss))
    }

    /// The miss a number names.
    pub fn get(&self, n: usize) -> Option<Miss> {
        self.list.lock().unwrap_or_else(|e| e.into_inner()).get(n).cloned()
    }
}

/// The numbers of the marks in `text`, in order, each once.
pub fn marks_in(text: &str) -> Vec<usize> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(i) = rest.find(MARK_START) {
        rest = &rest[i + MARK_START.len_utf8()..];
        let end = rest.find(MARK_END).unwrap_or(rest.len());
        if let Ok(n) = rest[..end].parse::<usize>()
            && !out.contains(&n)
        {
            out.push(n);
        }
        rest = &rest[end..];
    }
    out
}

/// Everything a build needs to write one language: its catalogs and the
/// build's misses.
#[derive(Debug)]
pub struct Translator<'a> {
    /// The language.
    pub lang: Lang,
    /// Template blocks and page strings (`templates/es.po`).
    pub templates: &'a Catalog,
    /// Rule text and state names (`jurisdictions/es.po`).
    pub rules: &'a Catalog,
    /// Where misses are recorded.
    pub misses: &'a Misses,
    /// The PO file rule text belongs in, for hints.
    pub rules_po: &'a str,
    /// Each state's rule file and its text, to point at a rule text.
    pub rule_files: BTreeMap<&'a str, (FileId, &'a str)>,
}

impl Translator<'_> {
    /// A rule text in this language (`ctxt`: `topic.field`), or the English
    /// behind a mark.
    pub fn rule_text(&self, ctxt: &str, english: &str, state: &str) -> String {
        let reason = match self.rules.find(Some(ctxt), english) {
            Found::Text(t) => return t.to_string(),
            Found::Fuzzy => Reason::Fuzzy,
            Found::Missing => Reason::Missing,
        };
        self.misses.marked(Miss {
            lang: self.lang,
            what: format!("the rule text `{ctxt}` of {state}"),
            english: english.to_string(),
            reason,
            location: self.rule_files.get(state).and_then(|&(file, text)| {
                // The value as a TOML basic string, where the file writes it.
                let quoted = english.replace('\\', "\\\\").replace('"', "\\\"");
                let at = text.find(&format!("\"{quoted}\""))? + 1;
                Some((file, at..at + quoted.len()))
            }),
            hint: format!(
                "translate it in {} (msgctxt \"{ctxt}\"); `consentgen i18n extract` adds it there",
                self.rules_po
            ),
        })
    }
}

/// One language of a build, as the context builders use it: its page
/// strings, and (for a translation) its catalogs and the practice's words.
pub struct Language<'a> {
    /// The language.
    pub lang: Lang,
    /// Its page strings.
    pub ui: ui::Ui,
    /// Its catalogs, for a language other than English.
    pub translator: Option<Translator<'a>>,
    /// The practice's words in it (`[translations.<lang>]`).
    pub practice: Option<&'a crate::model::PracticeText>,
}

impl<'a> Language<'a> {
    /// English: the source, which needs no catalog.
    pub fn english() -> Language<'static> {
        Language { lang: Lang::En, ui: ui::Ui::english(), translator: None, practice: None }
    }

    /// A date written out ("January 1, 2026"; "1 de enero de 2026").
    pub fn date(&self, d: crate::date::Date) -> String {
        match self.lang {
            Lang::En => d.long(),
            Lang::Es => spanish::long_date(d),
        }
    }

    /// A profession in plain words, singular, without article.
    pub fn profession(&self, p: crate::model::Profession) -> &'static str {
        match self.lang {
            Lang::En => p.plain(),
            Lang::Es => spanish::profession(p),
        }
    }

    /// Professions in plain words, plural, as a list.
    pub fn professions(&self, ps: &[crate::model::Profession]) -> String {
        match self.lang {
            Lang::En => crate::model::professions_plain(ps),
            Lang::Es => {
                let words: Vec<&str> = ps.iter().map(|p| spanish::professions(*p)).collect();
                spanish::join_list(&words)
            }
        }
    }

    /// A rule text of `state` (`ctxt`: `topic.field`) in this language.
    pub fn rule_text(&self, ctxt: &str, english: &str, state: &str) -> String {
        match &self.translator {
            None => english.to_string(),
            Some(t) => t.rule_text(ctxt, english, state),
        }
    }

    /// A state's name in this language.
    pub fn state_name(&self, english: &str, state: &str) -> String {
        self.rule_text(extract::STATE_NAME, english, state)
    }

    /// The practice's words for `key` (`fees.session`) in this language
    /// (issue 26): `given` when the practice translated them from this very
    /// English and kept every number of it, else the English behind a mark
    /// (the document is held back as untranslated). `required` false keeps
    /// a name in English and accepts a bare translation of it.
    pub fn practice_text(
        &self,
        key: &str,
        english: &str,
        given: Option<&crate::model::Translation>,
        required: bool,
    ) -> String {
        let Some(t) = &self.translator else { return english.to_string() };
        let code = self.lang.code();
        let (table, field) =
            key.rsplit_once('.').map_or((String::new(), key), |(a, b)| (format!(".{a}"), b));
        let quoted = serde_json::to_string(english).unwrap_or_default();
        let write = format!(
            "`[translations.{code}{table}]` `{field} = {{ from = {quoted}, text = \"...\" }}`"
        );
        let miss = |reason: Reason, why: &str, hint: String| {
            t.misses.marked(Miss {
                lang: self.lang,
                what: format!("the practice's `{key}`{why}"),
                english: english.to_string(),
                reason,
                location: None,
                hint,
            })
        };
        let Some(g) = given.filter(|g| !g.text().trim().is_empty()) else {
            if !required || english.trim().is_empty() {
                return english.to_string();
            }
            return miss(
                Reason::Missing,
                "",
                format!("add its {} words to the practice file: {write}", self.lang.name()),
            );
        };
        match g.from() {
            Some(from) if from.trim() != english.trim() => miss(
                Reason::Fuzzy,
                " changed since it was translated",
                format!("translate the new English and record it: {write}"),
            ),
            None if required => miss(
                Reason::Fuzzy,
                " has a translation that does not say which English it translates",
                format!(
                    "record the English beside the translation, so a change to it is noticed: {write}"
                ),
            ),
            _ => match numbers(english).into_iter().find(|n| !g.text().contains(n.as_str())) {
                Some(n) => miss(
                    Reason::Fuzzy,
                    &format!(" says `{n}`, which its translation does not"),
                    format!(
                        "every number and amount of the English must be in the translation: {write}"
                    ),
                ),
                None => g.text().to_string(),
            },
        }
    }
}

/// The numbers and amounts of a text (`$160`, `24`, `50`, `1,200`), as
/// written, each of which a translation must keep.
pub fn numbers(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        if chars[i].is_ascii_digit() {
            let start = if i > 0 && chars[i - 1] == '$' { i - 1 } else { i };
            let mut j = i;
            while j < chars.len()
                && (chars[j].is_ascii_digit()
                    || ((chars[j] == ',' || chars[j] == '.')
                        && chars.get(j + 1).is_some_and(char::is_ascii_digit)))
            {
                j += 1;
            }
            let n: String = chars[start..j].iter().collect();
            if !out.contains(&n) {
                out.push(n);
            }
            i = j;
        } else {
            i += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_and_amounts_are_found_as_written() {
        assert_eq!(numbers("$160 for a 50-minute session"), vec!["$160", "50"]);
        assert_eq!(numbers("fees from $80 to $1,200."), vec!["$80", "$1,200"]);
        assert!(numbers("one business day").is_empty());
    }

    #[test]
    fn marks_name_their_misses() {
        let misses = Misses::default();
        let miss = |e: &str| Miss {
            lang: Lang::Es,
            what: "x".into(),
            english: e.into(),
            reason: Reason::Missing,
            location: None,
            hint: String::new(),
        };
        let a = misses.marked(miss("Hello"));
        let b = misses.marked(miss("World"));
        assert_eq!(misses.marked(miss("Hello")), a);
        let text = format!("Hola {b} y {a} y {b}");
        assert_eq!(marks_in(&text), [1, 0]);
        assert_eq!(misses.get(1).unwrap().english, "World");
    }
}
