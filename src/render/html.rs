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
pub(crate) mod tests {
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
