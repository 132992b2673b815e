//! Produce: the expensive part of a build. Each planned output is either kept
//! (its key and file match the previous manifest) or made: an HTML page from
//! the page shell, or a PDF from the embedded Typst compiler, on every core.

use std::borrow::Cow;
use std::sync::{Arc, OnceLock};

use crate::diag::Diagnostic;
use crate::load::Inputs;
use crate::manifest::{About, Manifest, Output};
use crate::pdf::Engine;
use crate::plan::spool::Part;
use crate::plan::{Format, Plan, Planned, reusable};
use crate::write::{Staged, Staging};

/// What producing an output did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Produced {
    /// Made anew.
    Made,
    /// Kept from the previous build.
    Reused,
}

/// One output, produced: its file, staged in the output folder, and
/// whether it was made or kept. (What the manifest records of it beyond
/// path and hash comes from the plan when the manifest is made, so that a
/// build holds it once.)
#[derive(Debug)]
pub struct Product {
    /// Its index in [`Plan::outputs`].
    pub planned: usize,
    /// The file.
    pub file: Staged,
    /// Made or kept.
    pub produced: Produced,
}

/// Makes (or reuses) every planned output, `workers` at a time, and stages
/// each one in `staging` as soon as it is made: a build holds one output's
/// bytes per worker, never all of them.
pub fn produce(
    inputs: &Inputs,
    plan: &Plan,
    staging: &Staging,
    previous: Option<&Manifest>,
    workers: Option<usize>,
) -> Result<Vec<Product>, Vec<Diagnostic>> {
    let out = staging.out();
    let logo = inputs.logo.as_ref().map(|l| (l.name, l.bytes.as_slice()));
    let pages = plan.budget.pages;
    // Made when the first PDF is: a rebuild that keeps every PDF loads no fonts.
    let engine = OnceLock::new();
    let engine = || {
        engine.get_or_init(|| {
            Arc::new(Engine::new(&inputs.templates.pdf_main, logo).with_max_pages(pages))
        })
    };
    let progress = crate::progress::Progress::new(plan.outputs.len(), "files");
    let make = |planned: usize| -> Result<Product, Diagnostic> {
        let p = &plan.outputs[planned];
        if let Some(sha256) = reusable(out, previous, p) {
            let file = Staged::in_place(&p.path, sha256);
            return Ok(Product { planned, file, produced: Produced::Reused });
        }
        let bytes = match p.format {
            Format::Html => page(inputs, plan, p)?.into_bytes(),
            Format::Pdf => {
                let d = &plan.documents[p.doc];
                let ident = format!("consentgen/{}/{}", inputs.practice.name.get_ref(), p.path);
                let body = plan.text(d, Part::Typst)?.into_owned();
                let (engine, meta, date) = (Arc::clone(engine()), d.meta.to_json(), d.effective);
                plan.budget
                    .run(move || engine.compile(&body, &meta, &ident, date))
                    .map_err(|o| budget_diagnostic(inputs, &d.name(), o))?
                    .map_err(|e| pdf_diagnostic(inputs, &d.name(), e))?
            }
        };
        let file = staging.stage(&p.path, &bytes).map_err(|e| write_diagnostic(&e))?;
        Ok(Product { planned, file, produced: Produced::Made })
    };
    let indices: Vec<usize> = (0..plan.outputs.len()).collect();
    let results = run_parallel(&indices, workers, |&i| {
        let r = make(i);
        progress.inc();
        r
    });
    progress.finish();
    let mut files = Vec::new();
    let mut errors: Vec<Diagnostic> = Vec::new();
    for r in results {
        match r {
            Ok(f) => files.push(f),
            // Not started because another output spent the budget: that one says why.
            Err(e) if e.code == STOPPED => {}
            // One PDF problem (a template error) shows in every document: say it once.
            Err(e) if errors.iter().any(|x| x.message == e.message) => {}
            Err(e) => errors.push(e),
        }
    }
    if errors.is_empty() { Ok(files) } else { Err(errors) }
}

