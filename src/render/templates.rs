//! Templates: Tera over Markdown for documents, Tera over HTML for the page
//! shell and the index, and the Typst page template for PDFs.
//!
//! Two Tera instances, because the escape function belongs to an instance:
//! document templates (`*.md`) escape every value for Markdown, so data can
//! never become markup; HTML templates use Tera's HTML escaper. Which files
//! are used (bundled, then overrides, file by file) is decided in
//! `load::templates`; this module only parses and renders them.

use std::collections::BTreeMap;
use std::sync::Arc;

use tera::{Context, Tera};

use crate::budget::Budget;

use crate::blocks;
use crate::diag::{Diagnostic, FileId};
use crate::i18n::{Catalog, Found, Lang, Miss, Misses, Reason};
use crate::render::{markdown, typst};

/// The document ids, in the order a packet lists them.
pub const DOCUMENT_ORDER: [&str; 11] = crate::model::DOCUMENTS;

/// One template file as loaded.
#[derive(Clone, Debug)]
pub struct TemplateFile {
    /// File name, e.g. `consent.md`; also the Tera template name.
    pub name: String,
    /// Where it came from, as shown to people (`<bundled>/templates/consent.md`).
    pub origin: String,
    /// Its text.
    pub text: String,
    /// Its id in [`Sources`].
    pub file: FileId,
}

/// Every template of a build, parsed once. The engines are shared with the
/// threads that render under a budget (see [`crate::budget`]).
pub struct Templates {
    markdown: Arc<Tera>,
    /// The Markdown engine of each other language, from its translated
    /// templates (see [`Templates::add_language`]).
    translated: BTreeMap<Lang, Arc<Tera>>,
    html: Arc<Tera>,
    /// The Typst page template.
    pub pdf_main: String,
    /// Every template file used, by name (sorted).
    pub files: BTreeMap<String, TemplateFile>,
}

impl Templates {
    /// Parses every template file: `*.md` into the Markdown engine, `*.html`
    /// into the HTML engine; `pdf.typ` is kept as text for the PDF stage.
    pub fn new(files: BTreeMap<String, TemplateFile>) -> Result<Templates, Vec<Diagnostic>> {
        let mut diags = Vec::new();
        let mut md = markdown_engine();
        let mut html = Tera::new();
        html.autoescape_on([".html"]);
        html.register_function("range", counted_range);
        add_markdown(&mut md, files.values().map(|f| (f, f.text.as_str())), &mut diags);
        for f in files.values().filter(|f| f.name.ends_with(".html")) {
            if let Err(e) = html.add_raw_template(&f.name, &f.text) {
                diags.push(tera_error(&e, f.file, &f.origin));
            }
        }
        if !diags.is_empty() {
            return Err(diags);
        }
        let pdf_main = files.get("pdf.typ").map(|f| f.text.clone()).unwrap_or_default();
        Ok(Templates {
            markdown: Arc::new(md),
            translated: BTreeMap::new(),
            html: Arc::new(html),
            pdf_main,
            files,
        })
    }

    /// The document ids that have a template, in packet order, then any others by name.
    pub fn document_ids(&self) -> Vec<String> {
        let mut ids: Vec<String> = DOCUMENT_ORDER
            .iter()
            .filter(|id| self.files.contains_key(&format!("{id}.md")))
            .map(|s| s.to_string())
            .collect();
        for name in self.files.keys() {
            if let Some(id) = name.strip_suffix(".md")
                && !id.starts_with('_')
                && !ids.iter().any(|i| i == id)
            {
                ids.push(id.to_string());
            }
        }
        ids
    }

    /// The top-level context keys a document template may read (best effort:
    /// every variable it names, in any branch).
    pub fn variables(&self, doc: &str) -> Vec<String> {
        let mut v: Vec<String> = self
            .markdown
            .get_template_variables(&format!("{doc}.md"))
            .map(|s| s.into_iter().map(str::to_string).collect())
            .unwrap_or_default();
        v.sort();
        v
    }

