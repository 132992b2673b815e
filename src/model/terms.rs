//! The words a rule file is written in: whether a value is confirmed and on
//! what evidence, the kinds of duty and consent, and the professions a rule
//! binds (`Profession`, and `applies_to` as a rule file writes it).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Whether a person confirmed a rule value in its cited source.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Read in the cited source.
    Confirmed,
    /// A best reading nobody has confirmed; documents leave it out.
    Unconfirmed,
}

/// How strongly a source supports a rule version (issue 24). Ordered weakest
/// first, so the evidence of a version is the minimum over its sources.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, Serialize, JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum Evidence {
    /// NCSL, CCHP, JAAPL, professional associations: context only, never confirms.
    Secondary,
    /// An official body stating current law: an agency or board page, the
    /// Child Welfare Information Gateway, a committee statement or fiscal
    /// note, an attorney general opinion.
    OfficialSummary,
    /// The operative text read verbatim on Justia, Casetext, FindLaw, Cornell
    /// LII or public.law, with the date the page is current through.
    PublishedText,
    /// The operative text read on an official host, or in an official body's
    /// own repository.
    OfficialText,
}

impl Evidence {
    /// Every level, strongest first.
    pub const ALL: [Evidence; 4] = [
        Evidence::OfficialText,
        Evidence::PublishedText,
        Evidence::OfficialSummary,
        Evidence::Secondary,
    ];

    /// Its name in the files and the JSON (`official-text`).
    pub fn key(self) -> &'static str {
        match self {
            Evidence::OfficialText => "official-text",
            Evidence::PublishedText => "published-text",
            Evidence::OfficialSummary => "official-summary",
            Evidence::Secondary => "secondary",
        }
    }

    /// Whether it can confirm a value.
    pub fn confirms(self) -> bool {
        self != Evidence::Secondary
    }
}

/// Whether state law gives a client access to psychotherapy notes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum NotesAccess {
    /// The state's right of access covers the whole mental-health record,
    /// psychotherapy notes included.
    Included,
    /// State law, like HIPAA, leaves psychotherapy notes out of the right of access.
    Excluded,
}

/// Mandatory, permissive or no rule, for the duty to warn.
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

/// Must report, or may (is urged to) report: a protected group's duty.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Duty {
    /// The law requires a report.
    Mandatory,
    /// The law allows or urges a report.
    Permissive,
}

/// Whether a minor may consent to outpatient mental-health care alone.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum SelfConsent {
    /// From `consent_age` on.
    Age,
    /// At any age.
    AnyAge,
    /// Never: a parent must consent.
    None,
}

/// A licensed profession: whom a rule binds, and what a clinician is.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, Serialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Profession {
    /// Licensed psychologist.
    Psychologist,
    /// Licensed professional counselor (LPC, LPCC, LMHC, LCPC).
    ProfessionalCounselor,
    /// Licensed clinical social worker (LCSW, LICSW).
    ClinicalSocialWorker,
    /// Licensed marriage and family therapist.
    MarriageFamilyTherapist,
    /// Psychiatrist (a physician; the medical board).
    Psychiatrist,
}

impl Profession {
    /// Every profession, in the order documents list them.
    pub const ALL: [Profession; 5] = [
        Profession::Psychologist,
        Profession::ProfessionalCounselor,
        Profession::ClinicalSocialWorker,
        Profession::MarriageFamilyTherapist,
        Profession::Psychiatrist,
    ];

    /// The id used in the files.
    pub fn key(self) -> &'static str {
        match self {
            Profession::Psychologist => "psychologist",
            Profession::ProfessionalCounselor => "professional_counselor",
            Profession::ClinicalSocialWorker => "clinical_social_worker",
            Profession::MarriageFamilyTherapist => "marriage_family_therapist",
            Profession::Psychiatrist => "psychiatrist",
        }
    }

    /// The profession in plain words, singular.
    pub fn plain(self) -> &'static str {
        match self {
            Profession::Psychologist => "psychologist",
            Profession::ProfessionalCounselor => "professional counselor",
            Profession::ClinicalSocialWorker => "clinical social worker",
            Profession::MarriageFamilyTherapist => "marriage and family therapist",
            Profession::Psychiatrist => "psychiatrist",
        }
    }

    /// The profession in plain words, plural.
    pub fn plural(self) -> &'static str {
        match self {
            Profession::Psychologist => "psychologists",
            Profession::ProfessionalCounselor => "professional counselors",
            Profession::ClinicalSocialWorker => "clinical social workers",
            Profession::MarriageFamilyTherapist => "marriage and family therapists",
            Profession::Psychiatrist => "psychiatrists",
        }
    }
}

/// Joins phrases as a person writes a list: "a", "a and b", "a, b and c".
pub fn join_list(items: &[&str], last: &str) -> String {
    match items {
        [] => String::new(),
        [one] => one.to_string(),
        [rest @ .., end] => format!("{} {last} {end}", rest.join(", ")),
    }
}

/// Professions in plain words, plural, as a list ("psychologists and professional counselors").
pub fn professions_plain(ps: &[Profession]) -> String {
    let words: Vec<&str> = ps.iter().map(|p| p.plural()).collect();
    join_list(&words, "and")
}

/// One entry of `applies_to`: every profession, or one (written `"all"` or
/// a profession id; the professions are listed once, in [`Profession`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AppliesTo {
    /// Every profession.
    All,
    /// One profession.
    One(Profession),
}

impl AppliesTo {
    /// The professions this entry names.
    pub fn professions(self) -> Vec<Profession> {
        match self {
            AppliesTo::All => Profession::ALL.to_vec(),
            AppliesTo::One(p) => vec![p],
        }
    }
}

impl<'de> Deserialize<'de> for AppliesTo {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<AppliesTo, D::Error> {
        let word = String::deserialize(d)?;
        if word == "all" {
            return Ok(AppliesTo::All);
        }
        match Profession::ALL.into_iter().find(|p| p.key() == word) {
            Some(p) => Ok(AppliesTo::One(p)),
            None => Err(serde::de::Error::unknown_variant(&word, APPLIES_TO_WORDS)),
        }
    }
}

/// The words `applies_to` takes, for messages (a test keeps it in step
/// with [`Profession::ALL`]).
const APPLIES_TO_WORDS: &[&str] = &[
    "all",
    "psychologist",
    "professional_counselor",
    "clinical_social_worker",
    "marriage_family_therapist",
    "psychiatrist",
];

impl Serialize for AppliesTo {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            AppliesTo::All => s.serialize_str("all"),
            AppliesTo::One(p) => s.serialize_str(p.key()),
        }
    }
}

impl JsonSchema for AppliesTo {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "AppliesTo".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        let words = APPLIES_TO_WORDS;
        schemars::json_schema!({
            "description": "Every profession (`all`), or one profession id.",
            "type": "string",
            "enum": words,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn applies_to_words_are_all_and_the_professions() {
        let mut words = vec!["all"];
        words.extend(Profession::ALL.map(Profession::key));
        assert_eq!(APPLIES_TO_WORDS, words.as_slice());
        let a: Vec<AppliesTo> = serde_json::from_str(r#"["all", "psychiatrist"]"#).unwrap();
        assert_eq!(a, vec![AppliesTo::All, AppliesTo::One(Profession::Psychiatrist)]);
        assert!(serde_json::from_str::<AppliesTo>(r#""psychiatrists""#).is_err());
    }
}
