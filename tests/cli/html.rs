//! The HTML outputs: each document states its state's rules and lists their
//! citations under "Laws we cite", every page is one self-contained, well
//! structured document, the index links everything, and a snapshot of one
//! document's body. The browser checks (axe, reflow, focus, the Nu HTML
//! Checker) run in `.ci/run`, not here: see tests/a11y.

use serde_json::Value;

use crate::util::{TestDir, collapse, fixture, html_text};

const STATES: [&str; 3] = ["CA", "NY", "TX"];

/// Builds the example's web pages (no PDFs: these tests read HTML only).
fn build_html(t: &TestDir, extra: &[&str]) {
    let mut args = vec!["build", "--as-of", "2026-12-01", "--formats", "html"];
    args.extend_from_slice(extra);
    t.run(args).ok();
}

fn explain(t: &TestDir, state: &str) -> Value {
    let run = t.run(["explain", state, "--as-of", "2026-12-01", "--format", "json"]).ok();
    serde_json::from_str(&run.stdout).expect("explain prints JSON")
}

/// A field of a rule version as templates see it: `None` unless the version
/// is confirmed, the field is not listed as unconfirmed, and it has a value.
fn known<'a>(rule: &'a Value, field: &str) -> Option<&'a Value> {
    let unconfirmed = rule["unconfirmed"].as_array().is_some_and(|u| u.iter().any(|f| f == field));
    let v = &rule[field];
    (rule["status"] == "confirmed" && !unconfirmed && !v.is_null()).then_some(v)
}

/// The professions of the example's clinicians licensed in each state.
fn team(state: &str) -> &'static [&'static str] {
    match state {
        "CA" => &["psychologist", "marriage_family_therapist"],
        "NY" => &["psychologist", "clinical_social_worker"],
        _ => &["clinical_social_worker"],
    }
}

/// A topic's versions in force that bind some of the state's clinicians.
fn relevant(rules: &Value, state: &str, topic: &str) -> Vec<Value> {
    let list = match &rules[topic] {
        Value::Array(l) => l.clone(),
        Value::Null => Vec::new(),
        one => vec![one.clone()],
    };
    list.into_iter()
        .filter(|v| {
            let binds: Vec<&str> =
                v["applies_to"].as_array().unwrap().iter().map(|p| p.as_str().unwrap()).collect();
            binds.contains(&"all") || team(state).iter().any(|p| binds.contains(p))
        })
        .collect()
}

/// The text values of a version's field (a string, or each string of a
/// list; a group's `who`), without a final full stop.
fn texts(v: &Value, field: &str) -> Vec<String> {
    let strip = |s: &str| s.trim_end_matches('.').to_string();
    match &v[field] {
        Value::String(s) => vec![strip(s)],
        Value::Array(items) => items
            .iter()
            .filter_map(|i| i.as_str().or_else(|| i["who"].as_str()))
            .map(strip)
            .collect(),
        _ => Vec::new(),
    }
}

/// A page states every known field of every relevant version and cites it;
/// it never states an unconfirmed value, nor cites an unconfirmed version.
fn states_what_is_known(page: &Page, rules: &Value, state: &str, topic: &str, fields: &[&str]) {
    let versions = relevant(rules, state, topic);
    // What some known version states may also be an unconfirmed one's value.
    let stated_somewhere: Vec<String> = versions
        .iter()
        .flat_map(|v| fields.iter().filter(|f| known(v, f).is_some()).flat_map(|f| texts(v, f)))
        .collect();
    for v in versions {
        let what = format!("{state} {topic}");
        let known_version = v["status"] == "confirmed";
        let mut stated = false;
        for field in fields {
            match known(&v, field) {
                Some(_) => {
                    for text in texts(&v, field) {
                        page.says(&what, &text);
                    }
                    stated = true;
                }
                None => {
                    let unknown = texts(&v, field).into_iter();
                    for text in unknown.filter(|t| t.len() > 30 && !stated_somewhere.contains(t)) {
                        page.never_says(&what, &text);
                    }
                }
            }
        }
        if known_version && stated {
            page.cites(&what, &v);
        } else if !known_version {
            let c = collapse(v["citation"].as_str().unwrap());
            assert!(!page.laws.contains(&c), "{what}: cites an unconfirmed rule");
        }
    }
}

