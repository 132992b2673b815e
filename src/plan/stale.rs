//! Whether each planned output is current: kept as it is when its key and
//! its file match the previous manifest ([`reusable`]), and otherwise stale,
//! missing, edited or extra, with the reasons ([`statuses`], [`reasons`]).

use std::path::Path;

use serde::Serialize;

use super::{Plan, Planned};
use crate::io::sha256_hex;
use crate::load::Inputs;
use crate::manifest::{Manifest, Output, RuleUse, tool_version};
use crate::options::StateSelection;

/// How an output differs from what a build would write now.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum OutputStatus {
    /// Its inputs changed since it was built.
    Stale,
    /// Not built yet.
    Missing,
    /// Changed by hand since it was built.
    Edited,
    /// Built before, and no longer built.
    Extra,
}

/// An output that is not current, and why.
#[derive(Clone, Debug, Serialize)]
pub struct OutputRecord {
    /// Path under the output folder.
    pub path: String,
    /// How it differs.
    pub status: OutputStatus,
    /// Why.
    pub reasons: Vec<String>,
}

/// Whether an existing file can be kept as it is: the manifest recorded the
/// same key, and the file still holds the bytes the manifest recorded.
/// Returns the file's SHA-256 when it can.
pub fn reusable(out: &Path, previous: Option<&Manifest>, p: &Planned) -> Option<String> {
    let r = previous.filter(|m| m.complete)?.output(&p.path)?;
    if r.about.key != p.key {
        return None;
    }
    let bytes = crate::write::read_output(out, &p.path)?;
    (sha256_hex(&bytes) == r.sha256).then(|| r.sha256.clone())
}

/// Why an output is stale: what changed between the recorded build and now.
pub fn reasons(
    inputs: &Inputs,
    previous: &Manifest,
    recorded: &Output,
    plan: &Plan,
    p: &Planned,
) -> Vec<String> {
    let d = &plan.documents[p.doc];
    let mut out = Vec::new();
    let (tool, was) = (tool_version(), previous.tool_label());
    let engine = crate::manifest::engine();
    if !previous.tool.engine.is_empty() && previous.tool.engine != engine {
        out.push(format!(
            "consentgen changed how it writes pages ({} → {engine}, {was} → {tool})",
            previous.tool.engine
        ));
    }
    let recorded_rules = &recorded.about.rules;
    for new in d.rules.iter() {
        match recorded_rules.iter().find(|o| o.state == new.state && o.topic == new.topic) {
            Some(old) if old == new => {}
            Some(old) => {
                // A rule file that did not change cannot be blamed: what a
                // rule says for this practice follows its professions
                // (clinicians) and counsel's reviews too.
                let file = inputs
                    .jurisdictions
                    .get(&new.state)
                    .map(|j| sha256_hex(inputs.sources.text(j.file).as_bytes()));
                let same_file =
                    file.is_some() && previous.jurisdiction_sha256(&new.state) == file.as_deref();
                let same_version = old.effective == new.effective
                    && old.citation == new.citation
                    && old.status == new.status;
                out.push(if same_file && same_version {
                    practice_rule_change(new)
                } else {
                    rule_change(old, new)
                })
            }
            None => out.push(format!("{} `{}` is now used", new.state, new.topic)),
        }
    }
    for old in recorded_rules.iter() {
        if !d.rules.iter().any(|n| n.state == old.state && n.topic == old.topic) {
            out.push(format!("{} `{}` is no longer used", old.state, old.topic));
        }
    }
    for (name, sha) in p.templates.iter() {
        if recorded.about.templates.get(name) != Some(sha) {
            out.push(format!("template `{name}` changed"));
        }
    }
    let text = inputs.sources.text(inputs.practice_file);
    if previous.practice_sha256() != sha256_hex(text.as_bytes()) {
        let name = inputs.sources.name(inputs.practice_file);
        let keys = previous.practice_input().map(|i| &i.keys).filter(|k| !k.is_empty());
        out.push(match keys {
            Some(old) => {
                let now = crate::manifest::practice_keys(text);
                let mut changed: Vec<&str> = now
                    .iter()
                    .filter(|(k, v)| old.get(*k) != Some(*v))
                    .map(|(k, _)| k.as_str())
                    .chain(old.keys().filter(|k| !now.contains_key(*k)).map(String::as_str))
                    .collect();
                changed.sort_unstable();
                changed.dedup();
                match changed.as_slice() {
                    [] => format!("the practice file `{name}` changed (comments or layout only)"),
                    keys => format!(
                        "the practice file `{name}` changed: {}",
                        keys.iter().map(|k| format!("`{k}`")).collect::<Vec<_>>().join(", ")
                    ),
                }
            }
            None => format!("the practice file `{name}` changed"),
        });
    }
    if recorded.about.effective.as_deref() != Some(d.effective.to_string().as_str()) {
        out.push(format!("its effective date is now {}", d.effective));
    }
    if out.is_empty() {
        // No input changed: the program did (how it writes the text).
        out.push(if was != tool {
            format!("consentgen changed the text ({was} → {tool})")
        } else {
            "its inputs changed".into()
        });
    }
    out
}

