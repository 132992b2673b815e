//! `consentgen i18n extract`: the messages of the templates, the page
//! strings and the rule text, as POT files, merged into each PO file the
//! way `msgmerge` does: a message whose English is unchanged keeps its
//! translation; one whose English changed keeps the old translation marked
//! fuzzy, with the old English beside it (`#| msgid`), for the translator
//! to check; a message no longer used becomes obsolete (`#~`).

use std::collections::BTreeMap;

use serde_json::Value;

use super::po::{Entry, PoFile};
use super::ui;
use crate::blocks;
use crate::model::{Jurisdiction, RuleVersion, Topic, TopicInfo, TopicVisitor};

/// The rule fields a client reads, translated in `jurisdictions/<lang>.po`
/// with `msgctxt "<topic>.<field>"`, and what the translator needs to know
/// of the sentence around each. (Lists translate item by item; a board's
/// name is a proper name and is not translated.)
pub const RULE_TEXT: &[(&str, &str, &str)] = &[
    (
        "child_abuse",
        "report_to",
        "Follows \"We report it to\" (\"Lo reportamos ante\"): an agency, with its article.",
    ),
    (
        "child_abuse",
        "deadline",
        "Follows \"The report must be made\" (\"El reporte debe hacerse\").",
    ),
    (
        "elder_abuse",
        "report_to",
        "Follows \"We report it to\" (\"Lo reportamos ante\"): an agency, with its article.",
    ),
    (
        "elder_abuse",
        "deadline",
        "Follows \"The report must be made\" (\"El reporte debe hacerse\").",
    ),
    (
        "elder_abuse",
        "groups.who",
        "A list item: a group of adults the law protects (\"una persona de 65 años o más\").",
    ),
    (
        "duty_to_warn",
        "trigger",
        "Follows \"when a client\" (\"cuando un cliente\"): a verb phrase in the present tense.",
    ),
    (
        "duty_to_warn",
        "discharge",
        "A list item after \"we may need to\" (\"es posible que debamos\"): an infinitive phrase.",
    ),
    (
        "minors",
        "conditions",
        "A list item after \"This applies only if\" (\"Esto aplica solo si\"): a clause.",
    ),
    ("minors", "parent_notice", "A whole sentence or more."),
    ("minors", "parent_access", "A whole sentence or more."),
    ("court_orders", "privilege", "A whole sentence or more."),
    (
        "court_orders",
        "exceptions",
        "A list item after \"this protection does not hold when\" (\"esta protección no se aplica cuando\"): a clause.",
    ),
    (
        "records",
        "retention",
        "Follows \"We keep your records for\" (\"Guardamos sus expedientes durante\").",
    ),
    (
        "telehealth",
        "requirement",
        "Follows \"state law also requires that we\" (\"la ley del estado también exige que\"): a verb phrase in the subjunctive (\"obtengamos ...\").",
    ),
    ("record_access", "deadline", "Follows \"we must answer\" (\"debemos responder\")."),
    (
        "record_access",
        "fees",
        "A phrase on what a copy may cost, after \"A copy may cost\" (\"Una copia puede costar\").",
    ),
    ("record_access", "limits", "A list item: when access may be refused (a clause)."),
    ("authorization", "statements", "A whole sentence the release form must print."),
    ("authorization", "minor_signs", "A whole sentence."),
    ("privacy_limits", "limits", "A list item: a protection state law adds (a clause)."),
    (
        "professional_disclosure",
        "when",
        "Follows \"We give you this statement\" (\"Le damos esta declaración\").",
    ),
    (
        "professional_disclosure",
        "contents",
        "A list item: something the statement must say (a noun phrase).",
    ),
];

/// The context of a state's name.
pub const STATE_NAME: &str = "jurisdiction.name";

/// The context of a citation that holds English words (a note such as "as
/// amended by", "formerly", "social workers"): translated in
/// `jurisdictions/<lang>.po`, keeping every legal reference as it is.
pub const CITATION: &str = "citation";

