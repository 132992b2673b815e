//! Spanish forms (issue 18): every document in each language of the practice,
//! translations from PO files, drift caught and named, plain Spanish scored.

use consentgen::i18n::spanish::MONTHS;
use lopdf::{Document, Object};
use serde_json::Value;

use crate::util::{TestDir, html_text, json_lines, pdf_text, root};

/// A folder holding the bundled example practice (English and Spanish).
fn practice(t: &TestDir) {
    let text = std::fs::read_to_string(root().join("examples/practice.toml")).unwrap();
    assert!(text.contains("languages = [\"en\", \"es\"]"), "the example builds Spanish too");
    t.write("p/practice.toml", &text);
}

/// Writes the practice's own copy of the privacy acknowledgment with one
/// sentence changed; returns the bundled text and the changed block's line.
fn change_acknowledgment(t: &TestDir) -> (String, usize) {
    let original =
        std::fs::read_to_string(root().join("templates/privacy-acknowledgment.md")).unwrap();
    let line = original
        .lines()
        .position(|l| l.starts_with("By signing, you say"))
        .expect("the acknowledgment")
        + 1;
    let changed = original.replacen("By signing, you say", "By signing this, you say", 1);
    t.write("p/templates/privacy-acknowledgment.md", &changed);
    (original, line)
}

/// Whether `text` holds a date written the Spanish way ("1 de enero de 2026").
fn has_spanish_date(text: &str) -> bool {
    let words: Vec<&str> = text.split_whitespace().collect();
    words.windows(5).any(|w| {
        w[0].parse::<u32>().is_ok_and(|d| (1..=31).contains(&d))
            && w[1] == "de"
            && MONTHS.contains(&w[2])
            && w[3] == "de"
            && w[4].trim_end_matches(['.', ',', ')']).parse::<u32>().is_ok()
    })
}

/// The `/Lang` of a PDF's catalog.
fn pdf_lang(path: &std::path::Path) -> String {
    let doc = Document::load(path).unwrap();
    let catalog = doc.catalog().unwrap();
    match catalog.get(b"Lang").unwrap() {
        Object::String(s, _) => String::from_utf8_lossy(s).into_owned(),
        other => panic!("/Lang is {other:?}"),
    }
}

#[test]
fn every_form_is_built_in_spanish_beside_the_english_one() {
    let t = TestDir::new();
    let run = t.run(["build", "--states", "CA,NY,TX"]).ok();
    for state in ["CA", "NY", "TX"] {
        for doc in ["consent", "confidentiality", "privacy-notice", "authorization"] {
            for lang in ["en", "es"] {
                let html = t.read(&format!("out/{state}/{lang}/{doc}.html"));
                assert!(html.contains(&format!("<html lang=\"{lang}\"")), "{state} {lang} {doc}");
                let other = if lang == "en" { "es" } else { "en" };
                let href = format!("href=\"../../{state}/{other}/{doc}.html\"");
                assert!(
                    html.contains(&format!("<link rel=\"alternate\" hreflang=\"{other}\" {href}>")),
                    "{state} {lang} {doc} names its other language"
                );
                assert!(
                    html.contains(&format!("<a {href} hreflang=\"{other}\" lang=\"{other}\">")),
                    "{state} {lang} {doc}: a switch to its other language"
                );
            }
            let pdf = t.path().join(format!("out/{state}/es/{doc}.pdf"));
            assert_eq!(pdf_lang(&pdf), "es-US", "{state} {doc}");
            assert_eq!(pdf_lang(&t.path().join(format!("out/{state}/en/{doc}.pdf"))), "en-US");
        }
        let packet = t.path().join(format!("out/{state}/es/packet.pdf"));
        assert_eq!(pdf_lang(&packet), "es-US", "{state} packet");
        // Per-clinician forms too.
        let per = t.files(&format!("out/{state}/es/clinicians"));
        assert!(per.iter().any(|(p, _)| p.ends_with("consent.pdf")), "{state}: {per:?}");
    }
    let consent = html_text(&t.read("out/CA/es/consent.html"));
    assert!(has_spanish_date(&consent), "{consent}");
    assert!(consent.contains("988"), "{consent}");
    let pdf = pdf_text(&t.path().join("out/CA/es/consent.pdf"));
    assert!(has_spanish_date(&pdf), "{pdf}");
    // The index in each language, each offering the other.
    let en = t.read("out/index.html");
    let es = t.read("out/index.es.html");
    assert!(en.contains("<html lang=\"en\"") && es.contains("<html lang=\"es\""));
    assert!(en.contains("hreflang=\"es\" href=\"index.es.html\""), "{en}");
    assert!(es.contains("hreflang=\"en\" href=\"index.html\""), "{es}");
    assert!(es.contains("CA/es/consent.html"), "{es}");
    assert!(run.stderr.contains("CA consent (es): INFLESZ"), "{}", run.stderr);
}

