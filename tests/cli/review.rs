//! Counsel's review (issue 25): `consentgen review`, `reviews.toml`, and what
//! a decision does to the forms, on the fixture rule files. Oregon's duty to
//! warn is unconfirmed there: the forms give the sentence true everywhere
//! until counsel accepts the draft.

use serde_json::Value;

use crate::util::{TestDir, json_lines};

const PRACTICE: &str = "name = \"Review Test\"\nstates = [\"OR\"]\ndocuments = [\"consent\", \"confidentiality\"]\neffective = 2026-01-01\n[services]\ntelehealth = true\n\
[[clinicians]]\nid = \"psy\"\nname = \"Pat Psy\"\nprofession = \"psychologist\"\n\
licenses = [{ state = \"OR\", type = \"Psychologist\", number = \"1\", expires = 2030-01-01 }]\n";

const TRIGGER: &str = "shows a clear and serious intent to commit a crime";
const GENERIC: &str =
    "The law may require or allow us to share information to protect a person from serious harm.";

/// The review records of Oregon, as JSON.
fn records(t: &TestDir, extra: &[&str]) -> Vec<Value> {
    let mut args =
        vec!["review", "OR", "p/practice.toml", "--format", "json", "--as-of", "2026-12-01"];
    args.extend_from_slice(extra);
    let run = t.run(args).ok();
    serde_json::from_str::<Value>(&run.stdout).unwrap().as_array().unwrap().clone()
}

fn record<'a>(list: &'a [Value], topic: &str) -> &'a Value {
    list.iter().find(|r| r["topic"] == topic).unwrap_or_else(|| panic!("no {topic} record"))
}

fn review(topic: &str, decision: &str, hash: &str, extra: &str) -> String {
    format!(
        "[[review]]\nstate = \"OR\"\ntopic = \"{topic}\"\ndecision = \"{decision}\"\nreviewer = \"A. Counsel, Esq.\"\ndate = 2026-12-05\nhash = \"{hash}\"\n{extra}"
    )
}

fn confidentiality(t: &TestDir) -> String {
    crate::util::html_text(&t.read("p/out/OR/en/confidentiality.html"))
}

#[test]
fn the_sheet_gives_each_rule_now_and_drafted_with_sources_and_a_hash() {
    let t = TestDir::new();
    t.write("p/practice.toml", PRACTICE);
    let list = records(&t, &[]);
    let dtw = record(&list, "duty_to_warn");
    assert_eq!(dtw["status"], "unconfirmed");
    assert_eq!(dtw["applies_to"], serde_json::json!(["psychologist"]));
    assert!(dtw["now"].as_str().unwrap().contains(GENERIC), "{dtw}");
    assert!(dtw["draft"].as_str().unwrap().contains(TRIGGER), "{dtw}");
    let hash = dtw["hash"].as_str().unwrap();
    assert_eq!(hash.len(), 64);
    assert!(hash.bytes().all(|b| b.is_ascii_hexdigit()));
    assert!(dtw["citation"].as_str().is_some_and(|c| c.contains("Or. Rev. Stat.")), "{dtw}");
    for s in dtw["sources"].as_array().unwrap() {
        assert!(s["url"].as_str().unwrap().starts_with("http"), "{s}");
        assert!(s.get("evidence").is_some() && s.get("current_through").is_some(), "{s}");
    }
    // The same inputs give the same hash; a new note does not change it.
    assert_eq!(record(&records(&t, &[]), "duty_to_warn")["hash"], hash);
    let rules = t.copy_jurisdictions("rules");
    let or = std::fs::read_to_string(rules.join("OR.toml")).unwrap();
    let noted =
        or.replacen("[[duty_to_warn.versions]]\n", "[[duty_to_warn.versions]]\n# a comment\n", 1);
    std::fs::write(rules.join("OR.toml"), noted).unwrap();
    let again = records(&t, &["--jurisdictions", rules.to_str().unwrap()]);
    assert_eq!(
        record(&again, "duty_to_warn")["hash"],
        hash,
        "notes and comments are not in the hash"
    );
    // The written sheet: a page and a tagged PDF.
    t.run(["review", "OR", "p/practice.toml", "--out", "sheet", "--as-of", "2026-12-01"]).ok();
    let page = t.read("sheet/OR-review.html");
    assert!(page.contains(hash) && page.contains("research, not legal advice"), "{page}");
    assert!(std::fs::read(t.path().join("sheet/OR-review.pdf")).unwrap().starts_with(b"%PDF-"));
}

