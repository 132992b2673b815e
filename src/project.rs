//! The library entry point (issue 30): a practice's inputs loaded once, then
//! planned, built and checked, as Zola's `site.load(); site.build()` and
//! mdBook's `MDBook::load(dir)?.build()`. The commands are thin over it; a
//! preview server, a test or an embedding calls the same.
//!
//! ```no_run
//! use consentgen::options::{InputOptions, PlanOptions};
//! use consentgen::project::{BuildSettings, Project};
//! # fn main() -> Result<(), consentgen::project::Failure> {
//! let project = Project::load(&InputOptions::default())?;
//! let opts = PlanOptions::today();
//! let plan = project.plan(&opts).map_err(|d| project.failure(d))?;
//! let report = project
//!     .build(&plan, &opts.states, &BuildSettings::new("out"))
//!     .map_err(|d| project.failure(d))?;
//! println!("{} files written", report.summary.written);
//! # Ok(()) }
//! ```
//!
//! Every build has its own budget ([`crate::budget::Budget`], in the
//! [`PlanOptions`]), so one process can build many times.

use std::path::{Path, PathBuf};

use crate::diag::{Diagnostic, Sources};
use crate::load::Inputs;
use crate::manifest::Manifest;
use crate::options::{InputOptions, PlanOptions, StateSelection};
use crate::plan::{Format, OutputRecord, OutputStatus, Plan};
use crate::produce::Produced;
use crate::report::{BuildSummary, CheckSummary};
use crate::write::{MANIFEST, Staged, Staging};

/// Inputs that could not be used: every diagnostic, with the files they
/// point into.
#[derive(Debug)]
pub struct Failure {
    /// The files the diagnostics point into.
    pub sources: Sources,
    /// What is wrong (at least one error).
    pub diagnostics: Vec<Diagnostic>,
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for d in &self.diagnostics {
            f.write_str(&self.sources.render(d))?;
        }
        Ok(())
    }
}

impl std::error::Error for Failure {}

/// A practice's inputs, loaded and checked.
pub struct Project {
    /// Everything read: the practice, the rules, the templates, the catalogs.
    pub inputs: Inputs,
}

/// Where and how a build writes.
#[derive(Clone, Debug)]
pub struct BuildSettings {
    /// The output folder.
    pub out: PathBuf,
    /// Worker threads; `None` for one per core.
    pub jobs: Option<usize>,
    /// Write where the output folder's checks refuse (see `outdir`).
    pub force: bool,
    /// Build into a folder whose manifest names another practice, replacing
    /// that practice's forms.
    pub replace_practice: bool,
}

impl BuildSettings {
    /// Builds into `out` with the defaults.
    pub fn new(out: impl Into<PathBuf>) -> BuildSettings {
        BuildSettings { out: out.into(), jobs: None, force: false, replace_practice: false }
    }
}

/// What a build did.
#[derive(Clone, Debug, Default)]
pub struct BuildReport {
    /// The counts `build` prints last.
    pub summary: BuildSummary,
    /// Warnings found on the way (files edited by hand, kept or not removed).
    pub diagnostics: Vec<Diagnostic>,
}

/// What a check found.
#[derive(Clone, Debug, Default)]
pub struct CheckReport {
    /// What `check` notes of the folder itself (a damaged manifest).
    pub notes: Vec<Diagnostic>,
    /// Documents that fail the reading bar or lack a required element.
    pub lint: Vec<Diagnostic>,
    /// Outputs that are not what a build would write now, and why.
    pub outputs: Vec<OutputRecord>,
    /// The counts `check` prints last.
    pub summary: CheckSummary,
}

impl CheckReport {
    /// Whether nothing is wrong.
    pub fn current(&self) -> bool {
        self.summary.status == "current"
    }
}

impl Project {
    /// Loads and checks every input (see [`crate::load`]).
    pub fn load(opts: &InputOptions) -> Result<Project, Failure> {
        crate::load::load_inputs(opts)
            .map(|inputs| Project { inputs })
            .map_err(|(sources, diagnostics)| Failure { sources, diagnostics })
    }

