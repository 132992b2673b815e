//! Field ids an EHR maps once: written in the template, the same in every
//! language and whatever the label says, listed by `consentgen fields`,
//! with the Required flag where a form is not valid without the field.

use super::*;
use crate::util::{json_lines, root};

#[test]
fn every_document_has_the_same_field_ids_in_english_and_spanish() {
    let t = TestDir::new();
    t.run(["build", "--formats", "pdf"]).ok();
    let mut compared = 0;
    for (path, _) in t.files("out") {
        if !path.ends_with(".pdf") || !path.contains("/en/") {
            continue;
        }
        let en = load(&t.path().join("out").join(&path));
        let es_path = t.path().join("out").join(path.replace("/en/", "/es/"));
        let es = load(&es_path);
        assert_eq!(names(&es), names(&en), "{path}: the Spanish form has the English ids");
        let (en_labels, es_labels): (Vec<String>, Vec<String>) = (
            fields(&en).into_iter().map(|f| f.tu).collect(),
            fields(&es).into_iter().map(|f| f.tu).collect(),
        );
        if !en_labels.is_empty() {
            assert_ne!(en_labels, es_labels, "{path}: the labels are translated");
        }
        compared += usize::from(!names(&en).is_empty());
    }
    assert!(compared >= 3 * 9, "every document with fields, in every state: {compared}");
    let es = load(&t.path().join("out/CA/es/authorization.pdf"));
    let dob = fields(&es).into_iter().find(|f| f.name == "date-of-birth").unwrap();
    assert_eq!(dob.tu, "Fecha de nacimiento (mm/dd/aaaa)", "the format, in Spanish");
    for name in names(&es) {
        assert!(
            name.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"-.".contains(&b)),
            "{name}"
        );
    }
}

/// A one-document practice in CA, with its own copy of a bundled template
/// changed by `edit`.
fn practice_with(t: &TestDir, doc: &str, edit: impl Fn(&str) -> String) {
    t.write(
        "p/practice.toml",
        &format!(
            "name = \"P\"\nstates = [\"CA\"]\ndocuments = [\"{doc}\"]\neffective = 2026-01-01\n\
             languages = [\"en\", \"es\"]\n[services]\ntelehealth = true\n"
        ),
    );
    let text = std::fs::read_to_string(root().join(format!("templates/{doc}.md"))).unwrap();
    let changed = edit(&text);
    assert_ne!(changed, text);
    t.write(&format!("p/templates/{doc}.md"), &changed);
}

#[test]
fn a_label_reworded_keeps_its_id() {
    let t = TestDir::new();
    t.run(["build", "--states", "CA", "--formats", "pdf"]).ok();
    let bundled = names(&load(&t.path().join("out/CA/en/authorization.pdf")));
    practice_with(&t, "authorization", |text| {
        text.replace(
            "information [required multiline]: Information we may share",
            "information [required multiline]: What we may share, in your own words",
        )
        .replace("client-name: Client's full name", "client-name: Your full legal name")
    });
    t.run(["build", "p/practice.toml", "--out", "p/out", "--formats", "pdf"]).status(1);
    let doc = load(&t.path().join("p/out/CA/en/authorization.pdf"));
    assert_eq!(names(&doc), bundled, "the same ids after the wording changed");
    let f = fields(&doc);
    let info = f.iter().find(|f| f.name == "information").unwrap();
    assert_eq!(info.tu, "What we may share, in your own words");
    assert!(f.iter().any(|f| f.name == "client-name" && f.tu == "Your full legal name"));
}

