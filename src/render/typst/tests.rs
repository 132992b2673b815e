//! Tests of the Typst writer: escaping, nesting, headings, footnotes.

use super::*;
use crate::render::markdown;

#[test]
fn escapes_every_markup_character() {
    let hostile = "<script>alert(1)</script> #set page(width: 1cm) {{ secret }} $x$";
    let escaped = escape_markup(hostile);
    assert_eq!(
        escaped,
        "\\<script\\>alert\\(1\\)\\<\\/script\\> \\#set page\\(width\\: 1cm\\) \\{\\{ secret \\}\\} \\$x\\$"
    );
    assert_eq!(escape_markup("= a\n- b"), "\\= a \\- b");
}

#[test]
fn escaped_text_parses_as_text_only() {
    use typst::syntax::{SyntaxKind, parse};
    for text in [
        "<script>alert(1)</script> #set page(width: 1cm) {{ secret }} $x$",
        "= heading\n- list\n+ enum\n/ term: x\n12. enum",
        "http://example.org/a(b) // comment /* x */ *bold* _emph_ `raw` @ref <label>",
        "a -- b --- c ... -? ~ \\u{41} \\",
    ] {
        let root = parse(&escape_markup(text));
        assert!(root.errors_and_warnings().0.is_empty(), "{text:?}");
        let mut rebuilt = String::new();
        fn walk(node: &typst::syntax::SyntaxNode, out: &mut String) {
            match node.kind() {
                SyntaxKind::Text | SyntaxKind::Space => out.push_str(node.leaf_text()),
                SyntaxKind::Escape => out.push_str(&node.leaf_text()[1..]),
                SyntaxKind::Markup => node.children().for_each(|c| walk(c, out)),
                SyntaxKind::SmartQuote => out.push_str(node.leaf_text()),
                other => panic!("unexpected {other:?} in {:?}", node.leaf_text()),
            }
        }
        walk(&root, &mut rebuilt);
        let expected: String = text.chars().map(|c| if c == '\n' { ' ' } else { c }).collect();
        assert_eq!(rebuilt, expected);
    }
}

#[test]
fn writes_structure_as_calls() {
    let md = "# Title\n\nA *b* **c** [d](https://e.org).[^1]\n\n- one\n- two\n\n1. x\n2. y\n\n| h | i |\n|---|--:|\n| 1 | 2 |\n\n[^1]: Cal. Civ. Code § 43.92";
    let typ = write(&markdown::events(md));
    assert!(typ.contains("#heading(level: 1)[Title];"), "{typ}");
    assert!(typ.contains("#emph[b];"), "{typ}");
    assert!(typ.contains("#link(\"https://e.org\")[d];"), "{typ}");
    assert!(typ.contains("#footnote[Cal\\. Civ\\. Code § 43\\.92];"), "{typ}");
    assert!(typ.contains("#block(breakable: false)[#list([one], [two], )];"), "{typ}");
    assert!(typ.contains("#enum(start: 1, [x], [y], )];"), "{typ}");
    assert!(typ.contains("table.header(strong[h], strong[i], )"), "{typ}");
    assert!(typ.contains("align: (left, right,)"), "{typ}");
    assert!(!typ.contains("[^1]"));
}

fn parses_cleanly(typ: &str) {
    let root = typst::syntax::parse(typ);
    let (errors, _) = root.errors_and_warnings();
    assert!(errors.is_empty(), "{errors:?} in {typ}");
}

#[test]
fn footnote_labels_match_without_regard_to_case_as_in_html() {
    let typ = write(&markdown::events("Text.[^Law]\n\n[^law]: Cal. Civ. Code § 43.92\n"));
    assert!(typ.contains("#footnote[Cal\\. Civ\\. Code § 43\\.92];"), "{typ}");
}

#[test]
fn footnotes_that_refer_to_themselves_end() {
    // A footnote referring to itself, directly or through another, was
    // written out inside itself until the stack overflowed.
    let md = "Text[^a] and[^b].\n\n[^a]: Loops[^a].\n\n[^b]: Goes to[^c].\n\n[^c]: Back to[^b].";
    let typ = write(&markdown::events(md));
    parses_cleanly(&typ);
    assert!(typ.contains("#footnote[Loops\\[^a\\]\\.];"), "{typ}");
    assert!(typ.contains("#footnote[Goes to#footnote[Back to\\[^b\\]\\.];\\.];"), "{typ}");
}

#[test]
fn long_footnote_chains_stop_at_the_limit() {
    let mut md = String::from("Start[^f0].\n\n");
    for i in 0..10_000 {
        md.push_str(&format!("[^f{i}]: Note {i}[^f{}].\n\n", i + 1));
    }
    let events = markdown::events(&md);
    let typ = write(&events);
    parses_cleanly(&typ);
    assert_eq!(typ.matches("#footnote[").count(), MAX_FOOTNOTE_DEPTH);
    assert!(nesting(&events) <= 2 + 2 * MAX_FOOTNOTE_DEPTH);
}

