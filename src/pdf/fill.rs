//! `consentgen fill`: fills a PDF's form fields by name, with appearance
//! streams so every viewer shows the values, and optionally flattens them
//! into the page (see [`super::flatten`]).
//!
//! Values are checked before anything changes: a name the form does not
//! have, a date that is not a date, a check box given anything but `true` or
//! `false`, text no font of the documents' stack can set, text that does
//! not fit its box at the form's type size (see [`super::layout`]: never
//! made smaller), or a value for a signature field (signed in a viewer,
//! never filled) is refused with the field's name.

use std::collections::BTreeMap;

use lopdf::{Dictionary, Document, Object, ObjectId, Stream, dictionary};
use unicode_normalization::UnicodeNormalization as _;

use super::acroform::{self, text_string};
use super::field_font::{self, Metrics};
use super::flatten::flatten_form;
use super::form::{FieldType, FillError, FormField, dict, fields, form_error, rect};
use super::layout::{Face, Fonts, Misfit, Setting};
use crate::date::Date;

/// The most characters a value may have, whatever its box: far more than
/// any box holds, so the layout's work stays small.
pub const MAX_VALUE_CHARS: usize = 10_000;

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
    /// Text (composed, NFC), and how it sits in each widget.
    Text(String, Vec<Setting>),
    Check(bool),
}

/// Checks a value against its field and sets it in each widget's box.
fn check_value(
    doc: &Document,
    f: &FormField,
    value: &serde_json::Value,
    fonts: &Fonts,
) -> Result<Option<Fill>, FillError> {
    let bad = |reason: String| FillError::BadValue { name: f.name.clone(), reason };
    if value.is_null() {
        return Ok(None);
    }
    let text = match (f.kind, value) {
        (FieldType::Signature, _) => {
            return Err(bad(
                "is a signature field: it is signed in a PDF viewer, not filled".into()
            ));
        }
        (FieldType::Other, _) => {
            return Err(bad("is not a text field or a check box; fill cannot set it".into()));
        }
        (FieldType::Check, serde_json::Value::Bool(b)) => return Ok(Some(Fill::Check(*b))),
        (FieldType::Check, other) => {
            return Err(bad(format!("is a check box: give true or false, not {other}")));
        }
        (_, serde_json::Value::String(s)) => s,
        (_, other) => return Err(bad(format!("takes text in quotes, not {other}"))),
    };
    // Decomposed letters (as macOS writes them) are drawn composed.
    let mut s: String = text.replace("\r\n", "\n").nfc().collect();
    let allowed = |c: char| f.multiline && c == '\n';
    if let Some(c) = s.chars().find(|c| c.is_control() && !allowed(*c)) {
        let what = if f.multiline { "text without control characters" } else { "one line of text" };
        return Err(bad(format!("takes {what}, without {c:?}")));
    }
    if s.chars().count() > MAX_VALUE_CHARS {
        return Err(bad(format!("takes at most {MAX_VALUE_CHARS} characters")));
    }
    if f.kind == FieldType::Date && !s.trim().is_empty() {
        s = date_value(&s).ok_or_else(|| {
            bad(format!("is a date, and `{s}` is not one; write it as YYYY-MM-DD or MM/DD/YYYY"))
        })?;
    }
    let mut settings = Vec::new();
    for w in &f.widgets {
        let [x1, y1, x2, y2] = rect(doc, *w);
        let set = super::layout::set(&s, x2 - x1, y2 - y1, f.size, f.multiline, fonts);
        settings.push(set.map_err(|e| match e {
            Misfit::Missing(c) => bad(format!(
                "cannot show `{c}` (U+{:04X}): no font of the form has it",
                u32::from(c)
            )),
            Misfit::TooLong(why) => bad(why),
        })?);
    }
    Ok(Some(Fill::Text(s, settings)))
}

/// The form's dictionary's id (it must be an object of its own).
fn form_id(doc: &Document) -> Result<ObjectId, FillError> {
    match doc.catalog().map_err(form_error)?.get(b"AcroForm").map_err(form_error)? {
        Object::Reference(r) => Ok(*r),
        _ => Err(FillError::Form("the form dictionary is not an object of its own".into())),
    }
}