/// What a reader sees of a page, split into the body and the "Laws we cite" list.
struct Page {
    raw: String,
    body: String,
    laws: String,
}

impl Page {
    fn read(t: &TestDir, rel: &str) -> Page {
        let page = t.read(rel);
        let raw = page[page.find("<body>").expect("a body")..].to_string();
        let (body, laws) = match raw.find("<section class=\"laws\"") {
            Some(at) => {
                let end = raw[at..].find("</section>").map_or(raw.len(), |e| at + e);
                (html_text(&raw[..at]), html_text(&raw[at..end]))
            }
            None => (html_text(&raw), String::new()),
        };
        Page { raw, body, laws }
    }

    #[track_caller]
    fn says(&self, what: &str, text: &str) {
        let text = collapse(text);
        assert!(self.body.contains(&text), "{what}: the text lacks {text:?}\n{}", self.body);
    }

    #[track_caller]
    fn never_says(&self, what: &str, text: &str) {
        let text = collapse(text);
        assert!(!self.raw.contains(&text), "{what}: states {text:?}, which nobody confirmed");
    }

    #[track_caller]
    fn cites(&self, what: &str, rule: &Value) {
        let c = collapse(rule["citation"].as_str().expect("a citation"));
        assert!(self.laws.contains(&c), "{what}: \"Laws we cite\" lacks {c:?}\n{}", self.laws);
        assert!(!self.body.contains(&c), "{what}: the citation sits in the text, not the list");
    }
}

#[test]
fn confidentiality_states_each_topic_and_cites_it() {
    let t = TestDir::new();
    build_html(&t, &[]);
    for state in STATES {
        let rules = explain(&t, state);
        let page = Page::read(&t, &format!("out/{state}/en/confidentiality.html"));
        page.says(state, "a child is being abused or neglected, the law says we must report it");
        states_what_is_known(&page, &rules, state, "child_abuse", &["report_to", "deadline"]);
        states_what_is_known(&page, &rules, state, "elder_abuse", &["groups", "report_to"]);
        states_what_is_known(&page, &rules, state, "duty_to_warn", &["trigger", "discharge"]);
        states_what_is_known(
            &page,
            &rules,
            state,
            "minors",
            &["conditions", "parent_notice", "parent_access"],
        );
        states_what_is_known(&page, &rules, state, "court_orders", &["privilege", "exceptions"]);
        // Federal law applies in every state.
        assert!(page.laws.contains("45 C.F.R. § 164.512(j)"), "{state}: HIPAA is not cited");
    }
}

#[test]
fn consent_telehealth_and_minors_forms_cite_their_rules() {
    let t = TestDir::new();
    build_html(&t, &[]);
    for state in STATES {
        let rules = explain(&t, state);
        let consent = Page::read(&t, &format!("out/{state}/en/consent.html"));
        let telehealth = Page::read(&t, &format!("out/{state}/en/telehealth.html"));
        let minors = Page::read(&t, &format!("out/{state}/en/minors.html"));
        states_what_is_known(&consent, &rules, state, "records", &["retention"]);
        states_what_is_known(&consent, &rules, state, "record_access", &["deadline", "fees"]);
        // The consent points to the telehealth form, which states the rule.
        states_what_is_known(&telehealth, &rules, state, "telehealth", &["requirement"]);
        states_what_is_known(
            &minors,
            &rules,
            state,
            "minors",
            &["conditions", "parent_notice", "parent_access"],
        );
        consent.says(state, "kept apart from your record");
        consent.says(state, "file a complaint with the state board");
    }
}

/// Every `<tag` opening in `html`, in order, as `h1`, `main`, ...
fn tags(html: &str) -> Vec<String> {
    html.split('<')
        .skip(1)
        .filter(|s| s.starts_with(|c: char| c.is_ascii_alphabetic()))
        .map(|s| s.split(|c: char| !c.is_ascii_alphanumeric()).next().unwrap_or("").to_string())
        .collect()
}

