//! `consentgen diff OLD_DIR [NEW_DIR]`: which rules changed between two
//! folders of jurisdiction files, and which documents of which states the
//! changes alter (rendered for a practice, by default the bundled example).

use std::path::PathBuf;

use serde_json::{Value, json};

use crate::commands::StateSelection;
use crate::date::Date;
use crate::diag::Sources;
use crate::pipeline::{self, Formats, PlanOptions};
use crate::resolve;
use crate::{InputOptions, Outcome};

use super::{MessageFormat, Reporter, print_stdout};

/// Settings of `diff`.
#[derive(Clone, Debug)]
pub struct DiffOptions {
    /// The old jurisdiction folder.
    pub old: PathBuf,
    /// The new one; `None` for the bundled files.
    pub new: Option<PathBuf>,
    /// The practice whose documents are compared; `None` for the bundled example.
    pub practice: Option<PathBuf>,
    /// Templates overriding the bundled ones.
    pub templates: Option<PathBuf>,
    /// The date whose rules are compared.
    pub as_of: Date,
}

/// One changed rule.
#[derive(Clone, Debug)]
struct Change {
    state: String,
    topic: &'static str,
    old: Value,
    new: Value,
    fields: Vec<String>,
    scheduled: Vec<String>,
}

/// Runs `consentgen diff`.
pub fn run(opts: &DiffOptions, reporter: &mut Reporter) -> Outcome {
    let today = Date::today_utc();
    let mut sources = Sources::new();
    let mut diags = Vec::new();
    let (old, _) = crate::load_jurisdictions(&mut sources, Some(&opts.old), today, &mut diags);
    let (new, _) = crate::load_jurisdictions(&mut sources, opts.new.as_deref(), today, &mut diags);
    if !diags.is_empty() {
        return reporter.fail(&sources, &diags);
    }

    let mut changes = Vec::new();
    let mut states: Vec<&String> = old.keys().chain(new.keys()).collect();
    states.sort();
    states.dedup();
    for state in states {
        let resolve_all = |j: Option<&crate::LoadedJurisdiction>| {
            j.map(|j| resolve::resolve(&j.rules, opts.as_of)).unwrap_or_default()
        };
        let (o, n) = (resolve_all(old.get(state)), resolve_all(new.get(state)));
        for topic in crate::model::TOPICS {
            let find = |v: &[resolve::Resolved]| {
                v.iter()
                    .find(|r| r.topic == topic)
                    .map(|r| r.explain_value())
                    .unwrap_or(Value::Null)
            };
            let (ov, nv) = (find(&o), find(&n));
            // Versions that take force after `as_of` are changes too: forms
            // will need rebuilding on their date.
            let upcoming = |v: &[resolve::Resolved]| {
                v.iter()
                    .find(|r| r.topic == topic)
                    .and_then(|r| r.next_change)
                    .map(|d| d.to_string())
            };
            let (ou, nu) = (upcoming(&o), upcoming(&n));
            if ov == nv && ou == nu {
                continue;
            }
            let mut fields: Vec<String> = match (ov.as_object(), nv.as_object()) {
                (Some(a), Some(b)) => {
                    let mut keys: Vec<&String> = a.keys().chain(b.keys()).collect();
                    keys.sort();
                    keys.dedup();
                    keys.into_iter().filter(|k| a.get(*k) != b.get(*k)).cloned().collect()
                }
                _ => Vec::new(),
            };
            fields.retain(|f| f != "note");
            let scheduled = match (&ou, &nu) {
                (a, Some(b)) if a.as_ref() != Some(b) => {
                    vec![format!("a new version takes force on {b}")]
                }
                (Some(a), None) => vec![format!("the version due on {a} was withdrawn")],
                _ => Vec::new(),
            };
            changes.push(Change {
                state: state.clone(),
                topic,
                old: ov,
                new: nv,
                fields,
                scheduled,
            });
        }
    }

    // Which documents change: render the practice's documents for the changed
    // states with each set of rules, and compare the text.
    let mut changed_states: Vec<String> = changes.iter().map(|c| c.state.clone()).collect();
    changed_states.dedup();
    let mut affected: Vec<(String, String)> = Vec::new();
    if !changed_states.is_empty() {
        let plan_with = |dir: Option<PathBuf>| {
            let inputs = crate::load_inputs(&InputOptions {
                practice: opts.practice.clone(),
                jurisdictions: dir,
                templates: opts.templates.clone(),
            });
            inputs.map(|i| {
                let states: Vec<String> = changed_states
                    .iter()
                    .filter(|s| i.jurisdictions.contains_key(*s))
                    .cloned()
                    .collect();
                let plan = pipeline::plan(
                    &i,
                    &PlanOptions {
                        states: StateSelection::List(states),
                        formats: Formats { html: false, pdf: false, pdf_forms: false },
                        as_of: opts.as_of,
                    },
                );
                (i, plan)
            })
        };
        let (old_plan, new_plan) =
            match (plan_with(Some(opts.old.clone())), plan_with(opts.new.clone())) {
                (Ok((_, Ok(a))), Ok((_, Ok(b)))) => (a, b),
                (Err((s, d)), _) | (_, Err((s, d))) => return reporter.fail(&s, &d),
                (Ok((i, Err(d))), _) | (_, Ok((i, Err(d)))) => {
                    return reporter.fail(&i.sources, &d);
                }
            };
        for d in &new_plan.documents {
            let before = old_plan.documents.iter().find(|o| o.state == d.state && o.id == d.id);
            if before.map(|o| &o.rendered.markdown) != Some(&d.rendered.markdown) {
                affected.push((d.state.clone(), d.id.clone()));
            }
        }
    }

    if reporter.format == MessageFormat::Json {
        let list: Vec<Value> = changes
            .iter()
            .map(|c| {
                json!({
                    "state": c.state, "topic": c.topic, "old": c.old, "new": c.new,
                    "fields": c.fields, "scheduled": c.scheduled,
                    "documents": affected.iter().filter(|(s, _)| *s == c.state)
                        .map(|(s, d)| format!("{s}/{}/{d}", pipeline::LANG)).collect::<Vec<_>>(),
                })
            })
            .collect();
        let mut s = serde_json::to_string_pretty(
            &json!({ "as_of": opts.as_of.to_string(), "changes": list }),
        )
        .expect("JSON values serialize");
        s.push('\n');
        return print_stdout(&s);
    }
    let mut out = String::new();
    if changes.is_empty() {
        out.push_str(&format!("no rule changes in effect on {}\n", opts.as_of));
    }
    for c in &changes {
        out.push_str(&format!("{} `{}`\n", c.state, c.topic));
        let describe = |v: &Value| match v {
            Value::Null => "no rule".to_string(),
            v => format!(
                "{}, effective {}",
                v.get("citation").and_then(Value::as_str).unwrap_or("no citation"),
                v.get("effective").and_then(Value::as_str).unwrap_or("(undated)")
            ),
        };
        out.push_str(&format!("  old: {}\n  new: {}\n", describe(&c.old), describe(&c.new)));
        for f in
            c.fields.iter().filter(|f| !["citation", "effective", "source"].contains(&f.as_str()))
        {
            let show = |v: &Value| v.get(f).map(|x| x.to_string()).unwrap_or_else(|| "none".into());
            out.push_str(&format!("  {f}: {} → {}\n", show(&c.old), show(&c.new)));
        }
        for s in &c.scheduled {
            out.push_str(&format!("  {s}\n"));
        }
    }
    if !affected.is_empty() {
        out.push_str("\ndocuments that change:\n");
        for (s, d) in &affected {
            out.push_str(&format!("  {s}/{}/{d}\n", pipeline::LANG));
        }
    } else if !changes.is_empty() {
        out.push_str("\nno document of the practice changes\n");
    }
    print_stdout(&out)
}
