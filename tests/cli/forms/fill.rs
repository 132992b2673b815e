//! `consentgen fill`: values by id that read back, answers that fit at the
//! form's type size (never shrunk), names in any Latin script, and inputs
//! and outputs guarded as `build` guards them.

use std::time::{Duration, Instant};

use super::*;
use crate::util::pdf_text;

/// An answer of 300 characters, as a client would write it.
const ANSWER: &str = "The dates we met, my diagnosis and a summary of my care from January \
    2024 to today. NOT substance use or HIV information. Please send only what my new \
    doctor needs to continue my treatment, and nothing about my family or my work. Send \
    it by fax, please, to the number above, today or tomorrow. Thank you for your help!";

#[test]
fn fill_sets_values_that_read_back_and_keeps_the_form_accessible() {
    let t = authorization();
    t.write(
        "values.json",
        r#"{"client": {"name": "Łukasz Núñez-O'Brien", "date": "2026-01-05"},
            "client-name": "Łukasz Núñez-O'Brien", "date-of-birth": "3/14/1990",
            "guardian.name": null}"#,
    );
    let run = t
        .run(["fill", "out/CA/en/authorization.pdf", "--data", "values.json", "--out", "f.pdf"])
        .ok();
    assert!(run.stderr.contains("filled 4 fields"), "{}", run.stderr);
    let doc = load(&t.path().join("f.pdf"));
    assert_eq!(value(&doc, "client.name").as_deref(), Some("Łukasz Núñez-O'Brien"));
    assert_eq!(value(&doc, "client.date").as_deref(), Some("01/05/2026"), "dates as mm/dd/yyyy");
    assert_eq!(value(&doc, "date-of-birth").as_deref(), Some("03/14/1990"));
    assert_eq!(value(&doc, "guardian.name"), None, "null leaves a field as it is");
    assert_eq!(problems(&doc), Vec::<String>::new());
    // The value is drawn: the widget's appearance shows its glyphs, at 14 pt in California.
    let content = appearance(&doc, "client.name");
    assert!(content.contains("/CgU 14.00 Tf") && content.contains("> Tj"), "{content}");
    // Filling it again with the same values gives the same bytes.
    t.run(["fill", "out/CA/en/authorization.pdf", "--data", "values.json", "--out", "g.pdf"]).ok();
    assert_eq!(
        std::fs::read(t.path().join("f.pdf")).unwrap(),
        std::fs::read(t.path().join("g.pdf")).unwrap()
    );

    // Flattened: no form left, the values are page text, tagged as printed fields.
    let args = ["--data", "values.json", "--out", "flat.pdf", "--flatten"];
    t.run(["fill", "out/CA/en/authorization.pdf"].into_iter().chain(args)).ok();
    let flat = load(&t.path().join("flat.pdf"));
    assert!(flat.catalog().unwrap().get(b"AcroForm").is_err());
    assert_eq!(problems(&flat), Vec::<String>::new());
    let text = pdf_text(&t.path().join("flat.pdf"));
    assert!(text.contains("Łukasz Núñez-O'Brien") && text.contains("03/14/1990"), "{text}");
    let printed: Vec<&Dictionary> = flat
        .objects
        .values()
        .filter_map(|o| o.as_dict().ok())
        .filter(|d| key(d, b"S") == "Form")
        .collect();
    // The four values, and the "at my request" check box drawn as it stands.
    assert_eq!(printed.len(), 5, "a Form element for each field drawn");
    for e in printed {
        let attrs = e.get(b"A").unwrap().as_dict().unwrap();
        assert_eq!(key(attrs, b"O"), "PrintField");
        if e.get(b"K").is_err() {
            // An unchecked box draws nothing; its attributes say so.
            assert_eq!(key(attrs, b"Role"), "cb");
            assert_eq!(key(attrs, b"checked"), "off");
            continue;
        }
        let mcr = e.get(b"K").unwrap().as_dict().unwrap();
        let mcid = mcr.get(b"MCID").unwrap().as_i64().unwrap();
        let page = flat.get_dictionary(mcr.get(b"Pg").unwrap().as_reference().unwrap()).unwrap();
        let key = page.get(b"StructParents").unwrap().as_i64().unwrap();
        let ids = deref(&flat, parent_tree(&flat, key).unwrap()).as_array().unwrap();
        assert!(ids.len() > mcid as usize, "the page's ParentTree entry has the new content");
    }
}

