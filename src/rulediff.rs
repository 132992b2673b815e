//! Rule diff: which rules differ between two folders of jurisdiction files
//! on a date, and which documents of a practice those differences change.
//!
//! A document changes when its rendered text differs between the two rule
//! sets, compared document by document with the same machinery as `check`:
//! only the practice's own states, and a clinician's form against that
//! clinician's form, never against the practice-wide one.

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde_json::Value;

use crate::date::Date;
use crate::diag::{Diagnostic, Sources};
use crate::load::{LoadedJurisdiction, load_inputs};
use crate::options::{Formats, InputOptions, PlanOptions, StateSelection};
use crate::plan::plan;
use crate::resolve::{self, Resolved};

/// One rule that differs.
#[derive(Clone, Debug)]
pub struct Change {
    /// USPS code.
    pub state: String,
    /// Topic name.
    pub topic: &'static str,
    /// The version in effect in the old folder (as `explain --format json`), or null.
    pub old: Value,
    /// The version in effect in the new folder, or null.
    pub new: Value,
    /// The fields that differ (notes aside).
    pub fields: Vec<String>,
    /// Versions scheduled after the date that appeared or were withdrawn.
    pub scheduled: Vec<String>,
}

/// The rules in effect on `as_of` that differ between `old` and `new`.
pub fn changes(
    old: &BTreeMap<String, LoadedJurisdiction>,
    new: &BTreeMap<String, LoadedJurisdiction>,
    as_of: Date,
) -> Vec<Change> {
    let mut states: Vec<&String> = old.keys().chain(new.keys()).collect();
    states.sort();
    states.dedup();
    let mut out = Vec::new();
    for state in states {
        let resolve_all = |j: Option<&LoadedJurisdiction>| {
            j.map(|j| resolve::resolve(&j.rules, as_of)).unwrap_or_default()
        };
        let (o, n) = (resolve_all(old.get(state)), resolve_all(new.get(state)));
        for topic in crate::model::topic_names() {
            fn find<'r>(v: &'r [Resolved], topic: &str) -> Option<&'r Resolved> {
                v.iter().find(|r| r.topic == topic)
            }
            let value = |r: Option<&Resolved>| r.map_or(Value::Null, Resolved::explain_value);
            let upcoming = |r: Option<&Resolved>| r.and_then(|r| r.next_change);
            let (ov, nv) = (value(find(&o, topic)), value(find(&n, topic)));
            let (ou, nu) = (upcoming(find(&o, topic)), upcoming(find(&n, topic)));
            if ov == nv && ou == nu {
                continue;
            }
            // Versions are paired in order (a topic split by profession
            // lists them by profession); the fields that differ in any pair.
            let (ol, nl) = (versions(&ov), versions(&nv));
            let mut fields: Vec<String> = Vec::new();
            for (a, b) in ol.iter().zip(&nl) {
                if let (Some(a), Some(b)) = (a.as_object(), b.as_object()) {
                    for k in a.keys().chain(b.keys()) {
                        if a.get(k) != b.get(k) && !fields.contains(k) {
                            fields.push(k.clone());
                        }
                    }
                }
            }
            fields.sort();
            fields.retain(|f| f != "note");
            let scheduled = match (ou, nu) {
                (a, Some(b)) if a != Some(b) => vec![format!("a new version takes force on {b}")],
                (Some(a), None) => vec![format!("the version due on {a} was withdrawn")],
                _ => Vec::new(),
            };
            out.push(Change { state: state.clone(), topic, old: ov, new: nv, fields, scheduled });
        }
    }
    out
}

/// A topic's versions in effect (`explain --format json`'s value: one
/// object, a list, or null), as a list.
pub fn versions(v: &Value) -> Vec<Value> {
    match v {
        Value::Null => Vec::new(),
        Value::Array(list) => list.clone(),
        one => vec![one.clone()],
    }
}

/// What a practice's documents are compared with.
#[derive(Clone, Debug)]
pub struct DiffInputs {
    /// The old jurisdiction folder.
    pub old: PathBuf,
    /// The new one; `None` for the bundled files.
    pub new: Option<PathBuf>,
    /// The practice; `None` for the bundled example.
    pub practice: Option<PathBuf>,
    /// Templates overriding the bundled ones.
    pub templates: Option<PathBuf>,
}

/// The practice's documents and packets (as output paths without
/// extension, e.g. `CA/en/consent`, `CA/en/clinicians/jkim/consent`,
/// `CA/en/packet`) whose text differs
/// between the two rule folders, in the practice's states that `changes`
/// touch.
pub fn affected_documents(
    inputs: &DiffInputs,
    changes: &[Change],
    as_of: Date,
) -> Result<Vec<String>, (Sources, Vec<Diagnostic>)> {
    let mut changed: Vec<String> = changes.iter().map(|c| c.state.clone()).collect();
    changed.dedup();
    if changed.is_empty() {
        return Ok(Vec::new());
    }
    type Texts = BTreeMap<String, String>;
    let texts = |dir: Option<PathBuf>| -> Result<Texts, (Sources, Vec<Diagnostic>)> {
        let loaded = load_inputs(&InputOptions {
            practice: inputs.practice.clone(),
            jurisdictions: dir,
            templates: inputs.templates.clone(),
        })?;
        let states: Vec<String> = loaded
            .practice
            .states
            .iter()
            .map(|s| s.get_ref().clone())
            .filter(|s| changed.contains(s) && loaded.jurisdictions.contains_key(s))
            .collect();
        let opts = PlanOptions {
            states: StateSelection::List(states),
            // PDF planned (not made) for its packets: a packet's text is its
            // documents' texts, so a packet holding a changed document is
            // listed too, as `check` lists it stale.
            formats: Formats { html: false, pdf: true, pdf_forms: false },
            as_of,
            as_of_given: true,
            budget: crate::budget::Budget::default(),
        };
        let planned = match plan(&loaded, &opts) {
            Ok(p) => p,
            Err(d) => return Err((loaded.sources, d)),
        };
        let mut texts = BTreeMap::new();
        for d in &planned.documents {
            let markdown = planned.text(d, crate::plan::spool::Part::Markdown);
            let markdown = markdown.map_err(|e| (loaded.sources.clone(), vec![e]))?;
            texts.insert(d.base_path(), markdown.into_owned());
        }
        Ok(texts)
    };
    let (before, after) = (texts(Some(inputs.old.clone()))?, texts(inputs.new.clone())?);
    Ok(after
        .iter()
        .filter(|(path, text)| before.get(*path) != Some(text))
        .map(|(path, _)| path.clone())
        .chain(before.keys().filter(|p| !after.contains_key(*p)).cloned())
        .collect())
}
