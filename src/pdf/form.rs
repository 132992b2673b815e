//! A PDF's form as `fill`, `--flatten` and `consentgen fields` read it:
//! its terminal fields by full name, with their type, accessible name,
//! flags and type size, and the errors of reading one.
//!
//! The field tree of a PDF from elsewhere may be hostile: a `Kids` array
//! that names the same child twice on every level makes a tree of 2^30
//! paths out of 30 objects. The walk visits each object once (a second
//! visit is an error: the tree is not a tree) and at most
//! [`MAX_FIELD_NODES`] objects in all, so it ends at once whatever the file.

use std::collections::BTreeSet;

use lopdf::{Dictionary, Document, Object, ObjectId};

use super::acroform::{DEFAULT_SIZE, flag};

/// The most field-tree objects (fields and widgets) a form may have: far
/// beyond any real form (a state's packet has a few hundred).
pub const MAX_FIELD_NODES: usize = 20_000;

/// The deepest a field tree may nest.
pub const MAX_FIELD_DEPTH: usize = 32;

/// What a field holds, as `fill` treats it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FieldType {
    /// Text.
    Text,
    /// Text formatted as a date (`mm/dd/yyyy`).
    Date,
    /// A check box.
    Check,
    /// A signature field.
    Signature,
    /// Anything else (radio buttons, choices, push buttons).
    Other,
}

impl FieldType {
    /// Its name in `consentgen fields --format json`.
    pub fn as_str(self) -> &'static str {
        match self {
            FieldType::Text => "text",
            FieldType::Date => "date",
            FieldType::Check => "checkbox",
            FieldType::Signature => "signature",
            FieldType::Other => "other",
        }
    }
}

/// One field of a form, by full name.
#[derive(Clone, Debug)]
pub struct FormField {
    /// The fully qualified name (`client.name`).
    pub name: String,
    /// What it holds.
    pub kind: FieldType,
    /// Its accessible name (`/TU`), if any.
    pub description: Option<String>,
    /// The form is not valid without it (`/Ff` bit 2).
    pub required: bool,
    /// Text of several lines (`/Ff` bit 13).
    pub multiline: bool,
    /// The type size of its text, from its default appearance (`/DA`).
    pub size: f64,
    /// The field dictionary.
    pub id: ObjectId,
    /// Its widget annotations (the field itself, when they are merged).
    pub widgets: Vec<ObjectId>,
}

/// Why filling (or reading a form) failed.
#[derive(Debug)]
pub enum FillError {
    /// The file is not a PDF lopdf can read, or has no form.
    Form(String),
    /// A name the form does not have.
    UnknownField {
        /// The name given.
        name: String,
        /// The form's names.
        known: Vec<String>,
    },
    /// A value the field cannot take.
    BadValue {
        /// The field.
        name: String,
        /// Why.
        reason: String,
    },
}

impl std::fmt::Display for FillError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FillError::Form(e) => f.write_str(e),
            FillError::UnknownField { name, .. } => write!(f, "the form has no field `{name}`"),
            FillError::BadValue { name, reason } => write!(f, "field `{name}` {reason}"),
        }
    }
}

/// A PDF error as a [`FillError`].
pub fn form_error(e: impl std::fmt::Display) -> FillError {
    FillError::Form(format!("not a PDF this can fill: {e}"))
}

/// An object as a dictionary, through a reference.
pub fn dict<'a>(doc: &'a Document, o: &'a Object) -> Option<&'a Dictionary> {
    doc.dereference(o).ok()?.1.as_dict().ok()
}

/// A key of a field or of the nearest parent that has it.
fn inherited<'a>(doc: &'a Document, mut id: ObjectId, key: &[u8]) -> Option<&'a Object> {
    for _ in 0..=MAX_FIELD_DEPTH {
        let d = doc.get_dictionary(id).ok()?;
        if let Ok(v) = d.get(key) {
            return doc.dereference(v).ok().map(|(_, o)| o);
        }
        id = d.get(b"Parent").ok()?.as_reference().ok()?;
    }
    None
}

