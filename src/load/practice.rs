//! Checks the practice file beyond its types: states, documents and
//! clinicians that exist, ids that make folder names, supervisors that are
//! clinicians of the practice.

use toml::Spanned;

use super::{closest, parse_toml};
use crate::diag::{Diagnostic, FileId, Sources};
use crate::model::Practice;

/// Loads and checks the practice file against the known states and documents.
pub fn practice(
    sources: &Sources,
    file: FileId,
    known_states: &[&str],
    known_documents: &[&str],
) -> Result<Practice, Vec<Diagnostic>> {
    let mut p: Practice = parse_toml(sources, file).map_err(|d| vec![d])?;
    let mut diags = Vec::new();
    if p.name.get_ref().trim().is_empty() {
        diags.push(
            Diagnostic::error("empty-name", "the practice name is empty")
                .at(file, p.name.span())
                .with_hint("set `name = \"...\"` to the name clients know the practice by"),
        );
    }
    if p.states.is_empty() {
        diags.push(
            Diagnostic::error("no-states", "the practice lists no states")
                .with_hint("set `states = [\"CA\"]` to the states where clients are seen"),
        );
    }
    check_list(&mut diags, file, "state", &p.states, known_states);
    check_list(&mut diags, file, "document", &p.documents, known_documents);
    check_list(&mut diags, file, "document", &p.per_clinician, known_documents);
    if let Some(states) = &p.services.telehealth_states {
        check_list(&mut diags, file, "state", states, known_states);
    }
    for l in &p.locations {
        check_list(&mut diags, file, "state", std::slice::from_ref(&l.state), known_states);
    }
    check_clinicians(&mut diags, file, &p, known_states);
    let practice_states: Vec<&str> = p.states.iter().map(|s| s.get_ref().as_str()).collect();
    for key in p.state.keys() {
        if !practice_states.contains(&key.get_ref().as_str()) {
            let mut d = Diagnostic::error(
                "unknown-state",
                format!("`[state.{}]` is not one of the practice's `states`", key.get_ref()),
            )
            .at(file, key.span())
            .with_label("not in `states`");
            if let Some(best) = closest(key.get_ref(), &practice_states) {
                d = d.with_hint(format!("did you mean `{best}`?"));
            }
            diags.push(
                d.with_hint(format!("the practice's states: {}", practice_states.join(", "))),
            );
        }
    }
    for (lang, text) in &p.translations {
        for key in text.state.keys() {
            if !p.state.keys().any(|k| k.get_ref() == key) {
                diags.push(
                    Diagnostic::error(
                        "unknown-state",
                        format!(
                            "`[translations.{}.state.{key}]` has no `[state.{key}]` to translate",
                            lang.code()
                        ),
                    )
                    .with_hint(
                        "give the state's own words in `[state.XX]` first, then their translation",
                    ),
                );
            }
        }
    }
    check_offices(&mut diags, file, &p);
    check_placeholders(&mut diags, sources, file);
    check_languages(&mut diags, file, &p);
    if !(0.0..=100.0).contains(&p.readability.min_inflesz) {
        diags.push(
            Diagnostic::error(
                "invalid-value",
                "`readability.min_inflesz` must be between 0 and 100",
            )
            .with_hint("the default is 65 (\"bastante fácil\" on the INFLESZ scale)"),
        );
    }
    if !(1.0..=20.0).contains(&p.readability.max_grade) {
        diags.push(
            Diagnostic::error("invalid-value", "`readability.max_grade` must be between 1 and 20")
                .with_hint("the default is 8.0"),
        );
    }
    if !diags.is_empty() {
        return Err(diags);
    }
    // The order a practice lists its states and documents in means nothing:
    // states go by code and documents in packet order, so that reordering
    // the lists changes no byte of any output.
    p.states.sort_by(|a, b| a.get_ref().cmp(b.get_ref()));
    let rank = |d: &Spanned<String>| known_documents.iter().position(|k| k == d.get_ref());
    p.documents.sort_by_key(rank);
    Ok(p)
}

/// Each state needs somewhere to meet: an office there (`[[locations]]`
/// with its `state`), or telehealth offered there.
fn check_offices(diags: &mut Vec<Diagnostic>, file: FileId, p: &Practice) {
    for s in &p.states {
        let state = s.get_ref();
        let here = p.in_state(state);
        let office =
            here.services.in_person && p.locations.iter().any(|l| l.state.get_ref() == state);
        if !office && !here.telehealth_in(state) {
            diags.push(
                Diagnostic::error("nowhere-to-meet", format!("no office in {state} and no telehealth there"))
                    .at(file, s.span())
                    .with_label("the forms for this state could name no place to meet")
                    .with_hint(format!("add a `[[locations]]` office with `state = \"{state}\"`, or offer telehealth there (`[services] telehealth`)")),
            );
        }
    }
}