#[test]
fn fields_lists_ids_types_labels_and_required_flags() {
    let t = TestDir::new();
    t.run(["build", "--states", "CA,NY"]).ok();
    let run = t.run(["fields", "out/CA/en/authorization.pdf", "--format", "json"]).ok();
    let list: Vec<serde_json::Value> = serde_json::from_str(&run.stdout).expect(&run.stdout);
    let get = |id: &str| list.iter().find(|f| f["id"] == id).unwrap_or_else(|| panic!("{id}"));
    let shape = |id: &str| {
        let f = get(id);
        (f["type"].as_str().unwrap().to_string(), f["required"] == true, f["multiline"] == true)
    };
    // 45 C.F.R. § 164.508(c)(1): description, recipient, expiry, signature and date.
    assert_eq!(shape("information"), ("text".into(), true, true));
    assert_eq!(shape("recipient"), ("text".into(), true, true));
    assert_eq!(shape("expiry"), ("text".into(), true, false));
    assert_eq!(shape("client.signature"), ("signature".into(), true, false));
    assert_eq!(shape("client.date"), ("date".into(), true, false));
    // "At my request" (a box to tick) may stand for the purpose: not required.
    assert_eq!(shape("purpose"), ("text".into(), false, true));
    assert_eq!(shape("at-my-request"), ("checkbox".into(), false, false));
    assert_eq!(shape("date-of-birth"), ("date".into(), false, false));
    assert_eq!(shape("guardian.signature"), ("signature".into(), false, false));
    assert_eq!(get("date-of-birth")["label"], "Date of birth (mm/dd/yyyy)");
    for f in &list {
        let keys: Vec<&str> = f.as_object().unwrap().keys().map(String::as_str).collect();
        assert_eq!(keys, ["id", "label", "multiline", "required", "type"], "{f}");
    }
    assert!(
        run.stdout.contains(
            "\"id\": \"client-name\",\n    \"type\": \"text\",\n    \"label\": \"Client's full name\",\n    \"required\": false,\n    \"multiline\": false"
        ),
        "{}",
        run.stdout
    );
    // The PDF's own flags: Required (bit 2), Multiline (bit 13), DoNotScroll (bit 24).
    let doc = load(&t.path().join("out/CA/en/authorization.pdf"));
    let ff = |name: &str| {
        let f = fields(&doc).into_iter().find(|f| f.name == name).unwrap();
        doc.get_dictionary(f.id).unwrap().get(b"Ff").and_then(Object::as_i64).unwrap_or(0)
    };
    assert_eq!(ff("information"), 2 | (1 << 12) | (1 << 23));
    assert_eq!(ff("client-name"), 1 << 23);
    assert_eq!(ff("client.signature"), 2);
    let da = |name: &str| {
        let f = fields(&doc).into_iter().find(|f| f.name == name).unwrap();
        text(doc.get_dictionary(f.id).unwrap().get(b"DA").unwrap())
    };
    assert_eq!(da("information"), "/CgR 14 Tf 0 g", "California's 14 point");
    let ny = load(&t.path().join("out/NY/en/authorization.pdf"));
    let f = fields(&ny).into_iter().find(|f| f.name == "information").unwrap();
    assert_eq!(text(ny.get_dictionary(f.id).unwrap().get(b"DA").unwrap()), "/CgR 11 Tf 0 g");
    // The web page asks for the same fields.
    let html = t.read("out/CA/en/authorization.html");
    assert!(html.contains("name=\"information\" required></textarea>"), "{html}");
    assert!(html.contains("name=\"client.signature\" required>"), "{html}");

    // Text for people; a packet's ids have the document's id in front.
    let run = t.run(["fields", "out/CA/en/authorization.pdf"]).ok();
    assert!(run.stdout.lines().next().unwrap().starts_with("id "), "{}", run.stdout);
    assert!(run.stdout.contains("required,multiline  Information we may share"), "{}", run.stdout);
    let run = t.run(["fields", "out/NY/en/packet.pdf", "--format", "json"]).ok();
    assert!(run.stdout.contains("\"id\": \"consent.client.signature\""), "{}", run.stdout);
    let run = t.run(["fields", "out/CA/en/authorization.html"]).status(2);
    assert!(run.stderr.contains("not a PDF"), "{}", run.stderr);
}

#[test]
fn lines_without_ids_and_ids_used_twice_are_errors_at_their_line() {
    let t = TestDir::new();
    practice_with(&t, "authorization", |text| {
        text.replace("recipient-contact: Their address", "Their address")
    });
    let run = t.run(["build", "p/practice.toml", "--out", "p/out"]).status(2);
    let line = t
        .read("p/templates/authorization.md")
        .lines()
        .position(|l| l.starts_with("Their address"))
        .unwrap()
        + 1;
    assert!(run.stderr.contains(&format!("authorization.md:{line}:1")), "{}", run.stderr);
    assert!(run.stderr.contains("has no field id"), "{}", run.stderr);

    practice_with(&t, "authorization", |text| text.replace("recipient-contact:", "client-name:"));
    let run = t.run(["build", "p/practice.toml", "--out", "p/out"]).status(2);
    let text = t.read("p/templates/authorization.md");
    let line = text.lines().position(|l| l.starts_with("client-name: Their")).unwrap() + 1;
    assert!(run.stderr.contains(&format!("authorization.md:{line}:1")), "{}", run.stderr);
    assert!(run.stderr.contains("the id `client-name` is used twice"), "{}", run.stderr);
}

#[test]
fn a_translation_that_changes_an_id_is_not_used() {
    let t = TestDir::new();
    practice_with(&t, "authorization", |text| {
        text.replace("## Who is the client?", "## Who is the client?\n")
    });
    let english =
        "```fields\\nclient-name: Client's full name\\ndate-of-birth [date]: Date of birth\\n```";
    let bundled = std::fs::read_to_string(root().join("templates/es.po")).unwrap();
    assert!(
        bundled.contains(&english.replace("\\n", "\\n\"\n\"")),
        "the block is in the bundled es.po"
    );
    t.write(
        "p/templates/es.po",
        &format!(
            "msgid \"\"\nmsgstr \"Content-Type: text/plain; charset=UTF-8\\n\"\n\n\
             msgid \"{english}\"\nmsgstr \"```fields\\nnombre: Nombre completo del cliente\\n\
             date-of-birth [date]: Fecha de nacimiento\\n```\"\n"
        ),
    );
    let run = t
        .run([
            "check",
            "p/practice.toml",
            "--out",
            "p/out",
            "--formats",
            "pdf",
            "--message-format",
            "json",
        ])
        .status(1);
    let problems = json_lines(&run);
    let p = problems.iter().find(|p| p["code"] == "untranslated").expect(&run.stdout);
    let message = p["message"].as_str().unwrap();
    assert!(message.contains("form field ids differ: it lacks the field id `client-name`"), "{p}");
    assert!(p["file"].as_str().unwrap().ends_with("authorization.md"), "{p}");
}
