//! Counsel's review (issue 25). For each topic of a state and each group of
//! the practice's professions there that one rule version binds, the review
//! sheet gives the sentence the forms state now, the sentence they would
//! state if the data were confirmed (the *draft*, drafted even for
//! unconfirmed rules), the citation, every source with its evidence, the
//! research note, and a hash of what a client would read: the version's
//! stated values and citation and the draft in each of the practice's
//! languages (not the note or the sources), so a changed value, a new
//! version in force or a reworded template invalidates a review and a new
//! note does not.
//!
//! A `[[review]]` of `reviews.toml` whose hash matches is applied to the
//! rules a document states ([`apply`]): `accept` states the draft as if the
//! rule were confirmed, `replace` the practice's own sentence with its own
//! citation, `reject` the sentence true everywhere. One whose hash no
//! longer matches is stale: the forms fall back to the data as it is, and
//! `check` reports it (problem kind `review`).

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::{Value, json};

use crate::date::Date;
use crate::diag::Diagnostic;
use crate::i18n::Language;
use crate::load::Inputs;
use crate::load::hosts::{self, HostKind};
use crate::model::{Decision, Evidence, Lang, Profession, Review, TOPICS};
use crate::resolve::{InForce, Resolved};

/// A source of a rule version, with the evidence it gives.
#[derive(Clone, Debug, Serialize)]
pub struct SourceRecord {
    /// Its URL.
    pub url: String,
    /// `official-text`, `published-text`, `official-summary`, `secondary`,
    /// or null (a host that is none of these).
    pub evidence: Option<&'static str>,
    /// For published text: the date the copy is current through.
    pub current_through: Option<String>,
}

pub use crate::manifest::Reviewed;

/// One line of the review sheet: a topic, for the professions one rule binds.
#[derive(Clone, Debug, Serialize)]
pub struct ReviewRecord {
    /// USPS code.
    pub state: String,
    /// The topic (`duty_to_warn`).
    pub topic: &'static str,
    /// The professions of the practice there this rule binds.
    pub applies_to: Vec<Profession>,
    /// `confirmed` or `unconfirmed` (the data's own status).
    pub status: &'static str,
    /// The version's evidence level, if any.
    pub evidence: Option<&'static str>,
    /// What the forms state now (in the practice's first language).
    pub now: String,
    /// What they would state from the data if it were confirmed (first language).
    pub draft: String,
    /// The draft in each of the practice's languages.
    pub drafts: BTreeMap<&'static str, String>,
    /// The citation.
    pub citation: String,
    /// Every source, with its evidence.
    pub sources: Vec<SourceRecord>,
    /// The researchers' note.
    pub note: Option<String>,
    /// The hash a `[[review]]` must give (64 hex digits).
    pub hash: String,
    /// Counsel's decision on it, when `reviews.toml` has one.
    pub review: Option<Reviewed>,
}

/// The professions of the practice in `state` on `date` (every profession
/// when nobody is licensed there: the forms then speak for all).
pub fn practice_professions(inputs: &Inputs, state: &str, date: Date) -> Vec<Profession> {
    let team: Vec<Profession> = inputs
        .practice
        .clinicians
        .iter()
        .filter(|c| c.license_on(state, date).is_some())
        .map(|c| c.profession)
        .collect();
    if team.is_empty() {
        return Profession::ALL.to_vec();
    }
    Profession::ALL.into_iter().filter(|p| team.contains(p)).collect()
}

/// The rule groups of a state: each topic's versions in force, with the
/// practice's professions each binds.
fn groups(resolved: &[Resolved], profs: &[Profession]) -> Vec<(usize, usize, Vec<Profession>)> {
    let mut out = Vec::new();
    for (t, r) in resolved.iter().enumerate() {
        for (v, inf) in r.in_force.iter().enumerate() {
            let binds: Vec<Profession> =
                inf.professions.iter().filter(|p| profs.contains(p)).copied().collect();
            if !binds.is_empty() {
                out.push((t, v, binds));
            }
        }
    }
    out
}