/// The marker `consentgen init` puts in every value a practice must replace.
pub const PLACEHOLDER: &str = "(replace)";

/// A starter file's placeholders left in place: each is an error at its line,
/// so no form is ever built with "(replace) Your practice's name" in it.
fn check_placeholders(diags: &mut Vec<Diagnostic>, sources: &Sources, file: FileId) {
    let text = sources.text(file);
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let code = line.split('#').next().unwrap_or("");
        if let Some(i) = code.find(PLACEHOLDER) {
            let start = offset + i;
            diags.push(
                Diagnostic::error("placeholder", "this value is still the starter's placeholder")
                    .at(file, start..start + PLACEHOLDER.len())
                    .with_label("replace this")
                    .with_hint("write the practice's own value here (the comment above it says what it is)"),
            );
        }
        offset += line.len();
    }
}

fn check_clinicians(
    diags: &mut Vec<Diagnostic>,
    file: FileId,
    p: &Practice,
    known_states: &[&str],
) {
    let ids: Vec<&str> = p.clinicians.iter().map(|c| c.id.get_ref().as_str()).collect();
    for (i, c) in p.clinicians.iter().enumerate() {
        let id = c.id.get_ref();
        if let Some(why) = unportable(id) {
            let shown: String = id.chars().take(40).collect();
            let shown = if shown.len() < id.len() { format!("{shown}…") } else { shown };
            diags.push(
                Diagnostic::error(
                    "invalid-id",
                    format!("clinician id `{shown}` cannot be a folder name: {why}"),
                )
                .at(file, c.id.span())
                .with_hint(format!(
                    "use 1 to {MAX_ID_CHARS} letters, digits, `-` and `_`, starting with a letter or digit, e.g. `jkim`; it names the clinician's forms folder on every system"
                )),
            );
        }
        if ids[..i].iter().any(|other| other.eq_ignore_ascii_case(id)) {
            diags.push(
                Diagnostic::error("duplicate", format!("clinician id `{id}` is used twice"))
                    .at(file, c.id.span())
                    .with_hint("give each clinician their own id (ids that differ only in capitals name the same folder on macOS and Windows)"),
            );
        }
        match (&c.supervisor, c.associate) {
            (None, true) => diags.push(
                Diagnostic::error(
                    "missing-supervisor",
                    format!("associate `{id}` names no supervisor"),
                )
                .at(file, c.id.span())
                .with_hint(
                    "add `supervisor = \"<id>\"`: the licensed clinician who supervises them",
                ),
            ),
            (Some(s), _) if !ids.contains(&s.get_ref().as_str()) || s.get_ref() == id => {
                let mut d = Diagnostic::error(
                    "unknown-supervisor",
                    format!(
                        "supervisor `{}` of `{id}` is not another clinician of the practice",
                        s.get_ref()
                    ),
                )
                .at(file, s.span())
                .with_label("no clinician has this id");
                if let Some(best) = closest(s.get_ref(), &ids) {
                    d = d.with_hint(format!("did you mean `{best}`?"));
                }
                diags.push(d.with_hint(format!("clinician ids: {}", ids.join(", "))));
            }
            _ => {}
        }
        let states: Vec<Spanned<String>> = c.licenses.iter().map(|l| l.state.clone()).collect();
        check_list(diags, file, "state", &states, known_states);
    }
}

/// Longest clinician id: the folder it names must fit any file system and
/// path length, on every system a practice copies its forms to.
pub const MAX_ID_CHARS: usize = 32;

/// Why a clinician id would not make a portable folder name, if it would not.
fn unportable(id: &str) -> Option<String> {
    const RESERVED: [&str; 22] = [
        "con", "prn", "aux", "nul", "com1", "com2", "com3", "com4", "com5", "com6", "com7", "com8",
        "com9", "lpt1", "lpt2", "lpt3", "lpt4", "lpt5", "lpt6", "lpt7", "lpt8", "lpt9",
    ];
    if id.is_empty() {
        return Some("it is empty".into());
    }
    let chars = id.chars().count();
    if chars > MAX_ID_CHARS {
        return Some(format!("it is {chars} characters long; at most {MAX_ID_CHARS} are allowed"));
    }
    if let Some(bad) = id.chars().find(|c| !(c.is_ascii_alphanumeric() || *c == '-' || *c == '_')) {
        return Some(format!("`{}` is not a letter, digit, `-` or `_`", bad.escape_debug()));
    }
    if !id.starts_with(|c: char| c.is_ascii_alphanumeric()) {
        return Some("it does not start with a letter or digit".into());
    }
    if RESERVED.contains(&id.to_ascii_lowercase().as_str()) {
        return Some("Windows reserves this name".into());
    }
    None
}

