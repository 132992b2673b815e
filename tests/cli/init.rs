//! `consentgen init`: a complete, commented starter practice that `check`
//! and `build` refuse until its placeholders are replaced.

use crate::util::TestDir;

#[test]
fn the_starter_is_refused_until_its_placeholders_are_replaced() {
    let t = TestDir::new();
    t.run(["init", "mine"]).ok();
    let text = t.read("mine/practice.toml");
    assert!(text.lines().filter(|l| l.starts_with('#')).count() > 20, "is commented");
    for part in
        ["[[clinicians]]", "[[locations]]", "[privacy]", "[clauses]", "[fees]", "documents = ["]
    {
        assert!(text.contains(part), "the starter has {part}");
    }
    let run = t.run(["check", "mine/practice.toml", "--out", "o"]).status(2);
    let placeholders = run.stderr.matches("error[placeholder]").count();
    assert!(placeholders >= 10, "every placeholder is named: {}", run.stderr);
    assert!(run.stderr.contains("mine/practice.toml:9:9"), "{}", run.stderr);
    t.run(["build", "mine/practice.toml", "--out", "o"]).status(2);
    assert!(!t.path().join("o").exists(), "nothing is built from a starter");

    // With every placeholder replaced, the starter builds every document.
    t.write("mine/practice.toml", &text.replace("(replace) ", ""));
    t.run(["build", "mine/practice.toml", "--out", "o"]).ok();
    for doc in [
        "client-information",
        "consent",
        "confidentiality",
        "privacy-notice",
        "good-faith-estimate",
    ] {
        assert!(t.path().join(format!("o/CA/en/{doc}.pdf")).exists(), "{doc}");
    }
    assert!(t.path().join("o/CA/en/clinicians/clinician1/consent.pdf").exists());
    let again = t.run(["init", "mine"]).status(2);
    assert!(again.stderr.contains("already exists"), "{}", again.stderr);
}
