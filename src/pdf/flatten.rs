//! Flattening a filled form (`consentgen fill --flatten`): each field's
//! appearance is drawn into its page and tagged as PDF/UA asks of a printed
//! field (a `Form` element with `PrintField` attributes around the drawn
//! value, or the attributes alone for an unchecked box), and the form goes.

use std::collections::BTreeMap;

use lopdf::{Dictionary, Document, Object, ObjectId, Stream, dictionary};

use super::acroform::text_string;
use super::form::{FieldType, FillError, FormField, dict, form_error, rect};

/// Draws every field's appearance into its page, tags it, and removes the form.
pub(super) fn flatten_form(doc: &mut Document, form_fields: &[FormField]) -> Result<(), FillError> {
    let pages: Vec<ObjectId> = doc.get_pages().into_values().collect();
    let mut per_page: BTreeMap<ObjectId, Vec<(usize, ObjectId)>> = BTreeMap::new();
    for (i, f) in form_fields.iter().enumerate() {
        for w in &f.widgets {
            let page = doc
                .get_dictionary(*w)
                .ok()
                .and_then(|d| d.get(b"P").ok())
                .and_then(|p| p.as_reference().ok())
                .filter(|p| pages.contains(p))
                .or_else(|| {
                    pages
                        .iter()
                        .copied()
                        .find(|p| super::acroform::page_annotations(doc, *p).contains(w))
                });
            if let Some(page) = page {
                per_page.entry(page).or_default().push((i, *w));
            }
        }
    }
    let mut flat = Flattener::new(doc)?;
    for (page, widgets) in per_page {
        flat.page(doc, page, &widgets, form_fields)?;
    }
    flat.finish(doc)
}

/// The state of flattening: the struct tree's ParentTree, to tag what is drawn.
struct Flattener {
    parent_tree: Option<ObjectId>,
}

impl Flattener {
    fn new(doc: &mut Document) -> Result<Flattener, FillError> {
        let root = doc
            .catalog()
            .ok()
            .and_then(|c| c.get(b"StructTreeRoot").ok())
            .and_then(|r| r.as_reference().ok());
        // The ParentTree as an object of its own, so it can be changed in place.
        let parent_tree = match root {
            Some(root) => {
                let tree =
                    doc.get_dictionary(root).ok().and_then(|r| r.get(b"ParentTree").ok()).cloned();
                match tree {
                    Some(Object::Reference(r)) => Some(r),
                    Some(Object::Dictionary(d)) => {
                        let id = doc.add_object(d);
                        doc.get_object_mut(root)
                            .and_then(Object::as_dict_mut)
                            .map_err(form_error)?
                            .set("ParentTree", id);
                        Some(id)
                    }
                    _ => None,
                }
            }
            None => None,
        };
        Ok(Flattener { parent_tree })
    }

    /// The ParentTree's `/Nums`, flattened into the tree object.
    fn nums(&self, doc: &mut Document) -> Option<Vec<Object>> {
        let tree = doc.get_dictionary(self.parent_tree?).ok()?;
        let nums = tree.get(b"Nums").ok()?;
        Some(doc.dereference(nums).ok()?.1.as_array().ok()?.clone())
    }

    fn set_nums(&self, doc: &mut Document, nums: Vec<Object>) -> Result<(), FillError> {
        if let Some(tree) = self.parent_tree {
            doc.get_object_mut(tree)
                .and_then(Object::as_dict_mut)
                .map_err(form_error)?
                .set("Nums", nums);
        }
        Ok(())
    }

    /// The structure element of an annotation, and its ParentTree key.
    fn element_of(&self, doc: &mut Document, widget: ObjectId) -> Option<(i64, ObjectId)> {
        let key = doc.get_dictionary(widget).ok()?.get(b"StructParent").ok()?.as_i64().ok()?;
        let nums = self.nums(doc)?;
        let elem = nums
            .chunks(2)
            .find(|p| p[0].as_i64().ok() == Some(key))
            .and_then(|p| p.get(1)?.as_reference().ok())?;
        Some((key, elem))
    }

