//! Validate: what the types cannot say about the inputs of a build, found
//! after they load: clinicians' forms that cannot be made (no licence valid
//! on the date, no licensed supervisor), licences about to expire, and the
//! rules a build uses that are unconfirmed, about to change or overdue for
//! review.

use crate::date::Date;
use crate::diag::Diagnostic;
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
        .with_hint("renew the licence and update `expires`, or build with an earlier `--as-of`");
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

/// Warnings about the rules a build will use: unconfirmed values (left out
/// of documents), topics with no version in effect, and changes coming soon.
/// Unconfirmed values are summed up in one warning per state.
fn unconfirmed_and_coming(code: &str, resolved: &[Resolved], as_of: Date) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let mut unconfirmed = Vec::new();
    for r in resolved {
        if r.version.is_none() {
            out.push(
                Diagnostic::warning(
                    "no-rule-in-effect",
                    format!("{code} `{}` has no version in effect on {as_of}", r.topic),
                )
                .with_hint("documents say only what is generally true for this topic"),
            );
        } else if !r.confirmed {
            unconfirmed.push(format!("`{}`", r.topic));
        } else if !r.unconfirmed_fields.is_empty() {
            unconfirmed.push(format!("`{}` ({})", r.topic, r.unconfirmed_fields.join(", ")));
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
    if !unconfirmed.is_empty() {
        out.push(
            Diagnostic::warning(
                "unconfirmed-rule",
                format!("{code}: unconfirmed, so left out of documents: {}", unconfirmed.join(", ")),
            )
            .with_hint(format!("`consentgen explain {code}` shows them; confirm each in its source, then mark it confirmed")),
        );
    }
    out
}
