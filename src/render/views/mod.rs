//! The rule topics as templates see them, typed (issue 23). Each topic is a
//! [`TopicView`] of one [`RuleView`] per rule in force for the professions a
//! document covers; each rule's fields say what the law is in explicit
//! states, so a template never has to guess from a null or compare strings:
//!
//! - a fact that is **known** (a confirmed rule states it) is a value or a
//!   `true` flag (`must`, `any_age`, `required`);
//! - a fact **known to be absent** in the law has its own flag, set only when
//!   a confirmed rule says so in full (`no_duty`, `not_required`, a list's
//!   `none`): only these may become a "the law does not" sentence;
//! - a fact that is **unknown** (unconfirmed, or not researched) leaves every
//!   flag false and every value empty, and lists say `unknown`: the sentence
//!   for it is the one true everywhere;
//! - a **list** ([`List`]) is `whole` (the statute's whole list), `partial`
//!   (examples: "for example", "including"), `none` (confirmed empty) or
//!   `unknown`.
//!
//! `consentgen schema context` prints these types; `check` and `build`
//! refuse a template that reads a field a view does not have or compares a
//! rule field to a string (see [`crate::lint::template`]).

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::model::{Profession, topic};

mod build;
pub use build::{board_professions, topic_view};

/// A list a client reads, with how much of the law's list it is.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct List {
    /// The items, in the law's order (empty when unknown).
    pub items: Vec<String>,
    /// The items are the law's whole list: state them as complete.
    pub whole: bool,
    /// The items are examples from a longer list: introduce them with
    /// "for example" or "including", never as the whole list.
    pub partial: bool,
    /// A confirmed rule says the law's list is empty.
    pub none: bool,
    /// Nobody confirmed the list: say nothing of what is on it.
    pub unknown: bool,
}

impl List {
    /// A list from a rule's field and its `_complete` companion (each null
    /// when unconfirmed).
    pub fn new(items: &Value, complete: &Value) -> List {
        let Some(items) = items.as_array() else { return List::unknown() };
        let items: Vec<String> =
            items.iter().filter_map(|i| i.as_str().map(str::to_string)).collect();
        let whole = complete.as_bool() == Some(true);
        match (items.is_empty(), whole) {
            (true, true) => List { none: true, ..List::default() },
            // Not the whole list and nothing on it: nothing is known.
            (true, false) => List::unknown(),
            (false, whole) => List { items, whole, partial: !whole, ..List::default() },
        }
    }

    /// A list nobody confirmed.
    pub fn unknown() -> List {
        List { unknown: true, ..List::default() }
    }
}

/// What every rule view has, beside its topic's fields.
#[derive(Clone, Debug, Serialize, JsonSchema)]
#[schemars(rename = "{T}Rule")]
pub struct RuleView<T> {
    /// The rule is confirmed: a document may state it. When false every
    /// field below is empty or false, and `citation` is null.
    pub known: bool,
    /// Empty when the rule binds every profession the document covers, else
    /// those it binds, in plain words ("psychologists and psychiatrists").
    pub who: String,
    /// The profession ids it binds among those the document covers.
    pub professions: Vec<Profession>,
    /// A footnote label unique in the document (`dtw1`).
    pub label: String,
    /// The citation, as a lawyer writes it; null unless `known`.
    pub citation: Option<String>,
    /// The day it took force (YYYY-MM-DD), when recorded.
    pub effective: Option<String>,
    /// The practice's own sentence for this rule, when its counsel replaced
    /// it (`reviews.toml`): documents state it instead of the rule's own
    /// sentence, with `citation` (counsel's).
    pub counsel: Option<String>,
    /// The topic's own fields.
    #[serde(flatten)]
    pub fields: T,
}

