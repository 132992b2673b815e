//! Validate: what the types cannot say about the inputs of a build, found
//! after they load: clinicians' forms that cannot be made (no licence valid
//! on the date, no licensed supervisor), licences about to expire, and the
//! rules a build uses that are unconfirmed, about to change or overdue for
//! review; and text no bundled font can set in a PDF.

use crate::date::Date;
use crate::diag::{Diagnostic, FileId};
use crate::load::{Inputs, LoadedJurisdiction};
use crate::model::Clinician;
use crate::resolve::Resolved;

/// Why a clinician's form for a state cannot be made on `as_of`, if it cannot.
pub fn refusal(inputs: &Inputs, c: &Clinician, state: &str, as_of: Date) -> Option<Diagnostic> {
    let id = c.id.get_ref();
    if c.license_on(state, as_of).is_none() {
        let latest = c
            .licenses
            .iter()
            .filter(|l| l.state.get_ref() == state)
            .max_by_key(|l| *l.expires.get_ref());
        let last = latest.map(|l| *l.expires.get_ref());
        let mut d = Diagnostic::error(
            "license-not-valid",
            format!(
                "no form for `{id}` ({}) in {state}: no licence valid on {as_of}{}",
                c.name,
                last.map(|d| format!(" (the last expired on {d})")).unwrap_or_default()
            ),
        )
        .with_hint("renew the licence and update `expires`; a form may only name a clinician licensed on its effective date");
        if let Some(l) = latest {
            d = d.at(inputs.practice_file, l.expires.span()).with_label("expired");
        }
        return Some(d);
    }
    if let Some(s) = &c.supervisor {
        let sup = inputs.practice.clinicians.iter().find(|x| x.id.get_ref() == s.get_ref())?;
        if sup.associate || sup.license_on(state, as_of).is_none() {
            return Some(
                Diagnostic::error(
                    "supervisor-not-licensed",
                    format!(
                        "no form for `{id}` ({}) in {state}: supervisor `{}` holds no full licence there valid on {as_of}",
                        c.name,
                        s.get_ref()
                    ),
                )
                .with_hint("an associate's supervisor must be fully licensed in the state where the client is"),
            );
        }
    }
    None
}

/// The problem with a state whose practice-wide forms name no clinician:
/// the practice has clinicians, and none holds a licence there valid on
/// the forms' date.
pub fn unstaffed(inputs: &Inputs, state: &str, date: Date) -> Option<Diagnostic> {
    let p = &inputs.practice;
    // Only the practice's own states: `--states all` previews other states.
    let own = p.states.iter().any(|s| s.get_ref() == state);
    if !own
        || p.clinicians.is_empty()
        || p.clinicians.iter().any(|c| c.license_on(state, date).is_some())
    {
        return None;
    }
    let message =
        format!("no clinician of the practice holds a licence in {state} valid on {date}");
    let d = if p.per_clinician.is_empty() {
        Diagnostic::warning("unstaffed", message)
    } else {
        Diagnostic::error("unstaffed", message)
    };
    Some(d.with_hint(format!(
        "the forms for {state} name no one who may see clients there; add the licence to a clinician, or remove {state} from `states`"
    )))
}

/// Warnings about licences that expire within 60 days of `as_of`, in the
/// states built.
pub fn license_warnings(inputs: &Inputs, states: &[String], as_of: Date) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for c in &inputs.practice.clinicians {
        for l in &c.licenses {
            let days = l.expires.get_ref().days_since_epoch() - as_of.days_since_epoch();
            if states.contains(l.state.get_ref()) && (0..=60).contains(&days) {
                out.push(
                    Diagnostic::warning(
                        "license-expires-soon",
                        format!(
                            "`{}` ({}): the {} licence in {} expires on {}",
                            c.id.get_ref(),
                            c.name,
                            l.kind,
                            l.state.get_ref(),
                            l.expires.get_ref()
                        ),
                    )
                    .at(inputs.practice_file, l.expires.span())
                    .with_hint("renew it and update `expires`; forms naming this clinician stop on that date"),
                );
            }
        }
    }
    out
}

/// Warnings about one state's rules as a build uses them: unconfirmed values,
/// changes coming within 60 days, and a rule file not reviewed in the last
/// 12 months.
pub fn rule_warnings(
    j: &LoadedJurisdiction,
    state: &str,
    resolved: &[Resolved],
    as_of: Date,
) -> Vec<Diagnostic> {
    let mut out = unconfirmed_and_coming(state, resolved, as_of);
    let reviewed = *j.rules.last_reviewed.get_ref();
    if as_of.days_since_epoch() - reviewed.days_since_epoch() > 365 {
        out.push(
            Diagnostic::warning(
                "review-overdue",
                format!("{state} rules were last reviewed on {reviewed}, over a year ago"),
            )
            .at(j.file, j.rules.last_reviewed.span())
            .with_hint("check every rule against its source, then update `last_reviewed`"),
        );
    }
    out
}

