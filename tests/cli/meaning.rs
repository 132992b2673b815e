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

use std::path::Path;

use consentgen::model::Lang;
use consentgen::options::{Formats, InputOptions, PlanOptions, StateSelection};
use consentgen::project::Project;
use toml::{Table, Value};

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

/// One rendered document: language, id, its clinician, title and text.
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
            title: d.rendered.title.clone(),
            text: d.rendered.text.clone(),
        })
        .collect()
}

/// The base rule file as a table.
fn base() -> Table {
    std::fs::read_to_string(fixture("meaning/XA.toml")).unwrap().parse().unwrap()
}

/// The first version of `topic` in `t`.
fn version<'a>(t: &'a mut Table, topic: &str) -> &'a mut Table {
    t[topic]["versions"].as_array_mut().unwrap()[0].as_table_mut().unwrap()
}

/// Marks `field` of `topic` unconfirmed.
fn unknown(t: &mut Table, topic: &str, field: &str) {
    let v = version(t, topic);
    v.insert("unconfirmed".into(), Value::Array(vec![Value::String(field.into())]));
}

/// Sets a field of `topic`'s version.
fn set(t: &mut Table, topic: &str, field: &str, value: Value) {
    version(t, topic).insert(field.into(), value);
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

/// A TOML array of strings.
fn list(items: &[&str]) -> Value {
    Value::Array(items.iter().map(|i| Value::String(i.to_string())).collect())
}

/// How a variant changes the base file.
type Change = Box<dyn Fn(&mut Table)>;

/// Every variant: a name, how it changes the base file, what it expects.
fn variants() -> Vec<(&'static str, Change, Expect)> {
    use Value::{Array, Boolean, String as S};
    vec![
        (
            "base",
            Box::new(|_: &mut Table| {}),
            Expect {
                present: vec![
                    "the Testland child welfare office",
                    "a person age 65 or older",
                    "tells us of a serious threat of violence",
                    "you sue us",
                    "Testland Board of Psychology",
                    "Testland Behavioral Health Board",
                    "Testland Medical Board",
                    "file a complaint",
                ],
                ..Expect::default()
            },
        ),
        (
            "child_abuse report_to unknown",
            Box::new(|t: &mut Table| unknown(t, "child_abuse", "report_to")),
            Expect { absent: vec!["the Testland child welfare office"], ..Expect::default() },
        ),
        (
            "child_abuse unconfirmed",
            Box::new(|t: &mut Table| set(t, "child_abuse", "status", S("unconfirmed".into()))),
            Expect {
                absent: vec!["the Testland child welfare office", "Testland Code § 1-101"],
                ..Expect::default()
            },
        ),
        (
            "elder groups unknown",
            Box::new(|t: &mut Table| unknown(t, "elder_abuse", "groups")),
            Expect { absent: vec!["a person age 65 or older"], ..Expect::default() },
        ),
        (
            "elder groups partial",
            Box::new(|t: &mut Table| set(t, "elder_abuse", "groups_complete", Boolean(false))),
            Expect { partial: vec!["a person age 65 or older"], ..Expect::default() },
        ),
        (
            "elder groups none",
            Box::new(|t: &mut Table| set(t, "elder_abuse", "groups", Array(vec![]))),
            Expect { no_elder_duty: true, ..Expect::default() },
        ),
        (
            "elder groups empty, not whole",
            Box::new(|t: &mut Table| {
                set(t, "elder_abuse", "groups", Array(vec![]));
                set(t, "elder_abuse", "groups_complete", Boolean(false));
            }),
            Expect::default(),
        ),
        (
            "elder universal, groups unknown",
            Box::new(|t: &mut Table| {
                set(t, "elder_abuse", "universal", Boolean(true));
                unknown(t, "elder_abuse", "groups");
            }),
            Expect { absent: vec!["a person age 65 or older"], ..Expect::default() },
        ),
        (
            "elder unconfirmed",
            Box::new(|t: &mut Table| set(t, "elder_abuse", "status", S("unconfirmed".into()))),
            Expect { absent: vec!["Testland Adult Protective Services"], ..Expect::default() },
        ),
        (
            "warn kind unknown",
            Box::new(|t: &mut Table| unknown(t, "duty_to_warn", "kind")),
            Expect::default(),
        ),
        (
            "warn permissive",
            Box::new(|t: &mut Table| set(t, "duty_to_warn", "kind", S("permissive".into()))),
            Expect::default(),
        ),
        (
            "warn none",
            Box::new(|t: &mut Table| {
                set(t, "duty_to_warn", "kind", S("none".into()));
                set(t, "duty_to_warn", "discharge", Array(vec![]));
            }),
            Expect { no_warn_duty: true, ..Expect::default() },
        ),
        (
            "warn discharge partial",
            Box::new(|t: &mut Table| set(t, "duty_to_warn", "discharge_complete", Boolean(false))),
            Expect { partial: vec!["warn the person at risk"], ..Expect::default() },
        ),
        (
            "warn trigger unknown",
            Box::new(|t: &mut Table| unknown(t, "duty_to_warn", "trigger")),
            Expect {
                absent: vec!["tells us of a serious threat of violence"],
                ..Expect::default()
            },
        ),
        (
            "warn unconfirmed",
            Box::new(|t: &mut Table| set(t, "duty_to_warn", "status", S("unconfirmed".into()))),
            Expect {
                absent: vec!["tells us of a serious threat of violence", "warn the person at risk"],
                ..Expect::default()
            },
        ),
        (
            "minors consent unknown",
            Box::new(|t: &mut Table| unknown(t, "minors", "self_consent")),
            Expect { absent: vec!["age 14 or older"], ..Expect::default() },
        ),
        (
            "minors any age",
            Box::new(|t: &mut Table| {
                set(t, "minors", "self_consent", S("any_age".into()));
                version(t, "minors").remove("consent_age");
            }),
            Expect::default(),
        ),
        (
            "minors parent consent",
            Box::new(|t: &mut Table| {
                set(t, "minors", "self_consent", S("none".into()));
                version(t, "minors").remove("consent_age");
            }),
            Expect { absent: vec!["mature enough"], ..Expect::default() },
        ),
        (
            "minors conditions partial",
            Box::new(|t: &mut Table| set(t, "minors", "conditions_complete", Boolean(false))),
            Expect {
                partial: vec!["we find the minor mature enough to take part"],
                ..Expect::default()
            },
        ),
        (
            "minors parents unknown",
            Box::new(|t: &mut Table| {
                let v = version(t, "minors");
                v.insert("unconfirmed".into(), list(&["parent_notice", "parent_access"]));
            }),
            Expect {
                absent: vec!["We must involve a parent", "A parent may not see"],
                ..Expect::default()
            },
        ),
        (
            "court exceptions unknown",
            Box::new(|t: &mut Table| unknown(t, "court_orders", "exceptions")),
            Expect { absent: vec!["you sue us"], exceptions_unknown: true, ..Expect::default() },
        ),
        (
            "court exceptions empty, not whole",
            Box::new(|t: &mut Table| {
                set(t, "court_orders", "exceptions", Array(vec![]));
                set(t, "court_orders", "exceptions_complete", Boolean(false));
            }),
            Expect { exceptions_unknown: true, ..Expect::default() },
        ),
        (
            "court exceptions partial",
            Box::new(|t: &mut Table| set(t, "court_orders", "exceptions_complete", Boolean(false))),
            Expect { partial: vec!["you sue us"], ..Expect::default() },
        ),
        (
            "court privilege unknown",
            Box::new(|t: &mut Table| unknown(t, "court_orders", "privilege")),
            Expect { absent: vec!["You can refuse to share, and stop us"], ..Expect::default() },
        ),
        (
            "records retention unknown",
            Box::new(|t: &mut Table| unknown(t, "records", "retention")),
            Expect { absent: vec!["at least 7 years after your last visit"], ..Expect::default() },
        ),
        (
            "telehealth not required",
            Box::new(|t: &mut Table| set(t, "telehealth", "consent_required", Boolean(false))),
            Expect { absent: vec!["get your consent before we start"], ..Expect::default() },
        ),
        (
            "access deadline unknown",
            Box::new(|t: &mut Table| {
                let v = version(t, "record_access");
                v.insert(
                    "unconfirmed".into(),
                    list(&["deadline", "deadline_days", "notes_access"]),
                );
            }),
            Expect {
                absent: vec!["within 15 days"],
                present: vec!["within 30 days"],
                ..Expect::default()
            },
        ),
        (
            "access deadline longer than federal",
            Box::new(|t: &mut Table| {
                set(t, "record_access", "deadline_days", Value::Integer(45));
                set(t, "record_access", "deadline", S("within 45 days".into()));
            }),
            Expect {
                absent: vec!["within 45 days"],
                present: vec!["within 30 days"],
                ..Expect::default()
            },
        ),
        (
            "privacy limits partial",
            Box::new(|t: &mut Table| set(t, "privacy_limits", "limits_complete", Boolean(false))),
            Expect {
                partial: vec!["we answer a subpoena only with your written permission"],
                ..Expect::default()
            },
        ),
        (
            "psychologists only",
            Box::new(|t: &mut Table| {
                for topic in ["duty_to_warn", "court_orders", "minors"] {
                    set(t, topic, "applies_to", list(&["psychologist"]));
                }
            }),
            Expect::default(),
        ),
    ]
}

/// The sentences of a text (split after `.`, `!`, `?` and at list items).
fn sentences(text: &str) -> Vec<&str> {
    text.split_inclusive(['.', '!', '?', '\n']).map(str::trim).filter(|s| !s.is_empty()).collect()
}

/// Checks the rules of meaning on one set of documents.
fn check(name: &str, docs: &[Doc], e: &Expect, documents: &[&str]) {
    let (no_elder, no_warn) = (
        [
            "does not require us to report the abuse of an adult",
            "no nos obliga a reportar el abuso de un adulto",
        ],
        ["has no law that requires us to warn", "ninguna ley nos obliga a advertir"],
    );
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
    for d in docs {
        let who = format!("{name}: {} {} {:?}", d.lang.code(), d.id, d.clinician);
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
            assert!(
                !no_warn.iter().any(|p| d.text.contains(p)),
                "{who} says there is no duty to warn"
            );
        }
        for item in &e.partial {
            for (at, _) in d.text.match_indices(item) {
                let before = &d.text[..at];
                let window = &before[before.len().saturating_sub(400)..];
                assert!(
                    partial_marks.iter().any(|m| window.contains(m)),
                    "{who}: the partial list with `{item}` is not introduced as partial:\n{window}"
                );
            }
        }
        assert!(
            !d.text.contains("section above") && !d.text.contains("sección de arriba"),
            "{who} points at a section above"
        );
        for quoted in
            d.text.split("Our form \"").skip(1).chain(d.text.split("Nuestro formulario \"").skip(1))
        {
            let title = quoted.split('"').next().unwrap_or("");
            let there = docs.iter().any(|x| {
                x.lang == d.lang && x.title == title && documents.contains(&x.id.as_str())
            });
            assert!(
                there,
                "{who} points at the form \"{title}\", which the practice does not have"
            );
        }
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
    if e.exceptions_unknown {
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
    for p in &e.present {
        assert!(
            docs.iter().any(|d| d.lang == Lang::En && d.text.contains(p)),
            "{name}: no document says `{p}`"
        );
    }
}

#[test]
fn every_field_unknown_absent_partial_or_known_reads_as_the_data_says() {
    let t = TestDir::new();
    let documents = [
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
    for (name, change, expect) in variants() {
        let dir = t.path().join(name.replace(' ', "-"));
        std::fs::create_dir_all(dir.join("rules")).unwrap();
        let mut table = base();
        change(&mut table);
        std::fs::write(dir.join("rules/XA.toml"), toml::to_string(&table).unwrap()).unwrap();
        std::fs::copy(fixture("meaning/es.po"), dir.join("rules/es.po")).unwrap();
        let docs = render(&dir, &dir.join("rules"), PRACTICE, StateSelection::Practice);
        assert!(docs.len() >= 2 * 9, "{name}: every document in both languages");
        check(name, &docs, &expect, &documents);
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

/// The live files: every state, one clinician of each profession, every
/// document (English): no "does not" sentence the data does not confirm, no
/// pointer to a missing section, every confirmed board named and a way to
/// complain in every consent.
#[test]
fn the_live_rules_of_every_state_read_as_their_data_says() {
    let t = TestDir::live();
    let all: String = PRACTICE
        .replace("languages = [\"en\", \"es\"]", "languages = [\"en\"]")
        .replace("[translations.es.locations]\n\"Main office\" = \"Oficina principal\"\n", "");
    let mut practice = String::new();
    for line in all.lines() {
        // Every clinician licensed in every state.
        if line.starts_with("licenses = ") {
            let codes: Vec<String> = std::fs::read_dir(crate::util::root().join("jurisdictions"))
                .unwrap()
                .filter_map(|e| {
                    e.ok()?.file_name().to_str()?.strip_suffix(".toml").map(str::to_string)
                })
                .collect();
            let entries: Vec<String> = codes
                .iter()
                .map(|c| {
                    format!(
                        "{{ state = \"{c}\", type = \"L\", number = \"1\", expires = 2030-01-01 }}"
                    )
                })
                .collect();
            practice.push_str(&format!("licenses = [{}]\n", entries.join(", ")));
        } else if line.starts_with("state = \"XA\"") {
            practice.push_str("state = \"CA\"\n");
        } else {
            practice.push_str(line);
            practice.push('\n');
        }
    }
    let practice = practice.replace("states = [\"XA\"]", "states = [\"CA\"]");
    let docs = render(
        t.path(),
        &crate::util::root().join("jurisdictions"),
        &practice,
        StateSelection::All,
    );
    assert!(docs.len() > 51 * 9);
    let documents = [
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
    // Which states' data confirms no elder-abuse duty or no duty to warn.
    let project = Project::load(&InputOptions {
        practice: Some(t.path().join("practice.toml")),
        jurisdictions: Some(crate::util::root().join("jurisdictions")),
        templates: None,
    })
    .unwrap_or_else(|f| panic!("{f}"));
    for (code, j) in &project.inputs.jurisdictions {
        let name = j.rules.name.clone();
        let as_of = consentgen::date::Date::parse("2026-12-01").unwrap();
        let resolved = consentgen::resolve::resolve(&j.rules, as_of);
        let confirmed_none = |topic: &str, pred: &dyn Fn(&serde_json::Value) -> bool| {
            resolved
                .iter()
                .filter(|r| r.topic == topic)
                .flat_map(|r| &r.in_force)
                .any(|v| v.confirmed && pred(&v.version))
        };
        let expect = Expect {
            no_elder_duty: confirmed_none("elder_abuse", &|v| {
                v["groups"].as_array().is_some_and(|g| g.is_empty()) && v["groups_complete"] == true
            }),
            no_warn_duty: confirmed_none("duty_to_warn", &|v| v["kind"] == "none"),
            ..Expect::default()
        };
        let _ = name;
        let state_docs: Vec<Doc> = docs
            .iter()
            .filter(|d| &d.state == code)
            .map(|d| Doc {
                state: d.state.clone(),
                lang: d.lang,
                id: d.id.clone(),
                clinician: d.clinician.clone(),
                title: d.title.clone(),
                text: d.text.clone(),
            })
            .collect();
        check(code, &state_docs, &expect, &documents);
        // Every confirmed board of a profession is named in the practice-wide consent.
        let consent = state_docs.iter().find(|d| d.id == "consent" && d.clinician.is_none());
        let Some(consent) = consent else { continue };
        assert!(
            consent.text.contains("file a complaint"),
            "{code}: the consent does not say how to complain"
        );
        for r in resolved.iter().filter(|r| r.topic == "licensing_boards") {
            for v in r.in_force.iter().filter(|v| v.confirmed) {
                for b in v.version["boards"].as_array().into_iter().flatten() {
                    let confirmed = b["status"] == "confirmed"
                        && b["evidence"].as_str().is_some_and(|e| e != "secondary");
                    let name = b["name"].as_str().unwrap();
                    if confirmed {
                        assert!(
                            consent.text.contains(name),
                            "{code}: the confirmed board {name} is not named"
                        );
                    }
                }
            }
        }
    }
}
