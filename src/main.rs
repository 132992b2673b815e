//! The `consentgen` binary: parses the command line, runs the command, and
//! maps its outcome to the exit status (0 ok, 1 problems found, 2 bad input
//! or usage).

use std::process::ExitCode;

use clap::Parser as _;
use consentgen::cli::{Cli, Command, ExplainFormatArg, MessageFormatArg, States};
use consentgen::commands::build::{BuildOptions, Formats};
use consentgen::commands::explain::{ExplainFormat, ExplainOptions};
use consentgen::commands::{self, MessageFormat, Reporter, StateSelection};
use consentgen::date::Date;
use consentgen::{InputOptions, Outcome};

/// The build's date and PDF timestamp: `--as-of`, else `SOURCE_DATE_EPOCH`,
/// else today; the timestamp is `SOURCE_DATE_EPOCH` when set, else midnight
/// UTC of the build's date. Either way, two builds of the same inputs on the
/// same day give the same bytes.
fn dates(as_of: Option<Date>) -> Result<(Date, i64), String> {
    let epoch = match std::env::var("SOURCE_DATE_EPOCH") {
        Ok(v) if !v.trim().is_empty() => {
            Some(v.trim().parse::<i64>().ok().filter(|s| *s >= 0).ok_or_else(|| {
                format!("SOURCE_DATE_EPOCH=`{v}` is not a number of seconds since 1970")
            })?)
        }
        _ => None,
    };
    let date =
        as_of.or_else(|| epoch.and_then(Date::from_unix_seconds)).unwrap_or_else(Date::today_utc);
    let timestamp = epoch.unwrap_or(date.days_since_epoch() * 86_400);
    Ok((date, timestamp))
}

fn run(cli: Cli) -> Outcome {
    match cli.command {
        Command::Build(args) => {
            let mut reporter = Reporter::new(match args.message_format {
                MessageFormatArg::Human => MessageFormat::Human,
                MessageFormatArg::Short => MessageFormat::Short,
                MessageFormatArg::Json => MessageFormat::Json,
            });
            let (as_of, timestamp) = match dates(args.as_of) {
                Ok(d) => d,
                Err(e) => {
                    reporter.error(&e, "unset it or set it to seconds since 1970, e.g. 1767225600");
                    return Outcome::BadInput;
                }
            };
            let opts = BuildOptions {
                inputs: InputOptions {
                    practice: args.practice,
                    jurisdictions: args.inputs.jurisdictions,
                    templates: args.inputs.templates,
                },
                out: args.out,
                states: match args.states {
                    None => StateSelection::Practice,
                    Some(States::All) => StateSelection::All,
                    Some(States::List(l)) => StateSelection::List(l),
                },
                formats: Formats { html: args.formats.html, pdf: args.formats.pdf },
                as_of,
                timestamp,
                jobs: args.jobs.map(usize::from),
            };
            commands::build::run(&opts, &mut reporter)
        }
        Command::Explain(args) => {
            let mut reporter = Reporter::default();
            let opts = ExplainOptions {
                state: args.state,
                as_of: args.as_of.unwrap_or_else(Date::today_utc),
                format: match args.format {
                    ExplainFormatArg::Text => ExplainFormat::Text,
                    ExplainFormatArg::Json => ExplainFormat::Json,
                },
                jurisdictions: args.jurisdictions,
            };
            commands::explain::run(&opts, &mut reporter)
        }
        Command::Init(args) => commands::init::run(&args.dir, &mut Reporter::default()),
    }
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            // Help and version go to stdout with status 0; usage errors exit 2.
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    ExitCode::from(run(cli).code())
}
