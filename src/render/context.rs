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
//!   its typed view ([`super::views::TopicView`]): the rules in force for
//!   the professions the document covers, each with its facts as known
//!   values, known absences and unknowns, and lists as whole, partial, none
//!   or unknown.
//!
//! Every string a template prints is escaped for Markdown by the template
//! engine, so no value can become markup.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::Serialize;
use serde_json::Value;

pub use super::views::{BoardView, board_professions, topic_view};
use crate::date::Date;
use crate::i18n::Language;
use crate::model::{
    Clinician, Contact, Fees, Location, Packets, Practice, Privacy, Profession, Readability,
    Services, Translation,
};
pub use crate::model::{join_list, professions_plain};

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
    /// An associate (a pre-licensed clinician under a supervisor) is in the
    /// care team (or is the clinician this form names).
    pub associates: bool,
    /// Each topic's rules in effect, keyed by topic name, as typed views
    /// (see [`super::views`]).
    #[serde(flatten)]
    #[schemars(with = "super::views::Topics")]
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
    /// All its offices.
    pub locations: Vec<Location>,
    /// Its offices in this state.
    pub offices: Vec<Location>,
    /// It has no office in this state: it sees clients here by video only.
    pub video_only: bool,
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
    /// Which documents go into each packet.
    pub packets: Packets,
    /// The logo's text alternative.
    pub logo_alt: Option<String>,
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
    /// What to do when the practice cannot answer.
    pub emergency: Vec<String>,
    /// Couples and family sessions.
    pub couples: Vec<String>,
    /// How to ask for records and copies.
    pub records: Vec<String>,
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
    /// The copy made for a couple's packet: the consent has a couples
    /// section and a signature line for each partner.
    pub couple: bool,
    /// On a one-person form in a couple's packet (client information, the
    /// notice's receipt), whose copy it is: partner 1 or 2; else null.
    pub partner: Option<u8>,
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
    /// Profession id (`psychologist`).
    pub profession: Profession,
    /// Profession in plain words, singular ("psychologist").
    pub profession_plain: &'static str,
    /// A psychiatrist (licensed by the state medical board).
    pub psychiatrist: bool,
    /// Pre-licensed, practising under a supervisor.
    pub associate: bool,
    /// Licence type in this state.
    pub license_type: Option<String>,
    /// Licence number in this state.
    pub license_number: Option<String>,
    /// The board for their profession in this state, when confirmed.
    pub board: Option<BoardView>,
    /// Their supervisor, for an associate.
    pub supervisor: Option<SupervisorContext>,
    /// Degrees and training.
    pub education: Vec<String>,
    /// How they work with clients, in their words.
    pub approach: Option<String>,
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
    /// The smallest type size the state's law allows this form, in points
    /// (e.g. 14 for a California release form), when it sets one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text_size: Option<u32>,
    /// The practice's logo file (`logo.png`, `logo.svg`), its text
    /// alternative and its SHA-256.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub logo: Option<LogoMeta>,
    /// Whether the PDF gets form fields (`--pdf-forms`), read by `pdf.typ`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub forms: Option<bool>,
    /// A short hash of the document's text and data, printed in the footer.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hash: Option<String>,
    /// The words the page templates print around the text (links, footer,
    /// contents), in the document's language (see `i18n::ui`).
    #[schemars(with = "BTreeMap<String, String>")]
    pub ui: crate::i18n::ui::Ui,
}

/// The logo as the page templates see it.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct LogoMeta {
    /// Its file name in the PDF compiler's files.
    pub file: String,
    /// Its text alternative.
    pub alt: String,
    /// Its SHA-256 (so that a new logo changes every output's key).
    pub sha256: String,
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