/// Warnings about the rules a build will use: values left out of documents
/// (unconfirmed, or no rule for some professions) summed up in one warning
/// per state, and changes coming within 60 days.
fn unconfirmed_and_coming(code: &str, resolved: &[Resolved], as_of: Date) -> Vec<Diagnostic> {
    use crate::model::professions_plain;
    let mut out = Vec::new();
    let mut gaps = Vec::new();
    for r in resolved {
        let mut why = Vec::new();
        if r.in_force.is_empty() {
            why.push(format!("no version in effect on {as_of}"));
        } else {
            for v in &r.in_force {
                let whom = if r.in_force.len() == 1 && r.uncovered.is_empty() {
                    String::new()
                } else {
                    format!(" for {}", professions_plain(&v.professions))
                };
                if !v.confirmed {
                    why.push(format!("unconfirmed{whom}"));
                } else if !v.unconfirmed_fields.is_empty() {
                    why.push(format!("{} unconfirmed{whom}", v.unconfirmed_fields.join(", ")));
                }
            }
            if !r.uncovered.is_empty() {
                why.push(format!("no rule for {}", professions_plain(&r.uncovered)));
            }
        }
        if !why.is_empty() {
            gaps.push(format!("`{}` ({})", r.topic, why.join("; ")));
        }
        if let Some(next) = r.next_change
            && next.days_since_epoch() - as_of.days_since_epoch() <= 60
        {
            out.push(
                Diagnostic::warning(
                    "rule-changes-soon",
                    format!("{code} `{}` changes on {next}: rebuild then", r.topic),
                )
                .with_hint(format!("or build the new forms now with `--as-of {next}`")),
            );
        }
    }
    if !gaps.is_empty() {
        out.push(
            Diagnostic::warning(
                "unconfirmed-rule",
                format!("{code}: left out of documents, which say only what is generally true: {}", gaps.join(", ")),
            )
            .with_hint(format!("`consentgen explain {code}` shows them; confirm each in its source, then mark it confirmed")),
        );
    }
    out
}

/// Text a PDF cannot set, found before anything is typeset: every value of
/// the practice file and of the chosen states' rule files with a character
/// no bundled font has (one diagnostic per value, at the character, naming
/// every such character), then any such character a document template
/// itself writes. Latin (Vietnamese and the Hawaiian ʻokina included),
/// Greek and Cyrillic letters all set.
pub fn unsettable<'a>(
    inputs: &Inputs,
    states: &[String],
    documents: impl IntoIterator<Item = UnsetDoc<'a>>,
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let mut files: Vec<FileId> = vec![inputs.practice_file];
    files.extend(states.iter().filter_map(|s| inputs.jurisdictions.get(s)).map(|j| j.file));
    let mut reported: Vec<char> = Vec::new();
    for file in files {
        let text = inputs.sources.text(file);
        for (key, span, value) in crate::load::text_values(text) {
            let chars = missing_glyphs(&value);
            let Some(first) = chars.first() else { continue };
            let at = crate::load::locate_char(text, span, *first);
            out.push(
                Diagnostic::error(
                    "no-glyph",
                    format!(
                        "`{key}` has {} no bundled font can set in a PDF: {}",
                        noun(&chars),
                        list(&chars)
                    ),
                )
                .at(file, at)
                .with_label("here")
                .with_hint(HINT),
            );
            reported.extend(chars);
        }
    }
    // Characters a template writes itself (values were reported above).
    let mut templates: Vec<String> = Vec::new();
    for d in documents {
        let name = format!("{}.md", d.id);
        if templates.contains(&name) {
            continue;
        }
        let chars: Vec<char> =
            missing_glyphs(&d.markdown).into_iter().filter(|c| !reported.contains(c)).collect();
        let Some(first) = chars.first() else { continue };
        templates.push(name.clone());
        let mut diag = Diagnostic::error(
            "no-glyph",
            format!(
                "{} has {} no bundled font can set in a PDF: {}",
                d.name,
                noun(&chars),
                list(&chars)
            ),
        )
        .with_hint(HINT);
        if let Some(t) = inputs.templates.files.get(&name)
            && let Some(at) = t.text.find(*first)
        {
            diag = diag.at(t.file, at..at + first.len_utf8()).with_label("in the template");
        }
        out.push(diag);
    }
    out
}

/// A document [`unsettable`] looks at: its template's id, its name for
/// messages (`CA consent`) and its Markdown.
pub struct UnsetDoc<'a> {
    /// The document id (its template is `<id>.md`).
    pub id: &'a str,
    /// Its name in messages.
    pub name: String,
    /// The Markdown its template wrote.
    pub markdown: std::borrow::Cow<'a, str>,
}

const HINT: &str = "PDFs set Latin (Vietnamese and Hawaiian included), Greek and Cyrillic letters; write this in one of them, or build web pages only with `--formats html`";

/// The characters of `text` no bundled font has, each once, in order.
fn missing_glyphs(text: &str) -> Vec<char> {
    let mut chars: Vec<char> = Vec::new();
    for c in text.chars().filter(|c| !crate::pdf::can_set(*c)) {
        if !chars.contains(&c) {
            chars.push(c);
        }
    }
    chars
}

fn noun(chars: &[char]) -> &'static str {
    if chars.len() == 1 { "a character" } else { "characters" }
}

/// `阮 (U+962E), 氏 (U+6C0F)`, at most 8, then how many more.
fn list(chars: &[char]) -> String {
    let mut parts: Vec<String> = chars
        .iter()
        .take(8)
        .map(|c| {
            if c.is_control() {
                format!("U+{:04X}", *c as u32)
            } else {
                format!("{c} (U+{:04X})", *c as u32)
            }
        })
        .collect();
    if chars.len() > 8 {
        parts.push(format!("and {} more", chars.len() - 8));
    }
    parts.join(", ")
}
