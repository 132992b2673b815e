//! The rule topics as a template sees them: each topic's rules in effect for
//! the professions a document covers, in the document's language, with the
//! values derived from them (who a rule binds, labels, full stops). See
//! [`topic_view`]; [`super::context`] lists the rest of what a template sees.

use serde_json::Value;

use crate::i18n::Language;
use crate::i18n::extract::RULE_TEXT;
use crate::model::{Profession, TOPICS, topic};
use crate::resolve::Resolved;

/// Joins phrases as a person writes a list: "a", "a and b", "a, b and c".
pub fn join_list(items: &[&str], last: &str) -> String {
    match items {
        [] => String::new(),
        [one] => one.to_string(),
        [rest @ .., end] => format!("{} {last} {end}", rest.join(", ")),
    }
}

/// Professions in plain words, plural, as a list ("psychologists and professional counselors").
pub fn professions_plain(ps: &[Profession]) -> String {
    let words: Vec<&str> = ps.iter().map(|p| p.plural()).collect();
    join_list(&words, "and")
}

/// What a template sees of one topic, for the professions a document
/// covers (`relevant`: the clinician's, on a clinician's form; those of the
/// care team, on a practice-wide form).
///
/// - `rules`: one entry per version in effect for some of them, each with
///   its fields (null where unconfirmed), `known`, `citation`, `label` (a
///   footnote label unique in the document) and `who`: empty when the rule
///   binds every profession the document covers, else those it binds
///   ("psychologists and psychiatrists");
/// - `known`: some rule is known; `unknown_for`: the professions the
///   document covers that no known rule binds (empty when none);
/// - when one known rule binds them all, its fields also at the top level,
///   so a template can write `records.retention`.
pub fn topic_view(
    r: &Resolved,
    relevant: &[Profession],
    lang: &Language<'_>,
    state: &str,
) -> Value {
    let mut rules = Vec::new();
    let mut known_for: Vec<Profession> = Vec::new();
    for (n, v) in r.in_force.iter().enumerate() {
        let profs: Vec<Profession> =
            v.professions.iter().filter(|p| relevant.contains(p)).copied().collect();
        if profs.is_empty() {
            continue;
        }
        let mut m = v.template_value(r.fields);
        translate_rule(r.topic, &mut m, lang, state);
        let short = TOPICS.iter().find(|t| t.name == r.topic).map_or("rule", |t| t.short);
        m.insert("label".into(), format!("{short}{}", n + 1).into());
        let whole = profs.len() == relevant.len();
        m.insert("who".into(), if whole { String::new() } else { lang.professions(&profs) }.into());
        m.insert("professions".into(), profs.iter().map(|p| Value::from(p.key())).collect());
        derived(r.topic, &mut m, &profs, lang);
        if v.known() {
            known_for.extend(&profs);
        }
        rules.push(Value::Object(m));
    }
    let unknown: Vec<Profession> =
        relevant.iter().filter(|p| !known_for.contains(p)).copied().collect();
    let mut top = serde_json::Map::new();
    let single = match rules.as_slice() {
        [one] if one["who"] == "" && one["known"] == true => one.as_object().cloned(),
        _ => None,
    };
    for field in r.fields.iter().copied().chain(["citation", "effective", "label"]) {
        let value = single.as_ref().and_then(|s| s.get(field)).cloned().unwrap_or(Value::Null);
        top.insert(field.to_string(), value);
    }
    if let Some(s) = &single {
        for (k, v) in s {
            top.entry(k.clone()).or_insert_with(|| v.clone());
        }
    }
    top.insert("known".into(), Value::Bool(!known_for.is_empty()));
    top.insert("unknown_for".into(), lang.professions(&unknown).into());
    top.insert("all_unknown".into(), Value::Bool(unknown.len() == relevant.len()));
    if r.topic == topic::licensing_boards {
        // Every known board once, for a list of the practice's boards.
        let mut listed: Vec<Value> = Vec::new();
        for b in rules
            .iter()
            .filter(|r| r["known"] == true)
            .flat_map(|r| r["boards"].as_array().into_iter().flatten())
        {
            if !listed.iter().any(|x| x["name"] == b["name"]) {
                listed.push(b.clone());
            }
        }
        top.insert("listed".into(), Value::Array(listed));
    }
    top.insert("rules".into(), Value::Array(rules));
    Value::Object(top)
}