/// The form's `/CgU` font, added the first time a value is drawn.
fn unicode_font(doc: &mut Document, m: &Metrics) -> Result<ObjectId, FillError> {
    let form_id = form_id(doc)?;
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

/// The fonts values are drawn in: `/CgU`, and `/CgN` (a subset of Noto
/// Sans) with the new ids of its glyphs when a value needs it.
struct Drawing {
    main: ObjectId,
    fallback: Option<(ObjectId, BTreeMap<u16, u16>)>,
}

/// The appearance of a value set in a box of this size.
fn text_appearance(setting: &Setting, width: f64, height: f64, fonts: &Drawing) -> Stream {
    let mut content = format!(
        "/Tx BMC\nq 1 1 {:.2} {:.2} re W n BT 0 g\n",
        (width - 2.0).max(0.0),
        (height - 2.0).max(0.0)
    );
    for (line, baseline) in setting.lines.iter().zip(&setting.baselines) {
        content.push_str(&format!("1 0 0 1 {:.2} {baseline:.2} Tm", super::layout::PADDING));
        let mut face = None;
        for (f, glyph, _) in line {
            if face != Some(*f) {
                if face.is_some() {
                    content.push('>');
                    content.push_str(" Tj");
                }
                let name = match f {
                    Face::Main => field_font::UNICODE,
                    Face::Fallback => field_font::FALLBACK,
                };
                content.push_str(&format!(" /{name} {:.2} Tf <", setting.size));
                face = Some(*f);
            }
            let g = match (f, &fonts.fallback) {
                (Face::Fallback, Some((_, new))) => new.get(glyph).copied().unwrap_or(0),
                _ => *glyph,
            };
            content.push_str(&format!("{g:04X}"));
        }
        if face.is_some() {
            content.push_str("> Tj");
        }
        content.push('\n');
    }
    content.push_str("ET Q\nEMC\n");
    let mut font = dictionary! { field_font::UNICODE => fonts.main };
    if let Some((id, _)) = &fonts.fallback {
        font.set(field_font::FALLBACK, *id);
    }
    acroform::appearance(width, height, dictionary! { "Font" => font }, content.as_bytes())
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
    let fonts = Fonts::new();
    let mut planned = Vec::new();
    for (name, value) in values {
        let Some(f) = form_fields.iter().find(|f| &f.name == name) else {
            return Err(FillError::UnknownField {
                name: name.clone(),
                known: form_fields.iter().map(|f| f.name.clone()).collect(),
            });
        };
        if let Some(fill) = check_value(&doc, f, value, &fonts)? {
            planned.push((f, fill));
        }
    }
    let drawing = fonts_for(&mut doc, &planned, &fonts)?;
    for (f, fill) in &planned {
        match fill {
            Fill::Text(text, settings) => set_text(&mut doc, f, text, settings, drawing.as_ref())?,
            Fill::Check(on) => set_check(&mut doc, f, *on)?,
        }
    }
    if flatten {
        flatten_form(&mut doc, &form_fields)?;
    }
    let mut out = Vec::with_capacity(pdf.len() + 16 * 1024);
    doc.save_to(&mut out).map_err(|e| FillError::Form(format!("writing the PDF: {e}")))?;
    Ok(out)
}

/// The fonts the planned values need, added to the document: none when no
/// value has text.
fn fonts_for(
    doc: &mut Document,
    planned: &[(&FormField, Fill)],
    fonts: &Fonts,
) -> Result<Option<Drawing>, FillError> {
    let mut fallback_glyphs: BTreeMap<u16, char> = BTreeMap::new();
    let mut any = false;
    for (_, fill) in planned {
        let Fill::Text(text, settings) = fill else { continue };
        any |= !text.is_empty();
        for (face, g, c) in settings.iter().flat_map(|s| s.lines.iter().flatten()) {
            if *face == Face::Fallback {
                fallback_glyphs.insert(*g, *c);
            }
        }
    }
    if !any {
        return Ok(None);
    }
    let main = unicode_font(doc, &fonts.main)?;
    let fallback = if fallback_glyphs.is_empty() {
        None
    } else {
        Some(
            field_font::add_fallback_subset(doc, &fonts.fallback, &fallback_glyphs)
                .map_err(FillError::Form)?,
        )
    };
    Ok(Some(Drawing { main, fallback }))
}

/// Sets a text field's value and draws it in each of its widgets.
fn set_text(
    doc: &mut Document,
    f: &FormField,
    text: &str,
    settings: &[Setting],
    drawing: Option<&Drawing>,
) -> Result<(), FillError> {
    let field = doc.get_object_mut(f.id).and_then(Object::as_dict_mut).map_err(form_error)?;
    if text.is_empty() {
        field.remove(b"V");
    } else {
        field.set("V", text_string(text));
    }
    for (w, setting) in f.widgets.iter().zip(settings) {
        let [x1, y1, x2, y2] = rect(doc, *w);
        let stream = match drawing {
            Some(d) if !text.is_empty() => text_appearance(setting, x2 - x1, y2 - y1, d),
            _ => acroform::appearance(x2 - x1, y2 - y1, Dictionary::new(), b"/Tx BMC\nEMC\n"),
        };
        let ap = doc.add_object(stream);
        doc.get_object_mut(*w)
            .and_then(Object::as_dict_mut)
            .map_err(form_error)?
            .set("AP", dictionary! { "N" => ap });
    }
    Ok(())
}

/// Ticks or clears a check box in each of its widgets.
fn set_check(doc: &mut Document, f: &FormField, on: bool) -> Result<(), FillError> {
    let mut state = b"Off".to_vec();
    for w in &f.widgets {
        let on_name = doc
            .get_dictionary(*w)
            .ok()
            .and_then(|d| d.get(b"AP").ok())
            .and_then(|ap| dict(doc, ap))
            .and_then(|ap| ap.get(b"N").ok())
            .and_then(|n| dict(doc, n))
            .and_then(|n| n.iter().map(|(k, _)| k.clone()).find(|k| k != b"Off"))
            .unwrap_or_else(|| b"Yes".to_vec());
        let as_ = if on { on_name.clone() } else { b"Off".to_vec() };
        if on {
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
    Ok(())
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
