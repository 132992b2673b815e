//! `consentgen review STATE [PRACTICE]`: the review sheet for a practice's
//! counsel (issue 25). For each topic and each group of the practice's
//! professions one rule binds: what the forms state now, the draft the data
//! would give if confirmed, the citation, every source with its evidence,
//! the research note, counsel's decision if `reviews.toml` has one, and the
//! hash a `[[review]]` records. `--format json` prints the records as one
//! JSON array; otherwise the sheet is written as a web page and a tagged
//! PDF into `--out` (`review/` by default), `XX-review.html` and `.pdf`.

use std::path::PathBuf;

use crate::Outcome;
use crate::date::Date;
use crate::diag::Diagnostic;
use crate::options::InputOptions;
use crate::plan::review::{ReviewRecord, records};
use crate::project::Project;
use crate::render::markdown::escaped;
use crate::report::{Reporter, print_stdout};

/// Settings of `review`.
#[derive(Clone, Debug)]
pub struct ReviewOptions {
    /// Where the inputs come from.
    pub inputs: InputOptions,
    /// The state (USPS code).
    pub state: String,
    /// The date whose rules apply.
    pub as_of: Date,
    /// Print JSON instead of writing the sheet.
    pub json: bool,
    /// Where the sheet goes.
    pub out: PathBuf,
}

/// Runs `consentgen review`.
pub fn run(opts: &ReviewOptions, reporter: &mut Reporter) -> Outcome {
    let project = match Project::load(&opts.inputs) {
        Ok(p) => p,
        Err(f) => return reporter.fail(&f.sources, &f.diagnostics),
    };
    let inputs = &project.inputs;
    let state = opts.state.to_uppercase();
    if !inputs.jurisdictions.contains_key(&state) {
        let known: Vec<&str> = inputs.jurisdictions.keys().map(String::as_str).collect();
        let d = Diagnostic::error("unknown-state", format!("no rules for `{}`", opts.state))
            .with_hint(format!("known: {}", known.join(", ")));
        return reporter.fail(&inputs.sources, &[d]);
    }
    let budget = crate::budget::Budget::default();
    let list = match records(inputs, &state, opts.as_of, &budget) {
        Ok(l) => l,
        Err(d) => return reporter.fail(&inputs.sources, &[d]),
    };
    if opts.json {
        let mut text = serde_json::to_string_pretty(&list).expect("records serialize");
        text.push('\n');
        return print_stdout(&text);
    }
    match write_sheet(&project, &state, opts, &list) {
        Ok(paths) => {
            for p in paths {
                eprintln!("wrote {}", p.display());
            }
            Outcome::Ok
        }
        Err(d) => reporter.fail(&inputs.sources, &[d]),
    }
}

/// The sheet as Markdown: every value escaped, so no rule text becomes markup.
pub fn sheet_markdown(
    practice: &str,
    state_name: &str,
    as_of: Date,
    list: &[ReviewRecord],
) -> String {
    let mut md = format!(
        "# Counsel's review: {}\n\n{}\n\nRules in force on {}. This sheet is for the practice's lawyer, not for clients. For each rule it shows what the forms say now and what they would say if the rule were confirmed. To have the forms state a rule, record a decision in `reviews.toml` beside `practice.toml` with the hash below (see the README, \"Having counsel review your forms\"). consentgen's rule data is research, not legal advice.\n\n",
        escaped(state_name),
        escaped(practice),
        as_of.long()
    );
    for r in list {
        let whom: Vec<&str> = r.applies_to.iter().map(|p| p.plural()).collect();
        let title =
            crate::model::TOPICS.iter().find(|t| t.name == r.topic).map_or(r.topic, |t| t.title);
        md.push_str(&format!(
            "## {} ({})\n\n",
            escaped(title),
            escaped(&crate::model::join_list(&whom, "and"))
        ));
        md.push_str(&format!(
            "**Status:** {}{}.\n\n",
            r.status,
            r.evidence.map(|e| format!(", evidence: {e}")).unwrap_or_default()
        ));
        md.push_str(&format!("**The forms say now:** {}\n\n", escaped(&r.now)));
        md.push_str(&format!("**If confirmed, they would say:** {}\n\n", escaped(&r.draft)));
        for (lang, draft) in r.drafts.iter().filter(|(l, _)| **l != "en") {
            md.push_str(&format!("**Draft ({lang}):** {}\n\n", escaped(draft)));
        }
        md.push_str(&format!("**Citation:** {}\n\n", escaped(&r.citation)));
        if !r.sources.is_empty() {
            md.push_str("**Sources:**\n\n");
            for s in &r.sources {
                let through = s
                    .current_through
                    .as_deref()
                    .map(|d| format!(", current through {d}"))
                    .unwrap_or_default();
                md.push_str(&format!(
                    "- {} ({}{through})\n",
                    escaped(&s.url),
                    s.evidence.unwrap_or("not a recognised source")
                ));
            }
            md.push('\n');
        }
        if let Some(n) = &r.note {
            md.push_str(&format!("**Research note:** {}\n\n", escaped(n)));
        }
        if let Some(rv) = &r.review {
            let current =
                if rv.current { "current" } else { "STALE: the rule changed since; review again" };
            md.push_str(&format!(
                "**Counsel's decision:** {} by {} on {} ({current}).\n\n",
                rv.decision,
                escaped(&rv.reviewer),
                rv.date
            ));
        }
        md.push_str(&format!("**Hash:** `{}`\n\n", r.hash));
    }
    md
}