fn check_list(
    diags: &mut Vec<Diagnostic>,
    file: FileId,
    what: &str,
    items: &[Spanned<String>],
    known: &[&str],
) {
    let mut seen: Vec<&str> = Vec::new();
    for item in items {
        let value = item.get_ref().as_str();
        if !known.contains(&value) {
            let mut d = Diagnostic::error(
                if what == "state" { "unknown-state" } else { "unknown-document" },
                format!("unknown {what} `{value}`"),
            )
            .at(file, item.span())
            .with_label(format!("not a known {what}"));
            if let Some(best) = known
                .iter()
                .find(|k| k.eq_ignore_ascii_case(value))
                .copied()
                .or_else(|| closest(value, known))
            {
                d = d.with_hint(format!("did you mean `{best}`?"));
            }
            diags.push(d.with_hint(format!("known: {}", known.join(", "))));
        } else if seen.contains(&value) {
            diags.push(
                Diagnostic::error("duplicate", format!("`{value}` is listed twice"))
                    .at(file, item.span())
                    .with_hint("list each once"),
            );
        }
        seen.push(value);
    }
}

/// The practice's languages: each once; its `[translations]` only for
/// languages it builds besides English, naming clinicians and offices it has.
fn check_languages(diags: &mut Vec<Diagnostic>, file: FileId, p: &Practice) {
    let mut seen = Vec::new();
    for l in &p.languages {
        if seen.contains(l.get_ref()) {
            diags.push(
                Diagnostic::error(
                    "duplicate",
                    format!("`{}` is listed twice in `languages`", l.get_ref().code()),
                )
                .at(file, l.span())
                .with_label("again here")
                .with_hint("list each language once"),
            );
        }
        seen.push(*l.get_ref());
    }
    if p.languages.is_empty() {
        diags.push(
            Diagnostic::error("invalid-value", "`languages` is empty")
                .with_hint("list at least one language, e.g. `languages = [\"en\", \"es\"]`"),
        );
    }
    for (lang, text) in &p.translations {
        let code = lang.code();
        if *lang == crate::model::Lang::En {
            diags.push(
                Diagnostic::error(
                    "unused-translation",
                    "`[translations.en]`: English is the practice's own text, not a translation",
                )
                .with_hint(
                    "put English values in the practice's own keys, and remove `[translations.en]`",
                ),
            );
        }
        for id in text.clinicians.keys() {
            if !p.clinicians.iter().any(|c| c.id.get_ref() == id) {
                diags.push(
                    Diagnostic::error("unknown-clinician", format!("`[translations.{code}.clinicians.{id}]` names no clinician of the practice"))
                        .with_hint("use a clinician's `id`"),
                );
            }
        }
        for (id, c) in &text.clinicians {
            let Some(en) = p.clinicians.iter().find(|c| c.id.get_ref() == id) else { continue };
            if let Some(items) = &c.education
                && items.len() != en.education.len()
            {
                diags.push(
                    Diagnostic::error("translation-length", format!("`[translations.{code}.clinicians.{id}] education` has {} items; `education` has {}", items.len(), en.education.len()))
                        .with_hint("translate each item of `education`, in the same order"),
                );
            }
        }
        for name in text.locations.keys() {
            if !p.locations.iter().any(|l| &l.name == name) {
                diags.push(
                    Diagnostic::error("unknown-location", format!("`[translations.{code}.locations]` names \"{name}\", which is no office of the practice"))
                        .with_hint("use an office's `name` as written in `[[locations]]`"),
                );
            }
        }
    }
}

/// Warnings for translations of a language the practice does not build:
/// kept for when it is built again, so not an error.
pub fn unused_translations(p: &Practice) -> Vec<Diagnostic> {
    let built: Vec<crate::model::Lang> = p.languages.iter().map(|l| *l.get_ref()).collect();
    p.translations
        .keys()
        .filter(|l| **l != crate::model::Lang::En && !built.contains(l))
        .map(|l| {
            let code = l.code();
            Diagnostic::warning(
                "unused-translation",
                format!("`[translations.{code}]` is for a language the practice does not build; it is not used"),
            )
            .with_hint(format!("add \"{code}\" to `languages` to build it, or remove `[translations.{code}]`"))
        })
        .collect()
}
