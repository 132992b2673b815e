//! The `consentgen` binary: parses the command line, runs the command, and
//! maps its outcome to the exit status (0 ok, 1 problems found, 2 bad input
//! or usage).

use std::path::PathBuf;
use std::process::ExitCode;

use consentgen::Outcome;
use consentgen::cli::{
    BuildArgs, Cli, Command, DiffArgs, ExplainArgs, ExplainFormatArg, FormatList, I18nCommand,
    InputArgs, MessageFormatArg, PdfFormsArg, ReviewArgs, SchemaFile, States, TargetArgs,
};
use consentgen::commands;
use consentgen::commands::build::BuildOptions;
use consentgen::commands::check::CheckOptions;
use consentgen::commands::diff::DiffOptions;
use consentgen::commands::explain::{ExplainFormat, ExplainOptions};
use consentgen::commands::schema::Which;
use consentgen::date::Date;
use consentgen::options::{Formats, InputOptions, PlanOptions, StateSelection};
use consentgen::report::{MessageFormat, Reporter};
use consentgen::rulediff::DiffInputs;

/// The build's date: `--as-of`, else the date of `SOURCE_DATE_EPOCH`, else today.
fn as_of(flag: Option<Date>) -> Result<Date, String> {
    if let Some(d) = flag {
        return Ok(d);
    }
    match std::env::var("SOURCE_DATE_EPOCH") {
        Ok(v) if !v.trim().is_empty() => v
            .trim()
            .parse::<i64>()
            .ok()
            .filter(|s| *s >= 0)
            .and_then(Date::from_unix_seconds)
            .ok_or_else(|| {
                format!("SOURCE_DATE_EPOCH=`{v}` is not a number of seconds since 1970")
            }),
        _ => Ok(Date::today_utc()),
    }
}

fn reporter(format: MessageFormatArg) -> Reporter {
    Reporter::new(match format {
        MessageFormatArg::Human => MessageFormat::Human,
        MessageFormatArg::Short => MessageFormat::Short,
        MessageFormatArg::Json => MessageFormat::Json,
    })
}

fn plan_options(
    states: Option<States>,
    formats: FormatList,
    pdf_forms: PdfFormsArg,
    as_of: Date,
) -> PlanOptions {
    PlanOptions {
        states: match states {
            None => StateSelection::Practice,
            Some(States::All) => StateSelection::All,
            Some(States::List(l)) => StateSelection::List(l),
        },
        formats: Formats {
            html: formats.html,
            pdf: formats.pdf,
            pdf_forms: matches!(pdf_forms, PdfFormsArg::Fields),
        },
        as_of,
        as_of_given: false,
        budget: consentgen::budget::Budget::default(),
    }
}

fn date_or_fail(flag: Option<Date>, reporter: &mut Reporter) -> Option<Date> {
    match as_of(flag) {
        Ok(d) => Some(d),
        Err(e) => {
            reporter.error(&e, "unset it or set it to seconds since 1970, e.g. 1767225600");
            None
        }
    }
}

/// The options `build` and `check` share, resolved, with the reporter for
/// the chosen message format.
fn target(args: TargetArgs) -> Result<(Reporter, InputOptions, PathBuf, PlanOptions), Outcome> {
    let mut reporter = reporter(args.message_format);
    let Some(date) = date_or_fail(args.as_of, &mut reporter) else {
        return Err(Outcome::BadInput);
    };
    let inputs = input_options(args.practice, args.inputs);
    let mut plan = plan_options(args.states, args.formats, args.pdf_forms, date);
    plan.as_of_given = args.as_of.is_some();
    plan.budget = consentgen::budget::Budget::new(
        args.budget.budget_seconds,
        usize::try_from(args.budget.budget_pages).unwrap_or(usize::MAX),
    );
    Ok((reporter, inputs, args.out, plan))
}

/// The input folders a command reads: the practice file and the
/// jurisdiction and template folders.
fn input_options(practice: Option<PathBuf>, inputs: InputArgs) -> InputOptions {
    InputOptions { practice, jurisdictions: inputs.jurisdictions, templates: inputs.templates }
}

/// `consentgen build`: the shared options, resolved, and how to write the folder.
fn build(args: BuildArgs) -> Outcome {
    match target(args.target) {
        Ok((mut reporter, inputs, out, plan)) => commands::build::run(
            &BuildOptions {
                inputs,
                plan,
                settings: consentgen::project::BuildSettings {
                    out,
                    jobs: args.jobs.map(usize::from),
                    force: args.force,
                    replace_practice: args.replace_practice,
                },
            },
            &mut reporter,
        ),
        Err(outcome) => outcome,
    }
}

