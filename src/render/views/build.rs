//! Each rule's view built from its rule file's fields: typed per topic, its
//! board lines, its rule text translated (see the module above for what
//! each field's state means).

use serde_json::{Map, Value};

use super::*;
use crate::i18n::Language;
use crate::i18n::extract::RULE_TEXT;
use crate::model::{Profession, TOPICS, topic};
use crate::resolve::Resolved;

fn text(m: &Map<String, Value>, k: &str) -> Option<String> {
    m.get(k).and_then(Value::as_str).filter(|s| !s.trim().is_empty()).map(str::to_string)
}

fn flag(m: &Map<String, Value>, k: &str) -> Option<bool> {
    m.get(k).and_then(Value::as_bool)
}

fn number(m: &Map<String, Value>, k: &str) -> Option<u32> {
    m.get(k).and_then(Value::as_u64).and_then(|n| u32::try_from(n).ok())
}

fn list(m: &Map<String, Value>, k: &str) -> List {
    let complete = format!("{k}_complete");
    List::new(m.get(k).unwrap_or(&Value::Null), m.get(&complete).unwrap_or(&Value::Null))
}

/// A rule's confirmed fields (null where not confirmed, as
/// [`crate::resolve::InForce::template_value`] gives them) as a topic's
/// typed view, as JSON.
fn typed(name: &str, m: &Map<String, Value>, profs: &[Profession], lang: &Language<'_>) -> Value {
    let v = match name {
        t if t == topic::child_abuse => serde_json::to_value(ChildAbuseView {
            universal: flag(m, "universal") == Some(true),
            reporters: list(m, "reporters"),
            report_to: text(m, "report_to"),
            deadline: text(m, "deadline"),
        }),
        t if t == topic::elder_abuse => serde_json::to_value(elder(m)),
        t if t == topic::duty_to_warn => {
            let kind = m.get("kind").and_then(Value::as_str);
            serde_json::to_value(DutyToWarnView {
                must: kind == Some("mandatory"),
                may: kind == Some("permissive"),
                no_duty: kind == Some("none"),
                trigger: text(m, "trigger"),
                discharge: list(m, "discharge"),
            })
        }
        t if t == topic::minors => {
            let consent = m.get("self_consent").and_then(Value::as_str);
            let age = number(m, "consent_age");
            serde_json::to_value(MinorsView {
                any_age: consent == Some("any_age"),
                from_age: age.filter(|_| consent == Some("age")),
                parent_consent: consent == Some("none"),
                conditions: if consent == Some("none") {
                    List::default()
                } else {
                    list(m, "conditions")
                },
                conditions_any: flag(m, "conditions_any") == Some(true),
                parent_notice: text(m, "parent_notice"),
                parent_access: text(m, "parent_access"),
            })
        }
        t if t == topic::court_orders => serde_json::to_value(CourtOrdersView {
            privilege: text(m, "privilege"),
            exceptions: list(m, "exceptions"),
        }),
        t if t == topic::records => serde_json::to_value(RecordsView {
            years: number(m, "years"),
            retention: text(m, "retention"),
        }),
        t if t == topic::licensing_boards => {
            let boards = m
                .get("boards")
                .and_then(Value::as_array)
                .map(|bs| bs.iter().filter_map(|b| board(b, profs, lang)).collect())
                .unwrap_or_default();
            serde_json::to_value(LicensingBoardsView { boards })
        }
        t if t == topic::telehealth => {
            let req = flag(m, "consent_required");
            serde_json::to_value(TelehealthView {
                required: req == Some(true),
                not_required: req == Some(false),
                requirement: text(m, "requirement").filter(|_| req == Some(true)),
            })
        }
        t if t == topic::record_access => {
            let notes = m.get("notes_access").and_then(Value::as_str);
            // A state deadline is printed only when it is known to be no
            // longer than HIPAA's 30 days (45 C.F.R. § 164.524(b)(2)): the
            // shorter of the two binds us.
            let days = number(m, "deadline_days");
            serde_json::to_value(RecordAccessView {
                deadline_days: days,
                deadline: text(m, "deadline")
                    .filter(|_| days.is_some_and(|d| d <= FEDERAL_ACCESS_DAYS)),
                fees: text(m, "fees"),
                limits: list(m, "limits"),
                notes_included: notes == Some("included"),
                notes_excluded: notes == Some("excluded"),
            })
        }
        t if t == topic::authorization => serde_json::to_value(AuthorizationView {
            min_type_pt: number(m, "min_type_pt"),
            end_date_required: flag(m, "end_date_required") == Some(true),
            statements: list(m, "statements"),
            minor_signs: text(m, "minor_signs"),
        }),
        t if t == topic::privacy_limits => {
            serde_json::to_value(PrivacyLimitsView { limits: list(m, "limits") })
        }
        t if t == topic::professional_disclosure => {
            let req = flag(m, "required");
            serde_json::to_value(ProfessionalDisclosureView {
                required: req == Some(true),
                not_required: req == Some(false),
                when: text(m, "when"),
                contents: list(m, "contents"),
                board_approved: flag(m, "board_approved") == Some(true),
                signature: flag(m, "signature") == Some(true),
            })
        }
        _ => Ok(Value::Object(Map::new())),
    };
    v.unwrap_or(Value::Null)
}