/// Puts a rule's client-facing text (see [`RULE_TEXT`]) in `lang`.
fn translate_rule(
    topic: &str,
    m: &mut serde_json::Map<String, Value>,
    lang: &Language<'_>,
    state: &str,
) {
    if lang.translator.is_none() {
        return;
    }
    for (t, field, _) in RULE_TEXT.iter().filter(|(t, _, _)| *t == topic) {
        let ctxt = format!("{t}.{field}");
        let (head, sub) = field.split_once('.').map_or((*field, None), |(h, s)| (h, Some(s)));
        let tr = |v: &mut Value| {
            if let Value::String(s) = v
                && !s.trim().is_empty()
            {
                *s = lang.rule_text(&ctxt, s, state);
            }
        };
        match (m.get_mut(head), sub) {
            (Some(v @ Value::String(_)), None) => tr(v),
            (Some(Value::Array(items)), None) => items.iter_mut().for_each(tr),
            (Some(Value::Array(items)), Some(f)) => {
                items.iter_mut().filter_map(|i| i.get_mut(f)).for_each(tr)
            }
            _ => {}
        }
    }
}

/// Fields written as whole sentences: each ends with a full stop, whatever
/// the rule file has.
const SENTENCES: &[&str] =
    &["privilege", "parent_notice", "parent_access", "minor_signs", "statements"];

fn full_stop(v: &mut Value) {
    match v {
        Value::String(s) if !s.trim_end().ends_with(['.', '!', '?']) => {
            *s = format!("{}.", s.trim_end());
        }
        Value::Array(items) => items.iter_mut().for_each(full_stop),
        _ => {}
    }
}

/// Ready phrases a topic's sentences need, computed once here rather than
/// in every template: the groups an elder-abuse rule protects, by duty; the
/// boards of the professions covered; full stops on sentence fields.
fn derived(
    name: &str,
    m: &mut serde_json::Map<String, Value>,
    profs: &[Profession],
    lang: &Language<'_>,
) {
    for field in SENTENCES {
        if let Some(v) = m.get_mut(*field) {
            full_stop(v);
        }
    }
    match name {
        t if t == topic::elder_abuse => {
            let groups: Vec<(String, String)> = m
                .get("groups")
                .and_then(Value::as_array)
                .map(|gs| {
                    gs.iter()
                        .filter_map(|g| {
                            Some((
                                g.get("kind")?.as_str()?.to_string(),
                                g.get("who")?.as_str()?.to_string(),
                            ))
                        })
                        .collect()
                })
                .unwrap_or_default();
            for kind in ["mandatory", "permissive"] {
                let who: Vec<Value> = groups
                    .iter()
                    .filter(|(k, _)| k == kind)
                    .map(|(_, w)| w.as_str().into())
                    .collect();
                m.insert(kind.to_string(), Value::Array(who));
            }
        }
        t if t == topic::licensing_boards => {
            // Only the boards of these professions, one entry per board.
            if let Some(Value::Array(boards)) = m.get_mut("boards") {
                boards.retain(|b| board_professions(b).iter().any(|p| profs.contains(p)));
                for b in boards.iter_mut() {
                    let covered: Vec<Profession> =
                        board_professions(b).into_iter().filter(|p| profs.contains(p)).collect();
                    if let Some(obj) = b.as_object_mut() {
                        obj.insert("professions_plain".into(), lang.professions(&covered).into());
                    }
                }
            }
            let boards = m.get("boards").and_then(Value::as_array).cloned().unwrap_or_default();
            let without: Vec<Profession> = profs
                .iter()
                .filter(|p| !boards.iter().any(|b| board_professions(b).contains(p)))
                .copied()
                .collect();
            m.insert("boards_unknown_for".into(), lang.professions(&without).into());
        }
        _ => {}
    }
}

/// The professions a board entry (as JSON) licenses.
pub fn board_professions(board: &Value) -> Vec<Profession> {
    let keys: Vec<&str> = board
        .get("professions")
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    Profession::ALL.into_iter().filter(|p| keys.contains(&p.key())).collect()
}
