//! The notice of privacy practices' own date (issue 28). HIPAA asks the
//! notice to say when it takes effect (45 C.F.R. § 164.520(b)(1)(viii)),
//! and a revised notice to take effect anew, be posted and be offered
//! (§ 164.520(c)(2)(iv)). The date is the practice's (`[privacy]
//! notice_effective`, else `effective`), never one the tool picks, so the
//! same inputs give the same files: a build or check that finds the
//! notice's text changed since the last build while its date did not move
//! forward refuses, and a first build of a notice dated before the build's
//! day warns.

use crate::date::Date;
use crate::diag::Diagnostic;
use crate::load::Inputs;
use crate::manifest::Manifest;

use super::Plan;

/// The error of a revised notice whose date did not move forward, and the
/// warning of a notice first built after the date it says it took effect.
pub fn revisions(
    inputs: &Inputs,
    plan: &Plan,
    previous: Option<&Manifest>,
    built_on: Date,
) -> Vec<Diagnostic> {
    let mut out: Vec<Diagnostic> = Vec::new();
    for p in &plan.outputs {
        let d = &plan.documents[p.doc];
        let Some(text) = &d.notice_text else { continue };
        let before = previous.and_then(|m| m.outputs.iter().find(|o| o.path == p.path));
        match before {
            Some(o) => {
                let (Some(old_text), Some(old_date)) = (&o.about.notice_text, &o.about.effective)
                else {
                    continue;
                };
                let moved = Date::parse(old_date).is_some_and(|old| d.effective > old);
                if old_text != text && !moved && !out.iter().any(|x| x.code == "notice-revised") {
                    out.push(at_date(
                        inputs,
                        Diagnostic::error(
                            "notice-revised",
                            format!(
                                "privacy notice revised: set a new notice_effective, post it and offer it ({} still says {})",
                                p.path, old_date
                            ),
                        )
                        .with_hint("a revised notice takes effect on a new date (45 C.F.R. § 164.520(c)(2)(iv)): set `[privacy] notice_effective` to the day you post it, then build")
                        .with_hint("consentgen does not pick the date, so the same inputs always give the same files"),
                    ));
                }
            }
            None if d.effective < built_on && !out.iter().any(|x| x.code == "notice-date") => {
                out.push(at_date(
                    inputs,
                    Diagnostic::warning(
                        "notice-date",
                        format!(
                            "the privacy notice says it took effect on {}, before this first build on {built_on}",
                            d.effective
                        ),
                    )
                    .with_hint("a notice takes effect no earlier than the day it is posted: set `[privacy] notice_effective` to that day"),
                ));
            }
            None => {}
        }
    }
    out
}

/// Points a diagnostic at `notice_effective` (or `effective`) in the
/// practice file, when it is there.
fn at_date(inputs: &Inputs, d: Diagnostic) -> Diagnostic {
    let text = inputs.sources.text(inputs.practice_file);
    let line = ["notice_effective", "effective"].iter().find_map(|k| {
        text.match_indices(k).map(|(at, _)| at).find(|at| *at == 0 || text[..*at].ends_with('\n'))
    });
    match line {
        Some(at) => {
            let end = text[at..].find('\n').map_or(text.len(), |e| at + e);
            d.at(inputs.practice_file, at..end).with_label("the notice's date")
        }
        None => d,
    }
}