    /// These diagnostics as a [`Failure`], with this project's files.
    pub fn failure(&self, diagnostics: Vec<Diagnostic>) -> Failure {
        Failure { sources: self.inputs.sources.clone(), diagnostics }
    }

    /// Plans every output (rendering every document, see [`crate::plan`]).
    /// With PDFs, a name no bundled font can set is an error here, at its line.
    pub fn plan(&self, opts: &PlanOptions) -> Result<Plan, Vec<Diagnostic>> {
        let built_on = opts.as_of;
        let opts = &self.dated(opts);
        let mut plan = crate::plan::plan(&self.inputs, opts)?;
        plan.built_on = built_on;
        plan.warnings.extend(self.effective_warning(built_on));
        if opts.formats.pdf {
            let mut failed = None;
            let documents = plan.documents.iter().filter(|d| !d.packet).map_while(|d| {
                match plan.text(d, crate::plan::spool::Part::Markdown) {
                    Ok(markdown) => {
                        Some(crate::validate::UnsetDoc { id: &d.id, name: d.name(), markdown })
                    }
                    Err(e) => {
                        failed = Some(e);
                        None
                    }
                }
            });
            let unsettable = crate::validate::unsettable(&self.inputs, &plan.states, documents);
            if let Some(e) = failed {
                return Err(vec![e]);
            }
            if !unsettable.is_empty() {
                return Err(unsettable);
            }
        }
        Ok(plan)
    }

    /// The options with the date whose rules apply (issue 26): without
    /// `--as-of`, the later of the build's date and the practice's
    /// `effective` date, so forms for next year state next year's rules and
    /// are checked against licences valid then.
    pub fn dated(&self, opts: &PlanOptions) -> PlanOptions {
        let mut opts = opts.clone();
        if let Some(effective) = self.inputs.practice.effective
            && !opts.as_of_given
            && effective > opts.as_of
        {
            opts.as_of = effective;
        }
        opts
    }

    /// A warning when the practice's `effective` date is more than a year
    /// before or after the build's date: a typo in the year, or forms
    /// never redated.
    fn effective_warning(&self, built_on: crate::date::Date) -> Option<Diagnostic> {
        let inputs = &self.inputs;
        let effective = inputs.practice.effective?;
        let ahead = effective > built_on.add_days(365);
        let behind = effective < built_on.add_days(-365);
        if !(ahead || behind) {
            return None;
        }
        let mut d = Diagnostic::warning(
            "effective-date",
            format!(
                "the practice's `effective` date {effective} is more than a year {} the build's date {built_on}",
                if ahead { "after" } else { "before" }
            ),
        )
        .with_hint(if ahead {
            "forms state the rules in force on that date and name only clinicians licensed then; is the year right?"
        } else {
            "forms print that date as their effective date; set the day your current forms took effect"
        });
        let text = inputs.sources.text(inputs.practice_file);
        if let Some(at) = text
            .find("\neffective")
            .map(|i| i + 1)
            .or_else(|| text.starts_with("effective").then_some(0))
        {
            let end = text[at..].find('\n').map_or(text.len(), |e| at + e);
            d = d.at(inputs.practice_file, at..end).with_label("this date");
        }
        Some(d)
    }

    /// What a build or check of `plan` reports before its results: the
    /// warnings of loading and planning, licences about to lapse, and the
    /// documents it cannot make (clinicians' forms refused, translations
    /// missing: these make the command exit 1).
    pub fn notices(&self, plan: &Plan, as_of: crate::date::Date) -> Vec<Diagnostic> {
        let mut out = self.inputs.warnings.clone();
        out.extend(plan.warnings.iter().cloned());
        out.extend(crate::validate::license_warnings(&self.inputs, &plan.states, as_of));
        out.extend(plan.refusals.iter().cloned());
        out.extend(plan.untranslated.iter().cloned());
        out
    }

