//! The commands, one module each, and what they share: how diagnostics reach
//! the user.

pub mod build;
pub mod check;
pub mod diff;
pub mod explain;
pub mod fill;
pub mod init;
pub mod schema;

use std::io::Write as _;

use crate::Outcome;
use crate::diag::{Diagnostic, Sources};

/// Which states a command covers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StateSelection {
    /// The practice's own `states`.
    Practice,
    /// Every jurisdiction file.
    All,
    /// These codes.
    List(Vec<String>),
}

/// How messages are printed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum MessageFormat {
    /// Full diagnostics with the source underlined.
    #[default]
    Human,
    /// One line each: `file:line:col: error[code]: message`.
    Short,
    /// JSON Lines: one object per diagnostic, then a summary object.
    Json,
}

/// Prints diagnostics and status lines to standard error (standard output for JSON).
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

    /// Prints one diagnostic.
    pub fn report(&mut self, sources: &Sources, d: &Diagnostic) {
        match self.format {
            MessageFormat::Human => eprint!("{}", sources.render(d)),
            MessageFormat::Short => eprintln!("{}", sources.render_short(d)),
            MessageFormat::Json => {
                let mut v = sources.to_json(d);
                v["type"] = "diagnostic".into();
                let _ = writeln!(std::io::stdout(), "{v}");
            }
        }
    }

    /// Prints every diagnostic.
    pub fn report_all(&mut self, sources: &Sources, diags: &[Diagnostic]) {
        for d in diags {
            self.report(sources, d);
        }
    }

    /// Prints the diagnostics of a failed command and returns exit status 2.
    pub fn fail(&mut self, sources: &Sources, diags: &[Diagnostic]) -> Outcome {
        self.report_all(sources, diags);
        let errors = diags.iter().filter(|d| d.is_error()).count();
        self.json(serde_json::json!({"type": "summary", "status": "bad-input", "errors": errors}));
        if self.format == MessageFormat::Human {
            eprintln!(
                "error: stopped after {errors} error{}; nothing was written",
                if errors == 1 { "" } else { "s" }
            );
        }
        Outcome::BadInput
    }

    /// Prints an error that has no input file.
    pub fn error(&mut self, message: &str, hint: &str) {
        self.report(&Sources::new(), &Diagnostic::error("error", message).with_hint(hint));
    }

    /// Prints one JSON Lines record (only with `--message-format json`).
    pub fn json(&mut self, value: serde_json::Value) {
        if self.format == MessageFormat::Json {
            let _ = writeln!(std::io::stdout(), "{value}");
        }
    }

    /// Prints a progress or summary line for people.
    pub fn status(&mut self, line: &str) {
        if self.format != MessageFormat::Json {
            eprintln!("{line}");
        }
    }
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

/// What `build` and `check` both do first: load and check the inputs, plan
/// every output, and report the warnings (loading, rules, licences) and the
/// clinicians' forms that cannot be made. On bad input, the diagnostics are
/// printed and the outcome to exit with is returned.
pub fn load_and_plan(
    inputs: &crate::InputOptions,
    plan: &crate::pipeline::PlanOptions,
    reporter: &mut Reporter,
) -> Result<(crate::Inputs, crate::pipeline::Plan), Outcome> {
    use crate::pipeline;
    let loaded =
        crate::load_inputs(inputs).map_err(|(sources, diags)| reporter.fail(&sources, &diags))?;
    let planned =
        pipeline::plan(&loaded, plan).map_err(|diags| reporter.fail(&loaded.sources, &diags))?;
    reporter.report_all(&loaded.sources, &loaded.warnings);
    reporter.report_all(&loaded.sources, &planned.warnings);
    reporter.report_all(
        &loaded.sources,
        &pipeline::license_warnings(&loaded, &planned.states, plan.as_of),
    );
    // Clinicians' forms that cannot be made: reported; the command exits 1.
    reporter.report_all(&loaded.sources, &planned.refusals);
    Ok((loaded, planned))
}
