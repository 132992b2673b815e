//! The practice file's types: the practice, its clinicians and licences,
//! offices, services, fees, clauses and privacy contact.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use toml::Spanned;

use crate::date::Date;

use super::{Jurisdiction, Lang, PracticeText, Profession};

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
    /// Which documents go into each packet.
    #[serde(default)]
    pub packets: Packets,
    /// A logo for the page header of every PDF and web page (PNG or SVG),
    /// relative to the practice file.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub logo: Option<Spanned<String>>,
    /// The logo's text alternative ("Harbor Counseling logo: a lighthouse").
    #[serde(default)]
    pub logo_alt: Option<String>,
    /// The languages documents are built in (`en`, `es`), each in
    /// `<STATE>/<lang>/`; default English only.
    #[serde(default = "default_languages")]
    #[schemars(with = "Vec<Lang>")]
    pub languages: Vec<Spanned<Lang>>,
    /// The practice's own words in each language besides English
    /// (`[translations.es]`): every fee, clause and clinician's text the
    /// documents print, in that language.
    #[serde(default)]
    pub translations: BTreeMap<Lang, PracticeText>,
    /// Settings of one state (`[state.NJ]`): each key set there replaces
    /// that key of `fees`, `services`, `contact` or `clauses` in that
    /// state's forms; the others stay.
    #[serde(default)]
    #[schemars(with = "BTreeMap<String, StateSettings>")]
    pub state: BTreeMap<Spanned<String>, StateSettings>,
}

/// What one state's forms say differently from the practice's (issue 26):
/// insurance in one state only, a state's own fee, phone or clause.
#[derive(Clone, Debug, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct StateSettings {
    /// Fee keys for this state.
    #[serde(default)]
    pub fees: FeesOverride,
    /// Service keys for this state.
    #[serde(default)]
    pub services: ServicesOverride,
    /// Contact keys for this state.
    #[serde(default)]
    pub contact: Contact,
    /// Clauses for this state.
    #[serde(default)]
    pub clauses: Clauses,
}

/// `[state.XX.fees]`: each key set replaces the practice's.
#[derive(Clone, Debug, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FeesOverride {
    /// See [`Fees::session`].
    pub session: Option<String>,
    /// See [`Fees::cancellation_notice_hours`].
    pub cancellation_notice_hours: Option<u32>,
    /// See [`Fees::late_cancellation`].
    pub late_cancellation: Option<String>,
    /// See [`Fees::insurance`].
    pub insurance: Option<bool>,
    /// See [`Fees::self_pay`].
    pub self_pay: Option<bool>,
    /// See [`Fees::sliding_scale`].
    pub sliding_scale: Option<String>,
}

/// `[state.XX.services]`: each key set replaces the practice's.
#[derive(Clone, Debug, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ServicesOverride {
    /// See [`Services::in_person`].
    pub in_person: Option<bool>,
    /// See [`Services::telehealth`].
    pub telehealth: Option<bool>,
    /// See [`Services::minors`].
    pub minors: Option<bool>,
    /// See [`Services::couples`].
    pub couples: Option<bool>,
}

impl Practice {
    /// The practice as one state's forms see it: each key its `[state.XX]`
    /// table sets replaces the practice's own.
    pub fn in_state(&self, state: &str) -> Practice {
        let mut p = self.clone();
        let Some(s) = self.state.iter().find(|(k, _)| k.get_ref() == state).map(|(_, v)| v) else {
            return p;
        };
        fn set<T: Clone>(to: &mut T, from: &Option<T>) {
            if let Some(v) = from {
                *to = v.clone();
            }
        }
        fn set_opt<T: Clone>(to: &mut Option<T>, from: &Option<T>) {
            if from.is_some() {
                *to = from.clone();
            }
        }
        let f = &s.fees;
        set_opt(&mut p.fees.session, &f.session);
        set_opt(&mut p.fees.cancellation_notice_hours, &f.cancellation_notice_hours);
        set_opt(&mut p.fees.late_cancellation, &f.late_cancellation);
        set(&mut p.fees.insurance, &f.insurance);
        set(&mut p.fees.self_pay, &f.self_pay);
        set_opt(&mut p.fees.sliding_scale, &f.sliding_scale);
        let v = &s.services;
        set(&mut p.services.in_person, &v.in_person);
        set(&mut p.services.telehealth, &v.telehealth);
        set(&mut p.services.minors, &v.minors);
        set(&mut p.services.couples, &v.couples);
        let c = &s.contact;
        for (to, from) in [
            (&mut p.contact.phone, &c.phone),
            (&mut p.contact.email, &c.email),
            (&mut p.contact.website, &c.website),
            (&mut p.contact.address, &c.address),
            (&mut p.contact.response_time, &c.response_time),
        ] {
            set_opt(to, from);
        }
        let k = &s.clauses;
        for (to, from) in [
            (&mut p.clauses.fees, &k.fees),
            (&mut p.clauses.cancellation, &k.cancellation),
            (&mut p.clauses.supervision, &k.supervision),
            (&mut p.clauses.communication, &k.communication),
            (&mut p.clauses.emergency, &k.emergency),
            (&mut p.clauses.couples, &k.couples),
            (&mut p.clauses.records, &k.records),
        ] {
            set_opt(to, from);
        }
        p
    }
}

