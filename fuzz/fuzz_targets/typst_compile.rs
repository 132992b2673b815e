//! The Typst writer's markup compiled to PDF with the real page template:
//! any Markdown within the nesting limit, written in characters the bundled
//! fonts can set (`pdf::can_set`, the check `build` and `check` make before
//! typesetting), gives a PDF.
#![no_main]

use std::sync::OnceLock;

use consentgen::date::Date;
use consentgen::pdf::{Engine, MAIN_TEMPLATE, can_set};
use consentgen::render::{markdown, typst as writer};
use libfuzzer_sys::fuzz_target;

fn engine() -> &'static Engine {
    static ENGINE: OnceLock<Engine> = OnceLock::new();
    ENGINE.get_or_init(|| Engine::new(MAIN_TEMPLATE))
}

fuzz_target!(|md: &str| {
    // Characters no bundled font has are refused before typesetting (a
    // PDF/UA document may not show a missing glyph), and so are control
    // characters (`load::hidden_control`): keep to what passes both checks.
    if md.len() > 4096
        || !md.chars().all(|c| can_set(c) && !consentgen::load::hidden_control(c, md))
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
    let date = Date::parse("2026-01-01").unwrap();
    if let Err(e) = engine().compile(&markup, &meta, "fuzz", date) {
        panic!("{e}\nmarkup: {markup:?}");
    }
});