/// The elder-abuse view: groups by duty, and the one case (a confirmed,
/// whole, empty list of groups) that may say the law requires nothing.
fn elder(m: &Map<String, Value>) -> ElderAbuseView {
    let complete = flag(m, "groups_complete") == Some(true);
    let groups: Option<Vec<(String, String)>> =
        m.get("groups").and_then(Value::as_array).map(|gs| {
            gs.iter()
                .filter_map(|g| {
                    Some((
                        g.get("kind")?.as_str()?.to_string(),
                        g.get("who")?.as_str()?.to_string(),
                    ))
                })
                .collect()
        });
    let mut view = ElderAbuseView {
        universal: flag(m, "universal") == Some(true),
        report_to: text(m, "report_to"),
        deadline: text(m, "deadline"),
        ..ElderAbuseView::default()
    };
    let Some(groups) = groups else {
        view.groups_unknown = true;
        view.must = List::unknown();
        view.may = List::unknown();
        return view;
    };
    if groups.is_empty() {
        if complete {
            view.no_duty = true;
            view.must = List { none: true, ..List::default() };
            view.may = List { none: true, ..List::default() };
        } else {
            view.groups_unknown = true;
            view.must = List::unknown();
            view.may = List::unknown();
        }
        return view;
    }
    let of = |kind: &str| -> List {
        let items: Vec<String> =
            groups.iter().filter(|(k, _)| k == kind).map(|(_, w)| w.clone()).collect();
        match (items.is_empty(), complete) {
            (true, true) => List { none: true, ..List::default() },
            (true, false) => List::default(),
            (false, whole) => List { items, whole, partial: !whole, ..List::default() },
        }
    };
    view.must = of("mandatory");
    view.may = of("permissive");
    view.more_groups = !complete;
    view
}

/// A confirmed board of some of `profs`, as templates see it.
fn board(b: &Value, profs: &[Profession], lang: &Language<'_>) -> Option<BoardView> {
    if b.get("status").and_then(Value::as_str) != Some("confirmed") {
        return None;
    }
    let covered: Vec<Profession> =
        board_professions(b).into_iter().filter(|p| profs.contains(p)).collect();
    if covered.is_empty() {
        return None;
    }
    let s = |k: &str| b.get(k).and_then(Value::as_str).map(str::to_string);
    Some(BoardView {
        name: s("name")?,
        website: s("website").unwrap_or_default(),
        phone: s("phone"),
        complaints: s("complaints"),
        professions_plain: lang.professions(&covered),
        professions: covered,
    })
}

/// The professions a board entry (as JSON) licenses.
pub fn board_professions(board: &Value) -> Vec<Profession> {
    let keys: Vec<&str> = board
        .get("professions")
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    Profession::ALL.into_iter().filter(|p| keys.contains(&p.key())).collect()
}

