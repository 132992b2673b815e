//! The TOML loaders on arbitrary text: a practice file and a jurisdiction
//! file, then every diagnostic rendered for people and as JSON, and every
//! character of every value located in the file. Nothing may panic,
//! whatever the text.
#![no_main]

use consentgen::date::Date;
use consentgen::diag::Sources;
use consentgen::load;
use libfuzzer_sys::fuzz_target;

const STATES: [&str; 3] = ["CA", "NY", "TX"];
const DOCUMENTS: [&str; 2] = ["consent", "confidentiality"];

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let mut sources = Sources::new();
    let file = sources.add("XX.toml", text);
    let today = Date::parse("2026-01-01").unwrap();
    let mut diags = match load::jurisdiction(&sources, file, "XX", today) {
        Ok((_, warnings)) => warnings,
        Err(errors) => errors,
    };
    if let Err(errors) = load::practice(&sources, file, &STATES, &DOCUMENTS) {
        diags.extend(errors);
    }
    for d in &diags {
        let _ = sources.render(d);
        let _ = sources.render_short(d);
        let _ = sources.to_json(d);
    }
    // Every character of every value is located inside the file, on
    // character boundaries (as written, or the escape that makes it).
    for (_, span, value) in load::text_values(text) {
        for c in value.chars().take(64) {
            let at = load::locate_char(text, span.clone(), c);
            assert!(text.get(at.clone()).is_some(), "{c:?} located at {at:?} of {span:?}");
        }
    }
});
