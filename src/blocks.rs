//! Template text as messages: one message per Markdown block of a template
//! (text between blank lines, as mdbook-i18n-helpers and mdpo split
//! Markdown), with its Tera tags inside it. A blank line inside a Tera tag
//! or comment does not end a block.
//!
//! A block is a message when, without its tags, it has a letter to
//! translate; a block of tags only (`{% endif %}`), of footnote definitions
//! (citations) or of code fences is kept as it is. A comment that opens a
//! block is not part of the message (translators need not copy it).
//!
//! A translation must keep the block's Tera statements (`{% ... %}`) in the
//! same order and its expressions (`{{ ... }}`, components included) as a
//! set, in any order: the words move, the logic does not.

use std::ops::Range;

/// One block of a template.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Block {
    /// The bytes of the template it spans (its last line's newline excluded).
    pub span: Range<usize>,
    /// Its first line (1-based).
    pub line: usize,
    /// A comment that opens it, kept as it is in every language.
    pub lead: Range<usize>,
    /// Its message (the block after `lead`), when it has words to translate.
    pub message: Option<String>,
}

/// A piece of template text: literal text or a Tera tag.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Piece<'a> {
    /// Literal text.
    Text(&'a str),
    /// `{{ ... }}` (an expression or a component call).
    Expr(&'a str),
    /// `{% ... %}`.
    Stmt(&'a str),
    /// `{# ... #}`.
    Comment(&'a str),
}

/// Splits template text into literal text and tags (an unclosed tag runs
/// to the end).
pub fn pieces(text: &str) -> Vec<Piece<'_>> {
    let mut out = Vec::new();
    let mut i = 0;
    let mut text_start = 0;
    let b = text.as_bytes();
    while i + 1 < b.len() {
        let close = match (b[i], b[i + 1]) {
            (b'{', b'{') => Some("}}"),
            (b'{', b'%') => Some("%}"),
            (b'{', b'#') => Some("#}"),
            _ => None,
        };
        let Some(close) = close else {
            i += 1;
            continue;
        };
        if text_start < i {
            out.push(Piece::Text(&text[text_start..i]));
        }
        let end = text[i + 2..].find(close).map_or(text.len(), |e| i + 2 + e + 2);
        let tag = &text[i..end];
        out.push(match b[i + 1] {
            b'{' => Piece::Expr(tag),
            b'%' => Piece::Stmt(tag),
            _ => Piece::Comment(tag),
        });
        i = end;
        text_start = end;
    }
    if text_start < text.len() {
        out.push(Piece::Text(&text[text_start..]));
    }
    out
}

/// Whether literal text has words to translate: a letter outside footnote
/// definitions (`[^label]: citation`) and code-fence markers.
fn has_words(text: &str) -> bool {
    text.lines().any(|l| {
        let t = l.trim();
        let citation = t.starts_with("[^") && t.contains("]:");
        let fence = t.starts_with("```") && !t[3..].contains(' ');
        !citation && !fence && t.chars().any(char::is_alphabetic)
    })
}

/// The blocks of a template.
pub fn blocks(text: &str) -> Vec<Block> {
    // Where each tag is, to know whether a line starts inside one.
    let mut tags: Vec<Range<usize>> = Vec::new();
    let mut at = 0;
    for p in pieces(text) {
        let len = match p {
            Piece::Text(t) => t.len(),
            Piece::Expr(t) | Piece::Stmt(t) | Piece::Comment(t) => {
                tags.push(at..at + t.len());
                t.len()
            }
        };
        at += len;
    }
    let inside = |offset: usize| tags.iter().any(|r| r.start < offset && offset < r.end);
    let mut out = Vec::new();
    let mut start: Option<(usize, usize)> = None; // (offset, line)
    let mut offset = 0;
    let mut last_end = 0;
    for (n, line) in text.split_inclusive('\n').enumerate() {
        let content = line.trim_end_matches(['\n', '\r']);
        let blank = content.trim().is_empty() && !inside(offset);
        if blank {
            if let Some((s, l)) = start.take() {
                out.push(block(text, s..last_end, l, &tags));
            }
        } else {
            if start.is_none() {
                start = Some((offset, n + 1));
            }
            last_end = offset + content.len();
        }
        offset += line.len();
    }
    if let Some((s, l)) = start {
        out.push(block(text, s..last_end, l, &tags));
    }
    out
}

fn block(text: &str, span: Range<usize>, line: usize, tags: &[Range<usize>]) -> Block {
    // A comment that opens the block, with the line break after it.
    let mut lead = span.start..span.start;
    while let Some(t) =
        tags.iter().find(|r| r.start == lead.end && text[(*r).clone()].starts_with("{#"))
    {
        lead.end = t.end;
        let rest = &text[lead.end..span.end];
        let ws = rest.len() - rest.trim_start_matches([' ', '\t', '\r', '\n']).len();
        lead.end += ws;
    }
    let lead = lead.start..lead.end.min(span.end);
    let body = &text[lead.end..span.end];
    let words = pieces(body).iter().any(|p| matches!(p, Piece::Text(t) if has_words(t)));
    let message = words.then(|| without_comments(body));
    Block { span, line, lead, message }
}

/// The text without its Tera comments.
fn without_comments(text: &str) -> String {
    pieces(text)
        .into_iter()
        .map(|p| match p {
            Piece::Comment(_) => "",
            Piece::Text(t) | Piece::Expr(t) | Piece::Stmt(t) => t,
        })
        .collect()
}

fn normalize(tag: &str) -> String {
    tag.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Why a translation cannot stand for its English: its Tera tags differ.
pub fn tags_differ(english: &str, translation: &str) -> Option<String> {
    let tags = |t: &str| {
        let (mut stmts, mut exprs) = (Vec::new(), Vec::new());
        for p in pieces(t) {
            match p {
                Piece::Stmt(s) => stmts.push(normalize(s)),
                Piece::Expr(e) => exprs.push(normalize(e)),
                _ => {}
            }
        }
        exprs.sort();
        (stmts, exprs)
    };
    let (es, ee) = tags(english);
    let (ts, te) = tags(translation);
    if es != ts {
        let missing = es.iter().find(|s| !ts.contains(s));
        let extra = ts.iter().find(|s| !es.contains(s));
        return Some(match (missing, extra) {
            (Some(m), _) => format!("it lacks the statement `{m}`"),
            (None, Some(x)) => format!("it adds the statement `{x}`"),
            (None, None) => "its statements (`{% ... %}`) are not in the English order".into(),
        });
    }
    if ee != te {
        let missing = ee
            .iter()
            .find(|s| te.iter().filter(|t| t == s).count() < ee.iter().filter(|x| x == s).count());
        return Some(match missing {
            Some(m) => format!("it lacks the value `{m}`"),
            None => {
                let extra = te.iter().find(|s| !ee.contains(s)).cloned().unwrap_or_default();
                format!("it adds the value `{extra}`")
            }
        });
    }
    None
}

/// Puts `mark` before each run of words of `text` (an untranslated block),
/// so that the mark shows in a document exactly where English would.
pub fn mark_words(text: &str, mark: &str) -> String {
    let mut out = String::with_capacity(text.len() + mark.len());
    for p in pieces(text) {
        match p {
            Piece::Text(t) if t.chars().any(char::is_alphabetic) => {
                // After any line breaks and indentation, so Markdown keeps its shape.
                let lead = t.len() - t.trim_start().len();
                out.push_str(&t[..lead]);
                out.push_str(mark);
                out.push_str(&t[lead..]);
            }
            Piece::Text(t) | Piece::Expr(t) | Piece::Stmt(t) | Piece::Comment(t) => out.push_str(t),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const T: &str = "{#- A comment\n\nover lines -#}\n# Title\n\nFirst {{ a }} para.\nStill first.\n\n{% if x %}\n\nSecond {% if y %}more{% endif %}.\n\n{% endif %}\n[^n]: Cal. Civ. Code § 43.92\n";

    #[test]
    fn splits_at_blank_lines_outside_tags() {
        let bs = blocks(T);
        let msgs: Vec<Option<&str>> = bs.iter().map(|b| b.message.as_deref()).collect();
        assert_eq!(
            msgs,
            [
                Some("# Title"),
                Some("First {{ a }} para.\nStill first."),
                None,
                Some("Second {% if y %}more{% endif %}."),
                None
            ]
        );
        assert_eq!(bs.iter().map(|b| b.line).collect::<Vec<_>>(), [1, 6, 9, 11, 13]);
        assert_eq!(&T[bs[0].lead.clone()], "{#- A comment\n\nover lines -#}\n");
    }

    #[test]
    fn translations_keep_the_tags() {
        let en = "If {{ a }} then {% if b %}{{ c }}{% endif %}.";
        assert_eq!(tags_differ(en, "Si {% if b %}{{ c }}{% endif %} entonces {{ a }}."), None);
        assert!(tags_differ(en, "Si {{ a }}.").unwrap().contains("{% if b %}"));
        assert!(tags_differ(en, "{% if b %}{{ a }}{% endif %}").unwrap().contains("{{ c }}"));
        assert!(
            tags_differ(en, "{% if b %}{{ a }}{{ c }}{{ d }}{% endif %}")
                .unwrap()
                .contains("{{ d }}")
        );
    }

    #[test]
    fn marks_go_where_the_words_are() {
        assert_eq!(
            mark_words("{% if a %}\n- Hello {{ b }}{% endif %}", "@"),
            "{% if a %}\n@- Hello {{ b }}{% endif %}"
        );
    }
}
