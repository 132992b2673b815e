//! Renders one document for one state: its date, the clinicians and
//! professions it covers, what its template sees (see
//! `render::context`), its Markdown and the two forms made from it, the rule
//! versions it used and the required elements it lacks.

use std::collections::BTreeMap;

use serde_json::Value;

use super::Document;
use crate::date::Date;
use crate::diag::Diagnostic;
use crate::i18n::Language;
use crate::io::sha256_hex;
use crate::lint::required::Missing;
use crate::load::{Inputs, LoadedJurisdiction};
use crate::manifest::RuleUse;
use crate::model::{Clinician, Profession, topic};
use crate::render;
use crate::render::context::{
    BoardView, ClinicianContext, DocContext, DocInfo, JurisdictionContext, LogoMeta, PageMeta,
    PracticeContext, topic_view,
};
use crate::render::packet::Member;
use crate::resolve::Resolved;

/// What one state contributes to every document's context.
pub struct StateScope<'a> {
    /// USPS code.
    pub state: &'a str,
    /// Its rules.
    pub jurisdiction: &'a LoadedJurisdiction,
    /// Every topic, resolved for the build's date.
    pub resolved: Vec<Resolved>,
    /// The practice as templates see it here.
    pub practice: PracticeContext,
    /// The language documents are written in.
    pub lang: &'a Language<'a>,
    /// The state's name in that language.
    pub name: String,
    /// The build's budget, which rendering spends.
    pub budget: &'a crate::budget::Budget,
    /// Counsel's reviews of the state's rules, applied to `resolved` where
    /// current (see [`super::review`]).
    pub reviews: Vec<super::review::ReviewUse>,
}

impl<'a> StateScope<'a> {
    /// The scope of `state` on `as_of`.
    pub fn new(
        inputs: &'a Inputs,
        state: &'a str,
        as_of: Date,
        lang: &'a Language<'a>,
        budget: &'a crate::budget::Budget,
    ) -> Result<StateScope<'a>, Diagnostic> {
        let jurisdiction = &inputs.jurisdictions[state];
        let mut resolved = crate::resolve::resolve(&jurisdiction.rules, as_of);
        let reviews = super::review::apply(inputs, state, as_of, &mut resolved, budget)?;
        let practice = PracticeContext::new(&inputs.practice, state, lang);
        let name = lang.state_name(&jurisdiction.rules.name, state);
        Ok(StateScope { state, jurisdiction, resolved, practice, lang, name, budget, reviews })
    }

    /// What templates see of every topic, for these professions.
    pub fn topics(&self, relevant: &[Profession]) -> BTreeMap<&'static str, Value> {
        self.resolved
            .iter()
            .map(|r| (r.topic, topic_view(r, relevant, self.lang, self.state)))
            .collect()
    }

    /// A clinician as templates see them here on `date`, with their board.
    pub fn clinician(&self, inputs: &Inputs, c: &Clinician, date: Date) -> ClinicianContext {
        let topics = self.topics(&[c.profession]);
        let board = topics[topic::licensing_boards]["lines"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|l| serde_json::from_value::<BoardView>(l["board"].clone()).ok())
            .find(|b| b.professions.contains(&c.profession));
        ClinicianContext::new(&inputs.practice, c, self.state, date, board, self.lang)
    }

    /// The date a document states as its effective date: the practice's
    /// `effective` date, or a later date on which a rule `topics` hold took
    /// force; without a practice date, the latest such rule date or the day
    /// the rule file was reviewed, whichever is later (a fixed date, so a
    /// daily build does not redate the forms); never after `as_of`, so forms
    /// built for a past date are dated from that date.
    pub fn effective_date(&self, practice: Option<Date>, used: &[String], as_of: Date) -> Date {
        let rule_dates = self
            .resolved
            .iter()
            .filter(|r| used.iter().any(|u| u == r.topic))
            .flat_map(|r| r.in_force.iter().filter_map(|v| v.effective));
        let latest = rule_dates.max();
        let base = match practice {
            Some(d) => d,
            None => {
                let reviewed = *self.jurisdiction.rules.last_reviewed.get_ref();
                latest.map_or(reviewed, |l| l.max(reviewed))
            }
        };
        latest.map_or(base, |l| l.max(base)).min(as_of)
    }
}

fn relevant(team: &[&Clinician], clinician: Option<&Clinician>) -> Vec<Profession> {
    match clinician {
        Some(c) => vec![c.profession],
        None if team.is_empty() => Profession::ALL.to_vec(),
        None => Profession::ALL
            .into_iter()
            .filter(|p| team.iter().any(|c| c.profession == *p))
            .collect(),
    }
}

/// Which copy of a document to render.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Variant {
    /// The document as it stands alone and in the adult and minor packets.
    Usual,
    /// The copy in a couple's packet of a form both partners sign.
    Couple,
    /// The copy in a couple's packet of a one-person form, for partner 1 or 2.
    Partner(u8),
}

