//! The manifest: `out/manifest.json`, what a build wrote and what from.
//!
//! It lists the tool, the date whose rules were used, every input with its
//! SHA-256, and every output with its SHA-256, its key (see [`crate::plan`]),
//! the templates and rule versions it used. `build` reads the previous one to
//! keep outputs whose key has not changed; `check` reads it to say which
//! files are stale and why. `complete` is managed by [`crate::write`]: a
//! reader must not trust the hashes of a manifest that says `false`.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::date::Date;
use crate::io::sha256_hex;
use crate::load::Inputs;
use crate::write::MANIFEST;

/// The tool's name, version and build, as `check` names it.
pub fn tool_version() -> String {
    format!("consentgen {} (build {})", env!("CARGO_PKG_VERSION"), &build_id()[..12])
}

/// The version of consentgen's own writing code: what turns a planned
/// output (its rendered body, page data and shell template, all in its key)
/// into bytes: the page assembly in `crate::produce`, the PDF's form fields, tags and
/// metadata (`crate::pdf`). Part of every output's key (see [`engine`]). Raise it whenever that code writes other
/// bytes for the same inputs: `tests/pdf-hashes.txt` records each fixture
/// PDF's hash with its key, and its test fails when bytes change while keys
/// do not.
pub const WRITER_VERSION: u32 = 1;

/// What makes an output's bytes besides its own inputs, part of every key:
/// the fonts and typesetting crates ([`crate::bundle::engine_id`]) and the
/// version of consentgen's own writing code
/// ([`WRITER_VERSION`]). Not the program's source: an
/// upgrade that writes the same bytes leaves every output current.
pub fn engine() -> String {
    format!("engine {} writer {}", &crate::bundle::engine_id()[..16], WRITER_VERSION)
}

pub use crate::bundle::build_id;

/// `out/manifest.json`: as read, with its outputs in a `Vec`; as a build
/// writes it, with `O` a listing that makes each output's record as it is
/// written ([`crate::produce::Listing`]).
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Manifest<O = Vec<Output>> {
    /// The program that wrote it.
    #[serde(default)]
    pub tool: Tool,
    /// The date whose rules the build used.
    #[serde(default)]
    pub as_of: String,
    /// The name of the practice whose forms these are: a folder holds one
    /// practice's forms (a build of another refuses it, see
    /// [`crate::project::Project::build`]).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub practice: String,
    /// Whether the build that wrote it finished (see [`crate::write`]).
    #[serde(default = "yes")]
    pub complete: bool,
    /// The topic names of the rule files, in order.
    #[serde(default)]
    pub topics: Vec<String>,
    /// Every input file with its SHA-256.
    #[serde(default)]
    pub inputs: Vec<Input>,
    /// Every output file, sorted by path.
    #[serde(default)]
    pub outputs: O,
    /// Only in a manifest marked incomplete: files a build was about to
    /// write when it stopped (see [`crate::write`]). They are the tool's own,
    /// though no complete manifest vouches for them yet.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub pending: Vec<Pending>,
}

/// A file an unfinished build was writing.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Pending {
    /// Path under the output folder.
    pub path: String,
    /// SHA-256 of the bytes it was to hold.
    pub sha256: String,
}

fn yes() -> bool {
    true
}

fn no_templates(templates: &std::sync::Arc<BTreeMap<String, String>>) -> bool {
    templates.is_empty()
}

fn no_rules(rules: &std::sync::Arc<[RuleUse]>) -> bool {
    rules.is_empty()
}

/// The program that wrote a manifest.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Tool {
    /// `consentgen`.
    pub name: String,
    /// Its version.
    pub version: String,
    /// Its source id ([`build_id`]).
    pub build: String,
    /// What writes the outputs' bytes ([`engine`]), part of every key.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub engine: String,
}

/// One input file.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Input {
    /// Its path, or `<bundled>/…` for files inside the binary.
    pub path: String,
    /// `practice`, `jurisdiction` or `template`.
    pub kind: String,
    /// For a jurisdiction file, its state.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
    /// SHA-256 of its text.
    pub sha256: String,
    /// For the practice file, the SHA-256 of each top-level key's value
    /// (`fees`, `clinicians`), so that `check` can name the key that
    /// changed.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub keys: BTreeMap<String, String>,
}

/// One output file.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Output {
    /// Path under the output folder, `/`-separated.
    pub path: String,
    /// SHA-256 of the file written.
    pub sha256: String,
    /// What it records beyond path and hash.
    #[serde(flatten)]
    pub about: About,
}

/// What the manifest records of an output beyond its path and hash.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct About {
    /// USPS code (documents only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
    /// Document id (documents only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub document: Option<String>,
    /// The clinician a clinician's form names.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub clinician: Option<String>,
    /// `html` or `pdf`.
    #[serde(default)]
    pub format: String,
    /// The document's title (documents only), for the index of a later
    /// build that keeps this file (see `build --states`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Language folder (documents only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
    /// Effective date printed on it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub effective: Option<String>,
    /// Its reading grade (Flesch-Kincaid), to one decimal: English documents.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub grade: Option<f64>,
    /// Its Szigriszt-Pazos (INFLESZ) score, to one decimal: Spanish documents.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inflesz: Option<f64>,
    /// The key it was made with (see [`crate::plan`]).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub key: String,
    /// Templates its bytes depend on, with their SHA-256 (one map shared by
    /// the outputs made from the same templates).
    #[serde(default, skip_serializing_if = "no_templates")]
    pub templates: std::sync::Arc<BTreeMap<String, String>>,
    /// The rule versions it used (shared by a document's outputs).
    #[serde(default, skip_serializing_if = "no_rules")]
    pub rules: std::sync::Arc<[RuleUse]>,
    /// For the notice of privacy practices: the SHA-256 of its text without
    /// its date, so that a revision without a new effective date is caught.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notice_text: Option<String>,
}