/// The diagnostic for a file that could not be staged or written.
pub fn write_diagnostic(e: &anyhow::Error) -> Diagnostic {
    Diagnostic::error("write", format!("{e:#}"))
        .with_hint("check that the output folder is writable")
}

/// The code of the (unreported) error of an output not made because another
/// one went over its budget.
const STOPPED: &str = "stopped";

/// The diagnostic for a PDF whose page template went over its time or
/// memory budget (see [`crate::budget`]).
fn budget_diagnostic(inputs: &Inputs, name: &str, o: crate::budget::Overrun) -> Diagnostic {
    use crate::budget::Overrun;
    let origin = inputs.templates.files.get("pdf.typ").map_or("pdf.typ", |f| f.origin.as_str());
    let code = match o {
        Overrun::Time(_) => "time-budget",
        Overrun::Memory(_) => "memory-budget",
        Overrun::Stopped => STOPPED,
    };
    Diagnostic::error(code, format!("`{origin}` {}", crate::budget::describe(o, &format!("typesetting {name}"))))
        .with_hint("a loop in the page template runs too long, or it makes too much; a real document compiles in well under a second")
        .with_hint("`--budget-seconds N` gives each document more time")
}

/// The diagnostic for a PDF that could not be made: at the line of
/// `pdf.typ` Typst points to, or naming the text of the document it points
/// at; every other error Typst gave as a hint.
fn pdf_diagnostic(inputs: &Inputs, name: &str, e: crate::pdf::PdfError) -> Diagnostic {
    use crate::pdf::Place;
    if let Some((pages, max)) = e.pages {
        let origin = inputs.templates.files.get("pdf.typ").map_or("pdf.typ", |f| f.origin.as_str());
        return Diagnostic::error(
            "page-budget",
            format!("`{origin}` makes {pages} pages for {name}; the budget is {max} pages"),
        )
        .with_hint("a loop in the page template makes pages without end, or a document is far longer than any form")
        .with_hint("`--budget-pages N` allows more pages per PDF");
    }
    let mut problems = e.problems.into_iter();
    let Some(first) = problems.next() else {
        return Diagnostic::error("pdf", format!("{name}: the PDF could not be made"));
    };
    let mut d =
        Diagnostic::error("pdf", format!("{name}: the PDF could not be made: {}", first.message));
    if let (Place::Template, Some(range), Some(t)) =
        (first.place, &first.range, inputs.templates.files.get("pdf.typ"))
    {
        d = d.at(t.file, range.clone()).with_label("Typst stopped here");
    }
    if let Some(text) = &first.excerpt {
        d.message.push_str(&format!(" (at `{}`)", text.trim()));
        d = d.with_hint("that text comes from a document template or a practice value");
    }
    for h in first.hints {
        d = d.with_hint(h);
    }
    for other in problems {
        d = d.with_hint(format!("also: {}", other.message));
    }
    if first.place == Place::Template { d.with_hint("fix the page template `pdf.typ`") } else { d }
}

/// A document's web page: its HTML body in the page shell.
fn page(inputs: &Inputs, plan: &Plan, p: &Planned) -> Result<String, Diagnostic> {
    let d = &plan.documents[p.doc];
    let mut page = tera::Context::new();
    page.insert("meta", &d.meta);
    page.insert("body", &plan.text(d, Part::Html)?);
    page.insert("logo_src", &inputs.logo.as_ref().map(|l| l.data_url()));
    let pdf = plan.outputs.iter().any(|o| o.doc == p.doc && o.format == Format::Pdf);
    page.insert("pdf_href", &pdf.then(|| format!("{}.pdf", d.id)));
    // Up from `CA/en/` (or `CA/en/clinicians/<id>/`) to the index of its language.
    let index = crate::plan::index_path(inputs, d.lang);
    page.insert("index_href", &format!("{}{index}", "../".repeat(p.path.matches('/').count())));
    page.insert("alternates", &p.alternates);
    inputs.templates.render_html("page.html", &page, &plan.budget)
}