/// What a template sees of one topic, for the professions a document
/// covers (`relevant`: the clinician's, on a clinician's form; those of the
/// care team, on a practice-wide form), in the document's language.
pub fn topic_view(
    r: &Resolved,
    relevant: &[Profession],
    lang: &Language<'_>,
    state: &str,
) -> Value {
    let mut rules = Vec::new();
    let mut known_for: Vec<Profession> = Vec::new();
    for (n, v) in r.in_force.iter().enumerate() {
        let profs: Vec<Profession> =
            v.professions.iter().filter(|p| relevant.contains(p)).copied().collect();
        if profs.is_empty() {
            continue;
        }
        let mut m = v.template_value(r.fields);
        translate_rule(r.topic, &mut m, lang, state);
        full_stops(&mut m);
        let short = TOPICS.iter().find(|t| t.name == r.topic).map_or("rule", |t| t.short);
        let whole = profs.len() == relevant.len();
        let counsel = v.counsel.as_ref().map(|by| {
            by.get(&lang.lang).or_else(|| by.values().next()).cloned().unwrap_or_default()
        });
        if counsel.is_some() {
            // Only counsel's sentence is stated: none of the rule's own values.
            m.retain(|k, _| !r.fields.contains(&k.as_str()));
        }
        let rule = RuleView {
            counsel,
            known: v.known(),
            who: if whole { String::new() } else { lang.professions(&profs) },
            professions: profs.clone(),
            label: format!("{short}{}", n + 1),
            citation: v.known().then(|| {
                if v.counsel.is_none() && crate::i18n::extract::citation_has_words(&v.citation) {
                    lang.rule_text(crate::i18n::extract::CITATION, &v.citation, state)
                } else {
                    v.citation.clone()
                }
            }),
            effective: v.effective.map(|d| d.to_string()),
            fields: typed(r.topic, &m, &profs, lang),
        };
        if v.known() {
            known_for.extend(&profs);
        }
        rules.push(rule);
    }
    let unknown: Vec<Profession> =
        relevant.iter().filter(|p| !known_for.contains(p)).copied().collect();
    let view = TopicView {
        rules,
        known: !known_for.is_empty(),
        unknown_for: lang.professions(&unknown),
        all_unknown: unknown.len() == relevant.len(),
    };
    if r.topic == topic::licensing_boards {
        let lines = board_lines(&view, relevant, lang);
        let some_unknown = lines.iter().any(|l| l.board.is_none());
        let topic = TopicView {
            rules: view.rules.into_iter().map(retype::<LicensingBoardsView>).collect(),
            known: view.known,
            unknown_for: view.unknown_for,
            all_unknown: view.all_unknown,
        };
        return serde_json::to_value(BoardsTopic { topic, lines, some_unknown })
            .unwrap_or(Value::Null);
    }
    serde_json::to_value(view).unwrap_or(Value::Null)
}

/// A rule view whose fields are JSON, as the typed fields they were made from.
fn retype<T: serde::de::DeserializeOwned + Default>(r: RuleView<Value>) -> RuleView<T> {
    RuleView {
        counsel: r.counsel,
        known: r.known,
        who: r.who,
        professions: r.professions,
        label: r.label,
        citation: r.citation,
        effective: r.effective,
        fields: serde_json::from_value(r.fields).unwrap_or_default(),
    }
}

/// One line per confirmed board of the professions covered, in profession
/// order; the professions without one on a line of their own (the
/// psychiatrists apart, whose board is the medical board).
fn board_lines(
    view: &TopicView<Value>,
    relevant: &[Profession],
    lang: &Language<'_>,
) -> Vec<BoardLine> {
    let boards: Vec<BoardView> = view
        .rules
        .iter()
        .filter(|r| r.known)
        .flat_map(|r| r.fields["boards"].as_array().cloned().unwrap_or_default())
        .filter_map(|b| serde_json::from_value(b).ok())
        .collect();
    let mut lines: Vec<BoardLine> = Vec::new();
    let mut without: Vec<Profession> = Vec::new();
    for p in relevant {
        match boards.iter().find(|b| b.professions.contains(p)) {
            Some(b) => {
                if !lines.iter().any(|l| l.board.as_ref().is_some_and(|x| x.name == b.name)) {
                    let covered: Vec<Profession> =
                        relevant.iter().filter(|q| b.professions.contains(q)).copied().collect();
                    let mut b = b.clone();
                    b.professions_plain = lang.professions(&covered);
                    b.professions = covered;
                    lines.push(BoardLine {
                        professions_plain: b.professions_plain.clone(),
                        medical: b.professions == [Profession::Psychiatrist],
                        board: Some(b),
                    });
                }
            }
            None => without.push(*p),
        }
    }
    let (medical, others): (Vec<Profession>, Vec<Profession>) =
        without.into_iter().partition(|p| *p == Profession::Psychiatrist);
    for (group, is_medical) in [(others, false), (medical, true)] {
        if !group.is_empty() {
            lines.push(BoardLine {
                professions_plain: lang.professions(&group),
                board: None,
                medical: is_medical,
            });
        }
    }
    lines
}

