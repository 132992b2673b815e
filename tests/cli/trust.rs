//! A forms repository CI can trust (issue 29): no input vanishes (a broken
//! link, a FIFO or a folder where a template or rule file is read is an
//! error naming it), rule files are named for states, an SVG logo cannot
//! overflow the stack, a partial build leaves the index as a full build
//! wrote it, document ids never collide on a system that ignores case, and
//! no template or catalog takes a page outside itself or hides characters.

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use crate::safety::run_within;
use crate::util::{Run, TestDir, root};

#[cfg(unix)]
fn symlink(target: impl AsRef<Path>, link: impl AsRef<Path>) {
    std::os::unix::fs::symlink(target, link).unwrap();
}

/// A practice of one state and one document, in `p/`.
fn practice(t: &TestDir) {
    t.write(
        "p/practice.toml",
        "name = \"Trusted\"\nservices = { telehealth = true }\nstates = [\"OR\"]\ndocuments = [\"consent\", \"telehealth\"]\n",
    );
}

/// Runs `args` expecting exit 2 within 20 s, no panic and no output folder.
#[track_caller]
fn refused(t: &TestDir, args: &[&str]) -> Run {
    let (run, _) = run_within(t, args, Duration::from_secs(20));
    let run = run.status(2);
    assert!(
        !run.stderr.contains("panicked") && !run.stderr.contains("error[internal]"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("hint:"), "{}", run.stderr);
    assert!(!t.path().join("out").exists(), "a refused build wrote into the output folder");
    run
}

/// Makes a FIFO, or says why not (then the caller skips that part).
fn mkfifo(path: &Path) -> bool {
    let made = Command::new("mkfifo").arg(path).status().is_ok_and(|s| s.success());
    if !made {
        eprintln!("skipped a FIFO: `mkfifo` is not available here");
    }
    made
}

// 1. Inputs never vanish.

#[cfg(unix)]
#[test]
fn a_template_that_is_not_a_readable_file_is_an_error_naming_it() {
    let t = TestDir::new();
    practice(&t);
    let own = t.path().join("p/templates");
    std::fs::create_dir_all(&own).unwrap();
    // A broken link used to let the bundled telehealth consent stand in.
    symlink("../../gone/telehealth.md", own.join("telehealth.md"));
    let run = refused(&t, &["build", "p/practice.toml", "--formats", "html"]);
    assert!(
        run.stderr.contains(
            "error[not-a-file]: `p/templates/telehealth.md` is a symbolic link to `../../gone/telehealth.md`, which cannot be read (no such file)"
        ),
        "{}",
        run.stderr
    );
    std::fs::remove_file(own.join("telehealth.md")).unwrap();
    std::fs::create_dir(own.join("telehealth.md")).unwrap();
    let run = refused(&t, &["check", "p/practice.toml"]);
    assert!(
        run.stderr.contains("`p/templates/telehealth.md` is a folder, not a file"),
        "{}",
        run.stderr
    );
    std::fs::remove_dir(own.join("telehealth.md")).unwrap();
    // A catalog the practice's languages may read is held to the same rule.
    symlink("nowhere.po", own.join("es.po"));
    let run = refused(&t, &["build", "p/practice.toml", "--formats", "html"]);
    assert!(run.stderr.contains("`p/templates/es.po` is a symbolic link"), "{}", run.stderr);
    std::fs::remove_file(own.join("es.po")).unwrap();
    if mkfifo(&own.join("consent.md")) {
        // Never opened: reading a FIFO nobody writes to would block for ever.
        let run = refused(&t, &["build", "p/practice.toml", "--formats", "html"]);
        assert!(
            run.stderr.contains("`p/templates/consent.md` is a FIFO, device or socket"),
            "{}",
            run.stderr
        );
        std::fs::remove_file(own.join("consent.md")).unwrap();
    }
    // An editor's lock file (a hidden, broken link) and other names are not read.
    symlink("user@host.1234", own.join(".#telehealth.md"));
    symlink("gone", own.join("notes.txt"));
    t.run(["build", "p/practice.toml", "--formats", "html", "--out", "built"]).ok();
    // A practice's `templates` that is not a folder is not "no templates".
    std::fs::remove_dir_all(&own).unwrap();
    symlink("elsewhere", &own);
    let run = refused(&t, &["check", "p/practice.toml"]);
    assert!(
        run.stderr.contains("error[not-a-folder]: `p/templates` is not a folder"),
        "{}",
        run.stderr
    );
}

#[cfg(unix)]
#[test]
fn a_rule_file_that_is_not_a_readable_file_is_an_error_naming_it() {
    let t = TestDir::new();
    practice(&t);
    let rules = t.copy_jurisdictions("rules");
    std::fs::remove_file(rules.join("OR.toml")).unwrap();
    symlink("../moved/OR.toml", rules.join("OR.toml"));
    let args = ["build", "p/practice.toml", "--jurisdictions", "rules", "--formats", "html"];
    let run = refused(&t, &args);
    assert!(
        run.stderr.contains(
            "error[not-a-file]: `rules/OR.toml` is a symbolic link to `../moved/OR.toml`"
        ),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("unknown state"), "{}", run.stderr);
    std::fs::remove_file(rules.join("OR.toml")).unwrap();
    std::fs::create_dir(rules.join("OR.toml")).unwrap();
    let run = refused(&t, &["explain", "OR", "--jurisdictions", "rules"]);
    assert!(run.stderr.contains("`rules/OR.toml` is a folder, not a file"), "{}", run.stderr);
    std::fs::remove_dir(rules.join("OR.toml")).unwrap();
    std::fs::copy(t.rules_dir().join("OR.toml"), rules.join("OR.toml")).unwrap();
    std::fs::remove_file(rules.join("es.po")).unwrap();
    if mkfifo(&rules.join("es.po")) {
        let run = refused(&t, &args);
        assert!(run.stderr.contains("`rules/es.po` is a FIFO, device or socket"), "{}", run.stderr);
        std::fs::remove_file(rules.join("es.po")).unwrap();
    }
    // A link to a readable rule file is read.
    std::fs::rename(rules.join("OR.toml"), t.path().join("OR.toml")).unwrap();
    symlink("../OR.toml", rules.join("OR.toml"));
    t.run(args).ok();
}

// 2. Rule files are named for states.

#[test]
fn a_rule_file_not_named_for_a_state_is_an_error_with_a_hint() {
    let t = TestDir::new();
    let rules = t.copy_jurisdictions("rules");
    let or = std::fs::read_to_string(rules.join("OR.toml")).unwrap();
    // What the folder may hold besides rule files stays ignored.
    for name in ["README.md", "SOURCES.md", "messages.pot", "notes.txt"] {
        t.write(&format!("rules/{name}"), "not a rule file\n");
    }
    t.run(["explain", "OR", "--jurisdictions", "rules"]).ok();
    for name in ["x_y.toml", "a..b.toml", "or.toml", "ORE.toml"] {
        std::fs::write(rules.join(name), &or).unwrap();
        let run = refused(&t, &["explain", "OR", "--jurisdictions", "rules"]);
        assert!(
            run.stderr.contains(&format!(
                "error[not-a-state]: `rules/{name}` is not a rule file: `{name}` is not named for a state"
            )),
            "{name}: {}",
            run.stderr
        );
        assert!(
            run.stderr.contains("two capital letters, like `OR.toml`"),
            "{name}: {}",
            run.stderr
        );
        std::fs::remove_file(rules.join(name)).unwrap();
    }
}

// 3. An SVG logo nested past any drawing program's output.

/// A practice with an SVG logo of `svg`.
fn with_logo(t: &TestDir, svg: &str) {
    practice(t);
    let text = t.read("p/practice.toml");
    t.write(
        "p/practice.toml",
        &format!("logo = \"logo.svg\"\nlogo_alt = \"A lighthouse\"\n{text}"),
    );
    t.write("p/logo.svg", svg);
}

#[test]
fn an_svg_logo_nested_a_thousand_deep_is_refused_before_typesetting() {
    let t = TestDir::new();
    for tag in ["svg", "g"] {
        let svg = format!(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 10 10\">{}{}</svg>",
            format!("<{tag}>").repeat(1000),
            format!("</{tag}>").repeat(1000)
        );
        with_logo(&t, &svg);
        let run = refused(&t, &["build", "p/practice.toml", "--out", "out"]);
        assert!(
            run.stderr.contains("error[logo]: `p/logo.svg` nests its elements more than 64 deep"),
            "{}",
            run.stderr
        );
        assert!(run.stderr.contains("p/practice.toml:1:8"), "at the `logo` value: {}", run.stderr);
    }
    // A drawing program's logo: a few groups, comments and self-closing shapes.
    let svg = format!(
        "<?xml version=\"1.0\"?>\n<!-- {} -->\n<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 10 10\">{}<circle r=\"4\"/>{}</svg>\n",
        "<g>".repeat(100),
        "<g>".repeat(10),
        "</g>".repeat(10)
    );
    with_logo(&t, &svg);
    t.run(["build", "p/practice.toml", "--out", "out"]).ok();
    assert!(t.path().join("out/OR/en/packet.pdf").is_file());
}

// 4. A partial build leaves the other states' index lines as they were.

#[test]
fn a_partial_build_leaves_the_index_byte_identical() {
    let t = TestDir::new();
    // Two packets in each state (adults and minors): a build of CA alone
    // once listed NY's the other way round.
    t.write(
        "practice.toml",
        "name = \"Two Packets\"\nservices = { telehealth = true, minors = true }\nstates = [\"CA\", \"NY\"]\ndocuments = [\"consent\"]\n",
    );
    t.run(["build", "practice.toml", "--out", "forms"]).ok();
    let full = t.files("forms");
    let index = t.read("forms/index.html");
    let packet = index.find("NY/en/packet.pdf").expect("NY's adult packet");
    let minor = index.find("NY/en/packet-minor.pdf").expect("NY's minor packet");
    assert!(packet < minor, "the adult packet first");
    t.run(["build", "practice.toml", "--out", "forms", "--states", "CA"]).ok();
    assert_eq!(t.read("forms/index.html"), index);
    assert_eq!(t.files("forms"), full);
    let run = t.run(["check", "practice.toml", "--out", "forms"]).status(0);
    assert!(!run.stderr.contains("changed"), "{}", run.stderr);
}

// 5. Document ids are unique regardless of case.

#[test]
fn documents_whose_ids_differ_only_in_case_are_refused() {
    let t = TestDir::new();
    practice(&t);
    t.write("p/templates/Consent.md", "# Consent\n\nOur own consent.\n");
    let run = refused(&t, &["check", "p/practice.toml"]);
    assert!(
        run.stderr.contains(
            "error[duplicate-document]: the documents `Consent` (`p/templates/Consent.md`) and `consent` (`<bundled>/templates/consent.md`) differ only in case"
        ),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains(
            "error[bad-document-id]: `p/templates/Consent.md`: `Consent` is not a document id"
        ),
        "{}",
        run.stderr
    );
    std::fs::remove_file(t.path().join("p/templates/Consent.md")).unwrap();
    // A practice's own document is named as every output path can be.
    t.write("p/templates/intake form.md", "# Intake\n\nOur own intake.\n");
    let run = refused(&t, &["check", "p/practice.toml"]);
    assert!(run.stderr.contains("`intake form` is not a document id"), "{}", run.stderr);
    assert!(run.stderr.contains("like `intake-form.md`"), "{}", run.stderr);
    std::fs::remove_file(t.path().join("p/templates/intake form.md")).unwrap();
    let text = t.read("p/practice.toml");
    t.write("p/practice.toml", &text.replace("\"telehealth\"]", "\"Consent\"]"));
    let run = refused(&t, &["check", "p/practice.toml"]);
    assert!(
        run.stderr.contains("error[unknown-document]: unknown document `Consent`"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("did you mean `consent`?"), "{}", run.stderr);
}

// 7. Pages stay self-contained; values hide no characters.

/// The bundled example practice (English and Spanish) in `p/`.
fn bilingual(t: &TestDir) {
    t.write(
        "p/practice.toml",
        &std::fs::read_to_string(root().join("examples/practice.toml")).unwrap(),
    );
}

#[test]
fn a_catalog_or_template_link_that_leaves_the_page_is_refused_at_its_line() {
    let t = TestDir::new();
    bilingual(&t);
    let english = "By signing, you say that you received a copy of the notice of privacy practices of {{ practice.name }}.";
    let catalog = |spanish: &str| {
        format!(
            "msgid \"\"\nmsgstr \"Content-Type: text/plain; charset=UTF-8\\n\"\n\n\
             msgid \"{english}\"\nmsgstr \"{spanish}\"\n"
        )
    };
    let args = ["build", "p/practice.toml", "--states", "TX", "--formats", "html"];
    for (spanish, url) in [
        ("Firme [aquí](javascript:alert(1)) por favor.", "javascript:alert(1)"),
        (
            "Con su firma ![](https://tracker.example/p.gif) confirma.",
            "https://tracker.example/p.gif",
        ),
        ("Vea [esto](data:text/html,hola).", "data:text/html,hola"),
    ] {
        t.write("p/templates/es.po", &catalog(spanish));
        let run = refused(&t, &args);
        assert!(
            run.stderr.contains("error[foreign-link]: `p/templates/es.po` has "),
            "{}",
            run.stderr
        );
        assert!(run.stderr.contains(&format!(": `{url}`")), "{}", run.stderr);
        assert!(run.stderr.contains("p/templates/es.po:5:1"), "the msgstr line: {}", run.stderr);
    }
    std::fs::remove_file(t.path().join("p/templates/es.po")).unwrap();
    // A template's own link, and one a Tera expression makes.
    let consent = std::fs::read_to_string(root().join("templates/consent.md")).unwrap();
    t.write("p/templates/consent.md", &format!("{consent}\nSee [our fees](file:///etc/passwd).\n"));
    let run = refused(&t, &args);
    let line = consent.lines().count() + 2;
    assert!(
        run.stderr.contains("error[foreign-link]: `p/templates/consent.md` has a link"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains(&format!("p/templates/consent.md:{line}:5")), "{}", run.stderr);
    t.write(
        "p/templates/consent.md",
        &format!("{consent}\nSee [our fees]({{{{ \"javascript:alert(1)\" | safe }}}}).\n"),
    );
    let run = refused(&t, &args);
    assert!(
        run.stderr.contains("error[foreign-link]: `p/templates/consent.md` (en) has a link"),
        "{}",
        run.stderr
    );
    // Web, mail and phone links and the page's anchors stay.
    t.write(
        "p/templates/consent.md",
        &format!("{consent}\nSee [our site](https://harborlight.example), [write](mailto:office@harborlight.example) or [call](tel:+15550142200).\n"),
    );
    let text = t.read("p/practice.toml");
    let english_only = text.split("\n[translations.es]").next().unwrap();
    t.write(
        "p/practice.toml",
        &english_only.replace("languages = [\"en\", \"es\"]", "languages = [\"en\"]"),
    );
    t.run(args).ok();
    let page = t.read("out/TX/en/consent.html");
    assert!(page.contains("<a href=\"tel:+15550142200\">call</a>"), "{page}");
}

#[test]
fn invisible_characters_in_values_are_refused_at_their_column() {
    let t = TestDir::new();
    for (value, written, named) in [
        ("Harbor\u{200B}Light", "\u{200B}", "the zero-width space U+200B"),
        ("Harbor \\U000E0041Light", "\\U000E0041", "the invisible tag character U+E0041"),
        (
            "Harbor\u{FEFF} Light",
            "\u{FEFF}",
            "the zero-width no-break space (byte order mark) U+FEFF",
        ),
        ("Harbor \\u200FLight", "\\u200F", "the right-to-left mark U+200F"),
        ("Harbor\u{2060}Light", "\u{2060}", "the word joiner U+2060"),
    ] {
        let text =
            format!("name = \"{value}\"\nservices = {{ telehealth = true }}\nstates = [\"CA\"]\n");
        t.write("practice.toml", &text);
        let run = refused(&t, &["check", "practice.toml"]);
        assert!(
            run.stderr.contains(&format!("error[control-character]: `name` holds {named}")),
            "{}",
            run.stderr
        );
        let column = text[..text.find(written).unwrap()].chars().count() + 1;
        assert!(run.stderr.contains(&format!("practice.toml:1:{column}")), "{}", run.stderr);
    }
}