#[test]
fn accept_states_the_draft_until_the_rule_changes_then_check_asks_again() {
    let t = TestDir::new();
    t.write("p/practice.toml", PRACTICE);
    t.run(["build", "p/practice.toml", "--out", "p/out"]).ok();
    assert!(confidentiality(&t).contains(GENERIC), "before: the generic sentence");
    assert!(!confidentiality(&t).contains(TRIGGER));
    let hash = record(&records(&t, &[]), "duty_to_warn")["hash"].as_str().unwrap().to_string();
    t.write("p/reviews.toml", &review("duty_to_warn", "accept", &hash, ""));
    t.run(["build", "p/practice.toml", "--out", "p/out"]).ok();
    let text = confidentiality(&t);
    assert!(text.contains(TRIGGER), "after accept, the specific sentence: {text}");
    assert!(!text.contains("A. Counsel"), "the reviewer is never in a client's form");
    let manifest = t.read("p/out/manifest.json");
    assert!(
        manifest.contains("A. Counsel, Esq.") && manifest.contains("\"decision\": \"accept\""),
        "{manifest}"
    );
    t.run(["check", "p/practice.toml", "--out", "p/out"]).status(0);

    // The rule's data changes: the review is stale.
    let rules = t.copy_jurisdictions("rules");
    let or = std::fs::read_to_string(rules.join("OR.toml")).unwrap();
    std::fs::write(
        rules.join("OR.toml"),
        or.replacen(TRIGGER, "shows a serious intent to commit a crime", 1),
    )
    .unwrap();
    let run =
        t.run(["build", "p/practice.toml", "--out", "p/out", "--jurisdictions", "rules"]).ok();
    assert!(
        run.stderr.contains("warning[review]") && run.stderr.contains("OR `duty_to_warn`"),
        "{}",
        run.stderr
    );
    let text = confidentiality(&t);
    assert!(
        text.contains(GENERIC) && !text.contains("serious intent to commit"),
        "back to the generic sentence: {text}"
    );
    let run = t
        .run([
            "check",
            "p/practice.toml",
            "--out",
            "p/out",
            "--jurisdictions",
            "rules",
            "--message-format",
            "json",
        ])
        .status(1);
    let lines = json_lines(&run);
    let summary = lines.last().unwrap();
    assert_eq!(summary["problems"], serde_json::json!(["review"]), "{summary}");
    let d = lines.iter().find(|l| l["code"] == "review").expect("a review diagnostic");
    assert!(d["message"].as_str().unwrap().contains("A. Counsel, Esq."), "{d}");
    assert!(d["file"].as_str().unwrap().ends_with("reviews.toml"), "{d}");
}

#[test]
fn replace_states_the_practices_own_text_and_citation_and_reject_the_generic_sentence() {
    let t = TestDir::new();
    t.write("p/practice.toml", PRACTICE);
    let list = records(&t, &[]);
    let dtw = record(&list, "duty_to_warn")["hash"].as_str().unwrap().to_string();
    let child = record(&list, "child_abuse")["hash"].as_str().unwrap().to_string();
    let own = "Our lawyer says we may warn a person you threaten, and the police.";
    t.write(
        "p/reviews.toml",
        &format!(
            "{}\n{}",
            review(
                "duty_to_warn",
                "replace",
                &dtw,
                &format!(
                    "text = \"{own}\"\ncitation = \"Or. Rev. Stat. § 40.252 (counsel's reading)\"\n"
                )
            ),
            review("child_abuse", "reject", &child, ""),
        ),
    );
    t.run(["build", "p/practice.toml", "--out", "p/out"]).ok();
    let text = confidentiality(&t);
    assert!(text.contains(own), "{text}");
    assert!(
        text.contains("Or. Rev. Stat. § 40.252 (counsel's reading)"),
        "its citation is listed: {text}"
    );
    assert!(!text.contains(TRIGGER));
    // Rejected: the generic child-abuse sentence, not the state's agency.
    assert!(!text.contains("the state Department of Human Services or the police"), "{text}");
    assert!(text.contains("the law says we must report it to the authorities"), "{text}");
    let sheet = records(&t, &[]);
    assert_eq!(record(&sheet, "duty_to_warn")["review"]["decision"], "replace");
    assert_eq!(record(&sheet, "duty_to_warn")["review"]["current"], true);
}

#[test]
fn bad_reviews_name_file_line_and_column() {
    let t = TestDir::new();
    t.write("p/practice.toml", PRACTICE);
    let good = "0".repeat(64);
    for (text, expect) in [
        (
            review("duty_to_warn", "accept", &good, "").replace("state = \"OR\"", "state = \"XY\""),
            "unknown state `XY`",
        ),
        (review("duty_to_warm", "accept", &good, ""), "did you mean `duty_to_warn`?"),
        (review("duty_to_warn", "approve", &good, ""), "`approve` is not an allowed value"),
        (review("duty_to_warn", "accept", "abc", ""), "`hash` must be 64 lower-case hex digits"),
        (review("duty_to_warn", "replace", &good, ""), "a `replace` decision needs `text`"),
        (
            review("duty_to_warn", "accept", &good, "")
                .replace("date = 2026-12-05", "date = 2026-13-05"),
            "reviews.toml:6:",
        ),
        (
            review("licensing_boards", "replace", &good, "text = \"x\"\ncitation = \"y\"\n"),
            "cannot be replaced",
        ),
    ] {
        t.write("p/reviews.toml", &text);
        let run = t.run(["build", "p/practice.toml", "--out", "p/out"]).status(2);
        assert!(run.stderr.contains(expect), "{expect}:\n{}", run.stderr);
        assert!(run.stderr.contains("reviews.toml:"), "file:line:column:\n{}", run.stderr);
    }
    let schema = t.run(["schema", "reviews"]).ok();
    assert!(schema.stdout.contains("\"decision\""), "{}", schema.stdout);
}
