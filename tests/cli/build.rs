//! `consentgen build`: the bundled example, state rules in the text, hostile
//! input, determinism, and PDF metadata.

use serde_json::Value;

use crate::util::{TestDir, collapse, fixture, html_text, pdf_text, rules_in_force};

const EXAMPLE_STATES: [&str; 3] = ["CA", "NY", "TX"];
const ALL_DOCUMENTS: [&str; 10] = [
    "authorization",
    "client-information",
    "confidentiality",
    "consent",
    "good-faith-estimate",
    "minors",
    "notes-authorization",
    "privacy-acknowledgment",
    "privacy-notice",
    "telehealth",
];

#[test]
fn builds_the_bundled_example_from_any_folder() {
    let t = TestDir::new();
    let run = t.run(["build"]).ok();
    assert!(run.stderr.contains("built 72 documents"), "{}", run.stderr);
    let files: Vec<String> = t.files("out").into_iter().map(|(p, _)| p).collect();
    let mut expected =
        vec!["index.es.html".to_string(), "index.html".to_string(), "manifest.json".to_string()];
    // Every file in English and in Spanish (the example's `languages`).
    for (s, lang) in EXAMPLE_STATES.iter().flat_map(|s| [(s, "en"), (s, "es")]) {
        expected.push(format!("{s}/{lang}/packet.pdf"));
        expected.push(format!("{s}/{lang}/packet-minor.pdf"));
        let clinicians: &[&str] = match *s {
            "CA" => &["alopez", "jkim", "rpatel"],
            "NY" => &["dbrown", "rpatel"],
            _ => &["dbrown"],
        };
        for c in clinicians {
            for ext in ["html", "pdf"] {
                expected.push(format!("{s}/{lang}/clinicians/{c}/consent.{ext}"));
            }
        }
        for d in ALL_DOCUMENTS {
            for ext in ["html", "pdf"] {
                expected.push(format!("{s}/{lang}/{d}.{ext}"));
            }
        }
    }
    expected.sort();
    assert_eq!(files, expected);
    for (path, bytes) in t.files("out") {
        if path.ends_with(".pdf") {
            assert!(bytes.starts_with(b"%PDF-"), "{path} is not a PDF");
        }
    }
    let index = t.read("out/index.html");
    for s in ["California", "New York", "Texas"] {
        assert!(index.contains(s), "index lists {s}");
    }
    assert!(index.contains("href=\"NY/en/confidentiality.pdf\""));
}

/// The professions of the example's clinicians licensed in each state.
fn team(state: &str) -> &'static [&'static str] {
    match state {
        "CA" => &["psychologist", "marriage_family_therapist"],
        "NY" => &["psychologist", "clinical_social_worker"],
        _ => &["clinical_social_worker"],
    }
}

#[test]
fn each_state_states_and_cites_its_duty_to_warn_for_the_professions_it_binds() {
    let t = TestDir::new();
    t.run(["build", "--as-of", "2026-12-01"]).ok();
    let mut stated = 0;
    for state in EXAMPLE_STATES {
        let html = html_text(&t.read(&format!("out/{state}/en/confidentiality.html")));
        let pdf = pdf_text(&t.path().join(format!("out/{state}/en/confidentiality.pdf")));
        for v in rules_in_force(&t, state, "duty_to_warn") {
            let binds: Vec<&str> =
                v["applies_to"].as_array().unwrap().iter().map(|p| p.as_str().unwrap()).collect();
            let relevant = binds.contains(&"all") || team(state).iter().any(|p| binds.contains(p));
            let known = v["status"] == "confirmed"
                && v["unconfirmed"].as_array().is_none_or(|u| u.is_empty());
            if !relevant || !known {
                continue;
            }
            let citation = collapse(v["citation"].as_str().unwrap());
            let said = match v["kind"].as_str().unwrap() {
                "mandatory" => "the law says we must act to protect a person from harm",
                "permissive" => "the law lets us share information to protect a person from harm",
                _ => "has no law that requires us to warn a person you threaten",
            };
            for (what, text) in [("HTML", &html), ("PDF", &pdf)] {
                assert!(text.contains(said), "{state} {what} does not state the rule:\n{text}");
                assert!(text.contains(&citation), "{state} {what} lacks the citation {citation:?}");
                if let Some(trigger) = v["trigger"].as_str() {
                    assert!(text.contains(&collapse(trigger)), "{state} {what} lacks the trigger");
                }
            }
            stated += 1;
        }
    }
    assert!(stated >= 2, "the example states confirmed duties for their clinicians");
}

