//! Reads `reviews.toml` beside `practice.toml` (issue 25) and checks what
//! its types cannot: known states and topics, a hash of 64 hex digits, a
//! `replace` with its text and citation, one review per state, topic and
//! profession. Every problem names the file, line and column.

use std::path::Path;

use super::{closest, parse_toml, read_input};
use crate::diag::{Diagnostic, FileId, Sources};
use crate::model::{Decision, Lang, Profession, Review, Reviews, topic_names};

/// The reviews file of a practice, as loaded.
#[derive(Clone, Debug, Default)]
pub struct LoadedReviews {
    /// Its decisions.
    pub reviews: Reviews,
    /// The file, for diagnostics (none when the practice has no reviews).
    pub file: Option<FileId>,
}

/// The reviews file's name, beside the practice file.
pub const REVIEWS_FILE: &str = "reviews.toml";

/// Loads `reviews.toml` beside `practice` (none for the bundled example, or
/// when the file does not exist), checked against the known states.
pub fn reviews(
    sources: &mut Sources,
    practice: Option<&Path>,
    known_states: &[&str],
    languages: &[Lang],
) -> Result<LoadedReviews, Vec<Diagnostic>> {
    let Some(practice) = practice else { return Ok(LoadedReviews::default()) };
    let path = practice.parent().unwrap_or(Path::new(".")).join(REVIEWS_FILE);
    if std::fs::symlink_metadata(&path).is_err() {
        return Ok(LoadedReviews::default());
    }
    let text = read_input(&path).map_err(|d| vec![d])?;
    let file = sources.add(path.display().to_string(), text);
    let reviews: Reviews = parse_toml(sources, file).map_err(|d| vec![d])?;
    let diags = check(file, &reviews, known_states, languages);
    if diags.is_empty() { Ok(LoadedReviews { reviews, file: Some(file) }) } else { Err(diags) }
}

/// The topics whose sentence counsel may replace with the practice's own:
/// those a document states in one sentence of its own (not the boards'
/// names and addresses, nor the privacy notice's lists).
pub const REPLACEABLE: &[&str] = &[
    "child_abuse",
    "elder_abuse",
    "duty_to_warn",
    "minors",
    "court_orders",
    "records",
    "telehealth",
];

/// What the types of `reviews.toml` cannot check, review by review: its
/// names, hash, decision, reviewer, and one review per state, topic and
/// professions.
fn check(
    file: FileId,
    reviews: &Reviews,
    known_states: &[&str],
    languages: &[Lang],
) -> Vec<Diagnostic> {
    let topics: Vec<&str> = topic_names().collect();
    let mut diags = Vec::new();
    let mut seen: Vec<(String, String, Vec<Profession>)> = Vec::new();
    for r in &reviews.review {
        let state = r.state.get_ref();
        let topic = r.topic.get_ref();
        check_names(file, r, known_states, &topics, &mut diags);
        check_hash(file, r, &mut diags);
        check_decision(file, r, languages, &mut diags);
        if r.reviewer.get_ref().trim().is_empty() {
            diags.push(
                Diagnostic::error("empty-reviewer", "`reviewer` is empty")
                    .at(file, r.reviewer.span())
                    .with_hint("name the lawyer who made the decision"),
            );
        }
        let mut profs: Vec<Profession> =
            r.professions.iter().flatten().map(|p| *p.get_ref()).collect();
        profs.sort();
        let key = (state.clone(), topic.clone(), profs);
        if seen.contains(&key) {
            diags.push(
                Diagnostic::error(
                    "duplicate-review",
                    format!("a second review of `{topic}` in {state} for the same professions"),
                )
                .at(file, r.topic.span())
                .with_hint("keep one decision per state, topic and professions"),
            );
        }
        seen.push(key);
    }
    diags
}

/// A review's state and topic: each must be one the rule files know, with
/// the closest known name as a hint.
fn check_names(
    file: FileId,
    r: &Review,
    known_states: &[&str],
    topics: &[&str],
    diags: &mut Vec<Diagnostic>,
) {
    let state = r.state.get_ref();
    if !known_states.contains(&state.as_str()) {
        let mut d = Diagnostic::error("unknown-state", format!("unknown state `{state}`"))
            .at(file, r.state.span())
            .with_label("not a state of the rule files");
        if let Some(best) = closest(state, known_states) {
            d = d.with_hint(format!("did you mean `{best}`?"));
        }
        diags.push(d);
    }
    let topic = r.topic.get_ref();
    if !topics.contains(&topic.as_str()) {
        let mut d = Diagnostic::error("unknown-topic", format!("unknown topic `{topic}`"))
            .at(file, r.topic.span())
            .with_label("not a topic of the rule files");
        if let Some(best) = closest(topic, topics) {
            d = d.with_hint(format!("did you mean `{best}`?"));
        }
        diags.push(d.with_hint(format!("topics: {}", topics.join(", "))));
    }
}

/// A review's hash: 64 lower-case hex digits, as `consentgen review` prints.
fn check_hash(file: FileId, r: &Review, diags: &mut Vec<Diagnostic>) {
    let hash = r.hash.get_ref();
    if hash.len() != 64 || !hash.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)) {
        let state = r.state.get_ref();
        diags.push(
            Diagnostic::error("bad-hash", "`hash` must be 64 lower-case hex digits")
                .at(file, r.hash.span())
                .with_label("not a hash `consentgen review` printed")
                .with_hint(format!(
                    "copy the `hash` that `consentgen review {state}` prints for this topic"
                )),
        );
    }
}

/// A review's decision: `replace` only for a replaceable topic, and with
/// its text in every language the forms are built in, and its `text` and
/// `citation`; `text` with no other decision.
fn check_decision(file: FileId, r: &Review, languages: &[Lang], diags: &mut Vec<Diagnostic>) {
    let topic = r.topic.get_ref();
    if *r.decision.get_ref() == Decision::Replace && !REPLACEABLE.contains(&topic.as_str()) {
        diags.push(
            Diagnostic::error(
                "not-replaceable",
                format!("`{topic}` cannot be replaced with the practice's own text"),
            )
            .at(file, r.decision.span())
            .with_hint(format!(
                "`replace` works for {}; decide `accept` or `reject` here",
                REPLACEABLE.join(", ")
            )),
        );
    }
    if *r.decision.get_ref() == Decision::Replace {
        for lang in languages.iter().filter(|l| **l != Lang::En && !r.translations.contains_key(l))
        {
            diags.push(
                Diagnostic::error("replace-needs-translation", format!("a `replace` decision needs its text in `{}` too", lang.code()))
                    .at(file, r.decision.span())
                    .with_hint(format!("add `translations = {{ {} = \"...\" }}`: the practice's forms are built in that language", lang.code())),
            );
        }
        for (field, missing) in [("text", r.text.is_none()), ("citation", r.citation.is_none())] {
            if missing {
                diags.push(
                    Diagnostic::error(
                        "replace-needs-text",
                        format!("a `replace` decision needs `{field}`"),
                    )
                    .at(file, r.decision.span())
                    .with_label("this decision")
                    .with_hint("give `text` (the sentence the forms state) and `citation` (as a lawyer writes it), or decide `accept` or `reject`"),
                );
            }
        }
    } else if let Some(t) = &r.text {
        diags.push(
            Diagnostic::error(
                "text-without-replace",
                "`text` goes with `decision = \"replace\"` only",
            )
            .at(file, t.span())
            .with_hint("remove `text`, or set `decision = \"replace\"`"),
        );
    }
}
