//! The privacy documents (issue 28): the notice's own date and its
//! revisions, the Part 2 paragraph, release forms, and their Spanish.

use crate::util::{TestDir, collapse, html_text, root};

/// The bundled example in English only, with its notice dated `date`.
fn practice(date: &str, extra: &str) -> String {
    let example = std::fs::read_to_string(root().join("examples/practice.toml")).unwrap();
    let p = example
        .replace("languages = [\"en\", \"es\"]", "languages = [\"en\"]")
        .replace("[privacy]\n", &format!("[privacy]\nnotice_effective = {date}\n"));
    assert!(p.contains("notice_effective"));
    format!("{p}\n{extra}")
}

fn text(t: &TestDir, rel: &str) -> String {
    collapse(&html_text(&t.read(rel)))
}

#[test]
fn a_revised_notice_needs_a_new_date_and_builds_once_it_has_one() {
    let t = TestDir::new();
    t.write("p/practice.toml", &practice("2026-11-02", ""));
    let args = ["build", "p/practice.toml", "--out", "out", "--states", "CA", "--formats", "html"];
    let first = t.run(args).ok();
    assert!(
        first.stderr.contains("notice-date"),
        "dated before this first build: {}",
        first.stderr
    );
    assert!(text(&t, "out/CA/en/privacy-notice.html").contains("Effective November 2, 2026"));
    let before = t.read("out/CA/en/privacy-notice.html");

    // The practice's own notice template gains a sentence.
    let notice = std::fs::read_to_string(root().join("templates/privacy-notice.md")).unwrap();
    let marker = "## When do we need your written permission?";
    assert!(notice.contains(marker));
    t.write(
        "p/templates/privacy-notice.md",
        &notice.replace(marker, &format!("We keep a log of who sees your records.\n\n{marker}")),
    );
    let message = "privacy notice revised: set a new notice_effective, post it and offer it";
    let refused = t.run(args).status(2);
    assert!(refused.stderr.contains(message), "{}", refused.stderr);
    assert_eq!(
        t.read("out/CA/en/privacy-notice.html"),
        before,
        "a failed build leaves the old notice"
    );
    let check =
        t.run(["check", "p/practice.toml", "--out", "out", "--states", "CA", "--formats", "html"]);
    assert_ne!(check.status, 0);
    assert!(check.stderr.contains(message), "{}", check.stderr);

    // The practice posts the revised notice on a new day.
    t.write("p/practice.toml", &practice("2026-12-01", ""));
    t.run(args).ok();
    let now = text(&t, "out/CA/en/privacy-notice.html");
    assert!(now.contains("Effective December 1, 2026"), "{now}");
    assert!(now.contains("We keep a log of who sees your records."));
    t.run(["check", "p/practice.toml", "--out", "out", "--states", "CA", "--formats", "html"]).ok();
}

#[test]
fn the_notice_states_part_2_as_the_2026_model_does() {
    let t = TestDir::new();
    t.write("p/practice.toml", &practice("2026-12-01", ""));
    t.run(["build", "p/practice.toml", "--out", "out", "--states", "CA", "--formats", "html"]).ok();
    let notice = text(&t, "out/CA/en/privacy-notice.html");
    for words in [
        "signed one permission for treatment, payment and health care operations, we may use and share them as this notice says",
        "If you signed a permission for one purpose only, we use them only for that purpose.",
        "its order must come with a subpoena or a similar legal demand. A subpoena alone is not enough.",
        "We do not use those records to ask you for money.",
        "42 C.F.R. §§ 2.33(b), 2.61(a)",
    ] {
        assert!(notice.contains(words), "lacks {words:?}");
    }
    // A practice that fundraises offers the opt-out first.
    let fundraising =
        practice("2026-12-01", "").replace("[privacy]\n", "[privacy]\nfundraising = true\n");
    t.write("q/practice.toml", &fundraising);
    t.run(["build", "q/practice.toml", "--out", "outq", "--states", "CA", "--formats", "html"])
        .ok();
    let notice = text(&t, "outq/CA/en/privacy-notice.html");
    assert!(notice.contains("Before we use those records to ask you for money, we will give you a clear chance to say no."));
}

#[test]
fn release_forms_ask_for_use_limits_and_the_notes_form_names_hhs() {
    let t = TestDir::new();
    t.write("p/practice.toml", &practice("2026-12-01", ""));
    t.run(["build", "p/practice.toml", "--out", "out", "--states", "CA", "--formats", "html"]).ok();
    for doc in ["authorization", "notes-authorization"] {
        let html = t.read(&format!("out/CA/en/{doc}.html"));
        assert!(html.contains("Limits on how they may use it"), "{doc}");
        assert!(html.contains("name=\"use-limits\""), "{doc}: a field, with its stable id");
    }
    let notes = text(&t, "out/CA/en/notes-authorization.html");
    assert!(notes.contains("when the U.S. Department of Health and Human Services checks that we follow federal privacy law"));
    let gfe = text(&t, "out/CA/en/good-faith-estimate.html");
    assert!(gfe.contains("The law requires health care providers to give an estimate"));
    assert!(!gfe.contains("The law asks"));
}

#[test]
fn spanish_privacy_forms_read_as_corrected() {
    let t = TestDir::new();
    t.run(["build", "--states", "CA,TX", "--formats", "html"]).ok();
    let auth = text(&t, "out/CA/es/authorization.html");
    assert!(auth.contains("Dirección, teléfono o fax de esa persona o grupo"));
    assert!(
        auth.contains("Fecha o evento en que termina este permiso")
            || auth.contains("Fecha en que termina este permiso")
    );
    assert!(auth.contains("«un año a partir de hoy»") || !auth.contains("un año a partir de hoy"));
    let gfe = text(&t, "out/CA/es/good-faith-estimate.html");
    assert!(gfe.contains("La ley exige"));
    for rel in ["out/CA/es/privacy-notice.html", "out/CA/es/consent.html", "out/TX/es/consent.html"]
    {
        let s = text(&t, rel);
        assert!(!s.contains('"'), "{rel}: straight quotes");
        for english in ["Privacy Officer,", "as amended by", "added by", "(part of", "Licencia "] {
            assert!(!s.contains(english), "{rel}: {english:?}");
        }
    }
}
