//! `consentgen fill`: fills a PDF's form fields by name, with appearance
//! streams so every viewer shows the values, and optionally flattens them
//! into the page (tagged as PDF/UA asks of a printed field: a `Form`
//! element with `PrintField` attributes around the drawn value).
//!
//! Values are checked before anything changes: a name the form does not
//! have, a date that is not a date, a check box given anything but `true` or
//! `false`, text the form's font cannot set, or a value for a signature field
//! (signed in a viewer, never filled) is refused with the field's name.

use std::collections::BTreeMap;

use lopdf::{Dictionary, Document, Object, ObjectId, Stream, dictionary};

use super::acroform::{self, text_string};
use super::field_font::{self, Metrics};
use super::flatten::flatten_form;
use crate::date::Date;

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

/// One field of a form, by full name.
#[derive(Clone, Debug)]
pub struct FormField {
    /// The fully qualified name (`client.name`).
    pub name: String,
    /// What it holds.
    pub kind: FieldType,
    /// Its accessible name (`/TU`), if any.
    pub description: Option<String>,
    /// The field dictionary.
    id: ObjectId,
    /// Its widget annotations (the field itself, when they are merged).
    pub(super) widgets: Vec<ObjectId>,
}

/// Why filling failed.
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

pub(super) fn form_error(e: impl std::fmt::Display) -> FillError {
    FillError::Form(format!("not a PDF this can fill: {e}"))
}

pub(super) fn dict<'a>(doc: &'a Document, o: &'a Object) -> Option<&'a Dictionary> {
    doc.dereference(o).ok()?.1.as_dict().ok()
}