/// Renders one document for one state (and, for a clinician's own form, one
/// clinician), naming the clinicians licensed in the state on its date.
pub fn render_document(
    inputs: &Inputs,
    scope: &StateScope<'_>,
    doc: &str,
    clinician: Option<&Clinician>,
    as_of: Date,
) -> Result<Document, Diagnostic> {
    render_variant(inputs, scope, doc, clinician, as_of, Variant::Usual)
}

/// [`render_document`], for one copy of the document (see [`Variant`]).
pub fn render_variant(
    inputs: &Inputs,
    scope: &StateScope<'_>,
    doc: &str,
    clinician: Option<&Clinician>,
    as_of: Date,
    variant: Variant,
) -> Result<Document, Diagnostic> {
    let used = inputs.templates.variables(doc);
    let notice = crate::model::Doc::parse(doc) == Some(crate::model::Doc::PrivacyNotice);
    let effective = document_date(inputs, scope, notice, &used, as_of);
    // The care team: clinicians licensed here on the document's date and on
    // the day it is handed out.
    let team: Vec<&Clinician> = inputs
        .practice
        .clinicians
        .iter()
        .filter(|c| c.license_on(scope.state, effective.max(as_of)).is_some())
        .collect();
    let professions = relevant(&team, clinician);
    let topics = scope.topics(&professions);
    let team_ctx: Vec<ClinicianContext> =
        team.iter().map(|c| scope.clinician(inputs, c, effective)).collect();
    let named = clinician.map(|c| scope.clinician(inputs, c, effective));
    let lang = scope.lang;
    let ctx = DocContext {
        practice: &scope.practice,
        jurisdiction: JurisdictionContext {
            code: scope.state.to_string(),
            name: scope.name.clone(),
            last_reviewed: scope.jurisdiction.rules.last_reviewed.get_ref().to_string(),
        },
        doc: doc_info(inputs, lang, doc, effective, variant),
        care_team: &team_ctx,
        associates: match &named {
            Some(c) => c.associate,
            None => team_ctx.iter().any(|c| c.associate),
        },
        clinician: named.as_ref(),
        topics: &topics,
    };
    let context = tera::Context::from_serialize(&ctx)
        .map_err(|e| Diagnostic::error("internal", format!("building the context: {e}")))?;
    let markdown = inputs.templates.render_markdown(doc, &context, lang.lang, scope.budget)?;
    let rendered = render::from_markdown(markdown, lang);
    let score =
        crate::lint::readability::score(&render::markdown::events(&rendered.markdown), lang.lang);
    let rules = rule_uses(scope, &used, &topics, &professions);
    let missing = missing_elements(inputs, scope, doc, &rendered.text, &topics);
    let meta = page_meta(inputs, scope, doc, clinician, variant, effective, &rendered.title);
    let notice_text = notice.then(|| {
        let date = lang.date(effective);
        sha256_hex(rendered.markdown.replace(&date, "").as_bytes())
    });
    Ok(Document {
        lang: lang.lang,
        state: scope.state.to_string(),
        id: doc.to_string(),
        clinician: clinician.map(|c| c.id.get_ref().clone()),
        rendered,
        spooled: None,
        score,
        rules: rules.into(),
        effective,
        missing,
        notice_text,
        meta,
        packet: false,
    })
}

/// The date a document states: for the privacy notice, the date the
/// practice gives it, never one the tool picks (a revision needs a new
/// date, 45 C.F.R. § 164.520(c)(2)(iv)); otherwise the scope's effective
/// date for the topics its template uses (`used`).
fn document_date(
    inputs: &Inputs,
    scope: &StateScope<'_>,
    notice: bool,
    used: &[String],
    as_of: Date,
) -> Date {
    let notice_date = inputs.practice.privacy.notice_effective.or(inputs.practice.effective);
    match notice_date {
        Some(d) if notice => d,
        _ => scope.effective_date(inputs.practice.effective, used, as_of),
    }
}

/// What the template sees of the document itself: its id, date, version,
/// and which copy it is (a couple's, or one partner's).
fn doc_info(
    inputs: &Inputs,
    lang: &Language<'_>,
    doc: &str,
    effective: Date,
    variant: Variant,
) -> DocInfo {
    DocInfo {
        id: doc.to_string(),
        effective: lang.date(effective),
        version: inputs.practice.forms_version.clone(),
        couple: variant != Variant::Usual,
        partner: match variant {
            Variant::Partner(n) => Some(n),
            _ => None,
        },
    }
}