    /// Builds `plan` into the output folder: checks the folder as a jail,
    /// makes what is not current, writes by the crash-safe protocol of
    /// [`crate::write`], removes what the previous build made and this one
    /// no longer does.
    pub fn build(
        &self,
        plan: &Plan,
        selection: &StateSelection,
        settings: &BuildSettings,
    ) -> Result<BuildReport, Vec<Diagnostic>> {
        let inputs = &self.inputs;
        let out = &settings.out;
        crate::outdir::check_folder(out).map_err(|d| vec![d])?;
        // One build at a time in a folder: held until the last file is
        // written or removed (see `crate::lock`).
        let _lock = lock(out)?;
        let mut report = BuildReport::default();
        let previous = Manifest::read(out);
        let damaged_why = crate::outdir::damaged_manifest(out);
        report.diagnostics.extend(damaged_why.as_deref().map(|why| damaged(out, why)));
        if !settings.replace_practice
            && let Some(d) = another_practice(previous.as_ref(), inputs, out)
        {
            return Err(vec![d]);
        }
        let notices =
            crate::plan::notice::revisions(inputs, plan, previous.as_ref(), plan.built_on);
        if crate::diag::has_errors(&notices) {
            return Err(notices);
        }
        report.diagnostics.extend(notices);
        let selected = matches!(selection, StateSelection::List(_));
        let (kept, edited) =
            crate::outdir::kept_outputs(out, selected, &plan.states, previous.as_ref());
        report.diagnostics.extend(edited);
        let jail = self.jail(plan, settings, previous.as_ref(), &kept, selected, &damaged_why)?;
        report.diagnostics.extend(jail.found.iter().cloned());
        // A stale review is a warning in a build: the forms state the data.
        report.diagnostics.extend(
            plan.reviews
                .iter()
                .map(|d| Diagnostic { severity: crate::diag::Severity::Warning, ..d.clone() }),
        );
        self.write(plan, settings, previous.as_ref(), kept, &jail, &mut report)?;
        let s = &mut report.summary;
        s.documents = plan.documents.iter().filter(|d| !d.packet).count();
        s.lint_problems =
            plan.documents.iter().map(|d| d.lint(&inputs.practice.readability).len()).sum();
        s.refused = plan.refusals.len();
        s.untranslated = plan.untranslated.len();
        s.states = plan.states.clone();
        s.out = out.display().to_string();
        Ok(report)
    }

