//! Forms a client fills in and signs on screen: every line to fill in is a
//! PDF form field (tagged for PDF/UA-1) and an HTML input of the same name;
//! `consentgen fill` fills them by name. PDFs are read back with lopdf, and
//! the checks below are the form rules of veraPDF's PDF/UA-1 profile
//! (ISO 14289-1, 7.18): every annotation tagged, widgets inside `Form`
//! elements, an accessible name for every field, `/Tabs /S` on pages with
//! annotations, and fonts embedded.
//!
//! `fill.rs` fills them (answers that fit, names in any Latin script, the
//! guards on inputs and outputs); `ids.rs` checks that field ids are the
//! same in every language and across wording changes, and `consentgen
//! fields`.

mod fill;
mod ids;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use lopdf::{Dictionary, Document, Object, ObjectId};

use crate::util::{TestDir, pdf_body_size, pdf_text};

/// One terminal field: full name, type, accessible name, its dictionary's id.
#[derive(Debug)]
struct Field {
    name: String,
    ft: String,
    tu: String,
    id: ObjectId,
}

fn load(path: &Path) -> Document {
    Document::load(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn deref<'a>(doc: &'a Document, o: &'a Object) -> &'a Object {
    doc.dereference(o).map(|(_, o)| o).unwrap_or(o)
}

fn text(o: &Object) -> String {
    lopdf::decode_text_string(o).unwrap_or_default()
}

/// A name-valued key of a dictionary, or "".
fn key(d: &Dictionary, k: &[u8]) -> String {
    d.get(k).map(name).unwrap_or_default()
}

fn name(o: &Object) -> String {
    o.as_name().map(|n| String::from_utf8_lossy(n).into_owned()).unwrap_or_default()
}

/// The form's fields, in the order of its field tree.
fn fields(doc: &Document) -> Vec<Field> {
    let Ok(form) = doc.catalog().unwrap().get(b"AcroForm") else { return Vec::new() };
    let form = deref(doc, form).as_dict().unwrap();
    let mut out = Vec::new();
    fn walk(doc: &Document, id: ObjectId, prefix: &str, ft: &str, out: &mut Vec<Field>) {
        let d = doc.get_dictionary(id).unwrap();
        let part = d.get(b"T").map(text).expect("every field node has /T");
        let full = if prefix.is_empty() { part } else { format!("{prefix}.{part}") };
        let ft = d.get(b"FT").map(name).unwrap_or_else(|_| ft.to_string());
        match d.get(b"Kids") {
            Ok(kids) => {
                for k in deref(doc, kids).as_array().unwrap() {
                    walk(doc, k.as_reference().unwrap(), &full, &ft, out);
                }
            }
            Err(_) => out.push(Field {
                name: full,
                ft,
                tu: d.get(b"TU").map(text).unwrap_or_default(),
                id,
            }),
        }
    }
    for f in deref(doc, form.get(b"Fields").unwrap()).as_array().unwrap() {
        walk(doc, f.as_reference().unwrap(), "", "", &mut out);
    }
    out
}

/// The structure element the ParentTree gives for a `/StructParent(s)` key.
fn parent_tree(doc: &Document, key: i64) -> Option<&Object> {
    let root = doc.catalog().ok()?.get(b"StructTreeRoot").ok()?;
    let tree = deref(doc, deref(doc, root).as_dict().ok()?.get(b"ParentTree").ok()?);
    let nums = deref(doc, tree.as_dict().ok()?.get(b"Nums").ok()?).as_array().ok()?;
    nums.chunks(2).find(|p| p[0].as_i64().ok() == Some(key)).map(|p| &p[1])
}

fn kids(doc: &Document, elem: &Dictionary) -> Vec<Object> {
    match elem.get(b"K").map(|k| deref(doc, k)) {
        Ok(Object::Array(a)) => a.clone(),
        Ok(other) => vec![other.clone()],
        Err(_) => Vec::new(),
    }
}

/// What veraPDF's PDF/UA-1 form and annotation rules would say of the file.
fn problems(doc: &Document) -> Vec<String> {
    let mut out = Vec::new();
    for (n, page) in doc.get_pages() {
        let p = doc.get_dictionary(page).unwrap();
        let annots: Vec<ObjectId> = match p.get(b"Annots").map(|a| deref(doc, a)) {
            Ok(Object::Array(a)) => a.iter().map(|r| r.as_reference().unwrap()).collect(),
            _ => Vec::new(),
        };
        if !annots.is_empty() && key(p, b"Tabs") != "S" {
            out.push(format!("page {n}: annotations but no /Tabs /S (7.18.3)"));
        }
        for a in annots {
            let d = doc.get_dictionary(a).unwrap();
            let subtype = d.get(b"Subtype").map(name).unwrap_or_default();
            if let Ok(action) = d.get(b"A").map(|a| deref(doc, a))
                && action.as_dict().and_then(|a| a.get(b"URI")).and_then(Object::as_str).ok()
                    == Some(b"consentgen:field")
            {
                out.push(format!("page {n}: a field's link was left as a link"));
            }
            let Some(elem) = d
                .get(b"StructParent")
                .ok()
                .and_then(|k| k.as_i64().ok())
                .and_then(|k| parent_tree(doc, k))
                .and_then(|e| e.as_reference().ok())
            else {
                out.push(format!("page {n}: {subtype} annotation {a:?} is not tagged (7.18.1)"));
                continue;
            };
            let elem = doc.get_dictionary(elem).unwrap();
            let points_back = kids(doc, elem).iter().any(|k| {
                deref(doc, k).as_dict().is_ok_and(|k| {
                    key(k, b"Type") == "OBJR"
                        && k.get(b"Obj").and_then(Object::as_reference).ok() == Some(a)
                })
            });
            if !points_back {
                out.push(format!("page {n}: the element of annotation {a:?} has no OBJR to it"));
            }
            let s = elem.get(b"S").map(name).unwrap_or_default();
            if subtype == "Widget" {
                if s != "Form" {
                    out.push(format!("page {n}: a widget inside /{s}, not /Form (7.18.4)"));
                }
                if !d.has(b"AP") {
                    out.push(format!("page {n}: a widget without an appearance"));
                }
            }
            if subtype == "Link" && s != "Link" {
                out.push(format!("page {n}: a link inside /{s} (7.18.5)"));
            }
        }
    }
    for f in fields(doc) {
        if f.tu.trim().is_empty() {
            out.push(format!("field {} has no /TU (7.18.4)", f.name));
        }
    }
    // Every font the file has carries its font program (7.21.4.1).
    for (id, o) in &doc.objects {
        if let Ok(d) = o.as_dict()
            && key(d, b"Type") == "FontDescriptor"
            && !(d.has(b"FontFile2") || d.has(b"FontFile3") || d.has(b"FontFile"))
        {
            out.push(format!("font {id:?} is not embedded (7.21.4.1)"));
        }
    }
    out
}

fn names(doc: &Document) -> Vec<String> {
    fields(doc).into_iter().map(|f| f.name).collect()
}

/// The `name` attributes of an HTML page's inputs and text areas, and their ids.
fn html_inputs(html: &str) -> (Vec<String>, Vec<String>) {
    let attr = |tag: &str, key: &str| -> String {
        let at = tag.find(&format!(" {key}=\"")).unwrap() + key.len() + 3;
        tag[at..at + tag[at..].find('"').unwrap()].to_string()
    };
    let tags: Vec<&str> = html
        .match_indices('<')
        .map(|(at, _)| &html[at + 1..])
        .filter(|t| t.starts_with("input ") || t.starts_with("textarea "))
        .map(|t| &t[..t.find('>').unwrap()])
        .collect();
    (tags.iter().map(|t| attr(t, "name")).collect(), tags.iter().map(|t| attr(t, "id")).collect())
}

#[test]
fn every_signature_line_is_a_tagged_field_named_as_in_the_html() {
    let t = TestDir::new();
    t.run(["build"]).ok();
    let mut with_signatures = 0;
    for (path, _) in t.files("out") {
        if !path.ends_with(".pdf") {
            continue;
        }
        let full = t.path().join("out").join(&path);
        let doc = load(&full);
        assert_eq!(problems(&doc), Vec::<String>::new(), "{path}");
        let fields = fields(&doc);
        let label = if path.contains("/es/") { "Nombre en letra de molde" } else { "Printed name" };
        let signers = pdf_text(&full).matches(label).count();
        let signatures: Vec<&Field> = fields.iter().filter(|f| f.ft == "Sig").collect();
        assert_eq!(signatures.len(), signers, "{path}: one signature field per signature line");
        for s in &signatures {
            let role = s.name.strip_suffix(".signature").expect("ROLE.signature");
            let get = |part: &str| fields.iter().find(|f| f.name == format!("{role}.{part}"));
            let (name, date) = (get("name").expect("a name field"), get("date").expect("a date"));
            assert_eq!((name.ft.as_str(), date.ft.as_str()), ("Tx", "Tx"), "{path} {role}");
            let (sig, printed) = if path.contains("/es/") {
                ("Firma (", "Nombre en letra de molde (")
            } else {
                ("Signature (", "Printed name (")
            };
            assert!(s.tu.starts_with(sig) && name.tu.starts_with(printed), "{path}: {}", s.tu);
            let js = doc.get_dictionary(date.id).unwrap().get(b"AA").map(|aa| format!("{aa:?}"));
            assert!(js.is_ok_and(|j| j.contains("AFDate")), "{path}: {role}.date is a date");
        }
        with_signatures += usize::from(signers > 0);
        // The HTML page has the same fields under the same names, ids unique.
        let html = full.with_extension("html");
        if html.exists() {
            let (html_names, ids) = html_inputs(&std::fs::read_to_string(&html).unwrap());
            assert_eq!(html_names, names(&doc), "{path}: HTML and PDF name fields alike");
            assert_eq!(ids.iter().collect::<BTreeSet<_>>().len(), ids.len(), "{path}: ids unique");
        }
    }
    assert!(with_signatures >= 2 * 3 * 6, "most documents have signature lines: {with_signatures}");
    let consent = load(&t.path().join("out/CA/en/consent.pdf"));
    assert_eq!(
        names(&consent),
        [
            "client.signature",
            "client.name",
            "client.date",
            "guardian.signature",
            "guardian.name",
            "guardian.date",
            "therapist.signature",
            "therapist.name",
            "therapist.date"
        ]
    );
    let auth = load(&t.path().join("out/CA/en/authorization.pdf"));
    let f = fields(&auth);
    let dob = f.iter().find(|f| f.name == "date-of-birth").expect("the template's id");
    assert_eq!(dob.tu, "Date of birth (mm/dd/yyyy)", "the accessible name is the visible label");
    assert!(f.iter().any(|f| f.name == "client-name" && f.tu == "Client's full name"));
}

#[test]
fn packet_fields_are_prefixed_by_document() {
    let t = TestDir::new();
    // The release forms stand alone by default; this practice puts them in
    // its adult packet.
    let example =
        std::fs::read_to_string(crate::util::root().join("examples/practice.toml")).unwrap();
    let adult = "[packets]\nadult = [\"consent\", \"telehealth\", \"authorization\", \"notes-authorization\"]\n";
    t.write("p/practice.toml", &format!("{example}\n{adult}"));
    t.run(["build", "p/practice.toml", "--out", "out", "--states", "NY", "--formats", "pdf"]).ok();
    let packet = names(&load(&t.path().join("out/NY/en/packet.pdf")));
    assert_eq!(packet.iter().collect::<BTreeSet<_>>().len(), packet.len(), "no name twice");
    let minor = names(&load(&t.path().join("out/NY/en/packet-minor.pdf")));
    for doc in ["consent", "telehealth", "minors", "authorization", "notes-authorization"] {
        let own = names(&load(&t.path().join(format!("out/NY/en/{doc}.pdf"))));
        let prefixed: Vec<String> = own.iter().map(|n| format!("{doc}.{n}")).collect();
        // The minors form is in the packet for clients under 18 only.
        let holder = if doc == "minors" { &minor } else { &packet };
        assert!(
            prefixed.iter().all(|n| holder.contains(n)),
            "{doc}'s fields are in the packet under {doc}."
        );
    }
    assert!(packet.contains(&"consent.client.signature".to_string()));
    assert_eq!(problems(&load(&t.path().join("out/NY/en/packet.pdf"))), Vec::<String>::new());
}

#[test]
fn a_couple_packet_has_a_signature_line_for_each_partner_and_their_own_forms() {
    let t = TestDir::new();
    let example =
        std::fs::read_to_string(crate::util::root().join("examples/practice.toml")).unwrap();
    assert!(example.contains("couples = false"));
    let couples = example.replace("couples = false", "couples = true");
    t.write("p/practice.toml", &format!("{couples}\n[packets]\ncouple = [\"client-information\", \"consent\", \"authorization\"]\n"));
    let run = t
        .run(["build", "p/practice.toml", "--out", "out", "--states", "NY", "--formats", "pdf"])
        .ok();
    assert!(
        run.stderr.contains("`[packets] couple` lists `authorization`, a release form"),
        "{}",
        run.stderr
    );
    let packet = load(&t.path().join("out/NY/en/packet-couple.pdf"));
    let ids = names(&packet);
    assert_eq!(ids.iter().collect::<BTreeSet<_>>().len(), ids.len(), "no name twice");
    for n in [
        "consent.partner-1.signature",
        "consent.partner-2.signature",
        "client-information.partner-1.client-name",
        "client-information.partner-2.client-name",
    ] {
        assert!(ids.contains(&n.to_string()), "{n} in {ids:?}");
    }
    assert!(!ids.iter().any(|n| n.starts_with("consent.client.")), "no one-client line");
    assert!(!ids.iter().any(|n| n.starts_with("authorization")), "a release is never joint");
    assert_eq!(problems(&packet), Vec::<String>::new());
    let text = crate::util::collapse(&pdf_text(&t.path().join("out/NY/en/packet-couple.pdf")));
    assert!(text.contains("If you come as a couple"), "{text}");
    assert!(text.contains("only if you both agree in writing"), "{text}");
    assert!(text.contains("For partner 1.") && text.contains("For partner 2."), "{text}");
    // The contents tell the two copies apart.
    assert!(
        text.contains("About you (partner 1)") && text.contains("About you (partner 2)"),
        "{text}"
    );
    // The consent a client reads alone has no couples section and one client line.
    let alone = crate::util::collapse(&pdf_text(&t.path().join("out/NY/en/consent.pdf")));
    assert!(!alone.contains("If you come as a couple"));
    assert!(
        names(&load(&t.path().join("out/NY/en/consent.pdf")))
            .contains(&"client.signature".to_string())
    );
}

#[test]
fn pdf_forms_none_makes_paper_only_pdfs_and_check_sees_the_change() {
    let t = TestDir::new();
    t.run(["build", "--states", "CA", "--formats", "pdf", "--pdf-forms", "none"]).ok();
    let consent = load(&t.path().join("out/CA/en/consent.pdf"));
    assert!(consent.catalog().unwrap().get(b"AcroForm").is_err(), "no form");
    assert_eq!(problems(&consent), Vec::<String>::new());
    let text = pdf_text(&t.path().join("out/CA/en/consent.pdf"));
    assert_eq!(text.matches("Printed name").count(), 3, "the lines are still drawn");
    t.run(["check", "--states", "CA", "--formats", "pdf", "--pdf-forms", "none"]).status(0);
    let run = t.run(["check", "--states", "CA", "--formats", "pdf"]).status(1);
    assert!(run.stderr.contains("CA/en/consent.pdf"), "{}", run.stderr);
}

/// Builds CA's documents (PDF only) and returns the folder.
fn authorization() -> TestDir {
    let t = TestDir::new();
    t.run(["build", "--states", "CA", "--formats", "pdf"]).ok();
    t
}

/// A field's value (`/V`), as text or a name.
fn value(doc: &Document, f: &str) -> Option<String> {
    let field = fields(doc).into_iter().find(|x| x.name == f).expect(f);
    doc.get_dictionary(field.id).unwrap().get(b"V").ok().map(|v| match v {
        Object::Name(n) => String::from_utf8_lossy(n).into_owned(),
        other => text(other),
    })
}

#[test]
fn a_check_box_line_is_a_check_box_in_html_and_pdf() {
    let t = TestDir::new();
    t.write(
        "practice.toml",
        "name = \"P\"\nstates = [\"CA\"]\ndocuments = [\"consent\"]\neffective = 2026-01-01\n[services]\ntelehealth = true\n",
    );
    t.write(
        "templates/consent.md",
        "# Contact\n\nHow may we reach you?\n\n```fields\nphone: Phone number\nvoicemail [check]: May we leave you a voicemail?\n```\n\n```signatures\nclient: Client\n```\n",
    );
    t.run(["build", "practice.toml"]).ok();
    let html = t.read("out/CA/en/consent.html");
    assert!(
        html.contains(
            "<input class=\"box\" type=\"checkbox\" id=\"field-voicemail\" \
             name=\"voicemail\" value=\"yes\"><label class=\"label\" \
             for=\"field-voicemail\">May we leave you a voicemail?</label>"
        ),
        "{html}"
    );
    assert!(!html.contains("[check]") && !html.contains("voicemail ["), "the flags are not text");
    let pdf = t.path().join("out/CA/en/consent.pdf");
    assert!(!pdf_text(&pdf).contains("[check]"));
    let doc = load(&pdf);
    assert_eq!(problems(&doc), Vec::<String>::new());
    let boxes: Vec<Field> = fields(&doc).into_iter().filter(|f| f.ft == "Btn").collect();
    assert_eq!(boxes.len(), 1);
    assert_eq!(
        (boxes[0].name.as_str(), boxes[0].tu.as_str()),
        ("voicemail", "May we leave you a voicemail?")
    );
    let states: BTreeMap<String, String> = {
        let d = doc.get_dictionary(boxes[0].id).unwrap();
        let n = d.get(b"AP").unwrap().as_dict().unwrap().get(b"N").unwrap().as_dict().unwrap();
        n.iter().map(|(k, v)| (String::from_utf8_lossy(k).into_owned(), format!("{v:?}"))).collect()
    };
    assert_eq!(states.keys().collect::<Vec<_>>(), ["Off", "Yes"]);
    assert_eq!(value(&doc, "voicemail").as_deref(), Some("Off"));

    t.write("yes.json", r#"{"voicemail": true, "phone": "555-0100"}"#);
    t.run(["fill", "out/CA/en/consent.pdf", "--data", "yes.json", "--out", "yes.pdf"]).ok();
    let filled = load(&t.path().join("yes.pdf"));
    assert_eq!(value(&filled, "voicemail").as_deref(), Some("Yes"));
    let d = filled.get_dictionary(boxes[0].id).unwrap();
    assert_eq!(key(d, b"AS"), "Yes");
    t.write("bad.json", r#"{"voicemail": "yes"}"#);
    let run =
        t.run(["fill", "out/CA/en/consent.pdf", "--data", "bad.json", "--out", "x.pdf"]).status(2);
    assert!(run.stderr.contains("is a check box: give true or false"), "{}", run.stderr);
}

#[test]
fn the_checks_above_catch_what_they_look_for() {
    let t = TestDir::new();
    t.run(["build", "--states", "TX", "--formats", "pdf"]).ok();
    let mut doc = load(&t.path().join("out/TX/en/consent.pdf"));
    assert_eq!(problems(&doc), Vec::<String>::new());
    let first = fields(&doc).remove(0);
    let key = doc.get_dictionary(first.id).unwrap().get(b"StructParent").unwrap().as_i64().unwrap();
    let elem = parent_tree(&doc, key).unwrap().as_reference().unwrap();
    doc.get_object_mut(elem).unwrap().as_dict_mut().unwrap().set("S", "Span");
    doc.get_object_mut(first.id).unwrap().as_dict_mut().unwrap().remove(b"TU");
    let page = doc.get_dictionary(first.id).unwrap().get(b"P").unwrap().as_reference().unwrap();
    doc.get_object_mut(page).unwrap().as_dict_mut().unwrap().remove(b"Tabs");
    let found = problems(&doc).join("\n");
    for want in ["not /Form (7.18.4)", "has no /TU (7.18.4)", "no /Tabs /S (7.18.3)"] {
        assert!(found.contains(want), "{want} in {found}");
    }
}

#[test]
fn california_release_forms_are_set_in_14_point_type_and_others_are_not() {
    // Cal. Civ. Code § 56.11(b)(1): handwritten or no smaller than 14-point type.
    let t = authorization();
    for doc in ["authorization", "notes-authorization"] {
        let size = pdf_body_size(&t.path().join(format!("out/CA/en/{doc}.pdf")));
        assert_eq!(size, 14.0, "CA {doc}");
    }
    assert_eq!(pdf_body_size(&t.path().join("out/CA/en/consent.pdf")), 13.0);
}