/// A rule whose file did not change reads differently for this practice.
fn practice_rule_change(new: &RuleUse) -> String {
    format!(
        "what {} `{}` states for this practice changed, though its rule file did not \
         (the practice's professions there, or counsel's reviews)",
        new.state, new.topic
    )
}

fn rule_change(old: &RuleUse, new: &RuleUse) -> String {
    let mut what = format!("{} `{}` changed", new.state, new.topic);
    if old.effective != new.effective {
        what.push_str(&format!(
            ": version effective {} replaces {}",
            new.effective.as_deref().unwrap_or("(undated)"),
            old.effective.as_deref().unwrap_or("(undated)")
        ));
    } else if old.citation != new.citation {
        what.push_str(": new citation");
    } else if old.status != new.status {
        what.push_str(&format!(": now {}", new.status));
    } else {
        what.push_str(": new value");
    }
    if let Some(c) = &new.citation {
        what.push_str(&format!(" ({c})"));
    }
    what
}

/// Every output of `plan` that is not current in `out`, and every file the
/// last build wrote there that a build now would not (only within the
/// states `selection` covers, and never files the manifest does not list).
pub fn statuses(
    inputs: &Inputs,
    plan: &Plan,
    out: &Path,
    previous: Option<&Manifest>,
    selection: &StateSelection,
) -> Vec<OutputRecord> {
    let mut statuses = Vec::new();
    let mut push = |path: &str, status, reasons: Vec<String>| {
        statuses.push(OutputRecord { path: path.to_string(), status, reasons });
    };
    for p in &plan.outputs {
        let on_disk = crate::write::read_output(out, &p.path);
        let recorded = previous.and_then(|m| m.output(&p.path));
        match (&on_disk, recorded, previous) {
            (None, _, _) => push(&p.path, OutputStatus::Missing, vec!["not built yet".into()]),
            (Some(_), None, _) => {
                push(&p.path, OutputStatus::Stale, vec!["the manifest does not list it".into()])
            }
            (Some(_), Some(_), Some(m)) if !m.complete => {
                push(&p.path, OutputStatus::Stale, vec!["the last build was interrupted".into()])
            }
            (Some(bytes), Some(r), _) if sha256_hex(bytes) != r.sha256 => push(
                &p.path,
                OutputStatus::Edited,
                vec!["it differs from what the last build wrote".into()],
            ),
            (Some(_), Some(r), Some(m)) if r.about.key != p.key => {
                push(&p.path, OutputStatus::Stale, reasons(inputs, m, r, plan, p))
            }
            _ => {}
        }
    }
    if let Some(m) = previous {
        let in_scope = |path: &str| match selection {
            StateSelection::Practice | StateSelection::All => true,
            StateSelection::List(l) => l.iter().any(|s| path.starts_with(&format!("{s}/"))),
        };
        for o in &m.outputs {
            let path = o.path.as_str();
            let index =
                path.starts_with("index.") && path.ends_with(".html") && !path.contains('/');
            if index || !in_scope(path) || plan.outputs.iter().any(|p| p.path == path) {
                continue;
            }
            if crate::write::read_output(out, path).is_some() {
                push(path, OutputStatus::Extra, vec!["a build would no longer write it".into()]);
            }
        }
    }
    statuses
}
