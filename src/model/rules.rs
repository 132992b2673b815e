//! The rule files' types (format 2): one version type per topic, the topic
//! table ([`TOPICS`], from the `topics!` list), and what every version
//! carries: whom it binds (`applies_to`), when it took force (`effective`,
//! or `in_force_by` when only a date it was seen in force is known), its
//! citation, source and status. See `jurisdictions/README.md`.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use toml::Spanned;

use crate::date::Date;

use super::terms::*;

/// What every rule version has besides its value.
pub trait RuleVersion: Serialize {
    /// The names of the value fields (for `unconfirmed = [...]`).
    const FIELDS: &'static [&'static str];
    /// Whom it binds.
    fn applies_to(&self) -> &[Spanned<AppliesTo>];
    /// The day this version took force, when known.
    fn effective(&self) -> Option<&Spanned<Date>>;
    /// When its start is not known: a day a source shows it in force.
    fn in_force_by(&self) -> Option<&Spanned<Date>>;
    /// The citation, as a lawyer writes it.
    fn citation(&self) -> &Spanned<String>;
    /// Where the value was confirmed.
    fn source(&self) -> &Spanned<String>;
    /// Whether the value was confirmed.
    fn status(&self) -> Status;
    /// How strongly the sources support it.
    fn evidence(&self) -> Option<&Spanned<Evidence>>;
    /// The date a published copy of the text is current through.
    fn current_through(&self) -> Option<&Spanned<Date>>;
    /// Value fields that could not be confirmed.
    fn unconfirmed(&self) -> &[Spanned<String>];
    /// The maintainers' note.
    fn note(&self) -> Option<&str>;

    /// The professions it binds, in [`Profession::ALL`] order.
    fn professions(&self) -> Vec<Profession> {
        let named: Vec<Profession> =
            self.applies_to().iter().flat_map(|a| a.get_ref().professions()).collect();
        Profession::ALL.into_iter().filter(|p| named.contains(p)).collect()
    }

    /// The first day the program applies it: `effective`, else `in_force_by`.
    fn start(&self) -> Option<Date> {
        self.effective().or(self.in_force_by()).map(|d| *d.get_ref())
    }
}