/// The rule versions a document used: each topic its template uses
/// (`used`), with its date, citations, whether it is confirmed, a hash of
/// its value as the template saw it (`topics`), and counsel's current
/// reviews of it for these professions.
fn rule_uses(
    scope: &StateScope<'_>,
    used: &[String],
    topics: &BTreeMap<&'static str, Value>,
    professions: &[Profession],
) -> Vec<RuleUse> {
    scope
        .resolved
        .iter()
        .filter(|r| used.iter().any(|u| u == r.topic))
        .map(|r| RuleUse {
            state: scope.state.to_string(),
            topic: r.topic.to_string(),
            effective: r.in_force.iter().filter_map(|v| v.effective).max().map(|d| d.to_string()),
            citation: Some(
                r.in_force.iter().map(|v| v.citation.as_str()).collect::<Vec<_>>().join("; "),
            )
            .filter(|c| !c.is_empty()),
            status: if r.in_force.iter().all(|v| v.confirmed) && r.uncovered.is_empty() {
                "confirmed"
            } else {
                "unconfirmed"
            }
            .into(),
            value_sha256: sha256_hex(topics[r.topic].to_string().as_bytes()),
            reviews: scope
                .reviews
                .iter()
                .filter(|u| u.topic == r.topic && u.reviewed.current)
                .filter(|u| u.professions.iter().any(|p| professions.contains(p)))
                .map(|u| u.reviewed.clone())
                .collect(),
        })
        .collect()
}

/// The required elements the rendered document (`text`) lacks, by the
/// practice's requirements for it (none if it has none).
fn missing_elements(
    inputs: &Inputs,
    scope: &StateScope<'_>,
    doc: &str,
    text: &str,
    topics: &BTreeMap<&'static str, Value>,
) -> Vec<Missing> {
    inputs
        .requirements
        .get(doc)
        .map(|els| {
            crate::lint::required::missing(
                els,
                text,
                topics,
                &scope.practice.services,
                scope.lang.lang,
                |name| inputs.templates.files.get(name).map(|f| f.text.as_str()),
            )
        })
        .unwrap_or_default()
}

/// The page's metadata: title, practice, language, state, the document's
/// name (a partner's copy in a couple's packet has fields of its own), its
/// clinician, version and date, keywords, type size and logo.
fn page_meta(
    inputs: &Inputs,
    scope: &StateScope<'_>,
    doc: &str,
    clinician: Option<&Clinician>,
    variant: Variant,
    effective: Date,
    title: &str,
) -> PageMeta {
    let lang = scope.lang;
    let rules_name = &scope.name;
    PageMeta {
        title: title.to_string(),
        practice: inputs.practice.name.get_ref().clone(),
        lang: lang.lang.code(),
        state: scope.state.to_string(),
        state_name: rules_name.clone(),
        document: match variant {
            Variant::Partner(n) => format!("{doc}.partner-{n}"),
            _ => doc.to_string(),
        },
        clinician: Some(clinician.map(|c| c.name.clone())),
        version: inputs.practice.forms_version.clone(),
        effective: lang.date(effective),
        effective_date: effective.to_string(),
        keywords: lang.ui.fill("keywords_document", &[("state", rules_name), ("document", doc)]),
        packet: None,
        text_size: text_size(doc, &scope.resolved),
        logo: inputs.logo.as_ref().map(|l| LogoMeta {
            file: l.name.to_string(),
            alt: scope.practice.logo_alt.clone().unwrap_or_default(),
            sha256: l.sha256.clone(),
        }),
        forms: None,
        hash: None,
        ui: lang.ui.clone(),
    }
}

/// The smallest type size a state allows a release form, from its
/// `authorization` rules in force, for the documents those rules govern.
/// Unconfirmed rules count too: larger type states nothing, and a form set
/// too small may be invalid.
fn text_size(doc: &str, resolved: &[crate::resolve::Resolved]) -> Option<u32> {
    if !crate::model::Doc::parse(doc).is_some_and(crate::model::Doc::release) {
        return None;
    }
    resolved
        .iter()
        .filter(|r| r.topic == topic::authorization)
        .flat_map(|r| &r.in_force)
        .filter_map(|v| v.version["min_type_pt"].as_u64())
        .max()
        .map(|n| n as u32)
}

/// A state's packet as a document: its members' rules, once each by topic.
pub fn packet_document(
    inputs: &Inputs,
    id: &'static str,
    audience: &str,
    members: &[&Document],
    lang: &Language<'_>,
) -> Option<Document> {
    let parts: Vec<Member<'_>> = members
        .iter()
        .map(|d| Member { rendered: &d.rendered, meta: &d.meta, effective: d.effective })
        .collect();
    let (rendered, meta, effective) = render::packet::packet(
        inputs.practice.name.get_ref(),
        &inputs.practice.forms_version,
        id,
        audience,
        &parts,
        lang,
    )?;
    let mut rules: Vec<RuleUse> = Vec::new();
    for r in members.iter().flat_map(|d| d.rules.iter()) {
        if !rules.iter().any(|x| x.topic == r.topic) {
            rules.push(r.clone());
        }
    }
    Some(Document {
        lang: lang.lang,
        state: members[0].state.clone(),
        id: id.into(),
        clinician: None,
        rendered,
        spooled: None,
        score: crate::lint::readability::score(&[], lang.lang),
        rules: rules.into(),
        effective,
        missing: Vec::new(),
        notice_text: None,
        meta,
        packet: true,
    })
}