/// One topic as a document sees it.
#[derive(Clone, Debug, Serialize, JsonSchema)]
#[schemars(rename = "{T}Topic")]
pub struct TopicView<T> {
    /// One entry per rule in force for some of the professions covered.
    pub rules: Vec<RuleView<T>>,
    /// Some rule is known.
    pub known: bool,
    /// The professions covered that no known rule binds, in plain words
    /// (empty when none): their sentence is the one true everywhere.
    pub unknown_for: String,
    /// No rule is known for any profession the document covers.
    pub all_unknown: bool,
}

/// Child abuse and neglect reporting.
#[derive(Clone, Debug, Default, Serialize, Deserialize, JsonSchema)]
pub struct ChildAbuseView {
    /// Every adult must report, not only professionals (known true).
    pub universal: bool,
    /// Who must report.
    pub reporters: List,
    /// To whom ("the county child welfare agency").
    pub report_to: Option<String>,
    /// How fast ("right away by phone").
    pub deadline: Option<String>,
}

/// Elder and vulnerable-adult abuse reporting.
#[derive(Clone, Debug, Default, Serialize, Deserialize, JsonSchema)]
pub struct ElderAbuseView {
    /// Every person must report, not only professionals (known true).
    pub universal: bool,
    /// To whom.
    pub report_to: Option<String>,
    /// How fast.
    pub deadline: Option<String>,
    /// The groups we must report abuse of ("a person age 65 or older").
    pub must: List,
    /// The groups we may report abuse of.
    pub may: List,
    /// Confirmed in full: the law requires and allows no report for these
    /// professions. The only state that may say "the law does not require".
    pub no_duty: bool,
    /// The groups are known but not the law's whole list: the law protects
    /// other adults too.
    pub more_groups: bool,
    /// Nobody confirmed whom the law protects.
    pub groups_unknown: bool,
}

/// Duty to warn or protect.
#[derive(Clone, Debug, Default, Serialize, Deserialize, JsonSchema)]
pub struct DutyToWarnView {
    /// The law requires us to act (known).
    pub must: bool,
    /// The law allows us to disclose, without requiring it (known).
    pub may: bool,
    /// Confirmed: the state has no such rule.
    pub no_duty: bool,
    /// What the client must communicate ("tells us of a serious threat ...").
    pub trigger: Option<String>,
    /// How the duty is discharged.
    pub discharge: List,
}

/// Minors' consent to outpatient mental-health care.
#[derive(Clone, Debug, Default, Serialize, Deserialize, JsonSchema)]
pub struct MinorsView {
    /// A minor of any age may consent alone (known).
    pub any_age: bool,
    /// A minor of this age or older may consent alone (known).
    pub from_age: Option<u32>,
    /// Confirmed: no minor may consent alone; a parent must.
    pub parent_consent: bool,
    /// Conditions of consenting alone.
    pub conditions: List,
    /// Any one condition is enough (else all must hold).
    pub conditions_any: bool,
    /// When parents are or are not told (sentences).
    pub parent_notice: Option<String>,
    /// What parents may see (sentences).
    pub parent_access: Option<String>,
}

/// Court orders and the privilege.
#[derive(Clone, Debug, Default, Serialize, Deserialize, JsonSchema)]
pub struct CourtOrdersView {
    /// The privilege in plain words (sentences).
    pub privilege: Option<String>,
    /// When a court can still require disclosure. When `unknown`, the
    /// document must say the law has exceptions; only `none` (confirmed
    /// empty) lets the privilege stand alone.
    pub exceptions: List,
}

/// Record retention.
#[derive(Clone, Debug, Default, Serialize, Deserialize, JsonSchema)]
pub struct RecordsView {
    /// Minimum years an adult's record is kept.
    pub years: Option<u32>,
    /// How long ("at least 7 years after your last visit").
    pub retention: Option<String>,
}

/// A licensing board, confirmed.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct BoardView {
    /// Its name.
    pub name: String,
    /// Its website.
    pub website: String,
    /// Its phone number, when recorded.
    pub phone: Option<String>,
    /// Where to file a complaint (a page or a phone), when recorded.
    pub complaints: Option<String>,
    /// The professions it licenses among those covered, in plain words.
    pub professions_plain: String,
    /// Those professions' ids.
    pub professions: Vec<Profession>,
}

