//! Input values: every Latin-script name sets in the PDF and other scripts
//! are refused at their line; values hide no control or bidi characters;
//! clinician ids make portable folder names.

use crate::util::TestDir;

// 4. Every Latin-script name sets in the PDF; other scripts are refused at their line.

#[test]
fn vietnamese_hawaiian_polish_and_turkish_names_set_in_the_pdf() {
    let t = TestDir::new();
    t.write(
        "practice.toml",
        "name = \"Phòng khám Nguyễn Thị Hằng\"\nservices = { telehealth = true }\nstates = [\"CA\"]\ndocuments = [\"consent\"]\nper_clinician = [\"consent\"]\n\n\
         [[clinicians]]\nid = \"kupaa\"\nname = \"Kaʻiulani Kūpaʻa\"\nprofession = \"psychologist\"\n\
         licenses = [{ state = \"CA\", type = \"Psychologist\", number = \"PSY 1\", expires = 2030-01-01 }]\n\n\
         [[clinicians]]\nid = \"wasowski\"\nname = \"Łukasz Wąsowski-Güneş\"\nprofession = \"psychologist\"\n\
         licenses = [{ state = \"CA\", type = \"Psychologist\", number = \"PSY 2\", expires = 2030-01-01 }]\n",
    );
    t.run(["check", "practice.toml", "--out", "forms"]).status(1); // not built yet
    t.run(["build", "practice.toml", "--out", "forms"]).ok();
    // Text as a reader extracts it, without the spaces pdf-extract puts where the font changes.
    let text = |rel: &str| -> String {
        crate::util::pdf_text(&t.path().join(rel)).split_whitespace().collect()
    };
    assert!(
        text("forms/CA/en/consent.pdf").contains("PhòngkhámNguyễnThịHằng"),
        "{}",
        text("forms/CA/en/consent.pdf")
    );
    assert!(text("forms/CA/en/clinicians/kupaa/consent.pdf").contains("Kaʻiulani"));
    assert!(text("forms/CA/en/clinicians/wasowski/consent.pdf").contains("ŁukaszWąsowski-Güneş"));
    // The same inputs give the same bytes.
    let first = t.files("forms");
    t.run(["build", "practice.toml", "--out", "again"]).ok();
    let again = t.files("again");
    assert_eq!(
        first.iter().filter(|(p, _)| p.ends_with(".pdf")).collect::<Vec<_>>(),
        again.iter().filter(|(p, _)| p.ends_with(".pdf")).collect::<Vec<_>>()
    );
}

#[test]
fn a_name_in_a_script_no_font_covers_is_refused_at_its_line() {
    let t = TestDir::new();
    t.write(
        "practice.toml",
        "name = \"Harbor Counseling\"\nservices = { telehealth = true }\nstates = [\"CA\"]\ndocuments = [\"consent\"]\n\n\
         [[clinicians]]\nid = \"wang\"\nname = \"Wang Xiaoming 王小明\"\nprofession = \"psychologist\"\n\n\
         [[clinicians]]\nid = \"nour\"\nname = \"نور Nour\"\nprofession = \"psychologist\"\n",
    );
    for command in ["check", "build"] {
        let run = t.run([command, "practice.toml"]).status(2);
        assert!(
            run.stderr.contains("error[no-glyph]: `name` has characters no bundled font can set in a PDF: 王 (U+738B), 小 (U+5C0F), 明 (U+660E)"),
            "{}",
            run.stderr
        );
        assert!(run.stderr.contains("practice.toml:8:23"), "{}", run.stderr);
        assert!(run.stderr.contains("practice.toml:13:9"), "{}", run.stderr);
        assert_eq!(run.stderr.matches("error[").count(), 2, "one per value:\n{}", run.stderr);
        assert!(!run.stderr.contains("bug"), "{}", run.stderr);
    }
    assert!(!t.path().join("out").exists());
    // Web pages set any script.
    t.run(["build", "practice.toml", "--formats", "html"]).ok();
}

// 7. Input values hide no control characters; clinician ids make portable folder names.

