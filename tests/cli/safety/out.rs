//! The output folder is a jail: no write or delete outside `--out`, no
//! link followed inside it, no file the tool did not write overwritten
//! silently; and a build of some states keeps the others.

use std::time::Duration;

use serde_json::Value;

use super::run_within;
#[cfg(unix)]
use super::symlink;
use crate::util::TestDir;

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

// Folders that are not ours, and manifests that are damaged.

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
