//! The packet a practice hands out (issue 16): offices per state, cash pay,
//! clauses that replace defaults, the forms every intake has, disclosure
//! statements where the state requires them, packets by audience, licences
//! on the form's date, and layout a client can sign.

use crate::util::{TestDir, fixture, html_text, pdf_text};

fn cashpay(t: &TestDir) {
    let practice = fixture("valid/cashpay/practice.toml");
    t.run(["build", practice.to_str().unwrap(), "--out", "out"]).ok();
}

#[test]
fn each_state_names_its_own_offices_or_says_video_only() {
    let t = TestDir::new();
    cashpay(&t);
    let wa = html_text(&t.read("out/WA/en/consent.html"));
    assert!(
        wa.contains("We meet in our office at 410 W Main Ave, Suite 200, Spokane, WA 99201."),
        "{wa}"
    );
    let or = html_text(&t.read("out/OR/en/consent.html"));
    assert!(or.contains("1200 SW Morrison St, Suite 5, Portland, OR 97205"), "{or}");
    assert!(!or.contains("Spokane"), "Oregon's forms never name the Washington office");
    let id = html_text(&t.read("out/ID/en/consent.html"));
    assert!(id.contains("In Idaho, we meet by video or phone only."), "{id}");
    assert!(!id.contains("Spokane") && !id.contains("Portland"), "{id}");
}

#[test]
fn a_cash_pay_practice_says_nothing_of_insurance_and_gives_the_good_faith_estimate() {
    let t = TestDir::new();
    cashpay(&t);
    for state in ["WA", "OR", "ID"] {
        for doc in ["consent", "confidentiality", "privacy-notice", "client-information"] {
            let text = html_text(&t.read(&format!("out/{state}/en/{doc}.html")));
            assert!(!text.to_lowercase().contains("insurance"), "{state} {doc}: {text}");
        }
        let consent = html_text(&t.read(&format!("out/{state}/en/consent.html")));
        assert!(
            consent.contains("We offer a sliding scale: fees from $60 to $140, based on income.")
        );
        assert!(consent.contains("you have the right to a Good Faith Estimate"), "{consent}");
        let gfe = pdf_text(&t.path().join(format!("out/{state}/en/good-faith-estimate.pdf")));
        for part in
            ["Good Faith Estimate", "at least $400 more than your estimate", "45 C.F.R. § 149.610"]
        {
            assert!(gfe.contains(part), "{state}: {part}");
        }
        let packet = pdf_text(&t.path().join(format!("out/{state}/en/packet.pdf")));
        assert!(packet.contains("Your right to a Good Faith Estimate"), "{state} packet");
    }
}

#[test]
fn a_clause_replaces_the_default_text_of_its_section() {
    let t = TestDir::new();
    cashpay(&t);
    let consent = html_text(&t.read("out/WA/en/consent.html"));
    assert!(consent.contains("Please cancel at least one business day ahead."), "{consent}");
    assert!(!consent.contains("Please tell us as soon as you can if you cannot come"), "{consent}");
    assert_eq!(consent.matches("cancel").count(), consent.matches("ancel").count());
}

#[test]
fn every_intake_has_client_information_and_a_signed_receipt_of_the_notice() {
    let t = TestDir::new();
    cashpay(&t);
    let info = t.read("out/WA/en/client-information.html");
    for label in ["Date of birth", "Emergency contact", "Home address"] {
        assert!(info.contains(label), "{label}");
    }
    assert!(info.contains("type=\"checkbox\""), "may we leave voicemail: a check box");
    let ack = html_text(&t.read("out/WA/en/privacy-acknowledgment.html"));
    assert!(ack.contains("you received a copy of the notice of privacy practices"), "{ack}");
    assert!(ack.contains("Why we could not get a signature"), "{ack}");
    assert!(ack.contains("45 C.F.R. § 164.520(c)(2)(ii)"), "{ack}");
}

#[test]
fn a_disclosure_statement_where_the_state_requires_one_names_an_associates_supervisor() {
    let t = TestDir::new();
    let practice = fixture("valid/cashpay/practice.toml");
    let run = t.run(["build", practice.to_str().unwrap(), "--out", "out"]).ok();
    // Oregon and Washington require one of counselors; Idaho does not (for
    // a social worker, no confirmed rule), so none is made there.
    assert!(t.path().join("out/OR/en/clinicians/park/disclosure.pdf").exists());
    assert!(t.path().join("out/OR/en/clinicians/ahmed/disclosure.pdf").exists());
    assert!(t.path().join("out/WA/en/clinicians/ahmed/disclosure.pdf").exists());
    assert!(!t.path().join("out/ID/en/clinicians/diaz/disclosure.pdf").exists());
    let park = html_text(&t.read("out/OR/en/clinicians/park/disclosure.html"));
    for part in [
        "Jin Park, LPC Associate, an associate professional counselor.",
        "Their supervisor is Sara Ahmed",
        "MA in Counseling, Lewis & Clark College, 2024",
        "Or. Rev. Stat. § 675.755",
        "Oregon Board of Licensed Professional Counselors and Therapists",
    ] {
        assert!(park.contains(part), "{part}: {park}");
    }
    assert!(!park.contains("has approved"), "the form never claims the board approved it");
    assert!(run.stderr.contains("warning[board-approval]: OR disclosure (park)"), "{}", run.stderr);
}

