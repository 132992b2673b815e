//! Helpers: run the real binary in a fresh folder and read its outputs back.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The fixed build time of every test build: 2026-12-01T00:00:00Z (after
/// the day every bundled rule was last seen in force).
pub const EPOCH: &str = "1796083200";

/// The repository root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A fixture path under `tests/fixtures`.
pub fn fixture(rel: &str) -> PathBuf {
    root().join("tests/fixtures").join(rel)
}

/// A fresh temporary folder; deleted on drop. Its runs read the fixture
/// rule files (`tests/fixtures/rules`) unless [`TestDir::live`] asks for
/// the bundled ones.
pub struct TestDir {
    dir: tempfile::TempDir,
    live: bool,
}

/// What a run of the binary gave.
pub struct Run {
    pub status: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    fn from(out: Output) -> Run {
        Run {
            status: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }

    /// Asserts exit status 0 and returns self.
    #[track_caller]
    pub fn ok(self) -> Run {
        assert_eq!(
            self.status, 0,
            "expected success\nstdout:\n{}\nstderr:\n{}",
            self.stdout, self.stderr
        );
        self
    }

    /// Asserts the given exit status and returns self.
    #[track_caller]
    pub fn status(self, code: i32) -> Run {
        assert_eq!(
            self.status, code,
            "expected exit {code}\nstdout:\n{}\nstderr:\n{}",
            self.stdout, self.stderr
        );
        self
    }
}

impl TestDir {
    pub fn new() -> TestDir {
        TestDir { dir: tempfile::tempdir().expect("temp dir"), live: false }
    }

    /// Runs use the live rule files bundled in the binary (data tests).
    #[allow(dead_code)] // no test reads the bundled rules just now
    pub fn live() -> TestDir {
        TestDir { dir: tempfile::tempdir().expect("temp dir"), live: true }
    }

    /// The rule files this folder's runs read.
    pub fn rules_dir(&self) -> PathBuf {
        if self.live { root().join("jurisdictions") } else { fixture("rules") }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Runs `consentgen ARGS` in this folder with a fixed SOURCE_DATE_EPOCH.
    pub fn run<I, S>(&self, args: I) -> Run
    where
        I: IntoIterator<Item = S>,
        S: AsRef<std::ffi::OsStr>,
    {
        let args: Vec<std::ffi::OsString> =
            args.into_iter().map(|a| a.as_ref().to_os_string()).collect();
        let mut command = self.command();
        // `i18n extract` writes into its --jurisdictions folder: never into the fixtures.
        if args.first().is_some_and(|a| a == "i18n") {
            command.env_remove("CONSENTGEN_JURISDICTIONS");
        }
        Run::from(command.args(&args).output().expect("run consentgen"))
    }

    /// The binary, in this folder, with the fixed date and the rule files of
    /// this folder's kind (fixtures, or the bundled live ones).
    pub fn command(&self) -> Command {
        let mut c = Command::new(env!("CARGO_BIN_EXE_consentgen"));
        c.current_dir(self.path()).env("SOURCE_DATE_EPOCH", EPOCH);
        if self.live {
            c.env_remove("CONSENTGEN_JURISDICTIONS");
        } else {
            c.env("CONSENTGEN_JURISDICTIONS", fixture("rules"));
        }
        c
    }

    /// Writes a file (creating folders) and returns its path.
    pub fn write(&self, rel: &str, text: &str) -> PathBuf {
        let p = self.path().join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(&p, text).unwrap();
        p
    }

    /// Copies this folder's rule files (fixtures, or the live ones) into
    /// `rel` and returns that folder.
    pub fn copy_jurisdictions(&self, rel: &str) -> PathBuf {
        let dest = self.path().join(rel);
        std::fs::create_dir_all(&dest).unwrap();
        for e in std::fs::read_dir(self.rules_dir()).unwrap() {
            let e = e.unwrap();
            if e.path().extension().is_some_and(|x| x == "toml" || x == "po") {
                std::fs::copy(e.path(), dest.join(e.file_name())).unwrap();
            }
        }
        dest
    }

    /// Reads an output file as text.
    pub fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.path().join(rel))
            .unwrap_or_else(|e| panic!("reading {rel}: {e}"))
    }

