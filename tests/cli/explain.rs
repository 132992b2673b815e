//! `consentgen explain`: the rules in effect, in words and as JSON.

use serde_json::Value;

use crate::util::TestDir;

#[test]
fn json_has_the_keys_scripts_rely_on() {
    let t = TestDir::new();
    for state in ["CA", "NY", "TX"] {
        let run = t.run(["explain", state, "--format", "json", "--as-of", "2026-01-01"]).ok();
        let j: Value = serde_json::from_str(&run.stdout).unwrap();
        assert_eq!(j["code"], state);
        assert!(
            ["mandatory", "permissive", "none"]
                .contains(&j["duty_to_warn"]["kind"].as_str().unwrap())
        );
        assert!(!j["duty_to_warn"]["citation"].as_str().unwrap().is_empty());
        assert!(j["child_abuse"]["universal"].is_boolean());
        assert!(j["minors"].as_object().unwrap().contains_key("consent_age"));
        assert!(j["minors"]["citation"].is_string());
    }
}

#[test]
fn picks_the_version_in_force_on_the_date() {
    let t = TestDir::new();
    let kind = |date: &str| {
        let run = t.run(["explain", "NY", "--format", "json", "--as-of", date]).ok();
        let j: Value = serde_json::from_str(&run.stdout).unwrap();
        j["duty_to_warn"]["kind"].as_str().unwrap().to_string()
    };
    assert_eq!(kind("2013-03-15"), "permissive");
    assert_eq!(kind("2013-03-16"), "mandatory");
    assert_eq!(kind("2020-01-01"), "mandatory");
}

#[test]
fn text_names_citations_and_review_date() {
    let t = TestDir::new();
    let run = t.run(["explain", "ca", "--as-of", "2026-01-01"]).ok();
    insta::assert_snapshot!("explain_ca_text", run.stdout);
}

#[test]
fn unknown_state_exits_2() {
    let t = TestDir::new();
    let run = t.run(["explain", "ZZ"]).status(2);
    assert!(run.stderr.contains("no rules for `ZZ`"), "{}", run.stderr);
}
