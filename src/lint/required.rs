//! Required elements: what each document must contain, checked on its text.
//!
//! The list is data (`templates/requirements.toml`, overridable like any
//! template): per document id, elements that pass when the text contains one
//! of their phrases as whole words, and elements tied to a topic of the
//! state's rules, which pass when the document cites that rule. Every
//! element names the block of the template that writes it (`block`), which
//! must still be in that template: so a rewording that keeps a phrase alive
//! elsewhere cannot hide a removed section (issue 23). A rule element applies
//! only when the state has that rule (confirmed, and not a confirmed "no
//! duty"); an element with `service` applies only when the practice offers
//! that service.

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::Value;

use crate::model::{Lang, Services};

/// One required element.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Element {
    /// A short stable name (`signature-client`).
    pub id: String,
    /// What it is, for the message ("a line for the client's signature").
    pub what: String,
    /// The block that writes it: `FILE:TEXT`, a piece of that template file
    /// (`consent.md:## What does it cost?`) that must be in it.
    #[serde(default)]
    pub block: Option<String>,
    /// Passes when the text contains any of these (case-insensitive).
    #[serde(default)]
    pub any: Vec<String>,
    /// The same, for a Spanish document: phrases of its Spanish text.
    #[serde(default)]
    pub es: Vec<String>,
    /// Passes when the text contains the citation of this topic's rule.
    #[serde(default)]
    pub rule: Option<String>,
    /// Applies only when the practice offers this service.
    #[serde(default)]
    pub service: Option<String>,
    /// For a `rule` element: applies only when these fields of the rule are
    /// confirmed and set (not null, false or empty).
    #[serde(default)]
    pub when: Vec<String>,
}

/// Required elements per document id.
pub type Requirements = BTreeMap<String, Vec<Element>>;

/// A required element a document lacks.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Missing {
    /// The element's id.
    pub id: String,
    /// What it is.
    pub what: String,
}

/// The service names an element's `service` may give.
pub const SERVICES: &[&str] = &["telehealth", "minors", "couples", "in_person"];

fn offers(services: &Services, name: &str) -> bool {
    match name {
        "telehealth" => services.telehealth,
        "minors" => services.minors,
        "couples" => services.couples,
        "in_person" => services.in_person,
        _ => false,
    }
}

impl Element {
    /// The template file and text of its `block`, when it names one.
    pub fn block(&self) -> Option<(&str, &str)> {
        self.block.as_deref().and_then(|b| b.split_once(':'))
    }
}

/// The elements `text` lacks, in the order the list gives them. `topics`
/// is what the document's template saw of each rule (see
/// `render::views`); `template` gives the text of a template file by name,
/// for each element's `block`.
pub fn missing<'t>(
    elements: &[Element],
    text: &str,
    topics: &BTreeMap<&'static str, Value>,
    services: &Services,
    lang: Lang,
    template: impl Fn(&str) -> Option<&'t str>,
) -> Vec<Missing> {
    let haystack = normalize(text);
    let mut out = Vec::new();
    for e in elements {
        if let Some(s) = &e.service
            && !offers(services, s)
        {
            continue;
        }
        if let Some((file, piece)) = e.block()
            && !template(file).is_some_and(|t| t.contains(piece))
        {
            out.push(Missing {
                id: e.id.clone(),
                what: format!(
                    "{} (the block that writes it, `{piece}`, is not in `{file}`)",
                    e.what
                ),
            });
            continue;
        }
        let present = if let Some(topic) = &e.rule {
            let Some(view) = topics.get(topic.as_str()) else { continue };
            // Every rule the document may state (known, not a confirmed
            // "no duty", with the fields `when` names set) must be cited.
            let set = |v: &Value| {
                !(v.is_null()
                    || v == &Value::Bool(false)
                    || v.as_array().is_some_and(|a| a.is_empty())
                    || v.get("items").and_then(Value::as_array).is_some_and(|a| a.is_empty()))
            };
            let citations: Vec<&str> = view["rules"]
                .as_array()
                .into_iter()
                .flatten()
                .filter(|r| r["known"] == true && r["no_duty"] != true)
                .filter(|r| e.when.iter().all(|f| r.get(f).is_some_and(set)))
                .filter_map(|r| r["citation"].as_str())
                .collect();
            citations.iter().all(|c| haystack.contains(&normalize(c)))
        } else {
            let phrases = match lang {
                Lang::En => &e.any,
                Lang::Es => &e.es,
            };
            if phrases.is_empty() && !e.any.is_empty() {
                out.push(Missing {
                    id: e.id.clone(),
                    what: format!(
                        "{} (requirements.toml gives no `{}` phrases for it)",
                        e.what,
                        lang.code()
                    ),
                });
                continue;
            }
            phrases.iter().any(|p| contains_words(&haystack, &normalize(p)))
        };
        if !present {
            out.push(Missing { id: e.id.clone(), what: e.what.clone() });
        }
    }
    out
}