    /// Flattens one page's widgets: draws each field's appearance into the
    /// page's content, tags it, and takes the widgets off the page.
    fn page(
        &mut self,
        doc: &mut Document,
        page: ObjectId,
        widgets: &[(usize, ObjectId)],
        form_fields: &[FormField],
    ) -> Result<(), FillError> {
        let mut content = String::new();
        let mut xobjects = Dictionary::new();
        let mut page_array = self.page_array(doc, page)?;
        for (n, (field, widget)) in widgets.iter().enumerate() {
            let f = &form_fields[*field];
            let w = doc.get_dictionary(*widget).map_err(form_error)?.clone();
            let drawn = drawn_appearance(doc, &w);
            let checked = f.kind == FieldType::Check
                && w.get(b"AS").ok().and_then(|s| s.as_name().ok()).is_some_and(|s| s != b"Off");
            let element = self.element_of(doc, *widget);
            // The widget's ParentTree entry goes with it.
            if let Some((key, _)) = element {
                self.remove_num(doc, key)?;
            }
            match (drawn, element) {
                (Some(xobject), Some((_, elem))) if page_array.is_some() => {
                    let (_, mcids) = page_array.as_mut().expect("checked above");
                    let mcid = mcids.len();
                    mcids.push(Object::Reference(elem));
                    let name = format!("CgF{n}");
                    xobjects.set(name.as_bytes(), xobject);
                    content.push_str(&draw_marked(doc, *widget, xobject, &name, mcid));
                    let e = doc
                        .get_object_mut(elem)
                        .and_then(Object::as_dict_mut)
                        .map_err(form_error)?;
                    e.set("S", "Form");
                    e.set("A", print_field(f, checked));
                    e.set(
                        "K",
                        dictionary! { "Type" => "MCR", "Pg" => page, "MCID" => mcid as i64 },
                    );
                }
                (_, Some((_, elem))) if f.kind == FieldType::Check => {
                    // Nothing drawn: an unchecked box, said in its attributes.
                    let e = doc
                        .get_object_mut(elem)
                        .and_then(Object::as_dict_mut)
                        .map_err(form_error)?;
                    e.set("A", print_field(f, checked));
                    e.remove(b"K");
                }
                (_, Some((_, elem))) => remove_element(doc, elem)?,
                (_, None) => {}
            }
        }
        if let Some((arr, mcids)) = page_array {
            *doc.get_object_mut(arr).map_err(form_error)? = Object::Array(mcids);
        }
        replace_widgets(doc, page, widgets, &content, xobjects)
    }

    /// The page's marked-content ids: its ParentTree array, with the
    /// array's object id. An inline array is given an object of its own,
    /// so it can be changed in place.
    fn page_array(
        &mut self,
        doc: &mut Document,
        page: ObjectId,
    ) -> Result<Option<(ObjectId, Vec<Object>)>, FillError> {
        let page_key = doc
            .get_dictionary(page)
            .ok()
            .and_then(|p| p.get(b"StructParents").ok())
            .and_then(|k| k.as_i64().ok());
        let (Some(key), Some(nums)) = (page_key, self.nums(doc)) else {
            return Ok(None);
        };
        if let Some(Object::Reference(arr)) =
            nums.chunks(2).find(|p| p[0].as_i64().ok() == Some(key)).and_then(|p| p.get(1)).cloned()
            && let Ok(a) = doc.get_object(arr).and_then(Object::as_array)
        {
            return Ok(Some((arr, a.clone())));
        }
        if let Some(pos) = nums.chunks(2).position(|p| p[0].as_i64().ok() == Some(key))
            && let Some(Object::Array(a)) = nums.get(pos * 2 + 1).cloned()
        {
            let id = doc.add_object(Object::Array(a.clone()));
            let mut nums = nums;
            nums[pos * 2 + 1] = Object::Reference(id);
            self.set_nums(doc, nums)?;
            return Ok(Some((id, a)));
        }
        Ok(None)
    }

    /// Removes the ParentTree entry of `key`, if there is one.
    fn remove_num(&self, doc: &mut Document, key: i64) -> Result<(), FillError> {
        if let Some(mut nums) = self.nums(doc)
            && let Some(pos) = nums.chunks(2).position(|p| p[0].as_i64().ok() == Some(key))
        {
            nums.drain(pos * 2..pos * 2 + 2);
            self.set_nums(doc, nums)?;
        }
        Ok(())
    }

    fn finish(self, doc: &mut Document) -> Result<(), FillError> {
        doc.catalog_mut().map_err(form_error)?.remove(b"AcroForm");
        doc.prune_objects();
        Ok(())
    }
}

/// Removes a structure element from its parent's kids.
fn remove_element(doc: &mut Document, elem: ObjectId) -> Result<(), FillError> {
    let Some(parent) = doc
        .get_dictionary(elem)
        .ok()
        .and_then(|e| e.get(b"P").ok())
        .and_then(|p| p.as_reference().ok())
    else {
        return Ok(());
    };
    let p = doc.get_object_mut(parent).and_then(Object::as_dict_mut).map_err(form_error)?;
    match p.get_mut(b"K") {
        Ok(Object::Array(kids)) => kids.retain(|k| k.as_reference().ok() != Some(elem)),
        Ok(Object::Reference(r)) if *r == elem => {
            p.remove(b"K");
        }
        _ => {}
    }
    Ok(())
}

/// The appearance stream for a widget's state (`/AP /N`, or its entry for
/// `/AS`), if it draws anything: not blank and not an empty text field.
fn drawn_appearance(doc: &Document, w: &Dictionary) -> Option<ObjectId> {
    let normal =
        w.get(b"AP").ok().and_then(|ap| dict(doc, ap)).and_then(|ap| ap.get(b"N").ok()).cloned();
    let stream = match normal {
        Some(Object::Reference(r)) if doc.get_object(r).is_ok_and(|o| o.as_stream().is_ok()) => {
            Some(r)
        }
        Some(n) => {
            let state = w.get(b"AS").ok().and_then(|s| s.as_name().ok()).unwrap_or(b"Off");
            dict(doc, &n).and_then(|n| n.get(state).ok()).and_then(|s| s.as_reference().ok())
        }
        None => None,
    };
    stream.filter(|s| {
        doc.get_object(*s)
            .and_then(Object::as_stream)
            .and_then(|st| st.decompressed_content().or_else(|_| Ok(st.content.clone())))
            .is_ok_and(|c| c.iter().any(|b| !b.is_ascii_whitespace()) && c != b"/Tx BMC\nEMC\n")
    })
}

