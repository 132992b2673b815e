//! Checks one jurisdiction file beyond its types: the code matches the file
//! name, the format is 2, the review date is not in the future; every topic
//! has versions, each with one start date, a citation, a source and whom it
//! binds; versions binding the same profession are in order; a confirmed
//! version has evidence that confirms, backed by a source of its kind, and
//! cites no weak source; no version cites a blocked host; boards name their
//! professions.

use toml::Spanned;

use super::hosts::{self, HostKind};
use super::parse_toml;
use crate::date::Date;
use crate::diag::{Diagnostic, FileId, Sources};
use crate::model::{
    AppliesTo, Evidence, Jurisdiction, Profession, RuleVersion, SelfConsent, Status, Topic,
    TopicInfo, TopicVisitor,
};

/// Loads and checks one jurisdiction file. `stem` is the file name without
/// `.toml`; `today` bounds `last_reviewed`.
pub fn jurisdiction(
    sources: &Sources,
    file: FileId,
    stem: &str,
    today: Date,
) -> Result<(Jurisdiction, Vec<Diagnostic>), Vec<Diagnostic>> {
    let j: Jurisdiction = parse_toml(sources, file).map_err(|d| vec![d])?;
    let mut c = Checker { file, diags: Vec::new(), reviewed: *j.last_reviewed.get_ref() };
    if j.code.get_ref() != stem {
        c.diags.push(
            Diagnostic::error(
                "code-mismatch",
                format!("code `{}` does not match the file name", j.code.get_ref()),
            )
            .at(file, j.code.span())
            .with_label(format!("the file is `{stem}.toml`"))
            .with_hint(format!("set `code = \"{stem}\"` or rename the file")),
        );
    }
    if *j.format.get_ref() != 2 {
        c.diags.push(
            Diagnostic::error(
                "format",
                format!("rule file format {} is not 2", j.format.get_ref()),
            )
            .at(file, j.format.span())
            .with_hint("see jurisdictions/README.md for format 2 (`applies_to`, groups, lists)"),
        );
    }
    if *j.last_reviewed.get_ref() > today {
        c.diags.push(
            Diagnostic::error(
                "review-in-future",
                format!("`last_reviewed` {} is in the future", j.last_reviewed.get_ref()),
            )
            .at(file, j.last_reviewed.span())
            .with_label(format!("today is {today}"))
            .with_hint("set the date the file was last checked"),
        );
    }
    j.each_topic(&mut c);
    for v in &j.minors.versions {
        let age = v.consent_age.is_some();
        if (v.self_consent == SelfConsent::Age) != age {
            c.diags.push(
                Diagnostic::error(
                    "consent-age",
                    "`consent_age` goes with `self_consent = \"age\"`, and only with it",
                )
                .at(file, v.citation.span())
                .with_label("in this version")
                .with_hint("a minor of any age, or none: leave `consent_age` out"),
            );
        }
    }
    for v in &j.licensing_boards.versions {
        let mut seen: Vec<Profession> = Vec::new();
        for b in &v.boards {
            if b.professions.is_empty() {
                c.diags.push(
                    Diagnostic::error(
                        "no-professions",
                        format!("board `{}` licenses no profession", b.name),
                    )
                    .at(file, b.citation.span())
                    .with_hint("set `professions = [\"psychologist\"]` (profession ids)"),
                );
            }
            for p in &b.professions {
                if seen.contains(p.get_ref()) {
                    c.diags.push(
                        Diagnostic::error(
                            "duplicate-board",
                            format!("a second board for `{}`", p.get_ref().key()),
                        )
                        .at(file, p.span())
                        .with_hint("one board per profession in each version"),
                    );
                }
                seen.push(*p.get_ref());
            }
            c.sources(
                Support {
                    citation: &b.citation,
                    source: &b.source,
                    status: b.status,
                    evidence: b.evidence.as_ref(),
                    current_through: b.current_through.as_ref(),
                    note: b.note.as_deref(),
                },
                "board",
            );
        }
    }
    let Checker { diags, .. } = c;
    if crate::diag::has_errors(&diags) { Err(diags) } else { Ok((j, diags)) }
}

struct Checker {
    file: FileId,
    diags: Vec<Diagnostic>,
    /// The file's `last_reviewed`: published copies are dated against it.
    reviewed: Date,
}

/// What [`Checker::sources`] checks of a version or a board.
struct Support<'a> {
    citation: &'a Spanned<String>,
    source: &'a Spanned<String>,
    status: Status,
    evidence: Option<&'a Spanned<Evidence>>,
    current_through: Option<&'a Spanned<Date>>,
    note: Option<&'a str>,
}

