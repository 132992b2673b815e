//! The Markdown escaper: any text, escaped and put into a template (after
//! text, at the start of a line, in a list item, a table cell, a heading),
//! reads back as the same text with its whitespace runs collapsed.
#![no_main]

use consentgen::render::markdown::{escaped, events, plain_text};
use libfuzzer_sys::fuzz_target;

/// Whitespace runs to one space; the escaper treats control characters as whitespace.
fn collapse(text: &str) -> String {
    text.split(|c: char| c.is_whitespace() || c.is_control())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

fuzz_target!(|text: &str| {
    let e = escaped(text);
    let want = collapse(text);
    for (template, prefix) in [
        ("Text: {}\n", "Text: "),
        ("{}\n", ""),
        ("Before\n{}\n", "Before "),
        ("- {}\n", ""),
        ("# {}\n", ""),
        // `plain_text` puts nothing between table cells.
        ("| a |\n|---|\n| {} |\n", "a"),
        ("> {}\n", ""),
    ] {
        let md = template.replace("{}", &e);
        let got = collapse(&plain_text(&events(&md)));
        let expected = collapse(&format!("{prefix}{want}"));
        assert_eq!(got, expected, "template {template:?}, escaped {e:?}");
    }
});
