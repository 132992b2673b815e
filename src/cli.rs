//! The command line (clap derive). Only argument shapes live here; turning
//! them into validated options happens in `main.rs`.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::date::Date;

/// Plain-language informed-consent documents for psychotherapy practices, per US state, as HTML and PDF.
#[derive(Debug, Parser)]
#[command(name = "consentgen", version, about, max_term_width = 100)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Build every document for every state of a practice (without PRACTICE: the bundled example)
    Build(BuildArgs),
    /// Check that an output folder is current, the inputs valid and the documents readable
    Check(CheckArgs),
    /// Print a state's rules in effect, in plain words with citations
    Explain(ExplainArgs),
    /// Show which rules changed between two jurisdiction folders, and which documents they change
    Diff(DiffArgs),
    /// Write a commented starter practice.toml
    Init(InitArgs),
    /// Print the JSON Schema of practice.toml and of the jurisdiction files, for editors
    Schema(SchemaArgs),
    /// Fill a generated PDF's form fields by id, from a JSON file of values
    Fill(FillArgs),
    /// Write a state's review sheet for counsel (what the forms say, the drafts, sources, hashes)
    Review(ReviewArgs),
    /// List a generated PDF's form fields: ids, types, labels, required or not
    Fields(FieldsArgs),
    /// Translations: update the PO files from the templates and rule files
    #[command(subcommand)]
    I18n(I18nCommand),
}

/// `consentgen i18n`.
#[derive(Debug, Subcommand)]
pub enum I18nCommand {
    /// Write messages.pot of a templates folder (and of --jurisdictions DIR) and merge it into each <lang>.po there
    Extract(ExtractArgs),
}

/// `consentgen i18n extract`.
#[derive(Debug, Args)]
pub struct ExtractArgs {
    /// The practice file (its languages, and its own templates/ folder)
    pub practice: Option<PathBuf>,
    /// Input folders: the templates folder is the one written (default: the practice's templates/)
    #[command(flatten)]
    pub inputs: InputArgs,
    /// Make a PO file for this language too (e.g. `es`)
    #[arg(long = "lang", value_name = "LANG", value_parser = parse_lang)]
    pub langs: Vec<crate::model::Lang>,
}

fn parse_lang(s: &str) -> Result<crate::model::Lang, String> {
    crate::model::Lang::from_code(s).ok_or_else(|| {
        let codes: Vec<&str> = crate::model::Lang::ALL.iter().map(|l| l.code()).collect();
        format!("`{s}` is not a language consentgen writes ({})", codes.join(", "))
    })
}

/// Flags that select input folders.
#[derive(Debug, Args)]
pub struct InputArgs {
    /// Folder of jurisdiction files to use instead of the bundled ones
    #[arg(long, value_name = "DIR", env = "CONSENTGEN_JURISDICTIONS")]
    pub jurisdictions: Option<PathBuf>,
    /// Folder of templates that override bundled ones of the same name
    #[arg(long, value_name = "DIR")]
    pub templates: Option<PathBuf>,
}

/// What `build` and `check` share: the practice, the output folder, and
/// which states, formats and date.
#[derive(Debug, Args)]
pub struct TargetArgs {
    /// The practice file (default: the bundled example practice)
    pub practice: Option<PathBuf>,
    /// Output folder
    #[arg(long, value_name = "DIR", default_value = "out")]
    pub out: PathBuf,
    /// States: codes separated by commas, or `all` (default: the practice's states)
    #[arg(long, value_name = "CA,NY|all", value_parser = parse_states)]
    pub states: Option<States>,
    /// Formats the build writes
    #[arg(long, value_name = "html,pdf", default_value = "html,pdf", value_parser = parse_formats)]
    pub formats: FormatList,
    /// Form fields in the PDFs: fill in and sign on screen, or none for paper only
    #[arg(long, value_enum, value_name = "none|fields", default_value_t = PdfFormsArg::Fields)]
    pub pdf_forms: PdfFormsArg,
    /// Use the rules in effect on this date (default: SOURCE_DATE_EPOCH's date, else today)
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_date)]
    pub as_of: Option<Date>,
    /// How to print messages
    #[arg(long, value_enum, default_value_t = MessageFormatArg::Human)]
    pub message_format: MessageFormatArg,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub inputs: InputArgs,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub budget: BudgetArgs,
}

/// The budget templates run under (see `budget`).
#[derive(Debug, Args)]
pub struct BudgetArgs {
    /// Seconds each template render and each PDF may take
    #[arg(long, value_name = "N", default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub budget_seconds: u64,
    /// Pages each PDF may have
    #[arg(long, value_name = "N", default_value_t = 200, value_parser = clap::value_parser!(u64).range(1..=100_000))]
    pub budget_pages: u64,
}

/// `consentgen build`.
#[derive(Debug, Args)]
pub struct BuildArgs {
    #[command(flatten)]
    #[allow(missing_docs)]
    pub target: TargetArgs,
    /// Worker threads (default: one per core)
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=256))]
    pub jobs: Option<u16>,
    /// Overwrite files consentgen did not write, and build into a folder that holds inputs
    #[arg(long)]
    pub force: bool,
    /// Build into a folder whose manifest names another practice, replacing its forms (a renamed practice)
    #[arg(long)]
    pub replace_practice: bool,
}

/// `consentgen check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    #[command(flatten)]
    #[allow(missing_docs)]
    pub target: TargetArgs,
}