impl PracticeContext {
    /// The practice as templates see it in `state`, in `lang`: its prose in
    /// that language (see [`Language::practice_text`]).
    pub fn new(p: &Practice, state: &str, lang: &Language<'_>) -> PracticeContext {
        let p = &p.in_state(state);
        let names = |l: &[toml::Spanned<String>]| l.iter().map(|s| s.get_ref().clone()).collect();
        let mut services = p.services.clone();
        services.telehealth = p.telehealth_in(state);
        let own = lang.practice.map(|t| t.in_state(state));
        let t = own.as_ref();
        let text = |key: &str, en: &Option<String>, given: Option<&Option<Translation>>| {
            en.as_ref().map(|e| lang.practice_text(key, e, given.and_then(|g| g.as_ref()), true))
        };
        let mut fees = p.fees.clone();
        fees.session = text("fees.session", &p.fees.session, t.map(|t| &t.fees.session));
        fees.late_cancellation = text(
            "fees.late_cancellation",
            &p.fees.late_cancellation,
            t.map(|t| &t.fees.late_cancellation),
        );
        fees.sliding_scale =
            text("fees.sliding_scale", &p.fees.sliding_scale, t.map(|t| &t.fees.sliding_scale));
        let mut contact = p.contact.clone();
        contact.response_time = text(
            "contact.response_time",
            &p.contact.response_time,
            t.map(|t| &t.contact.response_time),
        );
        let mut privacy = p.privacy.clone();
        privacy.contact = p.privacy.contact.as_ref().map(|c| {
            lang.practice_text(
                "privacy.contact",
                c,
                t.and_then(|t| t.privacy.contact.as_ref()),
                false,
            )
        });
        let located = |l: &Location| {
            let mut l = l.clone();
            let given =
                t.and_then(|t| t.locations.get(&l.name)).map(|n| Translation::Text(n.clone()));
            l.name = lang.practice_text("locations.name", &l.name, given.as_ref(), false);
            l
        };
        let clause = |key: &str, en: &Option<String>, given: Option<&Option<Translation>>| {
            paragraphs(text(key, en, given).as_ref())
        };
        // Each clause in its paragraphs, in this language; the struct
        // literal names every field, so a clause left out does not compile.
        macro_rules! clauses {
            ($($k:ident),*) => {
                ClauseParagraphs {
                    $($k: clause(
                        concat!("clauses.", stringify!($k)),
                        &p.clauses.$k,
                        t.map(|t| &t.clauses.$k),
                    ),)*
                }
            };
        }
        let offices: Vec<Location> =
            p.locations.iter().filter(|l| l.state.get_ref() == state).map(located).collect();
        PracticeContext {
            name: p.name.get_ref().clone(),
            states: names(&p.states),
            documents: names(&p.documents),
            contact,
            services,
            fees,
            clinicians: p.clinicians.clone(),
            locations: p.locations.iter().map(located).collect(),
            video_only: offices.is_empty(),
            offices,
            per_clinician: names(&p.per_clinician),
            clauses: clauses!(
                fees,
                cancellation,
                supervision,
                communication,
                emergency,
                couples,
                records
            ),
            privacy,
            effective: p.effective,
            forms_version: p.forms_version.clone(),
            readability: p.readability.clone(),
            packets: p.packets.clone(),
            logo_alt: text("logo_alt", &p.logo_alt, t.map(|t| &t.logo_alt)),
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
        board: Option<BoardView>,
        lang: &Language<'_>,
    ) -> ClinicianContext {
        let own = lang.practice.and_then(|t| t.clinicians.get(c.id.get_ref()));
        let id = c.id.get_ref();
        let license = c.license_on(state, date);
        let supervisor = c.supervisor.as_ref().and_then(|s| {
            let sup = practice.clinicians.iter().find(|x| x.id.get_ref() == s.get_ref())?;
            let l = sup.license_on(state, date);
            Some(SupervisorContext {
                name: sup.name.clone(),
                credentials: sup.credentials.clone(),
                profession_plain: lang.profession(sup.profession),
                license_type: l.map(|l| l.kind.clone()),
                license_number: l.map(|l| l.number.clone()),
            })
        });
        ClinicianContext {
            id: c.id.get_ref().clone(),
            name: c.name.clone(),
            credentials: c.credentials.as_ref().map(|cr| {
                lang.practice_text(
                    &format!("clinicians.{id}.credentials"),
                    cr,
                    own.and_then(|o| o.credentials.as_ref()),
                    false,
                )
            }),
            profession: c.profession,
            profession_plain: lang.profession(c.profession),
            psychiatrist: c.profession == Profession::Psychiatrist,
            associate: c.associate,
            license_type: license.map(|l| l.kind.clone()),
            license_number: license.map(|l| l.number.clone()),
            board,
            supervisor,
            education: {
                let given = own.and_then(|o| o.education.as_ref());
                c.education
                    .iter()
                    .enumerate()
                    .map(|(n, e)| {
                        let g = given.and_then(|items| items.get(n));
                        lang.practice_text(&format!("clinicians.{id}.education"), e, g, true)
                    })
                    .collect()
            },
            approach: c.approach.as_ref().map(|a| {
                lang.practice_text(
                    &format!("clinicians.{id}.approach"),
                    a,
                    own.and_then(|o| o.approach.as_ref()),
                    true,
                )
            }),
        }
    }
}
