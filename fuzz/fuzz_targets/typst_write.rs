//! The Typst writer on arbitrary Markdown: whatever the template produces,
//! the markup parses with Typst's own parser without an error, and a document
//! the template stage accepts (nesting within the limit) never nests past
//! what Typst's parser allows.
#![no_main]

use consentgen::render::{markdown, typst as writer};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|md: &str| {
    let events = markdown::events(md);
    if writer::nesting(&events) > writer::MAX_NESTING {
        // The template stage refuses these (see `Templates::render_markdown`);
        // the writer still must not crash on them.
        let _ = writer::write(&events);
        return;
    }
    let markup = writer::write(&events);
    let root = typst::syntax::parse(&markup);
    let (errors, _) = root.errors_and_warnings();
    assert!(errors.is_empty(), "{:?} in {markup:?}", errors.first().map(|e| &e.message));
});