    /// Adds a language: every Markdown template with each block replaced by
    /// its translation from `catalog`. A block without a usable translation
    /// (missing, fuzzy, or with other Tera tags) keeps its English behind a
    /// mark (see [`crate::i18n`]), so a document that prints it is not built.
    /// `po` names the file a translator edits, for hints.
    pub fn add_language(
        &mut self,
        lang: Lang,
        catalog: &Catalog,
        misses: &Misses,
        po: &str,
        sources: &crate::diag::Sources,
    ) -> Vec<Diagnostic> {
        let mut diags = Vec::new();
        let texts: Vec<(&TemplateFile, String)> = self
            .files
            .values()
            .filter(|f| f.name.ends_with(".md"))
            .map(|f| (f, translate(f, lang, catalog, misses, po, sources)))
            .collect();
        let mut md = markdown_engine();
        add_markdown(&mut md, texts.iter().map(|(f, t)| (*f, t.as_str())), &mut diags);
        if diags.is_empty() {
            self.translated.insert(lang, Arc::new(md));
        }
        // A translation that breaks a template is the PO file's fault.
        for d in &mut diags {
            d.hints.push(format!("the {} translation in {po} makes this template invalid; compare the block with its English", lang.code()));
        }
        diags
    }

    /// Renders a document template to Markdown in `lang`. Markdown nested
    /// deeper than [`typst::MAX_NESTING`] is refused: Typst cannot set it.
    pub fn render_markdown(
        &self,
        doc: &str,
        context: &Context,
        lang: Lang,
        budget: &Budget,
    ) -> Result<String, Diagnostic> {
        let name = format!("{doc}.md");
        let engine = self.translated.get(&lang).unwrap_or(&self.markdown);
        let markdown =
            render_limited(engine, &name, context, budget).map_err(|e| self.error(&name, &e))?;
        let events = markdown::events(&markdown);
        let depth = typst::nesting(&events);
        if depth > typst::MAX_NESTING {
            return Err(self.too_deep(&name, &markdown, depth));
        }
        // Every form line is `ID: Label`, and no id is used twice.
        let mut namer = crate::forms::Namer::default();
        for i in 0..events.len() {
            if let Some((block, _)) = markdown::form_block(&events, i)
                && let Some(p) = namer.check(&block).into_iter().next()
            {
                return Err(self.form_problem(&name, p));
            }
        }
        drop(events);
        // What the template's text did not say itself (a link made by a
        // Tera expression) is refused here: no page leaves itself.
        if let Some(foreign) = markdown::foreign_target(&markdown) {
            let origin = self.files.get(&name).map_or(name.as_str(), |f| f.origin.as_str());
            return Err(foreign.diagnostic(origin, Some(lang.code())));
        }
        Ok(markdown)
    }

    /// The diagnostic for a form line of a rendered document, at the
    /// template line that wrote it (for an id used twice, its second line)
    /// when a template has that line as it is.
    fn form_problem(&self, name: &str, p: crate::forms::Problem) -> Diagnostic {
        let d = Diagnostic::error("form-field", p.message).with_hint(p.hint);
        let line = p.line.trim();
        let lead = p.line.len() - p.line.trim_start().len();
        let partials =
            self.files.values().filter(|f| f.name.starts_with('_') && f.name.ends_with(".md"));
        for f in self.files.get(name).into_iter().chain(partials) {
            let found: Vec<usize> = f.text.match_indices(line).map(|(at, _)| at).collect();
            if let Some(at) = found.get(p.nth - 1).or(found.last()) {
                let span = at + p.at.start.saturating_sub(lead)..at + p.at.end.saturating_sub(lead);
                return d.at(f.file, span).with_label("here");
            }
        }
        let origin = self.files.get(name).map_or(name, |f| f.origin.as_str());
        let mut d = d;
        d.message = format!("{} (in `{origin}`: `{line}`)", d.message);
        d
    }

