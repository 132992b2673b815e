//! Every jurisdiction file: loads, covers every topic, cites and sources every
//! value; `explain` for a few states; versions picked by date.

use serde_json::Value;

use crate::util::{TestDir, root};

use consentgen::model::topic_names;

fn codes() -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(root().join("jurisdictions"))
        .unwrap()
        .filter_map(|e| e.ok()?.file_name().to_str()?.strip_suffix(".toml").map(str::to_string))
        .collect();
    v.sort();
    v
}

#[test]
fn there_is_a_file_for_every_state_and_dc() {
    let c = codes();
    assert_eq!(c.len(), 51, "{c:?}");
    for code in ["AL", "AK", "CA", "DC", "NY", "TX", "WY"] {
        assert!(c.iter().any(|x| x == code));
    }
}

#[test]
fn every_file_loads_and_covers_every_topic_with_citations_and_sources() {
    let t = TestDir::new();
    for code in codes() {
        // `explain` loads every file (any error in any file exits 2) and
        // shows the versions in effect.
        let run = t.run(["explain", &code, "--format", "json", "--as-of", "2026-11-01"]).ok();
        let j: Value = serde_json::from_str(&run.stdout).unwrap();
        assert_eq!(j["code"], code.as_str());
        assert!(j["last_reviewed"].as_str().is_some_and(|d| d <= "2026-11-23"), "{code}");
        for topic in topic_names() {
            let v = &j[topic];
            assert!(v.is_object(), "{code} has no {topic} version in effect");
            for key in ["citation", "source"] {
                let s = v[key].as_str().unwrap_or("");
                assert!(!s.trim().is_empty(), "{code} {topic}: empty {key}");
            }
            assert!(
                ["confirmed", "unconfirmed"].contains(&v["status"].as_str().unwrap()),
                "{code} {topic}"
            );
        }
        for b in j["licensing_boards"]["boards"].as_array().unwrap() {
            assert!(!b["citation"].as_str().unwrap().trim().is_empty(), "{code} board citation");
            assert!(!b["source"].as_str().unwrap().trim().is_empty(), "{code} board source");
        }
        assert!(
            ["mandatory", "permissive", "none"]
                .contains(&j["duty_to_warn"]["kind"].as_str().unwrap())
        );
        assert!(j["child_abuse"]["universal"].is_boolean());
        assert!(j["minors"].as_object().unwrap().contains_key("consent_age"));
    }
}

#[test]
fn explain_snapshots() {
    let t = TestDir::new();
    for code in ["NY", "TX"] {
        let run = t.run(["explain", code, "--as-of", "2026-01-01"]).ok();
        insta::assert_snapshot!(format!("explain_{}_text", code.to_lowercase()), run.stdout);
    }
    let run = t.run(["explain", "CO", "--as-of", "2026-01-01", "--format", "json"]).ok();
    insta::assert_snapshot!("explain_co_json", run.stdout);
}

#[test]
fn versions_are_picked_by_date_before_on_and_after_a_change() {
    let t = TestDir::new();
    // Colorado lowered the minor-consent age from 15 to 12 on 2019-05-16.
    let age = |date: &str| {
        let run = t.run(["explain", "CO", "--format", "json", "--as-of", date]).ok();
        let j: Value = serde_json::from_str(&run.stdout).unwrap();
        j["minors"]["consent_age"].clone()
    };
    assert_eq!(age("2019-05-15"), 15);
    assert_eq!(age("2019-05-16"), 12);
    assert_eq!(age("2024-01-01"), 12);
}

#[test]
fn check_reports_every_rule_file_problem_with_file_and_line() {
    let t = TestDir::new();
    let dir = t.copy_jurisdictions("rules");
    let edit = |code: &str, from: &str, to: &str| {
        let p = dir.join(format!("{code}.toml"));
        let s = std::fs::read_to_string(&p).unwrap();
        assert!(s.contains(from), "{code}: {from}");
        std::fs::write(&p, s.replacen(from, to, 1)).unwrap();
    };
    edit("TX", "[[telehealth.versions]]", "[[telehealth.version]]");
    edit("WA", "status = \"confirmed\"", "status = \"confirmed\"\nstatsu = \"x\"");
    let run = t.run(["check", "--jurisdictions", "rules"]).status(2);
    assert!(run.stderr.contains("TX.toml:"), "{}", run.stderr);
    assert!(run.stderr.contains("WA.toml:"), "{}", run.stderr);
    assert!(run.stderr.contains("unknown field `statsu`"), "{}", run.stderr);
}
