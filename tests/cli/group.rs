//! Group practices: clinicians, licences, supervision and each clinician's forms.

use crate::util::{TestDir, fixture, html_text, pdf_text};

fn build_group(t: &TestDir) -> crate::util::Run {
    let practice = fixture("valid/group/practice.toml");
    t.run(["build", practice.to_str().unwrap(), "--as-of", "2026-12-01"])
}

#[test]
fn each_licensed_clinician_gets_forms_and_an_expired_licence_is_refused() {
    let t = TestDir::new();
    let run = build_group(&t).status(1);
    assert!(
        run.stderr.contains("error[license-not-valid]: no form for `nguyen` (Minh Nguyen) in TX: no licence valid on 2026-12-01 (the last expired on 2026-11-30)"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("practice.toml:39:"), "points at the licence: {}", run.stderr);
    assert!(run.stderr.contains("warning[license-expires-soon]: `ortiz` (Rosa Ortiz): the AMFT licence in CA expires on 2026-12-20"), "{}", run.stderr);
    let mut forms: Vec<String> = t
        .files("out")
        .into_iter()
        .map(|(p, _)| p)
        .filter(|p| p.contains("/clinicians/") && p.ends_with(".pdf"))
        .collect();
    forms.sort();
    assert_eq!(
        forms,
        [
            "CA/en/clinicians/lee/consent.pdf",
            "CA/en/clinicians/lee/telehealth.pdf",
            "CA/en/clinicians/nguyen/consent.pdf",
            "CA/en/clinicians/nguyen/telehealth.pdf",
            "CA/en/clinicians/ortiz/consent.pdf",
            "CA/en/clinicians/ortiz/telehealth.pdf",
            "TX/en/clinicians/lee/consent.pdf",
        ],
        "no Texas form for the expired licence, no Texas telehealth (not offered there)"
    );
    // The practice-wide forms are still there.
    assert!(t.path().join("out/TX/en/consent.pdf").exists());
    assert!(!t.path().join("out/TX/en/telehealth.pdf").exists());
    let check = t.run([
        "check",
        fixture("valid/group/practice.toml").to_str().unwrap(),
        "--as-of",
        "2026-12-01",
    ]);
    assert_eq!(check.status, 1, "check refuses too:\n{}", check.stderr);
    assert!(check.stderr.contains("no form for `nguyen` (Minh Nguyen) in TX"));
}

#[test]
fn forms_name_the_clinician_their_licence_their_board_and_their_supervisor() {
    let t = TestDir::new();
    build_group(&t).status(1);
    let lee_tx = html_text(&t.read("out/TX/en/clinicians/lee/consent.html"));
    assert!(
        lee_tx.contains(
            "Your therapist is Sam Lee, PsyD, a psychologist. Texas Psychologist license number 22222."
        ),
        "{lee_tx}"
    );
    assert!(
        lee_tx.contains("You can also file a complaint with the board that licenses Sam Lee: Texas State Board of Examiners of Psychologists"),
        "the board for their profession, from the rule files: {lee_tx}"
    );
    let nguyen = html_text(&t.read("out/CA/en/clinicians/nguyen/consent.html"));
    assert!(
        nguyen.contains(
            "file a complaint with the board that licenses Minh Nguyen: California Board of Behavioral Sciences"
        ),
        "{nguyen}"
    );
    assert!(!nguyen.contains("supervis"), "a licensed clinician has no supervision text");

    let ortiz = pdf_text(&t.path().join("out/CA/en/clinicians/ortiz/consent.pdf"));
    for expected in [
        "Your therapist is Rosa Ortiz, an associate marriage and family therapist. California AMFT registration number 33333.",
        "Rosa Ortiz is still earning a full license, so a licensed therapist supervises their work.",
        "The supervisor is Minh Nguyen, LMFT, a marriage and family therapist (California LMFT number 44444).",
        "The supervisor may read your record",
    ] {
        assert!(ortiz.contains(expected), "missing {expected:?} in:\n{ortiz}");
    }
    let lee_ca = html_text(&t.read("out/CA/en/clinicians/lee/consent.html"));
    assert!(
        lee_ca.contains(
            "file a complaint with the board that licenses Sam Lee: California Board of Psychology"
        ),
        "{lee_ca}"
    );

    // The state's practice-wide consent lists only clinicians licensed there.
    let tx = html_text(&t.read("out/TX/en/consent.html"));
    // One clinician there: the form says "your therapist", not a list.
    assert!(tx.contains("Your therapist is Sam Lee, PsyD, a psychologist."), "{tx}");
    assert!(!tx.contains("Minh Nguyen") && !tx.contains("Rosa Ortiz"), "{tx}");
    let ca_packet = pdf_text(&t.path().join("out/CA/en/packet.pdf"));
    assert!(ca_packet.contains("Rosa Ortiz") && ca_packet.contains("Minh Nguyen"));
    // Telehealth: the law of the client's location applies.
    let tele = html_text(&t.read("out/CA/en/clinicians/lee/telehealth.html"));
    assert!(
        tele.contains(
            "The law of the state where you are during a session applies to that session."
        )
    );
}

#[test]
fn supervisor_without_a_licence_in_the_state_is_refused() {
    let t = TestDir::new();
    let text = std::fs::read_to_string(fixture("valid/group/practice.toml")).unwrap();
    t.write(
        "practice.toml",
        &text.replace(
            "{ state = \"CA\", type = \"LMFT\", number = \"44444\", expires = 2028-01-31 },",
            "",
        ),
    );
    let run = t.run(["build", "practice.toml", "--as-of", "2026-12-01"]).status(1);
    assert!(run.stderr.contains("no form for `ortiz` (Rosa Ortiz) in CA: supervisor `nguyen` holds no full licence there valid on 2026-12-01"), "{}", run.stderr);
}

#[test]
fn bad_clinician_input_names_file_line_and_column() {
    let t = TestDir::new();
    let text = std::fs::read_to_string(fixture("valid/group/practice.toml")).unwrap();
    for (from, to, expect) in [
        (
            "profession = \"psychologist\"",
            "profession = \"psychologyst\"",
            "`psychologyst` is not an allowed value",
        ),
        (
            "supervisor = \"nguyen\"",
            "supervisor = \"ngyuen\"",
            "supervisor `ngyuen` of `ortiz` is not another clinician of the practice",
        ),
        (
            "expires = 2027-05-31 },\n  { state = \"TX\"",
            "expires = 2027-05-32 },\n  { state = \"TX\"",
            "date",
        ),
        ("id = \"ortiz\"", "id = \"lee\"", "clinician id `lee` is used twice"),
        ("supervisor = \"nguyen\"\n", "", "associate `ortiz` names no supervisor"),
    ] {
        assert!(text.contains(from), "{from}");
        let changed = text.replacen(from, to, 1);
        t.write("practice.toml", &changed);
        let run =
            t.run(["build", "practice.toml", "--as-of", "2026-12-01", "--out", "bad"]).status(2);
        assert!(run.stderr.contains(expect), "{expect}:\n{}", run.stderr);
        assert!(run.stderr.contains("practice.toml:"), "names the file and line:\n{}", run.stderr);
        assert!(!t.path().join("bad").exists());
    }
}