/// One line of a consent's list of boards: a confirmed board, or the
/// professions whose board is not confirmed.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct BoardLine {
    /// The professions this line is for, in plain words.
    pub professions_plain: String,
    /// Their board, when confirmed; null: the client may ask us for it.
    pub board: Option<BoardView>,
    /// The psychiatrists' line (their board is the medical board).
    pub medical: bool,
}

/// Licensing boards.
#[derive(Clone, Debug, Default, Serialize, Deserialize, JsonSchema)]
pub struct LicensingBoardsView {
    /// The confirmed boards of the professions this rule covers.
    pub boards: Vec<BoardView>,
}

/// Telehealth consent.
#[derive(Clone, Debug, Default, Serialize, Deserialize, JsonSchema)]
pub struct TelehealthView {
    /// The state requires a telehealth-specific consent (known).
    pub required: bool,
    /// Confirmed: it requires none.
    pub not_required: bool,
    /// What it requires ("get your consent before we start").
    pub requirement: Option<String>,
}

/// Days HIPAA gives to act on a request for access (45 C.F.R. § 164.524(b)(2)).
pub const FEDERAL_ACCESS_DAYS: u32 = 30;

/// A client's access to their records.
#[derive(Clone, Debug, Default, Serialize, Deserialize, JsonSchema)]
pub struct RecordAccessView {
    /// Days the state allows.
    pub deadline_days: Option<u32>,
    /// How fast ("within 15 days after we get your written request"): set
    /// only when the state's days are known and no more than HIPAA's 30;
    /// otherwise documents print the federal 30 days.
    pub deadline: Option<String>,
    /// What a copy may cost.
    pub fees: Option<String>,
    /// When access may be refused.
    pub limits: List,
    /// State law gives access to psychotherapy notes too (known).
    pub notes_included: bool,
    /// State law, like HIPAA, leaves psychotherapy notes out (known).
    pub notes_excluded: bool,
}

/// State rules on the release form.
#[derive(Clone, Debug, Default, Serialize, Deserialize, JsonSchema)]
pub struct AuthorizationView {
    /// Minimum type size, in points.
    pub min_type_pt: Option<u32>,
    /// The form must give a specific end date (known).
    pub end_date_required: bool,
    /// Statements the form must print.
    pub statements: List,
    /// Who signs a release of care a minor agreed to alone (a sentence).
    pub minor_signs: Option<String>,
}

/// State law stricter than HIPAA.
#[derive(Clone, Debug, Default, Serialize, Deserialize, JsonSchema)]
pub struct PrivacyLimitsView {
    /// The protections.
    pub limits: List,
}

/// A professional disclosure statement.
#[derive(Clone, Debug, Default, Serialize, Deserialize, JsonSchema)]
pub struct ProfessionalDisclosureView {
    /// The state requires one (known).
    pub required: bool,
    /// Confirmed: it requires none.
    pub not_required: bool,
    /// When it is given.
    pub when: Option<String>,
    /// What it must contain.
    pub contents: List,
    /// The board must approve it before use (known).
    pub board_approved: bool,
    /// The client signs it (known).
    pub signature: bool,
}

/// The licensing boards topic, with one line per profession covered.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct BoardsTopic {
    /// The rules in force (as for every topic).
    #[serde(flatten)]
    pub topic: TopicView<LicensingBoardsView>,
    /// One line per confirmed board of the professions covered, then one
    /// for the professions whose board is not confirmed (psychiatrists on a
    /// line of their own: theirs is the medical board).
    pub lines: Vec<BoardLine>,
    /// Some profession covered has no confirmed board (a build warns).
    pub some_unknown: bool,
}

