//! Safe to run in a forms repository (issue 14): no write or delete outside
//! `--out`, a build of some states keeps the others, templates run under a
//! time and page budget, every Latin-script name sets in the PDF, input
//! values cannot hide control characters, and `check` says which kind of
//! problem it found.
//!
//! Here: inputs that are not files, linked inputs, and `diff`. `out.rs`
//! keeps the output folder a jail and the other states' files; `budget.rs`
//! holds templates to their time and page budget; `values.rs` checks names,
//! control characters and clinician ids in input values; `ci.rs` checks what
//! `check` and `--version` tell a practice's CI.

mod budget;
mod ci;
mod out;
mod values;

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::util::{Run, TestDir, change_ny_duty_to_warn};

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
    change_ny_duty_to_warn(&new);
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
