//! The model: plain data read from the input files, with the byte spans that
//! diagnostics point at. No I/O here.
//!
//! A [`Jurisdiction`] holds one table per topic, each a list of dated
//! versions; every version carries its citation, source and status beside its
//! value (see `jurisdictions/README.md`). A [`Practice`] describes the practice
//! that the documents are for.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use toml::Spanned;

use crate::date::Date;

/// Whether a person confirmed a rule value in its cited source.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Read in the cited source.
    Confirmed,
    /// A best reading nobody has confirmed; documents leave it out.
    Unconfirmed,
}

/// Mandatory, permissive or no rule, for duty to warn and elder-abuse reporting.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// The law requires the therapist to act.
    Mandatory,
    /// The law allows the therapist to act.
    Permissive,
    /// The law sets no rule.
    None,
}

/// A licensed profession whose board takes complaints.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Deserialize, Serialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Profession {
    /// Psychologists.
    Psychology,
    /// Professional counselors.
    Counseling,
    /// Clinical social workers.
    SocialWork,
    /// Marriage and family therapists.
    MarriageFamilyTherapy,
}

impl Profession {
    /// Every profession, in the order documents list them.
    pub const ALL: [Profession; 4] = [
        Profession::Psychology,
        Profession::Counseling,
        Profession::SocialWork,
        Profession::MarriageFamilyTherapy,
    ];

    /// The name used in the files.
    pub fn key(self) -> &'static str {
        match self {
            Profession::Psychology => "psychology",
            Profession::Counseling => "counseling",
            Profession::SocialWork => "social_work",
            Profession::MarriageFamilyTherapy => "marriage_family_therapy",
        }
    }

    /// The profession in plain words.
    pub fn plain(self) -> &'static str {
        match self {
            Profession::Psychology => "psychologists",
            Profession::Counseling => "professional counselors",
            Profession::SocialWork => "clinical social workers",
            Profession::MarriageFamilyTherapy => "marriage and family therapists",
        }
    }
}

/// What every rule version has besides its value.
pub trait RuleVersion: Serialize {
    /// The names of the value fields (for `unconfirmed = [...]`).
    const FIELDS: &'static [&'static str];
    /// The day this version took force; `None` for a first version whose start is not recorded.
    fn effective(&self) -> Option<&Spanned<Date>>;
    /// The citation, as a lawyer writes it.
    fn citation(&self) -> &Spanned<String>;
    /// Where the value was confirmed.
    fn source(&self) -> &Spanned<String>;
    /// Whether the value was confirmed.
    fn status(&self) -> Status;
    /// Value fields that could not be confirmed.
    fn unconfirmed(&self) -> &[Spanned<String>];
}

