//! Checks one jurisdiction file beyond its types: the code matches the file
//! name, the review date is not in the future, every topic has versions in
//! order with a citation and a source, and boards are listed once each.

use toml::Spanned;

use super::parse_toml;
use crate::date::Date;
use crate::diag::{Diagnostic, FileId, Sources};
use crate::model::{Jurisdiction, Profession, RuleVersion, Topic};

/// Loads and checks one jurisdiction file. `stem` is the file name without
/// `.toml`; `today` bounds `last_reviewed`.
pub fn jurisdiction(
    sources: &Sources,
    file: FileId,
    stem: &str,
    today: Date,
) -> Result<(Jurisdiction, Vec<Diagnostic>), Vec<Diagnostic>> {
    let j: Jurisdiction = parse_toml(sources, file).map_err(|d| vec![d])?;
    let mut diags = Vec::new();
    let span = |s: &Spanned<String>| s.span();
    if j.code.get_ref() != stem {
        diags.push(
            Diagnostic::error(
                "code-mismatch",
                format!("code `{}` does not match the file name", j.code.get_ref()),
            )
            .at(file, span(&j.code))
            .with_label(format!("the file is `{stem}.toml`"))
            .with_hint(format!("set `code = \"{stem}\"` or rename the file")),
        );
    }
    if *j.last_reviewed.get_ref() > today {
        diags.push(
            Diagnostic::error(
                "review-in-future",
                format!("`last_reviewed` {} is in the future", j.last_reviewed.get_ref()),
            )
            .at(file, j.last_reviewed.span())
            .with_label(format!("today is {today}"))
            .with_hint("set the date the file was last checked"),
        );
    }
    check_topic(&mut diags, file, "child_abuse", &j.child_abuse);
    check_topic(&mut diags, file, "elder_abuse", &j.elder_abuse);
    check_topic(&mut diags, file, "duty_to_warn", &j.duty_to_warn);
    check_topic(&mut diags, file, "minors", &j.minors);
    check_topic(&mut diags, file, "court_orders", &j.court_orders);
    check_topic(&mut diags, file, "records", &j.records);
    check_topic(&mut diags, file, "licensing_boards", &j.licensing_boards);
    check_topic(&mut diags, file, "telehealth", &j.telehealth);
    for v in &j.licensing_boards.versions {
        let mut seen = Vec::new();
        for b in &v.boards {
            let p = *b.profession.get_ref();
            if seen.contains(&p) {
                diags.push(
                    Diagnostic::error(
                        "duplicate-board",
                        format!("a second board for `{}`", p.key()),
                    )
                    .at(file, b.profession.span())
                    .with_hint("list one board per profession in each version"),
                );
            }
            seen.push(p);
            for s in [&b.citation, &b.source] {
                if s.get_ref().trim().is_empty() {
                    diags.push(empty(file, s, "board"));
                }
            }
        }
        for p in Profession::ALL {
            if !seen.contains(&p) {
                diags.push(
                    Diagnostic::error(
                        "missing-board",
                        format!("no licensing board for `{}`", p.key()),
                    )
                    .at(file, v.citation.span())
                    .with_label("in this version")
                    .with_hint(format!(
                        "add a `[[licensing_boards.versions.boards]]` with `profession = \"{}\"`",
                        p.key()
                    )),
                );
            }
        }
    }
    if crate::diag::has_errors(&diags) { Err(diags) } else { Ok((j, diags)) }
}

fn empty(file: FileId, s: &Spanned<String>, what: &str) -> Diagnostic {
    Diagnostic::error("empty-citation", format!("empty citation or source in a {what}"))
        .at(file, s.span())
        .with_label("empty")
        .with_hint("every value needs a citation as a lawyer writes it and the source where it was confirmed")
}

fn check_topic<V: RuleVersion>(
    diags: &mut Vec<Diagnostic>,
    file: FileId,
    name: &str,
    t: &Topic<V>,
) {
    if t.versions.is_empty() {
        diags.push(
            Diagnostic::error("missing-topic", format!("topic `{name}` has no versions"))
                .with_hint(format!("add a `[[{name}.versions]]` table")),
        );
    }
    let mut previous: Option<Date> = None;
    for (i, v) in t.versions.iter().enumerate() {
        for s in [v.citation(), v.source()] {
            if s.get_ref().trim().is_empty() {
                diags.push(empty(file, s, "rule version"));
            }
        }
        if v.status() == crate::model::Status::Confirmed
            && v.source().get_ref().trim().to_lowercase().starts_with("no source")
        {
            diags.push(
                Diagnostic::error("confirmed-without-source", format!("a confirmed `{name}` version names no source"))
                    .at(file, v.source().span())
                    .with_label("no source here")
                    .with_hint("give the URL or title where the value was read, or set `status = \"unconfirmed\"`"),
            );
        }
        match v.effective() {
            None if i > 0 => diags.push(
                Diagnostic::error(
                    "missing-effective",
                    format!("a later version of `{name}` has no `effective` date"),
                )
                .at(file, v.citation().span())
                .with_label("in this version")
                .with_hint("only the first version may leave out `effective`"),
            ),
            None => {}
            Some(e) => {
                let date = *e.get_ref();
                if let Some(p) = previous
                    && date <= p
                {
                    diags.push(
                        Diagnostic::error(
                            "versions-out-of-order",
                            format!("`{name}` versions are out of order"),
                        )
                        .at(file, e.span())
                        .with_label(format!("not after the previous version's {p}"))
                        .with_hint(
                            "list versions oldest first, each with a later `effective` date",
                        ),
                    );
                }
                previous = Some(date);
            }
        }
        for u in v.unconfirmed() {
            if !V::FIELDS.contains(&u.get_ref().as_str()) {
                diags.push(
                    Diagnostic::error(
                        "unknown-field",
                        format!("`unconfirmed` names `{}`, not a field of `{name}`", u.get_ref()),
                    )
                    .at(file, u.span())
                    .with_hint(format!("fields of `{name}`: {}", V::FIELDS.join(", "))),
                );
            }
        }
    }
}
