//! Report: what commands found, as one model of records and two printers,
//! as ripgrep has one search result and several sinks. A command hands each
//! [`Record`] to the [`Reporter`]; with `--message-format human` (or
//! `short`) it is printed for people on standard error, with `json` as one
//! JSON Lines object on standard output, each with a `type`.

use std::io::Write as _;

use serde::Serialize;

use crate::Outcome;
use crate::diag::{Diagnostic, Sources};

/// How messages are printed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum MessageFormat {
    /// Full diagnostics with the source underlined.
    #[default]
    Human,
    /// One line each: `file:line:col: error[code]: message`.
    Short,
    /// JSON Lines: one object per record, the summary last.
    Json,
}

/// One thing a command reports.
#[derive(Clone, Debug)]
pub enum Record<'a> {
    /// A problem in the input, or a warning.
    Diagnostic(&'a Diagnostic),
    /// A document a build rendered (with its reading grade).
    Document(DocumentRecord),
    /// An output `check` found not current.
    Output(OutputRecord),
    /// The last record of a command.
    Summary(Summary),
}

/// A document a build rendered.
#[derive(Clone, Debug, Serialize)]
pub struct DocumentRecord {
    /// USPS code.
    pub state: String,
    /// Document id.
    pub document: String,
    /// The clinician a clinician's form names.
    pub clinician: Option<String>,
    /// Its title.
    pub title: String,
    /// Its language (`en`, `es`).
    pub language: String,
    /// Its reading grade (Flesch-Kincaid), one decimal: English documents.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub grade: Option<f64>,
    /// Its Szigriszt-Pazos (INFLESZ) score, one decimal: Spanish documents.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub inflesz: Option<f64>,
    /// Its effective date.
    pub effective: String,
}

pub use crate::plan::{OutputRecord, OutputStatus};

/// The last record of a command.
#[derive(Clone, Debug)]
pub enum Summary {
    /// `build` finished (JSON: `"command": "build"`).
    Build(BuildSummary),
    /// `check` finished (JSON: `"command": "check"`).
    Check(CheckSummary),
    /// A command stopped on bad input, exit 2 (JSON: `"status": "bad-input"`).
    BadInput {
        /// How many errors.
        errors: usize,
    },
}

impl Summary {
    fn to_json(&self) -> serde_json::Value {
        let (mut v, command) = match self {
            Summary::Build(b) => (to_value(b), "build"),
            Summary::Check(c) => (to_value(c), "check"),
            Summary::BadInput { errors } => {
                let mut m = serde_json::Map::new();
                m.insert("status".into(), "bad-input".into());
                m.insert("errors".into(), (*errors).into());
                return m.into();
            }
        };
        if let Some(obj) = v.as_object_mut() {
            obj.insert("command".into(), command.into());
        }
        v
    }
}

/// What a build did.
#[derive(Clone, Debug, Default, Serialize)]
pub struct BuildSummary {
    /// Documents rendered (packets not counted).
    pub documents: usize,
    /// Outputs made anew.
    pub made: usize,
    /// Outputs kept from the previous build.
    pub kept: usize,
    /// Files written.
    pub written: usize,
    /// Files left as they were.
    pub unchanged: usize,
    /// Files of the previous build removed.
    pub removed: usize,
    /// Files of states this build left out (`--states`), kept with their
    /// manifest entries.
    pub carried: usize,
    /// Clinicians' form sets refused.
    pub refused: usize,
    /// Texts without a current translation (their documents not built).
    pub untranslated: usize,
    /// Lint problems (warnings in a build).
    pub lint_problems: usize,
    /// The states built, for the human line.
    #[serde(skip)]
    pub states: Vec<String>,
    /// The output folder, for the human line.
    #[serde(skip)]
    pub out: String,
}

/// What `check` found. `status` is `current` only when every count is 0.
#[derive(Clone, Debug, Default, Serialize)]
pub struct CheckSummary {
    /// `current` or `problems`.
    pub status: &'static str,
    /// Which kinds of problem (exit 1): `outdated` (files stale, missing,
    /// edited or extra: a build fixes them), `lint` (a document fails the
    /// reading bar or lacks a required element: a build does not fix it),
    /// `refused` (a clinician's forms cannot be made: renew the licence),
    /// `untranslated` (a translated document's text has no current
    /// translation: update the PO file; the document is not built).
    pub problems: Vec<&'static str>,
    /// Outputs a build would write.
    pub outputs: usize,
    /// Of those, current.
    pub current: usize,
    /// Stale outputs.
    pub stale: usize,
    /// Missing outputs.
    pub missing: usize,
    /// Edited outputs.
    pub edited: usize,
    /// Extra outputs.
    pub extra: usize,
    /// Lint problems (reading grade, required elements).
    pub lint_errors: usize,
    /// Clinicians' form sets refused.
    pub refused: usize,
    /// Texts without a current translation (their documents not built).
    pub untranslated: usize,
    /// Counsel's reviews that no longer match their rule (kind `review`).
    pub reviews: usize,
    /// Documents checked, for the human line.
    #[serde(skip)]
    pub documents: usize,
    /// PDFs among the outputs, for the human line.
    #[serde(skip)]
    pub pdfs: usize,
    /// The states checked, for the human line.
    #[serde(skip)]
    pub states: Vec<String>,
    /// The output folder, for the human line.
    #[serde(skip)]
    pub out: String,
}

