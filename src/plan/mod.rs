//! Plan: what a build would write, decided before the expensive part.
//!
//! For every chosen state, each document's Markdown is rendered (cheap) and
//! every output it makes (its page, its PDF, the state's packet) is listed
//! with its **key**: the SHA-256 of everything its bytes depend on (the
//! tool, the document's HTML or Typst markup, its page data and its page
//! template). Two builds with the same key write the same bytes, so an output
//! whose key and file match the previous manifest is kept (see
//! [`reusable`]), and a rule change makes stale exactly the documents whose
//! text it changes ([`stale`] says why).

mod stale;

pub use stale::{reasons, reusable, statuses};

use std::collections::BTreeMap;

use crate::date::Date;
use crate::diag::Diagnostic;
use crate::lint::required::Missing;
use crate::load::{Inputs, LoadedJurisdiction};
use crate::manifest::{About, RuleUse, tool_version};
use crate::model::Clinician;
use crate::options::{PlanOptions, StateSelection};
use crate::render::context::{
    ClinicianContext, DocContext, DocInfo, PageMeta, PracticeContext, telehealth_in, topic_values,
};
use crate::render::index::{IndexEntry, IndexState};
use crate::render::packet::{Member, PACKET};
use crate::render::{self, Rendered};
use crate::resolve::Resolved;
use crate::write::sha256_hex;

/// The language folder of every output (only English for now).
pub const LANG: &str = "en";

/// One rendered document of one state (or a state's packet).
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
    pub meta: PageMeta,
    /// Whether this is a state's packet: every chosen document in one PDF.
    pub packet: bool,
}

impl Document {
    /// How messages name it: `CA consent`, `CA consent (jkim)`.
    pub fn name(&self) -> String {
        match &self.clinician {
            Some(c) => format!("{} {} ({c})", self.state, self.id),
            None => format!("{} {}", self.state, self.id),
        }
    }
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
    /// Its file extension and manifest name.
    pub fn name(self) -> &'static str {
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
    /// Warnings about the rules used, state by state.
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

/// What one state contributes to every document's context.
struct StateScope<'a> {
    state: &'a str,
    jurisdiction: &'a LoadedJurisdiction,
    resolved: Vec<Resolved>,
    topics: BTreeMap<&'static str, serde_json::Value>,
    practice: PracticeContext,
}

impl<'a> StateScope<'a> {
    fn new(inputs: &'a Inputs, state: &'a str, as_of: Date) -> StateScope<'a> {
        let jurisdiction = &inputs.jurisdictions[state];
        let resolved = crate::resolve::resolve(&jurisdiction.rules, as_of);
        let topics = topic_values(&resolved);
        let practice = PracticeContext::new(&inputs.practice, state);
        StateScope { state, jurisdiction, resolved, topics, practice }
    }

    /// A clinician as templates see them here, with their board.
    fn clinician(&self, inputs: &Inputs, c: &Clinician, as_of: Date) -> ClinicianContext {
        let board = c.profession.board().and_then(|p| {
            self.topics
                .get("licensing_boards")?
                .get("boards")?
                .as_array()?
                .iter()
                .find(|b| b["profession"] == p.key())
                .cloned()
        });
        ClinicianContext::new(&inputs.practice, c, self.state, as_of, board)
    }
}

/// The date a document states as its effective date: the practice's
/// `effective` date, or a later date on which a rule it uses took force.
///
/// Without a practice date, the last rule change behind the document: the
/// latest date a rule it uses took force, else the latest of any rule of
/// its state in force, else the day its state's rules were last reviewed;
/// never after the build's date. (Not the build's date: that would make
/// every form stale the next day, and a daily CI job would propose new
/// forms every morning. `init` writes the date into its starter.)
fn effective_date(
    inputs: &Inputs,
    scope: &StateScope<'_>,
    used: &[&Resolved],
    as_of: Date,
) -> Date {
    match inputs.practice.effective {
        None => used
            .iter()
            .filter_map(|r| r.effective)
            .max()
            .or_else(|| scope.resolved.iter().filter_map(|r| r.effective).max())
            .unwrap_or(*scope.jurisdiction.rules.last_reviewed.get_ref())
            .min(as_of),
        Some(start) => {
            used.iter().filter_map(|r| r.effective).fold(start, Date::max).min(as_of.max(start))
        }
    }
}