#[test]
fn heading_levels_never_skip() {
    // Found by fuzzing (typst_compile): a template whose first heading
    // was `##` made PDF/UA-1 refuse the document.
    let typ = write(&markdown::events("## A\n\n#### B\n\n# C\n\n### D\n\n## E"));
    let levels: Vec<&str> =
        typ.match_indices("#heading(level: ").map(|(i, _)| &typ[i + 16..i + 17]).collect();
    assert_eq!(levels, ["1", "2", "1", "2", "2"], "{typ}");
}

#[test]
fn quotes_after_digits_are_not_primes() {
    // Found by fuzzing (typst_compile): Typst sets `'` after a digit or a
    // footnote marker as `′`, which the font lacks; PDF/UA refused it.
    assert_eq!(escape_markup("5'10\" tall, client's"), "5\\'10\\\" tall, client's");
    let typ = write(&markdown::events("Text[^1]'s\n\n[^1]: Note"));
    assert!(typ.contains("];\\'s"), "{typ}");
}

#[test]
fn empty_headings_are_left_out() {
    // Found by fuzzing (typst_compile): `#` alone is an empty heading,
    // which PDF/UA-1 refuses.
    let typ = write(&markdown::events("#\n\nText\n\n## ![](x.png)\n\n### Real"));
    assert_eq!(typ.matches("#heading(").count(), 1, "{typ}");
    assert!(typ.contains("#heading(level: 1)[Real];"), "{typ}");
}

#[test]
fn nesting_counts_elements_inside_each_other() {
    assert_eq!(nesting(&markdown::events("plain")), 1);
    assert_eq!(nesting(&markdown::events("> > *x*")), 4);
    assert_eq!(nesting(&markdown::events("- a\n  - b")), 4);
    // A footnote counts where it is written out.
    assert_eq!(nesting(&markdown::events("> x[^1]\n\n[^1]: *y*")), 4);
    let deep = format!("{}x", "> ".repeat(10_000));
    let events = markdown::events(&deep);
    assert_eq!(nesting(&events), 10_001);
    // Past the limit the writer still ends, with markup Typst can parse or refuse.
    let _ = write(&events);
}

/// The text a reader sees in Typst markup: the Text, Escape, Space and
/// SmartQuote leaves, as `escaped_text_parses_as_text_only` collects them.
fn visible(markup: &str) -> String {
    use typst::syntax::{SyntaxKind, SyntaxNode};
    fn walk(node: &SyntaxNode, out: &mut String) {
        match node.kind() {
            SyntaxKind::Text | SyntaxKind::SmartQuote => out.push_str(node.leaf_text()),
            SyntaxKind::Escape => out.push_str(&node.leaf_text()[1..]),
            SyntaxKind::Space | SyntaxKind::Parbreak => out.push(' '),
            _ => node.children().for_each(|c| walk(c, out)),
        }
    }
    let root = typst::syntax::parse(markup);
    assert!(root.errors_and_warnings().0.is_empty(), "{markup}");
    let mut out = String::new();
    walk(&root, &mut out);
    crate::render::html::tests::collapse(&out)
}

proptest::proptest! {
    #[test]
    fn any_string_is_the_same_text_in_typst(data in proptest::prelude::any::<String>()) {
        let md = format!("Name: {}\n\n{}\n", markdown::escaped(&data), markdown::escaped(&data));
        let markup = write(&markdown::events(&md));
        let want = crate::render::html::tests::collapse(&format!("Name: {data} {data}"));
        proptest::prop_assert_eq!(visible(&markup), want, "{}", markup);
    }

    #[test]
    fn any_string_escaped_for_typst_parses_to_itself(data in proptest::prelude::any::<String>()) {
        let want: String = data
            .chars()
            .filter_map(|c| match c {
                '\n' | '\r' | '\t' | '\u{0B}' | '\u{0C}' | '\u{85}' | '\u{2028}' | '\u{2029}' => Some(' '),
                c if c.is_control() => None,
                c => Some(c),
            })
            .collect();
        let root = typst::syntax::parse(&escape_markup(&data));
        proptest::prop_assert!(root.errors_and_warnings().0.is_empty());
        fn leaves(node: &typst::syntax::SyntaxNode, out: &mut String) -> bool {
            use typst::syntax::SyntaxKind;
            match node.kind() {
                SyntaxKind::Text | SyntaxKind::Space | SyntaxKind::SmartQuote => {
                    out.push_str(node.leaf_text())
                }
                SyntaxKind::Escape => out.push_str(&node.leaf_text()[1..]),
                SyntaxKind::Markup => return node.children().all(|c| leaves(c, out)),
                _ => return false,
            }
            true
        }
        let mut got = String::new();
        proptest::prop_assert!(leaves(&root, &mut got), "markup other than text in {:?}", root);
        proptest::prop_assert_eq!(got, want);
    }
}
