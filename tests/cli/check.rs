//! The CI loop: build, check, change a rule, check, diff, rebuild, check;
//! and `--message-format json`.

use std::path::Path;

use crate::util::{TestDir, change_ny_duty_to_warn, json_lines};

#[test]
fn build_check_edit_check_diff_rebuild_check() {
    let t = TestDir::new();
    let rules = t.copy_jurisdictions("rules");
    t.run(["build", "--jurisdictions", "rules"]).ok();
    let run = t.run(["check", "--jurisdictions", "rules"]).status(0);
    assert!(run.stderr.contains("out is current"), "{}", run.stderr);

    // Keep the old rules for `diff`, then change New York's duty to warn.
    let old = t.copy_jurisdictions("old-rules");
    let text = change_ny_duty_to_warn(&rules);
    check_names_the_english_forms_stale(&t);
    diff_names_the_change(&t, &old, &rules);
    // The translator adds the Spanish: the Spanish forms are stale too.
    add_the_translation(&t, &rules, &text);
    diff_lists_what_check_calls_stale(&t, &old, &rules);

    let run = t.run(["build", "--jurisdictions", "rules"]).ok();
    // The forms that state the rule, in both languages: the confidentiality
    // form, two clinicians' consents (HTML and PDF each) and two packets.
    assert!(run.stderr.contains(" 16 made, "), "{}", run.stderr);
    t.run(["check", "--jurisdictions", "rules"]).status(0);
}