fn template_text<'a>(inputs: &'a Inputs, name: &str) -> &'a str {
    inputs.templates.files.get(name).map_or("", |f| f.text.as_str())
}

/// Renders one document for one state (and, for a clinician's own form, one clinician).
fn render_document(
    inputs: &Inputs,
    scope: &StateScope<'_>,
    doc: &str,
    team: &[ClinicianContext],
    clinician: Option<&ClinicianContext>,
    as_of: Date,
) -> Result<Document, Diagnostic> {
    let used_names = inputs.templates.variables(doc);
    let used: Vec<&Resolved> =
        scope.resolved.iter().filter(|r| used_names.iter().any(|u| u == r.topic)).collect();
    let effective = effective_date(inputs, scope, &used, as_of);
    let rules_name = &scope.jurisdiction.rules.name;
    let ctx = DocContext {
        practice: &scope.practice,
        jurisdiction: crate::render::context::JurisdictionContext {
            code: scope.state.to_string(),
            name: rules_name.clone(),
            last_reviewed: scope.jurisdiction.rules.last_reviewed.get_ref().to_string(),
        },
        doc: DocInfo {
            id: doc.to_string(),
            effective: effective.long(),
            version: inputs.practice.forms_version.clone(),
        },
        care_team: team,
        clinician,
        topics: &scope.topics,
    };
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
    let missing = inputs
        .templates
        .requirements
        .get(doc)
        .map(|els| {
            crate::lint::required::missing(
                els,
                &rendered.text,
                &scope.resolved,
                &scope.practice.services,
            )
        })
        .unwrap_or_default();
    let meta = PageMeta {
        title: rendered.title.clone(),
        practice: inputs.practice.name.get_ref().clone(),
        lang: LANG,
        state: scope.state.to_string(),
        state_name: rules_name.clone(),
        document: doc.to_string(),
        clinician: Some(clinician.map(|c| c.name.clone())),
        version: inputs.practice.forms_version.clone(),
        effective: effective.long(),
        effective_date: effective.to_string(),
        keywords: format!("informed consent, {rules_name}, {doc}"),
        packet: None,
        hash: None,
    };
    Ok(Document {
        state: scope.state.to_string(),
        id: doc.to_string(),
        clinician: clinician.map(|c| c.id.clone()),
        rendered,
        rules,
        effective,
        missing,
        meta,
        packet: false,
    })
}

