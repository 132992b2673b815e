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
    let mut args = vec!["build", "--as-of", "2026-01-01", "--formats", "html"];
    args.extend_from_slice(extra);
    t.run(args).ok();
}

fn explain(t: &TestDir, state: &str) -> Value {
    let run = t.run(["explain", state, "--as-of", "2026-01-01", "--format", "json"]).ok();
    serde_json::from_str(&run.stdout).expect("explain prints JSON")
}

/// A field of a rule as templates see it: `None` unless the rule is
/// confirmed, the field is not listed as unconfirmed, and it has a value.
fn known<'a>(rule: &'a Value, field: &str) -> Option<&'a Value> {
    let unconfirmed = rule["unconfirmed"].as_array().is_some_and(|u| u.iter().any(|f| f == field));
    let v = &rule[field];
    (rule["status"] == "confirmed" && !unconfirmed && !v.is_null()).then_some(v)
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
        let name = rules["name"].as_str().unwrap_or(state).to_string();
        let page = Page::read(&t, &format!("out/{state}/en/confidentiality.html"));

        // Child abuse: who to report to, how fast, and whether everyone must.
        let child = &rules["child_abuse"];
        let what = format!("{state} child abuse");
        page.says(&what, "a child is being abused or neglected, the law says we must report it.");
        for field in ["report_to", "deadline"] {
            if let Some(v) = known(child, field) {
                page.says(&what, v.as_str().unwrap());
            }
        }
        let everyone = format!("In {name}, every adult must report, not only therapists.");
        if known(child, "universal") == Some(&Value::Bool(true)) {
            page.says(&what, &everyone);
        } else {
            page.never_says(&what, &everyone);
        }
        page.cites(&what, child);

        // Elder and dependent-adult abuse: must or may, from what age, to whom.
        let elder = &rules["elder_abuse"];
        let what = format!("{state} elder abuse");
        match elder["kind"].as_str().unwrap() {
            "mandatory" => page.says(
                &what,
                "is being abused, neglected or exploited, the law says we must report it.",
            ),
            "permissive" => page
                .says(&what, "is being abused, neglected or exploited, the law lets us report it."),
            other => panic!("{state}: the example states have elder-abuse laws, not {other}"),
        }
        match known(elder, "age") {
            Some(age) => page.says(&what, &format!("a person age {age} or older")),
            None => page.says(&what, "If we learn or suspect that an older adult"),
        }
        if let Some(to) = known(elder, "report_to") {
            page.says(&what, to.as_str().unwrap());
        }
        if known(elder, "dependent_adults") == Some(&Value::Bool(true)) {
            page.says(&what, "or a dependent adult is being abused");
            if elder["kind"] == "mandatory" {
                page.says(&what, "A dependent adult is an adult who needs help from others");
            }
        }
        page.cites(&what, elder);

        // Minors: what they may agree to alone, what parents may see.
        let minors = &rules["minors"];
        let what = format!("{state} minors");
        let mut stated = false;
        if let Some(c) = known(minors, "conditions") {
            page.says(&what, c.as_str().unwrap());
            stated = true;
        } else if let Some(age) = known(minors, "consent_age") {
            page.says(&what, &format!("a young person age {age} or older may agree"));
            stated = true;
        }
        if let Some(p) = known(minors, "parent_access") {
            page.says(&what, p.as_str().unwrap());
            stated = true;
        }
        for field in ["conditions", "parent_access"] {
            if known(minors, field).is_none()
                && let Some(v) = minors[field].as_str()
            {
                page.never_says(&what, v);
            }
        }
        if stated {
            page.cites(&what, minors);
        } else {
            page.says(&what, "Parents or guardians often have a right to some information");
            let c = collapse(minors["citation"].as_str().unwrap());
            assert!(!page.raw.contains(&c), "{what}: cites a law for a rule it does not state");
        }

        // Court orders: the privilege, and when a court can override it.
        let court = &rules["court_orders"];
        let what = format!("{state} court orders");
        page.says(&what, known(court, "privilege").and_then(Value::as_str).unwrap());
        match known(court, "exceptions") {
            Some(list) => {
                page.says(&what, "But a court can make us share information when:");
                for e in list.as_array().unwrap() {
                    page.says(&what, e.as_str().unwrap());
                }
            }
            None => {
                for e in court["exceptions"].as_array().into_iter().flatten() {
                    page.never_says(&what, e.as_str().unwrap());
                }
            }
        }
        page.cites(&what, court);

        // Duty to warn has its own test in build.rs; here, only its citation's place.
        page.cites(&format!("{state} duty to warn"), &rules["duty_to_warn"]);
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

        let records = &rules["records"];
        consent.says(
            &format!("{state} records"),
            known(records, "retention").unwrap().as_str().unwrap(),
        );
        consent.cites(&format!("{state} records"), records);

        // Telehealth: a confirmed consent requirement is stated and cited in
        // both forms; an unconfirmed one is neither.
        let tele = &rules["telehealth"];
        for (doc, page) in [("consent", &consent), ("telehealth", &telehealth)] {
            let what = format!("{state} {doc} telehealth");
            match known(tele, "requirement") {
                Some(r) if known(tele, "consent_required") == Some(&Value::Bool(true)) => {
                    page.says(&what, r.as_str().unwrap());
                    page.cites(&what, tele);
                }
                _ => page.never_says(&what, tele["citation"].as_str().unwrap()),
            }
        }

        let m = &rules["minors"];
        let what = format!("{state} minors form");
        match known(m, "conditions").or(known(m, "parent_access")) {
            Some(_) => minors.cites(&what, m),
            None => minors.never_says(&what, m["citation"].as_str().unwrap()),
        }
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
    assert_eq!(pages.len(), 1 + 21 + 6, "the index, 7 documents per state, 6 clinician consents");
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
        // Self-contained: styles inline, no scripts, nothing fetched.
        for needle in ["<script", "<link", " src=", "url(", "@import", "href=\"http", "href=\"//"] {
            assert!(!html.contains(needle), "{p}: contains {needle:?}");
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
    assert_eq!(consent.matches("\">Date</label>").count(), 3);
    let auth = t.read("out/TX/en/authorization.html");
    assert!(auth.contains(
        "<p class=\"field\"><label class=\"label\" for=\"field-date-of-birth\">Date of birth</label>\
         <input class=\"line\" type=\"date\" id=\"field-date-of-birth\" name=\"date-of-birth\" \
         autocomplete=\"bday\"></p>"
    ));
    assert!(auth.contains(
        "<label class=\"label\" for=\"field-clients-full-name\">Client&#39;s full name</label>"
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
        .filter(|o| o["format"] == "pdf" && o["document"] != "packet")
        .collect();
    assert_eq!(docs.len(), 21 + 6, "7 documents per state and 6 clinician consents");
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
