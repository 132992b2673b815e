//! The template lint (issue 23): templates read rule topics through their
//! typed views (see [`crate::render::views`]), so a template that reads a
//! field a view does not have, or compares a rule field to a string, is
//! refused at its line. Tera renders a missing field as nothing, so without
//! this check a one-letter typo in a practice's override (`r.any_agee`)
//! would silently state the opposite of a confirmed rule.
//!
//! Tera's parser is not public, so this is a scan of the template source:
//! every tag is read for dotted paths; a path is typed when its root is a
//! topic name, a component parameter every caller passes a topic (or a
//! rule, or a list) to, or a loop variable over `X.rules`, `X.lines` or a
//! list's `items`. Untyped paths (the practice, the clinician) are left to
//! the context's own types.

use std::collections::{BTreeMap, BTreeSet};

use crate::diag::{Diagnostic, FileId};
use crate::model::TOPICS;
use crate::render::views::{board_fields, field_names, line_fields, list_fields};

/// What a template variable holds.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Ty {
    /// A topic view (`duty_to_warn`).
    Topic(&'static str),
    /// One rule of a topic.
    Rule(&'static str),
    /// A [`crate::render::views::List`].
    List,
    /// A board line.
    Line,
    /// A board.
    Board,
}

/// Fields of a rule view whose values are lists.
const LISTS: &[&str] = &[
    "reporters",
    "must",
    "may",
    "discharge",
    "conditions",
    "exceptions",
    "limits",
    "statements",
    "contents",
];

impl Ty {
    /// The fields it has, and the type of each field that is itself typed.
    fn field(&self, name: &str) -> Result<Option<Ty>, Vec<&'static str>> {
        let (fields, sub): (Vec<&'static str>, Option<Ty>) = match self {
            Ty::Topic(t) => {
                let (_, top) = field_names(t);
                let sub = match name {
                    "rules" => Some(Ty::Rule(t)),
                    "lines" => Some(Ty::Line),
                    _ => None,
                };
                (top, sub)
            }
            Ty::Rule(t) => {
                let (rule, _) = field_names(t);
                let sub = if LISTS.contains(&name) {
                    Some(Ty::List)
                } else if name == "boards" {
                    Some(Ty::Board)
                } else {
                    None
                };
                (rule, sub)
            }
            Ty::List => (list_fields(), None),
            Ty::Line => (line_fields(), (name == "board").then_some(Ty::Board)),
            Ty::Board => (board_fields(), None),
        };
        if fields.contains(&name) { Ok(sub) } else { Err(fields) }
    }
}

/// One tag of a template: its inside and where it starts.
struct Tag<'a> {
    body: &'a str,
    at: usize,
}

fn tags(text: &str) -> Vec<Tag<'_>> {
    let mut out = Vec::new();
    let mut rest = 0;
    while let Some(i) = text[rest..].find(['{']) {
        let start = rest + i;
        let close = match text[start + 1..].chars().next() {
            Some('{') => "}}",
            Some('%') => "%}",
            Some('#') => "#}",
            _ => {
                rest = start + 1;
                continue;
            }
        };
        let Some(j) = text[start + 2..].find(close) else { break };
        let end = start + 2 + j;
        if close != "#}" {
            out.push(Tag { body: &text[start + 2..end], at: start + 2 });
        }
        rest = end + 2;
    }
    out
}

/// A dotted path in an expression, with its offset in the tag body.
fn paths(body: &str) -> Vec<(usize, Vec<&str>)> {
    let mut out = Vec::new();
    let b = body.as_bytes();
    let mut i = 0;
    let mut quote: Option<u8> = None;
    while i < b.len() {
        let c = b[i];
        if let Some(q) = quote {
            if c == q {
                quote = None;
            }
            i += 1;
            continue;
        }
        if c == b'"' || c == b'\'' || c == b'`' {
            quote = Some(c);
            i += 1;
            continue;
        }
        let ident_start = c.is_ascii_alphabetic() || c == b'_';
        let after_dot = i > 0 && b[i - 1] == b'.';
        if ident_start
            && !after_dot
            && (i == 0 || !(b[i - 1].is_ascii_alphanumeric() || b[i - 1] == b'_'))
        {
            let start = i;
            let mut parts = Vec::new();
            loop {
                let s = i;
                while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_') {
                    i += 1;
                }
                parts.push(&body[s..i]);
                if i + 1 < b.len()
                    && b[i] == b'.'
                    && (b[i + 1].is_ascii_alphabetic() || b[i + 1] == b'_')
                {
                    i += 1;
                } else {
                    break;
                }
            }
            out.push((start, parts));
            continue;
        }
        i += 1;
    }
    out
}

/// A component's definition: its parameters, in order, and where its body is.
struct Component {
    params: Vec<String>,
    file: String,
    start: usize,
    end: usize,
}