    /// The diagnostic for a document nested too deep, pointing at the
    /// template line that opens the deepest element when the template has
    /// that line as it is (a line made by a loop has no such place).
    fn too_deep(&self, name: &str, markdown: &str, depth: usize) -> Diagnostic {
        let mut d = Diagnostic::error(
            "too-deep",
            format!(
                "`{name}` nests elements {depth} deep; at most {} are allowed",
                typst::MAX_NESTING
            ),
        )
        .with_hint(format!(
            "block quotes, lists, emphasis, links and footnotes inside each other count; \
             keep them at most {} deep",
            typst::MAX_NESTING
        ));
        let Some(f) = self.files.get(name) else { return d };
        let mut open = 0usize;
        let mut at = None;
        for (event, range) in
            pulldown_cmark::Parser::new_ext(markdown, markdown::options()).into_offset_iter()
        {
            match event {
                pulldown_cmark::Event::Start(_) => {
                    open += 1;
                    if open > typst::MAX_NESTING {
                        at = Some(range.start);
                        break;
                    }
                }
                pulldown_cmark::Event::End(_) => open = open.saturating_sub(1),
                _ => {}
            }
        }
        let line = at.and_then(|at| {
            let start = markdown[..at].rfind('\n').map_or(0, |i| i + 1);
            let end = markdown[at..].find('\n').map_or(markdown.len(), |i| at + i);
            Some(markdown[start..end].trim()).filter(|l| !l.is_empty())
        });
        let mut offset = 0;
        for text_line in f.text.split_inclusive('\n') {
            if line == Some(text_line.trim()) {
                let start = offset + (text_line.len() - text_line.trim_start().len());
                let span = start..start + text_line.trim().len();
                d = d
                    .at(f.file, span)
                    .with_label(format!("more than {} deep here", typst::MAX_NESTING));
                return d;
            }
            offset += text_line.len();
        }
        d.message = format!("{} (in `{}`)", d.message, f.origin);
        d
    }

    /// Renders an HTML template (`page.html`, `index.html`).
    pub fn render_html(
        &self,
        name: &str,
        context: &Context,
        budget: &Budget,
    ) -> Result<String, Diagnostic> {
        render_limited(&self.html, name, context, budget).map_err(|e| self.error(name, &e))
    }

    fn error(&self, name: &str, e: &RenderError) -> Diagnostic {
        let origin = self.files.get(name).map_or(name, |f| f.origin.as_str());
        let e = match e {
            RenderError::Tera(e) => e,
            RenderError::Budget(o) => {
                let mut d = Diagnostic::error(
                    "time-budget",
                    format!("`{origin}` {}", crate::budget::describe(*o, "rendering")),
                );
                match o {
                    crate::budget::Overrun::Memory(_) => d.code = "memory-budget",
                    crate::budget::Overrun::Stopped => d.code = "stopped",
                    crate::budget::Overrun::Time(_) => {}
                }
                return d
                    .with_hint("a loop in the template runs too long; a real document renders in milliseconds")
                    .with_hint("`--budget-seconds N` gives each template more time");
            }
        };
        if let Some(steps) = range_steps_exceeded(e) {
            let mut d = Diagnostic::error(
                "loop-budget",
                format!("`{origin}` makes more than {steps} loop steps with `range`"),
            )
            .with_hint(
                "a loop inside a loop runs too long; a real document needs a few hundred steps",
            );
            if let (Some(f), Some(span)) = (self.files.get(name), tera_span(e)) {
                d = d.at(f.file, span).with_label("this loop");
            }
            return d;
        }
        if matches!(e.kind(), tera::ErrorKind::Io(std::io::ErrorKind::FileTooLarge)) {
            let origin = self.files.get(name).map_or(name, |f| f.origin.as_str());
            return Diagnostic::error(
                "too-large",
                format!("`{origin}` renders more than {} MiB", MAX_RENDERED_BYTES >> 20),
            )
            .with_hint("a loop in the template runs too long; a real document is a few pages");
        }
        match self.files.get(name) {
            Some(f) => tera_error(e, f.file, &f.origin),
            None => Diagnostic::error("template", format!("template `{name}`: {e}")),
        }
    }
}

/// A Markdown engine: values escaped for Markdown, `range` counted.
fn markdown_engine() -> Tera {
    let mut md = Tera::new();
    md.autoescape_on([".md"]);
    md.set_escape_fn(markdown::escape);
    md.register_function("range", counted_range);
    md
}

