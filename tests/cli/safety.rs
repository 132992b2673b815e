//! Safe to run in a forms repository (issue 14): no write or delete outside
//! `--out`, a build of some states keeps the others, templates run under a
//! time and page budget, every Latin-script name sets in the PDF, input
//! values cannot hide control characters, and `check` says which kind of
//! problem it found.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::util::{Run, TestDir, json_lines};

/// Runs `consentgen ARGS` in `t`, killing it after `limit`: a test of a
/// hang must fail, not hang itself.
pub fn run_within(t: &TestDir, args: &[&str], limit: Duration) -> (Run, Duration) {
    let started = Instant::now();
    let mut child = t
        .command()
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run consentgen");
    // Read both pipes on threads so a chatty child cannot block on a full pipe.
    let mut out = child.stdout.take().unwrap();
    let mut err = child.stderr.take().unwrap();
    let out = std::thread::spawn(move || {
        let mut s = String::new();
        std::io::Read::read_to_string(&mut out, &mut s).ok();
        s
    });
    let err = std::thread::spawn(move || {
        let mut s = String::new();
        std::io::Read::read_to_string(&mut err, &mut s).ok();
        s
    });
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > limit {
            let _ = child.kill();
            child.wait().unwrap();
            panic!("`consentgen {}` still ran after {limit:?}; killed", args.join(" "));
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let run = Run {
        status: status.code().unwrap_or(-1),
        stdout: out.join().unwrap(),
        stderr: err.join().unwrap(),
    };
    (run, started.elapsed())
}

#[cfg(unix)]
fn symlink(target: impl AsRef<Path>, link: impl AsRef<Path>) {
    std::os::unix::fs::symlink(target, link).unwrap();
}

// Inputs that are not files.

#[cfg(unix)]
#[test]
fn a_device_or_a_fifo_as_the_practice_file_is_refused_at_once() {
    let t = TestDir::new();
    let (run, _) = run_within(&t, &["build", "/dev/zero"], Duration::from_secs(20));
    let run = run.status(2);
    assert!(
        run.stderr.contains("error[not-a-file]: `/dev/zero` is not a regular file"),
        "{}",
        run.stderr
    );
    assert!(!t.path().join("out").exists());

    let fifo = t.path().join("practice.toml");
    let made = Command::new("mkfifo").arg(&fifo).status();
    if !made.is_ok_and(|s| s.success()) {
        eprintln!("skipped the FIFO half: `mkfifo` is not available here");
        return;
    }
    // Nobody ever writes to the FIFO: reading it would block for ever.
    let (run, _) = run_within(&t, &["check", "practice.toml"], Duration::from_secs(20));
    let run = run.status(2);
    assert!(run.stderr.contains("`practice.toml` is not a regular file"), "{}", run.stderr);
}

#[cfg(unix)]
#[test]
fn symbolic_links_to_input_files_are_read() {
    let t = TestDir::new();
    // A rule folder whose CA.toml is a link to a file elsewhere.
    let rules = t.copy_jurisdictions("rules");
    let elsewhere = t.copy_jurisdictions("shared-rules");
    std::fs::remove_file(rules.join("CA.toml")).unwrap();
    symlink(elsewhere.join("CA.toml"), rules.join("CA.toml"));
    // A practice whose own consent template is a link to a shared one.
    t.write("practice.toml", "name = \"Linked\"\nservices = { telehealth = true }\nstates = [\"CA\"]\ndocuments = [\"consent\"]\n");
    let shared = t.write(
        "shared/consent.md",
        "# Consent to treatment\n\nThis template is shared by link.\n\n```signatures\nclient: Client\n```\n",
    );
    std::fs::create_dir_all(t.path().join("templates")).unwrap();
    symlink(&shared, t.path().join("templates/consent.md"));
    t.run(["build", "practice.toml", "--jurisdictions", "rules", "--formats", "html"]).ok();
    assert!(t.read("out/CA/en/consent.html").contains("This template is shared by link."));
}

// diff names only the documents whose text a rule change alters.

#[test]
fn diff_names_exactly_the_documents_a_change_alters() {
    let t = TestDir::new();
    let old = t.copy_jurisdictions("old");
    let new = t.copy_jurisdictions("new");
    let ny = new.join("NY.toml");
    let text = std::fs::read_to_string(&ny).unwrap();
    let changed = text.replacen(
        "trigger = \"is, in our professional judgment, likely",
        "trigger = \"is, in our clinical judgment, likely",
        1,
    );
    assert_ne!(text, changed);
    std::fs::write(&ny, changed).unwrap();
    let (old, new) = (old.to_str().unwrap(), new.to_str().unwrap());
    let run = t.run(["diff", old, new]).ok();
    assert!(
        run.stdout.ends_with(
            "\ndocuments that change:\n  NY/en/clinicians/dbrown/consent\n  NY/en/clinicians/rpatel/consent\n  NY/en/confidentiality\n  NY/en/packet\n  NY/en/packet-minor\n  NY/es/clinicians/dbrown/consent\n  NY/es/clinicians/rpatel/consent\n  NY/es/confidentiality\n  NY/es/packet\n  NY/es/packet-minor\n"
        ),
        "only the forms that state the duty to warn (the confidentiality form, and each clinician's own consent) and the packets that hold them:\n{}",
        run.stdout
    );
    let run = t.run(["diff", old, new, "--format", "json"]).ok();
    let json: Value = serde_json::from_str(&run.stdout).unwrap();
    let changes = json["changes"].as_array().unwrap();
    assert_eq!(changes.len(), 1, "{json}");
    assert_eq!(
        changes[0]["documents"],
        serde_json::json!([
            "NY/en/clinicians/dbrown/consent",
            "NY/en/clinicians/rpatel/consent",
            "NY/en/confidentiality",
            "NY/en/packet",
            "NY/en/packet-minor",
            "NY/es/clinicians/dbrown/consent",
            "NY/es/clinicians/rpatel/consent",
            "NY/es/confidentiality",
            "NY/es/packet",
            "NY/es/packet-minor"
        ])
    );
    // A change to a state the practice does not serve changes none of its documents.
    let wa = Path::new(new).join("WA.toml");
    let text = std::fs::read_to_string(&wa).unwrap();
    std::fs::write(&wa, text.replacen("citation = \"", "citation = \"Amended ", 1)).unwrap();
    let run = t.run(["diff", old, new]).ok();
    assert!(run.stdout.contains("WA `"), "{}", run.stdout);
    assert!(
        run.stdout.ends_with(
            "\ndocuments that change:\n  NY/en/clinicians/dbrown/consent\n  NY/en/clinicians/rpatel/consent\n  NY/en/confidentiality\n  NY/en/packet\n  NY/en/packet-minor\n  NY/es/clinicians/dbrown/consent\n  NY/es/clinicians/rpatel/consent\n  NY/es/confidentiality\n  NY/es/packet\n  NY/es/packet-minor\n"
        ),
        "{}",
        run.stdout
    );
}

// 1. The output folder is a jail.

const PRACTICE: &str = "name = \"Jail Test\"\nservices = { telehealth = true }\nstates = [\"CA\", \"TX\"]\neffective = 2026-01-01\n";

/// The manifest of `out`, parsed.
fn manifest(t: &TestDir, out: &str) -> Value {
    serde_json::from_str(&t.read(&format!("{out}/manifest.json"))).unwrap()
}

/// Writes the manifest of `out` back after `edit`.
fn edit_manifest(t: &TestDir, out: &str, edit: impl FnOnce(&mut Value)) {
    let mut m = manifest(t, out);
    edit(&mut m);
    t.write(&format!("{out}/manifest.json"), &serde_json::to_string_pretty(&m).unwrap());
}

#[cfg(unix)]
#[test]
fn a_link_inside_the_output_folder_is_never_deleted_through() {
    let t = TestDir::new();
    t.write("practice.toml", PRACTICE);
    t.run(["build", "practice.toml", "--out", "forms", "--formats", "html"]).ok();
    // forms/up -> .., and a manifest entry up/practice.toml with the practice file's hash.
    symlink("..", t.path().join("forms/up"));
    let sha = consentgen::io::sha256_hex(t.read("practice.toml").as_bytes());
    edit_manifest(&t, "forms", |m| {
        let entry =
            serde_json::json!({"path": "up/practice.toml", "sha256": sha, "format": "html"});
        m["outputs"].as_array_mut().unwrap().push(entry);
    });
    let before = t.files("forms");
    let run = t.run(["build", "practice.toml", "--out", "forms", "--formats", "html"]).status(2);
    assert!(
        run.stderr
            .contains("error[out-link]: `forms/up` is a symbolic link inside the output folder"),
        "{}",
        run.stderr
    );
    assert_eq!(t.read("practice.toml"), PRACTICE, "the practice file outside --out is kept");
    assert_eq!(t.files("forms").len(), before.len(), "nothing was written");
}

#[cfg(unix)]
#[test]
fn a_linked_state_folder_is_refused_before_anything_is_written() {
    let t = TestDir::new();
    t.write("practice.toml", PRACTICE);
    std::fs::create_dir_all(t.path().join("forms")).unwrap();
    std::fs::create_dir_all(t.path().join("elsewhere")).unwrap();
    symlink("../elsewhere", t.path().join("forms/TX"));
    let run = t.run(["build", "practice.toml", "--out", "forms"]).status(2);
    assert!(
        run.stderr.contains("`forms/TX` is a symbolic link inside the output folder"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("hint:"), "{}", run.stderr);
    assert_eq!(std::fs::read_dir(t.path().join("elsewhere")).unwrap().count(), 0);
    let written: Vec<_> = std::fs::read_dir(t.path().join("forms"))
        .unwrap()
        .flatten()
        .map(|e| e.file_name())
        .collect();
    assert_eq!(written, ["TX"], "nothing but the link");
    // --force does not open the jail.
    t.run(["build", "practice.toml", "--out", "forms", "--force"]).status(2);
    assert_eq!(std::fs::read_dir(t.path().join("elsewhere")).unwrap().count(), 0);
}

#[test]
fn manifest_paths_that_are_not_plain_are_left_alone() {
    let t = TestDir::new();
    t.write("practice.toml", PRACTICE);
    t.run(["build", "practice.toml", "--out", "forms", "--formats", "html"]).ok();
    let consent = t.read("forms/CA/en/consent.html");
    let sha = consentgen::io::sha256_hex(consent.as_bytes());
    let practice_sha = consentgen::io::sha256_hex(PRACTICE.as_bytes());
    edit_manifest(&t, "forms", |m| {
        let outputs = m["outputs"].as_array_mut().unwrap();
        outputs.push(serde_json::json!({"path": "CA//en/consent.html", "sha256": sha}));
        outputs
            .push(serde_json::json!({"path": "CA/en/../../practice.toml", "sha256": practice_sha}));
        outputs.push(serde_json::json!({"path": "/etc/hostname", "sha256": "0"}));
    });
    let run = t.run(["build", "practice.toml", "--out", "forms", "--formats", "html"]).ok();
    assert_eq!(run.stderr.matches("warning[manifest-path]").count(), 3, "{}", run.stderr);
    assert_eq!(t.read("forms/CA/en/consent.html"), consent, "another spelling of a kept file");
    assert_eq!(t.read("practice.toml"), PRACTICE);
    let paths: Vec<String> = manifest(&t, "forms")["outputs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["path"].as_str().unwrap().to_string())
        .collect();
    assert!(
        paths.iter().all(|p| !p.contains("//") && !p.contains("..") && !p.starts_with('/')),
        "{paths:?}"
    );
}

#[test]
fn out_dot_beside_the_practice_is_refused_unless_forced() {
    let t = TestDir::new();
    t.write("practice.toml", PRACTICE);
    t.write("index.html", "<p>my own home page</p>");
    let run = t.run(["build", "practice.toml", "--out", ".", "--formats", "html"]).status(2);
    assert!(
        run.stderr
            .contains("error[out-holds-inputs]: `--out .` holds the practice file `practice.toml`"),
        "{}",
        run.stderr
    );
    assert!(!t.path().join("CA").exists());
    assert_eq!(t.read("index.html"), "<p>my own home page</p>");
    // Forced, it builds there, and then overwrites the index it did not write.
    t.run(["build", "practice.toml", "--out", ".", "--formats", "html", "--force"]).ok();
    assert!(t.read("CA/en/consent.html").contains("Jail Test"));
    assert!(t.read("index.html").contains("Client forms"));
}

#[test]
fn a_file_the_tool_did_not_write_is_never_overwritten_silently() {
    let t = TestDir::new();
    // The bundled example has no practice folder: only the overwrite rule applies.
    t.write("site/index.html", "<p>my own home page</p>");
    t.write("site/about.html", "<p>about us</p>");
    let run = t.run(["build", "--out", "site", "--states", "CA", "--formats", "html"]).status(2);
    assert!(run.stderr.contains("error[out-not-ours]: `--out site` holds files consentgen did not write and no manifest of ours lists: `site/about.html`"), "{}", run.stderr);
    assert_eq!(t.read("site/index.html"), "<p>my own home page</p>");
    assert!(!t.path().join("site/CA").exists(), "refused before anything is written");
    // A file only where the build writes, but not what it writes: refused
    // once the forms are made, before anything is written.
    t.write("site3/index.html", "<p>my own home page</p>");
    let run = t.run(["build", "--out", "site3", "--states", "CA", "--formats", "html"]).status(2);
    assert!(run.stderr.contains("error[not-ours]: the build would overwrite files consentgen did not write: `site3/index.html`"), "{}", run.stderr);
    assert_eq!(t.read("site3/index.html"), "<p>my own home page</p>");
    assert!(!t.path().join("site3/CA").exists(), "refused before anything is written");
    // A stray manifest.json that is not ours is not ours to replace either.
    t.write("site2/manifest.json", "{\"name\": \"my-web-app\"}");
    let run = t.run(["build", "--out", "site2", "--states", "CA", "--formats", "html"]).status(2);
    assert!(run.stderr.contains("`site2/manifest.json`"), "{}", run.stderr);
    // With --force it overwrites; files it does not write are left alone.
    t.run(["build", "--out", "site", "--states", "CA", "--formats", "html", "--force"]).ok();
    assert!(t.read("site/index.html").contains("Client forms"));
    assert_eq!(t.read("site/about.html"), "<p>about us</p>");
    // Once it is ours, rebuilding needs no --force.
    t.run(["build", "--out", "site", "--states", "CA", "--formats", "html"]).ok();
}

#[test]
fn a_folder_inside_the_practice_folder_that_is_not_ours_is_refused_unless_forced() {
    let t = TestDir::new();
    t.write("practice.toml", PRACTICE);
    t.write("docs/notes.md", "my notes");
    let run = t.run(["build", "practice.toml", "--out", "docs", "--formats", "html"]).status(2);
    assert!(
        run.stderr.contains("error[out-not-ours]: `--out docs` holds files consentgen did not write and no manifest of ours lists: `docs/notes.md`"),
        "{}",
        run.stderr
    );
    assert!(!t.path().join("docs/CA").exists());
    t.run(["build", "practice.toml", "--out", "docs", "--formats", "html", "--force"]).ok();
    assert_eq!(t.read("docs/notes.md"), "my notes");
    // An empty or new folder is fine, and so is a folder the tool owns holding other files.
    t.run(["build", "practice.toml", "--out", "forms", "--formats", "html"]).ok();
    t.write("forms/README.md", "These are generated.");
    t.run(["build", "practice.toml", "--out", "forms", "--formats", "html"]).ok();
    assert_eq!(t.read("forms/README.md"), "These are generated.");
}

#[test]
fn an_out_that_names_a_file_is_refused_before_rendering() {
    let t = TestDir::new();
    t.write("forms.pdf", "not a folder");
    let (run, took) = run_within(
        &t,
        &["build", "--states", "all", "--out", "forms.pdf"],
        Duration::from_secs(60),
    );
    let run = run.status(2);
    assert!(
        run.stderr.contains("error[out-not-a-folder]: `--out forms.pdf` is a file, not a folder"),
        "{}",
        run.stderr
    );
    assert!(took < Duration::from_secs(2), "refused before rendering 51 states: {took:?}");
    assert_eq!(t.read("forms.pdf"), "not a folder");
    t.run(["check", "--out", "forms.pdf"]).status(2);
}

#[test]
fn files_of_a_build_stopped_before_its_manifest_are_known_as_ours() {
    let t = TestDir::new();
    t.write("practice.toml", PRACTICE);
    t.run(["build", "practice.toml", "--out", "forms", "--formats", "html"]).ok();
    // As a build killed between replacing files and sealing leaves it: the
    // manifest marked incomplete names the new files it was writing.
    edit_manifest(&t, "forms", |m| {
        m["complete"] = false.into();
        let outputs = m["outputs"].as_array_mut().unwrap();
        let at = outputs.iter().position(|o| o["path"] == "TX/en/consent.html").unwrap();
        let o = outputs.remove(at);
        m["pending"] = serde_json::json!([{"path": o["path"], "sha256": o["sha256"]}]);
    });
    t.run(["build", "practice.toml", "--out", "forms", "--formats", "html"]).ok();
    assert_eq!(manifest(&t, "forms")["complete"], true);
    assert!(manifest(&t, "forms").get("pending").is_none());
}

// 2. `--states` is a selection for this run, not a new truth.

#[test]
fn building_some_states_keeps_the_others() {
    let t = TestDir::new();
    t.write(
        "practice.toml",
        "name = \"Three States\"\nservices = { telehealth = true }\nstates = [\"CA\", \"NY\", \"TX\"]\neffective = 2026-01-01\nper_clinician = [\"consent\"]\n\n[[clinicians]]\nid = \"jkim\"\nname = \"Jordan Kim\"\nprofession = \"psychologist\"\nlicenses = [\n  { state = \"CA\", type = \"Psychologist\", number = \"PSY 1\", expires = 2030-01-01 },\n  { state = \"NY\", type = \"Psychologist\", number = \"1\", expires = 2030-01-01 },\n  { state = \"TX\", type = \"Psychologist\", number = \"1\", expires = 2030-01-01 },\n]\n",
    );
    t.run(["build", "practice.toml", "--out", "forms"]).ok();
    let full = t.files("forms");
    let run = t.run(["build", "practice.toml", "--out", "forms", "--states", "NY"]).ok();
    assert!(!run.stderr.contains("removed"), "{}", run.stderr);
    assert!(run.stderr.contains("kept 14 files of other states as they were"), "{}", run.stderr);
    // Every file is as the full build left it: the index still lists CA, NY and TX.
    assert_eq!(t.files("forms"), full);
    t.run(["check", "practice.toml", "--out", "forms"]).status(0);

    // A file edited by hand is neither vouched for nor deleted.
    t.write("forms/TX/en/consent.html", "edited");
    let run = t.run(["build", "practice.toml", "--out", "forms", "--states", "CA"]).ok();
    assert!(
        run.stderr
            .contains("warning[kept-edited]: `TX/en/consent.html` was edited since it was built"),
        "{}",
        run.stderr
    );
    assert_eq!(run.stderr.matches("warning[kept-edited]").count(), 1, "{}", run.stderr);
    assert_eq!(t.read("forms/TX/en/consent.html"), "edited");
    let m = manifest(&t, "forms");
    let listed = |p: &str| m["outputs"].as_array().unwrap().iter().any(|o| o["path"] == p);
    assert!(!listed("TX/en/consent.html"));
    assert!(listed("TX/en/consent.pdf") && listed("CA/en/clinicians/jkim/consent.pdf"));
    // A build of the practice's own states repairs it.
    t.run(["build", "practice.toml", "--out", "forms", "--force"]).ok();
    assert_eq!(t.files("forms"), full);
}

// 3. Templates run under a time and page budget.

/// A practice of one document, with its own templates.
fn with_templates(t: &TestDir, templates: &[(&str, &str)]) {
    t.write(
        "practice.toml",
        "name = \"Budget Test\"\nservices = { telehealth = true }\nstates = [\"CA\"]\ndocuments = [\"consent\"]\n",
    );
    for (name, text) in templates {
        t.write(&format!("templates/{name}"), text);
    }
}

/// The bundled page template with `prefix` put in front of it.
fn page_template(prefix: &str) -> String {
    format!(
        "{prefix}\n{}",
        std::fs::read_to_string(crate::util::root().join("templates/pdf.typ")).unwrap()
    )
}

#[test]
fn nested_loops_that_print_nothing_stop_at_their_line() {
    let t = TestDir::new();
    let loops =
        "{% for i in range(end=100000) %}{% for j in range(end=100000) %}{% endfor %}{% endfor %}";
    with_templates(&t, &[("consent.md", &format!("# Consent\n\nText.\n\n{loops}\n"))]);
    let (run, took) = run_within(&t, &["build", "practice.toml"], Duration::from_secs(60));
    let run = run.status(2);
    assert!(
        run.stderr.contains(
            "error[loop-budget]: `templates/consent.md` makes more than 1000000 loop steps"
        ),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("templates/consent.md:5:"), "{}", run.stderr);
    assert!(took < Duration::from_secs(10), "{took:?}");
    assert!(!t.path().join("out").exists());
}

#[test]
fn a_template_that_runs_too_long_is_stopped_at_the_time_budget() {
    let t = TestDir::new();
    let list = (0..100).map(|i| i.to_string()).collect::<Vec<_>>().join(", ");
    let open = "{% for i in a %}".repeat(5);
    let close = "{% endfor %}".repeat(5);
    with_templates(
        &t,
        &[("consent.md", &format!("# Consent\n\n{{% set a = [{list}] %}}{open}{close}\n"))],
    );
    let args = ["check", "practice.toml", "--budget-seconds", "1"];
    let (run, took) = run_within(&t, &args, Duration::from_secs(60));
    let run = run.status(2);
    assert!(
        run.stderr.contains(
            "error[time-budget]: `templates/consent.md` did not finish rendering within 1 s"
        ),
        "{}",
        run.stderr
    );
    assert!(took < Duration::from_secs(10), "{took:?}");
}

#[test]
fn a_page_template_that_runs_for_ever_is_stopped() {
    let t = TestDir::new();
    // A loop that allocates (Typst makes the whole range), and one that only counts.
    for (prefix, codes) in [
        ("#for i in range(300000000) {}", &["memory-budget", "time-budget"][..]),
        ("#for i in range(100000) { for j in range(100000) {} }", &["time-budget"][..]),
    ] {
        with_templates(&t, &[("pdf.typ", &page_template(prefix))]);
        let args = ["build", "practice.toml", "--budget-seconds", "2"];
        let (run, took) = run_within(&t, &args, Duration::from_secs(60));
        let run = run.status(2);
        assert!(
            codes.iter().any(|c| run.stderr.contains(&format!("error[{c}]: `templates/pdf.typ` "))),
            "{}",
            run.stderr
        );
        assert_eq!(run.stderr.matches("error[").count(), 1, "said once:\n{}", run.stderr);
        assert!(took < Duration::from_secs(15), "{took:?}");
        assert!(!t.path().join("out").exists());
    }
}

#[test]
fn a_page_template_that_makes_too_many_pages_is_refused() {
    let t = TestDir::new();
    with_templates(&t, &[("pdf.typ", &page_template("#for i in range(300) [#pagebreak() x]"))]);
    let run = t.run(["build", "practice.toml"]).status(2);
    assert!(
        run.stderr.contains("error[page-budget]: `templates/pdf.typ` makes 30"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("the budget is 200 pages"), "{}", run.stderr);
    assert!(!t.path().join("out").exists());
    t.run(["build", "practice.toml", "--budget-pages", "400"]).ok();
}

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

// 8. check says which kind of problem it found; dates and grades that do not drift.

#[test]
fn check_separates_outdated_forms_from_failed_lint() {
    let t = TestDir::new();
    let practice = |bar: &str| {
        format!(
            "name = \"Kinds\"\nservices = {{ telehealth = true }}\nstates = [\"CA\"]\neffective = 2026-01-01\n\n[readability]\nmax_grade = {bar}\n"
        )
    };
    t.write("practice.toml", &practice("3.0"));
    t.run(["build", "practice.toml"]).ok();
    let summary = |run: &Run| json_lines(run).last().unwrap().clone();
    // Current forms that fail the reading bar: a rebuild would not help.
    let run = t.run(["check", "practice.toml", "--message-format", "json"]).status(1);
    assert_eq!(summary(&run)["problems"], serde_json::json!(["lint"]), "{}", run.stdout);
    assert_eq!(summary(&run)["stale"], 0);
    let run = t.run(["check", "practice.toml"]).status(1);
    assert!(
        run.stderr
            .contains("lint problems (fix the template or the practice file; a build does not)"),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("out-of-date"), "{}", run.stderr);
    // Outdated forms that pass: a rebuild fixes them.
    t.write("practice.toml", &practice("8.0"));
    std::fs::remove_file(t.path().join("out/CA/en/consent.pdf")).unwrap();
    let run = t.run(["check", "practice.toml", "--message-format", "json"]).status(1);
    assert_eq!(summary(&run)["problems"], serde_json::json!(["outdated"]), "{}", run.stdout);
    let run = t.run(["check", "practice.toml"]).status(1);
    assert!(
        run.stderr.contains("check found 1 out-of-date file (a build brings them up to date)"),
        "{}",
        run.stderr
    );
    // Both.
    t.write("practice.toml", &practice("3.0"));
    let run = t.run(["check", "practice.toml", "--message-format", "json"]).status(1);
    assert_eq!(summary(&run)["problems"], serde_json::json!(["outdated", "lint"]));
    t.write("practice.toml", &practice("8.0"));
    t.run(["build", "practice.toml"]).ok();
    let run = t.run(["check", "practice.toml", "--message-format", "json"]).ok();
    assert_eq!(summary(&run)["problems"], serde_json::json!([]));
    assert_eq!(summary(&run)["status"], "current");
}

#[test]
fn without_an_effective_date_forms_do_not_go_stale_day_by_day() {
    let t = TestDir::new();
    t.write(
        "practice.toml",
        "name = \"Undated\"\nservices = { telehealth = true }\nstates = [\"CA\", \"WA\"]\n",
    );
    // A day after every rule file's review, as a daily CI job's build is.
    let run = t.run(["build", "practice.toml", "--as-of", "2027-03-01"]).ok();
    assert!(run.stderr.contains("warning[no-effective-date]"), "{}", run.stderr);
    for day in ["2027-03-02", "2027-06-30"] {
        let run = t.run(["check", "practice.toml", "--as-of", day]).status(0);
        assert!(run.stderr.contains("out is current"), "{day}: {}", run.stderr);
    }
    // Dated by the last rule change it states, not by the day it was built.
    let html = t.read("out/CA/en/confidentiality.html");
    assert!(!html.contains("March 1, 2027"), "{html}");
}

#[test]
fn a_grade_is_compared_as_it_is_printed() {
    // A document whose grade is a little above the one decimal it prints as.
    let sentences = [
        "You can talk to us about your care at any time.",
        "We keep what you tell us private, with a few exceptions the law sets.",
        "Please call the office if you need to change your appointment time.",
        "Therapy works best when you come to each session and tell us how you feel.",
        "Some problems take longer to work through than others do.",
    ];
    let mut found = None;
    'search: for n in 1..=sentences.len() {
        for start in 0..=sentences.len() - n {
            let body = sentences[start..start + n].join(" ");
            let md = format!("# A note\n\n{body}\n");
            let events = consentgen::render::markdown::events(&md);
            let grade =
                consentgen::lint::readability::score(&events, consentgen::model::Lang::En).grade();
            let printed: f64 = format!("{grade:.1}").parse().unwrap();
            if grade > printed + 1e-9 {
                found = Some((md, printed));
                break 'search;
            }
        }
    }
    let (md, printed) = found.expect("some text grades above its printed value");
    let t = TestDir::new();
    t.write("templates/note.md", &md);
    t.write(
        "practice.toml",
        &format!("name = \"Bar\"\nservices = {{ telehealth = true }}\nstates = [\"CA\"]\ndocuments = [\"note\"]\neffective = 2026-01-01\n\n[readability]\nmax_grade = {printed:.1}\n"),
    );
    t.run(["build", "practice.toml", "--formats", "html"]).ok();
    let run = t.run(["check", "practice.toml", "--formats", "html"]).status(0);
    assert!(!run.stderr.contains("reading-grade"), "{}", run.stderr);
}

// 6. Rule changes reach a practice's CI; the binary names its rules.

#[test]
fn version_names_the_rules_content_hash_and_review_date() {
    let t = TestDir::new();
    let run = t.run(["--version"]).ok();
    // What `sha256sum jurisdictions/*.toml | sha256sum` gives in the repository.
    let mut files: Vec<_> = std::fs::read_dir(crate::util::root().join("jurisdictions"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    files.sort();
    let mut listing = String::new();
    let mut reviewed = String::new();
    for p in &files {
        let text = std::fs::read_to_string(p).unwrap();
        let name = p.file_name().unwrap().to_str().unwrap();
        listing.push_str(&format!(
            "{}  jurisdictions/{name}\n",
            consentgen::io::sha256_hex(text.as_bytes())
        ));
        let date =
            text.lines().find_map(|l| l.strip_prefix("last_reviewed = ")).unwrap().to_string();
        reviewed = reviewed.max(date);
    }
    let sha = consentgen::io::sha256_hex(listing.as_bytes());
    assert!(run.stdout.contains(&format!("rules sha256: {sha}")), "{}", run.stdout);
    assert!(
        run.stdout
            .contains(&format!("{} jurisdiction files, last reviewed {reviewed}", files.len())),
        "{}",
        run.stdout
    );
    let run = t.run(["-V"]).ok();
    assert!(
        run.stdout.contains(&format!("rules reviewed {reviewed}, {}", &sha[..12])),
        "{}",
        run.stdout
    );
}

#[test]
fn the_example_workflow_rebuilds_consentgen_when_its_rules_change() {
    let text =
        std::fs::read_to_string(crate::util::root().join("examples/github-actions.yml")).unwrap();
    let key = text.lines().find_map(|l| l.trim().strip_prefix("key:")).expect("a cache key").trim();
    assert!(key.contains("${{ steps.consentgen.outputs.sha }}"), "the key names the commit: {key}");
    assert!(!key.contains("0.1.0"), "{key}");
    assert!(text.contains("git ls-remote"), "a branch is looked up on every run");
    assert!(
        text.contains("--rev \"${{ steps.consentgen.outputs.sha }}\""),
        "the cached binary is that commit's"
    );
    assert!(text.contains("consentgen --version"));
    assert!(
        text.contains("CONSENTGEN_REF") && text.contains("To update the rules"),
        "pinning is explained"
    );
    assert!(text.contains(".problems"), "it tells outdated forms from lint failures");
}

#[test]
fn a_folder_of_other_files_is_refused_wherever_it_is() {
    // Like `--out ~`: no practice folder around it, no manifest in it.
    let t = TestDir::new();
    t.write("home/.bashrc", "export EDITOR=vi\n");
    t.write("home/Documents/taxes.pdf", "%PDF-1.4 mine");
    let run = t.run(["build", "--out", "home", "--states", "TX", "--formats", "html"]).status(2);
    assert!(run.stderr.contains("error[out-not-ours]: `--out home` holds files"), "{}", run.stderr);
    assert!(
        run.stderr.contains("`home/.bashrc`") && run.stderr.contains("--force"),
        "{}",
        run.stderr
    );
    assert!(!t.path().join("home/TX").exists(), "refused before anything is written");
}

#[test]
fn a_damaged_or_deleted_manifest_is_named_and_the_build_takes_its_files_back() {
    let t = TestDir::new();
    let args = ["--states", "TX", "--formats", "html"];
    t.run([&["build"][..], &args].concat()).ok();
    let built = t.files("out");
    // A merge conflict in the manifest.
    let manifest = t.read("out/manifest.json");
    t.write(
        "out/manifest.json",
        &format!("<<<<<<< HEAD\n{manifest}=======\n{manifest}>>>>>>> forms-update\n"),
    );
    let run = t.run([&["check"][..], &args].concat()).status(1);
    assert!(
        run.stderr.contains("warning[manifest-damaged]: out/manifest.json does not read: expected value at line 1 column 1"),
        "{}",
        run.stderr
    );
    // The build recognises its own files by their bytes: no flag needed.
    let run = t.run([&["build"][..], &args].concat()).ok();
    assert!(run.stderr.contains("warning[manifest-damaged]"), "{}", run.stderr);
    assert_eq!(t.files("out"), built, "the same files, and the manifest back");
    t.run([&["check"][..], &args].concat()).status(0);
    // The manifest deleted: the same.
    std::fs::remove_file(t.path().join("out/manifest.json")).unwrap();
    t.run([&["build"][..], &args].concat()).ok();
    assert_eq!(t.files("out"), built);
}
