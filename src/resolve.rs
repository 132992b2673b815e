//! Resolve: for one jurisdiction and the build's `as_of` date, picks the rule
//! version in effect for every topic (the latest version whose `effective`
//! date is on or before `as_of`, as OpenFisca resolves a parameter "at an
//! instant"), and turns it into what templates and `explain` see.
//!
//! What templates see is honest by construction: a field nobody confirmed is
//! `null`, and a version that is unconfirmed as a whole gives `null` for every
//! value and for its citation, so a document can only state confirmed rules.

use serde_json::{Map, Value};

use crate::date::Date;
use crate::model::{Jurisdiction, RuleVersion, Status, Topic, TopicInfo, TopicVisitor};

/// Returns the version in effect on `as_of`: the last one (versions are
/// sorted oldest first) whose `effective` date is on or before `as_of`. A
/// version without a date counts as in effect since forever.
pub fn version_at<V: RuleVersion>(versions: &[V], as_of: Date) -> Option<&V> {
    versions.iter().rev().find(|v| v.effective().is_none_or(|e| *e.get_ref() <= as_of))
}

/// One topic's version in effect, as data.
#[derive(Clone, Debug)]
pub struct Resolved {
    /// The topic name (`duty_to_warn`).
    pub topic: &'static str,
    /// The version in effect, serialized, or `None` when no version is in effect.
    pub version: Option<Value>,
    /// Its effective date.
    pub effective: Option<Date>,
    /// Its citation.
    pub citation: Option<String>,
    /// Whether the version as a whole is confirmed.
    pub confirmed: bool,
    /// Value fields left out because they are unconfirmed.
    pub unconfirmed_fields: Vec<String>,
    /// Every value field of the topic.
    pub fields: &'static [&'static str],
    /// The next version's date, when a change is scheduled after `as_of`.
    pub next_change: Option<Date>,
}

fn resolve_topic<V: RuleVersion>(topic: &'static str, t: &Topic<V>, as_of: Date) -> Resolved {
    let v = version_at(&t.versions, as_of);
    let next_change =
        t.versions.iter().filter_map(|v| v.effective().map(|e| *e.get_ref())).find(|e| *e > as_of);
    match v {
        None => Resolved {
            topic,
            version: None,
            effective: None,
            citation: None,
            confirmed: false,
            unconfirmed_fields: V::FIELDS.iter().map(|f| f.to_string()).collect(),
            fields: V::FIELDS,
            next_change,
        },
        Some(v) => {
            let confirmed = v.status() == Status::Confirmed;
            let unconfirmed_fields = if confirmed {
                v.unconfirmed().iter().map(|f| f.get_ref().clone()).collect()
            } else {
                V::FIELDS.iter().map(|f| f.to_string()).collect()
            };
            Resolved {
                topic,
                version: serde_json::to_value(v).ok(),
                effective: v.effective().map(|e| *e.get_ref()),
                citation: Some(v.citation().get_ref().clone()),
                confirmed,
                unconfirmed_fields,
                fields: V::FIELDS,
                next_change,
            }
        }
    }
}

/// Every topic of a jurisdiction, resolved for `as_of`, in
/// [`TOPICS`](crate::model::TOPICS) order.
pub fn resolve(j: &Jurisdiction, as_of: Date) -> Vec<Resolved> {
    struct Resolver(Date, Vec<Resolved>);
    impl TopicVisitor for Resolver {
        fn topic<V: RuleVersion>(&mut self, info: &'static TopicInfo, t: &Topic<V>) {
            self.1.push(resolve_topic(info.name, t, self.0));
        }
    }
    let mut r = Resolver(as_of, Vec::new());
    j.each_topic(&mut r);
    r.1
}

impl Resolved {
    /// What templates see: every value field (null where unconfirmed), the
    /// citation (null unless the version is confirmed), and `known`.
    pub fn template_value(&self) -> Value {
        let mut m = Map::new();
        let version = self.version.as_ref().and_then(Value::as_object);
        for field in self.fields {
            let keep = !self.unconfirmed_fields.iter().any(|f| f == field);
            let value = match version.and_then(|v| v.get(*field)) {
                Some(v) if keep => v.clone(),
                _ => Value::Null,
            };
            m.insert(field.to_string(), value);
        }
        if self.topic == "licensing_boards" {
            // Each board carries its own status: unconfirmed boards are left out.
            if let Some(Value::Array(boards)) = m.get_mut("boards") {
                boards.retain(|b| b.get("status").and_then(Value::as_str) == Some("confirmed"));
            }
        }
        let known = self.confirmed && self.version.is_some();
        let citation = self.citation.clone().filter(|_| known);
        m.insert("citation".into(), citation.map_or(Value::Null, Value::String));
        m.insert("effective".into(), self.effective.map_or(Value::Null, |d| d.to_string().into()));
        m.insert("known".into(), Value::Bool(known));
        Value::Object(m)
    }

    /// What `explain --format json` prints: the stored version with its
    /// status, or `null` when no version is in effect.
    pub fn explain_value(&self) -> Value {
        match &self.version {
            None => Value::Null,
            Some(Value::Object(v)) => {
                let mut m = Map::new();
                for field in self.fields {
                    m.insert(field.to_string(), v.get(*field).cloned().unwrap_or(Value::Null));
                }
                for key in ["effective", "citation", "source", "status", "unconfirmed", "note"] {
                    if let Some(x) = v.get(key) {
                        m.insert(key.into(), x.clone());
                    }
                }
                Value::Object(m)
            }
            Some(other) => other.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Telehealth;

    fn version(effective: Option<&str>, required: bool) -> Telehealth {
        let eff = effective.map(|e| format!("effective = {e}\n")).unwrap_or_default();
        toml::from_str(&format!(
            "{eff}consent_required = {required}\ncitation = \"X\"\nsource = \"Y\"\nstatus = \"confirmed\"\n"
        ))
        .unwrap()
    }

    #[test]
    fn picks_the_version_in_effect() {
        let versions = vec![
            version(None, false),
            version(Some("2020-01-01"), true),
            version(Some("2027-01-01"), false),
        ];
        let at =
            |d: &str| version_at(&versions, Date::parse(d).unwrap()).map(|v| v.consent_required);
        assert_eq!(at("1999-05-05"), Some(false), "undated first version applies before the next");
        assert_eq!(at("2019-12-31"), Some(false), "day before a change");
        assert_eq!(at("2020-01-01"), Some(true), "the day of a change");
        assert_eq!(at("2026-12-31"), Some(true));
        assert_eq!(at("2027-01-01"), Some(false));
        assert_eq!(at("2030-01-01"), Some(false), "after the last change");
        let dated = vec![version(Some("2020-01-01"), true)];
        assert!(
            version_at(&dated, Date::parse("2019-12-31").unwrap()).is_none(),
            "before any version"
        );
    }
}
