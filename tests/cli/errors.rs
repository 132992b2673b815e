//! Bad input: exit 2, a message naming file, line and column with a hint,
//! never a panic, and nothing written.

use crate::util::{Run, TestDir};

const PRACTICE: &str =
    "name = \"Test Practice\"\nstates = [\"CA\"]\nservices = { telehealth = true }\n";

/// Builds `practice.toml` with the given text into `out`, expecting exit 2.
fn build_bad(t: &TestDir, practice: &str) -> Run {
    t.write("practice.toml", practice);
    let run = t.run(["build", "practice.toml"]).status(2);
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
    assert!(!t.path().join("out").exists(), "a failed build wrote into the output folder");
    run
}

#[test]
fn unknown_field_in_practice_names_line_column_and_suggests() {
    let t = TestDir::new();
    let run = build_bad(&t, "name = \"Test\"\nstates = [\"CA\"]\n\n[services]\ntelehelth = true\n");
    assert!(
        run.stderr.contains("error[unknown-field]: unknown field `telehelth`"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("practice.toml:5:1"), "{}", run.stderr);
    assert!(run.stderr.contains("hint: did you mean `telehealth`?"), "{}", run.stderr);
    assert!(run.stderr.contains("telehelth = true"), "shows the offending line:\n{}", run.stderr);
}

#[test]
fn toml_syntax_error_names_the_line() {
    let t = TestDir::new();
    let run = build_bad(&t, "name = \"Test\nstates = [\"CA\"]\n");
    assert!(run.stderr.contains("practice.toml:1:"), "{}", run.stderr);
    assert!(run.stderr.contains("error[syntax]"), "{}", run.stderr);
}

#[test]
fn unknown_state_is_refused_with_a_suggestion() {
    let t = TestDir::new();
    let run = build_bad(&t, "name = \"Test\"\nstates = [\"CA\", \"XY\", \"ny\"]\n");
    assert!(run.stderr.contains("unknown state `XY`"), "{}", run.stderr);
    assert!(run.stderr.contains("practice.toml:2:17"), "{}", run.stderr);
    assert!(run.stderr.contains("did you mean `NY`?"), "{}", run.stderr);
}

#[test]
fn wrong_type_is_refused() {
    let t = TestDir::new();
    let run = build_bad(&t, &format!("{PRACTICE}[fees]\ncancellation_notice_hours = \"24\"\n"));
    assert!(run.stderr.contains("error[invalid-type]"), "{}", run.stderr);
    assert!(run.stderr.contains("practice.toml:5:29"), "{}", run.stderr);
}

#[test]
fn missing_practice_file_is_a_clear_error() {
    let t = TestDir::new();
    let run = t.run(["build", "nope.toml"]).status(2);
    assert!(run.stderr.contains("cannot read `nope.toml`: no such file"), "{}", run.stderr);
    assert!(run.stderr.contains("consentgen init"), "{}", run.stderr);
}

/// Copies the bundled rules, changes `CA.toml` with `edit`, and builds with them.
fn build_with_ca(t: &TestDir, edit: impl Fn(&str) -> String) -> Run {
    let dir = t.copy_jurisdictions("rules");
    let path = dir.join("CA.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    let changed = edit(&text);
    assert_ne!(changed, text, "the edit changed nothing");
    std::fs::write(&path, changed).unwrap();
    t.write("practice.toml", PRACTICE);
    let run = t.run(["build", "practice.toml", "--jurisdictions", "rules"]).status(2);
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
    assert!(!t.path().join("out").exists(), "a failed build wrote into the output folder");
    run
}

fn line_of(text: &str, needle: &str) -> usize {
    text[..text.find(needle).unwrap()].matches('\n').count() + 1
}

#[test]
fn misspelt_key_in_a_rule_version() {
    let t = TestDir::new();
    let original = std::fs::read_to_string(crate::util::fixture("rules/CA.toml")).unwrap();
    let line = line_of(&original, "\nkind = \"mandatory\"\ntrigger") + 1;
    let run = build_with_ca(&t, |s| {
        s.replacen("\nkind = \"mandatory\"\ntrigger", "\nknid = \"mandatory\"\ntrigger", 1)
    });
    assert!(run.stderr.contains("unknown field `knid`"), "{}", run.stderr);
    assert!(run.stderr.contains(&format!("CA.toml:{line}:1")), "{}", run.stderr);
    assert!(run.stderr.contains("did you mean `kind`?"), "{}", run.stderr);
}

#[test]
fn bad_date_in_a_rule_file() {
    let t = TestDir::new();
    let run =
        build_with_ca(&t, |s| s.replacen("effective = 2024-07-01", "effective = 2024-02-30", 1));
    assert!(run.stderr.contains("CA.toml:"), "{}", run.stderr);
    assert!(run.stderr.contains("2013-02-30") || run.stderr.contains("date"), "{}", run.stderr);
}

#[test]
fn datetime_is_not_a_date() {
    let t = TestDir::new();
    let run = build_with_ca(&t, |s| {
        s.replacen("effective = 2024-07-01", "effective = 2024-07-01T10:00:00", 1)
    });
    assert!(run.stderr.contains("found a date with a time"), "{}", run.stderr);
}

#[test]
fn invalid_kind_lists_the_allowed_values() {
    let t = TestDir::new();
    let run = build_with_ca(&t, |s| s.replacen("kind = \"mandatory\"", "kind = \"mandatroy\"", 1));
    assert!(run.stderr.contains("`mandatroy` is not an allowed value"), "{}", run.stderr);
    assert!(run.stderr.contains("did you mean `mandatory`?"), "{}", run.stderr);
}

#[test]
fn empty_citation_and_out_of_order_versions_are_all_reported() {
    let t = TestDir::new();
    let run = build_with_ca(&t, |s| {
        s.replacen("citation = \"Cal. Civ. Code § 43.92;", "citation = \" \" # ;", 1).replacen(
            "effective = 2024-07-01",
            "effective = 2010-07-01",
            1,
        )
    });
    assert!(run.stderr.contains("error[empty-citation]"), "{}", run.stderr);
    assert!(run.stderr.contains("error[versions-out-of-order]"), "{}", run.stderr);
    assert!(run.stderr.contains("stopped after 2 errors"), "{}", run.stderr);
}

#[test]
fn review_date_in_the_future_is_refused() {
    let t = TestDir::new();
    let run = build_with_ca(&t, |s| {
        let at = s.find("last_reviewed = ").unwrap() + "last_reviewed = ".len();
        format!("{}2999-01-01{}", &s[..at], &s[at + 10..])
    });
    assert!(run.stderr.contains("error[review-in-future]"), "{}", run.stderr);
    assert!(run.stderr.contains("CA.toml:3:17"), "{}", run.stderr);
}

#[test]
fn a_failed_build_leaves_earlier_outputs_as_they_were() {
    let t = TestDir::new();
    t.write("practice.toml", PRACTICE);
    t.run(["build", "practice.toml"]).ok();
    let before = t.files("out");
    t.write(
        "practice.toml",
        "name = \"Test\"\nstates = [\"CA\"]\nbogus = 1\nservices = { telehealth = true }\n",
    );
    t.run(["build", "practice.toml"]).status(2);
    assert!(before == t.files("out"), "outputs changed after a failed build");
}

#[test]
fn usage_errors_exit_2() {
    let t = TestDir::new();
    for args in [
        vec!["build", "--as-of", "2026-13-01"],
        vec!["build", "--states", "California"],
        vec!["build", "--formats", "docx"],
        vec!["frobnicate"],
        vec!["explain"],
    ] {
        let run = t.run(&args).status(2);
        assert!(run.stderr.contains("error"), "{args:?}: {}", run.stderr);
    }
    let run = t.run(["build", "--states", "ZZ"]).status(2);
    assert!(run.stderr.contains("unknown state `ZZ`"), "{}", run.stderr);
}
