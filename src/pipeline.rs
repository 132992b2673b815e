//! The build pipeline shared by `build` and `check`: plan every output (render
//! each document's Markdown, which is cheap), then produce the outputs whose
//! inputs changed (HTML pages and PDFs, which is not), reusing the rest from
//! the previous build by the keys its manifest recorded.
//!
//! An output's **key** is the SHA-256 of everything its bytes depend on: the
//! tool version, the document's rendered Markdown (or Typst markup), the page
//! data and the page template. Two builds with the same key write the same
//! bytes, so an output whose key and file match the manifest needs no work,
//! and a rule change marks stale exactly the documents whose text it changes.

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::{Value, json};

use crate::commands::StateSelection;
use crate::date::Date;
use crate::diag::Diagnostic;
use crate::lint::required::Missing;
use crate::model::{Clinician, License, Profession, TOPICS};
use crate::pdf::Engine;
use crate::render::{self, Rendered};
use crate::resolve::{self, Resolved};
use crate::write::sha256_hex;
use crate::{Inputs, LoadedJurisdiction};

/// The language folder of every output (only English for now).
pub const LANG: &str = "en";

/// The tool's name and version, part of every key.
pub fn tool_version() -> String {
    format!("consentgen {} (build {})", env!("CARGO_PKG_VERSION"), &build_id()[..12])
}

/// A hash of the program's source (see `build.rs`): two binaries with the
/// same id make the same bytes from the same inputs.
pub fn build_id() -> &'static str {
    env!("CONSENTGEN_SOURCE_ID")
}

/// The output formats of a build.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Formats {
    /// Write `.html` files.
    pub html: bool,
    /// Write `.pdf` files.
    pub pdf: bool,
    /// Give the PDFs form fields to fill in and sign on screen (`--pdf-forms`).
    pub pdf_forms: bool,
}

/// What to plan.
#[derive(Clone, Debug)]
pub struct PlanOptions {
    /// Which states.
    pub states: StateSelection,
    /// Which formats.
    pub formats: Formats,
    /// The date whose rules apply.
    pub as_of: Date,
}

/// One rule version a document uses, as the manifest records it.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
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
}

/// One rendered document of one state.
#[derive(Clone, Debug)]
pub struct Document {
    /// USPS code.
    pub state: String,
    /// Document id.
    pub id: String,
    /// The clinician it names, for a clinician's own form.
    pub clinician: Option<String>,
    /// The rendered forms.
    pub rendered: Rendered,
    /// The rule versions it uses.
    pub rules: Vec<RuleUse>,
    /// The date printed as the document's effective date.
    pub effective: Date,
    /// Required elements it lacks.
    pub missing: Vec<Missing>,
    /// The data the page templates (HTML and PDF) read.
    pub meta: Value,
    /// Whether this is a state's packet: every chosen document in one PDF.
    pub packet: bool,
}

/// The document id of a state's packet.
pub const PACKET: &str = "packet";

/// Builds a state's packet from its documents: a cover page with contents
/// (drawn by the page template when `meta.packet` is set), then each document
/// from a new page, with its headings as the PDF outline.
fn packet(inputs: &Inputs, members: &[Document]) -> Option<Document> {
    let first = members.first()?;
    let mut typst = String::new();
    let mut markdown = String::new();
    let mut rules: Vec<RuleUse> = Vec::new();
    for (i, d) in members.iter().enumerate() {
        if i > 0 {
            typst.push_str("\n#pagebreak()\n\n");
        }
        typst.push_str(&crate::render::typst::form_document(&d.id));
        typst.push_str(&d.rendered.typst);
        markdown.push_str(&d.rendered.markdown);
        markdown.push('\u{0}');
        for r in &d.rules {
            if !rules.iter().any(|x| x.topic == r.topic) {
                rules.push(r.clone());
            }
        }
    }
    let effective = members.iter().map(|d| d.effective).max()?;
    let state_name = first.meta["state_name"].clone();
    let title = format!("Forms for clients in {}", state_name.as_str().unwrap_or(&first.state));
    let meta = json!({
        "title": title,
        "practice": inputs.practice.name.get_ref(),
        "lang": LANG,
        "state": first.state,
        "state_name": state_name,
        "document": PACKET,
        "version": inputs.practice.forms_version,
        "effective": effective.long(),
        "effective_date": effective.to_string(),
        "keywords": format!("informed consent, intake packet, {}", state_name.as_str().unwrap_or("")),
        "packet": true,
    });
    let rendered = Rendered {
        markdown,
        title,
        html: String::new(),
        typst,
        text: String::new(),
        score: crate::lint::readability::score(&[]),
    };
    Some(Document {
        state: first.state.clone(),
        id: PACKET.into(),
        clinician: None,
        rendered,
        rules,
        effective,
        missing: Vec::new(),
        meta,
        packet: true,
    })
}

