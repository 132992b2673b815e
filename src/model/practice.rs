//! The practice file's types: the practice, its clinicians and licences,
//! offices, services, fees, clauses and privacy contact.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use toml::Spanned;

use crate::date::Date;

use super::{Jurisdiction, Profession};

/// The practice the documents are for.
#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Practice {
    /// The practice's name.
    #[schemars(with = "String")]
    pub name: Spanned<String>,
    /// The states it sees clients in (USPS codes).
    #[schemars(with = "Vec<String>")]
    pub states: Vec<Spanned<String>>,
    /// The documents it uses, by id.
    #[serde(default = "default_documents")]
    #[schemars(with = "Vec<String>")]
    pub documents: Vec<Spanned<String>>,
    /// How clients reach the practice.
    #[serde(default)]
    pub contact: Contact,
    /// What the practice offers.
    #[serde(default)]
    pub services: Services,
    /// Fees and cancellations.
    #[serde(default)]
    pub fees: Fees,
    /// The clinicians, for the care-team list and per-clinician forms.
    #[serde(default)]
    pub clinicians: Vec<Clinician>,
    /// The offices.
    #[serde(default)]
    pub locations: Vec<Location>,
    /// Documents also built for each clinician, naming them, in
    /// `<STATE>/en/clinicians/<id>/` for each state they are licensed in.
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub per_clinician: Vec<Spanned<String>>,
    /// The practice's own clauses, in its own words.
    #[serde(default)]
    pub clauses: Clauses,
    /// Who answers privacy questions, for the notice of privacy practices.
    #[serde(default)]
    pub privacy: Privacy,
    /// The date the practice's forms take effect; a later date on which a
    /// rule a document states took force replaces it in that document.
    #[serde(default)]
    pub effective: Option<Date>,
    /// The version of the practice's forms, printed in every footer.
    #[serde(default = "default_forms_version")]
    pub forms_version: String,
    /// Readability bar.
    #[serde(default)]
    pub readability: Readability,
}

fn default_forms_version() -> String {
    "1".to_string()
}

fn default_documents() -> Vec<Spanned<String>> {
    ["consent", "confidentiality"].into_iter().map(|d| Spanned::new(0..0, d.to_string())).collect()
}

/// A clinician's profession.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ClinicianProfession {
    /// Licensed psychologist.
    Psychologist,
    /// Licensed professional counselor (LPC, LPCC, LMHC).
    ProfessionalCounselor,
    /// Licensed clinical social worker.
    ClinicalSocialWorker,
    /// Licensed marriage and family therapist.
    MarriageFamilyTherapist,
    /// Psychiatrist (licensed by the state medical board).
    Psychiatrist,
}

impl ClinicianProfession {
    /// The profession in plain words, singular.
    pub fn plain(self) -> &'static str {
        match self {
            ClinicianProfession::Psychologist => "psychologist",
            ClinicianProfession::ProfessionalCounselor => "professional counselor",
            ClinicianProfession::ClinicalSocialWorker => "clinical social worker",
            ClinicianProfession::MarriageFamilyTherapist => "marriage and family therapist",
            ClinicianProfession::Psychiatrist => "psychiatrist",
        }
    }

    /// The licensing board that hears complaints, as the rule files key it;
    /// `None` for psychiatrists, whose medical boards the rule files lack.
    pub fn board(self) -> Option<Profession> {
        match self {
            ClinicianProfession::Psychologist => Some(Profession::Psychology),
            ClinicianProfession::ProfessionalCounselor => Some(Profession::Counseling),
            ClinicianProfession::ClinicalSocialWorker => Some(Profession::SocialWork),
            ClinicianProfession::MarriageFamilyTherapist => Some(Profession::MarriageFamilyTherapy),
            ClinicianProfession::Psychiatrist => None,
        }
    }
}

/// A clinician of the practice.
#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Clinician {
    /// A short id, used in file names (`mlee`).
    #[schemars(with = "String")]
    pub id: Spanned<String>,
    /// Full name.
    pub name: String,
    /// Credentials after the name ("PhD", "LMFT").
    #[serde(default)]
    pub credentials: Option<String>,
    /// Profession.
    pub profession: ClinicianProfession,
    /// Pre-licensed: practices under a supervisor's licence.
    #[serde(default)]
    pub associate: bool,
    /// The supervisor's id, required for an associate.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub supervisor: Option<Spanned<String>>,
    /// Licences (or, for an associate, registrations), one per state.
    #[serde(default)]
    pub licenses: Vec<License>,
}

