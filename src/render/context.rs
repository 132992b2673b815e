//! The template context: everything a document template (`templates/*.md`)
//! can read, typed and documented field by field. This file is the reference
//! for template authors; `consentgen schema context` prints it as JSON Schema.
//!
//! A document template sees these top-level names:
//!
//! - `practice`: [`PracticeContext`], the practice as its file describes it;
//! - `jurisdiction`: [`JurisdictionContext`], the state;
//! - `doc`: [`DocInfo`], this document;
//! - `care_team`: the clinicians licensed in this state ([`ClinicianContext`]);
//! - `clinician`: the clinician a clinician's own form names, else null;
//! - one key per topic of the rule files (`child_abuse`, `duty_to_warn`, …):
//!   the rule in effect, every field null where it is not confirmed, plus
//!   `known` (true when the rule is confirmed), `citation` and `effective`.
//!
//! Every string a template prints is escaped for Markdown by the template
//! engine, so no value can become markup.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::Serialize;
use serde_json::Value;

use crate::date::Date;
use crate::model::{
    Clinician, Contact, Fees, Location, Practice, Privacy, Profession, Readability, Services,
};
use crate::resolve::Resolved;

/// What a document template sees.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct DocContext<'a> {
    /// The practice.
    pub practice: &'a PracticeContext,
    /// The state the document is for.
    pub jurisdiction: JurisdictionContext,
    /// This document.
    pub doc: DocInfo,
    /// The clinicians licensed in this state on the document's date.
    pub care_team: &'a [ClinicianContext],
    /// The clinician a clinician's own form names; null on a practice-wide form.
    pub clinician: Option<&'a ClinicianContext>,
    /// Each topic's rule in effect, keyed by topic name (see the module docs).
    #[serde(flatten)]
    #[schemars(with = "BTreeMap<String, Value>")]
    pub topics: &'a BTreeMap<&'static str, Value>,
}

/// The practice as templates see it, for one state.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct PracticeContext {
    /// Its name.
    pub name: String,
    /// The states it sees clients in.
    pub states: Vec<String>,
    /// The documents it uses.
    pub documents: Vec<String>,
    /// How clients reach it.
    pub contact: Contact,
    /// What it offers in this state (`telehealth` is false where it is not offered).
    pub services: Services,
    /// Fees and cancellations.
    pub fees: Fees,
    /// Every clinician, as in the practice file.
    pub clinicians: Vec<Clinician>,
    /// Its offices.
    pub locations: Vec<Location>,
    /// Documents also built for each clinician.
    pub per_clinician: Vec<String>,
    /// Its own clauses, each a list of paragraphs (a blank line in the file starts a new one).
    pub clauses: ClauseParagraphs,
    /// The privacy contact.
    pub privacy: Privacy,
    /// The date its forms take effect.
    pub effective: Option<Date>,
    /// The version of its forms.
    pub forms_version: String,
    /// The plain-language bar.
    pub readability: Readability,
}

/// The practice's own clauses, as paragraphs.
#[derive(Clone, Debug, Default, Serialize, JsonSchema)]
pub struct ClauseParagraphs {
    /// Fees, billing and insurance.
    pub fees: Vec<String>,
    /// Cancellations and missed sessions.
    pub cancellation: Vec<String>,
    /// Supervision, trainees, the care team.
    pub supervision: Vec<String>,
    /// Calls, email, texts, after-hours contact.
    pub communication: Vec<String>,
}

/// The state a document is for.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct JurisdictionContext {
    /// USPS code.
    pub code: String,
    /// Full name ("New York").
    pub name: String,
    /// When its rule file was last reviewed (YYYY-MM-DD).
    pub last_reviewed: String,
}

/// The document being rendered.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct DocInfo {
    /// Its id (`consent`).
    pub id: String,
    /// Its effective date, written out ("January 1, 2026").
    pub effective: String,
    /// The practice's forms version.
    pub version: String,
}

/// A clinician as templates see them, in one state.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct ClinicianContext {
    /// Short id.
    pub id: String,
    /// Full name.
    pub name: String,
    /// Credentials after the name.
    pub credentials: Option<String>,
    /// Profession in plain words, singular ("psychologist").
    pub profession_plain: &'static str,
    /// A psychiatrist (licensed by the medical board, which the rule files lack).
    pub psychiatrist: bool,
    /// Pre-licensed, practising under a supervisor.
    pub associate: bool,
    /// Licence type in this state.
    pub license_type: Option<String>,
    /// Licence number in this state.
    pub license_number: Option<String>,
    /// The board for their profession in this state, when confirmed.
    #[schemars(with = "Option<BTreeMap<String, Value>>")]
    pub board: Option<Value>,
    /// Their supervisor, for an associate.
    pub supervisor: Option<SupervisorContext>,
}

/// An associate's supervisor.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct SupervisorContext {
    /// Full name.
    pub name: String,
    /// Credentials.
    pub credentials: Option<String>,
    /// Profession in plain words.
    pub profession_plain: &'static str,
    /// Licence type in this state.
    pub license_type: Option<String>,
    /// Licence number in this state.
    pub license_number: Option<String>,
}