/// Every topic as a document template sees it, one key per topic: the type
/// `consentgen schema context` prints for the topics.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct Topics {
    /// Child abuse and neglect reporting.
    pub child_abuse: TopicView<ChildAbuseView>,
    /// Elder and vulnerable-adult abuse reporting.
    pub elder_abuse: TopicView<ElderAbuseView>,
    /// Duty to warn or protect.
    pub duty_to_warn: TopicView<DutyToWarnView>,
    /// Minors' consent.
    pub minors: TopicView<MinorsView>,
    /// Court orders and the privilege.
    pub court_orders: TopicView<CourtOrdersView>,
    /// Record retention.
    pub records: TopicView<RecordsView>,
    /// Licensing boards, with one line per profession covered.
    pub licensing_boards: BoardsTopic,
    /// Telehealth consent.
    pub telehealth: TopicView<TelehealthView>,
    /// Access to records.
    pub record_access: TopicView<RecordAccessView>,
    /// State rules on release forms.
    pub authorization: TopicView<AuthorizationView>,
    /// State law stricter than HIPAA.
    pub privacy_limits: TopicView<PrivacyLimitsView>,
    /// Professional disclosure statements.
    pub professional_disclosure: TopicView<ProfessionalDisclosureView>,
}

/// The property names of a type's JSON Schema, as templates see them (each
/// caller computes them once; the names live as long as the program).
fn properties<T: JsonSchema>() -> Vec<&'static str> {
    let schema = serde_json::to_value(schemars::schema_for!(T)).unwrap_or_default();
    let mut names: Vec<&'static str> = schema["properties"]
        .as_object()
        .map(|p| p.keys().map(|k| &*Box::leak(k.clone().into_boxed_str())).collect())
        .unwrap_or_default();
    names.sort_unstable();
    names
}

/// The fields of a rule view of `topic_name`, and of its topic view, taken
/// from the types themselves (for the template lint), computed once.
pub fn field_names(topic_name: &str) -> (Vec<&'static str>, Vec<&'static str>) {
    use std::sync::OnceLock;
    type Fields = BTreeMap<&'static str, (Vec<&'static str>, Vec<&'static str>)>;
    static FIELDS: OnceLock<Fields> = OnceLock::new();
    let all = FIELDS.get_or_init(|| {
        fn of<T: JsonSchema>() -> (Vec<&'static str>, Vec<&'static str>) {
            (properties::<RuleView<T>>(), properties::<TopicView<T>>())
        }
        let mut m = Fields::new();
        m.insert(topic::child_abuse, of::<ChildAbuseView>());
        m.insert(topic::elder_abuse, of::<ElderAbuseView>());
        m.insert(topic::duty_to_warn, of::<DutyToWarnView>());
        m.insert(topic::minors, of::<MinorsView>());
        m.insert(topic::court_orders, of::<CourtOrdersView>());
        m.insert(topic::records, of::<RecordsView>());
        m.insert(
            topic::licensing_boards,
            (properties::<RuleView<LicensingBoardsView>>(), properties::<BoardsTopic>()),
        );
        m.insert(topic::telehealth, of::<TelehealthView>());
        m.insert(topic::record_access, of::<RecordAccessView>());
        m.insert(topic::authorization, of::<AuthorizationView>());
        m.insert(topic::privacy_limits, of::<PrivacyLimitsView>());
        m.insert(topic::professional_disclosure, of::<ProfessionalDisclosureView>());
        m
    });
    all.get(topic_name).cloned().unwrap_or_default()
}

/// The fields of a [`List`], from the type.
pub fn list_fields() -> Vec<&'static str> {
    static F: std::sync::OnceLock<Vec<&'static str>> = std::sync::OnceLock::new();
    F.get_or_init(properties::<List>).clone()
}

/// The fields of a [`BoardView`].
pub fn board_fields() -> Vec<&'static str> {
    static F: std::sync::OnceLock<Vec<&'static str>> = std::sync::OnceLock::new();
    F.get_or_init(properties::<BoardView>).clone()
}

/// The fields of a [`BoardLine`].
pub fn line_fields() -> Vec<&'static str> {
    static F: std::sync::OnceLock<Vec<&'static str>> = std::sync::OnceLock::new();
    F.get_or_init(properties::<BoardLine>).clone()
}