#[test]
fn a_duty_is_never_stated_for_a_profession_it_does_not_bind() {
    // New York's § 9.46 report binds psychologists, clinical social workers
    // and physicians, not counselors: a counselor's own form must not state it.
    let t = TestDir::new();
    t.write(
        "p.toml",
        r#"name = "North Shore Counseling"
states = ["NY"]
documents = ["confidentiality"]
per_clinician = ["confidentiality"]
effective = 2026-01-01
[services]
telehealth = true
[[clinicians]]
id = "cruz"
name = "Ana Cruz"
profession = "professional_counselor"
licenses = [{ state = "NY", type = "LMHC", number = "1", expires = 2030-01-01 }]
"#,
    );
    t.run(["build", "p.toml", "--formats", "html"]).ok();
    let own = html_text(&t.read("out/NY/en/clinicians/cruz/confidentiality.html"));
    assert!(!own.contains("9.46"), "{own}");
    assert!(!own.contains("the law says we must act to protect"), "{own}");
    assert!(own.contains("The law may require or allow us to share information"), "{own}");
    let practice = html_text(&t.read("out/NY/en/confidentiality.html"));
    assert!(!practice.contains("9.46"), "the practice has only a counselor in NY: {practice}");
}

#[test]
fn hostile_text_stays_text_in_html_and_pdf() {
    let t = TestDir::new();
    let practice = fixture("valid/hostile/practice.toml");
    t.run(["build", practice.to_str().unwrap(), "--out", "o"]).ok();
    let name = "<script>alert(1)</script> #set page(width: 1cm) {{ secret }} $x$";
    for doc in ["consent", "confidentiality"] {
        let raw = t.read(&format!("o/CA/en/{doc}.html"));
        assert!(!raw.contains("<script>"), "{doc}: a script tag reached the HTML");
        assert!(!raw.contains("<b>bold</b>"), "{doc}: markup from data reached the HTML");
        assert!(!raw.contains("href=\"javascript"), "{doc}: a link from data reached the HTML");
        assert!(
            raw.contains(
                "&lt;script&gt;alert(1)&lt;/script&gt; #set page(width: 1cm) {{ secret }} $x$"
            ),
            "{doc}: the name is not there, escaped"
        );
        let text = html_text(&raw);
        assert!(text.contains(name));
        let pdf = pdf_text(&t.path().join(format!("o/CA/en/{doc}.pdf")));
        assert!(pdf.contains(name), "{doc}: the PDF does not show the name as text:\n{pdf}");
    }
    let consent = html_text(&t.read("o/CA/en/consent.html"));
    assert!(consent.contains("*555* [call](javascript:alert(1)) `tick`"));
    assert!(consent.contains("a_b@example.org <b>bold</b> &amp;"));
    assert!(consent.contains("$150 \\ #footnote[x] @ref <label> // comment"));
    assert!(consent.contains("= one day # heading - item"), "newlines in data are spaces");
    let pdf = pdf_text(&t.path().join("o/CA/en/consent.pdf"));
    assert!(pdf.contains("$150 \\ #footnote[x] @ref <label> // comment"), "{pdf}");
}

#[test]
fn two_builds_are_byte_identical() {
    let t = TestDir::new();
    t.run(["build", "--out", "a"]).ok();
    t.run(["build", "--out", "b", "--jobs", "1"]).ok();
    let a = t.files("a");
    let b = t.files("b");
    assert_eq!(a.len(), 159, "78 files per language, two indexes and the manifest");
    assert_eq!(
        a.iter().map(|f| &f.0).collect::<Vec<_>>(),
        b.iter().map(|f| &f.0).collect::<Vec<_>>()
    );
    for ((path, x), (_, y)) in a.iter().zip(&b) {
        assert!(x == y, "{path} differs between two builds");
    }
}

#[test]
fn a_rebuild_with_nothing_new_writes_nothing() {
    let t = TestDir::new();
    t.run(["build"]).ok();
    let mtimes = |t: &TestDir| -> Vec<(String, std::time::SystemTime)> {
        t.files("out")
            .into_iter()
            .map(|(p, _)| {
                let m =
                    std::fs::metadata(t.path().join("out").join(&p)).unwrap().modified().unwrap();
                (p, m)
            })
            .collect()
    };
    let before = mtimes(&t);
    std::thread::sleep(std::time::Duration::from_millis(20));
    let run = t.run(["build"]).ok();
    assert!(
        run.stderr.contains("0 made, 156 kept; 0 files written, 159 unchanged"),
        "{}",
        run.stderr
    );
    assert_eq!(before, mtimes(&t), "a no-op rebuild touched a file");
}

