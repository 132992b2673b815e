//! `consentgen build`: every document of every chosen state, as HTML and PDF,
//! plus `index.html` and `manifest.json`.
//!
//! Everything is generated in memory first; only when every document has
//! rendered and compiled is anything written, so a failed build leaves the
//! output folder as it was.

use std::collections::BTreeMap;
use std::path::PathBuf;

use rayon::prelude::*;
use serde_json::{Value, json};

use crate::date::Date;
use crate::diag::Diagnostic;
use crate::model::{Profession, TOPICS};
use crate::pdf::Engine;
use crate::render::{self, Rendered};
use crate::resolve::{self, Resolved};
use crate::write::sha256_hex;
use crate::{Inputs, LoadedJurisdiction, Outcome};

use super::{Reporter, StateSelection};

/// The output formats of a build.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Formats {
    /// Write `.html` files.
    pub html: bool,
    /// Write `.pdf` files.
    pub pdf: bool,
}

/// Settings of one build, resolved from the command line.
#[derive(Clone, Debug)]
pub struct BuildOptions {
    /// Where the inputs come from.
    pub inputs: crate::InputOptions,
    /// The output folder.
    pub out: PathBuf,
    /// Which states to build.
    pub states: StateSelection,
    /// Which formats to write.
    pub formats: Formats,
    /// The date whose rules apply.
    pub as_of: Date,
    /// The creation time written into PDFs (seconds since 1970, UTC).
    pub timestamp: i64,
    /// Worker threads; `None` for one per core.
    pub jobs: Option<usize>,
}

/// One file a build produces.
#[derive(Clone, Debug)]
pub struct OutputFile {
    /// Path under the output folder, with `/` separators.
    pub path: String,
    /// Its bytes.
    pub bytes: Vec<u8>,
    /// What the manifest says about it beyond path and hash.
    pub meta: Value,
}

/// One rendered document of one state.
#[derive(Clone, Debug)]
pub struct Document {
    /// USPS code.
    pub state: String,
    /// Document id.
    pub id: String,
    /// The rendered forms.
    pub rendered: Rendered,
    /// The rule versions it uses.
    pub rules: Vec<Value>,
    /// SHA-256 over everything it was made from.
    pub inputs_sha256: String,
}

/// What a build produces, in memory.
pub struct Generated {
    /// Every output file, manifest last.
    pub files: Vec<OutputFile>,
    /// Every document.
    pub documents: Vec<Document>,
}

/// The language folder of every output (only English for now).
pub const LANG: &str = "en";

/// The states a build covers, or a diagnostic for an unknown one.
pub fn chosen_states(
    inputs: &Inputs,
    selection: &StateSelection,
) -> Result<Vec<String>, Diagnostic> {
    let known: Vec<&str> = inputs.jurisdictions.keys().map(String::as_str).collect();
    let states: Vec<String> = match selection {
        StateSelection::Practice => {
            inputs.practice.states.iter().map(|s| s.get_ref().clone()).collect()
        }
        StateSelection::All => known.iter().map(|s| s.to_string()).collect(),
        StateSelection::List(list) => list.clone(),
    };
    for s in &states {
        if !known.contains(&s.as_str()) {
            return Err(Diagnostic::error(
                "unknown-state",
                format!("unknown state `{s}` in `--states`"),
            )
            .with_hint(format!("known: {}, or `all`", known.join(", "))));
        }
    }
    Ok(states)
}