/// A copy of a topic with one version as confirmed in every field.
fn confirmed(r: &Resolved, v: usize) -> Resolved {
    let mut r = r.clone();
    let inf = &mut r.in_force[v];
    inf.confirmed = true;
    inf.unconfirmed_fields.clear();
    r
}

/// The sentences a topic's component would write for `binds` in each
/// language were version `v` confirmed: the drafts counsel reviews.
fn drafts(
    inputs: &Inputs,
    r: &Resolved,
    v: usize,
    binds: &[Profession],
    languages: &[Language<'_>],
    state: &str,
    budget: &crate::budget::Budget,
) -> Result<BTreeMap<&'static str, String>, Diagnostic> {
    let draft_rules = confirmed(r, v);
    languages
        .iter()
        .map(|lang| {
            Ok((lang.lang.code(), sentence(inputs, &draft_rules, binds, lang, state, budget)?))
        })
        .collect()
}

/// The sentences a topic's component writes for `profs`, as plain text.
fn sentence(
    inputs: &Inputs,
    r: &Resolved,
    profs: &[Profession],
    lang: &Language<'_>,
    state: &str,
    budget: &crate::budget::Budget,
) -> Result<String, Diagnostic> {
    let name = lang.state_name(&inputs.jurisdictions[state].rules.name, state);
    let view = crate::render::views::topic_view(r, profs, lang, state);
    let mut ctx = tera::Context::new();
    ctx.insert("topic", r.topic);
    ctx.insert("t", &view);
    ctx.insert("state", &name);
    ctx.insert("clinician", &Value::Null);
    let markdown = inputs.templates.render_markdown("_topic", &ctx, lang.lang, budget)?;
    // Footnote marks without their notes: the citation is given beside.
    let text = crate::render::from_markdown(without_footnote_marks(&markdown), lang).text;
    let lines: Vec<String> = text
        .lines()
        .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|l| !l.is_empty())
        .collect();
    Ok(unmarked(&lines.join("\n")))
}

/// Text with each mark of a missing translation (see [`crate::i18n`]) shown
/// as words: the English it stands before is what the sheet shows.
fn unmarked(text: &str) -> String {
    use crate::i18n::{MARK_END, MARK_START};
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find(MARK_START) {
        out.push_str(&rest[..at]);
        out.push_str("[not yet translated] ");
        let after = &rest[at + MARK_START.len_utf8()..];
        rest = after.find(MARK_END).map_or(after, |e| &after[e + MARK_END.len_utf8()..]);
    }
    out.push_str(rest);
    out
}

/// Markdown without its footnote references (`[^dtw1]`).
fn without_footnote_marks(markdown: &str) -> String {
    let mut out = String::with_capacity(markdown.len());
    let mut rest = markdown;
    while let Some(at) = rest.find("[^") {
        out.push_str(&rest[..at]);
        match rest[at..].find(']') {
            Some(end) => rest = &rest[at + end + 1..],
            None => {
                rest = &rest[at..];
                break;
            }
        }
    }
    out.push_str(rest);
    out
}

/// The hash of what a client would read of one rule group.
fn hash(
    state: &str,
    r: &Resolved,
    inf: &InForce,
    profs: &[Profession],
    drafts: &BTreeMap<&str, String>,
) -> String {
    let values: serde_json::Map<String, Value> = r
        .fields
        .iter()
        .map(|f| (f.to_string(), inf.version.get(*f).cloned().unwrap_or(Value::Null)))
        .collect();
    let about = json!({
        "state": state,
        "topic": r.topic,
        "professions": profs.iter().map(|p| p.key()).collect::<Vec<_>>(),
        "values": values,
        "citation": inf.citation,
        "drafts": drafts,
    });
    crate::io::sha256_hex(about.to_string().as_bytes())
}

/// What one URL of a version's sources gives, by its host.
fn source(url: &str, v: &Value) -> SourceRecord {
    let version = v.get("evidence").and_then(Value::as_str);
    let evidence = match hosts::url_kind(url) {
        Some(HostKind::Official) => Some(match version {
            Some("official-summary") => Evidence::OfficialSummary.key(),
            _ => Evidence::OfficialText.key(),
        }),
        Some(HostKind::Published) => Some(Evidence::PublishedText.key()),
        Some(HostKind::Secondary) => Some(Evidence::Secondary.key()),
        _ => None,
    };
    let current_through = (hosts::url_kind(url) == Some(HostKind::Published))
        .then(|| v.get("current_through").and_then(Value::as_str).map(str::to_string))
        .flatten();
    SourceRecord { url: url.to_string(), evidence, current_through }
}