/// `consentgen explain`.
#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// USPS code of the state, e.g. CA
    #[arg(required_unless_present = "coverage")]
    pub state: Option<String>,
    /// Instead of one state, every state × topic: confirmed or not, and the kind of source
    #[arg(long, conflicts_with = "state")]
    pub coverage: bool,
    /// Show the rules in effect on this date (default: today)
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_date)]
    pub as_of: Option<Date>,
    /// Output format
    #[arg(long, value_enum, default_value_t = ExplainFormatArg::Text)]
    pub format: ExplainFormatArg,
    /// Folder of jurisdiction files to use instead of the bundled ones
    #[arg(long, value_name = "DIR", env = "CONSENTGEN_JURISDICTIONS")]
    pub jurisdictions: Option<PathBuf>,
}

/// `consentgen diff`.
#[derive(Debug, Args)]
pub struct DiffArgs {
    /// The old folder of jurisdiction files
    pub old: PathBuf,
    /// The new folder (default: the bundled jurisdiction files)
    pub new: Option<PathBuf>,
    /// Practice whose documents are compared (default: the bundled example)
    #[arg(long, value_name = "FILE")]
    pub practice: Option<PathBuf>,
    /// Folder of templates that override bundled ones of the same name
    #[arg(long, value_name = "DIR")]
    pub templates: Option<PathBuf>,
    /// Compare the rules in effect on this date (default: SOURCE_DATE_EPOCH's date, else today)
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_date)]
    pub as_of: Option<Date>,
    /// Output format
    #[arg(long, value_enum, default_value_t = ExplainFormatArg::Text)]
    pub format: ExplainFormatArg,
}

/// `consentgen review`.
#[derive(Debug, Args)]
pub struct ReviewArgs {
    /// USPS code of the state, e.g. CA
    pub state: String,
    /// The practice file (default: the bundled example); its reviews.toml is read
    pub practice: Option<PathBuf>,
    /// Folder the sheet is written into (XX-review.html and .pdf)
    #[arg(long, value_name = "DIR", default_value = "review")]
    pub out: PathBuf,
    /// Output format: text writes the sheet; json prints the records
    #[arg(long, value_enum, default_value_t = ExplainFormatArg::Text)]
    pub format: ExplainFormatArg,
    /// Review the rules in effect on this date (default: SOURCE_DATE_EPOCH's date, else today)
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_date)]
    pub as_of: Option<Date>,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub inputs: InputArgs,
}

/// `consentgen init`.
#[derive(Debug, Args)]
pub struct InitArgs {
    /// Folder to write practice.toml into
    #[arg(default_value = ".")]
    pub dir: PathBuf,
}

/// `consentgen schema`.
#[derive(Debug, Args)]
pub struct SchemaArgs {
    /// Which file's schema (default: both, keyed by name)
    #[arg(value_enum)]
    pub file: Option<SchemaFile>,
}

/// `consentgen fill`.
#[derive(Debug, Args)]
pub struct FillArgs {
    /// The PDF form to fill (made by `consentgen build`)
    pub form: PathBuf,
    /// JSON object of values by field id, e.g. {"client.name": "Ana Ruiz"} (`-`: standard input)
    #[arg(long, value_name = "FILE")]
    pub data: PathBuf,
    /// Where to write the filled PDF
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
    /// Draw the values into the pages and remove the form fields
    #[arg(long)]
    pub flatten: bool,
}

/// `consentgen fields`.
#[derive(Debug, Args)]
pub struct FieldsArgs {
    /// The PDF form (made by `consentgen build`)
    pub form: PathBuf,
    /// Output format
    #[arg(long, value_enum, default_value_t = ExplainFormatArg::Text)]
    pub format: ExplainFormatArg,
}

/// The input files that have a schema.
#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum SchemaFile {
    /// practice.toml
    Practice,
    /// jurisdictions/XX.toml
    Jurisdiction,
    /// What a document template can read (the template context)
    Context,
    /// reviews.toml (counsel's decisions)
    Reviews,
}

/// `--message-format`.
#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum MessageFormatArg {
    /// Full diagnostics with the source underlined
    Human,
    /// One line per diagnostic
    Short,
    /// JSON Lines on standard output
    Json,
}

/// `--pdf-forms`.
#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum PdfFormsArg {
    /// Lines to fill in by hand only
    None,
    /// A form field on every line to fill in
    Fields,
}

/// `explain --format`.
#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum ExplainFormatArg {
    /// Plain words
    Text,
    /// JSON for scripts
    Json,
}

/// `--states`.
#[derive(Clone, Debug)]
pub enum States {
    /// Every jurisdiction file.
    All,
    /// These codes.
    List(Vec<String>),
}

/// `--formats`.
#[derive(Clone, Copy, Debug)]
pub struct FormatList {
    /// HTML wanted.
    pub html: bool,
    /// PDF wanted.
    pub pdf: bool,
}

fn parse_date(s: &str) -> Result<Date, String> {
    Date::parse(s)
        .ok_or_else(|| format!("`{s}` is not a date; write it as YYYY-MM-DD, e.g. 2026-01-01"))
}

fn parse_states(s: &str) -> Result<States, String> {
    if s.eq_ignore_ascii_case("all") {
        return Ok(States::All);
    }
    let mut codes: Vec<String> = s.split(',').map(|c| c.trim().to_ascii_uppercase()).collect();
    if codes.iter().any(|c| c.len() != 2 || !c.bytes().all(|b| b.is_ascii_alphabetic())) {
        return Err(format!("`{s}` is not a list of state codes; write e.g. CA,NY or all"));
    }
    // Like a practice's own list: order and repeats change nothing.
    codes.sort();
    codes.dedup();
    Ok(States::List(codes))
}

fn parse_formats(s: &str) -> Result<FormatList, String> {
    let mut f = FormatList { html: false, pdf: false };
    for part in s.split(',').map(str::trim) {
        match part {
            "html" => f.html = true,
            "pdf" => f.pdf = true,
            other => return Err(format!("unknown format `{other}`; use html, pdf or html,pdf")),
        }
    }
    Ok(f)
}
