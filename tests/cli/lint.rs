//! The plain-language bar and required elements, on every bundled document
//! of every state.

use serde_json::Value;

use crate::util::{Run, TestDir, json_lines};

const EVERY_DOCUMENT: &str = "documents = [\"client-information\", \"consent\", \"confidentiality\", \"telehealth\", \"minors\", \"privacy-notice\", \"privacy-acknowledgment\", \"authorization\", \"notes-authorization\"]\n";

const OFFICE: &str = "[[locations]]\nname = \"Main office\"\naddress = \"1 Main Street, Fresno, CA 93721\"\nstate = \"CA\"\n";

/// Every service, and self-pay clients: every document a state can have.
const EVERY_SERVICE: &str =
    "[services]\ntelehealth = true\nminors = true\ncouples = true\n[fees]\nself_pay = true\n";

/// A Colorado counselor, whose state requires a disclosure statement.
const DISCLOSING: &str = "name = \"Test Practice\"\nstates = [\"CO\"]\neffective = 2026-01-01\n\
    [services]\ntelehealth = true\n\
    [[clinicians]]\nid = \"lee\"\nname = \"Sam Lee\"\ncredentials = \"LPC\"\nprofession = \"professional_counselor\"\n\
    education = [\"MA in Counseling, 2015\"]\napproach = \"I help adults with anxiety.\"\n\
    licenses = [{ state = \"CO\", type = \"LPC\", number = \"LPC.0001\", expires = 2028-03-31 }]\n";

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
    let t = TestDir::live();
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
    assert!(
        run.stderr.contains("CA authorization: lacks that disclosed information may be redisclosed (§ 164.508(c)(2)(iii))")
            && run.stderr.contains("(`redisclosure`)"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("CA confidentiality: lacks the state's duty to warn or protect")
            && run.stderr.contains("(`duty-to-warn`)"),
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
    let t = TestDir::live();
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

/// Each required element is tied to the block of the template that writes
/// it (`block` in templates/requirements.toml): removing that block's line
/// from a practice's copy of the template makes the document lack it, so a
/// rewording cannot hide a removed section behind a phrase found elsewhere.
/// See: issue 23.
#[test]
fn every_required_element_fails_when_its_block_is_removed() {
    use consentgen::options::{Formats, InputOptions, PlanOptions, StateSelection};
    let t = TestDir::new();
    t.write("practice.toml", &practice(EVERY_SERVICE));
    let requirements: toml::Table =
        std::fs::read_to_string(crate::util::root().join("templates/requirements.toml"))
            .unwrap()
            .parse()
            .unwrap();
    let opts = PlanOptions {
        states: StateSelection::Practice,
        formats: Formats { html: false, pdf: false, pdf_forms: false },
        as_of: consentgen::date::Date::parse("2026-12-01").unwrap(),
        as_of_given: true,
        budget: consentgen::budget::Budget::default(),
    };
    let mut checked = 0;
    for (doc, elements) in &requirements {
        for e in elements.as_array().unwrap() {
            let (id, block) = (e["id"].as_str().unwrap(), e["block"].as_str().unwrap());
            let (file, piece) = block.split_once(':').unwrap();
            let original =
                std::fs::read_to_string(crate::util::root().join("templates").join(file)).unwrap();
            let without = without_block(&original, piece)
                .unwrap_or_else(|| panic!("{doc} {id}: `{piece}` is not in {file}"));
            let dir = t.path().join(format!("case-{doc}-{id}"));
            std::fs::create_dir_all(dir.join("templates")).unwrap();
            std::fs::write(dir.join("templates").join(file), without).unwrap();
            // A disclosure statement is a clinician's own form, built where
            // the state requires one (Colorado, in the fixture rules).
            let text =
                if doc == "disclosure" { DISCLOSING.to_string() } else { practice(EVERY_SERVICE) };
            std::fs::write(dir.join("practice.toml"), text).unwrap();
            let project = consentgen::project::Project::load(&InputOptions {
                practice: Some(dir.join("practice.toml")),
                jurisdictions: Some(t.rules_dir()),
                templates: None,
            })
            .unwrap_or_else(|f| panic!("{doc} {id}: {f}"));
            let plan = project.plan(&opts).unwrap_or_else(|d| panic!("{doc} {id}: {d:?}"));
            let lacks = plan
                .documents
                .iter()
                .filter(|d| d.id == *doc && d.lang == consentgen::model::Lang::En)
                .any(|d| d.missing.iter().any(|m| m.id == id));
            assert!(
                lacks,
                "{doc}: removing the line with `{piece}` from {file} does not fail `{id}`"
            );
            checked += 1;
        }
    }
    assert!(checked > 80, "every element is tied to a block ({checked})");
}

/// The template without the lines holding `piece` (each branch that writes
/// the element), and without the lines after each that close a Tera block
/// it opens (so the template still parses).
fn without_block(template: &str, piece: &str) -> Option<String> {
    let mut text = without_first(template, piece)?;
    while let Some(next) = without_first(&text, piece) {
        text = next;
    }
    Some(text)
}

fn without_first(template: &str, piece: &str) -> Option<String> {
    let lines: Vec<&str> = template.lines().collect();
    let at = lines.iter().position(|l| l.contains(piece))?;
    let depth = |l: &str| -> i32 {
        let opens = ["{% if ", "{%- if ", "{% for ", "{%- for "]
            .iter()
            .map(|o| l.matches(o).count() as i32)
            .sum::<i32>();
        let closes = ["{% endif", "{%- endif", "{% endfor", "{%- endfor"]
            .iter()
            .map(|c| l.matches(c).count() as i32)
            .sum::<i32>();
        opens - closes
    };
    let mut open = depth(lines[at]);
    let mut end = at;
    while open > 0 && end + 1 < lines.len() {
        end += 1;
        open += depth(lines[end]);
    }
    // A line that opens by closing an earlier block (`{% endif %}- ...`)
    // keeps those closing tags, so the template still parses.
    let mut closers = String::new();
    let mut rest = lines[at];
    while let Some(tag) = rest.strip_prefix("{%") {
        let Some(close) = tag.find("%}") else { break };
        let inner = tag[..close].trim_matches(|c: char| c == '-' || c.is_whitespace());
        if !(inner.starts_with("endif") || inner.starts_with("endfor")) {
            break;
        }
        closers.push_str(&rest[..close + 4]);
        rest = &tag[close + 2..];
    }
    Some(
        lines
            .iter()
            .enumerate()
            .filter_map(|(i, l)| match i {
                i if i == at && !closers.is_empty() => Some(format!("{closers}\n")),
                i if i >= at && i <= end => None,
                _ => Some(format!("{l}\n")),
            })
            .collect(),
    )
}