/// Legal abbreviations a citation may hold in any language.
const LEGAL_WORDS: &[&str] = &[
    "seq", "art", "arts", "chs", "tit", "subd", "subds", "par", "pars", "sec", "secs", "stat",
    "stats", "ann", "rev", "gen", "supp", "reg", "regs", "admin", "div", "app", "evid", "civ",
    "proc", "crim", "fam", "prob", "ins", "subp", "subch",
];

/// Whether a citation holds English words a reader of another language
/// needs translated (a lowercase word of three letters or more that is not a
/// legal abbreviation).
pub fn citation_has_words(citation: &str) -> bool {
    citation.split(|c: char| !c.is_ascii_alphabetic()).any(|w| {
        w.len() >= 3 && w.bytes().all(|b| b.is_ascii_lowercase()) && !LEGAL_WORDS.contains(&w)
    })
}

/// The header every POT and new PO file starts with.
fn header(lang: Option<&str>) -> String {
    let mut h = String::from(
        "Project-Id-Version: consentgen\nMIME-Version: 1.0\nContent-Type: text/plain; charset=UTF-8\nContent-Transfer-Encoding: 8bit\n",
    );
    if let Some(l) = lang {
        h.push_str(&format!("Language: {l}\n"));
    }
    h
}

/// Adds `entry`, or its references to the message already there.
fn add(out: &mut Vec<Entry>, index: &mut BTreeMap<(Option<String>, String), usize>, entry: Entry) {
    match index.get(&entry.key()) {
        Some(&i) => {
            for r in entry.references {
                if !out[i].references.contains(&r) {
                    out[i].references.push(r);
                }
            }
        }
        None => {
            index.insert(entry.key(), out.len());
            out.push(entry);
        }
    }
}

/// The messages of the templates (`name`, text; Markdown templates only)
/// and the page strings.
pub fn template_messages<'a>(
    templates: impl IntoIterator<Item = (&'a str, &'a str)>,
) -> Vec<Entry> {
    let mut out = Vec::new();
    let mut index = BTreeMap::new();
    for (name, text) in templates {
        if !name.ends_with(".md") {
            continue;
        }
        for b in blocks::blocks(text) {
            let Some(id) = b.message else { continue };
            let mut e = Entry::new(None, &id);
            e.references.push(format!("{name}:{}", b.line));
            add(&mut out, &mut index, e);
        }
    }
    for (key, english) in ui::STRINGS {
        let mut e = Entry::new(Some("ui"), english);
        e.extracted.push(format!("page string `{key}`"));
        add(&mut out, &mut index, e);
    }
    out
}