/// The kind of an output file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// A document's web page.
    Html,
    /// A document's PDF.
    Pdf,
}

impl Format {
    fn name(self) -> &'static str {
        match self {
            Format::Html => "html",
            Format::Pdf => "pdf",
        }
    }
}

/// An output file a build would write.
#[derive(Clone, Debug)]
pub struct Planned {
    /// Path under the output folder, `/`-separated.
    pub path: String,
    /// Index into [`Plan::documents`].
    pub doc: usize,
    /// HTML or PDF.
    pub format: Format,
    /// SHA-256 of everything its bytes depend on.
    pub key: String,
    /// Templates its bytes depend on, with their SHA-256.
    pub templates: BTreeMap<String, String>,
}

/// Everything a build would write, before the expensive part.
pub struct Plan {
    /// The states, in order.
    pub states: Vec<String>,
    /// Every document of every state.
    pub documents: Vec<Document>,
    /// Every document output.
    pub outputs: Vec<Planned>,
    /// Clinicians' forms that cannot be made (no valid licence, no licensed
    /// supervisor): errors that make `build` and `check` exit 1.
    pub refusals: Vec<Diagnostic>,
    /// Warnings about the rules used (see `rule_warnings`), state by state.
    pub warnings: Vec<Diagnostic>,
}

/// The states a build covers, or a diagnostic for an unknown one.
pub fn chosen_states(
    inputs: &Inputs,
    selection: &StateSelection,
) -> Result<Vec<String>, Diagnostic> {
    let known: Vec<&str> = inputs.jurisdictions.keys().map(String::as_str).collect();
    let states: Vec<String> = match selection {
        StateSelection::Practice => {
            inputs.practice.states.iter().map(|s| s.get_ref().clone()).collect()
        }
        StateSelection::All => known.iter().map(|s| s.to_string()).collect(),
        StateSelection::List(list) => list.clone(),
    };
    for s in &states {
        if !known.contains(&s.as_str()) {
            return Err(Diagnostic::error(
                "unknown-state",
                format!("unknown state `{s}` in `--states`"),
            )
            .with_hint(format!("known: {}, or `all`", known.join(", "))));
        }
    }
    Ok(states)
}

/// Splits text at blank lines into paragraphs with whitespace runs collapsed.
fn paragraphs(text: &str) -> Vec<String> {
    text.replace("\r\n", "\n")
        .split("\n\n")
        .map(|p| p.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|p| !p.is_empty())
        .collect()
}

/// The topic values a template sees, by topic.
fn topic_values(resolved: &[Resolved]) -> BTreeMap<&'static str, Value> {
    resolved
        .iter()
        .map(|r| {
            let mut v = r.template_value();
            if let Some(Value::Array(boards)) = v.get_mut("boards") {
                for b in boards.iter_mut() {
                    let plain = Profession::ALL
                        .iter()
                        .find(|p| b.get("profession").and_then(Value::as_str) == Some(p.key()))
                        .map(|p| p.plain());
                    if let (Some(obj), Some(plain)) = (b.as_object_mut(), plain) {
                        obj.insert("profession_plain".into(), plain.into());
                    }
                }
            }
            (r.topic, v)
        })
        .collect()
}

/// The practice as templates see it: clauses become lists of paragraphs, so a
/// blank line in the practice file starts a new paragraph and each stays text.
fn practice_value(inputs: &Inputs) -> Value {
    let mut p = serde_json::to_value(&inputs.practice).unwrap_or(Value::Null);
    if let Some(Value::Object(clauses)) = p.get_mut("clauses") {
        for v in clauses.values_mut() {
            *v = match v.as_str() {
                Some(text) => Value::Array(paragraphs(text).into_iter().map(Value::from).collect()),
                None => Value::Array(Vec::new()),
            };
        }
    }
    p
}

/// The date a document states as its effective date: the practice's
/// `effective` date, or a later date on which a rule it uses took force;
/// without a practice date, the build's date.
fn effective_date(inputs: &Inputs, used: &[&Resolved], as_of: Date) -> Date {
    match inputs.practice.effective {
        None => as_of,
        Some(start) => {
            used.iter().filter_map(|r| r.effective).fold(start, Date::max).min(as_of.max(start))
        }
    }
}

fn template_text<'a>(inputs: &'a Inputs, name: &str) -> &'a str {
    inputs.templates.files.get(name).map_or("", |f| f.text.as_str())
}

/// What one state contributes to every document's context.
struct StateScope<'a> {
    state: &'a str,
    j: &'a LoadedJurisdiction,
    resolved: Vec<Resolved>,
    topics: BTreeMap<&'static str, Value>,
    practice: Value,
}

