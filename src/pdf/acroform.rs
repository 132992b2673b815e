//! Form fields over typst-pdf's output: an AcroForm whose widgets sit where
//! Typst laid out each line to fill in, tagged for PDF/UA-1.
//!
//! Typst makes no form fields (typst/typst#1765), so the page template
//! (`pdf.typ`) marks each one: a fixed-size box, linked to `consentgen:field`,
//! holding a `metadata` with the field's name, kind and accessible name.
//! After compiling, [`placed`] queries the document's introspector for those
//! metadata elements, which gives each field's page and position from
//! Typst's own layout, in reading order. [`add`] then finds, on that page,
//! the link annotation typst-pdf wrote for the box (same rectangle) and
//! makes it the field's widget: typst-pdf already tagged the link in reading
//! order, a `Link` structure element with an `OBJR` to the annotation, its
//! `/StructParent` and its ParentTree entry, so the element becomes a `Form`
//! element and the widget keeps its place in the structure (and, with the
//! pages' `/Tabs /S`, in the tab order).
//!
//! Each field gets `/T` from its name (split at the dots into a field tree:
//! `client.signature` is `signature` under `client`), `/TU` (accessible name)
//! from its visible label, and an appearance stream for every state, so every
//! viewer shows it, empty or filled. Text fields use the font in
//! [`field_font`](super::field_font); date fields format and check their value
//! as `mm/dd/yyyy` (Acrobat's AFDate functions, which other viewers share); a
//! check box's states are `/Yes` and `/Off`.
//!
//! In a packet, the template also leaves a `metadata` where each document
//! starts; its fields' names get the document's id in front
//! (`consent.client.signature`).
//!
//! Everything is deterministic: objects are added in reading order, and lopdf
//! keeps dictionaries in insertion order.

use std::collections::BTreeMap;

use lopdf::{Dictionary, Document, Object, ObjectId, Stream, StringFormat, dictionary};
use typst::foundations::{NativeElement, Selector, Value};
use typst::introspection::{Introspector, MetadataElem};
use typst_layout::PagedDocument;

use super::field_font::{self, Metrics};
use crate::forms::Kind;

/// The link target that marks a field's box in the page template.
pub const ANCHOR: &str = "consentgen:field";

/// The default appearance of text: the fields' font, 11 pt, black.
pub const DEFAULT_APPEARANCE: &str = "/CgR 11 Tf 0 g";

/// The type size of typed text when the page template gives none.
pub const DEFAULT_SIZE: f64 = 11.0;

/// Field flags (`/Ff`, ISO 32000-1, tables 221 and 228).
pub mod flag {
    /// The form is not valid without a value.
    pub const REQUIRED: i64 = 1 << 1;
    /// Text of several lines.
    pub const MULTILINE: i64 = 1 << 12;
    /// No more text than the box shows: a viewer does not scroll.
    pub const DO_NOT_SCROLL: i64 = 1 << 23;
}

/// The default appearance of text at `size` points.
pub fn default_appearance(size: f64) -> String {
    format!("/{} {} Tf 0 g", super::field_font::SIMPLE, short_number(size))
}

