//! Explain: a state's rules in effect on a date, for people (plain words,
//! with whom each binds, citations, sources and dates) and for scripts (one
//! JSON object keyed by topic, the rule files' own fields); and the coverage of
//! every state's rules: which cells are confirmed, and from what kind of
//! source.

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::{Map, Value};

use crate::date::Date;
use crate::load::LoadedJurisdiction;
use crate::load::hosts::{self, HostKind};
use crate::model::professions_plain;
use crate::model::{Evidence, Profession, TOPICS};
use crate::render::views::board_professions;
use crate::resolve::{InForce, Resolved};

/// A topic's title, from the one topic table.
fn topic_title(topic: &str) -> &'static str {
    TOPICS.iter().find(|t| t.name == topic).map_or("Other", |t| t.title)
}

/// Field labels for the text form.
fn field_label(field: &str) -> &'static str {
    if field.ends_with("_complete") {
        return "The list above is the law's whole list";
    }
    match field {
        "universal" => "Every person must report",
        "reporters" => "Who must report",
        "report_to" => "Report to",
        "deadline" => "How fast",
        "kind" => "Kind",
        "groups" => "Protected groups",
        "trigger" => "Applies when a client",
        "discharge" => "How the duty is met",
        "self_consent" => "A minor may consent alone",
        "consent_age" => "From age",
        "conditions" => "Conditions",
        "conditions_any" => "Any one condition is enough",
        "parent_notice" => "What parents are told",
        "parent_access" => "Parents' access",
        "privilege" => "Privilege",
        "exceptions" => "The privilege does not hold when",
        "years" => "Years (adult records)",
        "retention" => "Kept for",
        "consent_required" => "Telehealth-specific consent required",
        "requirement" => "Requirement",
        "deadline_days" => "Days to give access",
        "fees" => "Fees",
        "limits" => "Limits",
        "min_type_pt" => "Minimum type size (points)",
        "end_date_required" => "A specific end date required",
        "statements" => "Required statements",
        "minor_signs" => "Who signs for a minor's own care",
        "required" => "Required",
        "when" => "When",
        "contents" => "Contents",
        "board_approved" => "Board approval required",
        "signature" => "Client signs",
        _ => "Value",
    }
}

fn plain(value: &Value) -> String {
    match value {
        Value::Null => "none set".into(),
        Value::Bool(true) => "yes".into(),
        Value::Bool(false) => "no".into(),
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        Value::Array(items) => items.iter().map(plain).collect::<Vec<_>>().join("; "),
        Value::Object(m) => match (m.get("kind"), m.get("who")) {
            (Some(k), Some(w)) => format!("{} ({})", plain(w), plain(k)),
            _ => value.to_string(),
        },
    }
}

/// Writes one version in effect, indented.
fn version_text(out: &mut String, r: &Resolved, v: &InForce) {
    let all = v.professions.len() == Profession::ALL.len();
    let whom = if all { "every profession".to_string() } else { professions_plain(&v.professions) };
    out.push_str(&format!("  Applies to: {whom}\n"));
    let stored = v.version.as_object();
    for field in r.fields {
        let value = stored.and_then(|s| s.get(*field)).unwrap_or(&Value::Null);
        if *field == "boards" {
            for b in value.as_array().into_iter().flatten() {
                out.push_str(&format!(
                    "    {}: {}, {}{}\n      Citation: {}{}\n",
                    capitalize(&professions_plain(&board_professions(b))),
                    plain(&b["name"]),
                    plain(&b["website"]),
                    b.get("phone")
                        .filter(|p| !p.is_null())
                        .map(|p| format!(", {}", plain(p)))
                        .unwrap_or_default(),
                    plain(&b["citation"]),
                    if b["status"] == "confirmed" { "" } else { " (unconfirmed)" },
                ));
            }
            continue;
        }
        if value.is_null() || value.as_array().is_some_and(|a| a.is_empty()) {
            continue;
        }
        let flag = if v.confirmed && v.unconfirmed_fields.iter().any(|f| f == field) {
            " (unconfirmed)"
        } else {
            ""
        };
        out.push_str(&format!("    {}: {}{flag}\n", field_label(field), plain(value)));
    }
    let get = |k: &str| stored.and_then(|s| s.get(k)).map(plain).unwrap_or_default();
    out.push_str(&format!("    Citation: {}\n    Source: {}\n", v.citation, get("source")));
    match (v.effective, stored.and_then(|s| s.get("in_force_by"))) {
        (Some(d), _) => out.push_str(&format!("    In effect since: {d}\n")),
        (None, Some(d)) => {
            out.push_str(&format!("    In force by: {} (start not recorded)\n", plain(d)))
        }
        _ => {}
    }
    let status = if v.fully_confirmed() {
        "confirmed"
    } else if v.confirmed {
        "confirmed, some fields unconfirmed (documents leave those out)"
    } else {
        "UNCONFIRMED (documents leave this rule out)"
    };
    out.push_str(&format!("    Status: {status}\n"));
    if let Some(e) = v.evidence {
        let through = get("current_through");
        let through =
            if through.is_empty() { String::new() } else { format!(", current through {through}") };
        out.push_str(&format!("    Evidence: {}{through}\n", e.key()));
    }
}