/// Every value of `attr="..."` in `html`.
fn attrs<'a>(html: &'a str, attr: &str) -> Vec<&'a str> {
    let pat = format!(" {attr}=\"");
    html.match_indices(&pat)
        .filter_map(|(i, _)| {
            let rest = &html[i + pat.len()..];
            rest.find('"').map(|e| &rest[..e])
        })
        .collect()
}

#[test]
fn every_page_is_one_self_contained_structured_document() {
    let t = TestDir::new();
    build_html(&t, &[]);
    let mut pages = vec!["out/index.html".to_string()];
    for s in STATES {
        for (path, _) in t.files(&format!("out/{s}/en")) {
            pages.push(format!("out/{s}/en/{path}"));
        }
    }
    assert_eq!(pages.len(), 1 + 30 + 6, "the index, 10 documents per state, 6 clinician consents");
    for p in &pages {
        let html = t.read(p);
        assert!(html.starts_with("<!DOCTYPE html>\n<html lang=\"en\">"), "{p}: doctype and lang");
        let tags = tags(&html);
        let count = |t: &str| tags.iter().filter(|x| *x == t).count();
        assert_eq!(count("h1"), 1, "{p}: exactly one h1");
        for landmark in ["header", "main", "footer"] {
            assert_eq!(count(landmark), 1, "{p}: one {landmark}");
        }
        assert!(count("nav") >= 1, "{p}: a nav");
        // Headings never skip a level on the way down.
        let mut level = 0;
        for t in &tags {
            if let Some(n) = t.strip_prefix('h').and_then(|n| n.parse::<usize>().ok()) {
                assert!(n <= level + 1, "{p}: h{n} follows h{level}");
                level = n;
            }
        }
        // The skip link comes first and leads to main.
        let body = &html[html.find("<body>").unwrap()..];
        assert!(body.starts_with("<body>\n<a class=\"skip\" href=\"#content\">"), "{p}: skip link");
        assert!(html.contains("<main id=\"content\" tabindex=\"-1\">"), "{p}: skip target");
        // Self-contained: styles inline, no scripts, nothing fetched (a web
        // address in the text is a link to follow, not a resource to load).
        for needle in ["<script", " src=\"http", " src=\"//", "url(", "@import"] {
            assert!(!html.contains(needle), "{p}: contains {needle:?}");
        }
        // The only links in the head name the page in its other language.
        for (i, _) in html.match_indices("<link") {
            assert!(
                html[i..].starts_with("<link rel=\"alternate\" hreflang=\""),
                "{p}: a <link> that loads"
            );
        }
        for (i, _) in html.match_indices("href=\"http") {
            assert!(html[..i].ends_with("<a "), "{p}: an outside address outside a link");
        }
        assert_eq!(count("style"), 1, "{p}: one inline style sheet");
        assert!(html.contains("@media print"), "{p}: a print style sheet");
        // Ids are unique, and every in-page link and label points at one.
        let ids = attrs(&html, "id");
        let mut sorted = ids.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(sorted.len(), ids.len(), "{p}: duplicate ids");
        for href in attrs(&html, "href").into_iter().filter_map(|h| h.strip_prefix('#')) {
            assert!(ids.contains(&href), "{p}: link to missing #{href}");
        }
        for label in attrs(&html, "aria-labelledby") {
            assert!(ids.contains(&label), "{p}: aria-labelledby names missing {label}");
        }
        // Links say where they go: no bare numbers as the whole name.
        assert!(!html.contains("footnote"), "{p}: pulldown-cmark's footnote markup");
    }
}