/// A size as PDF writes it: at most two decimals, no trailing zeros.
fn short_number(v: f64) -> String {
    let s = format!("{:.2}", (v * 100.0).round() / 100.0);
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// The date format of date fields (Acrobat's AFDate notation).
pub const DATE_FORMAT: &str = "mm/dd/yyyy";

/// One field as Typst laid it out.
#[derive(Clone, Debug, PartialEq)]
pub struct Placed {
    /// Its page, from 0.
    pub page: usize,
    /// Left edge, from the page's left, in points.
    pub x: f64,
    /// Top edge, from the page's top, in points.
    pub top: f64,
    /// Width in points.
    pub width: f64,
    /// Height in points.
    pub height: f64,
    /// Its full name (in a packet, with the document's id in front).
    pub name: String,
    /// Its accessible name.
    pub description: String,
    /// What it holds.
    pub kind: Kind,
    /// The form is not valid without it.
    pub required: bool,
    /// A free-text answer of several lines.
    pub multiline: bool,
    /// The type size of its text, in points.
    pub size: f64,
}

fn kind(s: &str) -> Option<Kind> {
    [Kind::Text, Kind::Date, Kind::Signature, Kind::Check].into_iter().find(|k| k.as_str() == s)
}

/// The fields of a compiled document, in reading order, with their places.
pub fn placed(document: &PagedDocument) -> Result<Vec<Placed>, String> {
    let introspector = document.introspector();
    let mut prefix: Option<String> = None;
    let mut out = Vec::new();
    for content in introspector.query(&Selector::Elem(MetadataElem::ELEM, None)).iter() {
        let Some(meta) = content.to_packed::<MetadataElem>() else { continue };
        let Value::Dict(d) = &meta.value else { continue };
        if let Ok(Value::Str(id)) = d.get("consentgen-document") {
            prefix = Some(id.to_string());
            continue;
        }
        let Ok(Value::Dict(f)) = d.get("consentgen-field") else { continue };
        let text = |key: &str| match f.get(key) {
            Ok(Value::Str(s)) => Ok(s.to_string()),
            _ => Err(format!("a form field's `{key}` is missing in the page template")),
        };
        let number = |key: &str| match d.get(key) {
            Ok(Value::Float(v)) => Ok(*v),
            Ok(Value::Int(v)) => Ok(*v as f64),
            _ => Err(format!("a form field's `{key}` is missing in the page template")),
        };
        let flag = |key: &str| matches!(f.get(key), Ok(Value::Bool(true)));
        let name = text("name")?;
        let position = content
            .location()
            .and_then(|loc| introspector.position(loc))
            .ok_or_else(|| format!("form field `{name}` has no position"))?;
        out.push(Placed {
            page: position.page.get() - 1,
            x: position.point.x.to_pt(),
            top: position.point.y.to_pt(),
            width: number("width")?,
            height: number("height")?,
            name: match &prefix {
                Some(p) => format!("{p}.{name}"),
                None => name,
            },
            description: text("description")?,
            kind: kind(&text("kind")?).ok_or("a form field has an unknown kind")?,
            required: flag("required"),
            multiline: flag("multiline"),
            // A practice's own page template may give no size.
            size: number("size").unwrap_or(DEFAULT_SIZE).clamp(4.0, 72.0),
        });
    }
    Ok(out)
}

/// A PDF text string: PDFDocEncoding (as ASCII) when it can be, else UTF-16BE.
pub fn text_string(s: &str) -> Object {
    if s.chars().all(|c| c.is_ascii() && !c.is_ascii_control()) {
        Object::String(s.as_bytes().to_vec(), StringFormat::Literal)
    } else {
        let mut bytes = vec![0xFE, 0xFF];
        for unit in s.encode_utf16() {
            bytes.extend(unit.to_be_bytes());
        }
        Object::String(bytes, StringFormat::Hexadecimal)
    }
}

/// A number rounded to hundredths of a point, as PDF writes it.
fn real(v: f64) -> Object {
    Object::Real(((v * 100.0).round() / 100.0) as f32)
}

/// A form XObject of this size with this content.
pub fn appearance(width: f64, height: f64, resources: Dictionary, content: &[u8]) -> Stream {
    Stream::new(
        dictionary! {
            "Type" => "XObject",
            "Subtype" => "Form",
            "BBox" => vec![real(0.0), real(0.0), real(width), real(height)],
            "Resources" => resources,
        },
        content.to_vec(),
    )
}

/// The check mark of a check box's `/Yes` appearance: drawn, so it needs
/// no font.
pub fn check_mark(width: f64, height: f64) -> Vec<u8> {
    let (w, h) = (width, height);
    format!(
        "q 0 g 0 G {:.2} w 1 J 1 j {:.2} {:.2} m {:.2} {:.2} l {:.2} {:.2} l S Q\n",
        w.min(h) * 0.12,
        w * 0.2,
        h * 0.52,
        w * 0.42,
        h * 0.26,
        w * 0.8,
        h * 0.78
    )
    .into_bytes()
}

fn pdf_error(e: lopdf::Error) -> String {
    format!("reading back the PDF: {e}")
}

/// The page's annotations, resolved.
pub fn page_annotations(doc: &Document, page: ObjectId) -> Vec<ObjectId> {
    let Ok(dict) = doc.get_dictionary(page) else { return Vec::new() };
    let annots = match dict.get(b"Annots") {
        Ok(Object::Reference(r)) => doc.get_object(*r).ok(),
        Ok(o) => Some(o),
        Err(_) => None,
    };
    match annots {
        Some(Object::Array(a)) => a.iter().filter_map(|o| o.as_reference().ok()).collect(),
        _ => Vec::new(),
    }
}

fn numbers(o: &Object) -> Option<Vec<f64>> {
    o.as_array().ok()?.iter().map(|v| v.as_float().ok().map(f64::from)).collect()
}

/// The link annotations the page template made for fields: (page, id, rect).
fn anchors(doc: &Document, pages: &[ObjectId]) -> Vec<(usize, ObjectId, Vec<f64>)> {
    let mut out = Vec::new();
    for (i, page) in pages.iter().enumerate() {
        for id in page_annotations(doc, *page) {
            let Ok(a) = doc.get_dictionary(id) else { continue };
            let uri = a
                .get(b"A")
                .and_then(Object::as_dict)
                .and_then(|action| action.get(b"URI"))
                .and_then(Object::as_str);
            if uri.is_ok_and(|u| u == ANCHOR.as_bytes())
                && let Some(rect) = a.get(b"Rect").ok().and_then(numbers)
                && rect.len() == 4
            {
                out.push((i, id, rect));
            }
        }
    }
    out
}

/// The structure element a `/StructParent` key stands for in the ParentTree.
fn parent_tree_get(doc: &Document, key: i64) -> Option<ObjectId> {
    let root = doc.catalog().ok()?.get(b"StructTreeRoot").ok()?.as_reference().ok()?;
    let mut node =
        doc.get_dictionary(root).ok()?.get_deref(b"ParentTree", doc).ok()?.as_dict().ok()?;
    loop {
        if let Ok(nums) = node.get_deref(b"Nums", doc).and_then(Object::as_array) {
            return nums
                .chunks(2)
                .find(|pair| pair[0].as_i64().ok() == Some(key))
                .and_then(|pair| pair.get(1)?.as_reference().ok());
        }
        let kids = node.get_deref(b"Kids", doc).ok()?.as_array().ok()?;
        node = kids.iter().find_map(|k| {
            let kid = doc.get_dictionary(k.as_reference().ok()?).ok()?;
            let limits = kid.get(b"Limits").ok().and_then(numbers)?;
            (limits.len() == 2 && limits[0] <= key as f64 && key as f64 <= limits[1]).then_some(kid)
        })?;
    }
}

/// A node of the field tree: a name part, its parent, its children, and the
/// widget annotation when it is a field with a value.
struct Node {
    part: String,
    parent: Option<usize>,
    kids: Vec<usize>,
    widget: Option<ObjectId>,
    id: Option<ObjectId>,
}

/// Builds the field tree of the fields' names; `widgets[i]` is field `i`'s
/// annotation. Returns the nodes, roots first in reading order.
fn tree(fields: &[Placed], widgets: &[ObjectId]) -> Result<(Vec<Node>, Vec<usize>), String> {
    let mut nodes: Vec<Node> = Vec::new();
    let mut roots = Vec::new();
    let mut by_path: BTreeMap<String, usize> = BTreeMap::new();
    for (f, widget) in fields.iter().zip(widgets) {
        let parts: Vec<&str> = f.name.split('.').collect();
        if parts.iter().any(|p| p.is_empty()) {
            return Err(format!("form field name `{}` has an empty part", f.name));
        }
        let mut parent: Option<usize> = None;
        for (depth, part) in parts.iter().enumerate() {
            let path = parts[..=depth].join(".");
            let last = depth + 1 == parts.len();
            let existing = by_path.get(&path).copied();
            let index = match existing {
                Some(i) if last || nodes[i].widget.is_some() => {
                    return Err(format!("two form fields are named `{path}`"));
                }
                Some(i) => i,
                None => {
                    let i = nodes.len();
                    nodes.push(Node {
                        part: part.to_string(),
                        parent,
                        kids: Vec::new(),
                        widget: last.then_some(*widget),
                        id: last.then_some(*widget),
                    });
                    by_path.insert(path, i);
                    match parent {
                        Some(p) => nodes[p].kids.push(i),
                        None => roots.push(i),
                    }
                    i
                }
            };
            parent = Some(index);
        }
    }
    Ok((nodes, roots))
}

/// Writes the field tree of the fields' names (`widgets[i]` is field `i`'s
/// annotation); returns its roots.
fn field_tree(
    doc: &mut Document,
    fields: &[Placed],
    widgets: &[ObjectId],
) -> Result<Vec<Object>, String> {
    let (mut nodes, roots) = tree(fields, widgets)?;
    for node in nodes.iter_mut() {
        if node.id.is_none() {
            node.id = Some(doc.add_object(Dictionary::new()));
        }
    }
    for node in &nodes {
        let id = node.id.expect("every node has an object");
        let dict = doc.get_object_mut(id).and_then(Object::as_dict_mut).map_err(pdf_error)?;
        dict.set("T", text_string(&node.part));
        if let Some(p) = node.parent {
            dict.set("Parent", nodes[p].id.expect("every node has an object"));
        }
        if !node.kids.is_empty() {
            let kids: Vec<Object> =
                node.kids.iter().map(|k| Object::Reference(nodes[*k].id.unwrap())).collect();
            dict.set("Kids", kids);
        }
    }
    Ok(roots.iter().map(|r| Object::Reference(nodes[*r].id.unwrap())).collect())
}

/// The entries that make a field's link annotation its widget: type,
/// place, accessible name, flags, default appearance and appearances.
fn widget_entries(doc: &mut Document, f: &Placed, page_height: f64, page: ObjectId) -> Dictionary {
    let h = page_height;
    let rect = vec![real(f.x), real(h - f.top - f.height), real(f.x + f.width), real(h - f.top)];
    let mut entries = dictionary! {
        "Type" => "Annot",
        "Subtype" => "Widget",
        "Rect" => rect,
        "F" => 4,
        "P" => page,
        "TU" => text_string(&f.description),
    };
    if f.required {
        entries.set("Ff", flag::REQUIRED);
    }
    match f.kind {
        Kind::Text | Kind::Date => {
            entries.set("FT", "Tx");
            entries.set("DA", Object::string_literal(default_appearance(f.size)));
            entries.set("Q", 0);
            // Typed text stays in the box, at the form's type size.
            let mut ff = flag::DO_NOT_SCROLL;
            if f.multiline {
                ff |= flag::MULTILINE;
            }
            if f.required {
                ff |= flag::REQUIRED;
            }
            entries.set("Ff", ff);
            if f.kind == Kind::Date {
                let js = |s: String| {
                    dictionary! { "S" => "JavaScript", "JS" => Object::string_literal(s) }
                };
                entries.set(
                    "AA",
                    dictionary! {
                        "K" => js(format!("AFDate_KeystrokeEx(\"{DATE_FORMAT}\");")),
                        "F" => js(format!("AFDate_FormatEx(\"{DATE_FORMAT}\");")),
                    },
                );
            }
            let n =
                doc.add_object(appearance(f.width, f.height, Dictionary::new(), b"/Tx BMC\nEMC\n"));
            entries.set("AP", dictionary! { "N" => n });
        }
        Kind::Signature => {
            entries.set("FT", "Sig");
            let n = doc.add_object(appearance(f.width, f.height, Dictionary::new(), b""));
            entries.set("AP", dictionary! { "N" => n });
        }
        Kind::Check => {
            entries.set("FT", "Btn");
            entries.set("V", Object::Name(b"Off".to_vec()));
            entries.set("AS", Object::Name(b"Off".to_vec()));
            let yes = doc.add_object(appearance(
                f.width,
                f.height,
                Dictionary::new(),
                &check_mark(f.width, f.height),
            ));
            let off = doc.add_object(appearance(f.width, f.height, Dictionary::new(), b""));
            entries.set("AP", dictionary! { "N" => dictionary! { "Yes" => yes, "Off" => off } });
        }
    }
    entries
}

/// Adds the fields to typst-pdf's output. With no fields, returns it as it is.
pub fn add(pdf: Vec<u8>, fields: &[Placed]) -> Result<Vec<u8>, String> {
    if fields.is_empty() {
        return Ok(pdf);
    }
    let mut doc = Document::load_mem(&pdf).map_err(pdf_error)?;
    let pages: Vec<ObjectId> = doc.get_pages().into_values().collect();
    let heights: Vec<f64> = pages
        .iter()
        .map(|p| {
            doc.get_dictionary(*p)
                .ok()
                .and_then(|d| d.get(b"MediaBox").ok().and_then(numbers))
                .filter(|b| b.len() == 4)
                .map_or(792.0, |b| b[3])
        })
        .collect();

    // Each field's link annotation: on its page, with its rectangle.
    let mut anchors = anchors(&doc, &pages);
    let mut widgets = Vec::with_capacity(fields.len());
    for f in fields {
        let h = heights.get(f.page).copied().unwrap_or(792.0);
        let want = [f.x, h - f.top - f.height, f.x + f.width, h - f.top];
        let close = |r: &Vec<f64>| r.iter().zip(want).all(|(a, b)| (a - b).abs() < 0.5);
        let at = anchors
            .iter()
            .position(|(page, _, rect)| *page == f.page && close(rect))
            .ok_or_else(|| {
                format!(
                    "form field `{}`: no box found on page {} at {:.1}, {:.1}",
                    f.name,
                    f.page + 1,
                    want[0],
                    want[3]
                )
            })?;
        widgets.push(anchors.remove(at).1);
    }
    if let Some((page, ..)) = anchors.first() {
        return Err(format!("a form field box on page {} has no field", page + 1));
    }

    let metrics = Metrics::new();
    let (_, font) = field_font::add_simple(&mut doc, &metrics);

    for (f, widget) in fields.iter().zip(&widgets) {
        let h = heights.get(f.page).copied().unwrap_or(792.0);
        let entries = widget_entries(&mut doc, f, h, pages[f.page]);
        let annot = doc.get_object_mut(*widget).and_then(Object::as_dict_mut).map_err(pdf_error)?;
        // What made it a link goes; its /StructParent stays.
        for key in [&b"A"[..], b"Contents", b"Border", b"BS", b"H", b"QuadPoints", b"C"] {
            annot.remove(key);
        }
        // (`Dictionary::extend` would merge arrays, not replace them.)
        for (key, value) in entries.into_iter() {
            annot.set(key, value);
        }
        let key = annot
            .get(b"StructParent")
            .and_then(Object::as_i64)
            .map_err(|_| format!("form field `{}` is not tagged: no /StructParent", f.name))?;
        let elem = parent_tree_get(&doc, key)
            .ok_or_else(|| format!("form field `{}` has no structure element", f.name))?;
        let elem = doc.get_object_mut(elem).and_then(Object::as_dict_mut).map_err(pdf_error)?;
        elem.set("S", "Form");
        elem.remove(b"Alt");
        doc.get_object_mut(pages[f.page])
            .and_then(Object::as_dict_mut)
            .map_err(pdf_error)?
            .set("Tabs", "S");
    }

    // The field tree: parents for the parts of dotted names.
    let roots = field_tree(&mut doc, fields, &widgets)?;
    let form = doc.add_object(dictionary! {
        "Fields" => roots,
        "DR" => dictionary! { "Font" => dictionary! { field_font::SIMPLE => font } },
        "DA" => Object::string_literal(DEFAULT_APPEARANCE),
    });
    doc.catalog_mut().map_err(pdf_error)?.set("AcroForm", form);

    let mut out = Vec::with_capacity(pdf.len() + 64 * 1024);
    doc.save_to(&mut out).map_err(|e| format!("writing the PDF with its form fields: {e}"))?;
    Ok(out)
}