#[test]
fn no_english_sentence_is_left_in_a_spanish_form() {
    let t = TestDir::new();
    t.run(["build", "--states", "CA,NY,TX", "--formats", "html"]).ok();
    // Words every English sentence of these forms uses, and no Spanish one.
    let english = ["you", "your", "we", "our", "the", "must", "will", "with", "this", "that"];
    let mut pages = 0;
    for state in ["CA", "NY", "TX"] {
        for (path, bytes) in t.files(&format!("out/{state}/es")) {
            if !path.ends_with(".html") {
                continue;
            }
            pages += 1;
            let html = String::from_utf8(bytes).unwrap();
            let main = &html[html.find("<main").unwrap()..html.find("</main>").unwrap()];
            let text = html_text(main);
            for sentence in text.split(['.', ':', ';', '?', '!']) {
                let words: Vec<String> = sentence
                    .split(|c: char| !c.is_alphabetic() && c != '\'')
                    .map(str::to_lowercase)
                    .collect();
                let hits: Vec<&String> =
                    words.iter().filter(|w| english.contains(&w.as_str())).collect();
                assert!(hits.len() < 2, "{state} {path}: English in {sentence:?}");
            }
        }
    }
    assert_eq!(pages, 3 * 10 + 6, "every Spanish page was read");
}

#[test]
fn spanish_forms_are_plain_spanish_by_the_inflesz_score() {
    let t = TestDir::new();
    let run = t.run(["build", "--states", "CA,NY,TX", "--formats", "html"]).ok();
    let mut scored = 0;
    for line in run.stderr.lines().filter(|l| l.contains("(es): INFLESZ ")) {
        let n: f64 =
            line.split("INFLESZ ").nth(1).unwrap().split(' ').next().unwrap().parse().unwrap();
        assert!(n >= 65.0, "{line}");
        scored += 1;
    }
    assert!(scored >= 30, "{scored} Spanish documents scored:\n{}", run.stderr);
    // The manifest and the index say it too.
    let manifest: Value = serde_json::from_str(&t.read("out/manifest.json")).unwrap();
    let docs = manifest["outputs"].as_array().unwrap();
    let es = docs.iter().find(|d| d["language"] == "es" && d["document"] == "consent").unwrap();
    assert!(es["inflesz"].as_f64().unwrap() >= 65.0, "{es}");
    assert!(html_text(&t.read("out/index.es.html")).contains("INFLESZ"));

    // A stricter bar fails check with the reading-score problem, naming the document.
    practice(&t);
    let text = t.read("p/practice.toml") + "\n[readability]\nmin_inflesz = 99\n";
    t.write("p/practice.toml", &text);
    let run = t
        .run([
            "check",
            "p/practice.toml",
            "--states",
            "TX",
            "--formats",
            "html",
            "--message-format",
            "json",
        ])
        .status(1);
    let problems = json_lines(&run);
    assert!(
        problems.iter().any(|p| p["code"] == "reading-score"
            && p["message"].as_str().unwrap().contains("TX consent (es)")),
        "{}",
        run.stdout
    );
}

#[test]
fn a_changed_english_block_holds_back_its_spanish_forms_and_names_the_line() {
    let t = TestDir::new();
    practice(&t);
    let (_, line) = change_acknowledgment(&t);

    let run = t
        .run(["build", "p/practice.toml", "--out", "out", "--states", "CA", "--formats", "html"])
        .status(1);
    let at = format!("templates/privacy-acknowledgment.md:{line}");
    assert!(
        run.stderr.contains(&at) && run.stderr.contains("has no translation"),
        "{at}\n{}",
        run.stderr
    );
    assert!(run.stderr.contains("CA privacy-acknowledgment (es)"), "{}", run.stderr);
    // English is built with the change; Spanish forms that do not use the block are built.
    assert!(t.read("out/CA/en/privacy-acknowledgment.html").contains("By signing this, you say"));
    assert!(!t.path().join("out/CA/es/privacy-acknowledgment.html").exists());
    assert!(t.path().join("out/CA/es/consent.html").exists());

    // check says the same, in JSON too, with the file and line.
    let run = t
        .run([
            "check",
            "p/practice.toml",
            "--out",
            "out",
            "--states",
            "CA",
            "--formats",
            "html",
            "--message-format",
            "json",
        ])
        .status(1);
    let problems = json_lines(&run);
    let p = problems.iter().find(|p| p["code"] == "untranslated").expect(&run.stdout);
    assert!(p["file"].as_str().unwrap().ends_with("templates/privacy-acknowledgment.md"), "{p}");
    assert_eq!(p["line"], line);
    let summary = problems.iter().find(|p| p["type"] == "summary").unwrap();
    assert!(summary["untranslated"].as_u64().unwrap() >= 1, "{summary}");
}