/// The review of `topic` in `state` for exactly these professions (a
/// review without `professions` covers every profession the practice has
/// there).
fn review_of<'a>(
    inputs: &'a Inputs,
    state: &str,
    topic: &str,
    profs: &[Profession],
    all: &[Profession],
) -> Option<&'a Review> {
    inputs.reviews.reviews.review.iter().find(|rv| {
        let covers: Vec<Profession> = match &rv.professions {
            Some(list) => list.iter().map(|p| *p.get_ref()).collect(),
            None => all.to_vec(),
        };
        rv.state.get_ref() == state
            && rv.topic.get_ref() == topic
            && profs.iter().all(|p| covers.contains(p))
    })
}

fn decision_key(d: Decision) -> &'static str {
    match d {
        Decision::Accept => "accept",
        Decision::Replace => "replace",
        Decision::Reject => "reject",
    }
}

/// The review sheet of `state` on `as_of`: one record per topic and rule
/// group, with the practice's reviews applied to what the forms state now.
pub fn records(
    inputs: &Inputs,
    state: &str,
    as_of: Date,
    budget: &crate::budget::Budget,
) -> Result<Vec<ReviewRecord>, Diagnostic> {
    let languages = inputs.languages();
    let raw = crate::resolve::resolve(&inputs.jurisdictions[state].rules, as_of);
    let mut now_rules = raw.clone();
    let profs = practice_professions(inputs, state, as_of);
    let uses = apply(inputs, state, as_of, &mut now_rules, budget)?;
    let mut out = Vec::new();
    for (t, v, binds) in groups(&raw, &profs) {
        let r = &raw[t];
        let inf = &r.in_force[v];
        let drafts = drafts(inputs, r, v, &binds, &languages, state, budget)?;
        let hash = hash(state, r, inf, &binds, &drafts);
        let first = &languages[0];
        let now = sentence(inputs, &now_rules[t], &binds, first, state, budget)?;
        let review = uses
            .iter()
            .find(|u| u.topic == r.topic && binds.iter().all(|p| u.professions.contains(p)));
        out.push(ReviewRecord {
            state: state.to_string(),
            topic: r.topic,
            applies_to: binds.clone(),
            status: if inf.confirmed { "confirmed" } else { "unconfirmed" },
            evidence: inf.evidence.map(Evidence::key),
            now,
            draft: drafts.get(first.lang.code()).cloned().unwrap_or_default(),
            drafts,
            citation: inf.citation.clone(),
            sources: hosts::urls(inf.version.get("source").and_then(Value::as_str).unwrap_or(""))
                .map(|u| source(u, &inf.version))
                .collect(),
            note: inf.version.get("note").and_then(Value::as_str).map(str::to_string),
            hash,
            review: review.map(|u| u.reviewed.clone()),
        });
    }
    Ok(out)
}

/// A review a state's documents used (or could not use: stale).
#[derive(Clone, Debug)]
pub struct ReviewUse {
    /// The topic.
    pub topic: &'static str,
    /// The professions it covers there.
    pub professions: Vec<Profession>,
    /// The decision and whether it was applied.
    pub reviewed: Reviewed,
    /// Where it is in `reviews.toml`.
    pub span: std::ops::Range<usize>,
}