/// A licence valid on `as_of` in `state`, if the clinician holds one.
fn valid_license<'a>(c: &'a Clinician, state: &str, as_of: Date) -> Option<&'a License> {
    c.licenses.iter().find(|l| l.state.get_ref() == state && *l.expires.get_ref() >= as_of)
}

/// A clinician as templates see them, for one state.
fn clinician_value(inputs: &Inputs, c: &Clinician, scope: &StateScope<'_>, as_of: Date) -> Value {
    let license = valid_license(c, scope.state, as_of);
    let board = c.profession.board().and_then(|p| {
        scope
            .topics
            .get("licensing_boards")?
            .get("boards")?
            .as_array()?
            .iter()
            .find(|b| b["profession"] == p.key())
            .cloned()
    });
    let supervisor = c.supervisor.as_ref().and_then(|s| {
        let sup = inputs.practice.clinicians.iter().find(|x| x.id.get_ref() == s.get_ref())?;
        let l = valid_license(sup, scope.state, as_of);
        Some(json!({
            "name": sup.name,
            "credentials": sup.credentials,
            "profession_plain": sup.profession.plain(),
            "license_type": l.map(|l| l.kind.clone()),
            "license_number": l.map(|l| l.number.clone()),
        }))
    });
    json!({
        "id": c.id.get_ref(),
        "name": c.name,
        "credentials": c.credentials,
        "profession_plain": c.profession.plain(),
        "psychiatrist": c.profession.board().is_none(),
        "associate": c.associate,
        "license_type": license.map(|l| l.kind.clone()),
        "license_number": license.map(|l| l.number.clone()),
        "board": board,
        "supervisor": supervisor,
    })
}

/// Whether telehealth is offered in a state.
fn telehealth_in(inputs: &Inputs, state: &str) -> bool {
    let s = &inputs.practice.services;
    s.telehealth
        && s.telehealth_states.as_ref().is_none_or(|l| l.iter().any(|x| x.get_ref() == state))
}

/// Renders one document for one state (and, for a clinician's own form, one clinician).
fn render_document(
    inputs: &Inputs,
    scope: &StateScope<'_>,
    doc: &str,
    clinician: Option<(&Clinician, Value)>,
    as_of: Date,
) -> Result<Document, Diagnostic> {
    let used_names = inputs.templates.variables(doc);
    let used: Vec<&Resolved> =
        scope.resolved.iter().filter(|r| used_names.iter().any(|u| u == r.topic)).collect();
    let effective = effective_date(inputs, &used, as_of);
    // The care team: clinicians licensed in this state on this date.
    let team: Vec<Value> = inputs
        .practice
        .clinicians
        .iter()
        .filter(|c| valid_license(c, scope.state, as_of).is_some())
        .map(|c| clinician_value(inputs, c, scope, as_of))
        .collect();
    let mut ctx = json!({
        "practice": scope.practice,
        "jurisdiction": {
            "code": scope.state,
            "name": scope.j.rules.name,
            "last_reviewed": scope.j.rules.last_reviewed.get_ref().to_string(),
        },
        "doc": {
            "id": doc,
            "effective": effective.long(),
            "version": inputs.practice.forms_version,
        },
        "care_team": team,
        "clinician": clinician.as_ref().map(|(_, v)| v.clone()),
    });
    let map = ctx.as_object_mut().expect("object literal");
    for (topic, v) in &scope.topics {
        map.insert(topic.to_string(), v.clone());
    }
    let context = tera::Context::from_serialize(&ctx)
        .map_err(|e| Diagnostic::error("internal", format!("building the context: {e}")))?;
    let rendered = render::from_markdown(inputs.templates.render_markdown(doc, &context)?);
    let rules = used
        .iter()
        .map(|r| RuleUse {
            state: scope.state.to_string(),
            topic: r.topic.to_string(),
            effective: r.effective.map(|d| d.to_string()),
            citation: r.citation.clone(),
            status: if r.confirmed { "confirmed" } else { "unconfirmed" }.into(),
            value_sha256: sha256_hex(scope.topics[r.topic].to_string().as_bytes()),
        })
        .collect();
    let mut services = inputs.practice.services.clone();
    services.telehealth = telehealth_in(inputs, scope.state);
    let missing = inputs
        .templates
        .requirements
        .get(doc)
        .map(|els| crate::lint::required::missing(els, &rendered.text, &scope.resolved, &services))
        .unwrap_or_default();
    let state_name = &scope.j.rules.name;
    let meta = json!({
        "title": rendered.title,
        "practice": inputs.practice.name.get_ref(),
        "lang": LANG,
        "state": scope.state,
        "state_name": state_name,
        "document": doc,
        "clinician": clinician.as_ref().map(|(c, _)| c.name.clone()),
        "version": inputs.practice.forms_version,
        "effective": effective.long(),
        "effective_date": effective.to_string(),
        "keywords": format!("informed consent, {state_name}, {doc}"),
    });
    Ok(Document {
        state: scope.state.to_string(),
        id: doc.to_string(),
        clinician: clinician.map(|(c, _)| c.id.get_ref().clone()),
        rendered,
        rules,
        effective,
        missing,
        meta,
        packet: false,
    })
}