/// The content of a field's normal appearance.
fn appearance(doc: &Document, name: &str) -> String {
    let field = fields(doc).into_iter().find(|f| f.name == name).expect(name);
    let ap = doc.get_dictionary(field.id).unwrap().get(b"AP").unwrap().as_dict().unwrap();
    let stream = doc.get_object(ap.get(b"N").unwrap().as_reference().unwrap()).unwrap();
    let stream = stream.as_stream().unwrap();
    let bytes = stream.decompressed_content().unwrap_or_else(|_| stream.content.clone());
    String::from_utf8_lossy(&bytes).into_owned()
}

#[test]
fn fill_refuses_unknown_names_and_bad_values_and_writes_nothing() {
    let t = authorization();
    t.write("old.pdf", "previous");
    for (values, says) in [
        (r#"{"client.nam": "Ana"}"#, "the form has no field `client.nam`"),
        (r#"{"client.date": "2026-02-30"}"#, "`2026-02-30` is not one"),
        (r#"{"date-of-birth": "soon"}"#, "`soon` is not one"),
        (r#"{"client.name": 7}"#, "takes text in quotes"),
        (r#"{"client.signature": "Ana"}"#, "is a signature field"),
        (r#"{"client.name": "阮"}"#, "no font of the form has it"),
        (r#"{"client.name": "a\nb"}"#, "takes one line of text"),
        (r#"{"information": "a\u0007b"}"#, "without control characters"),
        (r#"["client.name"]"#, "must be a JSON object"),
        ("{not json", "values.json"),
    ] {
        t.write("values.json", values);
        let args = ["--data", "values.json", "--out", "old.pdf"];
        let run = t.run(["fill", "out/CA/en/authorization.pdf"].into_iter().chain(args)).status(2);
        assert!(run.stderr.contains(says), "{values}: {}", run.stderr);
        assert_eq!(t.read("old.pdf"), "previous", "{values}: nothing written");
    }
    t.write("values.json", r#"{"client.nam": "Ana"}"#);
    let run = t
        .run(["fill", "out/CA/en/authorization.pdf", "--data", "values.json", "--out", "x.pdf"])
        .status(2);
    assert!(run.stderr.contains("did you mean `client.name`?"), "{}", run.stderr);
    assert!(!t.path().join("x.pdf").exists());
    let run = t.run(["fill", "values.json", "--data", "values.json", "--out", "x.pdf"]).status(2);
    assert!(run.stderr.contains("not a PDF this can fill"), "{}", run.stderr);
}

#[test]
fn a_300_character_answer_fills_a_california_release_at_14_point_and_prints_whole() {
    assert!(ANSWER.chars().count() >= 300, "{}", ANSWER.chars().count());
    let t = authorization();
    let values =
        serde_json::json!({ "information": ANSWER, "purpose": ANSWER, "recipient": ANSWER });
    t.write("values.json", &values.to_string());
    let form = "out/CA/en/authorization.pdf";
    t.run(["fill", form, "--data", "values.json", "--out", "f.pdf"]).ok();
    let doc = load(&t.path().join("f.pdf"));
    for id in ["information", "purpose", "recipient"] {
        assert_eq!(value(&doc, id).as_deref(), Some(ANSWER));
        let content = appearance(&doc, id);
        assert!(content.contains("/CgU 14.00 Tf"), "{id} at 14 pt: {content}");
        let sizes = content.matches(" Tf").count();
        assert_eq!(content.matches(" 14.00 Tf").count(), sizes, "never smaller: {content}");
        let lines = content.matches(" Tm").count();
        assert!((4..=7).contains(&lines), "{id}: the answer is set in {lines} lines");
    }
    assert_eq!(problems(&doc), Vec::<String>::new());
    // Printed: every word of each answer is on the page.
    t.run(["fill", form, "--data", "values.json", "--out", "flat.pdf", "--flatten"]).ok();
    let text = pdf_text(&t.path().join("flat.pdf"));
    let answer = crate::util::collapse(ANSWER);
    assert_eq!(text.matches(&answer).count(), 3, "all three answers, whole, in:\n{text}");
    assert_eq!(problems(&load(&t.path().join("flat.pdf"))), Vec::<String>::new());

    // 2,000 characters do not fit: refused, naming the field, nothing written.
    let long: String = ANSWER.repeat(7).chars().take(2000).collect();
    t.write("long.json", &serde_json::json!({ "information": long }).to_string());
    let run = t.run(["fill", form, "--data", "long.json", "--out", "long.pdf"]).status(2);
    assert!(
        run.stderr.contains("field `information` does not fit its box at 14 pt"),
        "{}",
        run.stderr
    );
    assert!(!t.path().join("long.pdf").exists());
    // A single-line field refuses what does not fit on its line.
    t.write("name.json", &serde_json::json!({ "client-name": ANSWER }).to_string());
    let run = t.run(["fill", form, "--data", "name.json", "--out", "n.pdf"]).status(2);
    assert!(
        run.stderr.contains("`client-name` does not fit on its line at 14 pt"),
        "{}",
        run.stderr
    );
}

#[test]
fn vietnamese_and_hawaiian_names_fill_and_print() {
    let t = authorization();
    t.write(
        "values.json",
        r#"{"client": {"name": "Nguyễn Thị Hằng"}, "client-name": "Keʻala Kūpaʻa",
            "recipient": "Trần Văn Đức, Nguye\u0302\u0303n Clinic"}"#,
    );
    let form = "out/CA/en/authorization.pdf";
    t.run(["fill", form, "--data", "values.json", "--out", "f.pdf"]).ok();
    let doc = load(&t.path().join("f.pdf"));
    assert_eq!(value(&doc, "client-name").as_deref(), Some("Keʻala Kūpaʻa"));
    assert!(appearance(&doc, "client-name").contains("/CgN"), "the ʻokina from Noto Sans");
    // Decomposed letters are drawn composed.
    assert_eq!(value(&doc, "recipient").as_deref(), Some("Trần Văn Đức, Nguyễn Clinic"));
    assert_eq!(problems(&doc), Vec::<String>::new());
    t.run(["fill", form, "--data", "values.json", "--out", "flat.pdf", "--flatten"]).ok();
    let text = pdf_text(&t.path().join("flat.pdf"));
    for name in ["Nguyễn Thị Hằng", "Keʻala Kūpaʻa", "Trần Văn Đức, Nguyễn Clinic"]
    {
        assert!(text.contains(name), "{name} in:\n{text}");
    }
    let size = std::fs::metadata(t.path().join("f.pdf")).unwrap().len();
    let blank = std::fs::metadata(t.path().join(form)).unwrap().len();
    assert!(size < blank + 120 * 1024, "a subset of Noto Sans, not the whole font: {size}");
}

/// Runs `fill` and asserts it ends with exit 2, quickly; returns its stderr.
fn refused_at_once(t: &TestDir, args: &[&str]) -> String {
    let started = Instant::now();
    let run = t.run(std::iter::once("fill").chain(args.iter().copied())).status(2);
    assert!(started.elapsed() < Duration::from_secs(10), "{args:?} took {:?}", started.elapsed());
    run.stderr
}

#[test]
#[cfg(unix)]
fn fill_inputs_and_output_are_guarded_as_builds_are() {
    use std::os::unix::fs::FileTypeExt as _;
    let t = authorization();
    let form = "out/CA/en/authorization.pdf";
    t.write("values.json", r#"{"client-name": "Ana Ruiz"}"#);
    for out in ["/dev/null", "/dev/stdout"] {
        let err = refused_at_once(&t, &[form, "--data", "values.json", "--out", out]);
        assert!(err.contains("not a regular file"), "{out}: {err}");
    }
    assert!(std::fs::metadata("/dev/null").unwrap().file_type().is_char_device());
    std::os::unix::fs::symlink(t.path().join("values.json"), t.path().join("link.pdf")).unwrap();
    let err = refused_at_once(&t, &[form, "--data", "values.json", "--out", "link.pdf"]);
    assert!(err.contains("symbolic link"), "{err}");
    std::fs::create_dir(t.path().join("folder.pdf")).unwrap();
    refused_at_once(&t, &[form, "--data", "values.json", "--out", "folder.pdf"]);

    let err = refused_at_once(&t, &[form, "--data", "/dev/zero", "--out", "x.pdf"]);
    assert!(err.contains("/dev/zero is not a regular file"), "{err}");
    let err = refused_at_once(&t, &["/dev/zero", "--data", "values.json", "--out", "x.pdf"]);
    assert!(err.contains("not a regular file"), "{err}");
    let fifo = t.path().join("fifo");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status();
    if made.is_ok_and(|s| s.success()) {
        let err = refused_at_once(&t, &[form, "--data", "fifo", "--out", "x.pdf"]);
        assert!(err.contains("not a regular file"), "{err}");
    }
    let big = t.path().join("big.json");
    std::fs::File::create(&big).unwrap().set_len(2 << 20).unwrap();
    let err = refused_at_once(&t, &[form, "--data", "big.json", "--out", "x.pdf"]);
    assert!(err.contains("larger than 1 MiB"), "{err}");
    assert!(!t.path().join("x.pdf").exists());
}

/// A PDF whose field tree is a DAG: each of `levels` fields names the next
/// one twice in its `Kids`, 2^levels paths over a few objects.
fn dag_pdf(levels: usize) -> Vec<u8> {
    use lopdf::dictionary;
    let mut doc = Document::with_version("1.7");
    let pages = doc.new_object_id();
    let page = doc.add_object(dictionary! { "Type" => "Page", "Parent" => pages,
    "MediaBox" => vec![0.into(), 0.into(), 612.into(), 792.into()] });
    doc.objects.insert(
        pages,
        Object::Dictionary(
            dictionary! { "Type" => "Pages", "Kids" => vec![page.into()], "Count" => 1 },
        ),
    );
    let mut child = doc.add_object(dictionary! {
        "T" => Object::string_literal("leaf"), "FT" => "Tx", "Subtype" => "Widget",
        "Rect" => vec![0.into(), 0.into(), 10.into(), 10.into()],
    });
    for n in 0..levels {
        child = doc.add_object(dictionary! {
            "T" => Object::string_literal(format!("n{n}")),
            "Kids" => vec![Object::Reference(child), Object::Reference(child)],
        });
    }
    let form = doc.add_object(dictionary! { "Fields" => vec![Object::Reference(child)] });
    let catalog =
        doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages, "AcroForm" => form });
    doc.trailer.set("Root", catalog);
    let mut out = Vec::new();
    doc.save_to(&mut out).unwrap();
    out
}

#[test]
fn a_field_tree_that_is_a_dag_ends_at_once() {
    let t = TestDir::new();
    let pdf = dag_pdf(30);
    assert!(pdf.len() < 8 * 1024, "a small file: {} bytes", pdf.len());
    std::fs::write(t.path().join("dag.pdf"), &pdf).unwrap();
    t.write("values.json", r#"{"n29.n28.leaf": "x"}"#);
    let err = refused_at_once(&t, &["dag.pdf", "--data", "values.json", "--out", "x.pdf"]);
    assert!(err.contains("it is not a tree"), "{err}");
    let started = Instant::now();
    let run = t.run(["fields", "dag.pdf"]).status(2);
    assert!(started.elapsed() < Duration::from_secs(10));
    assert!(run.stderr.contains("it is not a tree"), "{}", run.stderr);
}