#[test]
fn packets_by_audience_and_documents_the_services_rule_out() {
    let t = TestDir::new();
    let text = std::fs::read_to_string(fixture("valid/cashpay/practice.toml")).unwrap();
    // The practice lists the minors form but does not see minors.
    let text = text.replace("  \"telehealth\",\n", "  \"telehealth\",\n  \"minors\",\n");
    t.write("p.toml", &text);
    let run = t.run(["build", "p.toml", "--out", "out"]).ok();
    assert!(
        run.stderr.contains(
            "warning[document-not-offered]: `minors` is listed in `documents` but not built for ID"
        ),
        "{}",
        run.stderr
    );
    assert!(!t.path().join("out/WA/en/minors.pdf").exists());
    assert!(!t.path().join("out/WA/en/packet-minor.pdf").exists(), "no minors, no minor packet");
    // A practice that sees minors gets both packets; the minors form only in the minor one.
    t.write("m.toml", &text.replace("telehealth = true\n", "telehealth = true\nminors = true\n"));
    t.run(["build", "m.toml", "--out", "m", "--states", "WA"]).ok();
    let adult = pdf_text(&t.path().join("m/WA/en/packet.pdf"));
    let minor = pdf_text(&t.path().join("m/WA/en/packet-minor.pdf"));
    assert!(!adult.contains("Agreement for therapy with a young person"));
    assert!(minor.contains("Agreement for therapy with a young person"));
    assert!(adult.contains("Forms for adult clients in Washington"));
    assert!(minor.contains("Forms for clients under 18 and their parents in Washington"));
    // The index links both packets by name.
    let index = html_text(&t.read("m/index.html"));
    assert!(index.contains("Forms for adult clients in Washington"), "{index}");
    assert!(
        index.contains("Forms for clients under 18 and their parents in Washington"),
        "{index}"
    );
    let html = t.read("m/index.html");
    assert!(
        html.contains("href=\"WA/en/packet-minor.pdf\"")
            && html.contains("href=\"WA/en/packet.pdf\"")
    );
}