/// A state's packet as a document: its members' rules, once each by topic.
fn packet_document(inputs: &Inputs, members: &[Document]) -> Option<Document> {
    let parts: Vec<Member<'_>> = members
        .iter()
        .map(|d| Member { rendered: &d.rendered, meta: &d.meta, effective: d.effective })
        .collect();
    let (rendered, meta, effective) = crate::render::packet::packet(
        inputs.practice.name.get_ref(),
        &inputs.practice.forms_version,
        &parts,
    )?;
    let mut rules: Vec<RuleUse> = Vec::new();
    for r in members.iter().flat_map(|d| &d.rules) {
        if !rules.iter().any(|x| x.topic == r.topic) {
            rules.push(r.clone());
        }
    }
    Some(Document {
        state: members[0].state.clone(),
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

/// Renders every document's Markdown and plans every output with its key.
pub fn plan(inputs: &Inputs, opts: &PlanOptions) -> Result<Plan, Vec<Diagnostic>> {
    let states = chosen_states(inputs, &opts.states).map_err(|d| vec![d])?;
    let docs: Vec<&str> = inputs.practice.documents.iter().map(|d| d.get_ref().as_str()).collect();
    let as_of = opts.as_of;
    let mut documents = Vec::new();
    let mut errors = Vec::new();
    let mut refusals = Vec::new();
    let mut warnings = Vec::new();
    if inputs.practice.effective.is_none() {
        warnings.push(
            Diagnostic::warning("no-effective-date", "the practice sets no `effective` date")
                .with_hint("each document is dated by the last change of the rules it states, or its state's review date")
                .with_hint("set `effective = YYYY-MM-DD` to the day your forms take effect"),
        );
    }
    for state in &states {
        if crate::budget::spent() {
            break; // a template went over its budget: its error is all there is to say
        }
        let scope = StateScope::new(inputs, state, as_of);
        warnings.extend(crate::validate::rule_warnings(
            scope.jurisdiction,
            state,
            &scope.resolved,
            as_of,
        ));
        let telehealth = telehealth_in(&inputs.practice, state);
        // The care team: clinicians licensed in this state on this date.
        let team: Vec<ClinicianContext> = inputs
            .practice
            .clinicians
            .iter()
            .filter(|c| c.license_on(state, as_of).is_some())
            .map(|c| scope.clinician(inputs, c, as_of))
            .collect();
        let first_of_state = documents.len();
        for doc in &docs {
            if *doc == "telehealth" && !telehealth || crate::budget::spent() {
                continue;
            }
            match render_document(inputs, &scope, doc, &team, None, as_of) {
                Ok(d) => documents.push(d),
                Err(e) => errors.push(e),
            }
        }
        if opts.formats.pdf
            && let Some(p) = packet_document(inputs, &documents[first_of_state..])
        {
            documents.push(p);
        }
        for c in &inputs.practice.clinicians {
            if inputs.practice.per_clinician.is_empty()
                || !c.licenses.iter().any(|l| l.state.get_ref() == state)
            {
                continue;
            }
            if let Some(r) = crate::validate::refusal(inputs, c, state, as_of) {
                refusals.push(r);
                continue;
            }
            let value = scope.clinician(inputs, c, as_of);
            for doc in &inputs.practice.per_clinician {
                let doc = doc.get_ref().as_str();
                if doc == "telehealth" && !telehealth || crate::budget::spent() {
                    continue;
                }
                match render_document(inputs, &scope, doc, &team, Some(&value), as_of) {
                    Ok(d) => documents.push(d),
                    Err(e) => errors.push(e),
                }
            }
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let outputs = plan_outputs(inputs, opts, &mut documents);
    Ok(Plan { states, documents, outputs, refusals, warnings })
}

/// Every output of every document, with its key; sets each document's
/// footer hash.
fn plan_outputs(inputs: &Inputs, opts: &PlanOptions, documents: &mut [Document]) -> Vec<Planned> {
    let tool = tool_version();
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
            format!("{}\0{}\0{}", env!("CARGO_PKG_VERSION"), d.rendered.markdown, d.meta.to_json())
                .as_bytes(),
        );
        d.meta.hash = Some(content[..10].to_string());
        let meta = d.meta.to_json();
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
                    "{tool}\0{}\0{body}\0{meta}\0{}",
                    format.name(),
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
    outputs
}

/// A grade rounded to one decimal, as printed everywhere.
pub fn grade_1dp(g: f64) -> f64 {
    (g * 10.0).round() / 10.0
}

/// The index entries of outputs a build keeps from an earlier one (the
/// states `--states` left out), from what their manifest entries record, in
/// the order a build of those states would list them.
pub fn kept_index_states(inputs: &Inputs, kept: &[crate::manifest::Output]) -> Vec<IndexState> {
    let ids = inputs.templates.document_ids();
    let clinicians = &inputs.practice.clinicians;
    let per_clinician = &inputs.practice.per_clinician;
    let mut states: BTreeMap<&str, Vec<&crate::manifest::Output>> = BTreeMap::new();
    for o in kept {
        if let Some(s) = &o.about.state {
            states.entry(s.as_str()).or_default().push(o);
        }
    }
    states
        .into_iter()
        .map(|(code, outputs)| {
            let mut packet = None;
            // (clinician, document) -> entry, in the order first seen.
            let mut entries: Vec<((Option<String>, String), IndexEntry)> = Vec::new();
            for o in outputs {
                let (Some(doc), a) = (o.about.document.clone(), &o.about) else { continue };
                if doc == PACKET {
                    packet = Some(o.path.clone());
                    continue;
                }
                let key = (a.clinician.clone(), doc.clone());
                let at = match entries.iter().position(|(k, _)| *k == key) {
                    Some(at) => at,
                    None => {
                        let name = a.clinician.as_ref().map(|id| {
                            clinicians
                                .iter()
                                .find(|c| c.id.get_ref() == id)
                                .map_or_else(|| id.clone(), |c| c.name.clone())
                        });
                        let effective = a.effective.clone().unwrap_or_default();
                        let entry = IndexEntry {
                            id: doc.clone(),
                            title: a.title.clone().unwrap_or_else(|| doc.clone()),
                            html: None,
                            pdf: None,
                            grade: format!("{:.1}", a.grade.unwrap_or(0.0)),
                            effective: Date::parse(&effective).map_or(effective, |d| d.long()),
                            clinician: name,
                        };
                        entries.push((key, entry));
                        entries.len() - 1
                    }
                };
                let link = Some(o.path.clone());
                match a.format.as_str() {
                    "html" => entries[at].1.html = link,
                    _ => entries[at].1.pdf = link,
                }
            }
            let rank = |(clinician, doc): &(Option<String>, String)| {
                let unknown = usize::MAX;
                let c = clinician.as_ref().map(|id| {
                    clinicians.iter().position(|c| c.id.get_ref() == id).unwrap_or(unknown)
                });
                let d = match clinician {
                    None => ids.iter().position(|i| i == doc),
                    Some(_) => per_clinician.iter().position(|p| p.get_ref() == doc),
                };
                (c, d.unwrap_or(unknown), clinician.clone(), doc.clone())
            };
            entries.sort_by_key(|(k, _)| rank(k));
            let (clinicians, documents): (Vec<_>, Vec<_>) =
                entries.into_iter().map(|(_, e)| e).partition(|e| e.clinician.is_some());
            IndexState {
                code: code.to_string(),
                name: inputs
                    .jurisdictions
                    .get(code)
                    .map_or_else(|| code.to_string(), |j| j.rules.name.clone()),
                documents,
                clinicians,
                packet,
            }
        })
        .collect()
}

impl Plan {
    /// What the manifest records about a planned output.
    pub fn about(&self, p: &Planned) -> About {
        let d = &self.documents[p.doc];
        About {
            state: Some(d.state.clone()),
            document: Some(d.id.clone()),
            clinician: d.clinician.clone(),
            format: p.format.name().into(),
            title: Some(d.rendered.title.clone()),
            language: Some(LANG.into()),
            effective: Some(d.effective.to_string()),
            grade: Some(grade_1dp(d.rendered.score.grade())),
            key: p.key.clone(),
            templates: p.templates.clone(),
            rules: d.rules.clone(),
        }
    }

    /// Every state and its documents, as the index page lists them.
    pub fn index_states(&self, inputs: &Inputs) -> Vec<IndexState> {
        self.states
            .iter()
            .map(|s| {
                let link = |i: usize, f: Format| {
                    self.outputs
                        .iter()
                        .find(|o| o.doc == i && o.format == f)
                        .map(|o| o.path.clone())
                };
                let (mut documents, mut clinicians) = (Vec::new(), Vec::new());
                for (i, d) in self.documents.iter().enumerate() {
                    if &d.state != s || d.packet {
                        continue;
                    }
                    let entry = IndexEntry {
                        id: d.id.clone(),
                        title: d.rendered.title.clone(),
                        html: link(i, Format::Html),
                        pdf: link(i, Format::Pdf),
                        grade: format!("{:.1}", grade_1dp(d.rendered.score.grade())),
                        effective: d.effective.long(),
                        clinician: d.meta.clinician.clone().flatten(),
                    };
                    if d.clinician.is_some() {
                        clinicians.push(entry)
                    } else {
                        documents.push(entry)
                    }
                }
                let packet = self
                    .outputs
                    .iter()
                    .find(|o| self.documents[o.doc].packet && &self.documents[o.doc].state == s)
                    .map(|o| o.path.clone());
                IndexState {
                    code: s.clone(),
                    name: inputs.jurisdictions[s].rules.name.clone(),
                    documents,
                    clinicians,
                    packet,
                }
            })
            .collect()
    }
}