#[test]
fn control_and_bidi_override_characters_in_values_are_refused_at_their_column() {
    let t = TestDir::new();
    // A right-to-left override written as it is, and a bell written as an escape.
    t.write("practice.toml", "name = \"Harbor \u{202E}gnilesnuoC\"\nservices = { telehealth = true }\nstates = [\"CA\"]\n");
    let run = t.run(["build", "practice.toml"]).status(2);
    assert!(
        run.stderr
            .contains("error[control-character]: `name` holds the right-to-left override U+202E"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("practice.toml:1:16"), "{}", run.stderr);
    assert!(!t.path().join("out").exists());
    t.write(
        "practice.toml",
        "name = \"Harbor\"\nservices = { telehealth = true }\nstates = [\"CA\"]\n\n[clauses]\nfees = \"We bill \\u0007monthly.\"\n",
    );
    let run = t.run(["check", "practice.toml"]).status(2);
    assert!(run.stderr.contains("`fees` holds the control character U+0007"), "{}", run.stderr);
    assert!(run.stderr.contains("practice.toml:6:17"), "{}", run.stderr);
    // An isolate in a rule file's text, in a value of the CA file.
    let rules = t.copy_jurisdictions("rules");
    let ca = std::fs::read_to_string(rules.join("CA.toml")).unwrap();
    let changed = ca.replacen("trigger = \"", "trigger = \"\u{2067}", 1);
    assert_ne!(ca, changed);
    std::fs::write(rules.join("CA.toml"), &changed).unwrap();
    t.write(
        "practice.toml",
        "name = \"Harbor\"\nservices = { telehealth = true }\nstates = [\"CA\"]\n",
    );
    let run = t.run(["build", "practice.toml", "--jurisdictions", "rules"]).status(2);
    let line = changed[..changed.find('\u{2067}').unwrap()].matches('\n').count() + 1;
    assert!(
        run.stderr.contains("`trigger` holds the right-to-left isolate U+2067"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains(&format!("rules/CA.toml:{line}:")), "{}", run.stderr);
    // Tabs and line breaks are text.
    t.write("practice.toml", "name = \"Harbor\"\nservices = { telehealth = true }\nstates = [\"CA\"]\n\n[clauses]\nfees = \"\"\"We bill\tmonthly.\n\nAsk us.\"\"\"\n");
    t.run(["build", "practice.toml", "--formats", "html"]).ok();
}

#[test]
fn a_clinician_id_must_make_a_portable_folder_name() {
    let t = TestDir::new();
    let clinician = |id: &str| {
        format!(
            "\n[[clinicians]]\nid = \"{id}\"\nname = \"A B\"\nprofession = \"psychologist\"\n\
             licenses = [{{ state = \"CA\", type = \"Psychologist\", number = \"1\", expires = 2030-01-01 }}]\n"
        )
    };
    let head = "name = \"Ids\"\nservices = { telehealth = true }\nstates = [\"CA\"]\nper_clinician = [\"consent\"]\n";
    let long = "k".repeat(300);
    t.write("practice.toml", &format!("{head}{}", clinician(&long)));
    let run = t.run(["build", "practice.toml"]).status(2);
    assert!(run.stderr.contains("error[invalid-id]"), "{}", run.stderr);
    assert!(
        run.stderr.contains("it is 300 characters long; at most 32 are allowed"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("practice.toml:7:6"), "{}", run.stderr);
    assert!(!t.path().join("out").exists(), "refused before any folder is made");
    for (id, why) in [
        ("con", "Windows reserves this name"),
        ("-rf", "does not start with a letter or digit"),
        ("j.kim", "`.` is not a letter"),
    ] {
        t.write("practice.toml", &format!("{head}{}", clinician(id)));
        let run = t.run(["check", "practice.toml"]).status(2);
        assert!(run.stderr.contains(why), "{id}: {}", run.stderr);
    }
    t.write("practice.toml", &format!("{head}{}{}", clinician("jkim"), clinician("JKim")));
    let run = t.run(["check", "practice.toml"]).status(2);
    assert!(run.stderr.contains("clinician id `JKim` is used twice"), "{}", run.stderr);
}