    /// The jail, before anything is rendered or written (see `outdir`): the
    /// paths the build writes, and what the folder holds of them.
    fn jail<'m>(
        &self,
        plan: &Plan,
        settings: &BuildSettings,
        previous: Option<&'m Manifest>,
        kept: &[crate::manifest::Output],
        selected: bool,
        damaged: &Option<String>,
    ) -> Result<Jail<'m>, Vec<Diagnostic>> {
        let inputs = &self.inputs;
        let mut paths: Vec<String> = plan.outputs.iter().map(|p| p.path.clone()).collect();
        paths.extend(inputs.languages().iter().map(|l| crate::plan::index_path(inputs, l.lang)));
        paths.push(MANIFEST.to_string());
        let refs: Vec<&str> = paths.iter().map(String::as_str).collect();
        let unlisted = crate::outdir::unlisted(&settings.out, previous, &refs);
        let removals =
            crate::outdir::removals(previous, &refs, kept, selected.then_some(&plan.states));
        let found = crate::outdir::preflight(&crate::outdir::Targets {
            out: &settings.out,
            paths: refs,
            removals: removals.clone(),
            previous,
            force: settings.force,
            damaged: damaged.is_some(),
            inputs: self.inputs_options(),
        });
        if crate::diag::has_errors(&found) {
            return Err(found);
        }
        Ok(Jail { paths, unlisted, removals, found })
    }

    /// Makes what is not current, staging each file as it is made, writes
    /// the build by the protocol of [`crate::write`], and removes what the
    /// previous build made and this one no longer does.
    fn write(
        &self,
        plan: &Plan,
        settings: &BuildSettings,
        previous: Option<&Manifest>,
        kept: Vec<crate::manifest::Output>,
        jail: &Jail<'_>,
        report: &mut BuildReport,
    ) -> Result<(), Vec<Diagnostic>> {
        let (inputs, out) = (&self.inputs, &settings.out);
        let write_error = |e: anyhow::Error| vec![crate::produce::write_diagnostic(&e)];
        let paths: Vec<&str> = jail.paths.iter().map(String::as_str).collect();
        // Each file is staged beside its target as it is made (see `write`).
        let staging = Staging::begin(out, &paths).map_err(write_error)?;
        let products = crate::produce::produce(inputs, plan, &staging, previous, settings.jobs)?;
        let mut indexes = Vec::new();
        for (path, html) in crate::plan::index_pages(inputs, plan, &kept).map_err(|d| vec![d])? {
            indexes.push(staging.stage(&path, html.as_bytes()).map_err(write_error)?);
        }
        let s = &mut report.summary;
        s.made = products.iter().filter(|p| p.produced == Produced::Made).count();
        s.kept = products.len() - s.made;
        s.carried = kept.len();
        let kept_paths: Vec<String> = kept.iter().map(|o| o.path.clone()).collect();
        let (files, from) = crate::produce::files(products, indexes);
        if !settings.force {
            not_ours(out, &jail.unlisted, &files)?;
        }
        let written: Vec<String> = files.iter().map(|f| f.path.clone()).collect();
        let listing = crate::produce::Listing::new(plan, &files, &from, &kept);
        let manifest = Manifest::new(inputs, plan.as_of, listing);
        let manifest = staging.stage_manifest(|w| manifest.write_to(w)).map_err(write_error)?;
        let stats = staging.commit(files, Some(manifest)).map_err(write_error)?;
        let (removed, edited) =
            crate::outdir::remove_previous(out, previous, &jail.removals, &written, &kept_paths);
        report.diagnostics.extend(edited);
        let s = &mut report.summary;
        s.written = stats.changed;
        s.unchanged = stats.unchanged;
        s.removed = removed;
        Ok(())
    }

    /// Compares the output folder with what a build of `plan` would write,
    /// without writing or compiling anything (see `commands::check`).
    pub fn check(
        &self,
        plan: &Plan,
        selection: &StateSelection,
        out: &Path,
    ) -> Result<CheckReport, Vec<Diagnostic>> {
        let inputs = &self.inputs;
        crate::outdir::check_folder(out).map_err(|d| vec![d])?;
        let mut report = CheckReport::default();
        let previous = Manifest::read(out);
        report.notes.extend(crate::outdir::damaged_manifest(out).map(|why| damaged(out, &why)));
        let notices =
            crate::plan::notice::revisions(inputs, plan, previous.as_ref(), plan.built_on);
        if crate::diag::has_errors(&notices) {
            return Err(notices);
        }
        for d in &plan.documents {
            report.lint.extend(d.lint(&inputs.practice.readability));
        }
        let mut found = crate::plan::statuses(inputs, plan, out, previous.as_ref(), selection);
        if matches!(selection, StateSelection::Practice) {
            for (path, index) in crate::plan::index_pages(inputs, plan, &[]).map_err(|d| vec![d])? {
                let disk = crate::write::read_output(out, &path);
                if disk.as_deref() != Some(index.as_bytes()) {
                    let status =
                        if disk.is_none() { OutputStatus::Missing } else { OutputStatus::Stale };
                    let reasons = vec!["the list of documents changed".into()];
                    found.push(OutputRecord { path, status, reasons });
                }
            }
        }
        let s = &mut report.summary;
        for r in &found {
            match r.status {
                OutputStatus::Stale => s.stale += 1,
                OutputStatus::Missing => s.missing += 1,
                OutputStatus::Edited => s.edited += 1,
                OutputStatus::Extra => s.extra += 1,
            }
        }
        s.lint_errors = report.lint.len();
        s.outputs = plan.outputs.len();
        s.current = s.outputs.saturating_sub(found.len() - s.extra);
        s.refused = plan.refusals.len();
        s.untranslated = plan.untranslated.len();
        s.reviews = plan.reviews.len();
        report.lint.extend(plan.reviews.iter().cloned());
        let problems = found.len() + s.lint_errors + s.refused + s.untranslated + s.reviews;
        s.status = if problems == 0 { "current" } else { "problems" };
        for (kind, count) in [
            ("outdated", found.len()),
            ("lint", s.lint_errors),
            ("refused", s.refused),
            ("untranslated", s.untranslated),
            ("review", s.reviews),
        ] {
            if count > 0 {
                s.problems.push(kind);
            }
        }
        s.documents = plan.documents.iter().filter(|d| !d.packet).count();
        s.pdfs = plan.outputs.iter().filter(|p| p.format == Format::Pdf).count();
        s.states = plan.states.clone();
        s.out = out.display().to_string();
        report.outputs = found;
        Ok(report)
    }

    /// The input options this project was loaded with (for the output
    /// folder's check that it is not the inputs' own folder).
    fn inputs_options(&self) -> &InputOptions {
        &self.inputs.options
    }
}

