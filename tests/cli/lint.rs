//! The plain-language bar and required elements, on every bundled document
//! of every state.

use serde_json::Value;

use crate::util::{Run, TestDir, json_lines};

const EVERY_DOCUMENT: &str = "documents = [\"client-information\", \"consent\", \"confidentiality\", \"telehealth\", \"minors\", \"privacy-notice\", \"privacy-acknowledgment\", \"authorization\", \"notes-authorization\"]\n";

const OFFICE: &str = "[[locations]]\nname = \"Main office\"\naddress = \"1 Main Street, Fresno, CA 93721\"\nstate = \"CA\"\n";

/// Every service, and self-pay clients: every document a state can have.
const EVERY_SERVICE: &str =
    "[services]\ntelehealth = true\nminors = true\ncouples = true\n[fees]\nself_pay = true\n";

fn practice(services: &str) -> String {
    format!(
        "name = \"Test Practice\"\nstates = [\"CA\"]\neffective = 2026-01-01\n{EVERY_DOCUMENT}{services}{OFFICE}"
    )
}

/// Builds `NAME/practice.toml` for every state (HTML) into `NAME/out`;
/// returns the run and its document records.
fn build_every_state(t: &TestDir, name: &str) -> (Run, Vec<Value>) {
    let practice = format!("{name}/practice.toml");
    let out = format!("{name}/out");
    let args = [
        "build",
        &practice,
        "--states",
        "all",
        "--formats",
        "html",
        "--out",
        &out,
        "--message-format",
        "json",
    ];
    let run = t.run(args).ok();
    let docs = json_lines(&run).into_iter().filter(|l| l["type"] == "document").collect();
    (run, docs)
}

#[test]
fn every_document_of_every_state_renders_and_reads_at_grade_8_or_below() {
    let t = TestDir::new();
    for (name, services, per_state) in [
        ("all", EVERY_SERVICE, 10),
        // No telehealth form without telehealth, no minors form without
        // minors, no Good Faith Estimate notice without self-pay clients.
        ("plain", "[services]\nin_person = true\n[fees]\ninsurance = false\n", 7),
    ] {
        t.write(&format!("{name}/practice.toml"), &practice(services));
        let (run, docs) = build_every_state(&t, name);
        assert_eq!(docs.len(), 51 * per_state, "every document of every jurisdiction");
        for d in &docs {
            let grade = d["grade"].as_f64().unwrap();
            assert!(grade <= 8.0, "{} {} reads at grade {grade}", d["state"], d["document"]);
            assert!(grade > 0.0);
        }
        // No required element is missing anywhere.
        assert!(!run.stdout.contains("missing-element"), "{}", run.stdout);
        assert!(!run.stdout.contains("reading-grade"), "{}", run.stdout);
    }
}

#[test]
fn check_passes_the_bundled_example() {
    let t = TestDir::new();
    t.run(["build"]).ok();
    t.run(["check"]).status(0);
}

#[test]
fn a_template_without_a_required_element_fails_check() {
    let t = TestDir::new();
    t.write("practice.toml", &practice("[services]\ntelehealth = true\n"));
    // The practice's own copy of the authorization, without the redisclosure
    // statement (45 C.F.R. § 164.508(c)(2)(iii)).
    let bundled =
        std::fs::read_to_string(crate::util::root().join("templates/authorization.md")).unwrap();
    let rights = "{{<auth_rights practice={practice} notes={false}/>}}";
    assert!(bundled.contains(rights));
    t.write("templates/authorization.md", &bundled.replace(rights, ""));
    // A confidentiality form that drops the duty to warn.
    let conf =
        std::fs::read_to_string(crate::util::root().join("templates/confidentiality.md")).unwrap();
    let warn = "{{<duty_to_warn t={duty_to_warn} state={jurisdiction.name}/>}}";
    assert!(conf.contains(warn));
    t.write("templates/confidentiality.md", &conf.replace(warn, ""));
    t.run(["build", "practice.toml"]).ok();
    let run = t.run(["check", "practice.toml"]).status(1);
    assert!(run.stderr.contains("CA authorization: lacks that disclosed information may be redisclosed (§ 164.508(c)(2)(iii)) (`redisclosure`)"), "{}", run.stderr);
    assert!(
        run.stderr.contains(
            "CA confidentiality: lacks the state's duty to warn or protect (`duty-to-warn`)"
        ),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("CA consent: lacks"), "{}", run.stderr);
}

#[test]
fn a_hard_template_fails_the_reading_bar_naming_its_sections() {
    let t = TestDir::new();
    t.write("practice.toml", "name = \"P\"\nstates = [\"NY\"]\ndocuments = [\"consent\"]\n[services]\ntelehealth = true\n[readability]\nmax_grade = 6.0\n");
    t.write(
        "templates/consent.md",
        "# Consent\n\n## Simple part\n\nWe help you. You can stop.\n\n## Legal part\n\nNotwithstanding any other provision of applicable law, the psychotherapist shall disclose confidential communications only upon the express written authorization of the patient concerned.\n",
    );
    t.run(["build", "practice.toml"]).ok();
    let run = t.run(["check", "practice.toml"]).status(1);
    assert!(
        run.stderr.contains("error[reading-grade]: NY consent: reading grade"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("hint: hardest sections: \"Legal part\""), "{}", run.stderr);
}

#[test]
fn every_spanish_document_of_every_state_scores_inflesz_65_or_more() {
    let t = TestDir::new();
    t.write("es/practice.toml", &format!("languages = [\"es\"]\n{}", practice(EVERY_SERVICE)));
    let (run, docs) = build_every_state(&t, "es");
    assert_eq!(docs.len(), 51 * 10, "every document of every jurisdiction, in Spanish");
    for d in &docs {
        let score = d["inflesz"].as_f64().unwrap_or_else(|| panic!("no INFLESZ: {d}"));
        assert!(score >= 65.0, "{} {} scores INFLESZ {score}", d["state"], d["document"]);
    }
    assert!(!run.stdout.contains("missing-element"), "{}", run.stdout);
    let summary = json_lines(&run).pop().unwrap();
    assert_eq!(summary["untranslated"], 0, "{summary}");
}