impl Checker {
    /// The citation, source, evidence and status rules every version and
    /// board keeps (issue 24): a confirmed value has `evidence` that can
    /// confirm, backed by a URL of that kind (`official-text` and
    /// `official-summary`: an official host or an official body's own
    /// repository; `published-text`: a published-text host and the date its
    /// copy is current through, and for a copy more than two years older
    /// than the review, a note of the check for later amendments); nothing
    /// cites a blocked host, and a confirmed value nothing weaker than a
    /// recognised reference.
    fn sources(&mut self, s: Support<'_>, what: &str) {
        let file = self.file;
        let Support { citation, source, status, evidence, current_through, note } = s;
        for s in [citation, source] {
            if s.get_ref().trim().is_empty() {
                self.diags.push(
                    Diagnostic::error("empty-citation", format!("empty citation or source in a {what}"))
                        .at(file, s.span())
                        .with_label("empty")
                        .with_hint("every value needs a citation as a lawyer writes it and the source where it was read"),
                );
            }
        }
        let text = source.get_ref();
        let confirmed = status == Status::Confirmed;
        for url in hosts::urls(text) {
            let Some(kind) = hosts::url_kind(url) else { continue };
            let host = hosts::host(url).unwrap_or_default();
            let weak = confirmed && kind == HostKind::Other;
            if kind == HostKind::Blocked || weak {
                let at = text.find(url).map_or(source.span(), |i| {
                    let start = source.span().start + 1 + i; // after the opening quote
                    start..start + url.len()
                });
                let d = if kind == HostKind::Blocked {
                    Diagnostic::error("blocked-source", format!("`{host}` is not a source this project cites"))
                        .with_hint("homework, exam-prep, survey, AI-summary and content-farm sites, mirrors, bill trackers and other practices' pages are never sources; find the statute, regulation, court or agency page")
                } else {
                    Diagnostic::error("weak-source", format!("a confirmed {what} cites `{host}`, neither official, published text nor a recognised reference"))
                        .with_hint("cite the legislature, court or agency page, or verbatim text on Justia, Casetext, FindLaw, Cornell LII or public.law; or mark the value unconfirmed")
                };
                self.diags.push(d.at(file, at).with_label("this source"));
            }
        }
        let span = evidence.map_or(citation.span(), |e| e.span());
        let level = evidence.map(|e| *e.get_ref());
        if confirmed && !level.is_some_and(Evidence::confirms) {
            self.diags.push(
                Diagnostic::error("no-evidence", format!("a confirmed {what} has no evidence that can confirm it"))
                    .at(file, span.clone())
                    .with_label(level.map_or("no `evidence` in this version".to_string(), |l| format!("`{}` is context only", l.key())))
                    .with_hint("set `evidence` to \"official-text\", \"published-text\" or \"official-summary\" (jurisdictions/README.md), or mark the value unconfirmed"),
            );
        }
        let needs = match level {
            Some(Evidence::OfficialText | Evidence::OfficialSummary) => Some(HostKind::Official),
            Some(Evidence::PublishedText) => Some(HostKind::Published),
            _ => None,
        };
        if let (Some(kind), Some(l)) = (needs, level)
            && !hosts::cites(text, kind)
        {
            let want = if kind == HostKind::Official {
                "a legislature, code reviser, court, agency or board page, or an official body's own repository"
            } else {
                "verbatim text on law.justia.com, regulations.justia.com, casetext.com, codes.findlaw.com, law.cornell.edu or public.law"
            };
            self.diags.push(
                Diagnostic::error(
                    "evidence-source",
                    format!("`{}` evidence needs a source of its kind", l.key()),
                )
                .at(file, source.span())
                .with_label("no such URL here")
                .with_hint(format!("cite {want}, or set the `evidence` the sources support")),
            );
        }
        if level == Some(Evidence::PublishedText) {
            match current_through {
                None => self.diags.push(
                    Diagnostic::error("current-through", format!("`published-text` evidence in a {what} needs `current_through`"))
                        .at(file, span.clone())
                        .with_hint("the date the published copy says it is current through (a code year 2019: 2019-12-31)"),
                ),
                Some(d) if confirmed => {
                    let stale = d.get_ref().add_days(730) < self.reviewed;
                    let checked = note.is_some_and(|n| n.to_lowercase().contains("amendment"));
                    if stale && !checked {
                        self.diags.push(
                            Diagnostic::error("old-copy", format!("a confirmed {what} rests on a copy current through {}, over two years before the review", d.get_ref()))
                                .at(file, d.span())
                                .with_hint("check for later amendments (session laws, bill histories, a newer copy) and say so in `note` (\"amendment check: ...\"), or mark the value unconfirmed"),
                        );
                    }
                }
                Some(_) => {}
            }
        }
        let lower = note.unwrap_or("").to_lowercase();
        let unread = ["not read", "not seen", "from memory", "recollection"];
        if confirmed && let Some(phrase) = unread.iter().find(|p| lower.contains(*p)) {
            self.diags.push(
                Diagnostic::error("confirmed-unread", format!("a confirmed {what}'s note says \"{phrase}\""))
                    .at(file, citation.span())
                    .with_label("in this version")
                    .with_hint("what was not read is not confirmed: list those fields in `unconfirmed`, or mark the version unconfirmed"),
            );
        }
    }
}