/// What the jail checked before a build renders or writes anything.
struct Jail<'m> {
    /// Every path the build writes, the manifest included.
    paths: Vec<String>,
    /// Files in a folder without a manifest that the build would write over.
    unlisted: Vec<String>,
    /// The previous build's files this one would remove (if intact).
    removals: Vec<&'m str>,
    /// Warnings about the folder.
    found: Vec<Diagnostic>,
}

/// Takes the output folder's lock, waiting (and saying so) while another
/// build holds it.
fn lock(out: &Path) -> Result<crate::lock::OutLock, Vec<Diagnostic>> {
    crate::lock::OutLock::acquire(out, |pid| {
        eprintln!(
            "waiting for another consentgen build (process {pid}) writing into {}",
            out.display()
        )
    })
    .map_err(|e| {
        vec![
            Diagnostic::error("out-lock", format!("cannot lock {}: {e}", out.display()))
                .with_hint("check that the output folder is writable"),
        ]
    })
}

/// The refusal to build into a folder holding another practice's forms: a
/// second practice built there would remove the first one's files.
fn another_practice(
    previous: Option<&Manifest>,
    inputs: &Inputs,
    out: &Path,
) -> Option<Diagnostic> {
    let theirs = previous.map(|m| m.practice.as_str()).filter(|p| !p.is_empty())?;
    let ours = inputs.practice.name.get_ref();
    (theirs != ours.as_str()).then(|| {
        Diagnostic::error(
            "output",
            format!(
                "{} holds the forms of another practice, \"{theirs}\"; this is \"{ours}\"",
                out.display()
            ),
        )
        .with_hint(
            "build each practice into its own folder (`--out` another path), or, if this \
             practice was renamed or replaces that one, pass `--replace-practice`",
        )
    })
}

/// A warning for a manifest of ours that does not read (a merge conflict, a
/// cut-off write): the build recognises its files by their bytes instead.
fn damaged(out: &Path, why: &str) -> Diagnostic {
    Diagnostic::warning(
        "manifest-damaged",
        format!("{} does not read: {why}", out.join(MANIFEST).display()),
    )
    .with_hint(
        "a build takes back the files it would write byte for byte and writes a new manifest",
    )
}

/// With no manifest to vouch for them: the files already at paths this
/// build writes must hold what it writes, or they are not ours to replace.
fn not_ours(out: &Path, unlisted: &[String], files: &[Staged]) -> Result<(), Vec<Diagnostic>> {
    let unlisted: std::collections::BTreeSet<&str> = unlisted.iter().map(String::as_str).collect();
    // Staging compared each file with its target already: one that would
    // change is one whose bytes differ.
    let mut differ: Vec<String> = files
        .iter()
        .filter(|f| f.replaces() && unlisted.contains(f.path.as_str()))
        .map(|f| out.join(&f.path).display().to_string())
        .collect();
    differ.sort();
    if differ.is_empty() {
        return Ok(());
    }
    Err(vec![
        Diagnostic::error(
            "not-ours",
            format!(
                "the build would overwrite files consentgen did not write: {}",
                crate::outdir::some_paths(&differ)
            ),
        )
        .with_hint("move them away or choose another --out; --force overwrites them"),
    ])
}