/// Adds the Markdown templates of `files` (file, text to use): the
/// partials (`_*.md`) that define the components documents use together
/// first, then each document on its own, so an error names its file.
fn add_markdown<'a>(
    md: &mut Tera,
    files: impl Iterator<Item = (&'a TemplateFile, &'a str)>,
    diags: &mut Vec<Diagnostic>,
) {
    let files: Vec<(&TemplateFile, &str)> =
        files.filter(|(f, _)| f.name.ends_with(".md")).collect();
    let partials: Vec<&(&TemplateFile, &str)> =
        files.iter().filter(|(f, _)| f.name.starts_with('_')).collect();
    if let Err(e) = md.add_raw_templates(partials.iter().map(|(f, t)| (&f.name, *t))) {
        let culprit = partials
            .iter()
            .find(|(f, _)| e.to_string().contains(f.name.as_str()))
            .or(partials.first());
        if let Some((f, _)) = culprit {
            diags.push(tera_error(&e, f.file, &f.origin));
        }
    }
    for (f, text) in files.iter().filter(|(f, _)| !f.name.starts_with('_')) {
        if let Err(e) = md.add_raw_template(&f.name, text) {
            diags.push(tera_error(&e, f.file, &f.origin));
        }
    }
}

/// A template's text in `lang`: each block that is a message replaced by its
/// translation, or kept in English behind a mark.
fn translate(
    f: &TemplateFile,
    lang: Lang,
    catalog: &Catalog,
    misses: &Misses,
    po: &str,
    sources: &crate::diag::Sources,
) -> String {
    let text = f.text.as_str();
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    for b in blocks::blocks(text) {
        out.push_str(&text[last..b.span.start]);
        last = b.span.end;
        let Some(id) = &b.message else {
            out.push_str(&text[b.span.clone()]);
            continue;
        };
        out.push_str(&text[b.lead.clone()]);
        let body = &text[b.lead.end..b.span.end];
        let reason = match catalog.find(None, id) {
            Found::Text(t) => match blocks::tags_differ(id, t) {
                None => match crate::forms::source::ids_differ(id, t) {
                    None => {
                        out.push_str(t);
                        continue;
                    }
                    Some(why) => Reason::FieldIds(why),
                },
                Some(why) => Reason::Tags(why),
            },
            Found::Fuzzy => Reason::Fuzzy,
            Found::Missing => Reason::Missing,
        };
        let at = catalog
            .location(None, id)
            .map(|(file, line)| format!(" ({}:{line})", sources.name(file)))
            .unwrap_or_default();
        let mark = misses.mark(Miss {
            lang,
            what: format!("the block at {}:{}", f.origin, b.line),
            english: id.clone(),
            reason: reason.clone(),
            location: Some((f.file, b.lead.end..b.span.end)),
            hint: match reason {
                Reason::Missing => {
                    format!("translate it in {po} (`consentgen i18n extract` adds it there)")
                }
                _ => format!(
                    "check and correct its translation in {po}{at}, then remove the `fuzzy` flag"
                ),
            },
        });
        out.push_str(&blocks::mark_words(body, &mark));
    }
    out.push_str(&text[last..]);
    out
}

/// Most bytes one template may render: far beyond any real document (a few
/// tens of kilobytes), and small enough that its PDF still compiles in a
/// few seconds. Tera bounds `range` but not loops inside loops.
pub const MAX_RENDERED_BYTES: usize = 1 << 20;

/// Why a template did not render.
#[derive(Debug)]
pub enum RenderError {
    /// Tera's error.
    Tera(tera::Error),
    /// It went over its time or memory budget.
    Budget(crate::budget::Overrun),
}

/// Renders a template under the budget (see [`crate::budget`]): on a thread
/// of its own, within the time budget, and into memory, stopping with an I/O
/// error of kind `FileTooLarge` past [`MAX_RENDERED_BYTES`].
fn render_limited(
    tera: &Arc<Tera>,
    name: &str,
    context: &Context,
    budget: &Budget,
) -> Result<String, RenderError> {
    let (tera, name, context) = (Arc::clone(tera), name.to_string(), context.clone());
    budget
        .run(move || render_capped(&tera, &name, &context))
        .map_err(RenderError::Budget)?
        .map_err(RenderError::Tera)
}

