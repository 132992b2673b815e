//! The HTML writer: Markdown events to an HTML fragment.
//!
//! pulldown-cmark's own writer escapes text and attributes; raw HTML never
//! reaches it as markup because [`super::markdown::events`] turns it into
//! text first. The page around the fragment is the `page.html` template.

use pulldown_cmark::Event;

use super::markdown::{FormBlock, form_block};

/// Writes the events of one document as an HTML fragment.
pub fn write(events: &[Event<'_>]) -> String {
    let mut out = String::with_capacity(events.len() * 24);
    let mut start = 0;
    let mut i = 0;
    while i < events.len() {
        if let Some((block, end)) = form_block(events, i) {
            pulldown_cmark::html::push_html(&mut out, events[start..i].iter().cloned());
            form_html(&block, &mut out);
            i = end + 1;
            start = i;
        } else {
            i += 1;
        }
    }
    pulldown_cmark::html::push_html(&mut out, events[start..].iter().cloned());
    out
}

fn escape(text: &str) -> String {
    let mut s = String::with_capacity(text.len());
    // pulldown-cmark's own escaper, the one push_html uses for text.
    let _ = pulldown_cmark_escape::escape_html(&mut s, text);
    s
}

/// Signature blocks and labelled blanks: lines on paper, labelled for screen readers.
fn form_html(block: &FormBlock, out: &mut String) {
    match block {
        FormBlock::Signatures(roles) => {
            out.push_str("<div class=\"signatures\">\n");
            for r in roles {
                let r = escape(r);
                out.push_str(&format!(
                    "<div class=\"signature\" role=\"group\" aria-label=\"{r}\">\n<p class=\"signature-role\">{r}</p>\n<div class=\"signature-lines\">\n<p class=\"blank wide\"><span class=\"line\"></span>Signature</p>\n<p class=\"blank\"><span class=\"line\"></span>Printed name</p>\n<p class=\"blank narrow\"><span class=\"line\"></span>Date</p>\n</div>\n</div>\n"
                ));
            }
            out.push_str("</div>\n");
        }
        FormBlock::Fields(labels) => {
            out.push_str("<div class=\"fields\">\n");
            for l in labels {
                out.push_str(&format!(
                    "<p class=\"field\">{}<span class=\"line\"></span></p>\n",
                    escape(l)
                ));
            }
            out.push_str("</div>\n");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::markdown;

    #[test]
    fn raw_html_and_data_stay_text() {
        let data = "<script>alert(1)</script> #set page(width: 1cm) {{ secret }} $x$";
        let md = format!("<b>template html</b>\n\nName: {}", markdown::escaped(data));
        let html = write(&markdown::events(&md));
        assert!(!html.contains("<script>"), "{html}");
        assert!(!html.contains("<b>"), "{html}");
        assert!(
            html.contains(
                "&lt;script&gt;alert(1)&lt;/script&gt; #set page(width: 1cm) {{ secret }} $x$"
            ),
            "{html}"
        );
    }
}