/// Builds the template context of one document.
fn context(
    inputs: &Inputs,
    j: &LoadedJurisdiction,
    resolved: &[Resolved],
    doc: &str,
    as_of: Date,
) -> Value {
    let rules = &j.rules;
    let mut ctx = json!({
        "practice": inputs.practice,
        "jurisdiction": {
            "code": rules.code.get_ref(),
            "name": rules.name,
            "last_reviewed": rules.last_reviewed.get_ref().to_string(),
        },
        "doc": {
            "id": doc,
            "effective": as_of.long(),
            "version": inputs.practice.forms_version,
        },
    });
    let map = ctx.as_object_mut().expect("object literal");
    for r in resolved {
        let mut v = r.template_value();
        if r.topic == "licensing_boards"
            && let Some(Value::Array(boards)) = v.get_mut("boards")
        {
            for b in boards.iter_mut() {
                let plain = Profession::ALL
                    .iter()
                    .find(|p| b.get("profession").and_then(Value::as_str) == Some(p.key()))
                    .map(|p| p.plain());
                if let (Some(obj), Some(plain)) = (b.as_object_mut(), plain) {
                    obj.insert("profession_plain".into(), plain.into());
                }
            }
        }
        map.insert(r.topic.to_string(), v);
    }
    ctx
}

