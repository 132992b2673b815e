//! Markdown: the one place that sets pulldown-cmark's options, and the
//! escaper that keeps data text from becoming Markdown markup.
//!
//! Templates are Markdown; values from the practice and rule files are
//! inserted through [`escape`], so a practice called `*Care* <b>` stays those
//! characters in every output. Both writers (HTML and Typst) read the events
//! that [`events`] returns, so a sentence is written once for both.

use pulldown_cmark::{Event, Options, Parser};

/// The Markdown extensions the templates may use.
pub fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_HEADING_ATTRIBUTES
}

/// Parses Markdown into the event list both writers read.
///
/// Raw HTML is turned into text: it never reaches the HTML output as markup,
/// and the PDF, which cannot show it, shows the same characters.
///
/// Adjacent text is one event (an escaped value arrives from pulldown-cmark
/// in pieces, split at each backslash), so a writer sees a web address or a
/// word whole.
pub fn events(markdown: &str) -> Vec<Event<'_>> {
    let events = Parser::new_ext(markdown, options()).map(|event| match event {
        Event::Html(html) | Event::InlineHtml(html) => Event::Text(html),
        Event::InlineMath(m) | Event::DisplayMath(m) => Event::Text(m),
        other => other,
    });
    pulldown_cmark::TextMergeStream::new(events).collect()
}

/// Escapes text for a Markdown template so that it reads as the same text.
///
/// Every ASCII punctuation character gets a backslash (CommonMark lets any of
/// them be escaped), and every run of whitespace, line breaks included,
/// becomes one space, so data can neither open a block (a heading, a list, an
/// indented code block) nor an inline construct (emphasis, a link, HTML).
pub fn escape(text: &str, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    let mut buf = String::with_capacity(text.len() + 8);
    escape_into(text, &mut buf);
    out.write_all(buf.as_bytes())
}

/// Escapes text for Markdown into a string (see [`escape`]).
pub fn escape_into(text: &str, buf: &mut String) {
    let mut in_space = false;
    for c in text.chars() {
        if c.is_whitespace() || c.is_control() {
            if !in_space {
                buf.push(' ');
            }
            in_space = true;
            continue;
        }
        in_space = false;
        if c.is_ascii_punctuation() {
            buf.push('\\');
        }
        buf.push(c);
    }
}

/// Escapes text for Markdown, returning a new string.
pub fn escaped(text: &str) -> String {
    let mut buf = String::new();
    escape_into(text, &mut buf);
    buf
}

pub use crate::forms::FormBlock;

/// If `events[i]` opens a form block, returns it and the index of its end.
pub fn form_block(events: &[Event<'_>], i: usize) -> Option<(FormBlock, usize)> {
    use pulldown_cmark::{CodeBlockKind, Tag, TagEnd};
    let Some(Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(lang)))) = events.get(i) else {
        return None;
    };
    let signatures = match lang.as_ref() {
        "signatures" => true,
        "fields" => false,
        _ => return None,
    };
    let mut text = String::new();
    let mut j = i + 1;
    while j < events.len() {
        match &events[j] {
            Event::Text(t) => text.push_str(t),
            Event::End(TagEnd::CodeBlock) => break,
            _ => {}
        }
        j += 1;
    }
    let labels: Vec<String> =
        text.lines().map(str::trim).filter(|l| !l.is_empty()).map(str::to_string).collect();
    Some((if signatures { FormBlock::Signatures(labels) } else { FormBlock::Fields(labels) }, j))
}

/// The byte ranges of the web addresses in `text`: `https://…`, `http://…`
/// and `www.…`, starting at a word boundary and ending before white space, a
/// quote or an angle bracket, without trailing punctuation.
pub fn web_addresses(text: &str) -> Vec<std::ops::Range<usize>> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(start) = ["https://", "http://", "www."]
        .iter()
        .filter_map(|p| {
            text[from..]
                .match_indices(p)
                .map(|(i, _)| from + i)
                .find(|i| !text[..*i].ends_with(|c: char| c.is_alphanumeric() || "/.@".contains(c)))
        })
        .min()
    {
        let tail = &text[start..];
        let mut end =
            tail.find(|c: char| c.is_whitespace() || "<>\"'`".contains(c)).unwrap_or(tail.len());
        while end > 0 && tail[..end].ends_with(['.', ',', ';', ':', ')', '!', '?']) {
            end -= 1;
        }
        let prefix =
            if tail.starts_with("www.") { 4 } else { tail.find("//").map_or(0, |i| i + 2) };
        if end > prefix + 2 {
            out.push(start..start + end);
            from = start + end;
        } else {
            from = start + prefix.max(1);
        }
    }
    out
}

