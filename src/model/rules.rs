//! The rule files' types: one version type per topic, the topic table
//! ([`TOPICS`], from the `topics!` list), and what every version carries.

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

/// A topic of the rule files: one table of `jurisdictions/XX.toml`, one key
/// of `explain --format json` and of a document's template context.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TopicInfo {
    /// Its name in the files, the JSON and the templates (`duty_to_warn`).
    pub name: &'static str,
    /// Its title for people ("Duty to warn or protect").
    pub title: &'static str,
}

/// Something done to every topic of a jurisdiction, whatever its version
/// type: checking, resolving, explaining. See [`Jurisdiction::each_topic`].
pub trait TopicVisitor {
    /// Visits one topic.
    fn topic<V: RuleVersion>(&mut self, info: &'static TopicInfo, topic: &Topic<V>);
}

/// Declares the topics once: the [`Jurisdiction`] fields, [`TOPICS`] and
/// [`Jurisdiction::each_topic`] all come from this one list, so a new topic
/// is one line here (plus its version type above and its template text).
macro_rules! topics {
    ($($(#[$doc:meta])* $field:ident: $ty:ty => $title:literal,)*) => {
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
            $($(#[$doc])* pub $field: Topic<$ty>,)*
        }

        /// The topics, in the order documents and `explain` use.
        pub const TOPICS: &[TopicInfo] = &[$(TopicInfo { name: stringify!($field), title: $title },)*];

        impl Jurisdiction {
            /// Calls `visitor` for every topic, in [`TOPICS`] order.
            pub fn each_topic(&self, visitor: &mut impl TopicVisitor) {
                let mut infos = TOPICS.iter();
                $(visitor.topic(infos.next().expect("one info per topic"), &self.$field);)*
            }
        }
    };
}

topics! {
    /// Child abuse and neglect reporting.
    child_abuse: ChildAbuse => "Child abuse and neglect reporting",
    /// Elder and dependent-adult abuse reporting.
    elder_abuse: ElderAbuse => "Elder and dependent-adult abuse reporting",
    /// Duty to warn or protect.
    duty_to_warn: DutyToWarn => "Duty to warn or protect",
    /// Minors' consent.
    minors: Minors => "Minors' consent to outpatient mental-health care",
    /// Court orders and privilege.
    court_orders: CourtOrders => "Court orders and the psychotherapist-patient privilege",
    /// Record retention.
    records: Records => "Record retention",
    /// Licensing boards.
    licensing_boards: LicensingBoards => "Licensing boards (complaints)",
    /// Telehealth consent.
    telehealth: Telehealth => "Telehealth consent",
}

/// The topic names, in [`TOPICS`] order.
pub fn topic_names() -> impl Iterator<Item = &'static str> {
    TOPICS.iter().map(|t| t.name)
}