/// The rule text a client may read: every text field of [`RULE_TEXT`] of
/// every confirmed version (its unconfirmed fields left out), and each
/// state's name. `files`: (file name, its rules, its text).
pub fn rule_messages(files: &[(&str, &Jurisdiction, &str)]) -> Vec<Entry> {
    struct Collect<'a> {
        file: &'a str,
        text: &'a str,
        out: Vec<(String, String, String)>, // (ctxt, english, reference)
    }
    impl TopicVisitor for Collect<'_> {
        fn topic<V: RuleVersion>(&mut self, info: &'static TopicInfo, t: &Topic<V>) {
            for v in &t.versions {
                if v.status() != crate::model::Status::Confirmed {
                    continue;
                }
                let line = self.text[..v.citation().span().start.min(self.text.len())]
                    .matches('\n')
                    .count()
                    + 1;
                let reference = format!("{}:{line}", self.file);
                if citation_has_words(v.citation().get_ref()) {
                    self.out.push((
                        CITATION.into(),
                        v.citation().get_ref().clone(),
                        reference.clone(),
                    ));
                }
                let Ok(Value::Object(m)) = serde_json::to_value(v) else { continue };
                let unconfirmed: Vec<&str> =
                    v.unconfirmed().iter().map(|s| s.get_ref().as_str()).collect();
                for (topic, field, _) in RULE_TEXT.iter().filter(|(t, _, _)| *t == info.name) {
                    let (head, sub) =
                        field.split_once('.').map_or((*field, None), |(h, s)| (h, Some(s)));
                    if unconfirmed.contains(&head) {
                        continue;
                    }
                    let ctxt = format!("{topic}.{field}");
                    for s in texts(m.get(head), sub) {
                        self.out.push((ctxt.clone(), s, reference.clone()));
                    }
                }
            }
        }
    }
    let mut out = Vec::new();
    let mut index = BTreeMap::new();
    let mut names = Vec::new();
    let mut all = Vec::new();
    for (file, j, text) in files {
        let mut c = Collect { file, text, out: Vec::new() };
        j.each_topic(&mut c);
        all.extend(c.out);
        names.push((j.name.clone(), file.to_string()));
    }
    for (name, file) in names {
        let mut e = Entry::new(Some(STATE_NAME), &name);
        e.references.push(file);
        add(&mut out, &mut index, e);
    }
    for (ctxt, english, reference) in all {
        let mut e = Entry::new(Some(&ctxt), &english);
        if let Some((_, _, note)) = RULE_TEXT.iter().find(|(t, f, _)| format!("{t}.{f}") == ctxt) {
            e.extracted.push(note.to_string());
        } else if ctxt == CITATION {
            e.extracted.push(
                "A citation: translate its English words; keep every code, section and bill reference as it is.".into(),
            );
        }
        e.references.push(reference);
        add(&mut out, &mut index, e);
    }
    out
}

/// The strings of a value: a string, each string of a list, or (with
/// `sub`) that field of each object of a list.
pub fn texts(value: Option<&Value>, sub: Option<&str>) -> Vec<String> {
    match (value, sub) {
        (Some(Value::String(s)), None) if !s.trim().is_empty() => vec![s.clone()],
        (Some(Value::Array(items)), None) => items
            .iter()
            .filter_map(Value::as_str)
            .filter(|s| !s.trim().is_empty())
            .map(str::to_string)
            .collect(),
        (Some(Value::Array(items)), Some(f)) => items
            .iter()
            .filter_map(|i| i.get(f)?.as_str())
            .filter(|s| !s.trim().is_empty())
            .map(str::to_string)
            .collect(),
        _ => Vec::new(),
    }
}

/// A POT file of `entries`.
pub fn pot(entries: &[Entry]) -> PoFile {
    PoFile {
        header: header(None),
        header_comments: vec![
            "Messages of consentgen, written by `consentgen i18n extract`; do not edit.".into(),
        ],
        entries: entries.to_vec(),
    }
}

/// What a merge did, for the command's report.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct MergeStats {
    /// Messages with a current translation.
    pub translated: usize,
    /// Messages whose translation was made for other English.
    pub fuzzy: usize,
    /// Messages without a translation.
    pub untranslated: usize,
    /// Messages no longer used.
    pub obsolete: usize,
}

/// How alike two English texts are (0 to 1), for fuzzy matching.
fn similarity(a: &str, b: &str) -> f64 {
    strsim::normalized_levenshtein(a, b)
}

