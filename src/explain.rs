//! Explain: a state's rules in effect on a date, for people (plain words,
//! with citations, sources and dates) and for scripts (one JSON object keyed
//! by topic, as DESIGN.md promises).

use serde_json::{Map, Value};

use crate::date::Date;
use crate::model::{Profession, TOPICS};
use crate::resolve::Resolved;

/// A topic's title, from the one topic table.
fn topic_title(topic: &str) -> &'static str {
    TOPICS.iter().find(|t| t.name == topic).map_or("Other", |t| t.title)
}

/// Field labels for the text form.
fn field_label(field: &str) -> &'static str {
    match field {
        "universal" => "Every person must report",
        "reporters" => "Who must report",
        "report_to" => "Report to",
        "deadline" => "How fast",
        "kind" => "Kind",
        "age" => "Age from",
        "dependent_adults" => "Covers dependent adults",
        "trigger" => "Applies when a client",
        "discharge" => "How the duty is met",
        "professions" => "By profession",
        "consent_age" => "Minor may consent alone from age",
        "conditions" => "Conditions",
        "parent_access" => "Parents' access",
        "privilege" => "Privilege",
        "exceptions" => "A court can require disclosure when",
        "years" => "Years (adult records)",
        "retention" => "Kept for",
        "consent_required" => "Telehealth-specific consent required",
        "requirement" => "Requirement",
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
        Value::Object(_) => value.to_string(),
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
        let Some(Value::Object(v)) = &r.version else {
            out.push_str("  No rule in effect on this date.\n");
            continue;
        };
        for field in r.fields {
            if *field == "boards" {
                for b in v.get("boards").and_then(Value::as_array).into_iter().flatten() {
                    let prof = Profession::ALL
                        .iter()
                        .find(|p| b.get("profession").and_then(Value::as_str) == Some(p.key()))
                        .map_or("unknown", |p| p.plain());
                    out.push_str(&format!(
                        "  {}: {}, {}{}\n    Citation: {}{}\n",
                        capitalize(prof),
                        plain(&b["name"]),
                        plain(&b["website"]),
                        b.get("phone")
                            .filter(|p| !p.is_null())
                            .map(|p| format!(", {}", plain(p)))
                            .unwrap_or_default(),
                        plain(&b["citation"]),
                        if b.get("status").and_then(Value::as_str) == Some("confirmed") {
                            ""
                        } else {
                            " (unconfirmed)"
                        },
                    ));
                }
                continue;
            }
            let value = v.get(*field).unwrap_or(&Value::Null);
            if value.is_null() || value.as_array().is_some_and(|a| a.is_empty()) {
                continue;
            }
            let flag = if r.unconfirmed_fields.iter().any(|f| f == field) && r.confirmed {
                " (unconfirmed)"
            } else {
                ""
            };
            out.push_str(&format!("  {}: {}{flag}\n", field_label(field), plain(value)));
        }
        out.push_str(&format!("  Citation: {}\n", plain(&v["citation"])));
        out.push_str(&format!("  Source: {}\n", plain(&v["source"])));
        out.push_str(&format!(
            "  In effect since: {}\n",
            r.effective.map_or("not recorded".to_string(), |d| d.to_string())
        ));
        out.push_str(&format!(
            "  Status: {}\n",
            if r.confirmed { "confirmed" } else { "UNCONFIRMED (documents leave this rule out)" }
        ));
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

/// The JSON form: one object keyed by topic, each the version in effect.
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
