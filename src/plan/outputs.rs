//! A planned document's outputs: held back where its translation is not
//! current, otherwise each format's output with its key, its footer hash
//! set; and, once every state is planned, each page's links to the same
//! document in the other languages.

use std::collections::BTreeMap;
use std::sync::Arc;

use super::{Alternate, Document, Format, Planned};
use crate::diag::Diagnostic;
use crate::i18n::{Lang, Language};
use crate::io::sha256_hex;
use crate::load::Inputs;
use crate::options::PlanOptions;

/// The translated documents held back so far: by miss (see
/// [`crate::i18n`]), the documents whose text holds its mark.
#[derive(Debug, Default)]
pub struct Held {
    /// Each language's page-string marks: a page string without a
    /// translation holds back every page of its language.
    ui_marks: Vec<(Lang, Vec<usize>)>,
    by_miss: BTreeMap<usize, Vec<String>>,
}

impl Held {
    /// Nothing held back yet, for documents in `languages`.
    pub fn new(languages: &[Language<'_>]) -> Held {
        let ui_marks =
            languages.iter().map(|l| (l.lang, crate::i18n::marks_in(&l.ui.all_text()))).collect();
        Held { ui_marks, by_miss: BTreeMap::new() }
    }

    /// Whether `d` is held back: a translated document whose text holds a
    /// mark (text without a current translation), recorded by its misses.
    pub fn holds(&mut self, d: &Document) -> bool {
        if d.lang == Lang::En {
            return false;
        }
        let mut marks = crate::i18n::marks_in(&d.rendered.markdown);
        if let Some((_, m)) = self.ui_marks.iter().find(|(l, _)| *l == d.lang) {
            for n in m {
                if !marks.contains(n) {
                    marks.push(*n);
                }
            }
        }
        for n in &marks {
            self.by_miss.entry(*n).or_default().push(d.name());
        }
        !marks.is_empty()
    }

    /// One diagnostic per miss, naming the documents it holds back.
    pub fn diagnostics(self, inputs: &Inputs) -> Vec<Diagnostic> {
        let misses = self.by_miss.into_iter();
        misses.filter_map(|(n, docs)| Some(inputs.misses.get(n)?.diagnostic(&docs))).collect()
    }
}

fn template_text<'a>(inputs: &'a Inputs, name: &str) -> &'a str {
    inputs.templates.files.get(name).map_or("", |f| f.text.as_str())
}

/// The templates an output's bytes depend on (its document's Markdown and
/// its page shell) with their SHA-256: hashed once per pair, and the map
/// shared by every output made from that pair.
#[derive(Debug, Default)]
pub struct TemplateShas(BTreeMap<(String, &'static str), Arc<BTreeMap<String, String>>>);

impl TemplateShas {
    fn of(
        &mut self,
        inputs: &Inputs,
        markdown: &str,
        shell: &'static str,
    ) -> Arc<BTreeMap<String, String>> {
        let key = (markdown.to_string(), shell);
        let map = self.0.entry(key).or_insert_with(|| {
            let hashes = [markdown, shell]
                .iter()
                .map(|n| (n.to_string(), sha256_hex(template_text(inputs, n).as_bytes())))
                .collect();
            Arc::new(hashes)
        });
        Arc::clone(map)
    }
}

/// The outputs of document `d`, number `i` of the plan, with their keys;
/// sets its footer hash.
pub fn outputs_of(
    inputs: &Inputs,
    opts: &PlanOptions,
    d: &mut Document,
    i: usize,
    shas: &mut TemplateShas,
) -> Vec<Planned> {
    let tool = crate::manifest::engine();
    let mut outputs = Vec::new();
    let base = d.base_path();
    // The footer's short hash names the document's text and data, so a
    // signed paper copy can be matched to the build it came from.
    // (The version, not the build: a rebuilt binary that prints the same
    // text gives the same footer.)
    let content = sha256_hex(
        format!("{}\0{}\0{}", env!("CARGO_PKG_VERSION"), d.rendered.markdown, d.meta.to_json())
            .as_bytes(),
    );
    d.meta.hash = Some(content[..10].to_string());
    // Read by pdf.typ (and so part of the PDF's key): form fields or none.
    d.meta.forms = Some(opts.formats.pdf_forms);
    let meta = d.meta.to_json();
    let md_name = format!("{}.md", d.id);
    let mut formats = Vec::new();
    if opts.formats.html && !d.packet {
        formats.push((Format::Html, "page.html", d.rendered.html.as_str()));
    }
    if opts.formats.pdf {
        formats.push((Format::Pdf, "pdf.typ", d.rendered.typst.as_str()));
    }
    for (format, shell, body) in formats {
        let key = sha256_hex(
            format!("{tool}\0{}\0{body}\0{meta}\0{}", format.name(), template_text(inputs, shell))
                .as_bytes(),
        );
        let templates = shas.of(inputs, &md_name, shell);
        outputs.push(Planned {
            path: format!("{base}.{}", format.name()),
            doc: i,
            format,
            key,
            templates,
            alternates: Vec::new(),
        });
    }
    outputs
}

/// Each page links the same document in the other languages; that list is
/// part of the page's key.
pub fn link_alternates(outputs: &mut [Planned], documents: &[Document]) {
    let pages: Vec<(usize, String)> = outputs
        .iter()
        .filter(|o| o.format == Format::Html)
        .map(|o| (o.doc, o.path.clone()))
        .collect();
    for o in outputs.iter_mut().filter(|o| o.format == Format::Html) {
        let d = &documents[o.doc];
        let up = "../".repeat(o.path.matches('/').count());
        o.alternates = pages
            .iter()
            .filter(|(j, _)| {
                let e = &documents[*j];
                e.lang != d.lang && e.state == d.state && e.id == d.id && e.clinician == d.clinician
            })
            .map(|(j, path)| {
                let lang = documents[*j].lang;
                Alternate { lang: lang.code(), name: lang.name(), href: format!("{up}{path}") }
            })
            .collect();
        if !o.alternates.is_empty() {
            let list = serde_json::to_string(&o.alternates).unwrap_or_default();
            o.key = sha256_hex(format!("{}\0{list}", o.key).as_bytes());
        }
    }
}