/// The content that draws appearance `xobject` (named `name` in the page's
/// resources) scaled into the widget's rectangle, marked as content `mcid`
/// of a `Form` element.
fn draw_marked(
    doc: &Document,
    widget: ObjectId,
    xobject: ObjectId,
    name: &str,
    mcid: usize,
) -> String {
    let [x1, y1, x2, y2] = rect(doc, widget);
    let bbox: Vec<f64> = doc
        .get_object(xobject)
        .and_then(Object::as_stream)
        .ok()
        .and_then(|s| s.dict.get(b"BBox").ok())
        .and_then(|b| b.as_array().ok())
        .map(|a| a.iter().filter_map(|v| v.as_float().ok().map(f64::from)).collect())
        .filter(|b: &Vec<f64>| b.len() == 4)
        .unwrap_or_else(|| vec![0.0, 0.0, x2 - x1, y2 - y1]);
    let sx = (x2 - x1) / (bbox[2] - bbox[0]).max(0.01);
    let sy = (y2 - y1) / (bbox[3] - bbox[1]).max(0.01);
    format!(
        "/Form <</MCID {mcid}>> BDC q {sx:.4} 0 0 {sy:.4} {:.2} {:.2} cm /{name} Do Q EMC\n",
        x1 - bbox[0] * sx,
        y1 - bbox[1] * sy,
    )
}

/// The `PrintField` attributes of a flattened field: its role (check box or
/// text value), whether a box is checked, and its accessible name.
fn print_field(f: &FormField, checked: bool) -> Dictionary {
    let mut attrs = dictionary! {
        "O" => "PrintField",
        "Role" => if f.kind == FieldType::Check { "cb" } else { "tv" },
    };
    if f.kind == FieldType::Check {
        attrs.set("checked", if checked { "on" } else { "off" });
    }
    if let Some(d) = &f.description {
        attrs.set("Desc", text_string(d));
    }
    attrs
}

/// The page without its widgets: its annotations less the widgets, and its
/// content wrapped in `q`/`Q` with the fields' drawing after it, their
/// appearances added to its resources.
fn replace_widgets(
    doc: &mut Document,
    page: ObjectId,
    widgets: &[(usize, ObjectId)],
    content: &str,
    xobjects: Dictionary,
) -> Result<(), FillError> {
    let all: Vec<ObjectId> = widgets.iter().map(|(_, w)| *w).collect();
    let keep: Vec<Object> = super::acroform::page_annotations(doc, page)
        .into_iter()
        .filter(|a| !all.contains(a))
        .map(Object::Reference)
        .collect();
    if !content.is_empty() {
        let before = doc.add_object(Stream::new(Dictionary::new(), b"q\n".to_vec()));
        let after =
            doc.add_object(Stream::new(Dictionary::new(), format!("Q\n{content}").into_bytes()));
        let old = doc.get_dictionary(page).map_err(form_error)?.get(b"Contents").ok().cloned();
        let mut contents = vec![Object::Reference(before)];
        match old.as_ref().map(|o| doc.dereference(o)) {
            Some(Ok((_, Object::Array(a)))) => contents.extend(a.iter().cloned()),
            Some(Ok((Some(id), _))) => contents.push(Object::Reference(id)),
            _ => {}
        }
        contents.push(Object::Reference(after));
        let res = with_xobjects(doc, page, xobjects)?;
        let p = doc.get_object_mut(page).and_then(Object::as_dict_mut).map_err(form_error)?;
        p.set("Contents", contents);
        p.set("Resources", res);
    }
    let p = doc.get_object_mut(page).and_then(Object::as_dict_mut).map_err(form_error)?;
    if keep.is_empty() {
        p.remove(b"Annots");
    } else {
        p.set("Annots", keep);
    }
    Ok(())
}

/// The page's resources, with the fields' appearances added to its XObjects.
fn with_xobjects(
    doc: &Document,
    page: ObjectId,
    xobjects: Dictionary,
) -> Result<Dictionary, FillError> {
    let resources = doc.get_dictionary(page).map_err(form_error)?.get(b"Resources").ok().cloned();
    let mut res = match resources.as_ref().map(|r| doc.dereference(r)) {
        Some(Ok((_, Object::Dictionary(d)))) => d.clone(),
        _ => Dictionary::new(),
    };
    let mut xo = match res.get(b"XObject").ok().map(|x| doc.dereference(x)) {
        Some(Ok((_, Object::Dictionary(d)))) => d.clone(),
        _ => Dictionary::new(),
    };
    for (k, v) in xobjects.into_iter() {
        xo.set(k, v);
    }
    res.set("XObject", xo);
    Ok(res)
}
