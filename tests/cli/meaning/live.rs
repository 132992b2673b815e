//! The rules of meaning over the live files of all 51 jurisdictions, for
//! every profession and every document.

use consentgen::options::{InputOptions, StateSelection};
use consentgen::project::Project;
use consentgen::resolve::Resolved;

use super::{DOCUMENTS, Doc, Expect, PRACTICE, check, render};
use crate::util::TestDir;

/// The test practice in English only, its office in CA, and every
/// clinician licensed in every state of the live files.
fn live_practice() -> String {
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
    practice.replace("states = [\"XA\"]", "states = [\"CA\"]")
}

/// What a state's forms may say, by what its data confirms: no elder-abuse
/// duty, or no duty to warn.
fn live_expect(resolved: &[Resolved]) -> Expect {
    let confirmed_none = |topic: &str, pred: &dyn Fn(&serde_json::Value) -> bool| {
        resolved
            .iter()
            .filter(|r| r.topic == topic)
            .flat_map(|r| &r.in_force)
            .any(|v| v.confirmed && pred(&v.version))
    };
    Expect {
        no_elder_duty: confirmed_none("elder_abuse", &|v| {
            v["groups"].as_array().is_some_and(|g| g.is_empty()) && v["groups_complete"] == true
        }),
        no_warn_duty: confirmed_none("duty_to_warn", &|v| v["kind"] == "none"),
        ..Expect::default()
    }
}

/// The state's practice-wide consent, if it has one, says how to complain
/// and names every confirmed board of a profession.
fn check_boards(code: &str, state_docs: &[Doc], resolved: &[Resolved]) {
    let consent = state_docs.iter().find(|d| d.id == "consent" && d.clinician.is_none());
    let Some(consent) = consent else { return };
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

/// The live files: every state, one clinician of each profession, every
/// document (English): no "does not" sentence the data does not confirm, no
/// pointer to a missing section, every confirmed board named and a way to
/// complain in every consent.
#[test]
fn the_live_rules_of_every_state_read_as_their_data_says() {
    let t = TestDir::live();
    let practice = live_practice();
    let docs = render(
        t.path(),
        &crate::util::root().join("jurisdictions"),
        &practice,
        StateSelection::All,
    );
    assert!(docs.len() > 51 * 9);
    // Which states' data confirms no elder-abuse duty or no duty to warn.
    let project = Project::load(&InputOptions {
        practice: Some(t.path().join("practice.toml")),
        jurisdictions: Some(crate::util::root().join("jurisdictions")),
        templates: None,
    })
    .unwrap_or_else(|f| panic!("{f}"));
    let as_of = consentgen::date::Date::parse("2026-12-01").unwrap();
    for (code, j) in &project.inputs.jurisdictions {
        let resolved = consentgen::resolve::resolve(&j.rules, as_of);
        let state_docs: Vec<Doc> = docs.iter().filter(|d| &d.state == code).cloned().collect();
        check(code, &state_docs, &live_expect(&resolved), &DOCUMENTS);
        check_boards(code, &state_docs, &resolved);
    }
}