/// Prints records in the chosen format.
#[derive(Debug, Default)]
pub struct Reporter {
    /// The format.
    pub format: MessageFormat,
}

impl Reporter {
    /// Creates a reporter.
    pub fn new(format: MessageFormat) -> Reporter {
        Reporter { format }
    }

    /// Prints one record.
    pub fn emit(&mut self, sources: &Sources, record: Record<'_>) {
        match self.format {
            MessageFormat::Json => {
                let mut v = match &record {
                    Record::Diagnostic(d) => sources.to_json(d),
                    Record::Document(r) => to_value(r),
                    Record::Output(r) => to_value(r),
                    Record::Summary(s) => s.to_json(),
                };
                let kind = match record {
                    Record::Diagnostic(_) => "diagnostic",
                    Record::Document(_) => "document",
                    Record::Output(_) => "output",
                    Record::Summary(_) => "summary",
                };
                if let Some(obj) = v.as_object_mut() {
                    obj.insert("type".into(), kind.into());
                }
                let _ = writeln!(std::io::stdout(), "{v}");
            }
            MessageFormat::Human | MessageFormat::Short => {
                eprint!("{}", human(sources, &record, self.format));
            }
        }
    }

    /// Prints every diagnostic.
    pub fn diagnostics(&mut self, sources: &Sources, diags: &[Diagnostic]) {
        for d in diags {
            self.emit(sources, Record::Diagnostic(d));
        }
    }

    /// Prints the diagnostics of a command stopped by bad input, and its
    /// summary; returns exit status 2.
    pub fn fail(&mut self, sources: &Sources, diags: &[Diagnostic]) -> Outcome {
        self.diagnostics(sources, diags);
        let errors = diags.iter().filter(|d| d.is_error()).count();
        self.emit(sources, Record::Summary(Summary::BadInput { errors }));
        Outcome::BadInput
    }

    /// Prints an error that has no input file; returns exit status 2.
    pub fn error(&mut self, message: &str, hint: &str) -> Outcome {
        let d = Diagnostic::error("error", message).with_hint(hint);
        self.emit(&Sources::new(), Record::Diagnostic(&d));
        Outcome::BadInput
    }

    /// Prints a line for people (nothing in JSON).
    pub fn status(&mut self, line: &str) {
        if self.format != MessageFormat::Json {
            eprintln!("{line}");
        }
    }
}

/// Reports each document a build made (its reading level) and its lint
/// findings, as warnings; returns how many documents and findings.
pub fn documents(
    reporter: &mut Reporter,
    sources: &Sources,
    plan: &crate::plan::Plan,
    bar: &crate::model::Readability,
) -> (usize, usize) {
    use crate::model::Lang;
    let (mut documents, mut problems) = (0, 0);
    for d in plan.documents.iter().filter(|d| !d.packet) {
        documents += 1;
        let round = crate::plan::grade_1dp;
        reporter.emit(
            sources,
            Record::Document(DocumentRecord {
                state: d.state.clone(),
                document: d.id.clone(),
                clinician: d.clinician.clone(),
                title: d.title().to_string(),
                language: d.lang.code().into(),
                grade: (d.lang == Lang::En).then(|| round(d.score.grade())),
                inflesz: (d.lang == Lang::Es).then(|| round(d.score.inflesz())),
                effective: d.effective.to_string(),
            }),
        );
        for f in d.lint(bar) {
            problems += 1;
            let warning = Diagnostic { severity: crate::diag::Severity::Warning, ..f };
            reporter.emit(sources, Record::Diagnostic(&warning));
        }
    }
    (documents, problems)
}