impl TopicVisitor for Checker {
    fn topic<V: RuleVersion>(&mut self, info: &'static TopicInfo, t: &Topic<V>) {
        let (file, name) = (self.file, info.name);
        if t.versions.is_empty() {
            self.diags.push(
                Diagnostic::error("missing-topic", format!("topic `{name}` has no versions"))
                    .with_hint(format!(
                        "add a `[[{name}.versions]]` table, unconfirmed if need be"
                    )),
            );
        }
        // The start of each version binding each profession, in file order.
        let mut starts: Vec<(Profession, Date, std::ops::Range<usize>)> = Vec::new();
        for v in &t.versions {
            let at = v.citation().span();
            if v.effective().is_some() == v.in_force_by().is_some() {
                let span = d_span(v.effective(), v.in_force_by()).unwrap_or(at.clone());
                self.diags.push(
                    Diagnostic::error("start-date", format!("a `{name}` version needs exactly one of `effective` and `in_force_by`"))
                        .at(file, span)
                        .with_hint("`effective`: the day it took force; `in_force_by`: when that is not known, a day a source shows it in force"),
                );
            }
            let applies = v.applies_to();
            let all = applies.iter().any(|a| *a.get_ref() == AppliesTo::All);
            if applies.is_empty() || (all && applies.len() > 1) {
                self.diags.push(
                    Diagnostic::error("applies-to", format!("a `{name}` version's `applies_to` must be [\"all\"] or profession ids"))
                        .at(file, at.clone())
                        .with_label("in this version")
                        .with_hint("psychologist, professional_counselor, clinical_social_worker, marriage_family_therapist, psychiatrist"),
                );
            }
            for u in v.unconfirmed() {
                if !V::FIELDS.contains(&u.get_ref().as_str()) {
                    self.diags.push(
                        Diagnostic::error(
                            "unknown-field",
                            format!(
                                "`unconfirmed` names `{}`, not a field of `{name}`",
                                u.get_ref()
                            ),
                        )
                        .at(file, u.span())
                        .with_hint(format!("fields of `{name}`: {}", V::FIELDS.join(", "))),
                    );
                }
            }
            self.sources(
                Support {
                    citation: v.citation(),
                    source: v.source(),
                    status: v.status(),
                    evidence: v.evidence(),
                    current_through: v.current_through(),
                    note: v.note(),
                },
                &format!("`{name}` version"),
            );
            if let Some(start) = v.start() {
                for p in v.professions() {
                    starts.push((p, start, at.clone()));
                }
            }
        }
        // One diagnostic per version that starts too early for some of the
        // professions it binds, naming them.
        let mut late: Vec<(std::ops::Range<usize>, Date, Date, Vec<Profession>)> = Vec::new();
        for p in Profession::ALL {
            let mut last: Option<Date> = None;
            for (_, date, span) in starts.iter().filter(|(q, _, _)| *q == p) {
                if let Some(prev) = last
                    && *date <= prev
                {
                    match late.iter_mut().find(|(s, ..)| s == span) {
                        Some(entry) => entry.3.push(p),
                        None => late.push((span.clone(), *date, prev, vec![p])),
                    }
                }
                last = Some(*date);
            }
        }
        for (span, date, prev, profs) in late {
            let whom: Vec<&str> = profs.iter().map(|p| p.key()).collect();
            self.diags.push(
                Diagnostic::error(
                    "versions-out-of-order",
                    format!("`{name}` versions for {} are out of order", whom.join(", ")),
                )
                .at(file, span)
                .with_label(format!("starts {date}, not after {prev}"))
                .with_hint(
                    "list the versions binding a profession oldest first, each starting later",
                ),
            );
        }
    }
}

/// The span of whichever start date a version gives.
fn d_span(
    effective: Option<&Spanned<Date>>,
    in_force_by: Option<&Spanned<Date>>,
) -> Option<std::ops::Range<usize>> {
    effective.or(in_force_by).map(|d| d.span())
}