fn components(files: &BTreeMap<String, (FileId, String)>) -> BTreeMap<String, Component> {
    let mut out = BTreeMap::new();
    for (name, (_, text)) in files {
        for tag in tags(text) {
            let body = tag.body.trim_matches(['-', ' ', '\n']);
            let Some(rest) = body.strip_prefix("component ") else { continue };
            let Some((cname, params)) = rest.split_once('(') else { continue };
            let params: Vec<String> = params
                .trim_end_matches(')')
                .split(',')
                .map(|p| p.trim().to_string())
                .filter(|p| !p.is_empty())
                .collect();
            let cname = cname.trim().to_string();
            let end_tag = format!("endcomponent {cname}");
            let end = text[tag.at..].find(&end_tag).map_or(text.len(), |e| tag.at + e);
            out.insert(cname, Component { params, file: name.clone(), start: tag.at, end });
        }
    }
    out
}

/// The type of an argument expression in a scope, when it is a bare path.
fn type_of(expr: &str, scope: &BTreeMap<String, Ty>) -> Option<Ty> {
    let expr = expr.trim();
    let mut parts = expr.split('.');
    let root = parts.next()?;
    let mut ty = match scope.get(root) {
        Some(t) => t.clone(),
        None => Ty::Topic(TOPICS.iter().find(|t| t.name == root)?.name),
    };
    for p in parts {
        ty = ty.field(p).ok()??;
    }
    Some(ty)
}

/// A component call: where, the component's name, and each argument's name
/// and expression.
type Call = (usize, String, Vec<(String, String)>);

/// The component calls in a range of a file.
fn calls(text: &str) -> Vec<Call> {
    let mut out = Vec::new();
    for tag in tags(text) {
        let Some(inner) = tag.body.strip_prefix('<') else { continue };
        let inner = inner.trim_end_matches('/').trim();
        let (name, args) = inner.split_once(' ').unwrap_or((inner, ""));
        let mut list = Vec::new();
        for arg in args.split('}').filter(|a| a.contains("={")) {
            if let Some((k, v)) = arg.split_once("={") {
                list.push((k.trim().to_string(), v.trim().to_string()));
            }
        }
        out.push((tag.at, name.trim().to_string(), list));
    }
    out
}

/// Checks every Markdown template: typed paths name fields their views
/// have, and no typed field is compared to a string.
pub fn check(files: &BTreeMap<String, (FileId, String)>) -> Vec<Diagnostic> {
    let comps = components(files);
    // What each component parameter receives, from every call, to a fixed
    // point (a component passes its own parameters on).
    let mut params: BTreeMap<(String, String), BTreeSet<Ty>> = BTreeMap::new();
    for _ in 0..8 {
        let before = params.clone();
        for (name, (_, text)) in files {
            for (at, callee, args) in calls(text) {
                let scope = scope_at(name, at, &comps, &params, text);
                for (k, v) in args {
                    if let Some(ty) = type_of(&v, &scope) {
                        params.entry((callee.clone(), k)).or_default().insert(ty);
                    }
                }
            }
        }
        if params == before {
            break;
        }
    }
    let mut out = Vec::new();
    for (name, (file, text)) in files {
        // Every line of a form block is `ID: Label` (see `crate::forms`).
        out.extend(crate::forms::source::lint(*file, text));
        for tag in tags(text) {
            let scope = scope_at(name, tag.at, &comps, &params, text);
            check_tag(*file, tag.body, tag.at, &scope, &mut out);
        }
    }
    out
}

/// The typed variables at an offset: component parameters (when every
/// caller agrees on a type) and loop variables of the loops around it.
fn scope_at(
    file: &str,
    at: usize,
    comps: &BTreeMap<String, Component>,
    params: &BTreeMap<(String, String), BTreeSet<Ty>>,
    text: &str,
) -> BTreeMap<String, Ty> {
    let mut scope = BTreeMap::new();
    let mut from = 0;
    for (cname, c) in comps {
        if c.file == file && c.start <= at && at < c.end {
            from = c.start;
            for p in &c.params {
                if let Some(tys) = params.get(&(cname.clone(), p.clone()))
                    && tys.len() == 1
                {
                    scope.insert(p.clone(), tys.iter().next().cloned().unwrap_or(Ty::List));
                }
            }
        }
    }
    // Loops opened before `at` (and, leniently, not yet closed).
    for tag in tags(&text[from..at.min(text.len())]) {
        let body = tag.body.trim_matches(['-', ' ', '\n']);
        if let Some(rest) = body.strip_prefix("for ")
            && let Some((var, expr)) = rest.split_once(" in ")
            && let Some(ty) = type_of(expr, &scope)
        {
            let item = match ty {
                Ty::List => None,
                other => Some(other),
            };
            if let Some(item) = item {
                scope.insert(var.trim().to_string(), item);
            }
        }
    }
    scope
}

