//! `consentgen explain`: the rules in effect, in words and as JSON.

use serde_json::Value;

use crate::util::TestDir;

/// A topic's versions in force: one object, or a list of them (each with
/// `applies_to`) when the rule differs by profession.
fn versions(v: &Value) -> Vec<&Value> {
    match v {
        Value::Array(list) => list.iter().collect(),
        Value::Null => Vec::new(),
        one => vec![one],
    }
}

#[test]
fn json_has_the_keys_scripts_rely_on() {
    let t = TestDir::new();
    for state in ["CA", "NY", "TX"] {
        let run = t.run(["explain", state, "--format", "json", "--as-of", "2026-12-01"]).ok();
        let j: Value = serde_json::from_str(&run.stdout).unwrap();
        assert_eq!(j["code"], state);
        for topic in consentgen::model::topic_names() {
            for v in versions(&j[topic]) {
                assert!(v["applies_to"].is_array(), "{state} {topic}: {v}");
                assert!(v["citation"].is_string(), "{state} {topic}: {v}");
                assert!(["confirmed", "unconfirmed"].contains(&v["status"].as_str().unwrap()));
                assert!(v.get("effective").is_some() || v.get("in_force_by").is_some());
            }
        }
        for v in versions(&j["duty_to_warn"]) {
            assert!(["mandatory", "permissive", "none"].contains(&v["kind"].as_str().unwrap()));
        }
        for v in versions(&j["child_abuse"]) {
            assert!(v["universal"].is_boolean());
        }
        for v in versions(&j["minors"]) {
            assert!(v.as_object().unwrap().contains_key("consent_age"));
            assert!(["age", "any_age", "none"].contains(&v["self_consent"].as_str().unwrap()));
        }
    }
    // A rule that binds only some professions is a list, each naming them.
    let run = t.run(["explain", "NY", "--format", "json", "--as-of", "2026-12-01"]).ok();
    let j: Value = serde_json::from_str(&run.stdout).unwrap();
    let dtw = j["duty_to_warn"].as_array().expect("New York's duty binds some professions");
    let binds: Vec<&str> =
        dtw[0]["applies_to"].as_array().unwrap().iter().map(|p| p.as_str().unwrap()).collect();
    assert!(binds.contains(&"psychologist") && !binds.contains(&"professional_counselor"));
}

#[test]
fn picks_the_version_in_force_on_the_date() {
    let t = TestDir::new();
    let age = |date: &str| {
        let run = t.run(["explain", "CO", "--format", "json", "--as-of", date]).ok();
        let j: Value = serde_json::from_str(&run.stdout).unwrap();
        j["minors"]["consent_age"].clone()
    };
    // Colorado: 15 until HB 19-1120 took force on 2019-05-16, then 12; the
    // older rule is not applied before the day a source shows it in force.
    assert_eq!(age("2018-12-30"), Value::Null);
    assert_eq!(age("2019-05-15"), 15);
    assert_eq!(age("2019-05-16"), 12);
    assert_eq!(age("2026-12-01"), 12);
}

#[test]
fn text_names_citations_and_review_date() {
    let t = TestDir::new();
    let run = t.run(["explain", "ca", "--as-of", "2026-12-01"]).ok();
    insta::assert_snapshot!("explain_ca_text", run.stdout);
}

#[test]
fn unknown_state_exits_2() {
    let t = TestDir::new();
    let run = t.run(["explain", "ZZ"]).status(2);
    assert!(run.stderr.contains("no rules for `ZZ`"), "{}", run.stderr);
}