fn decode(o: &Object) -> Option<String> {
    lopdf::decode_text_string(o).ok()
}

/// The type size a default appearance string sets (`/CgR 14 Tf 0 g`): the
/// operand before `Tf`; 0 (auto) or none is [`DEFAULT_SIZE`].
pub fn appearance_size(da: &[u8]) -> f64 {
    let text = String::from_utf8_lossy(da);
    let words: Vec<&str> = text.split_whitespace().collect();
    words
        .iter()
        .position(|w| *w == "Tf")
        .and_then(|i| words.get(i.checked_sub(1)?)?.parse::<f64>().ok())
        .filter(|s| s.is_finite() && *s > 0.0)
        .map_or(DEFAULT_SIZE, |s| s.min(144.0))
}

/// Every terminal field of the form, in the order of the field tree.
pub fn fields(doc: &Document) -> Result<Vec<FormField>, FillError> {
    let no_form = || FillError::Form("the PDF has no form fields".into());
    let form = doc
        .catalog()
        .ok()
        .and_then(|c| c.get(b"AcroForm").ok())
        .and_then(|f| dict(doc, f))
        .ok_or_else(no_form)?;
    let roots = form
        .get(b"Fields")
        .ok()
        .and_then(|f| doc.dereference(f).ok())
        .and_then(|(_, f)| f.as_array().ok())
        .ok_or_else(no_form)?;
    let form_da = form.get(b"DA").ok().and_then(|d| doc.dereference(d).ok()?.1.as_str().ok());
    let mut out = Vec::new();
    let mut seen: BTreeSet<ObjectId> = BTreeSet::new();
    let mut visit = |id: ObjectId| -> Result<(), FillError> {
        if seen.len() >= MAX_FIELD_NODES {
            return Err(FillError::Form(format!(
                "the form's field tree has more than {MAX_FIELD_NODES} objects"
            )));
        }
        if !seen.insert(id) {
            return Err(FillError::Form(format!(
                "the form's field tree reaches object {} {} twice: it is not a tree",
                id.0, id.1
            )));
        }
        Ok(())
    };
    let mut stack: Vec<(ObjectId, String, usize)> = roots
        .iter()
        .rev()
        .filter_map(|r| r.as_reference().ok())
        .map(|r| (r, String::new(), 0))
        .collect();
    while let Some((id, prefix, depth)) = stack.pop() {
        visit(id)?;
        let Ok(d) = doc.get_dictionary(id) else { continue };
        if depth > MAX_FIELD_DEPTH {
            return Err(FillError::Form("the form's field tree is too deep".into()));
        }
        let name = match d.get(b"T").ok().and_then(decode) {
            Some(t) if prefix.is_empty() => t,
            Some(t) => format!("{prefix}.{t}"),
            None => prefix.clone(),
        };
        let kids: Vec<ObjectId> = d
            .get(b"Kids")
            .ok()
            .and_then(|k| doc.dereference(k).ok())
            .and_then(|(_, k)| k.as_array().ok())
            .map(|k| k.iter().filter_map(|r| r.as_reference().ok()).collect())
            .unwrap_or_default();
        if kids.len() > MAX_FIELD_NODES {
            return Err(FillError::Form(format!(
                "a field of the form has more than {MAX_FIELD_NODES} kids"
            )));
        }
        // Kids with names are fields; kids without are its widgets.
        let named = kids.iter().any(|k| doc.get_dictionary(*k).is_ok_and(|kd| kd.has(b"T")));
        if named {
            for k in kids.iter().rev() {
                stack.push((*k, name.clone(), depth + 1));
            }
            continue;
        }
        for k in &kids {
            visit(*k)?;
        }
        let widgets = if kids.is_empty() { vec![id] } else { kids };
        out.push(field(doc, id, d, name, widgets, form_da));
    }
    Ok(out)
}

