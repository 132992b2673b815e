//! Resolve: for one jurisdiction and the build's `as_of` date, the rule
//! versions in effect for every topic, profession by profession.
//!
//! For each profession, the version in effect is the latest one that binds
//! it (`applies_to`) and whose start (`effective`, or `in_force_by` when the
//! start is not known) is on or before `as_of`, as OpenFisca resolves a
//! parameter "at an instant". A version whose start is not known is never
//! applied before the day a source showed it in force. Professions that
//! several versions' choices agree on are grouped, so a rule that binds
//! every profession resolves to one group.
//!
//! What documents see of a rule is honest by construction (see
//! [`InForce::template_value`]): a field nobody confirmed is `null`, and a
//! version that is unconfirmed as a whole gives `null` for every value and
//! for its citation, so a document can only state confirmed rules.

use serde_json::{Map, Value};

use crate::date::Date;
use crate::model::{
    Evidence, Jurisdiction, Profession, RuleVersion, Status, Topic, TopicInfo, TopicVisitor,
};

/// One version in effect on the date, with the professions it binds then.
#[derive(Clone, Debug)]
pub struct InForce {
    /// The version as stored, serialized.
    pub version: Value,
    /// The professions it is in effect for on the date.
    pub professions: Vec<Profession>,
    /// Its `effective` date, when known.
    pub effective: Option<Date>,
    /// Its citation.
    pub citation: String,
    /// Whether the version as a whole is confirmed.
    pub confirmed: bool,
    /// How strongly its sources support it.
    pub evidence: Option<Evidence>,
    /// Value fields left out because they are unconfirmed.
    pub unconfirmed_fields: Vec<String>,
    /// The practice's own sentence for it, by language, when its counsel
    /// replaced the rule (see `plan::review`); the citation is then counsel's.
    pub counsel: Option<std::collections::BTreeMap<crate::model::Lang, String>>,
}

/// One topic resolved for a date.
#[derive(Clone, Debug)]
pub struct Resolved {
    /// The topic name (`duty_to_warn`).
    pub topic: &'static str,
    /// Every value field of the topic.
    pub fields: &'static [&'static str],
    /// The versions in effect, each with its professions, in profession order.
    pub in_force: Vec<InForce>,
    /// Professions no version binds on the date.
    pub uncovered: Vec<Profession>,
    /// The next day a version of this topic takes force after the date.
    pub next_change: Option<Date>,
}

/// Returns the version in effect for `profession` on `as_of`: the latest
/// binding it whose start is on or before `as_of` (the later in the file on
/// a tie).
pub fn version_at<V: RuleVersion>(
    versions: &[V],
    profession: Profession,
    as_of: Date,
) -> Option<usize> {
    let mut best: Option<(Date, usize)> = None;
    for (i, v) in versions.iter().enumerate() {
        let Some(start) = v.start() else { continue };
        if start <= as_of
            && v.professions().contains(&profession)
            && best.is_none_or(|(d, _)| start >= d)
        {
            best = Some((start, i));
        }
    }
    best.map(|(_, i)| i)
}

