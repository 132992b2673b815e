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

mod document;
mod index;
pub mod notice;
mod outputs;
pub mod review;
mod select;
pub mod spool;
mod stale;

pub use select::PacketPlan;
pub use stale::{OutputRecord, OutputStatus, reasons, reusable, statuses};

use document::{StateScope, Variant, packet_document, render_document, render_variant};
pub use index::{grade_1dp, index_pages, index_path, kept_index_states, reading};

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::date::Date;
use crate::diag::Diagnostic;
use crate::i18n::Lang;
use crate::lint::required::Missing;
use crate::load::Inputs;
use crate::manifest::{About, RuleUse};
use crate::model::{Clinician, Doc, Need, topic};
use crate::options::{PlanOptions, StateSelection};
use crate::render::Rendered;
use crate::render::context::PageMeta;
use crate::validate;

/// One rendered document of one state (or a state's packet).
#[derive(Clone, Debug)]
pub struct Document {
    /// The language it is written in.
    pub lang: Lang,
    /// USPS code.
    pub state: String,
    /// Document id.
    pub id: String,
    /// The clinician it names, for a clinician's own form.
    pub clinician: Option<String>,
    /// The rendered forms. Once its state is planned, its texts are set
    /// aside in the plan's spool (see [`spool`]) and read through
    /// [`Plan::text`]; its title stays ([`Document::title`]).
    rendered: Rendered,
    /// Where its texts are in the spool, once set aside.
    spooled: Option<spool::Spooled>,
    /// Its reading grade (English) or INFLESZ score (Spanish), per
    /// document and per section.
    pub score: crate::lint::readability::Score,
    /// The rule versions it uses.
    pub rules: Arc<[RuleUse]>,
    /// The date printed as the document's effective date.
    pub effective: Date,
    /// Required elements it lacks.
    pub missing: Vec<Missing>,
    /// The data the page templates (HTML and PDF) read.
    pub meta: PageMeta,
    /// Whether this is a state's packet: every chosen document in one PDF.
    pub packet: bool,
    /// For the notice of privacy practices: the SHA-256 of its text
    /// without its effective date (see `plan::notice`).
    pub notice_text: Option<String>,
}

impl Document {
    /// Its title.
    pub fn title(&self) -> &str {
        &self.rendered.title
    }

    /// What the plain-language bar and the required elements say of it
    /// (nothing for a packet, whose documents are linted one by one).
    pub fn lint(&self, bar: &crate::model::Readability) -> Vec<Diagnostic> {
        if self.packet {
            return Vec::new();
        }
        crate::lint::lint(&self.name(), &self.score, &self.missing, bar)
    }

    /// Its outputs' path without extension: `CA/en/consent`,
    /// `CA/es/clinicians/jkim/consent`.
    pub fn base_path(&self) -> String {
        let lang = self.lang.code();
        match &self.clinician {
            None => format!("{}/{lang}/{}", self.state, self.id),
            Some(c) => format!("{}/{lang}/clinicians/{c}/{}", self.state, self.id),
        }
    }