/// Writes the text form of one state's rules.
pub fn text(
    code: &str,
    name: &str,
    last_reviewed: Date,
    as_of: Date,
    resolved: &[Resolved],
) -> String {
    let mut out = format!(
        "{name} ({code}): rules in effect on {as_of}\nThis file was last reviewed on {last_reviewed}.\n"
    );
    for r in resolved {
        out.push_str(&format!("\n{}\n", topic_title(r.topic)));
        if r.in_force.is_empty() {
            out.push_str("  No rule in effect on this date.\n");
        }
        for v in &r.in_force {
            version_text(&mut out, r, v);
        }
        if !r.in_force.is_empty() && !r.uncovered.is_empty() {
            out.push_str(&format!("  No rule recorded for: {}\n", professions_plain(&r.uncovered)));
        }
        if let Some(next) = r.next_change {
            out.push_str(&format!("  Changes on: {next}\n"));
        }
    }
    out
}

fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    c.next().map(|f| f.to_uppercase().collect::<String>() + c.as_str()).unwrap_or_default()
}

/// The JSON form: one object keyed by topic, each the version in effect
/// (a list of versions, each with `applies_to`, when they differ by
/// profession).
pub fn json_value(
    code: &str,
    name: &str,
    last_reviewed: Date,
    as_of: Date,
    resolved: &[Resolved],
) -> Value {
    let mut m = Map::new();
    m.insert("code".into(), Value::from(code));
    m.insert("name".into(), Value::from(name));
    m.insert("as_of".into(), Value::from(as_of.to_string()));
    m.insert("last_reviewed".into(), Value::from(last_reviewed.to_string()));
    for r in resolved {
        m.insert(r.topic.into(), r.explain_value());
    }
    Value::Object(m)
}

/// One cell of the coverage table: a state's topic on a date.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Cell {
    /// `confirmed`: every version in effect is confirmed in every field,
    /// with evidence that confirms, every profession is covered and (for
    /// boards) every profession's board is confirmed; `partial`: some of it
    /// is; `unconfirmed`: none is; `none`: no version in effect.
    pub status: &'static str,
    /// The weakest evidence among the versions (and boards) in effect, when
    /// each has one: `official-text`, `published-text`, `official-summary`,
    /// `secondary`; null when one has none.
    pub evidence: Option<&'static str>,
    /// The weakest of the versions' strongest sources: `official`,
    /// `published`, `secondary`, `other`, or `none` (no URL).
    pub source: &'static str,
    /// Every version in effect is confirmed in every field, whether or not
    /// every profession is covered (the measure `explain --format json`
    /// gives: `status` and `unconfirmed` of each version in force).
    pub versions_confirmed: bool,
    /// Professions no version covers.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub uncovered: Vec<Profession>,
    /// Some version in effect gives a list (exceptions, conditions, steps,
    /// groups) that is not the law's whole list: the forms say "for
    /// example" or "the law makes some exceptions" there.
    pub partial_list: bool,
}

/// Whether a stored version has a list that is not the law's whole list.
fn has_partial_list(v: &Value) -> bool {
    v.as_object().is_some_and(|m| {
        m.iter().any(|(k, x)| {
            k.strip_suffix("_complete").is_some_and(|list| m.contains_key(list))
                && x == &Value::Bool(false)
        })
    })
}