#[test]
fn signature_and_field_blocks_are_labelled_lines() {
    let t = TestDir::new();
    build_html(&t, &["--states", "TX"]);
    let consent = t.read("out/TX/en/consent.html");
    for (i, role) in
        ["Client", "Parent or guardian, if the client is under 18", "Therapist"].iter().enumerate()
    {
        let n = i + 1;
        assert!(
            consent.contains(&format!(
                "<div class=\"signature\" role=\"group\" aria-labelledby=\"signer-{n}\">\n\
                 <p class=\"signer\" id=\"signer-{n}\">{role}</p>"
            )),
            "signer {n}: {role}"
        );
    }
    assert_eq!(consent.matches("\">Signature</label>").count(), 3);
    assert_eq!(
        consent.matches("\">Date <span class=\"date-format\">(mm/dd/yyyy)</span></label>").count(),
        3
    );
    let auth = t.read("out/TX/en/authorization.html");
    assert!(auth.contains(
        "<p class=\"field\"><label class=\"label\" for=\"field-date-of-birth\">Date of birth \
         <span class=\"date-format\">(mm/dd/yyyy)</span></label>\
         <input class=\"line\" type=\"date\" id=\"field-date-of-birth\" name=\"date-of-birth\" \
         autocomplete=\"bday\"></p>"
    ));
    assert!(auth.contains(
        "<label class=\"label\" for=\"field-client-name\">Client&#39;s full name</label>"
    ));
}

#[test]
fn index_lists_every_document_with_links_grade_and_date() {
    let t = TestDir::new();
    t.run(["build"]).ok();
    let index = t.read("out/index.html");
    let m: Value = serde_json::from_str(&t.read("out/manifest.json")).unwrap();
    for s in STATES {
        assert!(index.contains(&format!("<li><a href=\"#{s}\">")), "the state picker links {s}");
        assert!(index.contains(&format!("<section class=\"state\" id=\"{s}\"")));
    }
    let docs: Vec<&Value> = m["outputs"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|o| o["format"] == "pdf" && !o["document"].as_str().unwrap().starts_with("packet"))
        .filter(|o| o["language"] == "en")
        .collect();
    assert_eq!(docs.len(), 30 + 6, "10 documents per state and 6 clinician consents");
    for s in STATES {
        assert!(
            index.contains(&format!("<a href=\"{s}/en/packet.pdf\">")),
            "index links the {s} packet"
        );
    }
    assert!(index.contains("Agreement to start therapy: Ana Lopez"), "clinician forms are named");
    let text = html_text(&index);
    for d in docs {
        let pdf = d["path"].as_str().unwrap();
        let html = pdf.replace(".pdf", ".html");
        assert!(index.contains(&format!("<a href=\"{html}\">")), "index links {html}");
        assert!(index.contains(&format!("<a href=\"{pdf}\">")), "index links {pdf}");
        // The grade the manifest records, as the index prints it.
        let grade = format!("Reading level: grade {:.1}", d["grade"].as_f64().unwrap());
        assert!(text.contains(&grade), "{pdf}: {grade}");
    }
    assert!(text.contains("Effective January 1, 2026"));
}

#[test]
fn index_of_one_state_has_no_state_picker() {
    let t = TestDir::new();
    build_html(&t, &["--states", "TX"]);
    let index = t.read("out/index.html");
    assert!(!index.contains("Choose your state"));
    assert!(!index.contains("href=\"#states\""));
    assert!(index.contains("<a href=\"TX/en/consent.html\">"));
    assert!(!index.contains(".pdf"), "no PDF links when no PDF was built");
}

#[test]
fn hostile_text_stays_text_in_the_index_and_law_list() {
    let t = TestDir::new();
    let practice = fixture("valid/hostile/practice.toml");
    t.run(["build", practice.to_str().unwrap(), "--out", "o", "--formats", "html"]).ok();
    let index = t.read("o/index.html");
    assert!(!index.contains("<script>"), "a script tag reached the index");
    assert!(index.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), "the name is there, escaped");
    let page = t.read("o/CA/en/confidentiality.html");
    assert_eq!(page.matches("<script").count(), 0);
    assert!(page.contains("<h2 id=\"laws-title\">Laws we cite</h2>"));
}

#[test]
fn tx_confidentiality_body_snapshot() {
    let t = TestDir::new();
    build_html(&t, &["--states", "TX"]);
    let html = t.read("out/TX/en/confidentiality.html");
    let start = html.find("<body>").expect("a body");
    let end = html.find("</body>").expect("a body end") + "</body>".len();
    let mut body = html[start..end].to_string();
    // The footer's short hash changes with the tool version; the text around it is what matters.
    if let Some(at) = body.find("· Source ") {
        let hash = at + "· Source ".len();
        body.replace_range(hash..hash + 10, "[hash]");
    }
    insta::assert_snapshot!(body);
}