/// Merges the messages of `pot` into `old` (a PO file of `lang`), taking a
/// translation `old` lacks from `others` (e.g. the bundled PO file under a
/// practice's own). See the module documentation.
pub fn merge(pot: &[Entry], old: &PoFile, others: &[&PoFile], lang: &str) -> (PoFile, MergeStats) {
    let mut stats = MergeStats::default();
    let by_key: BTreeMap<(Option<String>, String), &Entry> =
        old.entries.iter().map(|e| (e.key(), e)).collect();
    let mut used: Vec<(Option<String>, String)> = Vec::new();
    let mut entries = Vec::new();
    for p in pot {
        let mut e = p.clone();
        e.line = 0;
        if let Some(o) = by_key.get(&p.key()).filter(|o| !o.text.is_empty()) {
            e.text = o.text.clone();
            e.comments = o.comments.clone();
            e.flags = o.flags.clone();
            e.previous = o.previous.clone().filter(|_| o.fuzzy() && !o.obsolete);
            if o.obsolete {
                e.flags.retain(|f| f != "fuzzy");
            }
            used.push(p.key());
        } else if let Some(t) = others
            .iter()
            .flat_map(|f| &f.entries)
            .find(|o| o.key() == p.key() && !o.text.is_empty() && !o.fuzzy() && !o.obsolete)
        {
            e.text = t.text.clone();
        } else {
            // The closest old message of the same context, if close enough:
            // of this file, or of the files below it (a practice's changed
            // copy of a bundled block finds the bundled translation).
            let best = old
                .entries
                .iter()
                .chain(others.iter().flat_map(|f| &f.entries))
                .filter(|o| {
                    o.ctxt == p.ctxt
                        && !o.text.is_empty()
                        && !pot.iter().any(|q| q.key() == o.key())
                })
                .map(|o| (similarity(&o.id, &p.id), o))
                .filter(|(s, _)| *s >= 0.6)
                .max_by(|a, b| a.0.partial_cmp(&b.0).unwrap_or(std::cmp::Ordering::Equal));
            if let Some((_, o)) = best {
                e.text = o.text.clone();
                e.comments = o.comments.clone();
                e.set_fuzzy(true);
                e.previous = Some(o.previous.clone().unwrap_or_else(|| o.id.clone()));
                used.push(o.key());
            }
        }
        if e.text.is_empty() {
            stats.untranslated += 1;
        } else if e.fuzzy() {
            stats.fuzzy += 1;
        } else {
            stats.translated += 1;
        }
        entries.push(e);
    }
    // Messages no longer in the templates: kept, obsolete, for the record.
    for o in &old.entries {
        let live = pot.iter().any(|p| p.key() == o.key());
        if live || o.text.is_empty() || (used.contains(&o.key()) && !o.obsolete) {
            continue;
        }
        let mut e = o.clone();
        e.obsolete = true;
        e.references.clear();
        e.line = 0;
        stats.obsolete += 1;
        entries.push(e);
    }
    let mut header = if old.header.is_empty() { header(Some(lang)) } else { old.header.clone() };
    if !header.contains("Language:") {
        header.push_str(&format!("Language: {lang}\n"));
    }
    let file = PoFile { header, header_comments: old.header_comments.clone(), entries };
    (file, stats)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn changed_english_is_fuzzy_with_the_old_beside_it_and_removed_english_obsolete() {
        let old_pot = template_messages([("a.md", "Hello there, friend.\n\nGoodbye now.\n")]);
        let mut po = PoFile::default();
        for e in &old_pot {
            let mut e = e.clone();
            e.text = format!("ES {}", e.id);
            po.entries.push(e);
        }
        let new_pot = template_messages([("a.md", "Hello there, my friend.\n\nSomething new.\n")]);
        let (merged, stats) = merge(&new_pot, &po, &[], "es");
        let hello = merged.entries.iter().find(|e| e.id == "Hello there, my friend.").unwrap();
        assert!(hello.fuzzy());
        assert_eq!(hello.previous.as_deref(), Some("Hello there, friend."));
        assert_eq!(hello.text, "ES Hello there, friend.");
        let new = merged.entries.iter().find(|e| e.id == "Something new.").unwrap();
        assert!(new.text.is_empty());
        let gone = merged.entries.iter().find(|e| e.id == "Goodbye now.").unwrap();
        assert!(gone.obsolete);
        assert_eq!((stats.fuzzy, stats.untranslated, stats.obsolete), (1, 1, 1));
        assert!(stats.translated > 0, "the page strings of the old PO are kept");
        // A second merge changes nothing.
        let (again, _) = merge(&new_pot, &merged, &[], "es");
        assert_eq!(again.write(), merged.write());
    }
}