/// The visible text of Markdown, as a reader would see it: the text of every
/// text-bearing event, with block boundaries as line breaks. A signature
/// block reads "Client signature, Client printed name, Date".
pub fn plain_text(events: &[Event<'_>]) -> String {
    plain_text_in(events, None)
}

/// [`plain_text`], with a signer's lines labelled in the document's language
/// (signature, printed name, date): "Firma (Cliente)".
pub fn plain_text_in(events: &[Event<'_>], labels: Option<&[String; 3]>) -> String {
    use pulldown_cmark::{Tag, TagEnd};
    // A footnote nothing cites is not shown by either writer: not text either.
    let cited: Vec<String> = events
        .iter()
        .filter_map(|e| match e {
            Event::FootnoteReference(l) => Some(l.to_lowercase()),
            _ => None,
        })
        .collect();
    let mut out = String::new();
    let mut i = 0;
    while i < events.len() {
        if let Event::Start(Tag::FootnoteDefinition(label)) = &events[i]
            && !cited.contains(&label.to_lowercase())
        {
            i = matching_end(events, i).map_or(events.len(), |end| end + 1);
            continue;
        }
        if let Some((block, end)) = form_block(events, i) {
            match block {
                FormBlock::Signatures(roles) => {
                    for r in roles.iter().map(|r| crate::forms::label_of(r)) {
                        match labels {
                            None => {
                                out.push_str(&format!("{r} signature\n{r} printed name\nDate\n"))
                            }
                            Some([s, n, d]) => {
                                out.push_str(&format!("{s} ({r})\n{n} ({r})\n{d}\n"))
                            }
                        }
                    }
                }
                FormBlock::Fields(labels) => {
                    for l in labels {
                        // The id and flags are not text a reader reads.
                        out.push_str(&format!("{}\n", crate::forms::label_of(&l)));
                    }
                }
            }
            i = end + 1;
            continue;
        }
        let event = &events[i];
        i += 1;
        match event {
            Event::Text(t) | Event::Code(t) => out.push_str(t),
            Event::SoftBreak | Event::HardBreak => out.push(' '),
            Event::End(TagEnd::Paragraph | TagEnd::Heading(_) | TagEnd::Item) => out.push('\n'),
            Event::Start(Tag::Item) => {}
            _ => {}
        }
    }
    out
}

/// A link or image of Markdown that would take a page outside itself.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Foreign {
    /// What it is and why it is refused, for a message.
    pub what: &'static str,
    /// Its destination, as written.
    pub url: String,
    /// Where it is in the Markdown.
    pub at: std::ops::Range<usize>,
}

impl Foreign {
    /// The error for it, found in `origin` (a template or a catalog), as
    /// rendered in `lang` if it was found in a rendered document.
    pub fn diagnostic(&self, origin: &str, lang: Option<&str>) -> crate::diag::Diagnostic {
        let lang = lang.map(|l| format!(" ({l})")).unwrap_or_default();
        crate::diag::Diagnostic::error(
            "foreign-link",
            format!("`{origin}`{lang} has {}: `{}`", self.what, self.url.escape_debug()),
        )
        .with_label("here")
        .with_hint("a link may go to an `http:`, `https:`, `mailto:` or `tel:` address, an anchor of the page (`#...`) or a relative file; the only image is the practice's `logo`, which the page and PDF templates place")
    }
}

/// The first link or image of `markdown` that a self-contained page may not
/// have: a link may go to the web (`http:`, `https:`), an address
/// (`mailto:`, `tel:`), an anchor of the page (`#...`) or a relative file;
/// no other scheme (`javascript:`, `data:`, `file:`), nor `//host`. A
/// document has no images (the logo comes from the practice file and is
/// placed by the page and PDF templates), so every image is refused.
pub fn foreign_target(markdown: &str) -> Option<Foreign> {
    use pulldown_cmark::Tag;
    for (event, at) in Parser::new_ext(markdown, options()).into_offset_iter() {
        match event {
            Event::Start(Tag::Image { dest_url, .. }) => {
                let what = "an image (a document shows no image but the practice's logo)";
                return Some(Foreign { what, url: dest_url.to_string(), at });
            }
            Event::Start(Tag::Link { link_type, dest_url, .. })
                if link_type != pulldown_cmark::LinkType::Email && !allowed_link(&dest_url) =>
            {
                let what = "a link that leaves the page's safe destinations";
                return Some(Foreign { what, url: dest_url.to_string(), at });
            }
            _ => {}
        }
    }
    None
}

/// Whether a link may go to `url`: `http:`, `https:`, `mailto:`, `tel:`,
/// or no scheme at all (an anchor or a relative file), but not `//host`.
fn allowed_link(url: &str) -> bool {
    let url = url.trim();
    let lower = url.to_ascii_lowercase();
    if ["https://", "http://", "mailto:", "tel:"].iter().any(|p| lower.starts_with(p)) {
        return true;
    }
    // Any `:` before the path, query or anchor starts a scheme (browsers
    // drop tabs and line breaks inside one, so its letters are not checked).
    let head = url.split(['/', '?', '#']).next().unwrap_or("");
    !head.contains(':') && !url.starts_with("//") && !url.starts_with('\\')
}

/// The index of the `End` event that closes the element `events[start]` opens.
pub fn matching_end(events: &[Event<'_>], start: usize) -> Option<usize> {
    let mut depth = 0usize;
    for (i, e) in events.iter().enumerate().skip(start) {
        match e {
            Event::Start(_) => depth += 1,
            Event::End(_) => {
                depth -= 1;
                if depth == 0 {
                    return Some(i);
                }
            }
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render_text(md: &str) -> String {
        plain_text(&events(md)).trim().to_string()
    }

    #[test]
    fn escaped_data_stays_text() {
        for data in [
            "<script>alert(1)</script> #set page(width: 1cm) {{ secret }} $x$",
            "# Heading",
            "- item",
            "1. item",
            "    indented code",
            "*a* _b_ `c` [d](e) ![f](g) <h@i.j> &amp; &#65;",
            "[^1] | x | y |\n| --- |",
            "line\n\n# two",
            "trailing \\",
            "~~strike~~ {#id}",
        ] {
            let md = format!("Text: {}", escaped(data));
            // Whitespace runs are one space to a reader (HTML and PDF alike).
            let collapse = |t: &str| t.split_whitespace().collect::<Vec<_>>().join(" ");
            let expected = collapse(&format!("Text: {data}"));
            assert_eq!(collapse(&render_text(&md)), expected, "data {data:?} became markup");
        }
    }

    #[test]
    fn links_stay_on_the_web_and_images_are_refused() {
        for ok in [
            "[a](https://x.example/p) [b](http://x.example) [c](mailto:a@b.example)",
            "[d](tel:+15035550100) [e](#fees) [f](consent.html) [g](../CA/en/consent.html)",
            "<https://x.example> <a@b.example> [h](HTTPS://X.EXAMPLE)",
            "Plain text: javascript:alert(1), ![not an image] and \\[x\\](data:y).",
        ] {
            assert_eq!(foreign_target(ok), None, "{ok}");
        }
        for (bad, url) in [
            ("[x](javascript:alert(1))", "javascript:alert(1)"),
            ("See [x](JavaScript:alert(1)).", "JavaScript:alert(1)"),
            ("<javascript:alert(1)>", "javascript:alert(1)"),
            ("[x](data:text/html,hi)", "data:text/html,hi"),
            ("[x](file:///etc/passwd)", "file:///etc/passwd"),
            ("[x](//tracker.example/p)", "//tracker.example/p"),
            ("[x](java&#9;script:alert(1))", "java\tscript:alert(1)"),
            ("![](https://tracker.example/p.gif)", "https://tracker.example/p.gif"),
            ("text ![logo](logo.png)", "logo.png"),
            ("[x]\n\n[x]: javascript:alert(1)", "javascript:alert(1)"),
        ] {
            let found = foreign_target(bad).unwrap_or_else(|| panic!("{bad} passed"));
            assert_eq!(found.url, url, "{bad}");
            assert!(bad[found.at.clone()].starts_with(['[', '<', '!']), "{bad}: {:?}", found.at);
        }
    }

    #[test]
    fn escapes_at_line_start() {
        assert_eq!(escaped("# x"), "\\# x");
        assert_eq!(escaped("a\n\n  b"), "a b");
        assert_eq!(escaped("§ 43.92"), "§ 43\\.92");
    }
}
