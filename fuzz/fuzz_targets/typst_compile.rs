//! The Typst writer's markup compiled to PDF with the real page template:
//! any Markdown within the nesting limit, written in characters the bundled
//! font can show, gives a PDF.
#![no_main]

use std::sync::OnceLock;

use consentgen::date::Date;
use consentgen::pdf::{Engine, MAIN_TEMPLATE};
use consentgen::render::{markdown, typst as writer};
use libfuzzer_sys::fuzz_target;

fn engine() -> &'static Engine {
    static ENGINE: OnceLock<Engine> = OnceLock::new();
    ENGINE.get_or_init(|| Engine::new(MAIN_TEMPLATE, Date::parse("2026-01-01").unwrap(), 0))
}

fuzz_target!(|md: &str| {
    // Characters outside the font are a known, separate limit (a PDF/UA
    // document may not show a missing glyph): keep to printable ASCII,
    // Latin-1 letters and a few symbols.
    if md.len() > 4096
        || !md.chars().all(|c| c == '\n' || (' '..='~').contains(&c) || "éñü§–—’“”•".contains(c))
    {
        return;
    }
    let events = markdown::events(md);
    if writer::nesting(&events) > writer::MAX_NESTING {
        return;
    }
    let markup = writer::write(&events);
    let meta = serde_json::json!({
        "title": "t", "practice": "p", "lang": "en", "state": "CA", "state_name": "California",
        "version": "1", "effective": "January 1, 2026", "hash": "0", "keywords": "k",
    });
    if let Err(e) = engine().compile(&markup, &meta, "fuzz") {
        panic!("{e}\nmarkup: {markup:?}");
    }
});
