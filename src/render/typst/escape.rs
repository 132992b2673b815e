//! Escaping for Typst: text that reads as exactly itself in markup, and
//! string literals that hold exactly their text. Every text node the Typst
//! writer emits goes through one of these.

/// Escapes text for Typst markup: the result parses to exactly this text.
pub fn escape_markup_into(text: &str, out: &mut String) {
    for c in text.chars() {
        match c {
            // After a digit (or a call, such as a footnote, whose marker is
            // one), Typst sets a quote as a prime, `′` or `″`, which the font
            // lacks, and PDF/UA refuses a missing glyph: a plain quote it is.
            '\'' | '"' if out.ends_with(|p: char| p.is_numeric() || p == ';' || p == ']') => {
                out.push('\\');
                out.push(c);
            }
            '\\' | '#' | '$' | '*' | '_' | '`' | '<' | '>' | '@' | '[' | ']' | '~' | '-' | '+'
            | '=' | '/' | '.' | ':' | '(' | ')' | ';' | '{' | '}' => {
                out.push('\\');
                out.push(c);
            }
            '\n' | '\r' | '\t' | '\u{0B}' | '\u{0C}' | '\u{85}' | '\u{2028}' | '\u{2029}' => {
                out.push(' ')
            }
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
}

/// Escapes text for Typst markup, returning a new string.
pub fn escape_markup(text: &str) -> String {
    let mut s = String::with_capacity(text.len());
    escape_markup_into(text, &mut s);
    s
}

/// Writes a Typst string literal (with quotes) holding exactly `text`.
pub fn string_lit_into(text: &str, out: &mut String) {
    out.push('"');
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}
