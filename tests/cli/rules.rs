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
    let t = TestDir::live();
    for code in codes() {
        // `explain` loads every file (any error in any file exits 2).
        let run = t.run(["explain", &code, "--format", "json", "--as-of", "2026-12-07"]).ok();
        let j: Value = serde_json::from_str(&run.stdout).unwrap();
        assert_eq!(j["code"], code.as_str());
        assert!(j["last_reviewed"].as_str().is_some_and(|d| d.len() == 10), "{code}");
        let file: toml::Table = toml::from_str(
            &std::fs::read_to_string(root().join(format!("jurisdictions/{code}.toml"))).unwrap(),
        )
        .unwrap();
        assert_eq!(file["format"].as_integer(), Some(2), "{code}");
        for topic in topic_names() {
            let versions = file[topic]["versions"].as_array().expect("versions");
            assert!(!versions.is_empty(), "{code} {topic}");
            for v in versions {
                for key in ["citation", "source"] {
                    let s = v[key].as_str().unwrap_or("");
                    assert!(!s.trim().is_empty(), "{code} {topic}: empty {key}");
                }
                let binds = v["applies_to"].as_array().expect("applies_to");
                assert!(!binds.is_empty(), "{code} {topic}: whom it binds");
                assert!(
                    v.get("effective").is_some() != v.get("in_force_by").is_some(),
                    "{code} {topic}: one start date"
                );
            }
        }
    }
}

/// Every URL in a `source` field.
fn urls(source: &str) -> Vec<&str> {
    source
        .split(|c: char| c.is_whitespace() || c == ';')
        .filter(|w| w.starts_with("http"))
        .collect()
}

/// The evidence policy (issue 24), on every live file: no blocked host is
/// ever cited; a confirmed version or board has evidence that confirms,
/// backed by a source of its kind (official text or summary: an official
/// host or an official body's own repository; published text: Justia,
/// Casetext, FindLaw, Cornell LII or public.law, with the date the copy is
/// current through); a confirmed value cites nothing weaker than a
/// recognised reference, and its note does not say it was not read.
#[test]
fn no_rule_cites_a_blocked_host_and_every_confirmed_value_has_evidence_of_its_kind() {
    use consentgen::load::hosts::{HostKind, url_kind};
    let mut confirmed = 0;
    for code in codes() {
        let text =
            std::fs::read_to_string(root().join(format!("jurisdictions/{code}.toml"))).unwrap();
        let file: toml::Table = toml::from_str(&text).unwrap();
        let mut entries: Vec<(String, &toml::Value)> = Vec::new();
        for topic in topic_names() {
            for v in file[topic]["versions"].as_array().unwrap() {
                entries.push((format!("{code} {topic}"), v));
                for b in v.get("boards").and_then(|b| b.as_array()).into_iter().flatten() {
                    entries.push((format!("{code} {topic} board"), b));
                }
            }
        }
        for (what, e) in entries {
            let kinds: Vec<(&str, HostKind)> = urls(e["source"].as_str().unwrap())
                .into_iter()
                .filter_map(|u| url_kind(u).map(|k| (u, k)))
                .collect();
            for (u, k) in &kinds {
                assert_ne!(*k, HostKind::Blocked, "{what} cites the blocked source {u}");
            }
            if e["status"].as_str() != Some("confirmed") {
                continue;
            }
            confirmed += 1;
            let evidence = e.get("evidence").and_then(|v| v.as_str());
            let needs = match evidence {
                Some("official-text" | "official-summary") => HostKind::Official,
                Some("published-text") => {
                    assert!(
                        e.get("current_through").is_some(),
                        "{what}: published text without its date"
                    );
                    HostKind::Published
                }
                other => panic!("{what}: confirmed with evidence {other:?}"),
            };
            assert!(
                kinds.iter().any(|(_, k)| *k == needs),
                "{what}: {evidence:?} without a source of its kind"
            );
            for (u, k) in &kinds {
                assert!(*k >= HostKind::Secondary, "{what}: confirmed, yet cites {u}");
            }
            let note = e.get("note").and_then(|n| n.as_str()).unwrap_or("").to_lowercase();
            for phrase in ["not read", "not seen", "from memory", "recollection"] {
                assert!(!note.contains(phrase), "{what}: confirmed, yet its note says {phrase:?}");
            }
        }
    }
    assert!(confirmed > 100, "the rule files confirm {confirmed} values");
}

#[test]
fn the_readme_states_the_coverage_the_files_have() {
    let t = TestDir::live();
    let run = t.run(["explain", "--coverage", "--format", "json", "--as-of", "2026-12-01"]).ok();
    let c: Value = serde_json::from_str(&run.stdout).unwrap();
    let core = &c["totals"]["core"];
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let line = format!(
        "{} of {} core cells ({}%) are confirmed for every profession",
        core["confirmed"], core["cells"], core["confirmed_percent"]
    );
    assert!(readme.contains(&line), "README lacks {line:?}");
}

#[test]
fn explain_snapshots() {
    let t = TestDir::new();
    for code in ["NY", "TX"] {
        let run = t.run(["explain", code, "--as-of", "2026-12-01"]).ok();
        insta::assert_snapshot!(format!("explain_{}_text", code.to_lowercase()), run.stdout);
    }
    let run = t.run(["explain", "CO", "--as-of", "2026-12-01", "--format", "json"]).ok();
    insta::assert_snapshot!("explain_co_json", run.stdout);
}

#[test]
fn versions_are_picked_by_date_before_on_and_after_a_change() {
    let t = TestDir::new();
    // Colorado lowered the minor-consent age for outpatient psychotherapy
    // from 15 to 12 on 2019-05-16 (HB 19-1120).
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
    edit("WA", "status = \"confirmed\"\n", "status = \"confirmed\"\nstatsu = \"x\"\n");
    let run = t.run(["check", "--jurisdictions", "rules"]).status(2);
    assert!(run.stderr.contains("TX.toml:"), "{}", run.stderr);
    assert!(run.stderr.contains("WA.toml:"), "{}", run.stderr);
    assert!(run.stderr.contains("unknown field `statsu`"), "{}", run.stderr);
}
