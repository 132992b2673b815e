//! Text that would print off the page (issue 28): a footer pushed below the
//! paper by a state's 14-point minimum, say, leaves a printed page that
//! cannot be matched to its document. Every compiled PDF is checked: each
//! run of text, with its glyphs' height, must lie inside the page.

use typst::layout::{Abs, Frame, FrameItem, Point, Size, Transform};
use typst_layout::PagedDocument;

/// The first text that runs off a page: its page (from 1) and its words.
pub fn off_page(document: &PagedDocument) -> Option<(usize, String)> {
    document.pages().iter().enumerate().find_map(|(i, page)| {
        off_frame(&page.frame, Transform::identity(), page.frame.size()).map(|t| (i + 1, t))
    })
}

/// The first text of `frame` (placed on the page by `ts`) outside `page`.
fn off_frame(frame: &Frame, ts: Transform, page: Size) -> Option<String> {
    // Rounding in layout may put a glyph a hair past an edge.
    let slack = Abs::pt(0.5);
    frame.items().find_map(|(pos, item)| {
        let ts = ts.pre_concat(Transform::translate(pos.x, pos.y));
        match item {
            FrameItem::Group(g) => off_frame(&g.frame, ts.pre_concat(g.transform), page),
            FrameItem::Text(text) => {
                // From the baseline: ascenders above, descenders below.
                let corners = [
                    Point::new(Abs::zero(), -text.size * 0.8),
                    Point::new(text.width(), text.size * 0.25),
                ];
                let outside = corners.iter().map(|c| c.transform(ts)).any(|p| {
                    p.x < -slack || p.y < -slack || p.x > page.x + slack || p.y > page.y + slack
                });
                outside.then(|| text.text.to_string())
            }
            _ => None,
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pdf::Engine;

    fn document(template: &str) -> PagedDocument {
        let engine = Engine::new(template, None);
        engine.layout_for_tests("Body text.").expect("compiles")
    }

    #[test]
    fn text_inside_the_page_passes() {
        let doc = document("#set page(paper: \"us-letter\")\n#include \"/body.typ\"\n");
        assert_eq!(off_page(&doc), None);
    }

    #[test]
    fn a_footer_below_the_paper_is_found() {
        let template = "#set page(paper: \"us-letter\", margin: (bottom: 0.3in), footer-descent: 0pt, \
                        footer: [#set text(size: 14pt)\nOne\\\nTwo\\\nThree\\\nFour\\\nFive])\n\
                        #include \"/body.typ\"\n";
        let found = off_page(&document(template));
        assert!(matches!(found, Some((1, _))), "{found:?}");
    }
}