/// Why a clinician's form for a state cannot be made on `as_of`, if it cannot.
fn refusal(inputs: &Inputs, c: &Clinician, state: &str, as_of: Date) -> Option<Diagnostic> {
    let id = c.id.get_ref();
    if valid_license(c, state, as_of).is_none() {
        let latest = c
            .licenses
            .iter()
            .filter(|l| l.state.get_ref() == state)
            .max_by_key(|l| *l.expires.get_ref());
        let last = latest.map(|l| *l.expires.get_ref());
        let mut d = Diagnostic::error(
            "license-not-valid",
            format!(
                "no form for `{id}` ({}) in {state}: no licence valid on {as_of}{}",
                c.name,
                last.map(|d| format!(" (the last expired on {d})")).unwrap_or_default()
            ),
        )
        .with_hint("renew the licence and update `expires`, or build with an earlier `--as-of`");
        if let Some(l) = latest {
            d = d.at(inputs.practice_file, l.expires.span()).with_label("expired");
        }
        return Some(d);
    }
    if let Some(s) = &c.supervisor {
        let sup = inputs.practice.clinicians.iter().find(|x| x.id.get_ref() == s.get_ref())?;
        if sup.associate || valid_license(sup, state, as_of).is_none() {
            return Some(
                Diagnostic::error(
                    "supervisor-not-licensed",
                    format!(
                        "no form for `{id}` ({}) in {state}: supervisor `{}` holds no full licence there valid on {as_of}",
                        c.name,
                        s.get_ref()
                    ),
                )
                .with_hint("an associate's supervisor must be fully licensed in the state where the client is"),
            );
        }
    }
    None
}

