//! The index page, `out/index.html`: every state and document of a build,
//! linked, with its reading grade and effective date (`templates/index.html`).

use serde::Serialize;

use crate::diag::Diagnostic;
use crate::model::Practice;
use crate::render::templates::Templates;

/// One state on the index.
#[derive(Clone, Debug, Serialize)]
pub struct IndexState {
    /// USPS code.
    pub code: String,
    /// State name.
    pub name: String,
    /// Its section's heading ("Forms for clients in California").
    pub heading: String,
    /// Practice-wide documents.
    pub documents: Vec<IndexEntry>,
    /// Clinicians' own forms.
    pub clinicians: Vec<IndexEntry>,
    /// The packet PDFs (adults', minors', couples'), when there are any.
    pub packets: Vec<IndexPacket>,
}

/// One packet PDF on the index.
#[derive(Clone, Debug, Serialize)]
pub struct IndexPacket {
    /// Its title: `Forms for adults in California`.
    pub title: String,
    /// Its path.
    pub path: String,
}

/// One document on the index.
#[derive(Clone, Debug, Serialize)]
pub struct IndexEntry {
    /// Document id.
    pub id: String,
    /// Title.
    pub title: String,
    /// Path of its page, when built.
    pub html: Option<String>,
    /// Path of its PDF, when built.
    pub pdf: Option<String>,
    /// Reading level: "grade 5.4", "INFLESZ 72.1 (bastante fácil)".
    pub reading: String,
    /// Effective date, written out.
    pub effective: String,
    /// The clinician a clinician's form names.
    pub clinician: Option<String>,
}

/// The practice's logo at the head of the index page.
#[derive(Clone, Debug, Serialize)]
pub struct IndexLogo {
    /// A `data:` URL (the page is self-contained).
    pub src: String,
    /// Its text alternative, in the page's language.
    pub alt: String,
}

/// Renders the index page.
pub fn render<A: Serialize>(
    templates: &Templates,
    practice: &Practice,
    logo: Option<&IndexLogo>,
    states: &[IndexState],
    lang: &crate::i18n::Language<'_>,
    alternates: &[A],
    budget: &crate::budget::Budget,
) -> Result<String, Diagnostic> {
    let mut ctx = tera::Context::new();
    ctx.insert("practice", practice);
    ctx.insert("logo", &logo);
    ctx.insert("states", states);
    ctx.insert("version", &practice.forms_version);
    ctx.insert("lang", lang.lang.code());
    ctx.insert("ui", &lang.ui);
    ctx.insert("alternates", alternates);
    templates.render_html("index.html", &ctx, budget)
}