fn inherited<'a>(doc: &'a Document, mut id: ObjectId, key: &[u8]) -> Option<&'a Object> {
    for _ in 0..32 {
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

/// Every terminal field of the form, in the order of the field tree.
pub fn fields(doc: &Document) -> Result<Vec<FormField>, FillError> {
    let form = doc
        .catalog()
        .ok()
        .and_then(|c| c.get(b"AcroForm").ok())
        .and_then(|f| dict(doc, f))
        .ok_or_else(|| FillError::Form("the PDF has no form fields".into()))?;
    let roots = form
        .get(b"Fields")
        .ok()
        .and_then(|f| doc.dereference(f).ok())
        .and_then(|(_, f)| f.as_array().ok())
        .ok_or_else(|| FillError::Form("the PDF has no form fields".into()))?;
    let mut out = Vec::new();
    let mut stack: Vec<(ObjectId, String, usize)> = roots
        .iter()
        .rev()
        .filter_map(|r| r.as_reference().ok())
        .map(|r| (r, String::new(), 0))
        .collect();
    while let Some((id, prefix, depth)) = stack.pop() {
        let Ok(d) = doc.get_dictionary(id) else { continue };
        if depth > 32 {
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
        // Kids with names are fields; kids without are its widgets.
        let named = kids.iter().any(|k| doc.get_dictionary(*k).is_ok_and(|kd| kd.has(b"T")));
        if named {
            for k in kids.iter().rev() {
                stack.push((*k, name.clone(), depth + 1));
            }
            continue;
        }
        let widgets = if kids.is_empty() { vec![id] } else { kids };
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
        let description = d.get(b"TU").ok().and_then(decode);
        out.push(FormField { name, kind, description, id, widgets });
    }
    Ok(out)
}

/// Values from JSON: an object of names to values; nested objects stand for
/// dotted names (`{"client": {"name": "..."}}` is `client.name`).
pub fn values(json: &serde_json::Value) -> Result<BTreeMap<String, serde_json::Value>, String> {
    fn walk(
        prefix: &str,
        v: &serde_json::Value,
        out: &mut BTreeMap<String, serde_json::Value>,
    ) -> Result<(), String> {
        match v {
            serde_json::Value::Object(map) => {
                for (k, v) in map {
                    let name = if prefix.is_empty() { k.clone() } else { format!("{prefix}.{k}") };
                    walk(&name, v, out)?;
                }
                Ok(())
            }
            _ if prefix.is_empty() => Err("the values must be a JSON object of field names".into()),
            other => {
                if out.insert(prefix.to_string(), other.clone()).is_some() {
                    return Err(format!("`{prefix}` is given twice"));
                }
                Ok(())
            }
        }
    }
    let mut out = BTreeMap::new();
    walk("", json, &mut out)?;
    Ok(out)
}

/// A date as a date field shows it: from `YYYY-MM-DD` or `MM/DD/YYYY`.
pub fn date_value(text: &str) -> Option<String> {
    let t = text.trim();
    let date = Date::parse(t).or_else(|| {
        let parts: Vec<&str> = t.split('/').collect();
        let [m, d, y] = parts[..] else { return None };
        let num = |s: &str| {
            (!s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()))
                .then(|| s.parse::<u32>().ok())
                .flatten()
        };
        if y.len() != 4 {
            return None;
        }
        Date::new(num(y)? as i32, u8::try_from(num(m)?).ok()?, u8::try_from(num(d)?).ok()?)
    })?;
    Some(format!("{:02}/{:02}/{:04}", date.month(), date.day(), date.year()))
}

/// What a value becomes in a field.
enum Fill {
    Text(String),
    Check(bool),
}

fn check_value(
    f: &FormField,
    value: &serde_json::Value,
    m: &Metrics,
) -> Result<Option<Fill>, FillError> {
    let bad = |reason: String| FillError::BadValue { name: f.name.clone(), reason };
    if value.is_null() {
        return Ok(None);
    }
    match f.kind {
        FieldType::Signature => {
            Err(bad("is a signature field: it is signed in a PDF viewer, not filled".into()))
        }
        FieldType::Other => {
            Err(bad("is not a text field or a check box; fill cannot set it".into()))
        }
        FieldType::Check => match value {
            serde_json::Value::Bool(b) => Ok(Some(Fill::Check(*b))),
            other => Err(bad(format!("is a check box: give true or false, not {other}"))),
        },
        FieldType::Text | FieldType::Date => {
            let serde_json::Value::String(s) = value else {
                return Err(bad(format!("takes text in quotes, not {value}")));
            };
            if let Some(c) = s.chars().find(|c| c.is_control()) {
                return Err(bad(format!("takes one line of text, without {c:?}")));
            }
            if s.chars().count() > 500 {
                return Err(bad("takes at most 500 characters".into()));
            }
            if let Some(c) = s.chars().find(|c| m.glyph(*c).is_none()) {
                return Err(bad(format!(
                    "cannot show `{c}` (U+{:04X}): the form's font lacks it",
                    u32::from(c)
                )));
            }
            if f.kind == FieldType::Date && !s.trim().is_empty() {
                let date = date_value(s).ok_or_else(|| {
                    bad(format!(
                        "is a date, and `{s}` is not one; write it as YYYY-MM-DD or MM/DD/YYYY"
                    ))
                })?;
                return Ok(Some(Fill::Text(date)));
            }
            Ok(Some(Fill::Text(s.clone())))
        }
    }
}

pub(super) fn rect(doc: &Document, widget: ObjectId) -> [f64; 4] {
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

/// The form's `/CgU` font, added the first time a value is drawn.
fn unicode_font(doc: &mut Document, m: &Metrics) -> Result<ObjectId, FillError> {
    let form_id = match doc.catalog().map_err(form_error)?.get(b"AcroForm").map_err(form_error)? {
        Object::Reference(r) => *r,
        _ => return Err(FillError::Form("the form dictionary is not an object of its own".into())),
    };
    let existing = |doc: &Document, name: &str| -> Option<ObjectId> {
        let form = doc.get_dictionary(form_id).ok()?;
        let fonts = dict(doc, form.get(b"DR").ok()?)?.get(b"Font").ok()?;
        dict(doc, fonts)?.get(name.as_bytes()).ok()?.as_reference().ok()
    };
    if let Some(id) = existing(doc, field_font::UNICODE) {
        return Ok(id);
    }
    // Share the font file of `/CgR` when there is one.
    let file = existing(doc, field_font::SIMPLE)
        .and_then(|f| doc.get_dictionary(f).ok()?.get(b"FontDescriptor").ok()?.as_reference().ok())
        .and_then(|d| doc.get_dictionary(d).ok()?.get(b"FontFile2").ok()?.as_reference().ok());
    let file = match file {
        Some(f) => f,
        None => field_font::add_simple(doc, m).0,
    };
    let font = field_font::add_unicode(doc, m, file);
    let form = doc.get_object_mut(form_id).and_then(Object::as_dict_mut).map_err(form_error)?;
    if !form.has(b"DR") {
        form.set("DR", Dictionary::new());
    }
    let dr = form.get_mut(b"DR").and_then(Object::as_dict_mut).map_err(|_| {
        FillError::Form("the form's resources are not a dictionary of their own".into())
    })?;
    if !dr.has(b"Font") {
        dr.set("Font", Dictionary::new());
    }
    dr.get_mut(b"Font")
        .and_then(Object::as_dict_mut)
        .map_err(|_| FillError::Form("the form's fonts are not a dictionary of their own".into()))?
        .set(field_font::UNICODE, font);
    Ok(font)
}

/// The appearance of one line of text in a field of this size.
fn text_appearance(text: &str, width: f64, height: f64, m: &Metrics, font: ObjectId) -> Stream {
    let glyphs: Vec<u16> = text.chars().filter_map(|c| m.glyph(c)).collect();
    let advance: i64 = glyphs.iter().map(|g| m.advance(*g)).sum();
    let mut size = 11.0_f64;
    let room = (width - 4.0).max(1.0);
    if advance as f64 * size / 1000.0 > room {
        size = (room * 1000.0 / advance as f64).max(4.0);
    }
    let em = (m.ascent() - m.descent()) as f64 * size / 1000.0;
    let baseline = ((height - em) / 2.0 - m.descent() as f64 * size / 1000.0).max(1.0);
    let hex: String = glyphs.iter().map(|g| format!("{g:04X}")).collect();
    let content = format!(
        "/Tx BMC\nq 1 1 {:.2} {:.2} re W n BT /{} {size:.2} Tf 0 g 2 {baseline:.2} Td <{hex}> Tj ET Q\nEMC\n",
        (width - 2.0).max(0.0),
        (height - 2.0).max(0.0),
        field_font::UNICODE,
    );
    let resources = dictionary! { "Font" => dictionary! { field_font::UNICODE => font } };
    acroform::appearance(width, height, resources, content.as_bytes())
}

/// Fills the form in `pdf` with `values` (see [`values`]); with `flatten`,
/// draws every field into its page and removes the form.
pub fn fill(
    pdf: &[u8],
    values: &BTreeMap<String, serde_json::Value>,
    flatten: bool,
) -> Result<Vec<u8>, FillError> {
    let mut doc = Document::load_mem(pdf).map_err(form_error)?;
    if doc.is_encrypted() {
        return Err(FillError::Form("the PDF is encrypted".into()));
    }
    let form_fields = fields(&doc)?;
    if let Some(signed) = form_fields.iter().find(|f| {
        f.kind == FieldType::Signature && doc.get_dictionary(f.id).is_ok_and(|d| d.has(b"V"))
    }) {
        return Err(FillError::Form(format!(
            "the form is signed (`{}`); changing it would break the signature",
            signed.name
        )));
    }
    let m = Metrics::new();
    let mut planned = Vec::new();
    for (name, value) in values {
        let Some(f) = form_fields.iter().find(|f| &f.name == name) else {
            return Err(FillError::UnknownField {
                name: name.clone(),
                known: form_fields.iter().map(|f| f.name.clone()).collect(),
            });
        };
        if let Some(fill) = check_value(f, value, &m)? {
            planned.push((f, fill));
        }
    }

    let needs_font = planned.iter().any(|(_, fill)| matches!(fill, Fill::Text(t) if !t.is_empty()));
    let font = if needs_font { Some(unicode_font(&mut doc, &m)?) } else { None };
    for (f, fill) in &planned {
        match fill {
            Fill::Text(text) => {
                let field =
                    doc.get_object_mut(f.id).and_then(Object::as_dict_mut).map_err(form_error)?;
                if text.is_empty() {
                    field.remove(b"V");
                } else {
                    field.set("V", text_string(text));
                }
                for w in &f.widgets {
                    let [x1, y1, x2, y2] = rect(&doc, *w);
                    let stream = match font {
                        Some(font) if !text.is_empty() => {
                            text_appearance(text, x2 - x1, y2 - y1, &m, font)
                        }
                        _ => acroform::appearance(
                            x2 - x1,
                            y2 - y1,
                            Dictionary::new(),
                            b"/Tx BMC\nEMC\n",
                        ),
                    };
                    let ap = doc.add_object(stream);
                    doc.get_object_mut(*w)
                        .and_then(Object::as_dict_mut)
                        .map_err(form_error)?
                        .set("AP", dictionary! { "N" => ap });
                }
            }
            Fill::Check(on) => {
                let mut state = b"Off".to_vec();
                for w in &f.widgets {
                    let on_name = doc
                        .get_dictionary(*w)
                        .ok()
                        .and_then(|d| d.get(b"AP").ok())
                        .and_then(|ap| dict(&doc, ap))
                        .and_then(|ap| ap.get(b"N").ok())
                        .and_then(|n| dict(&doc, n))
                        .and_then(|n| n.iter().map(|(k, _)| k.clone()).find(|k| k != b"Off"))
                        .unwrap_or_else(|| b"Yes".to_vec());
                    let as_ = if *on { on_name.clone() } else { b"Off".to_vec() };
                    if *on {
                        state = on_name;
                    }
                    doc.get_object_mut(*w)
                        .and_then(Object::as_dict_mut)
                        .map_err(form_error)?
                        .set("AS", Object::Name(as_));
                }
                doc.get_object_mut(f.id)
                    .and_then(Object::as_dict_mut)
                    .map_err(form_error)?
                    .set("V", Object::Name(state));
            }
        }
    }
    if flatten {
        flatten_form(&mut doc, &form_fields)?;
    }
    let mut out = Vec::with_capacity(pdf.len() + 16 * 1024);
    doc.save_to(&mut out).map_err(|e| FillError::Form(format!("writing the PDF: {e}")))?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_read_in_two_forms_and_checked() {
        assert_eq!(date_value("2026-01-05").as_deref(), Some("01/05/2026"));
        assert_eq!(date_value("1/5/2026").as_deref(), Some("01/05/2026"));
        assert_eq!(date_value("02/30/2026"), None);
        assert_eq!(date_value("2026-13-01"), None);
        assert_eq!(date_value("next Tuesday"), None);
        assert_eq!(date_value("01/05/26"), None);
    }

    #[test]
    fn nested_values_are_dotted_names() {
        let v = serde_json::json!({"client": {"name": "Ana", "date": "2026-01-05"}, "note": "x"});
        let map = values(&v).unwrap();
        assert_eq!(map.keys().collect::<Vec<_>>(), ["client.date", "client.name", "note"]);
        assert!(values(&serde_json::json!(["x"])).is_err());
        assert!(values(&serde_json::json!({"a.b": 1, "a": {"b": 2}})).is_err());
    }
}