/// Puts a rule's client-facing text (see [`RULE_TEXT`]) in `lang`.
fn translate_rule(topic: &str, m: &mut Map<String, Value>, lang: &Language<'_>, state: &str) {
    if lang.translator.is_none() {
        return;
    }
    for (t, field, _) in RULE_TEXT.iter().filter(|(t, _, _)| *t == topic) {
        let ctxt = format!("{t}.{field}");
        let (head, sub) = field.split_once('.').map_or((*field, None), |(h, s)| (h, Some(s)));
        let tr = |v: &mut Value| {
            if let Value::String(s) = v
                && !s.trim().is_empty()
            {
                *s = lang.rule_text(&ctxt, s, state);
            }
        };
        match (m.get_mut(head), sub) {
            (Some(v @ Value::String(_)), None) => tr(v),
            (Some(Value::Array(items)), None) => items.iter_mut().for_each(tr),
            (Some(Value::Array(items)), Some(f)) => {
                items.iter_mut().filter_map(|i| i.get_mut(f)).for_each(tr)
            }
            _ => {}
        }
    }
}

/// Fields written as whole sentences: each ends with a full stop, whatever
/// the rule file has.
const SENTENCES: &[&str] =
    &["privilege", "parent_notice", "parent_access", "minor_signs", "statements"];

fn full_stops(m: &mut Map<String, Value>) {
    fn stop(v: &mut Value) {
        match v {
            Value::String(s) if !s.trim_end().ends_with(['.', '!', '?']) => {
                *s = format!("{}.", s.trim_end());
            }
            Value::Array(items) => items.iter_mut().for_each(stop),
            _ => {}
        }
    }
    for field in SENTENCES {
        if let Some(v) = m.get_mut(*field) {
            stop(v);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn lists_say_how_much_they_hold() {
        assert!(List::new(&Value::Null, &json!(true)).unknown);
        assert!(List::new(&json!([]), &json!(false)).unknown, "empty and not whole: unknown");
        assert!(List::new(&json!([]), &json!(true)).none);
        let partial = List::new(&json!(["a"]), &Value::Null);
        assert!(partial.partial && !partial.whole);
        let whole = List::new(&json!(["a", "b"]), &json!(true));
        assert!(whole.whole && !whole.partial && whole.items.len() == 2);
    }

    #[test]
    fn elder_abuse_says_no_duty_only_from_a_whole_empty_list() {
        let m = |v: Value| v.as_object().cloned().unwrap();
        let unknown = elder(&m(json!({"groups": null, "groups_complete": null})));
        assert!(unknown.groups_unknown && !unknown.no_duty);
        let empty_partial = elder(&m(json!({"groups": [], "groups_complete": false})));
        assert!(empty_partial.groups_unknown && !empty_partial.no_duty);
        let none = elder(&m(json!({"groups": [], "groups_complete": true})));
        assert!(none.no_duty && !none.groups_unknown);
        let some = elder(&m(json!({
            "groups": [{"kind": "mandatory", "who": "a person age 65 or older"}],
            "groups_complete": false
        })));
        assert!(some.more_groups && some.must.partial && !some.no_duty);
        assert_eq!(some.must.items, vec!["a person age 65 or older"]);
    }
}
