//! The practice's own words in other languages (`[translations.XX]`): each
//! translated value with the English it was made from, per state where a
//! `[state.XX]` table changes the English.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// The practice's own words in one language: the same keys as the practice
/// file, for the text the documents print. Names (of the practice, its
/// offices and clinicians) stay as they are unless given here.
#[derive(Clone, Debug, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PracticeText {
    /// `fees.session`, `fees.late_cancellation`, `fees.sliding_scale`.
    #[serde(default)]
    pub fees: FeesText,
    /// `contact.response_time`.
    #[serde(default)]
    pub contact: ContactText,
    /// `clauses.*`.
    #[serde(default)]
    pub clauses: ClausesText,
    /// `privacy.contact` (a name and title).
    #[serde(default)]
    pub privacy: PrivacyText,
    /// `logo_alt`.
    #[serde(default)]
    pub logo_alt: Option<Translation>,
    /// Office names, by their English name.
    #[serde(default)]
    pub locations: BTreeMap<String, String>,
    /// Each clinician's own words, by id.
    #[serde(default)]
    pub clinicians: BTreeMap<String, ClinicianText>,
    /// A state's own words (`[translations.es.state.NJ]`), for the keys its
    /// `[state.NJ]` table sets.
    #[serde(default)]
    pub state: BTreeMap<String, StateText>,
}

impl PracticeText {
    /// The words of one state's forms: those its `[translations.XX.state.NJ]`
    /// table gives, over the practice's own.
    pub fn in_state(&self, state: &str) -> PracticeText {
        let mut t = self.clone();
        let Some(s) = self.state.get(state) else { return t };
        for (to, from) in [
            (&mut t.fees.session, &s.fees.session),
            (&mut t.fees.late_cancellation, &s.fees.late_cancellation),
            (&mut t.fees.sliding_scale, &s.fees.sliding_scale),
            (&mut t.contact.response_time, &s.contact.response_time),
            (&mut t.clauses.fees, &s.clauses.fees),
            (&mut t.clauses.cancellation, &s.clauses.cancellation),
            (&mut t.clauses.supervision, &s.clauses.supervision),
            (&mut t.clauses.communication, &s.clauses.communication),
            (&mut t.clauses.emergency, &s.clauses.emergency),
            (&mut t.clauses.couples, &s.clauses.couples),
            (&mut t.clauses.records, &s.clauses.records),
        ] {
            if from.is_some() {
                *to = from.clone();
            }
        }
        t
    }
}

/// One state's own words in one language.
#[derive(Clone, Debug, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct StateText {
    /// `fees.*` phrases.
    #[serde(default)]
    pub fees: FeesText,
    /// `contact.response_time`.
    #[serde(default)]
    pub contact: ContactText,
    /// `clauses.*`.
    #[serde(default)]
    pub clauses: ClausesText,
}

/// A translation of one of the practice's own values (issue 26): its text,
/// and the English it was made from (`{ from = "...", text = "..." }`), as
/// a PO entry keeps its msgid. When the English value changes, the
/// translation no longer matches and the forms in that language are held
/// back until it is updated. A bare string records no English: it is
/// accepted only for names (an office, a title), which are not held back.
#[derive(Clone, Debug, PartialEq, Deserialize, Serialize, JsonSchema)]
#[serde(untagged)]
pub enum Translation {
    /// The translation and the English it translates.
    Of {
        /// The English value it was made from.
        from: String,
        /// The translation.
        text: String,
    },
    /// A bare translation (names only).
    Text(String),
}

impl Translation {
    /// The translated text.
    pub fn text(&self) -> &str {
        match self {
            Translation::Of { text, .. } | Translation::Text(text) => text,
        }
    }

    /// The English it was made from, when recorded.
    pub fn from(&self) -> Option<&str> {
        match self {
            Translation::Of { from, .. } => Some(from),
            Translation::Text(_) => None,
        }
    }
}

/// Fee phrases in one language.
#[derive(Clone, Debug, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FeesText {
    /// `fees.session`.
    pub session: Option<Translation>,
    /// `fees.late_cancellation`.
    pub late_cancellation: Option<Translation>,
    /// `fees.sliding_scale`.
    pub sliding_scale: Option<Translation>,
}

/// Contact phrases in one language.
#[derive(Clone, Debug, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ContactText {
    /// `contact.response_time`.
    pub response_time: Option<Translation>,
}

/// The privacy contact in one language.
#[derive(Clone, Debug, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PrivacyText {
    /// `privacy.contact`.
    pub contact: Option<Translation>,
}

/// The practice's clauses in one language.
#[derive(Clone, Debug, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ClausesText {
    /// `clauses.fees`.
    pub fees: Option<Translation>,
    /// `clauses.cancellation`.
    pub cancellation: Option<Translation>,
    /// `clauses.supervision`.
    pub supervision: Option<Translation>,
    /// `clauses.communication`.
    pub communication: Option<Translation>,
    /// `clauses.emergency`.
    pub emergency: Option<Translation>,
    /// `clauses.couples`.
    pub couples: Option<Translation>,
    /// `clauses.records`.
    pub records: Option<Translation>,
}

/// A clinician's own words in one language.
#[derive(Clone, Debug, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ClinicianText {
    /// `approach`.
    pub approach: Option<Translation>,
    /// `education`, item by item.
    pub education: Option<Vec<Translation>>,
    /// `credentials`, when they read differently.
    pub credentials: Option<Translation>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Lang;
    use crate::model::practice::tests::{every_override_key_applies, example};

    #[test]
    fn every_key_of_a_state_table_replaces_the_practices_own_words() {
        let base = example().translations[&Lang::Es].clone();
        let n = every_override_key_applies(&base, |settings: StateText| {
            let mut t = base.clone();
            t.state.insert("NJ".to_string(), settings);
            (t.in_state("NJ"), t.in_state("CA"))
        });
        assert!(n >= 10, "{n} keys");
    }
}
