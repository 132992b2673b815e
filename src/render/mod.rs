//! Render: a document's context through its Tera template to Markdown, then
//! through pulldown-cmark to the two writers, HTML and Typst.
//!
//! One Markdown text feeds both writers, so every sentence is written once.

pub mod context;
pub mod html;
pub mod index;
pub mod markdown;
pub mod packet;
pub mod templates;
pub mod typst;
pub mod views;

use pulldown_cmark::{Event, Tag, TagEnd};

/// One document rendered to its intermediate forms.
#[derive(Clone, Debug)]
pub struct Rendered {
    /// The Markdown the template produced.
    pub markdown: String,
    /// The document's title: the text of its first level-1 heading.
    pub title: String,
    /// The HTML fragment of the body.
    pub html: String,
    /// The Typst markup of the body.
    pub typst: String,
    /// The text a reader sees, for linting.
    pub text: String,
}

/// Turns rendered Markdown in `lang` into HTML and Typst.
pub fn from_markdown(markdown: String, lang: &crate::i18n::Language<'_>) -> Rendered {
    let events = markdown::events(&markdown);
    let title = title(&events);
    let html = html::write_in(&events, &lang.ui);
    let labels = lang.ui.signer_labels();
    let text =
        markdown::plain_text_in(&events, (lang.lang != crate::i18n::Lang::En).then_some(&labels));
    let typst = typst::write_in(&events, lang.ui.form_words());
    drop(events);
    Rendered { title, html, typst, text, markdown }
}

fn title(events: &[Event<'_>]) -> String {
    let mut inside = false;
    let mut out = String::new();
    for e in events {
        match e {
            Event::Start(Tag::Heading { level: pulldown_cmark::HeadingLevel::H1, .. }) => {
                inside = true
            }
            Event::End(TagEnd::Heading(pulldown_cmark::HeadingLevel::H1)) if inside => break,
            Event::Text(t) | Event::Code(t) if inside => out.push_str(t),
            _ => {}
        }
    }
    out.trim().to_string()
}