/// Renders every document's Markdown and plans every output with its key.
pub fn plan(inputs: &Inputs, opts: &PlanOptions) -> Result<Plan, Vec<Diagnostic>> {
    let states = chosen_states(inputs, &opts.states).map_err(|d| vec![d])?;
    let docs: Vec<&str> = inputs.practice.documents.iter().map(|d| d.get_ref().as_str()).collect();
    let practice = practice_value(inputs);
    let tool = tool_version();

    let mut documents = Vec::new();
    let mut errors = Vec::new();
    let mut refusals = Vec::new();
    let mut warnings = Vec::new();
    for state in &states {
        let j: &LoadedJurisdiction = &inputs.jurisdictions[state];
        let resolved = resolve::resolve(&j.rules, opts.as_of);
        warnings.extend(rule_warnings(j, state, &resolved, opts.as_of));
        let topics = topic_values(&resolved);
        let mut practice = practice.clone();
        // Services not offered in this state drop their text here.
        practice["services"]["telehealth"] = Value::Bool(telehealth_in(inputs, state));
        let scope = StateScope { state, j, resolved, topics, practice };
        let first_of_state = documents.len();
        for doc in &docs {
            if *doc == "telehealth" && !telehealth_in(inputs, state) {
                continue;
            }
            match render_document(inputs, &scope, doc, None, opts.as_of) {
                Ok(d) => documents.push(d),
                Err(e) => errors.push(e),
            }
        }
        if opts.formats.pdf
            && let Some(p) = packet(inputs, &documents[first_of_state..])
        {
            documents.push(p);
        }
        for c in &inputs.practice.clinicians {
            if inputs.practice.per_clinician.is_empty()
                || !c.licenses.iter().any(|l| l.state.get_ref() == state)
            {
                continue;
            }
            if let Some(r) = refusal(inputs, c, state, opts.as_of) {
                refusals.push(r);
                continue;
            }
            let value = clinician_value(inputs, c, &scope, opts.as_of);
            for doc in &inputs.practice.per_clinician {
                let doc = doc.get_ref().as_str();
                if doc == "telehealth" && !telehealth_in(inputs, state) {
                    continue;
                }
                match render_document(inputs, &scope, doc, Some((c, value.clone())), opts.as_of) {
                    Ok(d) => documents.push(d),
                    Err(e) => errors.push(e),
                }
            }
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }

    let mut outputs = Vec::new();
    for (i, d) in documents.iter_mut().enumerate() {
        let base = match &d.clinician {
            None => format!("{}/{LANG}/{}", d.state, d.id),
            Some(c) => format!("{}/{LANG}/clinicians/{c}/{}", d.state, d.id),
        };
        // The footer's short hash names the document's text and data, so a
        // signed paper copy can be matched to the build it came from.
        // (The version, not the build: a rebuilt binary that prints the same
        // text gives the same footer.)
        let content = sha256_hex(
            format!("{}\0{}\0{}", env!("CARGO_PKG_VERSION"), d.rendered.markdown, d.meta)
                .as_bytes(),
        );
        d.meta["hash"] = Value::from(&content[..10]);
        // Read by pdf.typ (and so part of the PDF's key): form fields or none.
        d.meta["forms"] = Value::Bool(opts.formats.pdf_forms);
        let md_name = format!("{}.md", d.id);
        let mut formats = Vec::new();
        if opts.formats.html && !d.packet {
            formats.push((Format::Html, "page.html", d.rendered.html.as_str()));
        }
        if opts.formats.pdf {
            formats.push((Format::Pdf, "pdf.typ", d.rendered.typst.as_str()));
        }
        for (format, shell, body) in formats {
            let key = sha256_hex(
                format!(
                    "{tool}\0{}\0{body}\0{}\0{}",
                    format.name(),
                    d.meta,
                    template_text(inputs, shell)
                )
                .as_bytes(),
            );
            let templates = [md_name.as_str(), shell]
                .iter()
                .map(|n| (n.to_string(), sha256_hex(template_text(inputs, n).as_bytes())))
                .collect();
            outputs.push(Planned {
                path: format!("{base}.{}", format.name()),
                doc: i,
                format,
                key,
                templates,
            });
        }
    }
    Ok(Plan { states, documents, outputs, refusals, warnings })
}

/// One output of a previous build, as its manifest recorded it.
#[derive(Clone, Debug, Default, serde::Deserialize)]
pub struct Recorded {
    /// SHA-256 of the file written.
    pub sha256: String,
    /// The key it was made with.
    #[serde(default)]
    pub key: String,
    /// The rule versions it used.
    #[serde(default)]
    pub rules: Vec<RuleUse>,
    /// Templates it depended on.
    #[serde(default)]
    pub templates: BTreeMap<String, String>,
    /// Its effective date.
    #[serde(default)]
    pub effective: Option<String>,
}

/// What a previous build's manifest says.
#[derive(Clone, Debug, Default)]
pub struct Previous {
    /// The tool version that wrote it.
    pub tool: String,
    /// The practice file's SHA-256.
    pub practice_sha256: String,
    /// Outputs by path.
    pub outputs: BTreeMap<String, Recorded>,
    /// Whether the build that wrote it finished.
    pub complete: bool,
}

/// Reads `out/manifest.json`, if there is one that parses.
pub fn previous(out: &Path) -> Option<Previous> {
    let text = std::fs::read_to_string(out.join("manifest.json")).ok()?;
    let v: Value = serde_json::from_str(&text).ok()?;
    let mut outputs = BTreeMap::new();
    for o in v.get("outputs")?.as_array()? {
        let path = o.get("path")?.as_str()?.to_string();
        if let Ok(r) = serde_json::from_value::<Recorded>(o.clone()) {
            outputs.insert(path, r);
        }
    }
    Some(Previous {
        tool: format!(
            "consentgen {} (build {})",
            v.pointer("/tool/version").and_then(Value::as_str).unwrap_or("?"),
            v.pointer("/tool/build")
                .and_then(Value::as_str)
                .unwrap_or("?")
                .chars()
                .take(12)
                .collect::<String>()
        ),
        practice_sha256: v
            .get("inputs")
            .and_then(Value::as_array)
            .and_then(|a| a.iter().find(|i| i["kind"] == "practice"))
            .and_then(|i| i["sha256"].as_str())
            .unwrap_or("")
            .to_string(),
        complete: v.get("complete").and_then(Value::as_bool).unwrap_or(true),
        outputs,
    })
}

/// Whether an existing file can be kept as it is: the manifest recorded the
/// same key, and the file still holds the bytes the manifest recorded.
/// Returns the bytes when it can.
pub fn reusable(out: &Path, previous: Option<&Previous>, p: &Planned) -> Option<Vec<u8>> {
    let r = previous.filter(|m| m.complete)?.outputs.get(&p.path)?;
    if r.key != p.key {
        return None;
    }
    let bytes = std::fs::read(out.join(&p.path)).ok()?;
    (sha256_hex(&bytes) == r.sha256).then_some(bytes)
}

/// Why an output is stale: what changed between the recorded build and now.
pub fn reasons(
    inputs: &Inputs,
    previous: &Previous,
    recorded: &Recorded,
    plan: &Plan,
    p: &Planned,
) -> Vec<String> {
    let d = &plan.documents[p.doc];
    let mut out = Vec::new();
    if previous.tool != tool_version() {
        out.push(format!("the tool changed ({} → {})", previous.tool, tool_version()));
    }
    for new in &d.rules {
        match recorded.rules.iter().find(|o| o.state == new.state && o.topic == new.topic) {
            Some(old) if old == new => {}
            Some(old) => out.push(rule_change(old, new)),
            None => out.push(format!("{} `{}` is now used", new.state, new.topic)),
        }
    }
    for old in &recorded.rules {
        if !d.rules.iter().any(|n| n.state == old.state && n.topic == old.topic) {
            out.push(format!("{} `{}` is no longer used", old.state, old.topic));
        }
    }
    for (name, sha) in &p.templates {
        if recorded.templates.get(name) != Some(sha) {
            out.push(format!("template `{name}` changed"));
        }
    }
    let practice_sha = sha256_hex(inputs.sources.text(inputs.practice_file).as_bytes());
    if previous.practice_sha256 != practice_sha {
        out.push(format!(
            "the practice file `{}` changed",
            inputs.sources.name(inputs.practice_file)
        ));
    }
    if recorded.effective.as_deref() != Some(d.effective.to_string().as_str()) {
        out.push(format!("its effective date is now {}", d.effective));
    }
    if out.is_empty() {
        out.push("its inputs changed".into());
    }
    out
}

fn rule_change(old: &RuleUse, new: &RuleUse) -> String {
    let mut what = format!("{} `{}` changed", new.state, new.topic);
    if old.effective != new.effective {
        what.push_str(&format!(
            ": version effective {} replaces {}",
            new.effective.as_deref().unwrap_or("(undated)"),
            old.effective.as_deref().unwrap_or("(undated)")
        ));
    } else if old.citation != new.citation {
        what.push_str(": new citation");
    } else if old.status != new.status {
        what.push_str(&format!(": now {}", new.status));
    } else {
        what.push_str(": new value");
    }
    if let Some(c) = &new.citation {
        what.push_str(&format!(" ({c})"));
    }
    what
}

/// One output file with its bytes and manifest data.
#[derive(Clone, Debug)]
pub struct OutputFile {
    /// Path under the output folder, `/`-separated.
    pub path: String,
    /// Its bytes.
    pub bytes: Vec<u8>,
    /// What the manifest records about it beyond path and hash.
    pub meta: Value,
}

/// What producing an output did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Produced {
    /// Made anew.
    Made,
    /// Kept from the previous build.
    Reused,
}

