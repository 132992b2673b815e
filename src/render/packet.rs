//! The packet: a state's documents in one PDF. A cover page with the
//! contents (drawn by `pdf.typ` when `meta.packet` is set), then each
//! document from a new page, its headings as the PDF outline.

use crate::date::Date;
use crate::render::Rendered;
use crate::render::context::PageMeta;

/// One document going into a packet.
pub struct Member<'a> {
    /// Its rendered forms.
    pub rendered: &'a Rendered,
    /// Its page data.
    pub meta: &'a PageMeta,
    /// Its effective date.
    pub effective: Date,
}

/// The packet of `members` (a state's practice-wide documents, in order),
/// with its page data and effective date (the latest of its documents');
/// `None` when there are no members.
pub fn packet(
    practice: &str,
    forms_version: &str,
    id: &str,
    audience: &str,
    members: &[Member<'_>],
    lang: &crate::i18n::Language<'_>,
) -> Option<(Rendered, PageMeta, Date)> {
    let first = members.first()?;
    let mut typst = String::new();
    let mut markdown = String::new();
    for (i, m) in members.iter().enumerate() {
        if i > 0 {
            typst.push_str("\n#pagebreak()\n\n");
        }
        typst.push_str(&crate::render::typst::form_document(&m.meta.document));
        typst.push_str(&m.rendered.typst);
        markdown.push_str(&m.rendered.markdown);
        markdown.push('\u{0}');
    }
    let effective = members.iter().map(|m| m.effective).max()?;
    let state_name = first.meta.state_name.clone();
    let title = lang.ui.fill("packet_title", &[("audience", audience), ("state", &state_name)]);
    let meta = PageMeta {
        title: title.clone(),
        practice: practice.to_string(),
        lang: first.meta.lang,
        state: first.meta.state.clone(),
        document: id.into(),
        clinician: None,
        version: forms_version.to_string(),
        effective: lang.date(effective),
        effective_date: effective.to_string(),
        keywords: lang.ui.fill("keywords_packet", &[("state", &state_name)]),
        state_name,
        packet: Some(true),
        text_size: members.iter().filter_map(|m| m.meta.text_size).max(),
        logo: first.meta.logo.clone(),
        forms: None,
        hash: None,
        ui: lang.ui.clone(),
    };
    let rendered = Rendered { markdown, title, html: String::new(), typst, text: String::new() };
    Some((rendered, meta, effective))
}
