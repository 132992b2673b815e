//! How deeply an SVG logo's elements nest, by a byte scan before any SVG
//! parser sees the file: the PDF stage's SVG reader recurses once per level,
//! and a 7.8 KB file of 1,000 nested `<g>` overflowed its stack (exit 134).

/// Deepest element nesting accepted in an SVG logo: a logo drawn in any
/// editor nests a handful of groups.
pub const MAX_SVG_DEPTH: usize = 64;

/// The deepest element nesting of an XML text, counted from its tags:
/// comments, `<?...?>`, `<!...>` (with a DOCTYPE's `[...]`) and CDATA are
/// skipped, `<x/>` opens nothing, quoted attribute values may hold `>`.
/// Stops counting once past `limit` (and returns a number past it).
pub fn depth(bytes: &[u8], limit: usize) -> usize {
    let (mut depth, mut deepest, mut at) = (0usize, 0usize, 0usize);
    while let Some(open) = find(bytes, at, b"<") {
        let rest = &bytes[open..];
        at = if rest.starts_with(b"<!--") {
            end_of(bytes, open + 4, b"-->")
        } else if rest.starts_with(b"<![CDATA[") {
            end_of(bytes, open + 9, b"]]>")
        } else if rest.starts_with(b"<?") {
            end_of(bytes, open + 2, b"?>")
        } else if rest.starts_with(b"<!") {
            declaration_end(bytes, open + 2)
        } else if rest.starts_with(b"</") {
            depth = depth.saturating_sub(1);
            end_of(bytes, open + 2, b">")
        } else {
            let end = tag_end(bytes, open + 1);
            if bytes.get(end.wrapping_sub(2)) != Some(&b'/') {
                depth += 1;
                deepest = deepest.max(depth);
                if deepest > limit {
                    return deepest;
                }
            }
            end
        };
    }
    deepest
}

/// The first `needle` at or after `from`.
fn find(bytes: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    let hay = bytes.get(from..)?;
    hay.windows(needle.len()).position(|w| w == needle).map(|i| from + i)
}

/// Just past the first `close` at or after `from`, or the end of the text.
fn end_of(bytes: &[u8], from: usize, close: &[u8]) -> usize {
    find(bytes, from, close).map_or(bytes.len(), |i| i + close.len())
}

/// Just past a start tag's `>`, skipping `>` inside quoted attribute values.
fn tag_end(bytes: &[u8], from: usize) -> usize {
    let mut quote = None;
    for (i, &b) in bytes.iter().enumerate().skip(from) {
        match (quote, b) {
            (None, b'"' | b'\'') => quote = Some(b),
            (Some(q), _) if q == b => quote = None,
            (None, b'>') => return i + 1,
            _ => {}
        }
    }
    bytes.len()
}

/// Just past a `<!...>` declaration, a DOCTYPE's internal subset `[...]` included.
fn declaration_end(bytes: &[u8], from: usize) -> usize {
    let close = end_of(bytes, from, b">");
    match find(bytes, from, b"[") {
        Some(open) if open < close => end_of(bytes, open, b"]>"),
        _ => close,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nesting_is_counted_from_open_and_close_tags() {
        let flat = br#"<?xml version="1.0"?><!-- <g><g><g> --><svg a="x>y"><g/><g><path d="M0"/></g><![CDATA[<g><g>]]></svg>"#;
        assert_eq!(depth(flat, 64), 2);
        let doctype = br#"<!DOCTYPE svg [ <!ENTITY e "<g>"> ]><svg><g></g></svg>"#;
        assert_eq!(depth(doctype, 64), 2);
        let deep = format!("<svg>{}{}</svg>", "<g>".repeat(1000), "</g>".repeat(1000));
        assert_eq!(depth(deep.as_bytes(), 64), 65, "stops counting past the limit");
        let siblings = "<svg>".to_string() + &"<g></g>".repeat(1000) + "</svg>";
        assert_eq!(depth(siblings.as_bytes(), 64), 2);
        assert_eq!(depth(b"<svg", 64), 1, "an unclosed tag ends the text");
        assert_eq!(depth(b"", 64), 0);
    }
}