/// A grade rounded to one decimal, as printed everywhere.
pub fn grade_1dp(g: f64) -> f64 {
    (g * 10.0).round() / 10.0
}

/// The manifest entry data of a planned output.
fn output_meta(plan: &Plan, p: &Planned) -> Value {
    let d = &plan.documents[p.doc];
    json!({
        "state": d.state,
        "document": d.id,
        "clinician": d.clinician,
        "format": p.format.name(),
        "language": LANG,
        "effective": d.effective.to_string(),
        "grade": grade_1dp(d.rendered.score.grade()),
        "key": p.key,
        "templates": p.templates,
        "rules": d.rules,
    })
}

/// Makes (or reuses) every planned output's bytes, `workers` at a time.
pub fn produce(
    inputs: &Inputs,
    plan: &Plan,
    out: &Path,
    previous: Option<&Previous>,
    workers: Option<usize>,
) -> Result<Vec<(OutputFile, Produced)>, Vec<Diagnostic>> {
    let needs_pdf = plan
        .outputs
        .iter()
        .any(|p| p.format == Format::Pdf && reusable(out, previous, p).is_none());
    let engine = needs_pdf.then(|| Engine::new(&inputs.templates.pdf_main));
    let progress = crate::progress::Progress::new(plan.outputs.len(), "files");
    let make = |p: &Planned| -> Result<(OutputFile, Produced), Diagnostic> {
        let meta = output_meta(plan, p);
        if let Some(bytes) = reusable(out, previous, p) {
            return Ok((OutputFile { path: p.path.clone(), bytes, meta }, Produced::Reused));
        }
        let d = &plan.documents[p.doc];
        let bytes = match p.format {
            Format::Html => {
                let mut page = tera::Context::new();
                page.insert("meta", &d.meta);
                page.insert("body", &d.rendered.html);
                let pdf = plan.outputs.iter().any(|o| o.doc == p.doc && o.format == Format::Pdf);
                page.insert("pdf_href", &pdf.then(|| format!("{}.pdf", d.id)));
                // Up from `CA/en/` (or `CA/en/clinicians/<id>/`) to the index.
                page.insert(
                    "index_href",
                    &format!("{}index.html", "../".repeat(p.path.matches('/').count())),
                );
                inputs.templates.render_html("page.html", &page)?.into_bytes()
            }
            Format::Pdf => {
                let engine = engine.as_ref().expect("an engine when a PDF must be made");
                let ident = format!("consentgen/{}/{}", inputs.practice.name.get_ref(), p.path);
                engine.compile(&d.rendered.typst, &d.meta, &ident, d.effective).map_err(|e| {
                    Diagnostic::error(
                        "pdf",
                        format!("{} {}: the PDF could not be made: {e}", d.state, d.id),
                    )
                    .with_hint(
                        "this is a bug in consentgen or in a custom pdf.typ; please report it",
                    )
                })?
            }
        };
        Ok((OutputFile { path: p.path.clone(), bytes, meta }, Produced::Made))
    };
    let results = run_parallel(&plan.outputs, workers, |p| {
        let r = make(p);
        progress.inc();
        r
    });
    progress.finish();
    let mut files = Vec::new();
    let mut errors = Vec::new();
    for r in results {
        match r {
            Ok(f) => files.push(f),
            Err(e) => errors.push(e),
        }
    }
    if errors.is_empty() { Ok(files) } else { Err(errors) }
}