macro_rules! rule_version {
    ($(#[$m:meta])* $name:ident { $($(#[$fm:meta])* $field:ident : $ty:ty,)* }) => {
        $(#[$m])*
        #[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
        #[serde(deny_unknown_fields)]
        pub struct $name {
            /// The day this version took force.
            #[serde(default)]
            #[schemars(with = "Option<Date>")]
            pub effective: Option<Spanned<Date>>,
            $($(#[$fm])* pub $field: $ty,)*
            /// The citation, as a lawyer writes it.
            #[schemars(with = "String")]
            pub citation: Spanned<String>,
            /// The URL or document title where the value was confirmed.
            #[schemars(with = "String")]
            pub source: Spanned<String>,
            /// Whether a person confirmed the value.
            pub status: Status,
            /// Value fields of this version that could not be confirmed.
            #[serde(default)]
            #[schemars(with = "Vec<String>")]
            pub unconfirmed: Vec<Spanned<String>>,
            /// A note for maintainers; never printed in a document.
            #[serde(default)]
            pub note: Option<String>,
        }

        impl RuleVersion for $name {
            const FIELDS: &'static [&'static str] = &[$(stringify!($field)),*];
            fn effective(&self) -> Option<&Spanned<Date>> { self.effective.as_ref() }
            fn citation(&self) -> &Spanned<String> { &self.citation }
            fn source(&self) -> &Spanned<String> { &self.source }
            fn status(&self) -> Status { self.status }
            fn unconfirmed(&self) -> &[Spanned<String>] { &self.unconfirmed }
        }
    };
}

rule_version!(
    /// Child abuse and neglect reporting.
    ChildAbuse {
        /// Every adult must report, not only listed professionals.
        universal: bool,
        /// Who must report (phrase).
        reporters: String,
        /// To whom (phrase).
        report_to: String,
        /// How fast (phrase).
        deadline: String,
    }
);

rule_version!(
    /// Elder and dependent-adult abuse reporting.
    ElderAbuse {
        /// Mandatory, permissive or none.
        kind: Kind,
        /// The age from which a person counts as an elder.
        #[serde(default)]
        age: Option<u32>,
        /// The law also covers dependent adults.
        #[serde(default)]
        dependent_adults: bool,
        /// To whom (phrase).
        #[serde(default)]
        report_to: Option<String>,
        /// How fast (phrase).
        #[serde(default)]
        deadline: Option<String>,
    }
);

rule_version!(
    /// Duty to warn or protect.
    DutyToWarn {
        /// Mandatory, permissive or none.
        kind: Kind,
        /// What the client must communicate (phrase).
        #[serde(default)]
        trigger: Option<String>,
        /// How the duty is discharged (phrases).
        #[serde(default)]
        discharge: Vec<String>,
        /// Where the rule differs by profession.
        #[serde(default)]
        professions: Option<String>,
    }
);

rule_version!(
    /// Minors' consent to outpatient mental-health care.
    Minors {
        /// The age from which a minor may consent alone; none where the state sets none.
        #[serde(default)]
        consent_age: Option<u32>,
        /// When a minor may consent alone (sentences).
        conditions: String,
        /// What parents may see (sentences).
        parent_access: String,
    }
);

rule_version!(
    /// Court orders and the psychotherapist-patient privilege.
    CourtOrders {
        /// The privilege (sentences).
        privilege: String,
        /// When a court can still require disclosure (phrases).
        #[serde(default)]
        exceptions: Vec<String>,
    }
);

rule_version!(
    /// Record retention.
    Records {
        /// Minimum years an adult's record is kept.
        #[serde(default)]
        years: Option<u32>,
        /// How long records are kept (phrase).
        retention: String,
    }
);

rule_version!(
    /// Licensing boards that take complaints.
    LicensingBoards {
        /// One board per profession.
        #[serde(default)]
        boards: Vec<Board>,
    }
);

rule_version!(
    /// State-specific telehealth consent requirements.
    Telehealth {
        /// The state requires a telehealth-specific consent.
        consent_required: bool,
        /// What it requires (phrase).
        #[serde(default)]
        requirement: Option<String>,
    }
);

/// A licensing board.
#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Board {
    /// The profession it licenses.
    #[schemars(with = "Profession")]
    pub profession: Spanned<Profession>,
    /// The board's name.
    pub name: String,
    /// Its website.
    pub website: String,
    /// Its phone number.
    #[serde(default)]
    pub phone: Option<String>,
    /// The statute that creates it.
    #[schemars(with = "String")]
    pub citation: Spanned<String>,
    /// Where it was confirmed.
    #[schemars(with = "String")]
    pub source: Spanned<String>,
    /// Whether it was confirmed.
    pub status: Status,
    /// A note for maintainers.
    #[serde(default)]
    pub note: Option<String>,
}

/// A topic: its versions, oldest first.
#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Topic<V> {
    /// The versions, oldest first.
    pub versions: Vec<V>,
}

/// One jurisdiction's rules.
#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Jurisdiction {
    /// USPS code.
    #[schemars(with = "String")]
    pub code: Spanned<String>,
    /// Full name.
    pub name: String,
    /// When a person last checked every rule.
    #[schemars(with = "Date")]
    pub last_reviewed: Spanned<Date>,
    /// Child abuse and neglect reporting.
    pub child_abuse: Topic<ChildAbuse>,
    /// Elder and dependent-adult abuse reporting.
    pub elder_abuse: Topic<ElderAbuse>,
    /// Duty to warn or protect.
    pub duty_to_warn: Topic<DutyToWarn>,
    /// Minors' consent.
    pub minors: Topic<Minors>,
    /// Court orders and privilege.
    pub court_orders: Topic<CourtOrders>,
    /// Record retention.
    pub records: Topic<Records>,
    /// Licensing boards.
    pub licensing_boards: Topic<LicensingBoards>,
    /// Telehealth consent.
    pub telehealth: Topic<Telehealth>,
}

/// The topic names, in the order documents and `explain` use.
pub const TOPICS: [&str; 8] = [
    "child_abuse",
    "elder_abuse",
    "duty_to_warn",
    "minors",
    "court_orders",
    "records",
    "licensing_boards",
    "telehealth",
];

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
