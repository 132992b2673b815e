//! The index pages: one per language, every state's documents, clinician
//! forms and packets with their reading level and date (see
//! [`crate::render::index`] for the page itself).

use std::collections::BTreeMap;

use crate::date::Date;
use crate::diag::Diagnostic;
use crate::i18n::{Lang, Language};
use crate::load::Inputs;
use crate::render::index::{IndexEntry, IndexLogo, IndexPacket, IndexState};

use super::{Alternate, Format, Plan};

/// The path of the index page of `lang`: `index.html` for the practice's
/// first language, `index.<code>.html` for the others.
pub fn index_path(inputs: &Inputs, lang: Lang) -> String {
    let first = inputs.practice.languages.first().map(|l| *l.get_ref());
    if first == Some(lang) || first.is_none() {
        "index.html".into()
    } else {
        format!("index.{}.html", lang.code())
    }
}

/// A document's reading level as the index shows it: "grade 5.4";
/// "INFLESZ 72.1 (bastante fácil)".
pub fn reading(lang: &Language<'_>, score: &crate::lint::readability::Score) -> String {
    match score.lang {
        Lang::En => format!("{} {:.1}", lang.ui.get("grade"), grade_1dp(score.grade())),
        Lang::Es => {
            let i = grade_1dp(score.inflesz());
            format!("INFLESZ {i:.1} ({})", crate::lint::readability::inflesz_band(i))
        }
    }
}

/// Every index page of a build, one per language (see [`index_path`]):
/// its path and its HTML. `kept`: the outputs of states `--states` left out.
pub fn index_pages(
    inputs: &Inputs,
    plan: &Plan,
    kept: &[crate::manifest::Output],
) -> Result<Vec<(String, String)>, Diagnostic> {
    let languages = inputs.languages();
    let paths: Vec<(Lang, String)> =
        languages.iter().map(|l| (l.lang, index_path(inputs, l.lang))).collect();
    let mut out = Vec::new();
    for lang in &languages {
        let mut states = plan.index_states(inputs, lang);
        states.extend(kept_index_states(inputs, kept, lang));
        states.sort_by(|a, b| a.code.cmp(&b.code));
        let alternates: Vec<Alternate> = paths
            .iter()
            .filter(|(l, _)| *l != lang.lang)
            .map(|(l, p)| Alternate { lang: l.code(), name: l.name(), href: p.clone() })
            .collect();
        let logo = inputs.logo.as_ref().map(|l| {
            let english = inputs.practice.logo_alt.clone().unwrap_or_default();
            let alt = inputs
                .practice
                .translations
                .get(&lang.lang)
                .and_then(|t| t.logo_alt.as_ref())
                .map_or(english, |t| t.text().to_string());
            IndexLogo { src: l.data_url(), alt }
        });
        let html = crate::render::index::render(
            &inputs.templates,
            &inputs.practice,
            logo.as_ref(),
            &states,
            lang,
            &alternates,
            &plan.budget,
        )?;
        out.push((index_path(inputs, lang.lang), html));
    }
    Ok(out)
}

/// A grade rounded to one decimal, as printed everywhere.
pub fn grade_1dp(g: f64) -> f64 {
    (g * 10.0).round() / 10.0
}

/// The index entries of outputs a build keeps from an earlier one (the
/// states `--states` left out), from what their manifest entries record, in
/// the order a build of those states would list them.
pub fn kept_index_states(
    inputs: &Inputs,
    kept: &[crate::manifest::Output],
    lang: &Language<'_>,
) -> Vec<IndexState> {
    let mut states: BTreeMap<&str, Vec<&crate::manifest::Output>> = BTreeMap::new();
    for o in kept {
        let in_lang = o.about.language.as_deref().unwrap_or("en") == lang.lang.code();
        if let Some(s) = &o.about.state
            && in_lang
        {
            states.entry(s.as_str()).or_default().push(o);
        }
    }
    states.into_iter().map(|(code, outputs)| kept_state(inputs, code, &outputs, lang)).collect()
}