/// Writes the sheet's web page and PDF; returns their paths.
fn write_sheet(
    project: &Project,
    state: &str,
    opts: &ReviewOptions,
    list: &[ReviewRecord],
) -> Result<Vec<PathBuf>, Diagnostic> {
    let inputs = &project.inputs;
    let english = crate::i18n::Language::english();
    let name = inputs.jurisdictions[state].rules.name.clone();
    let md = sheet_markdown(inputs.practice.name.get_ref(), &name, opts.as_of, list);
    let rendered = crate::render::from_markdown(md, &english);
    let meta = crate::render::context::PageMeta {
        title: rendered.title.clone(),
        practice: inputs.practice.name.get_ref().clone(),
        lang: "en",
        state: state.to_string(),
        state_name: name.clone(),
        document: "review".into(),
        clinician: Some(None),
        version: inputs.practice.forms_version.clone(),
        effective: opts.as_of.long(),
        effective_date: opts.as_of.to_string(),
        keywords: format!("counsel review, {name}"),
        packet: None,
        text_size: None,
        logo: None,
        forms: Some(false),
        hash: Some(crate::io::sha256_hex(rendered.markdown.as_bytes())[..10].to_string()),
        ui: english.ui.clone(),
    };
    let title = pulldown_cmark_escape_html(&rendered.title);
    let html = format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{title}</title>\n<style>{SHEET_CSS}</style>\n</head>\n<body>\n<main>\n{}</main>\n</body>\n</html>\n",
        rendered.html
    );
    let engine = crate::pdf::Engine::new(&inputs.templates.pdf_main, None);
    let pdf = engine
        .compile(
            &rendered.typst,
            &meta.to_json(),
            &format!("consentgen/review/{state}"),
            opts.as_of,
        )
        .map_err(|e| Diagnostic::error("pdf", format!("the review sheet did not typeset: {e}")))?;
    let mut paths = Vec::new();
    for (ext, bytes) in [("html", html.into_bytes()), ("pdf", pdf)] {
        let path = opts.out.join(format!("{state}-review.{ext}"));
        crate::io::write_atomic(&path, &bytes).map_err(|e| {
            Diagnostic::error("write", format!("{e:#}"))
                .with_hint("check that the folder is writable")
        })?;
        paths.push(path);
    }
    Ok(paths)
}

/// The sheet's web page style: plain and printable.
const SHEET_CSS: &str = "body{font:1rem/1.5 system-ui,sans-serif;color:#1a1a1a;max-width:48rem;margin:2rem auto;padding:0 1rem}h2{margin-top:2rem;border-top:1px solid #767676;padding-top:1rem}code{font-size:.85rem;word-break:break-all}@media print{body{margin:0}h2{break-after:avoid}}";

/// Text escaped for HTML.
fn pulldown_cmark_escape_html(text: &str) -> String {
    let mut out = String::new();
    let _ = pulldown_cmark_escape::escape_html(&mut out, text);
    out
}
