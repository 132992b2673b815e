//! What a practice's CI relies on: `check` says which kind of problem it
//! found, undated forms and printed grades do not drift, `--version` names
//! the rules, and the example workflow rebuilds when they change.

use crate::util::{Run, TestDir, json_lines};

// 8. check says which kind of problem it found; dates and grades that do not drift.

#[test]
fn check_separates_outdated_forms_from_failed_lint() {
    let t = TestDir::new();
    let practice = |bar: &str| {
        format!(
            "name = \"Kinds\"\nservices = {{ telehealth = true }}\nstates = [\"CA\"]\neffective = 2026-01-01\n\n[readability]\nmax_grade = {bar}\n"
        )
    };
    t.write("practice.toml", &practice("3.0"));
    t.run(["build", "practice.toml"]).ok();
    let summary = |run: &Run| json_lines(run).last().unwrap().clone();
    // Current forms that fail the reading bar: a rebuild would not help.
    let run = t.run(["check", "practice.toml", "--message-format", "json"]).status(1);
    assert_eq!(summary(&run)["problems"], serde_json::json!(["lint"]), "{}", run.stdout);
    assert_eq!(summary(&run)["stale"], 0);
    let run = t.run(["check", "practice.toml"]).status(1);
    assert!(
        run.stderr
            .contains("lint problems (fix the template or the practice file; a build does not)"),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("out-of-date"), "{}", run.stderr);
    // Outdated forms that pass: a rebuild fixes them.
    t.write("practice.toml", &practice("8.0"));
    std::fs::remove_file(t.path().join("out/CA/en/consent.pdf")).unwrap();
    let run = t.run(["check", "practice.toml", "--message-format", "json"]).status(1);
    assert_eq!(summary(&run)["problems"], serde_json::json!(["outdated"]), "{}", run.stdout);
    let run = t.run(["check", "practice.toml"]).status(1);
    assert!(
        run.stderr.contains("check found 1 out-of-date file (a build brings them up to date)"),
        "{}",
        run.stderr
    );
    // Both.
    t.write("practice.toml", &practice("3.0"));
    let run = t.run(["check", "practice.toml", "--message-format", "json"]).status(1);
    assert_eq!(summary(&run)["problems"], serde_json::json!(["outdated", "lint"]));
    t.write("practice.toml", &practice("8.0"));
    t.run(["build", "practice.toml"]).ok();
    let run = t.run(["check", "practice.toml", "--message-format", "json"]).ok();
    assert_eq!(summary(&run)["problems"], serde_json::json!([]));
    assert_eq!(summary(&run)["status"], "current");
}

#[test]
fn without_an_effective_date_forms_do_not_go_stale_day_by_day() {
    let t = TestDir::new();
    t.write(
        "practice.toml",
        "name = \"Undated\"\nservices = { telehealth = true }\nstates = [\"CA\", \"WA\"]\n",
    );
    // A day after every rule file's review, as a daily CI job's build is.
    let run = t.run(["build", "practice.toml", "--as-of", "2027-03-01"]).ok();
    assert!(run.stderr.contains("warning[no-effective-date]"), "{}", run.stderr);
    for day in ["2027-03-02", "2027-06-30"] {
        let run = t.run(["check", "practice.toml", "--as-of", day]).status(0);
        assert!(run.stderr.contains("out is current"), "{day}: {}", run.stderr);
    }
    // Dated by the last rule change it states, not by the day it was built.
    let html = t.read("out/CA/en/confidentiality.html");
    assert!(!html.contains("March 1, 2027"), "{html}");
}

#[test]
fn a_grade_is_compared_as_it_is_printed() {
    // A document whose grade is a little above the one decimal it prints as.
    let sentences = [
        "You can talk to us about your care at any time.",
        "We keep what you tell us private, with a few exceptions the law sets.",
        "Please call the office if you need to change your appointment time.",
        "Therapy works best when you come to each session and tell us how you feel.",
        "Some problems take longer to work through than others do.",
    ];
    let mut found = None;
    'search: for n in 1..=sentences.len() {
        for start in 0..=sentences.len() - n {
            let body = sentences[start..start + n].join(" ");
            let md = format!("# A note\n\n{body}\n");
            let events = consentgen::render::markdown::events(&md);
            let grade =
                consentgen::lint::readability::score(&events, consentgen::model::Lang::En).grade();
            let printed: f64 = format!("{grade:.1}").parse().unwrap();
            if grade > printed + 1e-9 {
                found = Some((md, printed));
                break 'search;
            }
        }
    }
    let (md, printed) = found.expect("some text grades above its printed value");
    let t = TestDir::new();
    t.write("templates/note.md", &md);
    t.write(
        "practice.toml",
        &format!("name = \"Bar\"\nservices = {{ telehealth = true }}\nstates = [\"CA\"]\ndocuments = [\"note\"]\neffective = 2026-01-01\n\n[readability]\nmax_grade = {printed:.1}\n"),
    );
    t.run(["build", "practice.toml", "--formats", "html"]).ok();
    let run = t.run(["check", "practice.toml", "--formats", "html"]).status(0);
    assert!(!run.stderr.contains("reading-grade"), "{}", run.stderr);
}

// 6. Rule changes reach a practice's CI; the binary names its rules.

#[test]
fn version_names_the_rules_content_hash_and_review_date() {
    let t = TestDir::new();
    let run = t.run(["--version"]).ok();
    // What `sha256sum jurisdictions/*.toml | sha256sum` gives in the repository.
    let mut files: Vec<_> = std::fs::read_dir(crate::util::root().join("jurisdictions"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    files.sort();
    let mut listing = String::new();
    let mut reviewed = String::new();
    for p in &files {
        let text = std::fs::read_to_string(p).unwrap();
        let name = p.file_name().unwrap().to_str().unwrap();
        listing.push_str(&format!(
            "{}  jurisdictions/{name}\n",
            consentgen::io::sha256_hex(text.as_bytes())
        ));
        let date =
            text.lines().find_map(|l| l.strip_prefix("last_reviewed = ")).unwrap().to_string();
        reviewed = reviewed.max(date);
    }
    let sha = consentgen::io::sha256_hex(listing.as_bytes());
    assert!(run.stdout.contains(&format!("rules sha256: {sha}")), "{}", run.stdout);
    assert!(
        run.stdout
            .contains(&format!("{} jurisdiction files, last reviewed {reviewed}", files.len())),
        "{}",
        run.stdout
    );
    let run = t.run(["-V"]).ok();
    assert!(
        run.stdout.contains(&format!("rules reviewed {reviewed}, {}", &sha[..12])),
        "{}",
        run.stdout
    );
}

#[test]
fn the_example_workflow_rebuilds_consentgen_when_its_rules_change() {
    let text =
        std::fs::read_to_string(crate::util::root().join("examples/github-actions.yml")).unwrap();
    let key = text.lines().find_map(|l| l.trim().strip_prefix("key:")).expect("a cache key").trim();
    assert!(key.contains("${{ steps.consentgen.outputs.sha }}"), "the key names the commit: {key}");
    assert!(!key.contains("0.1.0"), "{key}");
    assert!(text.contains("git ls-remote"), "a branch is looked up on every run");
    assert!(
        text.contains("--rev \"${{ steps.consentgen.outputs.sha }}\""),
        "the cached binary is that commit's"
    );
    assert!(text.contains("consentgen --version"));
    assert!(
        text.contains("CONSENTGEN_REF") && text.contains("To update the rules"),
        "pinning is explained"
    );
    assert!(text.contains(".problems"), "it tells outdated forms from lint failures");
}
