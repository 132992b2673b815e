//! Rules of meaning (issue 23): what the forms say follows what the rule
//! data knows. Over a made-up jurisdiction (`tests/fixtures/meaning/XA.toml`,
//! every topic confirmed and whole), each field is turned unknown, absent or
//! partial in turn; every document of a practice with one clinician of each
//! profession is rendered in English and Spanish through the library, and
//! the text is read back:
//!
//! - an unknown value is never stated, and never becomes a "does not"
//!   sentence: only a confirmed, whole absence may say the law does not
//!   require something;
//! - a partial list is introduced as partial ("for example", "including");
//! - a privilege with unknown exceptions says the law has exceptions;
//! - every cross-reference points at text the document or the practice has;
//! - a subpoena is never described as able to make us share by itself.
//!
//! The same rules are then checked over the live files of all 51
//! jurisdictions, for every profession and every document.
//!
//! `variants.rs` turns the made-up jurisdiction's fields unknown, absent or
//! partial; `live.rs` reads the live files.

mod live;
mod variants;

use std::path::Path;

use consentgen::model::Lang;
use consentgen::options::{Formats, InputOptions, PlanOptions, StateSelection};
use consentgen::plan::spool::Part;
use consentgen::project::Project;

use crate::util::{TestDir, fixture};

const PRACTICE: &str = r#"
name = "Meaning Test Practice"
states = ["XA"]
languages = ["en", "es"]
documents = ["client-information", "consent", "confidentiality", "telehealth", "minors",
  "privacy-notice", "privacy-acknowledgment", "authorization", "notes-authorization"]
per_clinician = ["consent", "confidentiality"]
effective = 2026-01-01
[services]
telehealth = true
minors = true
[fees]
self_pay = true
[[locations]]
name = "Main office"
address = "1 Main Street"
state = "XA"
[[clinicians]]
id = "psy"
name = "Pat Psy"
profession = "psychologist"
licenses = [{ state = "XA", type = "Psychologist", number = "1", expires = 2030-01-01 }]
[[clinicians]]
id = "lpc"
name = "Lee Counselor"
profession = "professional_counselor"
licenses = [{ state = "XA", type = "LPC", number = "2", expires = 2030-01-01 }]
[[clinicians]]
id = "sw"
name = "Sam Social"
profession = "clinical_social_worker"
licenses = [{ state = "XA", type = "LCSW", number = "3", expires = 2030-01-01 }]
[[clinicians]]
id = "mft"
name = "Max Family"
profession = "marriage_family_therapist"
licenses = [{ state = "XA", type = "LMFT", number = "4", expires = 2030-01-01 }]
[[clinicians]]
id = "md"
name = "Dr. Mo"
profession = "psychiatrist"
licenses = [{ state = "XA", type = "MD", number = "5", expires = 2030-01-01 }]
[translations.es.locations]
"Main office" = "Oficina principal"
"#;

/// Every document of the test practice.
const DOCUMENTS: [&str; 9] = [
    "client-information",
    "consent",
    "confidentiality",
    "telehealth",
    "minors",
    "privacy-notice",
    "privacy-acknowledgment",
    "authorization",
    "notes-authorization",
];

/// One rendered document: language, id, its clinician, title and text.
#[derive(Clone)]
struct Doc {
    state: String,
    lang: Lang,
    id: String,
    clinician: Option<String>,
    title: String,
    text: String,
}

fn plan_options(states: StateSelection) -> PlanOptions {
    PlanOptions {
        states,
        formats: Formats { html: false, pdf: false, pdf_forms: false },
        as_of: consentgen::date::Date::parse("2026-12-01").unwrap(),
        as_of_given: true,
        budget: consentgen::budget::Budget::default(),
    }
}

/// Renders every document of `practice` against the rule files in `rules`.
fn render(dir: &Path, rules: &Path, practice: &str, states: StateSelection) -> Vec<Doc> {
    std::fs::write(dir.join("practice.toml"), practice).unwrap();
    let opts = InputOptions {
        practice: Some(dir.join("practice.toml")),
        jurisdictions: Some(rules.to_path_buf()),
        templates: None,
    };
    let project = Project::load(&opts).unwrap_or_else(|f| panic!("{f}"));
    let plan = project.plan(&plan_options(states)).unwrap_or_else(|d| panic!("{d:?}"));
    assert!(plan.untranslated.is_empty(), "untranslated: {:?}", plan.untranslated);
    plan.documents
        .iter()
        .filter(|d| !d.packet)
        .map(|d| Doc {
            state: d.state.clone(),
            lang: d.lang,
            id: d.id.clone(),
            clinician: d.clinician.clone(),
            title: d.title().to_string(),
            text: plan.text(d, Part::Text).unwrap().into_owned(),
        })
        .collect()
}

/// What a variant of the rules may and must say.
#[derive(Default)]
struct Expect {
    /// Texts that must appear in no document (unknown values).
    absent: Vec<&'static str>,
    /// Items of a list the data gives only in part: wherever one appears,
    /// it must follow a partial introduction.
    partial: Vec<&'static str>,
    /// The elder-abuse "does not require" sentence is allowed.
    no_elder_duty: bool,
    /// The duty-to-warn "has no law" sentence is allowed.
    no_warn_duty: bool,
    /// The confidentiality form must say the privilege has exceptions.
    exceptions_unknown: bool,
    /// Texts that must appear in some English document.
    present: Vec<&'static str>,
}

/// The sentences of a text (split after `.`, `!`, `?` and at list items).
fn sentences(text: &str) -> Vec<&str> {
    text.split_inclusive(['.', '!', '?', '\n']).map(str::trim).filter(|s| !s.is_empty()).collect()
}