    /// Every file under `rel`, relative, sorted, with its bytes (links are skipped).
    pub fn files(&self, rel: &str) -> Vec<(String, Vec<u8>)> {
        let base = self.path().join(rel);
        let mut out = Vec::new();
        walk(&base, &base, &mut out);
        out.sort();
        out
    }
}

fn walk(base: &Path, dir: &Path, out: &mut Vec<(String, Vec<u8>)>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for e in entries {
        let e = e.unwrap();
        let (p, kind) = (e.path(), e.file_type().unwrap());
        if kind.is_symlink() {
            continue; // never followed: a link may point back up
        } else if kind.is_dir() {
            walk(base, &p, out);
        } else {
            let rel = p.strip_prefix(base).unwrap().to_string_lossy().replace('\\', "/");
            out.push((rel, std::fs::read(&p).unwrap()));
        }
    }
}

/// The JSON Lines a run printed on standard output (`--message-format json`).
pub fn json_lines(run: &Run) -> Vec<serde_json::Value> {
    run.stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
        .collect()
}

/// The text of a PDF, as a PDF reader extracts it, with whitespace runs collapsed.
pub fn pdf_text(path: &Path) -> String {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
    let text = pdf_extract::extract_text_from_mem(&bytes)
        .unwrap_or_else(|e| panic!("extracting text from {}: {e}", path.display()));
    collapse(&text)
}

/// Collapses whitespace runs to one space.
pub fn collapse(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The visible text of an HTML page: style sheets and tags removed, the
/// entities we emit decoded.
pub fn html_text(html: &str) -> String {
    let mut visible = String::new();
    let mut rest = html;
    while let Some(at) = rest.find("<style") {
        visible.push_str(&rest[..at]);
        rest = rest[at..].find("</style>").map_or("", |end| &rest[at + end + "</style>".len()..]);
    }
    visible.push_str(rest);
    let html = visible.as_str();
    let mut out = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                out.push(' ');
            }
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    let out = out
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&#x27;", "'")
        .replace("&amp;", "&");
    collapse(&out)
}

/// The versions of a state's topic in force on 2026-12-01, as `explain
/// --format json` prints them (one object, or a list when they differ by
/// profession), always as a list.
pub fn rules_in_force(t: &TestDir, state: &str, topic: &str) -> Vec<serde_json::Value> {
    let run = t.run(["explain", state, "--as-of", "2026-12-01", "--format", "json"]).ok();
    let json: serde_json::Value = serde_json::from_str(&run.stdout).expect("explain prints JSON");
    match &json[topic] {
        serde_json::Value::Array(list) => list.clone(),
        serde_json::Value::Null => Vec::new(),
        one => vec![one.clone()],
    }
}

/// The type size most text of a PDF is set in (the commonest `Tf` size over
/// all pages' content, counted by the text shown after it).
pub fn pdf_body_size(path: &Path) -> f32 {
    use lopdf::{Document, Object, content::Content};
    let doc = Document::load(path).unwrap_or_else(|e| panic!("loading {}: {e}", path.display()));
    let mut counts: std::collections::BTreeMap<u32, usize> = Default::default();
    for (_, page) in doc.get_pages() {
        let content = Content::decode(&doc.get_page_content(page)).unwrap();
        let mut size = 0u32;
        for op in content.operations {
            match op.operator.as_str() {
                "Tf" => size = (op.operands[1].as_float().unwrap() * 10.0).round() as u32,
                "TJ" | "Tj" => {
                    let glyphs = match &op.operands[0] {
                        Object::Array(a) => {
                            a.iter().filter_map(|o| o.as_str().ok()).map(|s| s.len()).sum()
                        }
                        Object::String(s, _) => s.len(),
                        _ => 0,
                    };
                    *counts.entry(size).or_default() += glyphs;
                }
                _ => {}
            }
        }
    }
    let (size, _) = counts.into_iter().max_by_key(|&(_, n)| n).expect("no text in the PDF");
    size as f32 / 10.0
}

/// Changes the trigger of New York's duty to warn in `rules`; returns the
/// file's text as it was.
pub fn change_ny_duty_to_warn(rules: &Path) -> String {
    let ny = rules.join("NY.toml");
    let text = std::fs::read_to_string(&ny).unwrap();
    let changed = text.replacen(
        "trigger = \"is, in our professional judgment, likely",
        "trigger = \"is, in our clinical judgment, likely",
        1,
    );
    assert_ne!(text, changed);
    std::fs::write(&ny, changed).unwrap();
    text
}