/// Runs `f` over `jobs` on `workers` threads (default: one per core) and
/// returns the results in job order.
///
/// Plain scoped threads pulling from a shared counter, not a rayon pool: Typst
/// parallelizes inside each compile with rayon, and a rayon worker that waits
/// on that work steals other documents' compiles onto the same stack, nesting
/// them until the stack overflows (seen on a 51-state build).
pub fn run_parallel<J: Sync, R: Send>(
    jobs: &[J],
    workers: Option<usize>,
    f: impl Fn(&J) -> R + Sync,
) -> Vec<R> {
    use std::sync::Mutex;
    use std::sync::atomic::{AtomicUsize, Ordering};
    let workers = workers
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
        .clamp(1, jobs.len().max(1));
    let next = AtomicUsize::new(0);
    let slots: Vec<Mutex<Option<R>>> = jobs.iter().map(|_| Mutex::new(None)).collect();
    std::thread::scope(|scope| {
        for _ in 0..workers {
            std::thread::Builder::new()
                .stack_size(16 << 20)
                .spawn_scoped(scope, || {
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some(job) = jobs.get(i) else { break };
                        let r = f(job);
                        *slots[i].lock().unwrap_or_else(|e| e.into_inner()) = Some(r);
                    }
                })
                .expect("spawning a worker thread");
        }
    });
    slots
        .into_iter()
        .map(|m| m.into_inner().unwrap_or_else(|e| e.into_inner()).expect("every job ran"))
        .collect()
}

/// The index page: every state and document, linked, with grades.
pub fn index_page(inputs: &Inputs, plan: &Plan) -> Result<OutputFile, Diagnostic> {
    let states: Vec<Value> = plan
        .states
        .iter()
        .map(|s| {
            let entries: Vec<(bool, Value)> = plan
                .documents
                .iter()
                .enumerate()
                .filter(|(_, d)| &d.state == s && !d.packet)
                .map(|(i, d)| {
                    let link = |f: Format| {
                        plan.outputs
                            .iter()
                            .find(|o| o.doc == i && o.format == f)
                            .map(|o| o.path.clone())
                    };
                    let entry = json!({
                        "id": d.id,
                        "title": d.rendered.title,
                        "html": link(Format::Html),
                        "pdf": link(Format::Pdf),
                        "grade": format!("{:.1}", grade_1dp(d.rendered.score.grade())),
                        "effective": d.effective.long(),
                        "clinician": d.meta["clinician"],
                    });
                    (d.clinician.is_some(), entry)
                })
                .collect();
            let (clinicians, docs): (Vec<_>, Vec<_>) = entries.into_iter().partition(|(c, _)| *c);
            let docs: Vec<Value> = docs.into_iter().map(|(_, v)| v).collect();
            let clinicians: Vec<Value> = clinicians.into_iter().map(|(_, v)| v).collect();
            let packet = plan
                .outputs
                .iter()
                .find(|o| plan.documents[o.doc].packet && &plan.documents[o.doc].state == s)
                .map(|o| o.path.clone());
            json!({
                "code": s,
                "name": inputs.jurisdictions[s].rules.name,
                "documents": docs,
                "clinicians": clinicians,
                "packet": packet,
            })
        })
        .collect();
    let mut ctx = tera::Context::new();
    ctx.insert("practice", &inputs.practice);
    ctx.insert("states", &states);
    ctx.insert("version", &inputs.practice.forms_version);
    let html = inputs.templates.render_html("index.html", &ctx)?;
    Ok(OutputFile {
        path: "index.html".into(),
        bytes: html.into_bytes(),
        meta: json!({ "format": "html" }),
    })
}