    /// How messages name it: `CA consent`, `CA consent (jkim)`, and for a
    /// translation `CA consent (es)`, `CA consent (jkim, es)`.
    pub fn name(&self) -> String {
        let lang = (self.lang != Lang::En).then(|| self.lang.code());
        match (&self.clinician, lang) {
            (Some(c), Some(l)) => format!("{} {} ({c}, {l})", self.state, self.id),
            (Some(c), None) => format!("{} {} ({c})", self.state, self.id),
            (None, Some(l)) => format!("{} {} ({l})", self.state, self.id),
            (None, None) => format!("{} {}", self.state, self.id),
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
    /// Templates its bytes depend on, with their SHA-256 (shared, see
    /// [`outputs::TemplateShas`]).
    pub templates: Arc<BTreeMap<String, String>>,
    /// For a web page: the same document's pages in the other languages.
    pub alternates: Vec<Alternate>,
}

/// A document's page in another language, for the language switch.
#[derive(Clone, Debug, serde::Serialize)]
pub struct Alternate {
    /// Its language code (`es`).
    pub lang: &'static str,
    /// The language's name in itself (`Español`).
    pub name: &'static str,
    /// Its path relative to this page.
    pub href: String,
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
    /// Text a translated document needs that has no current translation:
    /// errors that make `build` and `check` exit 1; the documents that need
    /// it are not built.
    pub untranslated: Vec<Diagnostic>,
    /// Counsel's reviews that no longer match their rule (the forms state
    /// the data as it is): problems of kind `review` for `check`.
    pub reviews: Vec<Diagnostic>,
    /// The date whose rules it states.
    pub as_of: crate::date::Date,
    /// The day of the build (`as_of` before a later practice `effective`
    /// date moved it; see `Project::dated`).
    pub built_on: crate::date::Date,
    /// The budget its templates rendered under; making its outputs spends
    /// the same one (see [`crate::budget`]).
    pub budget: crate::budget::Budget,
    /// The documents' texts, set aside state by state.
    pub spool: spool::Spool,
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

/// What planning gathers as it goes, state by state and language by language.
#[derive(Default)]
struct Gathered {
    documents: Vec<Document>,
    errors: Vec<Diagnostic>,
    refusals: Vec<Diagnostic>,
    warnings: Vec<Diagnostic>,
    reviews: Vec<Diagnostic>,
    outputs: Vec<Planned>,
    template_shas: outputs::TemplateShas,
}

impl Gathered {
    /// Keeps a rendered document, or its error.
    fn push(&mut self, d: Result<Document, Diagnostic>) {
        match d {
            Ok(d) => self.documents.push(d),
            Err(e) => self.errors.push(e),
        }
    }
}

/// Renders every document's Markdown and plans every output with its key.
pub fn plan(inputs: &Inputs, opts: &PlanOptions) -> Result<Plan, Vec<Diagnostic>> {
    let states = chosen_states(inputs, &opts.states).map_err(|d| vec![d])?;
    let as_of = opts.as_of;
    let mut g = Gathered { warnings: select::packet_warnings(inputs), ..Gathered::default() };
    let spool = spool::Spool::new();
    if inputs.practice.effective.is_none() {
        g.warnings.push(
            Diagnostic::warning("no-effective-date", "the practice sets no `effective` date")
                .with_hint("each document is dated by the later of the last change of the rules it states and its state's review date")
                .with_hint("set `effective = YYYY-MM-DD` to the day your forms take effect"),
        );
    }
    let languages = inputs.languages();
    let mut held = outputs::Held::new(&languages);
    for state in &states {
        if opts.budget.spent() {
            break; // a template went over its budget: its error is all there is to say
        }
        let first_of_state = g.documents.len();
        let (docs, w) = select::documents(inputs, state);
        g.warnings.extend(w);
        for (n, lang) in languages.iter().enumerate() {
            let first = n == 0;
            let scope = match StateScope::new(inputs, state, as_of, lang, &opts.budget) {
                Ok(s) => s,
                Err(e) => {
                    g.errors.push(e);
                    continue;
                }
            };
            if first {
                g.reviews.extend(review::stale_diagnostics(inputs, state, &scope.reviews));
                g.warnings.extend(validate::rule_warnings(
                    scope.jurisdiction,
                    state,
                    &scope.resolved,
                    as_of,
                ));
            }
            let first_of_lang = g.documents.len();
            for doc in &docs {
                if !opts.budget.spent() {
                    g.push(render_document(inputs, &scope, doc, None, as_of));
                }
            }
            let date = g.documents[first_of_lang..].iter().map(|d| d.effective.max(as_of)).max();
            if first && let Some(d) = date.and_then(|date| validate::unstaffed(inputs, state, date))
            {
                if inputs.practice.per_clinician.is_empty() {
                    g.warnings.push(d)
                } else {
                    g.refusals.push(d)
                }
            }
            if opts.formats.pdf {
                plan_packets(inputs, &scope, &docs, first_of_lang, as_of, &mut g);
            }
            plan_clinician_documents(inputs, &scope, first, opts, &mut g);
        }
        settle(inputs, opts, &spool, &mut held, &mut g, first_of_state);
    }
    if !g.errors.is_empty() {
        return Err(g.errors);
    }
    outputs::link_alternates(&mut g.outputs, &g.documents);
    let untranslated = held.diagnostics(inputs);
    Ok(Plan {
        states,
        documents: g.documents,
        outputs: g.outputs,
        refusals: g.refusals,
        warnings: g.warnings,
        untranslated,
        reviews: g.reviews,
        as_of: opts.as_of,
        built_on: opts.as_of,
        budget: opts.budget.clone(),
        spool,
    })
}

/// A state's documents, planned (those from `first` on): a translated one
/// whose translation is not current is held back; every other one gets its
/// outputs and their keys, and its texts go to the spool.
fn settle(
    inputs: &Inputs,
    opts: &PlanOptions,
    spool: &spool::Spool,
    held: &mut outputs::Held,
    g: &mut Gathered,
    first: usize,
) {
    for mut d in g.documents.split_off(first) {
        if held.holds(&d) {
            continue;
        }
        let i = g.documents.len();
        g.outputs.extend(outputs::outputs_of(inputs, opts, &mut d, i, &mut g.template_shas));
        d.spooled = spool.take(&mut d.rendered);
        g.documents.push(d);
    }
}

/// The packets of one state in one language, of the documents rendered for
/// it from `first_of_lang` on.
fn plan_packets(
    inputs: &Inputs,
    scope: &StateScope<'_>,
    docs: &[String],
    first_of_lang: usize,
    as_of: Date,
    g: &mut Gathered,
) {
    let (state, lang) = (scope.state, scope.lang);
    let packets = select::packets(&inputs.practice.in_state(state), docs);
    let several = packets.len() > 1;
    for k in packets {
        // A couple's packet has its own copies: the forms both
        // partners sign, and each one-person form twice.
        let copies = if k.id == "packet-couple" {
            match couple_copies(inputs, scope, &k.documents, as_of) {
                Ok(c) => c,
                Err(e) => {
                    g.errors.push(e);
                    continue;
                }
            }
        } else {
            Vec::new()
        };
        let members: Vec<&Document> = if k.id == "packet-couple" {
            copies.iter().collect()
        } else {
            g.documents[first_of_lang..].iter().filter(|d| k.documents.contains(&d.id)).collect()
        };
        let audience = lang.ui.get(if several { k.audience } else { "audience_clients" });
        if let Some(p) = packet_document(inputs, k.id, audience, &members, lang) {
            g.documents.push(p);
        }
    }
}

/// Each clinician's own documents in one state and language: only for a
/// clinician licensed there, and refused where the licence is not valid on
/// the form's date.
fn plan_clinician_documents(
    inputs: &Inputs,
    scope: &StateScope<'_>,
    first: bool,
    opts: &PlanOptions,
    g: &mut Gathered,
) {
    let (state, as_of) = (scope.state, opts.as_of);
    for c in &inputs.practice.clinicians {
        let own = clinician_documents(inputs, scope, c);
        if own.is_empty() || !c.licenses.iter().any(|l| l.state.get_ref() == state) {
            continue;
        }
        for doc in own {
            if opts.budget.spent() {
                continue;
            }
            let used = inputs.templates.variables(&doc);
            // A form may name a clinician only with a licence valid on
            // its effective date and on the day it is handed out.
            let date = scope.effective_date(inputs.practice.effective, &used, as_of).max(as_of);
            if let Some(r) = validate::refusal(inputs, c, state, date) {
                if !g.refusals.iter().any(|x: &Diagnostic| x.message == r.message) {
                    g.refusals.push(r);
                }
                continue;
            }
            if first
                && Doc::parse(&doc).is_some_and(|d| d.need() == Need::Clinician)
                && board_must_approve(scope, c)
            {
                g.warnings.push(
                    Diagnostic::warning(
                        "board-approval",
                        format!("{state} disclosure ({}): the board must approve this statement before it is used", c.id.get_ref()),
                    )
                    .with_hint("send the built statement to the board for approval; the form does not say it is approved"),
                );
            }
            g.push(render_document(inputs, scope, &doc, Some(c), as_of));
        }
    }
}

/// Whether the state's known disclosure rule for the clinician's profession
/// asks the board to approve the statement before use.
fn board_must_approve(scope: &StateScope<'_>, c: &Clinician) -> bool {
    let topics = scope.topics(&[c.profession]);
    topics[topic::professional_disclosure]["rules"]
        .as_array()
        .is_some_and(|rs| rs.iter().any(|r| r["known"] == true && r["board_approved"] == true))
}

/// A clinician's own documents in a state: those in `per_clinician` the
/// practice offers there, and a professional disclosure statement where the
/// state's confirmed rule requires one of their profession.
fn clinician_documents(inputs: &Inputs, scope: &StateScope<'_>, c: &Clinician) -> Vec<String> {
    let p = &inputs.practice.in_state(scope.state);
    let mut out: Vec<String> = p
        .per_clinician
        .iter()
        .map(|d| d.get_ref().clone())
        .filter(|d| match Doc::parse(d).map(Doc::need) {
            Some(Need::Telehealth) => scope.practice.services.telehealth,
            Some(Need::Minors) => p.services.minors,
            Some(Need::SelfPay) => p.fees.self_pay,
            _ => true,
        })
        .collect();
    let topics = scope.topics(&[c.profession]);
    let required = topics[topic::professional_disclosure]["rules"]
        .as_array()
        .is_some_and(|rs| rs.iter().any(|r| r["known"] == true && r["required"] == true));
    let disclosure = Doc::Disclosure.id();
    if required && !out.iter().any(|d| d == disclosure) {
        out.push(disclosure.into());
    }
    let ids = inputs.templates.document_ids();
    out.retain(|d| ids.contains(d));
    out.sort_by_key(|d| ids.iter().position(|i| i == d));
    out
}

impl Plan {
    /// One of a document's texts, from the spool where it was set aside.
    pub fn text<'d>(
        &self,
        d: &'d Document,
        part: spool::Part,
    ) -> Result<std::borrow::Cow<'d, str>, Diagnostic> {
        self.spool.get(&d.rendered, d.spooled, part).map_err(|e| {
            Diagnostic::error(
                "spool",
                format!("reading back the text of {} from a temporary file: {e}", d.name()),
            )
            .with_hint("check that the system's temporary folder ($TMPDIR) has room")
        })
    }

    /// What the manifest records about a planned output.
    pub fn about(&self, p: &Planned) -> About {
        let d = &self.documents[p.doc];
        About {
            state: Some(d.state.clone()),
            document: Some(d.id.clone()),
            clinician: d.clinician.clone(),
            format: p.format.name().into(),
            title: Some(d.rendered.title.clone()),
            language: Some(d.lang.code().into()),
            effective: Some(d.effective.to_string()),
            grade: (d.lang == Lang::En).then(|| grade_1dp(d.score.grade())),
            inflesz: (d.lang != Lang::En).then(|| grade_1dp(d.score.inflesz())),
            key: p.key.clone(),
            templates: p.templates.clone(),
            rules: d.rules.clone(),
            notice_text: d.notice_text.clone(),
        }
    }
}

/// The documents of a couple's packet, in order: each one-person form once
/// for each partner, every other form in its couple's copy.
fn couple_copies(
    inputs: &Inputs,
    scope: &StateScope<'_>,
    ids: &[String],
    as_of: Date,
) -> Result<Vec<Document>, Diagnostic> {
    let mut out = Vec::new();
    for id in ids {
        let variants: &[Variant] = if crate::model::Doc::parse(id).is_some_and(|d| d.per_person()) {
            &[Variant::Partner(1), Variant::Partner(2)]
        } else {
            &[Variant::Couple]
        };
        for v in variants {
            out.push(render_variant(inputs, scope, id, None, as_of, *v)?);
        }
    }
    Ok(out)
}