fn default_languages() -> Vec<Spanned<Lang>> {
    vec![Spanned::new(0..0, Lang::En)]
}

/// Which documents go into the packets a practice hands out: one for an
/// adult client, one for a minor and their parents, one for a couple.
/// Unset lists take sensible defaults (see `plan::packets`).
#[derive(Clone, Debug, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Packets {
    /// The adult client's packet.
    #[serde(default)]
    #[schemars(with = "Option<Vec<String>>")]
    pub adult: Option<Vec<Spanned<String>>>,
    /// A minor's packet (built when the practice sees minors).
    #[serde(default)]
    #[schemars(with = "Option<Vec<String>>")]
    pub minor: Option<Vec<Spanned<String>>>,
    /// A couple's packet (built when the practice sees couples).
    #[serde(default)]
    #[schemars(with = "Option<Vec<String>>")]
    pub couple: Option<Vec<Spanned<String>>>,
}

impl Practice {
    /// Whether telehealth is offered in a state.
    pub fn telehealth_in(&self, state: &str) -> bool {
        let s = &self.services;
        s.telehealth
            && s.telehealth_states.as_ref().is_none_or(|l| l.iter().any(|x| x.get_ref() == state))
    }
}

fn default_forms_version() -> String {
    "1".to_string()
}

fn default_documents() -> Vec<Spanned<String>> {
    ["consent", "confidentiality"].into_iter().map(|d| Spanned::new(0..0, d.to_string())).collect()
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
    pub profession: Profession,
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
    /// Degrees and training, for a professional disclosure statement
    /// ("MA in Counseling, Lewis & Clark College, 2019").
    #[serde(default)]
    pub education: Vec<String>,
    /// How they work with clients, in their own words, for a professional
    /// disclosure statement.
    #[serde(default)]
    pub approach: Option<String>,
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
#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct Fees {
    /// The fee for a session (phrase, e.g. "$150 for a 50-minute session").
    pub session: Option<String>,
    /// Hours of notice needed to cancel without a fee.
    pub cancellation_notice_hours: Option<u32>,
    /// The fee for a late cancellation or missed session (phrase).
    pub late_cancellation: Option<String>,
    /// The practice bills clients' health insurance; `false` removes every
    /// word about insurance.
    pub insurance: bool,
    /// Clients may pay for care themselves (without insurance): the Good
    /// Faith Estimate notice is built (45 C.F.R. § 149.610).
    pub self_pay: bool,
    /// A sliding scale, in the practice's words ("fees from $60 to $150,
    /// based on income").
    pub sliding_scale: Option<String>,
}

impl Default for Fees {
    fn default() -> Fees {
        Fees {
            session: None,
            cancellation_notice_hours: None,
            late_cancellation: None,
            insurance: true,
            self_pay: false,
            sliding_scale: None,
        }
    }
}

/// Clauses a practice writes itself for its own policies; each replaces
/// the default text of its section of the consent, printed as plain-text
/// paragraphs (a blank line starts a new one). Sentences that state the
/// law are not clauses: counsel changes those (`reviews.toml`, `replace`).
#[derive(Clone, Debug, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Clauses {
    /// Fees, billing and insurance ("What does it cost?").
    pub fees: Option<String>,
    /// Cancellations and missed sessions ("What if you need to cancel?").
    pub cancellation: Option<String>,
    /// Supervision of associates and trainees ("Who else is part of your
    /// care?", in states where an associate works).
    pub supervision: Option<String>,
    /// Calls, email, texts, after-hours contact ("How can you reach us?").
    pub communication: Option<String>,
    /// What to do when the practice cannot answer ("What if there is an
    /// emergency?"; the 988 and 911 lines always follow).
    pub emergency: Option<String>,
    /// Couples and family sessions: who the client is, what is kept
    /// between sessions with one partner.
    pub couples: Option<String>,
    /// How to ask for records and copies ("What happens to your records?").
    pub records: Option<String>,
}