/// Whether a board (as JSON) is confirmed with evidence that confirms.
fn board_confirmed(b: &Value) -> bool {
    b["status"] == "confirmed"
        && Evidence::ALL.iter().any(|e| e.confirms() && b["evidence"] == e.key())
}

fn evidence_of(v: &Value) -> Option<Evidence> {
    Evidence::ALL.into_iter().find(|e| v["evidence"] == e.key())
}

/// A version in effect is confirmed as a whole: every field, with evidence
/// that confirms, and for boards, a confirmed board for every profession it
/// is in effect for.
fn version_confirmed(topic: &str, v: &InForce) -> bool {
    let boards_ok = topic != crate::model::topic::licensing_boards
        || v.professions.iter().all(|p| {
            v.version["boards"]
                .as_array()
                .into_iter()
                .flatten()
                .any(|b| board_professions(b).contains(p) && board_confirmed(b))
        });
    v.fully_confirmed() && v.evidence.is_some_and(Evidence::confirms) && boards_ok
}

/// A state's topics on `as_of`, as coverage cells.
pub fn cells(resolved: &[Resolved]) -> BTreeMap<&'static str, Cell> {
    resolved
        .iter()
        .map(|r| {
            let full = r.in_force.iter().filter(|v| version_confirmed(r.topic, v)).count();
            let status = if r.in_force.is_empty() {
                "none"
            } else if full == r.in_force.len() && r.uncovered.is_empty() {
                "confirmed"
            } else if full > 0 || r.in_force.iter().any(|v| v.confirmed) {
                "partial"
            } else {
                "unconfirmed"
            };
            let kinds = r.in_force.iter().map(|v| {
                let source = v.version.get("source").and_then(Value::as_str).unwrap_or("");
                hosts::best(source)
            });
            let source = match kinds.min().flatten() {
                _ if r.in_force.is_empty() => "none",
                Some(HostKind::Official) => "official",
                Some(HostKind::Published) => "published",
                Some(HostKind::Secondary) => "secondary",
                Some(_) => "other",
                None => "none",
            };
            let mut levels: Vec<Option<Evidence>> = r.in_force.iter().map(|v| v.evidence).collect();
            for v in &r.in_force {
                for b in v.version["boards"].as_array().into_iter().flatten() {
                    if board_professions(b).iter().any(|p| v.professions.contains(p)) {
                        levels.push(evidence_of(b));
                    }
                }
            }
            let evidence = if levels.is_empty() || levels.iter().any(Option::is_none) {
                None
            } else {
                levels.into_iter().flatten().min().map(Evidence::key)
            };
            let versions_confirmed = !r.in_force.is_empty() && full == r.in_force.len();
            (
                r.topic,
                Cell {
                    status,
                    evidence,
                    source,
                    versions_confirmed,
                    uncovered: r.uncovered.clone(),
                    partial_list: r.in_force.iter().any(|v| has_partial_list(&v.version)),
                },
            )
        })
        .collect()
}