/// Renders every document of every chosen state, in memory.
pub fn generate(
    inputs: &Inputs,
    opts: &BuildOptions,
    states: &[String],
) -> Result<Generated, Vec<Diagnostic>> {
    let docs: Vec<String> = inputs.practice.documents.iter().map(|d| d.get_ref().clone()).collect();
    // The practice as loaded, not its text: a comment, or states listed in
    // another order, changes no document.
    let practice_json = serde_json::to_string(&inputs.practice).unwrap_or_default();
    let practice_text = practice_json.as_str();
    let tool = format!("consentgen {}", env!("CARGO_PKG_VERSION"));

    // Per state: resolve once, share across documents.
    let resolved: BTreeMap<&str, Vec<Resolved>> = states
        .iter()
        .map(|s| (s.as_str(), resolve::resolve(&inputs.jurisdictions[s].rules, opts.as_of)))
        .collect();

    let jobs: Vec<(&str, &str)> =
        states.iter().flat_map(|s| docs.iter().map(move |d| (s.as_str(), d.as_str()))).collect();

    let render_one = |(state, doc): (&str, &str)| -> Result<Document, Diagnostic> {
        let j = &inputs.jurisdictions[state];
        let res = &resolved[state];
        let ctx = context(inputs, j, res, doc, opts.as_of);
        let tctx = tera::Context::from_serialize(&ctx)
            .map_err(|e| Diagnostic::error("internal", format!("building the context: {e}")))?;
        let markdown = inputs.templates.render_markdown(doc, &tctx)?;
        let rendered = render::from_markdown(markdown);
        let used = inputs.templates.variables(doc);
        let rules: Vec<Value> = res
            .iter()
            .filter(|r| used.iter().any(|u| u == r.topic))
            .map(|r| {
                json!({
                    "state": state,
                    "topic": r.topic,
                    "effective": r.effective.map(|d| d.to_string()),
                    "citation": r.citation,
                    "status": if r.confirmed { "confirmed" } else { "unconfirmed" },
                })
            })
            .collect();
        let mut hasher_input = String::new();
        for part in [
            tool.as_str(),
            &opts.as_of.to_string(),
            practice_text,
            inputs.sources.text(j.file),
            &inputs
                .templates
                .files
                .get(&format!("{doc}.md"))
                .map(|f| f.text.clone())
                .unwrap_or_default(),
            &inputs.templates.pdf_main,
            &inputs.templates.files.get("page.html").map(|f| f.text.clone()).unwrap_or_default(),
        ] {
            hasher_input.push_str(&sha256_hex(part.as_bytes()));
        }
        Ok(Document {
            state: state.to_string(),
            id: doc.to_string(),
            rendered,
            rules,
            inputs_sha256: sha256_hex(hasher_input.as_bytes()),
        })
    };

    let engine = opts
        .formats
        .pdf
        .then(|| Engine::new(&inputs.templates.pdf_main, opts.as_of, opts.timestamp));

    let pool =
        rayon::ThreadPoolBuilder::new().num_threads(opts.jobs.unwrap_or(0)).build().map_err(
            |e| vec![Diagnostic::error("internal", format!("starting worker threads: {e}"))],
        )?;

    let progress = crate::progress::Progress::new(jobs.len(), "documents");
    let results: Vec<Result<(Document, Vec<OutputFile>), Diagnostic>> = pool.install(|| {
        jobs.par_iter()
            .map(|job| {
                let doc = render_one(*job)?;
                let files = doc_files(inputs, opts, engine.as_ref(), &doc)?;
                progress.inc();
                Ok((doc, files))
            })
            .collect()
    });
    progress.finish();

    let mut documents = Vec::new();
    let mut files = Vec::new();
    let mut errors = Vec::new();
    for r in results {
        match r {
            Ok((d, f)) => {
                documents.push(d);
                files.extend(f);
            }
            Err(e) => errors.push(e),
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let index = index_page(inputs, opts, states, &documents).map_err(|d| vec![d])?;
    files.push(index);
    files.push(manifest(inputs, opts, &files));
    Ok(Generated { files, documents })
}

fn doc_files(
    inputs: &Inputs,
    opts: &BuildOptions,
    engine: Option<&Engine>,
    doc: &Document,
) -> Result<Vec<OutputFile>, Diagnostic> {
    let j = &inputs.jurisdictions[&doc.state].rules;
    let base = format!("{}/{LANG}/{}", doc.state, doc.id);
    let short = &doc.inputs_sha256[..10];
    let meta = json!({
        "title": doc.rendered.title,
        "practice": inputs.practice.name.get_ref(),
        "lang": LANG,
        "state": doc.state,
        "state_name": j.name,
        "version": inputs.practice.forms_version,
        "effective": opts.as_of.long(),
        "hash": short,
        "keywords": format!("informed consent, {}, {}", j.name, doc.id),
    });
    let manifest_meta = |format: &str| {
        json!({
            "state": doc.state,
            "document": doc.id,
            "format": format,
            "language": LANG,
            "inputs_sha256": doc.inputs_sha256,
            "rules": doc.rules,
        })
    };
    let mut out = Vec::new();
    if opts.formats.html {
        let mut page = tera::Context::new();
        page.insert("meta", &meta);
        page.insert("body", &doc.rendered.html);
        page.insert("pdf_href", &(opts.formats.pdf.then(|| format!("{}.pdf", doc.id))));
        page.insert("index_href", "../../index.html");
        let html = inputs.templates.render_html("page.html", &page)?;
        out.push(OutputFile {
            path: format!("{base}.html"),
            bytes: html.into_bytes(),
            meta: manifest_meta("html"),
        });
    }
    if let Some(engine) = engine {
        let ident = format!(
            "consentgen/{}/{}/{LANG}/{}",
            inputs.practice.name.get_ref(),
            doc.state,
            doc.id
        );
        let pdf = engine.compile(&doc.rendered.typst, &meta, &ident).map_err(|e| {
            Diagnostic::error(
                "pdf",
                format!("{} {}: the PDF could not be made: {e}", doc.state, doc.id),
            )
            .with_hint(
                "this is a bug in consentgen or in a custom pdf.typ template; please report it",
            )
        })?;
        out.push(OutputFile {
            path: format!("{base}.pdf"),
            bytes: pdf,
            meta: manifest_meta("pdf"),
        });
    }
    Ok(out)
}

fn index_page(
    inputs: &Inputs,
    opts: &BuildOptions,
    states: &[String],
    documents: &[Document],
) -> Result<OutputFile, Diagnostic> {
    let states: Vec<Value> = states
        .iter()
        .map(|s| {
            let docs: Vec<Value> = documents
                .iter()
                .filter(|d| &d.state == s)
                .map(|d| {
                    json!({
                        "id": d.id,
                        "title": d.rendered.title,
                        "html": opts.formats.html.then(|| format!("{s}/{LANG}/{}.html", d.id)),
                        "pdf": opts.formats.pdf.then(|| format!("{s}/{LANG}/{}.pdf", d.id)),
                    })
                })
                .collect();
            json!({ "code": s, "name": inputs.jurisdictions[s].rules.name, "documents": docs })
        })
        .collect();
    let mut ctx = tera::Context::new();
    ctx.insert("practice", &inputs.practice);
    ctx.insert("states", &states);
    ctx.insert("effective", &opts.as_of.long());
    ctx.insert("version", &inputs.practice.forms_version);
    let html = inputs.templates.render_html("index.html", &ctx)?;
    Ok(OutputFile { path: "index.html".into(), bytes: html.into_bytes(), meta: json!({}) })
}

fn manifest(inputs: &Inputs, opts: &BuildOptions, files: &[OutputFile]) -> OutputFile {
    let mut input_list = vec![json!({
        "path": inputs.sources.name(inputs.practice_file),
        "kind": "practice",
        "sha256": sha256_hex(inputs.sources.text(inputs.practice_file).as_bytes()),
    })];
    for (code, j) in &inputs.jurisdictions {
        input_list.push(json!({
            "path": inputs.sources.name(j.file),
            "kind": "jurisdiction",
            "state": code,
            "sha256": sha256_hex(inputs.sources.text(j.file).as_bytes()),
        }));
    }
    for t in inputs.templates.files.values() {
        input_list.push(json!({
            "path": t.origin,
            "kind": "template",
            "sha256": sha256_hex(t.text.as_bytes()),
        }));
    }
    let outputs: Vec<Value> = files
        .iter()
        .map(|f| {
            let mut v = json!({ "path": f.path, "sha256": sha256_hex(&f.bytes) });
            if let (Some(obj), Some(meta)) = (v.as_object_mut(), f.meta.as_object()) {
                obj.extend(meta.clone());
            }
            v
        })
        .collect();
    let manifest = json!({
        "tool": { "name": "consentgen", "version": env!("CARGO_PKG_VERSION") },
        "as_of": opts.as_of.to_string(),
        "topics": TOPICS,
        "inputs": input_list,
        "outputs": outputs,
    });
    let mut bytes = serde_json::to_vec_pretty(&manifest).expect("JSON values serialize");
    bytes.push(b'\n');
    OutputFile { path: "manifest.json".into(), bytes, meta: json!({}) }
}

/// Runs `consentgen build`.
pub fn run(opts: &BuildOptions, reporter: &mut Reporter) -> Outcome {
    let inputs = match crate::load_inputs(&opts.inputs) {
        Ok(i) => i,
        Err((sources, diags)) => return reporter.fail(&sources, &diags),
    };
    let states = match chosen_states(&inputs, &opts.states) {
        Ok(s) => s,
        Err(d) => return reporter.fail(&inputs.sources, &[d]),
    };
    reporter.report_all(&inputs.sources, &inputs.warnings);
    for s in &states {
        let res = resolve::resolve(&inputs.jurisdictions[s].rules, opts.as_of);
        reporter.report_all(&inputs.sources, &resolve::warnings(s, &res, opts.as_of));
    }
    let fingerprint = crate::write::fingerprint(&inputs, opts, &states);
    if let Some(stats) = crate::write::reuse(&opts.out, &fingerprint) {
        reporter.status(&format!(
            "{} is up to date: {} files written, {} unchanged",
            opts.out.display(),
            stats.changed,
            stats.unchanged
        ));
        return Outcome::Ok;
    }
    let generated = match generate(&inputs, opts, &states) {
        Ok(g) => g,
        Err(diags) => return reporter.fail(&inputs.sources, &diags),
    };
    let changed = match crate::write::commit(&opts.out, &generated.files, &fingerprint) {
        Ok(stats) => stats.changed,
        Err(e) => {
            reporter.error(&format!("{e:#}"), "check that the output folder is writable");
            return Outcome::BadInput;
        }
    };
    reporter.status(&format!(
        "built {} documents for {} into {}: {} files written, {} unchanged",
        generated.documents.len(),
        states.join(", "),
        opts.out.display(),
        changed,
        generated.files.len() - changed
    ));
    Outcome::Ok
}