impl Clinician {
    /// Their licence in `state` valid on `date`, if they hold one.
    pub fn license_on(&self, state: &str, date: Date) -> Option<&License> {
        self.licenses.iter().find(|l| l.state.get_ref() == state && *l.expires.get_ref() >= date)
    }
}

/// A licence to practise in one state.
#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct License {
    /// USPS code.
    #[schemars(with = "String")]
    pub state: Spanned<String>,
    /// The licence type as the state names it ("LMFT", "Psychologist", "AMFT").
    #[serde(rename = "type")]
    pub kind: String,
    /// The licence number.
    pub number: String,
    /// The last day it is valid.
    #[schemars(with = "Date")]
    pub expires: Spanned<Date>,
}

/// An office.
#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Location {
    /// Its name ("Long Beach office").
    pub name: String,
    /// Street address.
    pub address: String,
    /// USPS code.
    #[schemars(with = "String")]
    pub state: Spanned<String>,
}

/// How clients reach the practice.
#[derive(Clone, Debug, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Contact {
    /// Office phone.
    pub phone: Option<String>,
    /// Office email.
    pub email: Option<String>,
    /// Website.
    pub website: Option<String>,
    /// Street address.
    pub address: Option<String>,
    /// How soon the practice answers messages (phrase, e.g. "one business day").
    pub response_time: Option<String>,
}

/// What the practice offers; services it does not offer drop their text.
#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct Services {
    /// Sessions in the office.
    pub in_person: bool,
    /// Sessions by video or phone.
    pub telehealth: bool,
    /// Clients under 18.
    pub minors: bool,
    /// Couples and family sessions.
    pub couples: bool,
    /// The states telehealth is offered in (default: all of the practice's states).
    #[schemars(with = "Option<Vec<String>>")]
    pub telehealth_states: Option<Vec<Spanned<String>>>,
}

impl Default for Services {
    fn default() -> Services {
        Services {
            in_person: true,
            telehealth: false,
            minors: false,
            couples: false,
            telehealth_states: None,
        }
    }
}

/// Fees and cancellations, in the practice's own words.
#[derive(Clone, Debug, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Fees {
    /// The fee for a session (phrase, e.g. "$150 for a 50-minute session").
    pub session: Option<String>,
    /// Hours of notice needed to cancel without a fee.
    pub cancellation_notice_hours: Option<u32>,
    /// The fee for a late cancellation or missed session (phrase).
    pub late_cancellation: Option<String>,
}

/// Clauses a practice writes itself; each is printed as plain-text
/// paragraphs (a blank line starts a new one) in the section it belongs to.
#[derive(Clone, Debug, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Clauses {
    /// Fees, billing and insurance (consent: "What does it cost?").
    pub fees: Option<String>,
    /// Cancellations and missed sessions.
    pub cancellation: Option<String>,
    /// Supervision, trainees, the care team.
    pub supervision: Option<String>,
    /// Calls, email, texts, after-hours contact.
    pub communication: Option<String>,
}

/// The privacy contact for the notice of privacy practices.
#[derive(Clone, Debug, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Privacy {
    /// Name or title of the privacy contact ("Jordan Lee, Privacy Officer").
    pub contact: Option<String>,
    /// Their phone, when not the office's.
    pub phone: Option<String>,
    /// Their email, when not the office's.
    pub email: Option<String>,
    /// Whether the practice contacts clients to raise funds.
    #[serde(default)]
    pub fundraising: bool,
}

/// The plain-language bar.
#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct Readability {
    /// Highest Flesch-Kincaid grade a document may have.
    pub max_grade: f64,
}

impl Default for Readability {
    fn default() -> Readability {
        Readability { max_grade: 8.0 }
    }
}

/// Every jurisdiction known to a build, by code.
pub type Jurisdictions = BTreeMap<String, Jurisdiction>;