#[test]
fn pdfs_have_title_language_and_tags() {
    let t = TestDir::new();
    t.run(["build", "--states", "TX"]).ok();
    for doc in ["consent", "confidentiality"] {
        let path = t.path().join(format!("out/TX/en/{doc}.pdf"));
        let pdf = lopdf::Document::load(&path).unwrap();
        let catalog = pdf.catalog().unwrap();
        assert_eq!(catalog.get(b"Lang").unwrap().as_str().unwrap(), b"en-US");
        let mark = pdf
            .dereference(catalog.get(b"MarkInfo").unwrap())
            .unwrap()
            .1
            .as_dict()
            .unwrap()
            .clone();
        assert!(mark.get(b"Marked").unwrap().as_bool().unwrap(), "{doc} is tagged");
        assert!(catalog.get(b"StructTreeRoot").is_ok(), "{doc} has a structure tree");
        let info_ref = pdf.trailer.get(b"Info").unwrap().as_reference().unwrap();
        let info = pdf.get_dictionary(info_ref).unwrap();
        let title = lopdf::decode_text_string(info.get(b"Title").unwrap()).unwrap();
        let expected = if doc == "consent" {
            "Agreement to start therapy"
        } else {
            "When we may share what you tell us"
        };
        assert_eq!(title, expected);
    }
}

#[test]
fn manifest_records_inputs_outputs_and_rules() {
    let t = TestDir::new();
    t.run(["build"]).ok();
    let m: Value = serde_json::from_str(&t.read("out/manifest.json")).unwrap();
    assert_eq!(m["as_of"], "2026-12-01");
    assert_eq!(m["complete"], true);
    let outputs = m["outputs"].as_array().unwrap();
    assert_eq!(
        outputs.len(),
        158,
        "per language 60 document files, 12 clinician files, 6 packets and the index"
    );
    let ny = outputs.iter().find(|o| o["path"] == "NY/en/confidentiality.pdf").unwrap();
    let bytes = std::fs::read(t.path().join("out/NY/en/confidentiality.pdf")).unwrap();
    assert_eq!(ny["sha256"], consentgen::io::sha256_hex(&bytes));
    let rules = ny["rules"].as_array().unwrap();
    let dtw = rules.iter().find(|r| r["topic"] == "duty_to_warn").unwrap();
    assert_eq!(dtw["state"], "NY");
    assert_eq!(
        dtw["effective"], "2022-07-06",
        "the latest version in force of the fixture NY file"
    );
    assert!(
        m["inputs"]
            .as_array()
            .unwrap()
            .iter()
            .any(|i| i["path"].as_str().unwrap().ends_with("tests/fixtures/rules/NY.toml"))
    );
}

/// The library entry point builds twice in one process: each build has its
/// own budget, and the second writes what the first did, byte for byte.
#[test]
fn the_library_builds_twice_in_one_process() {
    use consentgen::options::{InputOptions, PlanOptions, StateSelection};
    use consentgen::project::{BuildSettings, Project};
    let t = TestDir::new();
    let project = Project::load(&InputOptions {
        practice: None,
        jurisdictions: Some(fixture("rules")),
        templates: None,
    })
    .unwrap_or_else(|f| panic!("{f}"));
    let mut opts = PlanOptions::today();
    opts.as_of = consentgen::date::Date::parse("2026-12-01").unwrap();
    opts.as_of_given = true;
    opts.states = StateSelection::List(vec!["TX".into()]);
    for out in ["one", "two"] {
        // A fresh budget for each build, as the command line gives it.
        opts.budget = consentgen::budget::Budget::default();
        let plan = project.plan(&opts).unwrap_or_else(|d| panic!("{d:?}"));
        let report = project
            .build(&plan, &opts.states, &BuildSettings::new(t.path().join(out)))
            .unwrap_or_else(|d| panic!("{out}: {d:?}"));
        assert!(report.summary.written > 20, "{out}: {} files", report.summary.written);
        assert!(!opts.budget.spent(), "{out}: the budget is this build's own");
    }
    let (one, two) = (t.files("one"), t.files("two"));
    assert_eq!(one, two, "the second build in the process writes what the first did");
}
