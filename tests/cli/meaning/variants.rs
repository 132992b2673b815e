//! Each field of the made-up jurisdiction turned unknown, absent or partial
//! in turn, and what the forms may and must then say.

use toml::value::Value::{Array, Boolean, String as S};
use toml::{Table, Value};

use super::{DOCUMENTS, Expect, PRACTICE, check, render};
use consentgen::options::StateSelection;

use crate::util::{TestDir, fixture};

/// The base rule file as a table.
fn base() -> Table {
    std::fs::read_to_string(fixture("meaning/XA.toml")).unwrap().parse().unwrap()
}

/// The first version of `topic` in `t`.
fn version<'a>(t: &'a mut Table, topic: &str) -> &'a mut Table {
    t[topic]["versions"].as_array_mut().unwrap()[0].as_table_mut().unwrap()
}

/// Marks `field` of `topic` unconfirmed.
fn unknown(t: &mut Table, topic: &str, field: &str) {
    let v = version(t, topic);
    v.insert("unconfirmed".into(), Value::Array(vec![Value::String(field.into())]));
}

/// Sets a field of `topic`'s version.
fn set(t: &mut Table, topic: &str, field: &str, value: Value) {
    version(t, topic).insert(field.into(), value);
}

/// A TOML array of strings.
fn list(items: &[&str]) -> Value {
    Value::Array(items.iter().map(|i| Value::String(i.to_string())).collect())
}