/// After the change, `check` calls stale the English forms that state the
/// rule and says why, holds back the Spanish ones for want of a
/// translation, and leaves California alone.
fn check_names_the_english_forms_stale(t: &TestDir) {
    let run = t.run(["check", "--jurisdictions", "rules"]).status(1);
    let stale: Vec<&str> = run.stderr.lines().filter_map(|l| l.strip_prefix("stale: ")).collect();
    // The forms that state the rule (the limits of confidentiality, and
    // each clinician's own consent, which states their profession's rules),
    // and the two packets that hold it; the Spanish ones wait for the new
    // text's translation, named at its line (and the Spanish index no
    // longer lists them).
    assert_eq!(
        stale,
        [
            "NY/en/confidentiality.html",
            "NY/en/confidentiality.pdf",
            "NY/en/packet.pdf",
            "NY/en/packet-minor.pdf",
            "NY/en/clinicians/rpatel/consent.html",
            "NY/en/clinicians/rpatel/consent.pdf",
            "NY/en/clinicians/dbrown/consent.html",
            "NY/en/clinicians/dbrown/consent.pdf",
            "index.es.html",
        ],
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("error[untranslated]: the rule text `duty_to_warn.trigger` of NY (es)")
            && run.stderr.contains("rules/NY.toml:"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("because NY `duty_to_warn` changed: new value (N.Y. Mental Hyg. Law § 9.46"),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("CA/"), "California is not affected:\n{}", run.stderr);
}

/// `diff` of the old and new rules shows the changed value and the English
/// documents it changes, and nothing of California.
fn diff_names_the_change(t: &TestDir, old: &Path, rules: &Path) {
    let diff = t.run(["diff", old.to_str().unwrap(), rules.to_str().unwrap()]).ok();
    assert!(diff.stdout.contains("NY `duty_to_warn`"), "{}", diff.stdout);
    assert!(diff.stdout.contains("trigger: \"is, in our professional judgment"), "{}", diff.stdout);
    assert!(
        diff.stdout.contains("documents that change:\n  NY/en/clinicians/dbrown/consent\n  NY/en/clinicians/rpatel/consent\n  NY/en/confidentiality\n  NY/en/packet\n  NY/en/packet-minor\n"),
        "{}",
        diff.stdout
    );
    assert!(!diff.stdout.contains("CA "), "{}", diff.stdout);
}

/// Adds the Spanish of the changed trigger to the rules' catalog; `text` is
/// NY.toml as it was before the change.
fn add_the_translation(t: &TestDir, rules: &Path, text: &str) {
    let english =
        text.lines().find(|l| l.contains("is, in our professional judgment, likely")).unwrap();
    let english = english.split_once('"').unwrap().1.trim_end().trim_end_matches('"');
    let english = english.replacen("professional judgment", "clinical judgment", 1);
    // The translator adds the new text's translation to the catalog.
    let catalog = std::fs::read_to_string(rules.join("es.po")).unwrap();
    t.write(
        "rules/es.po",
        &format!(
            "{catalog}\n\
             msgctxt \"duty_to_warn.trigger\"\nmsgid \"{english}\"\nmsgstr \"según nuestro juicio clínico, es probable que actúe de una forma que le haría un daño grave a sí mismo o a otras personas\"\n"
        ),
    );
}

/// Translated, the Spanish forms are stale too, and `diff` names the
/// documents and packets `check` calls stale, and no others.
fn diff_lists_what_check_calls_stale(t: &TestDir, old: &Path, rules: &Path) {
    let run = t.run(["check", "--jurisdictions", "rules"]).status(1);
    assert!(!run.stderr.contains("untranslated"), "{}", run.stderr);
    assert!(run.stderr.contains("stale: NY/es/confidentiality.pdf"), "{}", run.stderr);
    let mut stale: Vec<&str> = run
        .stderr
        .lines()
        .filter_map(|l| l.strip_prefix("stale: "))
        .filter_map(|p| p.rsplit_once('.').map(|(base, _)| base))
        .filter(|p| p.contains('/'))
        .collect();
    stale.sort();
    stale.dedup();
    assert!(stale.contains(&"NY/es/packet-minor"), "{}", run.stderr);
    let diff = t.run(["diff", old.to_str().unwrap(), rules.to_str().unwrap()]).ok();
    let (_, listed) = diff.stdout.split_once("documents that change:\n").expect("a list");
    let listed: Vec<&str> = listed.lines().map(str::trim).collect();
    assert_eq!(listed, stale, "{}", diff.stdout);
}

#[test]
fn check_reports_missing_extra_and_edited_files() {
    let t = TestDir::new();
    t.write("practice.toml", "name = \"P\"\nstates = [\"CA\", \"TX\"]\neffective = 2026-01-01\n[services]\ntelehealth = true\n");
    t.run(["build", "practice.toml"]).ok();
    std::fs::remove_file(t.path().join("out/CA/en/consent.pdf")).unwrap();
    std::fs::write(t.path().join("out/CA/en/consent.html"), "edited").unwrap();
    std::fs::write(t.path().join("out/notes.txt"), "mine").unwrap();
    t.write(
        "practice.toml",
        "name = \"P\"\nstates = [\"CA\"]\neffective = 2026-01-01\n[services]\ntelehealth = true\n",
    );
    let run = t.run(["check", "practice.toml", "--message-format", "json"]).status(1);
    let lines = json_lines(&run);
    let status = |path: &str| {
        lines.iter().find(|l| l["path"] == path).map(|l| l["status"].as_str().unwrap().to_string())
    };
    assert_eq!(status("CA/en/consent.pdf").as_deref(), Some("missing"));
    assert_eq!(status("CA/en/consent.html").as_deref(), Some("edited"));
    assert_eq!(status("TX/en/consent.pdf").as_deref(), Some("extra"));
    assert_eq!(status("notes.txt"), None, "files the tool did not write are not its business");
    let summary = lines.last().unwrap();
    assert_eq!(summary["type"], "summary");
    assert_eq!(summary["status"], "problems");

    // A rebuild repairs everything, removes Texas, and keeps notes.txt.
    let run = t.run(["build", "practice.toml"]).ok();
    assert!(run.stderr.contains("5 removed"), "{}", run.stderr);
    assert!(!t.path().join("out/TX").exists());
    assert_eq!(t.read("out/notes.txt"), "mine");
    t.run(["check", "practice.toml"]).status(0);
}

#[test]
fn build_json_messages_parse() {
    let t = TestDir::new();
    let run = t.run(["build", "--message-format", "json", "--states", "TX"]).ok();
    let lines = json_lines(&run);
    assert!(
        lines.iter().any(|l| l["type"] == "document"
            && l["document"] == "consent"
            && l["grade"].is_number())
    );
    assert!(lines.iter().any(|l| l["type"] == "diagnostic" && l["severity"] == "warning"));
    let summary = lines.last().unwrap();
    assert_eq!(summary["type"], "summary");
    assert_eq!(
        summary["made"], 48,
        "10 documents, two packets and one clinician's consent, in two formats where HTML applies, in two languages"
    );
    let bad = t.run(["check", "nope.toml", "--message-format", "json"]).status(2);
    let lines = json_lines(&bad);
    assert_eq!(lines[0]["code"], "io");
    assert_eq!(lines.last().unwrap()["status"], "bad-input");
}

#[test]
fn a_rule_taking_force_later_is_announced_and_picked_up_on_its_date() {
    let t = TestDir::new();
    let rules = t.copy_jurisdictions("rules");
    let tx = rules.join("TX.toml");
    let text = std::fs::read_to_string(&tx).unwrap();
    // Add a future version of Texas's telehealth rule.
    let future = "\n[[telehealth.versions]]\napplies_to = [\"all\"]\neffective = 2027-02-01\nconsent_required = true\nrequirement = \"get your written consent before the first video visit\"\ncitation = \"Test Citation § 1\"\nsource = \"https://www.legis.example.gov/test\"\nstatus = \"confirmed\"\nevidence = \"official-text\"\n";
    let at = text.find("\n[[telehealth.versions]]").unwrap();
    let end = text[at + 1..].find("\n[[").map_or(text.len(), |i| at + 1 + i);
    let mut changed = text.clone();
    changed.insert_str(end, future);
    std::fs::write(&tx, changed).unwrap();
    t.write("practice.toml", "name = \"P\"\nstates = [\"TX\"]\neffective = 2026-12-01\ndocuments = [\"telehealth\"]\n[services]\ntelehealth = true\n");
    let run =
        t.run(["build", "practice.toml", "--jurisdictions", "rules", "--as-of", "2027-01-15"]).ok();
    assert!(
        run.stderr.contains("TX `telehealth` changes on 2027-02-01: rebuild then"),
        "{}",
        run.stderr
    );
    let run = t
        .run(["check", "practice.toml", "--jurisdictions", "rules", "--as-of", "2027-02-01"])
        .status(1);
    assert!(
        run.stderr.contains("TX `telehealth` changed: version effective 2027-02-01"),
        "{}",
        run.stderr
    );
    t.run(["build", "practice.toml", "--jurisdictions", "rules", "--as-of", "2027-02-01"]).ok();
    let html = t.read("out/TX/en/telehealth.html");
    assert!(html.contains("get your written consent before the first video visit"));
    assert!(
        html.contains("Effective February 1, 2027"),
        "the document's date moves to the rule's date"
    );
}

#[test]
fn a_new_clinician_is_named_as_a_practice_change_not_a_change_of_law() {
    let t = TestDir::new();
    let example =
        std::fs::read_to_string(crate::util::root().join("examples/practice.toml")).unwrap();
    t.write("p/practice.toml", &example);
    let args = ["p/practice.toml", "--out", "out", "--states", "TX", "--formats", "html"];
    t.run([&["build"][..], &args].concat()).ok();
    // A counselor joins in Texas: the rules stated there now include the
    // counselors' ones, though no rule file changed.
    let lpc = "\n[[clinicians]]\nid = \"mreyes\"\nname = \"Mara Reyes\"\ncredentials = \"LPC\"\nprofession = \"professional_counselor\"\nlicenses = [{ state = \"TX\", type = \"LPC\", number = \"00009\", expires = 2027-08-31 }]\n";
    let (head, tail) = example.split_at(example.find("# Each state's forms name").unwrap());
    t.write("p/practice.toml", &format!("{head}{lpc}\n{tail}"));
    let run = t.run([&["check"][..], &args].concat()).status(1);
    assert!(run.stderr.contains("changed: `clinicians`"), "{}", run.stderr);
    assert!(!run.stderr.contains("TX `child_abuse` changed"), "no rule is blamed: {}", run.stderr);
    assert!(!run.stderr.contains("TX `duty_to_warn` changed"), "no rule is blamed: {}", run.stderr);
}

/// Rewrites the manifest's JSON with `edit`.
fn edit_manifest(t: &TestDir, edit: impl FnOnce(&mut serde_json::Value)) {
    let mut m: serde_json::Value = serde_json::from_str(&t.read("out/manifest.json")).unwrap();
    edit(&mut m);
    t.write("out/manifest.json", &serde_json::to_string_pretty(&m).unwrap());
}

#[test]
fn an_upgrade_that_writes_the_same_bytes_leaves_the_forms_current() {
    let t = TestDir::new();
    let args = ["--states", "TX", "--formats", "html"];
    t.run([&["build"][..], &args].concat()).ok();
    // Another build of consentgen (its source changed) wrote these files:
    // keys hash what makes the bytes, not the program's source.
    edit_manifest(&t, |m| m["tool"]["build"] = "0123456789abcdef".into());
    let run = t.run([&["check"][..], &args].concat()).status(0);
    assert!(run.stderr.contains("is current"), "{}", run.stderr);

    // One that wrote another text for the same inputs: the program is named,
    // not a rule or a template.
    edit_manifest(&t, |m| {
        let o = m["outputs"].as_array_mut().unwrap().iter_mut();
        for o in o.filter(|o| o["path"] == "TX/en/consent.html") {
            o["key"] = "0".repeat(64).into();
        }
    });
    let run = t.run([&["check"][..], &args].concat()).status(1);
    assert!(
        run.stderr.contains(
            "stale: TX/en/consent.html\n    because consentgen changed the text (consentgen"
        ),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("TX `"), "no rule is blamed: {}", run.stderr);

    // One whose typesetting (fonts, Typst) changed: the reason says so.
    edit_manifest(&t, |m| m["tool"]["engine"] = "engine 0000000000000000 writer 0".into());
    let run = t.run([&["check"][..], &args].concat()).status(1);
    assert!(
        run.stderr.contains(
            "consentgen changed how it writes pages (engine 0000000000000000 writer 0 → engine "
        ),
        "{}",
        run.stderr
    );
}