/// One kept state's index entry, from its outputs' manifest entries.
fn kept_state(
    inputs: &Inputs,
    code: &str,
    outputs: &[&crate::manifest::Output],
    lang: &Language<'_>,
) -> IndexState {
    let ids = inputs.templates.document_ids();
    let clinicians = &inputs.practice.clinicians;
    let per_clinician = &inputs.practice.per_clinician;
    let mut packets = Vec::new();
    // (clinician, document) -> entry, in the order first seen.
    let mut entries: Vec<((Option<String>, String), IndexEntry)> = Vec::new();
    for o in outputs {
        let (Some(doc), a) = (o.about.document.clone(), &o.about) else { continue };
        if a.clinician.is_none() && doc.starts_with("packet") {
            let title = a.title.clone().unwrap_or_else(|| doc.clone());
            let rank = super::select::PACKETS.iter().position(|p| *p == doc);
            packets.push((rank, IndexPacket { title, path: o.path.clone() }));
            continue;
        }
        let key = (a.clinician.clone(), doc.clone());
        let at = match entries.iter().position(|(k, _)| *k == key) {
            Some(at) => at,
            None => {
                entries.push((key, kept_entry(inputs, a, &doc, lang)));
                entries.len() - 1
            }
        };
        let link = Some(o.path.clone());
        match a.format.as_str() {
            "html" => entries[at].1.html = link,
            _ => entries[at].1.pdf = link,
        }
    }
    let rank = |(clinician, doc): &(Option<String>, String)| {
        let unknown = usize::MAX;
        let c = clinician
            .as_ref()
            .map(|id| clinicians.iter().position(|c| c.id.get_ref() == id).unwrap_or(unknown));
        let d = match clinician {
            None => ids.iter().position(|i| i == doc),
            Some(_) => per_clinician.iter().position(|p| p.get_ref() == doc),
        };
        (c, d.unwrap_or(unknown), clinician.clone(), doc.clone())
    };
    entries.sort_by_key(|(k, _)| rank(k));
    // In the order a build lists them (the manifest lists them by path).
    packets.sort_by_key(|(rank, p)| (rank.unwrap_or(usize::MAX), p.path.clone()));
    let (clinicians, documents): (Vec<_>, Vec<_>) =
        entries.into_iter().map(|(_, e)| e).partition(|e| e.clinician.is_some());
    let name = inputs
        .jurisdictions
        .get(code)
        .map_or_else(|| code.to_string(), |j| lang.state_name(&j.rules.name, code));
    IndexState {
        code: code.to_string(),
        heading: lang.ui.fill("state_forms", &[("state", &name)]),
        name,
        documents,
        clinicians,
        packets: packets.into_iter().map(|(_, p)| p).collect(),
    }
}

/// A kept document's index entry, without its links.
fn kept_entry(
    inputs: &Inputs,
    a: &crate::manifest::About,
    doc: &str,
    lang: &Language<'_>,
) -> IndexEntry {
    let name = a.clinician.as_ref().map(|id| {
        inputs
            .practice
            .clinicians
            .iter()
            .find(|c| c.id.get_ref() == id)
            .map_or_else(|| id.clone(), |c| c.name.clone())
    });
    let effective = a.effective.clone().unwrap_or_default();
    let reading = match (a.grade, a.inflesz) {
        (_, Some(i)) => {
            format!("INFLESZ {i:.1} ({})", crate::lint::readability::inflesz_band(i))
        }
        (g, None) => format!("{} {:.1}", lang.ui.get("grade"), g.unwrap_or(0.0)),
    };
    IndexEntry {
        id: doc.to_string(),
        title: a.title.clone().unwrap_or_else(|| doc.to_string()),
        html: None,
        pdf: None,
        reading,
        effective: Date::parse(&effective).map_or(effective, |d| lang.date(d)),
        clinician: name,
    }
}

impl Plan {
    /// Every state and its documents in `lang`, as its index page lists them.
    pub fn index_states(&self, inputs: &Inputs, lang: &Language<'_>) -> Vec<IndexState> {
        self.states
            .iter()
            .map(|s| {
                let link = |i: usize, f: Format| {
                    self.outputs
                        .iter()
                        .find(|o| o.doc == i && o.format == f)
                        .map(|o| o.path.clone())
                };
                let (mut documents, mut clinicians) = (Vec::new(), Vec::new());
                let mut name = None;
                for (i, d) in self.documents.iter().enumerate() {
                    if &d.state != s || d.packet || d.lang != lang.lang {
                        continue;
                    }
                    name.get_or_insert_with(|| d.meta.state_name.clone());
                    let entry = IndexEntry {
                        id: d.id.clone(),
                        title: d.rendered.title.clone(),
                        html: link(i, Format::Html),
                        pdf: link(i, Format::Pdf),
                        reading: reading(lang, &d.score),
                        effective: lang.date(d.effective),
                        clinician: d.meta.clinician.clone().flatten(),
                    };
                    if d.clinician.is_some() {
                        clinicians.push(entry)
                    } else {
                        documents.push(entry)
                    }
                }
                let packets = self
                    .outputs
                    .iter()
                    .filter(|o| {
                        let d = &self.documents[o.doc];
                        d.packet && &d.state == s && d.lang == lang.lang
                    })
                    .map(|o| IndexPacket {
                        title: self.documents[o.doc].rendered.title.clone(),
                        path: o.path.clone(),
                    })
                    .collect();
                let name =
                    name.unwrap_or_else(|| lang.state_name(&inputs.jurisdictions[s].rules.name, s));
                IndexState {
                    code: s.clone(),
                    heading: lang.ui.fill("state_forms", &[("state", &name)]),
                    name,
                    documents,
                    clinicians,
                    packets,
                }
            })
            .filter(|st| {
                // A translation held back entirely lists nothing for its state.
                lang.lang == Lang::En || !st.documents.is_empty() || !st.clinicians.is_empty()
            })
            .collect()
    }
}