#[test]
fn extract_marks_changed_text_fuzzy_and_removed_text_obsolete_and_fuzzy_is_not_built() {
    let t = TestDir::new();
    practice(&t);
    let (original, _) = change_acknowledgment(&t);
    t.run(["i18n", "extract", "p/practice.toml", "--lang", "es"]).ok();
    let po = t.read("p/templates/es.po");
    let entry = po.split("\n\n").find(|e| e.contains("By signing this, you say")).expect(&po);
    assert!(entry.contains("#, fuzzy") && entry.contains("#| msgid"), "{entry}");
    assert!(t.read("p/templates/messages.pot").contains("By signing this, you say"));

    let run = t
        .run(["build", "p/practice.toml", "--out", "out", "--states", "CA", "--formats", "html"])
        .status(1);
    assert!(run.stderr.contains("is marked fuzzy"), "{}", run.stderr);
    assert!(!t.path().join("out/CA/es/privacy-acknowledgment.html").exists());

    // The translator reviews it (drops the flag): it builds.
    let reviewed = po.replace("#, fuzzy\n", "");
    t.write("p/templates/es.po", &reviewed);
    t.run(["build", "p/practice.toml", "--out", "out", "--states", "CA", "--formats", "html"]).ok();
    assert!(t.path().join("out/CA/es/privacy-acknowledgment.html").exists());

    // A block removed from the template becomes obsolete.
    let block = original.split("\n\n").find(|b| b.starts_with("By signing, you say")).unwrap();
    t.write(
        "p/templates/privacy-acknowledgment.md",
        &original.replacen(&format!("{block}\n\n"), "", 1),
    );
    t.run(["i18n", "extract", "p/practice.toml", "--lang", "es"]).ok();
    let po = t.read("p/templates/es.po");
    assert!(po.contains("#~ msgid"), "{po}");
}

#[test]
fn rule_text_without_its_spanish_holds_back_the_forms_that_print_it() {
    let t = TestDir::new();
    practice(&t);
    let dir = t.copy_jurisdictions("rules");
    let ny = std::fs::read_to_string(dir.join("NY.toml")).unwrap();
    let value = "the Statewide Central Register";
    assert!(ny.contains(value), "NY reports to the register");
    let line = ny.lines().position(|l| l.contains(value)).unwrap() + 1;
    std::fs::write(dir.join("NY.toml"), ny.replacen(value, "the State Central Register", 1))
        .unwrap();
    let run = t
        .run([
            "check",
            "p/practice.toml",
            "--states",
            "NY",
            "--formats",
            "html",
            "--jurisdictions",
            "rules",
            "--message-format",
            "json",
        ])
        .status(1);
    let problems = json_lines(&run);
    let p = problems
        .iter()
        .find(|p| p["code"] == "untranslated" && p["file"].as_str().unwrap().ends_with("NY.toml"))
        .expect(&run.stdout);
    assert_eq!(p["line"], line, "{p}");
    assert!(p["message"].as_str().unwrap().contains("State Central Register"), "{p}");
}

#[test]
fn a_translation_change_rebuilds_only_what_it_touches() {
    let t = TestDir::new();
    practice(&t);
    t.run(["build", "p/practice.toml", "--out", "out", "--states", "TX", "--formats", "html"]).ok();
    let before = t.files("out/TX");
    // A practice's own es.po overrides one message of the bundled one, a
    // block only the privacy acknowledgment has.
    let english = "By signing, you say that you received a copy of the notice of privacy practices of {{ practice.name }}.";
    let bundled = std::fs::read_to_string(root().join("templates/es.po")).unwrap();
    assert!(bundled.contains(&format!("msgid \"{english}\"")), "the block is in the bundled es.po");
    t.write(
        "p/templates/es.po",
        &format!(
            "msgid \"\"\nmsgstr \"Content-Type: text/plain; charset=UTF-8\\n\"\n\n\
             msgid \"{english}\"\nmsgstr \"Con su firma, usted confirma que recibió una copia del Aviso de Prácticas de Privacidad de {{{{ practice.name }}}}.\"\n"
        ),
    );
    t.run(["build", "p/practice.toml", "--out", "out", "--states", "TX", "--formats", "html"]).ok();
    let after = t.files("out/TX");
    let changed: Vec<&String> = after
        .iter()
        .filter(|(p, b)| before.iter().find(|(q, _)| q == p).is_none_or(|(_, c)| c != b))
        .map(|(p, _)| p)
        .collect();
    assert_eq!(changed, ["es/privacy-acknowledgment.html"], "only the form that uses the message");
    assert!(
        t.read("out/TX/es/privacy-acknowledgment.html").contains("Con su firma, usted confirma")
    );
}