/// The privacy contact for the notice of privacy practices.
#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Privacy {
    /// Name or title of the privacy contact ("Jordan Lee, Privacy Officer").
    pub contact: Option<String>,
    /// Their phone, when not the office's.
    pub phone: Option<String>,
    /// Their email, when not the office's.
    pub email: Option<String>,
    /// Where clients write to the practice about privacy (to cancel a
    /// permission, to ask for records), when not the office's address.
    pub address: Option<String>,
    /// The date the notice of privacy practices takes effect (45 C.F.R.
    /// § 164.520(b)(1)(viii)); default: the practice's `effective`. A
    /// revised notice needs a new, later date (§ 164.520(c)(2)(iv)): a build
    /// refuses a changed notice whose date did not move forward.
    #[serde(default)]
    pub notice_effective: Option<Date>,
    /// Whether the practice contacts clients to raise funds.
    #[serde(default)]
    pub fundraising: bool,
    /// Whether the practice may share what a family member or friend
    /// involved in the client's care needs to know, when the client does
    /// not object (45 C.F.R. § 164.510(b)); `false` says it does not.
    #[serde(default = "yes")]
    pub family_and_friends: bool,
    /// Whether the practice may share information with disaster-relief
    /// agencies (45 C.F.R. § 164.510(b)(4)); `false` says it does not.
    #[serde(default)]
    pub disaster_relief: bool,
}

fn yes() -> bool {
    true
}

impl Default for Privacy {
    fn default() -> Privacy {
        Privacy {
            contact: None,
            phone: None,
            email: None,
            address: None,
            notice_effective: None,
            fundraising: false,
            family_and_friends: true,
            disaster_relief: false,
        }
    }
}

/// The plain-language bar.
#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct Readability {
    /// Highest Flesch-Kincaid grade an English document may have.
    pub max_grade: f64,
    /// Lowest Szigriszt-Pazos (INFLESZ) score a Spanish document may have:
    /// 65 is "bastante fácil" (fairly easy).
    pub min_inflesz: f64,
}

impl Default for Readability {
    fn default() -> Readability {
        Readability { max_grade: 8.0, min_inflesz: 65.0 }
    }
}

/// Every jurisdiction known to a build, by code.
pub type Jurisdictions = BTreeMap<String, Jurisdiction>;

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use serde::de::DeserializeOwned;
    use serde_json::{Value, json};

    /// For an override type `S` (a `[state.XX]` table): every key it takes
    /// (those its default lists), set to a value unlike `base`'s own, is
    /// applied by `apply`, which returns the result in that state and in
    /// another. A key added to an override type but not copied where the
    /// overrides are applied fails here. Returns the number of keys.
    pub(crate) fn every_override_key_applies<
        B: Serialize,
        S: Default + Serialize + DeserializeOwned,
    >(
        base: &B,
        apply: impl Fn(S) -> (B, B),
    ) -> usize {
        let before = serde_json::to_value(base).unwrap();
        let mut checked = 0;
        for (table, fields) in serde_json::to_value(S::default()).unwrap().as_object().unwrap() {
            for key in fields.as_object().unwrap().keys() {
                let old = &before[table][key];
                let candidates = [
                    json!({"from": "set for this state", "text": "para este estado"}),
                    json!("set for this state"),
                    json!(999),
                    json!(!old.as_bool().unwrap_or(false)),
                ];
                let settings = candidates
                    .into_iter()
                    .find_map(|v| serde_json::from_value::<S>(json!({table: {key: v}})).ok())
                    .unwrap_or_else(|| panic!("no test value fits {table}.{key}"));
                let value: Value = serde_json::to_value(&settings).unwrap()[table][key].clone();
                assert_ne!(old, &value, "{table}.{key}");
                let (here, elsewhere) = apply(settings);
                let (here, elsewhere) =
                    (serde_json::to_value(here).unwrap(), serde_json::to_value(elsewhere).unwrap());
                assert_eq!(here[table][key], value, "[state.XX.{table}] {key} is not applied");
                assert_eq!(
                    &elsewhere[table][key], old,
                    "[state.XX.{table}] {key} reaches another state"
                );
                checked += 1;
            }
        }
        checked
    }

    /// The bundled example practice.
    pub(crate) fn example() -> Practice {
        toml::from_str(include_str!("../../examples/practice.toml")).unwrap()
    }

    #[test]
    fn every_key_of_a_state_table_replaces_the_practices_own() {
        let base = example();
        let n = every_override_key_applies(&base, |settings: StateSettings| {
            let mut p = base.clone();
            p.state.insert(Spanned::new(0..0, "NJ".to_string()), settings);
            (p.in_state("NJ"), p.in_state("CA"))
        });
        assert!(n >= 20, "{n} keys");
    }
}