/// `consentgen explain`: one state's rules (or the coverage table) on a date.
fn explain(args: ExplainArgs) -> Outcome {
    let mut reporter = Reporter::default();
    let Some(date) = date_or_fail(args.as_of, &mut reporter) else {
        return Outcome::BadInput;
    };
    let opts = ExplainOptions {
        state: if args.coverage { None } else { args.state },
        as_of: date,
        format: match args.format {
            ExplainFormatArg::Text => ExplainFormat::Text,
            ExplainFormatArg::Json => ExplainFormat::Json,
        },
        jurisdictions: args.jurisdictions,
    };
    commands::explain::run(&opts, &mut reporter)
}

/// `consentgen diff`: two jurisdiction folders compared, reported in text or JSON.
fn diff(args: DiffArgs) -> Outcome {
    let mut reporter = Reporter::new(match args.format {
        ExplainFormatArg::Text => MessageFormat::Human,
        ExplainFormatArg::Json => MessageFormat::Json,
    });
    let Some(date) = date_or_fail(args.as_of, &mut reporter) else {
        return Outcome::BadInput;
    };
    let opts = DiffOptions {
        inputs: DiffInputs {
            old: args.old,
            new: args.new,
            practice: args.practice,
            templates: args.templates,
        },
        as_of: date,
    };
    commands::diff::run(&opts, &mut reporter)
}

/// `consentgen review`: one state's review sheet on a date.
fn review(args: ReviewArgs) -> Outcome {
    let mut reporter = Reporter::default();
    let Some(date) = date_or_fail(args.as_of, &mut reporter) else {
        return Outcome::BadInput;
    };
    commands::review::run(
        &commands::review::ReviewOptions {
            inputs: input_options(args.practice, args.inputs),
            state: args.state,
            as_of: date,
            json: matches!(args.format, ExplainFormatArg::Json),
            out: args.out,
        },
        &mut reporter,
    )
}

/// Runs a command.
fn run(cli: Cli) -> Outcome {
    match cli.command {
        Command::Build(args) => build(args),
        Command::Check(args) => match target(args.target) {
            Ok((mut reporter, inputs, out, plan)) => {
                commands::check::run(&CheckOptions { inputs, out, plan }, &mut reporter)
            }
            Err(outcome) => outcome,
        },
        Command::Explain(args) => explain(args),
        Command::Diff(args) => diff(args),
        Command::Fill(args) => commands::fill::run(
            &commands::fill::FillOptions {
                form: args.form,
                data: args.data,
                out: args.out,
                flatten: args.flatten,
            },
            &mut Reporter::default(),
        ),
        Command::Fields(args) => commands::fields::run(
            &commands::fields::FieldsOptions {
                form: args.form,
                format: match args.format {
                    ExplainFormatArg::Text => commands::fields::FieldsFormat::Text,
                    ExplainFormatArg::Json => commands::fields::FieldsFormat::Json,
                },
            },
            &mut Reporter::default(),
        ),
        Command::I18n(I18nCommand::Extract(args)) => commands::i18n::run(
            &commands::i18n::ExtractOptions {
                inputs: input_options(args.practice, args.inputs),
                langs: args.langs,
            },
            &mut Reporter::default(),
        ),
        Command::Review(args) => review(args),
        Command::Init(args) => commands::init::run(&args.dir, &mut Reporter::default()),
        Command::Schema(args) => commands::schema::run(match args.file {
            None => Which::Both,
            Some(SchemaFile::Practice) => Which::Practice,
            Some(SchemaFile::Jurisdiction) => Which::Jurisdiction,
            Some(SchemaFile::Context) => Which::Context,
            Some(SchemaFile::Reviews) => Which::Reviews,
        }),
    }
}

/// The command line, with the bundled rules' version in `--version` (worked
/// out only when asked for: it hashes every rule file).
fn command() -> clap::Command {
    use clap::CommandFactory as _;
    let command = Cli::command();
    if !std::env::args_os().skip(1).any(|a| a == "--version" || a == "-V") {
        return command;
    }
    let rules = consentgen::bundle::rules_version();
    let build = &consentgen::manifest::build_id()[..12];
    let short = format!(
        "{} (build {build}; rules reviewed {}, {})",
        env!("CARGO_PKG_VERSION"),
        rules.last_reviewed,
        &rules.sha256[..12]
    );
    let long = format!(
        "{} (build {build})\nrules: {} jurisdiction files, last reviewed {}\nrules sha256: {}",
        env!("CARGO_PKG_VERSION"),
        rules.files,
        rules.last_reviewed,
        rules.sha256
    );
    // Printed once, then the process ends: leaking the two strings costs nothing.
    let (short, long): (&'static str, &'static str) = (short.leak(), long.leak());
    command.version(short).long_version(long)
}

fn main() -> ExitCode {
    use clap::FromArgMatches as _;
    let parsed = command().try_get_matches().and_then(|m| Cli::from_arg_matches(&m));
    let cli = match parsed {
        Ok(cli) => cli,
        Err(e) => {
            // Help and version go to stdout with status 0; usage errors exit 2.
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    ExitCode::from(run(cli).code())
}