/// Every state's coverage on `as_of`, with totals over the core topics, by
/// evidence level and by topic.
pub fn coverage(jurisdictions: &BTreeMap<String, LoadedJurisdiction>, as_of: Date) -> Value {
    let table: BTreeMap<&str, BTreeMap<&str, Cell>> = jurisdictions
        .iter()
        .map(|(code, j)| (code.as_str(), cells(&crate::resolve::resolve(&j.rules, as_of))))
        .collect();
    let pct = |n: usize, d: usize| (n * 1000).checked_div(d).map_or(0.0, |p| p as f64 / 10.0);
    let mut totals = Map::new();
    for (label, core) in [("core", true), ("hipaa_and_disclosure", false)] {
        let cells: Vec<(&str, &Cell)> = table
            .values()
            .flat_map(|row| {
                row.iter()
                    .filter(|(t, _)| TOPICS.iter().any(|i| i.name == **t && i.core == core))
                    .map(|(t, c)| (*t, c))
            })
            .collect();
        let count = |s: &str| cells.iter().filter(|(_, c)| c.status == s).count();
        let confirmed = count("confirmed");
        let versions = cells.iter().filter(|(_, c)| c.versions_confirmed).count();
        let mut t = Map::new();
        t.insert("cells".into(), cells.len().into());
        for s in ["confirmed", "partial", "unconfirmed", "none"] {
            t.insert(s.into(), count(s).into());
        }
        let mut by_evidence = Map::new();
        for e in Evidence::ALL.iter().filter(|e| e.confirms()) {
            let n = cells
                .iter()
                .filter(|(_, c)| c.status == "confirmed" && c.evidence == Some(e.key()))
                .count();
            by_evidence.insert(e.key().into(), n.into());
        }
        t.insert("confirmed_by_evidence".into(), Value::Object(by_evidence));
        t.insert("versions_confirmed".into(), versions.into());
        let partial =
            cells.iter().filter(|(_, c)| c.status == "confirmed" && c.partial_list).count();
        t.insert("confirmed_with_partial_lists".into(), partial.into());
        t.insert("confirmed_percent".into(), pct(confirmed, cells.len()).into());
        let mut by_topic = Map::new();
        for info in TOPICS.iter().filter(|i| i.core == core) {
            let of: Vec<&&Cell> =
                cells.iter().filter(|(t, _)| *t == info.name).map(|(_, c)| c).collect();
            let n = of.iter().filter(|c| c.status == "confirmed").count();
            let mut m = Map::new();
            m.insert("cells".into(), of.len().into());
            m.insert("confirmed".into(), n.into());
            m.insert("confirmed_percent".into(), pct(n, of.len()).into());
            by_topic.insert(info.name.into(), Value::Object(m));
        }
        t.insert("by_topic".into(), Value::Object(by_topic));
        totals.insert(label.into(), Value::Object(t));
    }
    let mut m = Map::new();
    m.insert("as_of".into(), as_of.to_string().into());
    m.insert("states".into(), serde_json::to_value(&table).unwrap_or_default());
    m.insert("totals".into(), Value::Object(totals));
    Value::Object(m)
}

/// The coverage table for people: a row per state, a column per topic.
pub fn coverage_text(coverage: &Value) -> String {
    let mut out = String::from(
        "Rules in effect on each state's date, by topic: C confirmed (every field, every\nprofession, with evidence), P partly, U unconfirmed, - none; then the weakest evidence:\nt official text, p published text, s official summary, c context only, - none.\n\n",
    );
    out.push_str("    ");
    for t in TOPICS {
        out.push_str(&format!(" {:<3}", t.short));
    }
    out.push('\n');
    for (code, row) in coverage["states"].as_object().into_iter().flatten() {
        out.push_str(&format!("{code:<4}"));
        for t in TOPICS {
            let c = &row[t.name];
            let s = match c["status"].as_str() {
                Some("confirmed") => 'C',
                Some("partial") => 'P',
                Some("unconfirmed") => 'U',
                _ => '-',
            };
            let k = match c["evidence"].as_str() {
                Some("official-text") => 't',
                Some("published-text") => 'p',
                Some("official-summary") => 's',
                Some("secondary") => 'c',
                _ => '-',
            };
            out.push_str(&format!(" {s}{k} "));
        }
        out.push('\n');
    }
    for (label, t) in coverage["totals"].as_object().into_iter().flatten() {
        let e = &t["confirmed_by_evidence"];
        out.push_str(&format!(
            "\n{}: {} cells; {} confirmed for every profession ({}%), {} partly, {} unconfirmed, {} none; confirmed cells by weakest evidence: {} official text, {} published text, {} official summary; {} confirmed cells give a list only in part; {} cells have every version in force confirmed (professions without a rule aside)\n",
            if label == "core" { "Core topics" } else { "HIPAA additions and disclosure" },
            t["cells"], t["confirmed"], t["confirmed_percent"], t["partial"], t["unconfirmed"],
            t["none"], e["official-text"], e["published-text"], e["official-summary"],
            t["confirmed_with_partial_lists"], t["versions_confirmed"],
        ));
        for (topic, b) in t["by_topic"].as_object().into_iter().flatten() {
            out.push_str(&format!(
                "  {topic}: {} of {} confirmed ({}%)\n",
                b["confirmed"], b["cells"], b["confirmed_percent"]
            ));
        }
    }
    out
}