/// Applies the state's current reviews to `resolved` (see the module
/// docs), and returns every review of the state with whether it was
/// current. Hashes are those of the data as it is (`resolved` before).
pub fn apply(
    inputs: &Inputs,
    state: &str,
    as_of: Date,
    resolved: &mut [Resolved],
    budget: &crate::budget::Budget,
) -> Result<Vec<ReviewUse>, Diagnostic> {
    if !inputs.reviews.reviews.review.iter().any(|r| r.state.get_ref() == state) {
        return Ok(Vec::new());
    }
    let languages = inputs.languages();
    let all = practice_professions(inputs, state, as_of);
    let raw = resolved.to_vec();
    let mut uses = Vec::new();
    for (t, v, binds) in groups(&raw, &all) {
        let r = &raw[t];
        let Some(rv) = review_of(inputs, state, r.topic, &binds, &all) else { continue };
        let drafts = drafts(inputs, r, v, &binds, &languages, state, budget)?;
        let current = hash(state, r, &r.in_force[v], &binds, &drafts) == *rv.hash.get_ref();
        let decision = *rv.decision.get_ref();
        uses.push(ReviewUse {
            topic: r.topic,
            professions: binds.clone(),
            reviewed: Reviewed {
                decision: decision_key(decision).into(),
                reviewer: rv.reviewer.get_ref().clone(),
                date: rv.date.get_ref().to_string(),
                hash: rv.hash.get_ref().clone(),
                current,
            },
            span: rv.hash.span(),
        });
        if current {
            decide(&mut resolved[t], v, &binds, rv);
        }
    }
    // A review that matches no rule group of the practice (a topic or
    // professions with no version in force) is stale too.
    for rv in inputs.reviews.reviews.review.iter().filter(|r| r.state.get_ref() == state) {
        if !uses.iter().any(|u| u.topic == rv.topic.get_ref() && u.span == rv.hash.span()) {
            let topic = TOPICS.iter().find(|t| t.name == rv.topic.get_ref()).map_or("", |t| t.name);
            uses.push(ReviewUse {
                topic,
                professions: Vec::new(),
                reviewed: Reviewed {
                    decision: decision_key(*rv.decision.get_ref()).into(),
                    reviewer: rv.reviewer.get_ref().clone(),
                    date: rv.date.get_ref().to_string(),
                    hash: rv.hash.get_ref().clone(),
                    current: false,
                },
                span: rv.hash.span(),
            });
        }
    }
    Ok(uses)
}

/// Applies one current decision to version `v` of a topic, for `binds` (the
/// version is split when it binds other professions too).
fn decide(r: &mut Resolved, v: usize, binds: &[Profession], rv: &Review) {
    let rest: Vec<Profession> =
        r.in_force[v].professions.iter().filter(|p| !binds.contains(p)).copied().collect();
    if !rest.is_empty() {
        let mut other = r.in_force[v].clone();
        other.professions = rest;
        r.in_force[v].professions = binds.to_vec();
        r.in_force.push(other);
    }
    let inf = &mut r.in_force[v];
    match rv.decision.get_ref() {
        Decision::Accept => {
            inf.confirmed = true;
            inf.unconfirmed_fields.clear();
        }
        Decision::Reject => {
            inf.confirmed = false;
        }
        Decision::Replace => {
            let mut by: BTreeMap<Lang, String> =
                rv.translations.iter().map(|(l, t)| (*l, t.clone())).collect();
            if let Some(t) = &rv.text {
                by.insert(Lang::En, t.get_ref().clone());
            }
            inf.confirmed = true;
            inf.unconfirmed_fields.clear();
            inf.counsel = Some(by);
            if let Some(c) = &rv.citation {
                inf.citation = c.get_ref().clone();
            }
        }
    }
}

/// The diagnostics for a state's stale reviews: a warning in `build`, a
/// problem of kind `review` in `check`.
pub fn stale_diagnostics(inputs: &Inputs, state: &str, uses: &[ReviewUse]) -> Vec<Diagnostic> {
    let Some(file) = inputs.reviews.file else { return Vec::new() };
    uses.iter()
        .filter(|u| !u.reviewed.current)
        .map(|u| {
            Diagnostic::error(
                "review",
                format!(
                    "{state} `{}`: the review by {} ({}) no longer matches the rule",
                    u.topic, u.reviewed.reviewer, u.reviewed.date
                ),
            )
            .at(file, u.span.clone())
            .with_label("this hash")
            .with_hint(format!(
                "the rule or its sentence changed since counsel reviewed it; the forms state the data as it is until counsel reviews `consentgen review {state}` again and the new hash is recorded"
            ))
        })
        .collect()
}