fn check_tag(
    file: FileId,
    body: &str,
    at: usize,
    scope: &BTreeMap<String, Ty>,
    out: &mut Vec<Diagnostic>,
) {
    let trimmed = body.trim_start_matches(['-', ' ']);
    // The loop variable and the component's own header name no fields.
    if trimmed.starts_with("component ") || trimmed.starts_with("endcomponent") {
        return;
    }
    for (off, parts) in paths(body) {
        let root = parts[0];
        let mut ty = match scope.get(root) {
            Some(t) => t.clone(),
            None => match TOPICS.iter().find(|t| t.name == root) {
                Some(t) if parts.len() > 1 => Ty::Topic(t.name),
                _ => continue,
            },
        };
        let span = at + off..at + off + parts.iter().map(|p| p.len() + 1).sum::<usize>() - 1;
        for (k, p) in parts.iter().enumerate().skip(1) {
            match ty.field(p) {
                Ok(Some(next)) => ty = next,
                Ok(None) => {
                    // A plain value: compared to a string literal?
                    let after = body[off..].split_once(p).map_or("", |(_, r)| r);
                    let after = after.trim_start();
                    let before = body[..off].trim_end();
                    let compares = ["==", "!="].iter().any(|op| {
                        after
                            .strip_prefix(op)
                            .is_some_and(|r| r.trim_start().starts_with(['"', '\'']))
                            || before
                                .strip_suffix(op)
                                .is_some_and(|l| l.trim_end().ends_with(['"', '\'']))
                    });
                    if compares && k == parts.len() - 1 {
                        out.push(
                            Diagnostic::error(
                                "template-compare",
                                format!("`{}` is compared to a string", parts.join(".")),
                            )
                            .at(file, span.clone())
                            .with_label("a rule field compared to text")
                            .with_hint("rule views give flags (`r.must`, `r.any_age`, `r.no_duty`) and lists with `whole`, `partial`, `unknown`; see `consentgen schema context`"),
                        );
                    }
                    break;
                }
                Err(fields) => {
                    let mut d = Diagnostic::error(
                        "template-field",
                        format!("`{}` has no field `{p}`", parts[..k].join(".")),
                    )
                    .at(file, span.clone())
                    .with_label("not a field of this view");
                    if let Some(best) = crate::diag::closest(p, &fields) {
                        d = d.with_hint(format!("did you mean `{best}`?"));
                    }
                    out.push(d.with_hint(format!("fields: {}", fields.join(", "))));
                    break;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lint(text: &str) -> Vec<String> {
        let mut sources = crate::diag::Sources::new();
        let file = sources.add("t.md", text.to_string());
        let mut files = BTreeMap::new();
        files.insert("t.md".to_string(), (file, text.to_string()));
        check(&files).into_iter().map(|d| format!("{}: {}", d.code, d.message)).collect()
    }

    #[test]
    fn typed_fields_pass() {
        let t = r#"{%- component dtw(t) -%}{% for r in t.rules %}{% if r.must %}{{ r.trigger }}{% for s in r.discharge.items %}{{ s }}{% endfor %}{% endif %}{% endfor %}{%- endcomponent dtw -%}
{{<dtw t={duty_to_warn}/>}}{% if telehealth.known %}x{% endif %}"#;
        assert!(lint(t).is_empty(), "{:?}", lint(t));
    }

    #[test]
    fn a_misspelt_field_is_an_error() {
        let t = r#"{%- component m(t) -%}{% for r in t.rules %}{% if r.any_agee %}x{% endif %}{% endfor %}{%- endcomponent m -%}
{{<m t={minors}/>}}"#;
        let found = lint(t);
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].contains("no field `any_agee`"));
    }

    #[test]
    fn comparing_a_rule_field_to_a_string_is_an_error() {
        let t = r#"{% for r in minors.rules %}{% if r.self_consent == "any_age" %}x{% endif %}{% endfor %}"#;
        let found = lint(t);
        assert!(found.iter().any(|f| f.contains("no field `self_consent`")), "{found:?}");
        let t =
            r#"{% for r in duty_to_warn.rules %}{% if r.trigger == "x" %}x{% endif %}{% endfor %}"#;
        assert!(lint(t).iter().any(|f| f.starts_with("template-compare")), "{:?}", lint(t));
    }

    #[test]
    fn list_fields_are_checked() {
        let t = r#"{% for r in court_orders.rules %}{% if r.exceptions.complete %}x{% endif %}{% endfor %}"#;
        assert!(lint(t).iter().any(|f| f.contains("no field `complete`")), "{:?}", lint(t));
    }
}