/// A named change to the base rule file, and what the forms must then say.
type Variant = (&'static str, Box<dyn Fn(&mut Table)>, Expect);

/// Every variant: a name, how it changes the base file, what it expects.
fn variants() -> Vec<Variant> {
    [
        base_and_child_abuse(),
        elder_abuse(),
        duty_to_warn(),
        minors(),
        court_orders(),
        records_access_and_scope(),
    ]
    .into_iter()
    .flatten()
    .collect()
}

/// The base file as it is, and child abuse reports with a value unknown or the
/// topic unconfirmed.
fn base_and_child_abuse() -> Vec<Variant> {
    vec![
        (
            "base",
            Box::new(|_: &mut Table| {}),
            Expect {
                present: vec![
                    "the Testland child welfare office",
                    "a person age 65 or older",
                    "tells us of a serious threat of violence",
                    "you sue us",
                    "Testland Board of Psychology",
                    "Testland Behavioral Health Board",
                    "Testland Medical Board",
                    "file a complaint",
                ],
                ..Expect::default()
            },
        ),
        (
            "child_abuse report_to unknown",
            Box::new(|t: &mut Table| unknown(t, "child_abuse", "report_to")),
            Expect { absent: vec!["the Testland child welfare office"], ..Expect::default() },
        ),
        (
            "child_abuse unconfirmed",
            Box::new(|t: &mut Table| set(t, "child_abuse", "status", S("unconfirmed".into()))),
            Expect {
                absent: vec!["the Testland child welfare office", "Testland Code § 1-101"],
                ..Expect::default()
            },
        ),
    ]
}

/// Elder abuse reports: the groups unknown, partial, none or empty, and the
/// topic unconfirmed.
fn elder_abuse() -> Vec<Variant> {
    vec![
        (
            "elder groups unknown",
            Box::new(|t: &mut Table| unknown(t, "elder_abuse", "groups")),
            Expect { absent: vec!["a person age 65 or older"], ..Expect::default() },
        ),
        (
            "elder groups partial",
            Box::new(|t: &mut Table| set(t, "elder_abuse", "groups_complete", Boolean(false))),
            Expect { partial: vec!["a person age 65 or older"], ..Expect::default() },
        ),
        (
            "elder groups none",
            Box::new(|t: &mut Table| set(t, "elder_abuse", "groups", Array(vec![]))),
            Expect { no_elder_duty: true, ..Expect::default() },
        ),
        (
            "elder groups empty, not whole",
            Box::new(|t: &mut Table| {
                set(t, "elder_abuse", "groups", Array(vec![]));
                set(t, "elder_abuse", "groups_complete", Boolean(false));
            }),
            Expect::default(),
        ),
        (
            "elder universal, groups unknown",
            Box::new(|t: &mut Table| {
                set(t, "elder_abuse", "universal", Boolean(true));
                unknown(t, "elder_abuse", "groups");
            }),
            Expect { absent: vec!["a person age 65 or older"], ..Expect::default() },
        ),
        (
            "elder unconfirmed",
            Box::new(|t: &mut Table| set(t, "elder_abuse", "status", S("unconfirmed".into()))),
            Expect { absent: vec!["Testland Adult Protective Services"], ..Expect::default() },
        ),
    ]
}

/// The duty to warn: its kind unknown, permissive or none, its ways to
/// discharge it partial, its trigger unknown, and the topic unconfirmed.
fn duty_to_warn() -> Vec<Variant> {
    vec![
        (
            "warn kind unknown",
            Box::new(|t: &mut Table| unknown(t, "duty_to_warn", "kind")),
            Expect::default(),
        ),
        (
            "warn permissive",
            Box::new(|t: &mut Table| set(t, "duty_to_warn", "kind", S("permissive".into()))),
            Expect::default(),
        ),
        (
            "warn none",
            Box::new(|t: &mut Table| {
                set(t, "duty_to_warn", "kind", S("none".into()));
                set(t, "duty_to_warn", "discharge", Array(vec![]));
            }),
            Expect { no_warn_duty: true, ..Expect::default() },
        ),
        (
            "warn discharge partial",
            Box::new(|t: &mut Table| set(t, "duty_to_warn", "discharge_complete", Boolean(false))),
            Expect { partial: vec!["warn the person at risk"], ..Expect::default() },
        ),
        (
            "warn trigger unknown",
            Box::new(|t: &mut Table| unknown(t, "duty_to_warn", "trigger")),
            Expect {
                absent: vec!["tells us of a serious threat of violence"],
                ..Expect::default()
            },
        ),
        (
            "warn unconfirmed",
            Box::new(|t: &mut Table| set(t, "duty_to_warn", "status", S("unconfirmed".into()))),
            Expect {
                absent: vec!["tells us of a serious threat of violence", "warn the person at risk"],
                ..Expect::default()
            },
        ),
    ]
}

/// Minors: who may consent unknown or otherwise, the conditions partial, and
/// what parents get unknown.
fn minors() -> Vec<Variant> {
    vec![
        (
            "minors consent unknown",
            Box::new(|t: &mut Table| unknown(t, "minors", "self_consent")),
            Expect { absent: vec!["age 14 or older"], ..Expect::default() },
        ),
        (
            "minors any age",
            Box::new(|t: &mut Table| {
                set(t, "minors", "self_consent", S("any_age".into()));
                version(t, "minors").remove("consent_age");
            }),
            Expect::default(),
        ),
        (
            "minors parent consent",
            Box::new(|t: &mut Table| {
                set(t, "minors", "self_consent", S("none".into()));
                version(t, "minors").remove("consent_age");
            }),
            Expect { absent: vec!["mature enough"], ..Expect::default() },
        ),
        (
            "minors conditions partial",
            Box::new(|t: &mut Table| set(t, "minors", "conditions_complete", Boolean(false))),
            Expect {
                partial: vec!["we find the minor mature enough to take part"],
                ..Expect::default()
            },
        ),
        (
            "minors parents unknown",
            Box::new(|t: &mut Table| {
                let v = version(t, "minors");
                v.insert("unconfirmed".into(), list(&["parent_notice", "parent_access"]));
            }),
            Expect {
                absent: vec!["We must involve a parent", "A parent may not see"],
                ..Expect::default()
            },
        ),
    ]
}

/// Court orders: the privilege's exceptions unknown, empty or partial, and the
/// privilege unknown.
fn court_orders() -> Vec<Variant> {
    vec![
        (
            "court exceptions unknown",
            Box::new(|t: &mut Table| unknown(t, "court_orders", "exceptions")),
            Expect { absent: vec!["you sue us"], exceptions_unknown: true, ..Expect::default() },
        ),
        (
            "court exceptions empty, not whole",
            Box::new(|t: &mut Table| {
                set(t, "court_orders", "exceptions", Array(vec![]));
                set(t, "court_orders", "exceptions_complete", Boolean(false));
            }),
            Expect { exceptions_unknown: true, ..Expect::default() },
        ),
        (
            "court exceptions partial",
            Box::new(|t: &mut Table| set(t, "court_orders", "exceptions_complete", Boolean(false))),
            Expect { partial: vec!["you sue us"], ..Expect::default() },
        ),
        (
            "court privilege unknown",
            Box::new(|t: &mut Table| unknown(t, "court_orders", "privilege")),
            Expect { absent: vec!["You can refuse to share, and stop us"], ..Expect::default() },
        ),
    ]
}

/// Records, telehealth consent, the access deadline, privacy limits, and topics
/// that bind psychologists only.
fn records_access_and_scope() -> Vec<Variant> {
    vec![
        (
            "records retention unknown",
            Box::new(|t: &mut Table| unknown(t, "records", "retention")),
            Expect { absent: vec!["at least 7 years after your last visit"], ..Expect::default() },
        ),
        (
            "telehealth not required",
            Box::new(|t: &mut Table| set(t, "telehealth", "consent_required", Boolean(false))),
            Expect { absent: vec!["get your consent before we start"], ..Expect::default() },
        ),
        (
            "access deadline unknown",
            Box::new(|t: &mut Table| {
                let v = version(t, "record_access");
                v.insert(
                    "unconfirmed".into(),
                    list(&["deadline", "deadline_days", "notes_access"]),
                );
            }),
            Expect {
                absent: vec!["within 15 days"],
                present: vec!["within 30 days"],
                ..Expect::default()
            },
        ),
        (
            "access deadline longer than federal",
            Box::new(|t: &mut Table| {
                set(t, "record_access", "deadline_days", Value::Integer(45));
                set(t, "record_access", "deadline", S("within 45 days".into()));
            }),
            Expect {
                absent: vec!["within 45 days"],
                present: vec!["within 30 days"],
                ..Expect::default()
            },
        ),
        (
            "privacy limits partial",
            Box::new(|t: &mut Table| set(t, "privacy_limits", "limits_complete", Boolean(false))),
            Expect {
                partial: vec!["we answer a subpoena only with your written permission"],
                ..Expect::default()
            },
        ),
        (
            "psychologists only",
            Box::new(|t: &mut Table| {
                for topic in ["duty_to_warn", "court_orders", "minors"] {
                    set(t, topic, "applies_to", list(&["psychologist"]));
                }
            }),
            Expect::default(),
        ),
    ]
}

#[test]
fn every_field_unknown_absent_partial_or_known_reads_as_the_data_says() {
    let t = TestDir::new();
    for (name, change, expect) in variants() {
        let dir = t.path().join(name.replace(' ', "-"));
        std::fs::create_dir_all(dir.join("rules")).unwrap();
        let mut table = base();
        change(&mut table);
        std::fs::write(dir.join("rules/XA.toml"), toml::to_string(&table).unwrap()).unwrap();
        std::fs::copy(fixture("meaning/es.po"), dir.join("rules/es.po")).unwrap();
        let docs = render(&dir, &dir.join("rules"), PRACTICE, StateSelection::Practice);
        assert!(docs.len() >= 2 * 9, "{name}: every document in both languages");
        check(name, &docs, &expect, &DOCUMENTS);
    }
}