/// One terminal field, read.
fn field(
    doc: &Document,
    id: ObjectId,
    d: &Dictionary,
    name: String,
    widgets: Vec<ObjectId>,
    form_da: Option<&[u8]>,
) -> FormField {
    let ft = inherited(doc, id, b"FT").and_then(|o| o.as_name().ok().map(<[u8]>::to_vec));
    let flags = inherited(doc, id, b"Ff").and_then(|o| o.as_i64().ok()).unwrap_or(0);
    let is_date = d
        .get(b"AA")
        .ok()
        .and_then(|aa| dict(doc, aa))
        .and_then(|aa| aa.get(b"F").ok())
        .and_then(|f| dict(doc, f))
        .and_then(|f| f.get(b"JS").ok())
        .and_then(|js| doc.dereference(js).ok())
        .and_then(|(_, js)| js.as_str().ok())
        .is_some_and(|js| js.windows(8).any(|w| w == b"AFDate_F"));
    let kind = match ft.as_deref() {
        Some(b"Tx") if is_date => FieldType::Date,
        Some(b"Tx") => FieldType::Text,
        Some(b"Sig") => FieldType::Signature,
        // Not a radio button (bit 16) nor a push button (bit 17).
        Some(b"Btn") if flags & (3 << 15) == 0 => FieldType::Check,
        _ => FieldType::Other,
    };
    let da = inherited(doc, id, b"DA").and_then(|o| o.as_str().ok()).or(form_da);
    FormField {
        name,
        kind,
        description: d.get(b"TU").ok().and_then(decode),
        required: flags & flag::REQUIRED != 0,
        multiline: kind == FieldType::Text && flags & flag::MULTILINE != 0,
        size: da.map_or(DEFAULT_SIZE, appearance_size),
        id,
        widgets,
    }
}

/// A widget's rectangle: left, bottom, right, top.
pub fn rect(doc: &Document, widget: ObjectId) -> [f64; 4] {
    let r: Vec<f64> = doc
        .get_dictionary(widget)
        .ok()
        .and_then(|d| d.get(b"Rect").ok())
        .and_then(|r| r.as_array().ok())
        .map(|a| a.iter().filter_map(|v| v.as_float().ok().map(f64::from)).collect())
        .unwrap_or_default();
    if r.len() == 4 {
        [r[0].min(r[2]), r[1].min(r[3]), r[0].max(r[2]), r[1].max(r[3])]
    } else {
        [0.0; 4]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use lopdf::dictionary;

    #[test]
    fn type_sizes_come_from_the_default_appearance() {
        assert_eq!(appearance_size(b"/CgR 14 Tf 0 g"), 14.0);
        assert_eq!(appearance_size(b"/Helv 0 Tf 0 g"), DEFAULT_SIZE);
        assert_eq!(appearance_size(b"0 g"), DEFAULT_SIZE);
        assert_eq!(appearance_size(b"Tf"), DEFAULT_SIZE);
    }

    /// A form whose field tree is a DAG: each level's `Kids` names the next
    /// level's one object twice, `levels` deep.
    fn dag(levels: usize) -> Document {
        let mut doc = Document::with_version("1.7");
        let mut child =
            doc.add_object(dictionary! { "T" => Object::string_literal("leaf"), "FT" => "Tx" });
        for n in 0..levels {
            child = doc.add_object(dictionary! {
                "T" => Object::string_literal(format!("n{n}")),
                "Kids" => vec![Object::Reference(child), Object::Reference(child)],
            });
        }
        let form = doc.add_object(dictionary! { "Fields" => vec![Object::Reference(child)] });
        let catalog = doc.add_object(dictionary! { "Type" => "Catalog", "AcroForm" => form });
        doc.trailer.set("Root", catalog);
        doc
    }

    #[test]
    fn a_field_dag_ends_at_once() {
        let started = std::time::Instant::now();
        let e = fields(&dag(30)).unwrap_err().to_string();
        assert!(e.contains("twice: it is not a tree"), "{e}");
        assert!(started.elapsed() < std::time::Duration::from_secs(1));
        assert_eq!(fields(&dag(0)).unwrap().len(), 1);
    }
}