/// What the page templates (`page.html`, `pdf.typ`) read about a document:
/// title, footer and metadata.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct PageMeta {
    /// The document's title.
    pub title: String,
    /// The practice's name.
    pub practice: String,
    /// Language tag (`en`).
    pub lang: &'static str,
    /// USPS code.
    pub state: String,
    /// State name.
    pub state_name: String,
    /// Document id.
    pub document: String,
    /// The clinician a clinician's form names (null on a practice-wide
    /// document; absent on a packet, as the footer hash has always read it).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub clinician: Option<Option<String>>,
    /// The practice's forms version.
    pub version: String,
    /// Effective date, written out.
    pub effective: String,
    /// Effective date, YYYY-MM-DD.
    pub effective_date: String,
    /// PDF keywords.
    pub keywords: String,
    /// Set on a state's packet.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub packet: Option<bool>,
    /// A short hash of the document's text and data, printed in the footer.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hash: Option<String>,
}

impl PageMeta {
    /// As JSON with sorted keys (what the footer hash, the key and Typst read).
    pub fn to_json(&self) -> Value {
        serde_json::to_value(self).expect("page data serializes")
    }
}

/// Splits text at blank lines into paragraphs with whitespace runs collapsed.
fn paragraphs(text: Option<&String>) -> Vec<String> {
    let Some(text) = text else { return Vec::new() };
    text.replace("\r\n", "\n")
        .split("\n\n")
        .map(|p| p.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|p| !p.is_empty())
        .collect()
}

/// Whether telehealth is offered in a state.
pub fn telehealth_in(practice: &Practice, state: &str) -> bool {
    let s = &practice.services;
    s.telehealth
        && s.telehealth_states.as_ref().is_none_or(|l| l.iter().any(|x| x.get_ref() == state))
}

impl PracticeContext {
    /// The practice as templates see it in `state`.
    pub fn new(p: &Practice, state: &str) -> PracticeContext {
        let names = |l: &[toml::Spanned<String>]| l.iter().map(|s| s.get_ref().clone()).collect();
        let mut services = p.services.clone();
        services.telehealth = telehealth_in(p, state);
        PracticeContext {
            name: p.name.get_ref().clone(),
            states: names(&p.states),
            documents: names(&p.documents),
            contact: p.contact.clone(),
            services,
            fees: p.fees.clone(),
            clinicians: p.clinicians.clone(),
            locations: p.locations.clone(),
            per_clinician: names(&p.per_clinician),
            clauses: ClauseParagraphs {
                fees: paragraphs(p.clauses.fees.as_ref()),
                cancellation: paragraphs(p.clauses.cancellation.as_ref()),
                supervision: paragraphs(p.clauses.supervision.as_ref()),
                communication: paragraphs(p.clauses.communication.as_ref()),
            },
            privacy: p.privacy.clone(),
            effective: p.effective,
            forms_version: p.forms_version.clone(),
            readability: p.readability.clone(),
        }
    }
}

impl ClinicianContext {
    /// A clinician as templates see them in `state` on `date`; `board` is the
    /// state's confirmed board for their profession, if any.
    pub fn new(
        practice: &Practice,
        c: &Clinician,
        state: &str,
        date: Date,
        board: Option<Value>,
    ) -> ClinicianContext {
        let license = c.license_on(state, date);
        let supervisor = c.supervisor.as_ref().and_then(|s| {
            let sup = practice.clinicians.iter().find(|x| x.id.get_ref() == s.get_ref())?;
            let l = sup.license_on(state, date);
            Some(SupervisorContext {
                name: sup.name.clone(),
                credentials: sup.credentials.clone(),
                profession_plain: sup.profession.plain(),
                license_type: l.map(|l| l.kind.clone()),
                license_number: l.map(|l| l.number.clone()),
            })
        });
        ClinicianContext {
            id: c.id.get_ref().clone(),
            name: c.name.clone(),
            credentials: c.credentials.clone(),
            profession_plain: c.profession.plain(),
            psychiatrist: c.profession.board().is_none(),
            associate: c.associate,
            license_type: license.map(|l| l.kind.clone()),
            license_number: license.map(|l| l.number.clone()),
            board,
            supervisor,
        }
    }
}

/// The topic values a template sees, by topic: each board also gets its
/// profession in plain words.
pub fn topic_values(resolved: &[Resolved]) -> BTreeMap<&'static str, Value> {
    resolved
        .iter()
        .map(|r| {
            let mut v = r.template_value();
            if let Some(Value::Array(boards)) = v.get_mut("boards") {
                for b in boards.iter_mut() {
                    let plain = Profession::ALL
                        .iter()
                        .find(|p| b.get("profession").and_then(Value::as_str) == Some(p.key()))
                        .map(|p| p.plain());
                    if let (Some(obj), Some(plain)) = (b.as_object_mut(), plain) {
                        obj.insert("profession_plain".into(), plain.into());
                    }
                }
            }
            (r.topic, v)
        })
        .collect()
}