/// Runs `f` over `jobs` on `workers` threads (default: one per core) and
/// returns the results in job order.
///
/// Plain scoped threads pulling from a shared counter, not a rayon pool: Typst
/// parallelizes inside each compile with rayon, and a rayon worker that waits
/// on that work steals other documents' compiles onto the same stack, nesting
/// them until the stack overflows (seen on a 51-state build).
pub fn run_parallel<J: Sync, R: Send>(
    jobs: &[J],
    workers: Option<usize>,
    f: impl Fn(&J) -> R + Sync,
) -> Vec<R> {
    use std::sync::Mutex;
    use std::sync::atomic::{AtomicUsize, Ordering};
    let workers = workers
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
        .clamp(1, jobs.len().max(1));
    let next = AtomicUsize::new(0);
    let slots: Vec<Mutex<Option<R>>> = jobs.iter().map(|_| Mutex::new(None)).collect();
    std::thread::scope(|scope| {
        for _ in 0..workers {
            let spawned =
                std::thread::Builder::new().stack_size(16 << 20).spawn_scoped(scope, || {
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some(job) = jobs.get(i) else { break };
                        let r = f(job);
                        *slots[i].lock().unwrap_or_else(|e| e.into_inner()) = Some(r);
                    }
                });
            // A thread that cannot start leaves its share to the others; the
            // caller's thread does what no worker took (below).
            drop(spawned);
        }
    });
    slots
        .into_iter()
        .zip(jobs)
        .map(|(m, job)| m.into_inner().unwrap_or_else(|e| e.into_inner()).unwrap_or_else(|| f(job)))
        .collect()
}

/// A build's files in one list: its products, then its index pages; and,
/// for each file, the planned output it comes from (none for an index page).
pub fn files(products: Vec<Product>, indexes: Vec<Staged>) -> (Vec<Staged>, Vec<Option<usize>>) {
    let from = products.iter().map(|p| Some(p.planned)).chain(indexes.iter().map(|_| None));
    let from = from.collect();
    (products.into_iter().map(|p| p.file).chain(indexes).collect(), from)
}

/// The outputs a manifest lists, sorted by path: a build's `files` (from
/// [`files`]) and the outputs `kept` from an earlier build. Each file's
/// record is made as it is written and dropped again, so that a build never
/// holds a record of every output (see [`Manifest::write_to`]).
pub struct Listing<'a> {
    plan: &'a Plan,
    files: &'a [Staged],
    from: &'a [Option<usize>],
    /// Sorted by path.
    entries: Vec<Entry<'a>>,
}

/// One output of a [`Listing`].
enum Entry<'a> {
    /// A file of this build: an index into its `files`.
    File(usize),
    /// An output kept from an earlier build.
    Kept(&'a Output),
}

impl<'a> Entry<'a> {
    fn path(&self, files: &'a [Staged]) -> &'a str {
        match self {
            Entry::File(i) => &files[*i].path,
            Entry::Kept(o) => &o.path,
        }
    }
}

impl<'a> Listing<'a> {
    /// The listing of a build's files and the outputs it keeps.
    pub fn new(
        plan: &'a Plan,
        files: &'a [Staged],
        from: &'a [Option<usize>],
        kept: &'a [Output],
    ) -> Listing<'a> {
        let mut entries: Vec<Entry<'a>> =
            (0..files.len()).map(Entry::File).chain(kept.iter().map(Entry::Kept)).collect();
        entries.sort_by(|a, b| a.path(files).cmp(b.path(files)));
        Listing { plan, files, from, entries }
    }

    /// What the manifest records of entry `e`.
    fn output(&self, e: &Entry<'a>) -> Cow<'a, Output> {
        let i = match e {
            Entry::File(i) => *i,
            Entry::Kept(kept) => return Cow::Borrowed(*kept),
        };
        let f = &self.files[i];
        let about = match self.from[i] {
            Some(p) => self.plan.about(&self.plan.outputs[p]),
            None => About { format: "html".into(), ..About::default() },
        };
        Cow::Owned(Output { path: f.path.clone(), sha256: f.sha256.clone(), about })
    }
}

impl serde::Serialize for Listing<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.entries.iter().map(|e| self.output(e)))
    }
}