#[test]
fn a_licence_must_be_valid_on_the_form_date_and_the_hint_says_renew() {
    let t = TestDir::new();
    let text = std::fs::read_to_string(fixture("valid/cashpay/practice.toml")).unwrap();
    // The supervisor's Oregon licence lapses the day before the build.
    t.write(
        "p.toml",
        &text.replace(
            "{ state = \"OR\", type = \"LPC\", number = \"C0001\", expires = 2028-03-31 }",
            "{ state = \"OR\", type = \"LPC\", number = \"C0001\", expires = 2026-11-30 }",
        ),
    );
    let run = t.run(["build", "p.toml", "--out", "out"]).status(1);
    assert!(
        run.stderr
            .contains("no form for `ahmed` (Sara Ahmed) in OR: no licence valid on 2026-12-01"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("supervisor `ahmed` holds no full licence there valid on 2026-12-01"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("renew the licence"), "{}", run.stderr);
    assert!(!run.stderr.contains("earlier `--as-of`"), "never a hint to back-date");
    // Idaho without its only clinician: the state is named.
    t.write("q.toml", &text.replace("expires = 2028-01-31", "expires = 2026-01-31"));
    let run = t.run(["build", "q.toml", "--out", "q"]).status(1);
    assert!(
        run.stderr.contains("error[unstaffed]: no clinician of the practice holds a licence in ID"),
        "{}",
        run.stderr
    );
}

/// The text of each page of a PDF.
fn pages(path: &std::path::Path) -> Vec<String> {
    let doc = lopdf::Document::load(path).unwrap();
    let n = doc.get_pages().len() as u32;
    (1..=n).map(|p| doc.extract_text(&[p]).unwrap_or_default()).collect()
}

#[test]
fn no_pdf_ends_on_a_page_of_only_signature_lines_or_a_blank() {
    let t = TestDir::new();
    // The example and the cash-pay practice, each in its own folder.
    t.run(["build", "--formats", "pdf", "--out", "example"]).ok();
    cashpay(&t);
    let footer = |l: &str| l.contains("Version ") || l.contains("Page ") || l.contains(" · ");
    let pdfs = ["example", "out"].into_iter().flat_map(|dir| {
        t.files(dir)
            .into_iter()
            .filter(|(p, _)| p.ends_with(".pdf"))
            .map(move |(p, _)| format!("{dir}/{p}"))
    });
    for path in pdfs {
        let last = pages(&t.path().join(&path)).pop().unwrap();
        let words: Vec<&str> = last
            .lines()
            .filter(|l| !footer(l))
            .filter(|l| {
                let l = l.trim();
                !(l.is_empty()
                    || ["Signature", "Printed name", "Date"].contains(&l)
                    || l.starts_with("Client")
                    || l.starts_with("Therapist")
                    || l.starts_with("Parent")
                    || l.starts_with("Young person"))
            })
            .collect();
        assert!(words.len() >= 2, "{path}: the last page holds only lines to sign:\n{last}");
    }
}

#[test]
fn a_folder_holds_one_practice_and_another_is_refused_unless_it_replaces_it() {
    let t = TestDir::new();
    let practice = fixture("valid/cashpay/practice.toml");
    t.run(["build", practice.to_str().unwrap(), "--out", "out", "--formats", "html"]).ok();
    let before = t.files("out");
    let manifest = t.read("out/manifest.json");
    assert!(manifest.contains("\"practice\": \"Columbia River Counseling\""), "{manifest}");
    // The bundled example is another practice: building it here would remove
    // the first one's files.
    let run = t.run(["build", "--out", "out", "--formats", "html"]).status(2);
    assert!(
        run.stderr.contains("holds the forms of another practice, \"Columbia River Counseling\""),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("--replace-practice"), "the hint names the flag: {}", run.stderr);
    assert_eq!(t.files("out"), before, "nothing was written or removed");
    // --force is for files consentgen did not write; it does not say this.
    t.run(["build", "--out", "out", "--formats", "html", "--force"]).status(2);
    t.run(["build", "--out", "out", "--formats", "html", "--replace-practice"]).ok();
    assert!(
        t.read("out/manifest.json").contains("\"practice\": \"Harbor Light Counseling Group\"")
    );
    let left: Vec<String> =
        t.files("out").into_iter().map(|(p, _)| p).filter(|p| p.starts_with("WA/")).collect();
    assert_eq!(left, Vec::<String>::new(), "the first practice's forms were replaced");
}

/// The pages (1-based) on which a tagged figure with text alternative `alt` sits.
fn figure_pages(path: &std::path::Path, alt: &str) -> Vec<u32> {
    use lopdf::Object;
    let pdf = lopdf::Document::load(path).unwrap();
    let pages: std::collections::BTreeMap<lopdf::ObjectId, u32> =
        pdf.get_pages().into_iter().map(|(n, id)| (id, n)).collect();
    let page_of = |d: &lopdf::Dictionary| d.get(b"Pg").ok().and_then(|p| p.as_reference().ok());
    let mut out = Vec::new();
    for o in pdf.objects.values() {
        let Object::Dictionary(d) = o else { continue };
        let is_alt = d.get(b"Alt").ok().and_then(|a| lopdf::decode_text_string(a).ok());
        if is_alt.as_deref() != Some(alt) {
            continue;
        }
        // The page is on the element, or on its marked-content references.
        let mut found = page_of(d).into_iter().collect::<Vec<_>>();
        if let Ok(Object::Array(kids)) = d.get(b"K") {
            for k in kids {
                let kid = match k {
                    Object::Reference(r) => pdf.get_dictionary(*r).ok(),
                    Object::Dictionary(d) => Some(d),
                    _ => None,
                };
                found.extend(kid.and_then(page_of));
            }
        } else if let Ok(Object::Dictionary(k)) = d.get(b"K") {
            found.extend(page_of(k));
        }
        out.extend(found.iter().filter_map(|id| pages.get(id).copied()));
    }
    out.sort_unstable();
    out.dedup();
    out
}

#[test]
fn the_logo_heads_the_index_every_document_and_the_packet_cover() {
    let t = TestDir::new();
    let example =
        std::fs::read_to_string(crate::util::root().join("examples/practice.toml")).unwrap();
    let alt = "Harbor Light logo: a lighthouse";
    let logo = format!("logo = \"logo.svg\"\nlogo_alt = \"{alt}\"\n");
    let es = format!(
        "[translations.es]\nlogo_alt = {{ from = \"{alt}\", text = \"Logotipo de Harbor Light: un faro\" }}\n"
    );
    assert!(example.contains("[translations.es]\n"));
    let example = example.replacen("[translations.es]\n", &es, 1);
    t.write("p/practice.toml", &format!("{logo}{example}"));
    t.write(
        "p/logo.svg",
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"40\" height=\"20\"><rect width=\"40\" height=\"20\" fill=\"#036\"/></svg>",
    );
    t.run(["build", "p/practice.toml", "--out", "out", "--states", "TX"]).ok();
    let index = t.read("out/index.html");
    assert!(index.contains("<img class=\"logo\" src=\"data:image/svg+xml;base64,"), "{index}");
    assert!(index.contains(&format!("alt=\"{alt}\"")), "{index}");
    assert!(t.read("out/TX/en/consent.html").contains(&format!("alt=\"{alt}\"")));
    assert!(t.read("out/index.es.html").contains("alt=\"Logotipo de Harbor Light: un faro\""));
    assert_eq!(figure_pages(&t.path().join("out/TX/en/consent.pdf"), alt), [1]);
    assert_eq!(figure_pages(&t.path().join("out/TX/en/packet.pdf"), alt), [1], "on the cover");
}

/// The bundled example as a three-state group practice's director would set
/// it up (issue 26): insurance billed in California only, couples, its own
/// effective date a month after the build, Spanish.
fn director_practice() -> String {
    let example =
        std::fs::read_to_string(crate::util::root().join("examples/practice.toml")).unwrap();
    let p = example
        .replace("couples = false", "couples = true")
        .replace("insurance = true", "insurance = false")
        .replace("effective = 2026-01-01", "effective = 2027-01-01");
    assert!(
        p.contains("couples = true")
            && p.contains("insurance = false")
            && p.contains("effective = 2027-01-01")
    );
    format!("{p}\n[state.CA.fees]\ninsurance = true\n")
}

#[test]
fn a_three_state_group_practice_gets_each_states_own_forms() {
    let t = TestDir::new();
    t.write("p/practice.toml", &director_practice());
    let args = ["p/practice.toml", "--out", "out", "--formats", "html,pdf"];
    t.run([&["build"][..], &args].concat()).ok();
    let text = |rel: &str| crate::util::collapse(&html_text(&t.read(rel)));

    // Insurance in California only.
    assert!(text("out/CA/en/consent.html").contains("If you use insurance"));
    for s in ["NY", "TX"] {
        let consent = text(&format!("out/{s}/en/consent.html"));
        assert!(!consent.to_lowercase().contains("insurance"), "{s}: {consent}");
    }
    // Texas has no office: no form offers one there.
    let tx = text("out/TX/en/telehealth.html");
    assert!(tx.contains("In Texas, this is the only way we meet."), "{tx}");
    assert!(!tx.contains("meet in the office instead"), "{tx}");
    assert!(text("out/TX/en/consent.html").contains("In Texas, we meet by video or phone only."));
    assert!(
        text("out/NY/en/telehealth.html").contains("You can ask to meet in the office instead")
    );
    // The practice's own date: printed, and the rules and licences taken on it.
    assert!(text("out/TX/en/consent.html").contains("Effective January 1, 2027"));
    let manifest: serde_json::Value = serde_json::from_str(&t.read("out/manifest.json")).unwrap();
    assert_eq!(manifest["as_of"], "2027-01-01");
    // The associate works in California: her supervisor is named there, and
    // the supervision paragraph is in California's forms only.
    let ca = text("out/CA/en/consent.html");
    assert!(ca.contains("Ana Lopez, AMFT: associate marriage and family therapist"), "{ca}");
    assert!(ca.contains("supervised by Jordan Kim, LMFT"), "{ca}");
    assert!(ca.contains("Who else is part of your care?"), "{ca}");
    assert!(!text("out/NY/en/consent.html").contains("Who else is part of your care?"));
    // Couples: a packet in each state.
    for s in ["CA", "NY", "TX"] {
        assert!(t.path().join(format!("out/{s}/en/packet-couple.pdf")).is_file(), "{s}");
        assert!(t.path().join(format!("out/{s}/es/packet-couple.pdf")).is_file(), "{s}");
    }
    // The fee goes up in English only: the Spanish forms that print it wait
    // for their translation, and `check` names the key.
    let raised = director_practice().replace(
        "session = \"$160 for a 50-minute session\"",
        "session = \"$185 for a 50-minute session\"",
    );
    t.write("p/practice.toml", &raised);
    let run = t.run([&["check"][..], &args].concat()).status(1);
    assert!(
        run.stderr.contains("the practice's `fees.session` changed since it was translated"),
        "{}",
        run.stderr
    );
    let run = t.run([&["build"][..], &args].concat()).status(1);
    assert!(run.stderr.contains("untranslated"), "{}", run.stderr);
    assert!(text("out/CA/en/consent.html").contains("$185"));
    // The old Spanish consent ($160) is not left as if it were current.
    assert!(!t.path().join("out/CA/es/consent.html").exists());
    assert!(
        t.path().join("out/CA/es/client-information.html").exists(),
        "forms without the fee stay"
    );
}