/// Checks the rules of meaning on one set of documents.
fn check(name: &str, docs: &[Doc], e: &Expect, documents: &[&str]) {
    for d in docs {
        let who = format!("{name}: {} {} {:?}", d.lang.code(), d.id, d.clinician);
        check_unknowns(&who, d, e);
        check_partial(&who, d, &e.partial);
        check_cross_references(&who, d, docs, documents);
        check_subpoenas(&who, d);
    }
    if e.exceptions_unknown {
        check_exceptions_said(name, docs);
    }
    for p in &e.present {
        assert!(
            docs.iter().any(|d| d.lang == Lang::En && d.text.contains(p)),
            "{name}: no document says `{p}`"
        );
    }
}

/// A document states no unknown value, and says the law requires no adult
/// report, or that there is no duty to warn, only where the data confirms it.
fn check_unknowns(who: &str, d: &Doc, e: &Expect) {
    let no_elder = [
        "does not require us to report the abuse of an adult",
        "no nos obliga a reportar el abuso de un adulto",
    ];
    let no_warn = ["has no law that requires us to warn", "ninguna ley nos obliga a advertir"];
    for a in &e.absent {
        assert!(!d.text.contains(a), "{who} states an unknown value: {a}");
    }
    if !e.no_elder_duty {
        assert!(
            !no_elder.iter().any(|p| d.text.contains(p)),
            "{who} says the law does not require an adult report"
        );
    }
    if !e.no_warn_duty {
        assert!(!no_warn.iter().any(|p| d.text.contains(p)), "{who} says there is no duty to warn");
    }
}

/// Wherever an item of a partial list appears, a partial introduction
/// ("for example", "including") comes before it.
fn check_partial(who: &str, d: &Doc, partial: &[&str]) {
    let partial_marks = [
        "for example",
        "such as",
        "They include",
        "including",
        "por ejemplo",
        "como estas",
        "Entre ellos están",
        "Entre ellas están",
    ];
    for item in partial {
        for (at, _) in d.text.match_indices(item) {
            let before = &d.text[..at];
            let window = &before[before.len().saturating_sub(400)..];
            assert!(
                partial_marks.iter().any(|m| window.contains(m)),
                "{who}: the partial list with `{item}` is not introduced as partial:\n{window}"
            );
        }
    }
}

/// A document points at no section above, and at no form (`Our form
/// "..."`) the practice does not have (`documents`) in its language.
fn check_cross_references(who: &str, d: &Doc, docs: &[Doc], documents: &[&str]) {
    assert!(
        !d.text.contains("section above") && !d.text.contains("sección de arriba"),
        "{who} points at a section above"
    );
    for quoted in
        d.text.split("Our form \"").skip(1).chain(d.text.split("Nuestro formulario \"").skip(1))
    {
        let title = quoted.split('"').next().unwrap_or("");
        let there = docs
            .iter()
            .any(|x| x.lang == d.lang && x.title == title && documents.contains(&x.id.as_str()));
        assert!(there, "{who} points at the form \"{title}\", which the practice does not have");
    }
}

/// No sentence about a subpoena says it can make us share by itself.
fn check_subpoenas(who: &str, d: &Doc) {
    for s in sentences(&d.text) {
        let lower = s.to_lowercase();
        if lower.contains("subpoena") || lower.contains("citación") {
            let makes_us =
                ["we must share", "makes us share", "we will share", "nos obliga a compartir"];
            let denied = [
                "does not",
                "alone",
                "only with",
                "only as",
                "no nos obliga",
                "sola",
                "solo con",
                "solo como",
            ];
            assert!(
                !makes_us.iter().any(|m| lower.contains(m))
                    || denied.iter().any(|m| lower.contains(m)),
                "{who}: a subpoena is described as able to make us share: {s}"
            );
        }
    }
}

/// The practice-wide confidentiality form, in English and Spanish, says a
/// privilege with unknown exceptions has exceptions.
fn check_exceptions_said(name: &str, docs: &[Doc]) {
    for lang in [Lang::En, Lang::Es] {
        let conf = docs
            .iter()
            .find(|d| d.lang == lang && d.id == "confidentiality" && d.clinician.is_none())
            .unwrap();
        let says = ["the law makes some exceptions", "la ley tiene algunas excepciones"];
        assert!(
            says.iter().any(|s| conf.text.contains(s)),
            "{name}: a privilege with unknown exceptions reads as absolute ({})",
            lang.code()
        );
    }
}

#[test]
fn a_practice_without_the_confidentiality_form_is_never_pointed_at_it() {
    let t = TestDir::new();
    std::fs::create_dir_all(t.path().join("rules")).unwrap();
    std::fs::copy(fixture("meaning/XA.toml"), t.path().join("rules/XA.toml")).unwrap();
    std::fs::copy(fixture("meaning/es.po"), t.path().join("rules/es.po")).unwrap();
    let practice = PRACTICE.replace("\"confidentiality\", \"telehealth\"", "\"telehealth\"");
    let docs = render(t.path(), &t.path().join("rules"), &practice, StateSelection::Practice);
    let consent = docs
        .iter()
        .find(|d| d.lang == Lang::En && d.id == "consent" && d.clinician.is_none())
        .unwrap();
    assert!(
        consent.text.contains("tells us of a serious threat"),
        "the consent states the rules itself"
    );
    check(
        "no confidentiality form",
        &docs,
        &Expect::default(),
        &["consent", "telehealth", "minors"],
    );
}
