//! `consentgen diff OLD_DIR [NEW_DIR]`: which rules changed between two
//! folders of jurisdiction files, and which documents of which states the
//! changes alter (for a practice, by default the bundled example). The
//! algorithm is in [`crate::rulediff`].

use serde_json::Value;

use crate::Outcome;
use crate::date::Date;
use crate::diag::Sources;
use crate::report::{MessageFormat, Reporter, print_stdout};
use crate::rulediff::{self, Change, DiffInputs};

/// Settings of `diff`.
#[derive(Clone, Debug)]
pub struct DiffOptions {
    /// The folders and the practice compared.
    pub inputs: DiffInputs,
    /// The date whose rules are compared.
    pub as_of: Date,
}

/// Runs `consentgen diff`.
pub fn run(opts: &DiffOptions, reporter: &mut Reporter) -> Outcome {
    let today = Date::today_utc();
    let mut sources = Sources::new();
    let mut diags = Vec::new();
    let load = crate::load::load_jurisdictions;
    let (old, _, _) = load(&mut sources, Some(&opts.inputs.old), today, &mut diags);
    let (new, _, _) = load(&mut sources, opts.inputs.new.as_deref(), today, &mut diags);
    if !diags.is_empty() {
        return reporter.fail(&sources, &diags);
    }
    let changes = rulediff::changes(&old, &new, opts.as_of);
    let affected = match rulediff::affected_documents(&opts.inputs, &changes, opts.as_of) {
        Ok(a) => a,
        Err((sources, diags)) => return reporter.fail(&sources, &diags),
    };
    let text = if reporter.format == MessageFormat::Json {
        json(&changes, &affected, opts.as_of)
    } else {
        text(&changes, &affected, opts.as_of)
    };
    print_stdout(&text)
}

fn json(changes: &[Change], affected: &[String], as_of: Date) -> String {
    let list: Vec<Value> = changes
        .iter()
        .map(|c| {
            serde_json::json!({
                "state": c.state, "topic": c.topic, "old": c.old, "new": c.new,
                "fields": c.fields, "scheduled": c.scheduled,
                "documents": affected.iter().filter(|p| p.starts_with(&format!("{}/", c.state))).collect::<Vec<_>>(),
            })
        })
        .collect();
    let doc = serde_json::json!({ "as_of": as_of.to_string(), "changes": list });
    let mut s = serde_json::to_string_pretty(&doc).expect("JSON values serialize");
    s.push('\n');
    s
}

fn text(changes: &[Change], affected: &[String], as_of: Date) -> String {
    let mut out = String::new();
    if changes.is_empty() {
        out.push_str(&format!("no rule changes in effect on {as_of}\n"));
    }
    for c in changes {
        out.push_str(&format!("{} `{}`\n", c.state, c.topic));
        let describe = |v: &Value| {
            let list = rulediff::versions(v);
            if list.is_empty() {
                return "no rule".to_string();
            }
            let one = |v: &Value| {
                let start = v.get("effective").or(v.get("in_force_by")).and_then(Value::as_str);
                let whom: Vec<&str> = v["applies_to"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(Value::as_str)
                    .collect();
                format!(
                    "{}, in force from {} (applies to {})",
                    v.get("citation").and_then(Value::as_str).unwrap_or("no citation"),
                    start.unwrap_or("an unrecorded date"),
                    whom.join(", ")
                )
            };
            list.iter().map(one).collect::<Vec<_>>().join("; ")
        };
        out.push_str(&format!("  old: {}\n  new: {}\n", describe(&c.old), describe(&c.new)));
        let skip = ["citation", "effective", "in_force_by", "source"];
        for f in c.fields.iter().filter(|f| !skip.contains(&f.as_str())) {
            let show = |v: &Value| {
                let vals: Vec<String> = rulediff::versions(v)
                    .iter()
                    .map(|x| x.get(f).map(|x| x.to_string()).unwrap_or_else(|| "none".into()))
                    .collect();
                if vals.is_empty() { "none".to_string() } else { vals.join(" | ") }
            };
            out.push_str(&format!("  {f}: {} → {}\n", show(&c.old), show(&c.new)));
        }
        for s in &c.scheduled {
            out.push_str(&format!("  {s}\n"));
        }
    }
    if !affected.is_empty() {
        out.push_str("\ndocuments that change:\n");
        for p in affected {
            out.push_str(&format!("  {p}\n"));
        }
    } else if !changes.is_empty() {
        out.push_str("\nno document of the practice changes\n");
    }
    out
}