/// Renders a template into memory, stopping past [`MAX_RENDERED_BYTES`].
fn render_capped(tera: &Tera, name: &str, context: &Context) -> Result<String, tera::Error> {
    struct Limited(Vec<u8>);
    impl std::io::Write for Limited {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            if self.0.len() + buf.len() > MAX_RENDERED_BYTES {
                return Err(std::io::ErrorKind::FileTooLarge.into());
            }
            self.0.extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let mut out = Limited(Vec::new());
    tera.render_to(name, context, &mut out)?;
    // Templates are UTF-8 text and every value is a string: the output is too.
    String::from_utf8(out.0).map_err(|e| tera::Error::message(format!("not UTF-8: {e}")))
}

thread_local! {
    /// Loop steps `range` has made on this thread: each render runs on a
    /// thread of its own (see [`render_limited`]), so this counts one render.
    static RANGE_STEPS: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

const RANGE_BUDGET_MESSAGE: &str = "consentgen: the loop-step budget is spent";

/// Tera's `range` (`start`, `end`, `step_by`), counting the steps it makes:
/// past [`crate::budget::MAX_RANGE_STEPS`] in one render it is an error at
/// the call, so two nested 100,000-step loops stop at once, at their line.
fn counted_range(kwargs: tera::Kwargs, _: &tera::State) -> tera::TeraResult<Vec<i128>> {
    let start = kwargs.get::<i128>("start")?.unwrap_or_default();
    let end = kwargs.must_get::<i128>("end")?;
    let step = kwargs.get::<i128>("step_by")?.unwrap_or(1);
    if step == 0 {
        return Err(tera::Error::message(
            "Function `range` was called with a `step_by` argument of 0",
        ));
    }
    if start > end && step > 0 {
        return Err(tera::Error::message(
            "Function `range` was called with a `start` argument greater than the `end` one",
        ));
    }
    let overflow =
        || tera::Error::message("Function `range` was called with arguments that overflow");
    let (span, by) = match (start <= end, step > 0) {
        (true, true) => (end.checked_sub(start), Some(step)),
        (false, false) => (start.checked_sub(end), step.checked_neg()),
        _ => (Some(0), Some(1)),
    };
    let (span, by) = (span.ok_or_else(overflow)?, by.ok_or_else(overflow)?);
    let len = span.checked_add(by - 1).ok_or_else(overflow)? / by;
    let len = usize::try_from(len).unwrap_or(usize::MAX);
    let budget = crate::budget::MAX_RANGE_STEPS;
    let total = RANGE_STEPS.with(|c| {
        let total = c.get().saturating_add(len);
        c.set(total);
        total
    });
    if total > budget {
        return Err(tera::Error::message(RANGE_BUDGET_MESSAGE));
    }
    Ok((0..len as i128).map(|i| start + i * step).collect())
}

/// The budget of loop steps, when this is the error of [`counted_range`].
fn range_steps_exceeded(e: &tera::Error) -> Option<usize> {
    let mut source: Option<&dyn std::error::Error> = Some(e);
    let mut text = e.to_string();
    while let Some(s) = source {
        text.push_str(&s.to_string());
        source = s.source();
    }
    if let tera::ErrorKind::RenderingError(r) | tera::ErrorKind::SyntaxError(r) = e.kind() {
        text.push_str(r.message());
    }
    text.contains(RANGE_BUDGET_MESSAGE).then_some(crate::budget::MAX_RANGE_STEPS)
}

/// The byte range of the template a Tera error points at, if any.
fn tera_span(e: &tera::Error) -> Option<std::ops::Range<usize>> {
    match e.kind() {
        tera::ErrorKind::SyntaxError(r) | tera::ErrorKind::RenderingError(r) => {
            Some(r.span().range.clone())
        }
        _ => None,
    }
}

fn tera_error(e: &tera::Error, file: FileId, origin: &str) -> Diagnostic {
    match e.kind() {
        tera::ErrorKind::SyntaxError(r) | tera::ErrorKind::RenderingError(r) => {
            Diagnostic::error("template", r.message().to_string())
                .at(file, r.span().range.clone())
                .with_label("here")
                .with_hint(
                    "see the Tera 2 documentation for template syntax; values are in the README",
                )
        }
        _ => Diagnostic::error("template", format!("in `{origin}`: {e}")),
    }
}
