//! The HTML writer: Markdown events to an HTML fragment.
//!
//! pulldown-cmark's own writer escapes text and attributes; raw HTML never
//! reaches it as markup because [`super::markdown::events`] turns it into
//! text first. The only markup this writer adds is its own, for three things
//! pulldown-cmark's writer does not do in an accessible way:
//!
//! - **form blocks** (signature lines, labelled blanks, check boxes): real,
//!   labelled `<input>` controls named as the PDF's fields, drawn as lines
//!   on paper;
//! - **footnote references**, which carry the legal citations: a numbered
//!   link whose name says where it goes ("see law 1");
//! - **footnote definitions**, gathered from wherever the Markdown puts them
//!   into one "Laws we cite" list at the end, numbered in the order the text
//!   first cites them, each with a link back to where it is cited.
//!
//! The page around the fragment is the `page.html` template, whose styles
//! draw these (and print them).

use std::collections::BTreeMap;
use std::fmt::Write as _;

use pulldown_cmark::{CowStr, Event, Tag, TagEnd};

use super::markdown::{FormBlock, form_block};
use crate::forms::{Field, Kind, Namer, Part};
use crate::i18n::ui::Ui;

/// Writes the events of one document as an HTML fragment. The "Laws we
/// cite" list comes before the document's last signature block, so a reader
/// meets the laws before signing; without signatures it comes last.
pub fn write(events: &[Event<'_>]) -> String {
    write_in(events, &Ui::english())
}

/// [`write`], with the words the writer adds (the list of laws, the form
/// fields' labels) in the document's language.
pub fn write_in(events: &[Event<'_>], ui: &Ui) -> String {
    let notes = Footnotes::collect(events, ui);
    let last_signatures = (0..events.len())
        .rev()
        .find(|i| matches!(form_block(events, *i), Some((FormBlock::Signatures(_), _))));
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    let mut signers = 0;
    let mut out = String::with_capacity(events.len() * 24);
    let mut namer = Namer::new(ui.form_words());
    let mut body: Vec<Event<'_>> = Vec::with_capacity(events.len());
    let mut in_link = 0usize;
    let mut listed = false;
    let mut i = 0;
    while i < events.len() {
        if let Some(end) = notes.definition_end(i) {
            i = end + 1;
            continue;
        }
        if let Some((block, end)) = form_block(events, i) {
            if Some(i) == last_signatures {
                pulldown_cmark::html::push_html(&mut out, std::mem::take(&mut body).into_iter());
                notes.write_list(events, &mut out);
                listed = true;
            }
            let mut html = String::new();
            form_html(&namer.part(&block), &mut signers, &mut html);
            body.push(Event::Html(html.into()));
            i = end + 1;
            continue;
        }
        match &events[i] {
            Event::FootnoteReference(label) => {
                let nth = seen.entry(key(label)).or_insert(0);
                *nth += 1;
                body.push(Event::InlineHtml(notes.reference(label, *nth).into()));
            }
            Event::Start(Tag::Link { .. }) => {
                in_link += 1;
                body.push(events[i].clone());
            }
            Event::End(TagEnd::Link) => {
                in_link = in_link.saturating_sub(1);
                body.push(events[i].clone());
            }
            Event::Text(t) if in_link == 0 => linkify(t, &mut body),
            other => body.push(other.clone()),
        }
        i += 1;
    }
    pulldown_cmark::html::push_html(&mut out, body.into_iter());
    if !listed {
        notes.write_list(events, &mut out);
    }
    out
}

/// Text with its web addresses as links (see
/// [`markdown::web_addresses`]): each becomes an `<a>` element, the address
/// escaped as text and as an attribute; everything else stays text.
fn linkify<'e>(text: &str, body: &mut Vec<Event<'e>>) {
    let mut at = 0;
    for range in super::markdown::web_addresses(text) {
        if range.start > at {
            body.push(Event::Text(CowStr::from(text[at..range.start].to_string())));
        }
        let url = &text[range.clone()];
        let href = if url.starts_with("www.") { format!("https://{url}") } else { url.to_string() };
        let (mut attr, mut shown) = (String::new(), String::new());
        let _ = pulldown_cmark_escape::escape_href(&mut attr, &href);
        let _ = pulldown_cmark_escape::escape_html(&mut shown, url);
        body.push(Event::InlineHtml(CowStr::from(format!("<a href=\"{attr}\">{shown}</a>"))));
        at = range.end;
    }
    if at < text.len() {
        body.push(Event::Text(CowStr::from(text[at..].to_string())));
    }
}

/// A footnote label as pulldown-cmark matches it: without regard to case.
fn key(label: &str) -> String {
    label.to_lowercase()
}

/// The footnotes of a document: their numbers, references and definitions,
/// by [`key`].
struct Footnotes {
    /// The words around the list: heading, "see law", "back to the text".
    words: [String; 4],
    /// Label → number, in the order the text first cites each.
    numbers: BTreeMap<String, usize>,
    /// How many times the text cites each label.
    cited: BTreeMap<String, usize>,
    /// Label → the event range `start..=end` of its definition.
    definitions: BTreeMap<String, (usize, usize)>,
    /// Start index → end index of every definition, to skip them in the body.
    spans: BTreeMap<usize, usize>,
}

impl Footnotes {
    fn collect(events: &[Event<'_>], ui: &Ui) -> Self {
        let words =
            ["laws_we_cite", "see_law", "back_to_text", "for_law"].map(|k| escape(ui.get(k)));
        let mut numbers = BTreeMap::new();
        let mut cited: BTreeMap<String, usize> = BTreeMap::new();
        let mut definitions = BTreeMap::new();
        let mut spans = BTreeMap::new();
        let mut open: Vec<(String, usize)> = Vec::new();
        for (i, e) in events.iter().enumerate() {
            match e {
                Event::FootnoteReference(label) => {
                    let next = numbers.len() + 1;
                    numbers.entry(key(label)).or_insert(next);
                    *cited.entry(key(label)).or_insert(0) += 1;
                }
                Event::Start(Tag::FootnoteDefinition(label)) => open.push((key(label), i)),
                Event::End(TagEnd::FootnoteDefinition) => {
                    if let Some((label, start)) = open.pop() {
                        // A definition inside another is written with its parent.
                        if open.is_empty() {
                            spans.insert(start, i);
                        }
                        definitions.entry(label).or_insert((start, i));
                    }
                }
                _ => {}
            }
        }
        // A definition nothing cites is a law the text does not rely on: it
        // is not listed (templates may define notes for rules they state
        // only sometimes).
        Footnotes { words, numbers, cited, definitions, spans }
    }

    /// If a definition starts at `i`, the index of its end.
    fn definition_end(&self, i: usize) -> Option<usize> {
        self.spans.get(&i).copied()
    }

    /// The markup of the `nth` reference to `label`.
    fn reference(&self, label: &str, nth: usize) -> String {
        let label = key(label);
        let n = self.numbers.get(&label).copied().unwrap_or(0);
        if !self.definitions.contains_key(&label) {
            // Nothing to link to: the number alone, as the PDF shows it.
            return format!("<sup class=\"law-ref\">{n}</sup>");
        }
        format!(
            "<sup class=\"law-ref\"><a href=\"#law-{n}\" id=\"{}\">\
             <span class=\"visually-hidden\">({} </span>{n}\
             <span class=\"visually-hidden\">)</span></a></sup>",
            ref_id(n, nth),
            self.words[1],
        )
    }

    /// The "Laws we cite" section: every definition, in number order, with
    /// links back to each place that cites it.
    fn write_list(&self, events: &[Event<'_>], out: &mut String) {
        if !self.numbers.keys().any(|l| self.definitions.contains_key(l)) {
            return;
        }
        let mut ordered: Vec<(usize, &str)> =
            self.numbers.iter().map(|(l, n)| (*n, l.as_str())).collect();
        ordered.sort_unstable();
        out.push_str(
            "<section class=\"laws\" aria-labelledby=\"laws-title\">\n\
             <h2 id=\"laws-title\">",
        );
        out.push_str(&self.words[0]);
        out.push_str("</h2>\n<ol>\n");
        for (n, label) in ordered {
            let Some(&(start, end)) = self.definitions.get(label) else { continue };
            let _ = write!(out, "<li id=\"law-{n}\">");
            let mut inner = &events[start + 1..end];
            // One paragraph is the usual case: write it inline, so the
            // back link sits on the same line as the citation.
            if let (Some(Event::Start(Tag::Paragraph)), Some(Event::End(TagEnd::Paragraph))) =
                (inner.first(), inner.last())
                && !inner[1..inner.len() - 1]
                    .iter()
                    .any(|e| matches!(e, Event::Start(Tag::Paragraph)))
            {
                inner = &inner[1..inner.len() - 1];
            }
            let inner: Vec<Event<'_>> = inner
                .iter()
                .map(|e| match e {
                    // A citation inside a citation: the number, unlinked.
                    Event::FootnoteReference(l) => Event::InlineHtml(CowStr::from(format!(
                        "<sup class=\"law-ref\">{}</sup>",
                        self.numbers.get(&key(l)).copied().unwrap_or(0)
                    ))),
                    other => other.clone(),
                })
                .collect();
            pulldown_cmark::html::push_html(out, inner.into_iter());
            let times = self.cited.get(label).copied().unwrap_or(0);
            for nth in 1..=times {
                let which = if times > 1 { format!(" ({nth})") } else { String::new() };
                let _ = write!(
                    out,
                    " <a class=\"back\" href=\"#{}\">{}{which}\
                     <span class=\"visually-hidden\"> {} {n}</span></a>",
                    ref_id(n, nth),
                    self.words[2],
                    self.words[3],
                );
            }
            out.push_str("</li>\n");
        }
        out.push_str("</ol>\n</section>\n");
    }
}

/// The id of the `nth` place that cites law `n`.
fn ref_id(n: usize, nth: usize) -> String {
    if nth == 1 { format!("law-{n}-ref") } else { format!("law-{n}-ref-{nth}") }
}

fn escape(text: &str) -> String {
    let mut s = String::with_capacity(text.len());
    // pulldown-cmark's own escaper, the one push_html uses for text.
    let _ = pulldown_cmark_escape::escape_html(&mut s, text);
    s
}

/// Signature blocks, labelled blanks and check boxes: real form controls
/// (`<input>` with a `<label>`), named as the PDF's fields are (see
/// [`crate::forms`]), drawn as lines on paper by the page's print styles.
/// `signers` numbers the signature groups of the whole document, so their
/// ids are unique; field ids derive from field names, which are unique too.
fn form_html(part: &Part, signers: &mut usize, out: &mut String) {
    match part {
        Part::Signers(signers_) => {
            out.push_str("<div class=\"signatures\">\n");
            for s in signers_ {
                *signers += 1;
                let id = format!("signer-{signers}");
                let _ = writeln!(
                    out,
                    "<div class=\"signature\" role=\"group\" aria-labelledby=\"{id}\">\n\
                     <p class=\"signer\" id=\"{id}\">{}</p>\n<div class=\"blanks\">",
                    escape(&s.role)
                );
                for (f, class) in s.fields.iter().zip(["blank wide", "blank", "blank narrow"]) {
                    let _ = write!(out, "<p class=\"{class}\">");
                    input(f, out);
                    out.push_str(&label(f));
                    out.push_str("</p>\n");
                }
                out.push_str("</div>\n</div>\n");
            }
            out.push_str("</div>\n");
        }
        Part::Blanks(fields) => {
            out.push_str("<div class=\"fields\">\n");
            for f in fields {
                let label = label(f);
                if f.kind == Kind::Check {
                    out.push_str("<p class=\"field check\">");
                    input(f, out);
                    out.push_str(&label);
                } else {
                    out.push_str("<p class=\"field\">");
                    out.push_str(&label);
                    input(f, out);
                }
                out.push_str("</p>\n");
            }
            out.push_str("</div>\n");
        }
    }
}

/// The id of a field's control: from its name, which is unique in the
/// document, with `_` for `.` (no field id has `_`, so `client.name` and
/// `client-name` stay apart).
fn field_id(name: &str) -> String {
    format!("field-{}", name.replace('.', "_"))
}

/// A field's `<label>`: its text, and a date's format (for paper: on
/// screen the browser's date control shows the date its own way).
fn label(f: &Field) -> String {
    let format = if f.format.is_empty() {
        String::new()
    } else {
        format!(" <span class=\"date-format\">{}</span>", escape(&f.format))
    };
    format!(
        "<label class=\"label\" for=\"{}\">{}{format}</label>",
        field_id(&f.name),
        escape(&f.label)
    )
}

/// A field's `<input>`, or `<textarea>` for a free-text answer.
fn input(f: &Field, out: &mut String) {
    let (kind, class) = match f.kind {
        Kind::Check => ("checkbox", "box"),
        Kind::Date => ("date", "line"),
        Kind::Text if f.multiline => ("", "line lines"),
        Kind::Text | Kind::Signature => ("text", "line"),
    };
    if f.multiline {
        let _ = write!(out, "<textarea class=\"{class}\" rows=\"5\"");
    } else {
        let _ = write!(out, "<input class=\"{class}\" type=\"{kind}\"");
    }
    let _ = write!(out, " id=\"{}\" name=\"{}\"", field_id(&f.name), escape(&f.name));
    if f.kind == Kind::Check {
        out.push_str(" value=\"yes\"");
    }
    if f.required {
        out.push_str(" required");
    }
    // The client is the one filling in the page: let the browser offer
    // what it knows (WCAG 2.2 1.3.5, identify input purpose).
    match f.name.as_str() {
        "client.name" | "client-name" => out.push_str(" autocomplete=\"name\""),
        "date-of-birth" => out.push_str(" autocomplete=\"bday\""),
        _ => {}
    }
    out.push_str(if f.multiline { "></textarea>" } else { ">" });
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::render::markdown;

    fn html(md: &str) -> String {
        write(&markdown::events(md))
    }

    #[test]
    fn raw_html_and_data_stay_text() {
        let data = "<script>alert(1)</script> #set page(width: 1cm) {{ secret }} $x$";
        let md = format!("<b>template html</b>\n\nName: {}", markdown::escaped(data));
        let html = html(&md);
        assert!(!html.contains("<script>"), "{html}");
        assert!(!html.contains("<b>"), "{html}");
        assert!(
            html.contains(
                "&lt;script&gt;alert(1)&lt;/script&gt; #set page(width: 1cm) {{ secret }} $x$"
            ),
            "{html}"
        );
    }

    #[test]
    fn footnotes_become_a_numbered_list_of_laws() {
        // Defined in another order than cited, one cited twice, one never.
        let md = "A.[^b] B.[^a] C.[^b]\n\n[^a]: Law A\n\n[^z]: Law Z\n\n[^b]: Law B\n";
        let html = html(md);
        let body = html.split("<section class=\"laws\"").next().unwrap();
        assert!(body.contains("<a href=\"#law-1\" id=\"law-1-ref\">"), "{html}");
        assert!(body.contains("<a href=\"#law-2\" id=\"law-2-ref\">"), "{html}");
        assert!(body.contains("<a href=\"#law-1\" id=\"law-1-ref-2\">"), "{html}");
        assert!(!body.contains("Law A"), "definitions leave the body: {html}");
        assert!(html.contains("<h2 id=\"laws-title\">Laws we cite</h2>"));
        let b = html.find("<li id=\"law-1\">Law B").expect("law 1 is b");
        let a = html.find("<li id=\"law-2\">Law A").expect("law 2 is a");
        assert!(!html.contains("Law Z"), "a law nothing cites is not listed: {html}");
        assert!(b < a, "{html}");
        assert!(html.contains("href=\"#law-1-ref-2\">Back to the text (2)"), "{html}");
        assert!(!html.contains("footnote"), "no pulldown-cmark footnote markup: {html}");
    }

    #[test]
    fn laws_come_before_the_signatures_and_addresses_are_links() {
        let md = "See www.hhs.gov/ocr and https://a.example/x?y=1&z=2.[^x]\n\n```signatures\nclient: Client\n```\n\n[^x]: Law X\n";
        let html = html(md);
        let laws = html.find("Laws we cite").unwrap();
        let sig = html.find("class=\"signatures\"").unwrap();
        assert!(laws < sig, "{html}");
        assert!(html.contains("<a href=\"https://www.hhs.gov/ocr\">www.hhs.gov/ocr</a>"), "{html}");
        assert!(
            html.contains(
                "<a href=\"https://a.example/x?y=1&amp;z=2\">https://a.example/x?y=1&amp;z=2</a>."
            ),
            "{html}"
        );
        let hostile = self::html("Go to https://x.example/\\\"><script>alert(1)</script>");
        assert!(!hostile.contains("<script>"), "{hostile}");
    }

    #[test]
    fn link_names_say_where_they_go() {
        let html = html("Text.[^x]\n\n[^x]: Cal. Civ. Code § 43.92\n");
        let text = html.replace('\n', "");
        assert!(
            text.contains(
                "<span class=\"visually-hidden\">(see law </span>1<span class=\"visually-hidden\">)</span>"
            ),
            "{html}"
        );
        assert!(text.contains("Back to the text<span class=\"visually-hidden\"> for law 1</span>"));
    }

    #[test]
    fn labels_match_without_regard_to_case() {
        // pulldown-cmark pairs `[^Child]` with `[^child]:`, so the link must too.
        let html = html("A.[^Child]\n\n[^child]: Law C\n");
        assert!(html.contains("<a href=\"#law-1\" id=\"law-1-ref\">"), "{html}");
        assert!(html.contains("<li id=\"law-1\">Law C"), "{html}");
    }

    #[test]
    fn documents_without_footnotes_have_no_law_list() {
        assert!(!html("Just text.").contains("laws"));
    }

    #[test]
    fn form_blocks_escape_labels_and_number_signers() {
        let md = "```signatures\nclient: Client <b>\ntherapist: Therapist\n```\n\n```fields\na-b: A & B\n```\n\n```signatures\nwitness: Witness\n```\n";
        let html = html(md);
        assert!(
            html.contains("<p class=\"signer\" id=\"signer-1\">Client &lt;b&gt;</p>"),
            "{html}"
        );
        assert!(html.contains("aria-labelledby=\"signer-3\""), "{html}");
        assert!(
            html.contains("<label class=\"label\" for=\"field-a-b\">A &amp; B</label>"),
            "{html}"
        );
        assert!(!html.contains("<pre>"), "{html}");
    }

    #[test]
    fn form_blocks_are_labelled_inputs_named_as_in_the_pdf() {
        let md = "```signatures\nclient [required]: Client\n```\n\n```fields\ndate-of-birth [date]: Date of birth\nvoicemail [check]: May we leave you a voicemail?\nrecipient [required multiline]: Who gets it\n```\n";
        let html = html(md);
        for want in [
            "<input class=\"line\" type=\"text\" id=\"field-client_signature\" name=\"client.signature\" required>\
             <label class=\"label\" for=\"field-client_signature\">Signature</label>",
            "type=\"text\" id=\"field-client_name\" name=\"client.name\" autocomplete=\"name\">",
            "type=\"date\" id=\"field-client_date\" name=\"client.date\" required>\
             <label class=\"label\" for=\"field-client_date\">Date <span class=\"date-format\">(mm/dd/yyyy)</span></label>",
            "<label class=\"label\" for=\"field-date-of-birth\">Date of birth <span class=\"date-format\">(mm/dd/yyyy)</span></label>\
             <input class=\"line\" type=\"date\" id=\"field-date-of-birth\" name=\"date-of-birth\" autocomplete=\"bday\">",
            "<p class=\"field check\"><input class=\"box\" type=\"checkbox\" \
             id=\"field-voicemail\" name=\"voicemail\" value=\"yes\">\
             <label class=\"label\" for=\"field-voicemail\">May we leave you a voicemail?</label></p>",
            "<textarea class=\"line lines\" rows=\"5\" id=\"field-recipient\" name=\"recipient\" required></textarea>",
        ] {
            assert!(html.contains(want), "{want}\n not in\n{html}");
        }
    }

    /// The text a browser shows for an HTML fragment: tags dropped, the
    /// entities pulldown-cmark writes decoded, whitespace runs collapsed.
    fn visible(html: &str) -> String {
        let mut text = String::new();
        let mut in_tag = false;
        for c in html.chars() {
            match c {
                '<' => in_tag = true,
                '>' if in_tag => {
                    in_tag = false;
                    text.push(' ');
                }
                c if !in_tag => text.push(c),
                _ => {}
            }
        }
        let text = text
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&quot;", "\"")
            .replace("&#39;", "'")
            .replace("&amp;", "&");
        collapse(&text)
    }

    /// Whitespace runs to one space; the Markdown escaper treats control
    /// characters as whitespace too.
    pub(crate) fn collapse(text: &str) -> String {
        text.split(|c: char| c.is_whitespace() || c.is_control())
            .filter(|w| !w.is_empty())
            .collect::<Vec<_>>()
            .join(" ")
    }

    proptest::proptest! {
        #[test]
        fn any_string_is_the_same_text_in_html(data in proptest::prelude::any::<String>()) {
            let md = format!("# Title\n\nName: {}\n\n- {}\n", markdown::escaped(&data), markdown::escaped(&data));
            let html = write(&markdown::events(&md));
            let want = collapse(&format!("Title Name: {data} {data}"));
            proptest::prop_assert_eq!(visible(&html), want, "{}", html);
        }
    }
}