macro_rules! rule_version {
    ($(#[$m:meta])* $name:ident { $($(#[$fm:meta])* $field:ident : $ty:ty,)* }) => {
        $(#[$m])*
        #[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
        #[serde(deny_unknown_fields)]
        pub struct $name {
            /// Whom the rule binds: `["all"]` or profession ids.
            #[schemars(with = "Vec<AppliesTo>")]
            pub applies_to: Vec<Spanned<AppliesTo>>,
            /// The day this version took force.
            #[serde(default, skip_serializing_if = "Option::is_none")]
            #[schemars(with = "Option<Date>")]
            pub effective: Option<Spanned<Date>>,
            /// When the start is not known: a day a source shows it in force.
            #[serde(default, skip_serializing_if = "Option::is_none")]
            #[schemars(with = "Option<Date>")]
            pub in_force_by: Option<Spanned<Date>>,
            $($(#[$fm])* pub $field: $ty,)*
            /// The citation, as a lawyer writes it.
            #[schemars(with = "String")]
            pub citation: Spanned<String>,
            /// The URLs or titles where the value was confirmed, separated by ` ; `.
            #[schemars(with = "String")]
            pub source: Spanned<String>,
            /// Whether a person confirmed the value.
            pub status: Status,
            /// How strongly the sources support the fields it states: the
            /// weakest level among them (required when confirmed).
            #[serde(default, skip_serializing_if = "Option::is_none")]
            #[schemars(with = "Option<Evidence>")]
            pub evidence: Option<Spanned<Evidence>>,
            /// For `published-text`: the date the published copy is current through.
            #[serde(default, skip_serializing_if = "Option::is_none")]
            #[schemars(with = "Option<Date>")]
            pub current_through: Option<Spanned<Date>>,
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
            fn applies_to(&self) -> &[Spanned<AppliesTo>] { &self.applies_to }
            fn effective(&self) -> Option<&Spanned<Date>> { self.effective.as_ref() }
            fn in_force_by(&self) -> Option<&Spanned<Date>> { self.in_force_by.as_ref() }
            fn citation(&self) -> &Spanned<String> { &self.citation }
            fn source(&self) -> &Spanned<String> { &self.source }
            fn status(&self) -> Status { self.status }
            fn evidence(&self) -> Option<&Spanned<Evidence>> { self.evidence.as_ref() }
            fn current_through(&self) -> Option<&Spanned<Date>> { self.current_through.as_ref() }
            fn unconfirmed(&self) -> &[Spanned<String>] { &self.unconfirmed }
            fn note(&self) -> Option<&str> { self.note.as_deref() }
        }
    };
}

rule_version!(
    /// Child abuse and neglect reporting.
    ChildAbuse {
        /// Every adult must report, not only listed professionals.
        universal: bool,
        /// Who must report (phrases).
        reporters: Vec<String>,
        /// `reporters` is the statute's whole list.
        #[serde(default)]
        reporters_complete: bool,
        /// To whom (phrase).
        report_to: String,
        /// How fast (phrase).
        deadline: String,
    }
);

rule_version!(
    /// Elder, dependent, vulnerable or at-risk adult abuse reporting.
    ElderAbuse {
        /// Every person must report, not only listed professionals.
        universal: bool,
        /// To whom (phrase).
        report_to: String,
        /// How fast (phrase).
        #[serde(default)]
        deadline: Option<String>,
        /// Whom the law protects, each with its duty.
        #[serde(default)]
        groups: Vec<ElderGroup>,
        /// `groups` is every group the statute protects.
        #[serde(default)]
        groups_complete: bool,
    }
);

/// A group of adults an elder-abuse law protects.
#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ElderGroup {
    /// Must or may report.
    pub kind: Duty,
    /// Who they are (phrase: "a person age 65 or older").
    pub who: String,
    /// The age from which age alone puts a person in the group.
    #[serde(default)]
    pub age: Option<u32>,
}

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
        /// `discharge` is the statute's whole list.
        #[serde(default)]
        discharge_complete: bool,
    }
);

rule_version!(
    /// Minors' consent to outpatient mental-health care.
    Minors {
        /// At an age, at any age, or never.
        self_consent: SelfConsent,
        /// The age from which a minor may consent alone (with `self_consent = "age"`).
        #[serde(default)]
        consent_age: Option<u32>,
        /// Conditions of consenting alone (phrases).
        #[serde(default)]
        conditions: Vec<String>,
        /// `conditions` is the statute's whole list.
        #[serde(default)]
        conditions_complete: bool,
        /// Any one of `conditions` is enough (the statute's cases are
        /// alternatives); by default every condition must hold.
        #[serde(default)]
        conditions_any: bool,
        /// When parents are or are not told (sentences).
        #[serde(default)]
        parent_notice: Option<String>,
        /// What parents may see (sentences).
        #[serde(default)]
        parent_access: Option<String>,
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
        /// `exceptions` is the statute's whole list.
        #[serde(default)]
        exceptions_complete: bool,
    }
);

rule_version!(
    /// Record retention.
    Records {
        /// Minimum years an adult's record is kept.
        #[serde(default)]
        years: Option<u32>,
        /// How long records are kept (phrase).
        #[serde(default)]
        retention: Option<String>,
    }
);

rule_version!(
    /// Licensing boards that take complaints.
    LicensingBoards {
        /// One entry per board.
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

rule_version!(
    /// A client's access to their own records, where state law adds to HIPAA.
    RecordAccess {
        /// Days the state allows to give access or a copy.
        #[serde(default)]
        deadline_days: Option<u32>,
        /// How fast (phrase).
        #[serde(default)]
        deadline: Option<String>,
        /// What a copy may cost (phrase).
        #[serde(default)]
        fees: Option<String>,
        /// When access may be refused (phrases).
        #[serde(default)]
        limits: Vec<String>,
        /// `limits` is the statute's whole list.
        #[serde(default)]
        limits_complete: bool,
        /// Whether the state's right of access covers psychotherapy notes.
        #[serde(default)]
        notes_access: Option<NotesAccess>,
    }
);

rule_version!(
    /// State rules on the form that releases records.
    Authorization {
        /// Minimum type size of the form, in points.
        #[serde(default)]
        min_type_pt: Option<u32>,
        /// The form must give a specific end date.
        end_date_required: bool,
        /// Statements the form must print (sentences).
        #[serde(default)]
        statements: Vec<String>,
        /// `statements` is the statute's whole list.
        #[serde(default)]
        statements_complete: bool,
        /// Who signs a release of care a minor agreed to alone (sentence).
        #[serde(default)]
        minor_signs: Option<String>,
    }
);

rule_version!(
    /// State law that protects mental-health records more than HIPAA.
    PrivacyLimits {
        /// The protections (phrases).
        limits: Vec<String>,
        /// `limits` is the statute's whole list.
        #[serde(default)]
        limits_complete: bool,
    }
);

rule_version!(
    /// A professional disclosure statement the clinician must give.
    ProfessionalDisclosure {
        /// The state requires one.
        required: bool,
        /// When it is given (phrase).
        #[serde(default)]
        when: Option<String>,
        /// What it must contain (phrases).
        #[serde(default)]
        contents: Vec<String>,
        /// `contents` is the rule's whole list.
        #[serde(default)]
        contents_complete: bool,
        /// The board must approve it before use.
        #[serde(default)]
        board_approved: bool,
        /// The client signs it.
        #[serde(default)]
        signature: bool,
    }
);

/// A licensing board.
#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Board {
    /// The professions it licenses.
    #[schemars(with = "Vec<Profession>")]
    pub professions: Vec<Spanned<Profession>>,
    /// The board's name.
    pub name: String,
    /// Its website.
    pub website: String,
    /// Its phone number.
    #[serde(default)]
    pub phone: Option<String>,
    /// Where a client files a complaint: the board's complaint page (a URL)
    /// or phone, as the board gives it.
    #[serde(default)]
    pub complaints: Option<String>,
    /// The statute that creates it.
    #[schemars(with = "String")]
    pub citation: Spanned<String>,
    /// Where it was confirmed.
    #[schemars(with = "String")]
    pub source: Spanned<String>,
    /// Whether it was confirmed.
    pub status: Status,
    /// How strongly the sources support it.
    #[serde(default)]
    #[schemars(with = "Option<Evidence>")]
    pub evidence: Option<Spanned<Evidence>>,
    /// For `published-text`: the date the published copy is current through.
    #[serde(default)]
    #[schemars(with = "Option<Date>")]
    pub current_through: Option<Spanned<Date>>,
    /// A note for maintainers.
    #[serde(default)]
    pub note: Option<String>,
}

/// A topic: its versions.
#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Topic<V> {
    /// The versions, oldest first among those binding the same profession.
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
    /// Three letters for tables (`dtw`).
    pub short: &'static str,
    /// One of the eight topics every state's core forms rest on (the
    /// others add to HIPAA for the privacy documents and disclosures).
    pub core: bool,
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
    ($($(#[$doc:meta])* $field:ident: $ty:ty => $title:literal, $short:literal, $core:literal;)*) => {
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
            /// The file format: 2.
            #[schemars(with = "u32")]
            pub format: Spanned<u32>,
            $($(#[$doc])* pub $field: Topic<$ty>,)*
        }

        /// The topics, in the order documents and `explain` use.
        pub const TOPICS: &[TopicInfo] = &[$(TopicInfo {
            name: stringify!($field),
            title: $title,
            short: $short,
            core: $core,
        },)*];

        /// Each topic's name as a constant, so code that treats one topic
        /// specially names it in a way the compiler checks.
        #[allow(non_upper_case_globals)]
        pub mod topic {
            $(#[doc = $title] pub const $field: &str = stringify!($field);)*
        }

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
    child_abuse: ChildAbuse => "Child abuse and neglect reporting", "chl", true;
    /// Elder and vulnerable-adult abuse reporting.
    elder_abuse: ElderAbuse => "Elder and vulnerable-adult abuse reporting", "eld", true;
    /// Duty to warn or protect.
    duty_to_warn: DutyToWarn => "Duty to warn or protect", "dtw", true;
    /// Minors' consent.
    minors: Minors => "Minors' consent to outpatient mental-health care", "min", true;
    /// Court orders and privilege.
    court_orders: CourtOrders => "Court orders and the psychotherapist-patient privilege", "crt", true;
    /// Record retention.
    records: Records => "Record retention", "rec", true;
    /// Licensing boards.
    licensing_boards: LicensingBoards => "Licensing boards (complaints)", "brd", true;
    /// Telehealth consent.
    telehealth: Telehealth => "Telehealth consent", "tel", true;
    /// A client's access to their records.
    record_access: RecordAccess => "Access to your records (state additions to HIPAA)", "acc", false;
    /// Release-of-information forms.
    authorization: Authorization => "Release forms (state additions to HIPAA)", "aut", false;
    /// Stricter state privacy law.
    privacy_limits: PrivacyLimits => "State privacy law stricter than HIPAA", "prv", false;
    /// Professional disclosure statements.
    professional_disclosure: ProfessionalDisclosure => "Professional disclosure statement", "dis", false;
}

/// The topic names, in [`TOPICS`] order.
pub fn topic_names() -> impl Iterator<Item = &'static str> {
    TOPICS.iter().map(|t| t.name)
}
