//! The HTML writer: Markdown events to an HTML fragment.
//!
//! pulldown-cmark's own writer escapes text and attributes; raw HTML never
//! reaches it as markup because [`super::markdown::events`] turns it into
//! text first. The page around the fragment is the `page.html` template.

use pulldown_cmark::Event;

/// Writes the events of one document as an HTML fragment.
pub fn write(events: &[Event<'_>]) -> String {
    let mut out = String::with_capacity(events.len() * 24);
    pulldown_cmark::html::push_html(&mut out, events.iter().cloned());
    out
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
