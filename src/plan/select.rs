//! Which documents a state gets: the practice's `documents`, less those its
//! services rule out there (with a warning when it listed one), plus those
//! the law or its fees call for (the Good Faith Estimate notice for a
//! practice taking self-pay clients; a clinician's professional disclosure
//! statement where the state requires one); and which go into each packet.

use crate::diag::Diagnostic;
use crate::load::Inputs;
use crate::model::{Doc, Need, Practice};

/// A packet: which audience, its document id, and its documents.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PacketPlan {
    /// `packet` (adults), `packet-minor`, `packet-couple`.
    pub id: &'static str,
    /// The page string (see `i18n::ui`) naming its audience (`audience_adults`).
    pub audience: &'static str,
    /// Its documents, in order.
    pub documents: Vec<String>,
}

/// The practice-wide documents of `state`, in packet order, and warnings
/// for documents listed that the practice's services rule out there.
pub fn documents(inputs: &Inputs, state: &str) -> (Vec<String>, Vec<Diagnostic>) {
    let p = &inputs.practice.in_state(state);
    let mut out = Vec::new();
    let mut warnings = Vec::new();
    for d in &p.documents {
        let id = d.get_ref().as_str();
        if let Some(why) = ruled_out(p, state, id) {
            warnings.push(
                Diagnostic::warning(
                    "document-not-offered",
                    format!("`{id}` is listed in `documents` but not built for {state}: {why}"),
                )
                .at(inputs.practice_file, d.span())
                .with_hint("remove it from `documents`, or offer the service in `[services]`"),
            );
            continue;
        }
        out.push(id.to_string());
    }
    // Documents the practice's policies call for, listed or not.
    for d in Doc::ALL.into_iter().filter(|d| d.need() == Need::SelfPay && p.fees.self_pay) {
        if !out.iter().any(|x| x == d.id()) {
            out.push(d.id().to_string());
        }
    }
    let ids = inputs.templates.document_ids();
    out.sort_by_key(|d| ids.iter().position(|i| i == d));
    (out, warnings)
}

/// Why a listed document is not built in `state`, if it is not: what its
/// [`Need`] asks that the practice does not offer there.
fn ruled_out(p: &Practice, state: &str, id: &str) -> Option<&'static str> {
    match Doc::parse(id)?.need() {
        Need::Telehealth if !p.telehealth_in(state) => {
            Some("the practice does not offer telehealth there (`[services] telehealth`)")
        }
        Need::Minors if !p.services.minors => {
            Some("the practice does not see clients under 18 (`[services] minors`)")
        }
        Need::SelfPay if !p.fees.self_pay => {
            Some("the practice takes no self-pay clients (`[fees] self_pay`)")
        }
        Need::Clinician => {
            Some("a disclosure statement names one clinician: list it in `per_clinician`")
        }
        _ => None,
    }
}

/// The packets' ids, in the order a state's packets are built and listed:
/// adults, minors, couples.
pub const PACKETS: [&str; 3] = ["packet", "packet-minor", "packet-couple"];

/// The packets of `state` from its practice-wide `documents`: the adult
/// packet (every document but the minors form and the release forms), the
/// minor packet when the practice sees minors (every document but the
/// release forms), and the couple packet when the practice sees couples
/// (the adult packet's documents; never a release form); `[packets]`
/// replaces any list.
pub fn packets(p: &Practice, documents: &[String]) -> Vec<PacketPlan> {
    let chosen = |list: &Option<Vec<toml::Spanned<String>>>, default: Vec<String>| match list {
        Some(l) => {
            documents.iter().filter(|d| l.iter().any(|x| x.get_ref() == *d)).cloned().collect()
        }
        None => default,
    };
    // Release forms stand alone: each is signed for one recipient and
    // purpose, so no client gets one to sign blank with the intake forms
    // (45 C.F.R. § 164.508(b)(2)); `[packets]` may still list them.
    let intake = |d: &&String| Doc::parse(d).is_none_or(|d| !d.release());
    let all: Vec<String> = documents.iter().filter(intake).cloned().collect();
    let adult: Vec<String> = documents
        .iter()
        .filter(intake)
        .filter(|d| Doc::parse(d).is_none_or(|d| d.need() != Need::Minors))
        .cloned()
        .collect();
    // Release forms are never joint: each partner signs their own.
    let couple: Vec<String> =
        chosen(&p.packets.couple, adult.clone()).into_iter().filter(|d| intake(&d)).collect();
    let [adults, minors, couples] = PACKETS;
    let mut out = vec![PacketPlan {
        id: adults,
        audience: "audience_adults",
        documents: chosen(&p.packets.adult, adult),
    }];
    if p.services.minors {
        out.push(PacketPlan {
            id: minors,
            audience: "audience_minors",
            documents: chosen(&p.packets.minor, all),
        });
    }
    if p.services.couples {
        out.push(PacketPlan { id: couples, audience: "audience_couples", documents: couple });
    }
    out.retain(|k| !k.documents.is_empty());
    out
}

/// Warnings for `[packets]` entries naming a document the practice does not
/// build (the packet leaves it out).
pub fn packet_warnings(inputs: &Inputs) -> Vec<Diagnostic> {
    let p = &inputs.practice;
    let lists = [&p.packets.adult, &p.packets.minor, &p.packets.couple];
    let mut out = Vec::new();
    for entry in lists.into_iter().flatten().flatten() {
        let id = entry.get_ref();
        let listed = p.documents.iter().any(|d| d.get_ref() == id)
            || (Doc::parse(id).is_some_and(|d| d.need() == Need::SelfPay) && p.fees.self_pay);
        if !listed {
            out.push(
                Diagnostic::warning(
                    "packet-document",
                    format!("`[packets]` lists `{id}`, which `documents` does not"),
                )
                .at(inputs.practice_file, entry.span())
                .with_hint(
                    "a packet holds only documents the practice builds; add it to `documents`",
                ),
            );
        }
    }
    for entry in p.packets.couple.iter().flatten() {
        if Doc::parse(entry.get_ref()).is_some_and(|d| d.release()) {
            out.push(
                Diagnostic::warning(
                    "packet-document",
                    format!("`[packets] couple` lists `{}`, a release form", entry.get_ref()),
                )
                .at(inputs.practice_file, entry.span())
                .with_hint("a release is never joint: each partner signs their own, so the couple packet leaves it out"),
            );
        }
    }
    out
}
