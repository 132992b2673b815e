//! `consentgen build`: the bundled example, state rules in the text, hostile
//! input, determinism, and PDF metadata.

use serde_json::Value;

use crate::util::{TestDir, collapse, fixture, html_text, pdf_text};

const EXAMPLE_STATES: [&str; 3] = ["CA", "NY", "TX"];
const ALL_DOCUMENTS: [&str; 7] = [
    "authorization",
    "confidentiality",
    "consent",
    "minors",
    "notes-authorization",
    "privacy-notice",
    "telehealth",
];

#[test]
fn builds_the_bundled_example_from_any_folder() {
    let t = TestDir::new();
    let run = t.run(["build"]).ok();
    assert!(run.stderr.contains("built 27 documents"), "{}", run.stderr);
    let files: Vec<String> = t.files("out").into_iter().map(|(p, _)| p).collect();
    let mut expected = vec!["index.html".to_string(), "manifest.json".to_string()];
    for s in EXAMPLE_STATES {
        expected.push(format!("{s}/en/packet.pdf"));
        let clinicians: &[&str] = match s {
            "CA" => &["alopez", "jkim", "rpatel"],
            "NY" => &["dbrown", "rpatel"],
            _ => &["dbrown"],
        };
        for c in clinicians {
            for ext in ["html", "pdf"] {
                expected.push(format!("{s}/en/clinicians/{c}/consent.{ext}"));
            }
        }
        for d in ALL_DOCUMENTS {
            for ext in ["html", "pdf"] {
                expected.push(format!("{s}/en/{d}.{ext}"));
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

fn explain_json(t: &TestDir, state: &str) -> Value {
    let run = t.run(["explain", state, "--as-of", "2026-01-01", "--format", "json"]).ok();
    serde_json::from_str(&run.stdout).expect("explain prints JSON")
}

#[test]
fn each_state_states_and_cites_its_duty_to_warn() {
    let t = TestDir::new();
    t.run(["build", "--as-of", "2026-01-01"]).ok();
    let mut kinds = Vec::new();
    for state in EXAMPLE_STATES {
        let rules = explain_json(&t, state);
        let dtw = &rules["duty_to_warn"];
        assert_eq!(dtw["status"], "confirmed", "{state}: the example states have a confirmed rule");
        let citation = dtw["citation"].as_str().unwrap();
        let trigger = dtw["trigger"].as_str().unwrap();
        let kind = dtw["kind"].as_str().unwrap();
        kinds.push(kind.to_string());
        let said = match kind {
            "mandatory" => "the law says we must act to protect a person from harm",
            "permissive" => "the law lets us share information to protect a person from harm",
            other => panic!("{state}: unexpected kind {other}"),
        };
        let html = html_text(&t.read(&format!("out/{state}/en/confidentiality.html")));
        let pdf = pdf_text(&t.path().join(format!("out/{state}/en/confidentiality.pdf")));
        for (what, text) in [("HTML", &html), ("PDF", &pdf)] {
            assert!(text.contains(said), "{state} {what} does not say the rule is {kind}:\n{text}");
            assert!(
                text.contains(&collapse(trigger)),
                "{state} {what} lacks the trigger {trigger:?}"
            );
            assert!(
                text.contains(&collapse(citation)),
                "{state} {what} lacks the citation {citation:?}"
            );
        }
        for step in dtw["discharge"].as_array().unwrap() {
            assert!(html.contains(step.as_str().unwrap()), "{state} HTML lacks step {step}");
        }
    }
    // The three example states differ: California and New York must act, Texas may.
    assert_eq!(kinds, ["mandatory", "mandatory", "permissive"]);
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
    assert_eq!(a.len(), 59);
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
        run.stderr.contains("0 made, 57 kept; 0 files written, 59 unchanged"),
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
    assert_eq!(m["as_of"], "2026-01-01");
    assert_eq!(m["complete"], true);
    let outputs = m["outputs"].as_array().unwrap();
    assert_eq!(outputs.len(), 58, "42 document files, 12 clinician files, 3 packets and the index");
    let ny = outputs.iter().find(|o| o["path"] == "NY/en/confidentiality.pdf").unwrap();
    let bytes = std::fs::read(t.path().join("out/NY/en/confidentiality.pdf")).unwrap();
    assert_eq!(ny["sha256"], consentgen::write::sha256_hex(&bytes));
    let rules = ny["rules"].as_array().unwrap();
    let dtw = rules.iter().find(|r| r["topic"] == "duty_to_warn").unwrap();
    assert_eq!(dtw["state"], "NY");
    assert_eq!(dtw["effective"], "2013-03-16");
    assert!(
        m["inputs"]
            .as_array()
            .unwrap()
            .iter()
            .any(|i| i["path"] == "<bundled>/jurisdictions/NY.toml")
    );
}