/// Whether `phrase` occurs in `haystack` as whole words: not inside a longer
/// word ("fee" is not in "feel"), punctuation at its ends aside.
fn contains_words(haystack: &str, phrase: &str) -> bool {
    let word = |c: Option<char>| c.is_some_and(char::is_alphanumeric);
    let first = phrase.chars().next();
    let last = phrase.chars().next_back();
    haystack.match_indices(phrase).any(|(at, _)| {
        let before = haystack[..at].chars().next_back();
        let after = haystack[at + phrase.len()..].chars().next();
        !(word(first) && word(before) || word(last) && word(after))
    })
}

/// Lower case, curly quotes straightened, whitespace runs as one space.
fn normalize(text: &str) -> String {
    text.replace(['’', '‘'], "'")
        .replace(['“', '”'], "\"")
        .to_lowercase()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phrases_and_services() {
        let list: Requirements = toml::from_str(
            r#"
            [[consent]]
            id = "crisis"
            what = "the 988 crisis line"
            any = ["988"]
            [[consent]]
            id = "telehealth-location"
            what = "checking the client's location"
            any = ["where you are"]
            service = "telehealth"
            "#,
        )
        .unwrap();
        let mut services = Services::default();
        let els = &list["consent"];
        let none = BTreeMap::new();
        let t = |_: &str| None;
        assert!(missing(els, "Call or text 988.", &none, &services, Lang::En, t).is_empty());
        assert_eq!(missing(els, "Call 911.", &none, &services, Lang::En, t)[0].id, "crisis");
        services.telehealth = true;
        assert_eq!(
            missing(els, "Call 988.", &none, &services, Lang::En, t)[0].id,
            "telehealth-location"
        );
        assert!(
            missing(els, "Call 988. We ask where  you are.", &none, &services, Lang::En, t)
                .is_empty()
        );
    }

    #[test]
    fn phrases_are_whole_words_and_blocks_must_be_there() {
        let list: Requirements = toml::from_str(
            r#"
            [[consent]]
            id = "fees"
            what = "fees"
            block = "consent.md:## What does it cost?"
            any = ["fee"]
            "#,
        )
        .unwrap();
        let els = &list["consent"];
        let (none, services) = (BTreeMap::new(), Services::default());
        let with = |_: &str| Some("intro\n## What does it cost?\nOur fee is $1.");
        let without = |_: &str| Some("intro");
        let miss = |text: &str, t: &dyn Fn(&str) -> Option<&'static str>| {
            missing(els, text, &none, &services, Lang::En, t).len()
        };
        assert_eq!(miss("We feel fine.", &with), 1, "fee is not in feel");
        assert_eq!(miss("Our fee is $1.", &with), 0);
        assert_eq!(miss("Our fee is $1.", &without), 1, "the block is gone");
        assert!(contains_words("the fee.", "fee."));
        assert!(!contains_words("coffee", "fee"));
    }
}