fn resolve_topic<V: RuleVersion>(topic: &'static str, t: &Topic<V>, as_of: Date) -> Resolved {
    let mut in_force: Vec<InForce> = Vec::new();
    let mut chosen: Vec<usize> = Vec::new();
    let mut uncovered = Vec::new();
    for p in Profession::ALL {
        match version_at(&t.versions, p, as_of) {
            None => uncovered.push(p),
            Some(i) => match chosen.iter().position(|c| *c == i) {
                Some(k) => in_force[k].professions.push(p),
                None => {
                    let v = &t.versions[i];
                    let confirmed = v.status() == Status::Confirmed;
                    let unconfirmed_fields = if confirmed {
                        v.unconfirmed().iter().map(|f| f.get_ref().clone()).collect()
                    } else {
                        V::FIELDS.iter().map(|f| f.to_string()).collect()
                    };
                    chosen.push(i);
                    in_force.push(InForce {
                        version: serde_json::to_value(v).unwrap_or(Value::Null),
                        professions: vec![p],
                        effective: v.effective().map(|e| *e.get_ref()),
                        citation: v.citation().get_ref().clone(),
                        confirmed,
                        evidence: v.evidence().map(|e| *e.get_ref()),
                        unconfirmed_fields,
                        counsel: None,
                    });
                }
            },
        }
    }
    let next_change = t.versions.iter().filter_map(|v| v.start()).filter(|d| *d > as_of).min();
    Resolved { topic, fields: V::FIELDS, in_force, uncovered, next_change }
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

impl InForce {
    /// Whether a document may state it: confirmed as a whole.
    pub fn known(&self) -> bool {
        self.confirmed
    }

    /// What templates see of it: every value field (null where unconfirmed)
    /// and the citation (null unless the version is confirmed).
    pub fn template_value(&self, fields: &[&str]) -> Map<String, Value> {
        let mut m = Map::new();
        let version = self.version.as_object();
        for field in fields {
            let keep = !self.unconfirmed_fields.iter().any(|f| f == field);
            let value = match version.and_then(|v| v.get(*field)) {
                Some(v) if keep => v.clone(),
                _ => Value::Null,
            };
            m.insert(field.to_string(), value);
        }
        if let Some(Value::Array(boards)) = m.get_mut("boards") {
            // Each board carries its own status: unconfirmed boards are left out.
            boards.retain(|b| b.get("status").and_then(Value::as_str) == Some("confirmed"));
        }
        let citation = Some(self.citation.clone()).filter(|_| self.known());
        m.insert("citation".into(), citation.map_or(Value::Null, Value::String));
        m.insert("effective".into(), self.effective.map_or(Value::Null, |d| d.to_string().into()));
        m.insert("known".into(), Value::Bool(self.known()));
        m
    }

    /// What `explain --format json` prints of it: the stored version with
    /// its status, and the professions it is in effect for.
    pub fn explain_value(&self, fields: &[&str]) -> Value {
        let mut m = Map::new();
        let v = self.version.as_object();
        for field in fields {
            m.insert(
                field.to_string(),
                v.and_then(|v| v.get(*field)).cloned().unwrap_or(Value::Null),
            );
        }
        let applies: Vec<Value> = if self.professions.len() == Profession::ALL.len() {
            vec!["all".into()]
        } else {
            self.professions.iter().map(|p| p.key().into()).collect()
        };
        m.insert("applies_to".into(), Value::Array(applies));
        for key in [
            "effective",
            "in_force_by",
            "citation",
            "source",
            "status",
            "evidence",
            "current_through",
            "unconfirmed",
            "note",
        ] {
            if let Some(x) = v.and_then(|v| v.get(key)) {
                m.insert(key.into(), x.clone());
            }
        }
        Value::Object(m)
    }

    /// Whether it is confirmed with every field confirmed.
    pub fn fully_confirmed(&self) -> bool {
        self.confirmed && self.unconfirmed_fields.is_empty()
    }
}

impl Resolved {
    /// What `explain --format json` prints of the topic: the version in
    /// effect as one object when one binds every profession, a list of
    /// them (each with `applies_to`) when they differ by profession, and
    /// null when none is in effect.
    pub fn explain_value(&self) -> Value {
        match self.in_force.as_slice() {
            [] => Value::Null,
            [one] if self.uncovered.is_empty() => one.explain_value(self.fields),
            many => Value::Array(many.iter().map(|v| v.explain_value(self.fields)).collect()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Telehealth;

    fn version(start: &str, applies: &str, required: bool) -> Telehealth {
        toml::from_str(&format!(
            "applies_to = {applies}\n{start}\nconsent_required = {required}\ncitation = \"X\"\nsource = \"Y\"\nstatus = \"confirmed\"\n"
        ))
        .unwrap()
    }

    #[test]
    fn picks_the_version_in_effect_for_each_profession() {
        let versions = vec![
            version("in_force_by = 2016-12-31", "[\"all\"]", false),
            version("effective = 2020-01-01", "[\"all\"]", true),
            version("effective = 2027-01-01", "[\"psychologist\"]", false),
        ];
        let at = |d: &str, p| {
            version_at(&versions, p, Date::parse(d).unwrap()).map(|i| versions[i].consent_required)
        };
        let psy = Profession::Psychologist;
        assert_eq!(at("2016-12-30", psy), None, "not applied before a source showed it");
        assert_eq!(at("2016-12-31", psy), Some(false));
        assert_eq!(at("2019-12-31", psy), Some(false), "day before a change");
        assert_eq!(at("2020-01-01", psy), Some(true), "the day of a change");
        assert_eq!(at("2027-01-01", psy), Some(false), "a change for one profession");
        assert_eq!(
            at("2027-01-01", Profession::ClinicalSocialWorker),
            Some(true),
            "not for others"
        );
    }

    #[test]
    fn groups_professions_that_share_a_version() {
        let j = Topic {
            versions: vec![
                version(
                    "effective = 2020-01-01",
                    "[\"professional_counselor\", \"clinical_social_worker\"]",
                    true,
                ),
                version("effective = 2021-01-01", "[\"psychologist\"]", false),
            ],
        };
        let r = resolve_topic("telehealth", &j, Date::parse("2026-01-01").unwrap());
        assert_eq!(r.in_force.len(), 2);
        assert_eq!(r.in_force[0].professions, vec![Profession::Psychologist]);
        assert_eq!(
            r.in_force[1].professions,
            vec![Profession::ProfessionalCounselor, Profession::ClinicalSocialWorker]
        );
        assert_eq!(
            r.uncovered,
            vec![Profession::MarriageFamilyTherapist, Profession::Psychiatrist]
        );
        assert!(r.explain_value().is_array());
    }
}
