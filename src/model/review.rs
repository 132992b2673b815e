//! Counsel's review (issue 25): `reviews.toml` beside `practice.toml`
//! records what the practice's lawyer decided about a state's rule for its
//! own forms, one `[[review]]` each, tied to the hash `consentgen review`
//! printed for that rule, so that a later change to the rule (new data, a
//! new version in force, a new draft sentence) makes the review stale
//! instead of silently changing approved text.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use toml::Spanned;

use super::{Lang, Profession};
use crate::date::Date;

/// `reviews.toml`.
#[derive(Clone, Debug, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Reviews {
    /// Counsel's decisions, one per state, topic and group of professions.
    #[serde(default)]
    pub review: Vec<Review>,
}

/// What counsel decided about one rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Decision {
    /// State the draft sentence the data gives, as if the rule were confirmed.
    Accept,
    /// State the practice's own `text`, with its own `citation`.
    Replace,
    /// Keep the sentence that is true everywhere.
    Reject,
}

/// One `[[review]]`.
#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Review {
    /// The state (USPS code).
    #[schemars(with = "String")]
    pub state: Spanned<String>,
    /// The topic (`duty_to_warn`).
    #[schemars(with = "String")]
    pub topic: Spanned<String>,
    /// The professions it covers; by default every profession the practice
    /// has in that state.
    #[serde(default)]
    #[schemars(with = "Option<Vec<Profession>>")]
    pub professions: Option<Vec<Spanned<Profession>>>,
    /// What counsel decided.
    #[schemars(with = "Decision")]
    pub decision: Spanned<Decision>,
    /// For `replace`: the sentence the forms state instead (English).
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub text: Option<Spanned<String>>,
    /// For `replace`: the sentence in the practice's other languages.
    #[serde(default)]
    pub translations: BTreeMap<Lang, String>,
    /// For `replace`: its citation, as a lawyer writes it.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub citation: Option<Spanned<String>>,
    /// Who reviewed it (never printed in a client's form).
    #[schemars(with = "String")]
    pub reviewer: Spanned<String>,
    /// When.
    #[schemars(with = "Date")]
    pub date: Spanned<Date>,
    /// The `hash` `consentgen review` printed for this state, topic and
    /// professions: 64 hex digits.
    #[schemars(with = "String")]
    pub hash: Spanned<String>,
}
