//! `consentgen init`: a starter practice that builds as it is.

use crate::util::TestDir;

#[test]
fn starter_practice_builds_as_written() {
    let t = TestDir::new();
    t.run(["init", "mine"]).ok();
    let text = t.read("mine/practice.toml");
    assert!(text.contains("\nname = \""), "has a name line");
    assert!(text.lines().filter(|l| l.starts_with('#')).count() > 5, "is commented");
    t.run(["build", "mine/practice.toml", "--out", "o"]).ok();
    assert!(t.path().join("o/CA/en/consent.pdf").exists());
    let again = t.run(["init", "mine"]).status(2);
    assert!(again.stderr.contains("already exists"), "{}", again.stderr);
}