/// The manifest: tool, date, every input and every output with its SHA-256.
pub fn manifest(inputs: &Inputs, as_of: Date, files: &[OutputFile]) -> OutputFile {
    let mut input_list = vec![json!({
        "path": inputs.sources.name(inputs.practice_file),
        "kind": "practice",
        "sha256": sha256_hex(inputs.sources.text(inputs.practice_file).as_bytes()),
    })];
    for (code, j) in &inputs.jurisdictions {
        input_list.push(json!({
            "path": inputs.sources.name(j.file),
            "kind": "jurisdiction",
            "state": code,
            "sha256": sha256_hex(inputs.sources.text(j.file).as_bytes()),
        }));
    }
    for t in inputs.templates.files.values() {
        input_list.push(json!({ "path": t.origin, "kind": "template", "sha256": sha256_hex(t.text.as_bytes()) }));
    }
    let mut outputs: Vec<Value> = files
        .iter()
        .map(|f| {
            let mut v = json!({ "path": f.path, "sha256": sha256_hex(&f.bytes) });
            if let (Some(obj), Some(meta)) = (v.as_object_mut(), f.meta.as_object()) {
                obj.extend(meta.clone());
            }
            v
        })
        .collect();
    outputs.sort_by(|a, b| a["path"].as_str().cmp(&b["path"].as_str()));
    let manifest = json!({
        "tool": { "name": "consentgen", "version": env!("CARGO_PKG_VERSION"), "build": build_id() },
        "as_of": as_of.to_string(),
        "complete": true,
        "topics": TOPICS,
        "inputs": input_list,
        "outputs": outputs,
    });
    let mut bytes = serde_json::to_vec_pretty(&manifest).expect("JSON values serialize");
    bytes.push(b'\n');
    OutputFile { path: "manifest.json".into(), bytes, meta: json!({}) }
}

/// What the plain-language bar and the required elements say of a document:
/// errors for `check`, warnings for `build`.
pub fn lint(d: &Document, max_grade: f64) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    if d.packet {
        return out; // its documents are linted one by one
    }
    let name = match &d.clinician {
        Some(c) => format!("{} {} ({c})", d.state, d.id),
        None => format!("{} {}", d.state, d.id),
    };
    let grade = d.rendered.score.grade();
    if grade > max_grade {
        let hardest: Vec<String> = d
            .rendered
            .score
            .hardest()
            .into_iter()
            .take(3)
            .map(|s| format!("\"{}\" ({:.1})", s.title, s.counts.grade().unwrap_or(0.0)))
            .collect();
        out.push(
            Diagnostic::error(
                "reading-grade",
                format!("{name}: reading grade {grade:.1} is above {max_grade:.1}"),
            )
            .with_hint(format!("hardest sections: {}", hardest.join(", ")))
            .with_hint(
                "use shorter sentences and everyday words; `[readability] max_grade` sets the bar",
            ),
        );
    }
    for m in &d.missing {
        out.push(
            Diagnostic::error(
                "missing-element",
                format!("{} {}: lacks {} (`{}`)", d.state, d.id, m.what, m.id),
            )
            .with_hint("the template must contain it; see templates/requirements.toml"),
        );
    }
    out
}

/// Warnings about licences that expire within 60 days of `as_of`, in the
/// states built.
pub fn license_warnings(inputs: &Inputs, states: &[String], as_of: Date) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for c in &inputs.practice.clinicians {
        for l in &c.licenses {
            let days = l.expires.get_ref().days_since_epoch() - as_of.days_since_epoch();
            if states.contains(l.state.get_ref()) && (0..=60).contains(&days) {
                out.push(
                    Diagnostic::warning(
                        "license-expires-soon",
                        format!(
                            "`{}` ({}): the {} licence in {} expires on {}",
                            c.id.get_ref(),
                            c.name,
                            l.kind,
                            l.state.get_ref(),
                            l.expires.get_ref()
                        ),
                    )
                    .at(inputs.practice_file, l.expires.span())
                    .with_hint("renew it and update `expires`; forms naming this clinician stop on that date"),
                );
            }
        }
    }
    out
}

/// Warnings about one state's rules as a build uses them: unconfirmed values,
/// changes coming within 60 days, and a rule file not reviewed in the last
/// 12 months.
fn rule_warnings(
    j: &LoadedJurisdiction,
    state: &str,
    resolved: &[Resolved],
    as_of: Date,
) -> Vec<Diagnostic> {
    let mut out = resolve::warnings(state, resolved, as_of);
    let reviewed = *j.rules.last_reviewed.get_ref();
    if as_of.days_since_epoch() - reviewed.days_since_epoch() > 365 {
        out.push(
            Diagnostic::warning(
                "review-overdue",
                format!("{state} rules were last reviewed on {reviewed}, over a year ago"),
            )
            .at(j.file, j.rules.last_reviewed.span())
            .with_hint("check every rule against its source, then update `last_reviewed`"),
        );
    }
    out
}