fn to_value(v: &impl Serialize) -> serde_json::Value {
    serde_json::to_value(v).unwrap_or_default()
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// The human form of a record.
fn human(sources: &Sources, record: &Record<'_>, format: MessageFormat) -> String {
    match record {
        Record::Diagnostic(d) if format == MessageFormat::Short => {
            format!("{}\n", sources.render_short(d))
        }
        Record::Diagnostic(d) => sources.render(d),
        Record::Document(r) => human_document(r),
        Record::Output(r) => {
            let status = to_value(&r.status);
            let mut s = format!("{}: {}\n", status.as_str().unwrap_or("?"), r.path);
            for why in &r.reasons {
                s.push_str(&format!("    because {why}\n"));
            }
            s
        }
        Record::Summary(Summary::BadInput { errors }) => {
            format!(
                "error: stopped after {}; nothing was written\n",
                plural(*errors, "error", "errors")
            )
        }
        Record::Summary(Summary::Build(b)) => human_build(b),
        Record::Summary(Summary::Check(c)) if c.status == "current" => format!(
            "{} is current: {} documents ({} PDF) for {}\n",
            c.out,
            c.documents,
            c.pdfs,
            c.states.join(", ")
        ),
        Record::Summary(Summary::Check(c)) => human_check_found(c),
    }
}

/// One document's line: its state, id, clinician and language (when not
/// English), and its reading grade (or INFLESZ score, for Spanish).
fn human_document(r: &DocumentRecord) -> String {
    let lang = (r.language != "en").then_some(r.language.as_str());
    let name = match (&r.clinician, lang) {
        (Some(c), Some(l)) => format!("{} {} ({c}, {l})", r.state, r.document),
        (Some(c), None) => format!("{} {} ({c})", r.state, r.document),
        (None, Some(l)) => format!("{} {} ({l})", r.state, r.document),
        (None, None) => format!("{} {}", r.state, r.document),
    };
    match (r.grade, r.inflesz) {
        (_, Some(i)) => {
            format!("{name}: INFLESZ {i:.1} ({})\n", crate::lint::readability::inflesz_band(i))
        }
        (g, None) => format!("{name}: reading grade {:.1}\n", g.unwrap_or(0.0)),
    }
}

/// A build's summary: what it built, made, kept and wrote, then a line for
/// each of the other states' files it carried over, the clinician form sets
/// it refused and the translated documents it held back.
fn human_build(b: &BuildSummary) -> String {
    let mut s = format!(
        "built {} documents for {} into {}: {} made, {} kept; {} files written, {} unchanged{}\n",
        b.documents,
        b.states.join(", "),
        b.out,
        b.made,
        b.kept,
        b.written,
        b.unchanged,
        if b.removed > 0 { format!(", {} removed", b.removed) } else { String::new() }
    );
    if b.carried > 0 {
        s.push_str(&format!(
            "kept {} of other states as they were\n",
            plural(b.carried, "file", "files")
        ));
    }
    if b.refused > 0 {
        s.push_str(&format!(
            "refused {}; see the errors above\n",
            plural(b.refused, "clinician form set", "clinician form sets")
        ));
    }
    if b.untranslated > 0 {
        s.push_str(&format!(
            "held back the translated documents that need {}; see the errors above\n",
            plural(b.untranslated, "text without a translation", "texts without a translation")
        ));
    }
    s
}

/// A check that found problems: each kind it found, counted, with what
/// fixes it.
fn human_check_found(c: &CheckSummary) -> String {
    let files = c.stale + c.missing + c.edited + c.extra;
    let mut parts = Vec::new();
    if files > 0 {
        parts.push(format!(
            "{} (a build brings them up to date)",
            plural(files, "out-of-date file", "out-of-date files")
        ));
    }
    if c.lint_errors > 0 {
        parts.push(format!(
            "{} (fix the template or the practice file; a build does not)",
            plural(c.lint_errors, "lint problem", "lint problems")
        ));
    }
    if c.refused > 0 {
        parts.push(format!(
            "{} refused (see the licences above)",
            plural(c.refused, "clinician form set", "clinician form sets")
        ));
    }
    if c.untranslated > 0 {
        parts.push(format!(
            "{} (update the PO file; the documents that need them are not built)",
            plural(c.untranslated, "text without a translation", "texts without a translation")
        ));
    }
    if c.reviews > 0 {
        parts.push(format!(
            "{} (ask counsel to review again: `consentgen review`)",
            plural(c.reviews, "stale review", "stale reviews")
        ));
    }
    format!("check found {}\n", parts.join(", and "))
}

/// Prints to standard output; a closed pipe (`consentgen explain CA | head`)
/// ends quietly, as ripgrep does.
pub fn print_stdout(text: &str) -> Outcome {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|_| out.flush()) {
        Ok(()) => Outcome::Ok,
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Outcome::Ok,
        Err(e) => {
            eprintln!("error: writing to standard output: {e}");
            Outcome::BadInput
        }
    }
}