/// Counsel's decision on a rule, as the sheet and the manifest record it
/// (never a client's form).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reviewed {
    /// `accept`, `replace` or `reject`.
    pub decision: String,
    /// Who decided.
    pub reviewer: String,
    /// When.
    pub date: String,
    /// The hash they reviewed.
    pub hash: String,
    /// Whether it still matches the rule (a stale review is not applied).
    pub current: bool,
}

/// One rule version a document uses, as the manifest records it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuleUse {
    /// USPS code.
    pub state: String,
    /// Topic name.
    pub topic: String,
    /// The version's effective date.
    pub effective: Option<String>,
    /// Its citation.
    pub citation: Option<String>,
    /// confirmed or unconfirmed.
    pub status: String,
    /// SHA-256 of what the template saw of it.
    pub value_sha256: String,
    /// Counsel's decisions applied to it (`reviews.toml`): who, when, what.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub reviews: Vec<Reviewed>,
}

impl<O: Serialize> Manifest<O> {
    /// The manifest of a build: the tool, the date, every input and every
    /// output (made, kept, or carried from an earlier build), which
    /// `outputs` lists sorted by path.
    pub fn new(inputs: &Inputs, as_of: Date, outputs: O) -> Manifest<O> {
        let text_sha = |id| sha256_hex(inputs.sources.text(id).as_bytes());
        let mut input_list = vec![Input {
            path: inputs.sources.name(inputs.practice_file).to_string(),
            kind: "practice".into(),
            state: None,
            sha256: text_sha(inputs.practice_file),
            keys: practice_keys(inputs.sources.text(inputs.practice_file)),
        }];
        for (code, j) in &inputs.jurisdictions {
            input_list.push(Input {
                path: inputs.sources.name(j.file).to_string(),
                kind: "jurisdiction".into(),
                state: Some(code.clone()),
                sha256: text_sha(j.file),
                keys: BTreeMap::new(),
            });
        }
        for t in inputs.templates.files.values() {
            input_list.push(Input {
                path: t.origin.clone(),
                kind: "template".into(),
                state: None,
                sha256: sha256_hex(t.text.as_bytes()),
                keys: BTreeMap::new(),
            });
        }
        Manifest {
            tool: Tool {
                name: "consentgen".into(),
                version: env!("CARGO_PKG_VERSION").into(),
                build: build_id().into(),
                engine: engine(),
            },
            as_of: as_of.to_string(),
            practice: inputs.practice.name.get_ref().clone(),
            complete: true,
            topics: crate::model::topic_names().map(String::from).collect(),
            inputs: input_list,
            outputs,
            pending: Vec::new(),
        }
    }

    /// Writes the manifest as a file holds it: pretty JSON and a newline.
    pub fn write_to(&self, w: &mut dyn std::io::Write) -> std::io::Result<()> {
        serde_json::to_writer_pretty(&mut *w, self)?;
        w.write_all(b"\n")
    }
}

impl Manifest {
    /// Reads `out/manifest.json`, if there is one that parses and was
    /// written by consentgen (a regular file, not reached through a link).
    pub fn read(out: &Path) -> Option<Manifest> {
        let bytes = crate::write::read_output(out, MANIFEST)?;
        serde_json::from_slice::<Manifest>(&bytes).ok().filter(|m| m.tool.name == "consentgen")
    }

    /// Whether a build wrote `path` (or was writing it when it stopped).
    pub fn lists(&self, path: &str) -> bool {
        self.outputs.iter().any(|o| o.path == path) || self.pending.iter().any(|p| p.path == path)
    }

    /// The tool that wrote it, as [`tool_version`] writes it.
    pub fn tool_label(&self) -> String {
        let build: String = self.tool.build.chars().take(12).collect();
        format!("consentgen {} (build {build})", self.tool.version)
    }

    /// The SHA-256 of the practice file it was built from.
    pub fn practice_sha256(&self) -> &str {
        self.practice_input().map_or("", |i| i.sha256.as_str())
    }

    /// The practice file's entry.
    pub fn practice_input(&self) -> Option<&Input> {
        self.inputs.iter().find(|i| i.kind == "practice")
    }

    /// The SHA-256 of `state`'s rule file it was built from.
    pub fn jurisdiction_sha256(&self, state: &str) -> Option<&str> {
        self.inputs
            .iter()
            .find(|i| i.kind == "jurisdiction" && i.state.as_deref() == Some(state))
            .map(|i| i.sha256.as_str())
    }

    /// Outputs by path.
    pub fn output(&self, path: &str) -> Option<&Output> {
        self.outputs.iter().find(|o| o.path == path)
    }
}

/// The SHA-256 of each top-level key's value in a practice file's text (an
/// empty map when it does not parse, which a build would have refused).
pub fn practice_keys(text: &str) -> BTreeMap<String, String> {
    let Ok(table) = text.parse::<toml::Table>() else { return BTreeMap::new() };
    table.iter().map(|(k, v)| (k.clone(), sha256_hex(v.to_string().as_bytes()))).collect()
}
