//! gettext PO files: the small reader and writer consentgen needs.
//!
//! Why not a crate: the maintained Rust PO crates (`polib`, `poreader`) do
//! not keep what `consentgen i18n extract` and its diagnostics rely on: the
//! line of each message (for `es.po:123:1` in an error), the previous msgid
//! of a fuzzy message (`#| msgid`), obsolete messages (`#~`) and a stable
//! writer; `polib` also panics on some malformed lines, and bad input here
//! must give a diagnostic, never a panic. The format is small: comments,
//! `msgctxt`, `msgid`, `msgstr`, each a run of C-escaped quoted strings.
//! Plural forms (`msgid_plural`) are refused: consentgen's messages have none.

use std::fmt::Write as _;

/// One message of a PO file.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Entry {
    /// Translator comments (`# ...`).
    pub comments: Vec<String>,
    /// Comments for translators written by the extractor (`#. ...`).
    pub extracted: Vec<String>,
    /// Where the message comes from (`#: consent.md:12`).
    pub references: Vec<String>,
    /// Flags (`#, fuzzy`).
    pub flags: Vec<String>,
    /// The msgid this translation was made for, on a fuzzy message (`#| msgid`).
    pub previous: Option<String>,
    /// The context (`msgctxt`).
    pub ctxt: Option<String>,
    /// The English text.
    pub id: String,
    /// The translation ("" when there is none yet).
    pub text: String,
    /// Kept for the record only (`#~`): its English is no longer used.
    pub obsolete: bool,
    /// The line of its `msgid` (1-based; 0 for a message not read from a file).
    pub line: usize,
}

impl Entry {
    /// A new message.
    pub fn new(ctxt: Option<&str>, id: &str) -> Entry {
        Entry { ctxt: ctxt.map(str::to_string), id: id.to_string(), ..Entry::default() }
    }

    /// Whether it is marked fuzzy (its translation was made for other English).
    pub fn fuzzy(&self) -> bool {
        self.flags.iter().any(|f| f == "fuzzy")
    }

    /// Sets or clears the fuzzy flag.
    pub fn set_fuzzy(&mut self, on: bool) {
        self.flags.retain(|f| f != "fuzzy");
        if on {
            self.flags.insert(0, "fuzzy".into());
        } else {
            self.previous = None;
        }
    }

    /// Its key: context and English.
    pub fn key(&self) -> (Option<String>, String) {
        (self.ctxt.clone(), self.id.clone())
    }
}

/// A PO file: its header (the msgstr of the empty msgid) and its messages.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PoFile {
    /// The header's text (`Content-Type: ...\n` lines).
    pub header: String,
    /// Comments above the header.
    pub header_comments: Vec<String>,
    /// The messages, in file order.
    pub entries: Vec<Entry>,
}

/// A problem reading a PO file, at a line and column (1-based).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PoError {
    /// Line.
    pub line: usize,
    /// Column.
    pub column: usize,
    /// What is wrong.
    pub message: String,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Field {
    Ctxt,
    Id,
    Str,
    PrevCtxt,
    PrevId,
}

/// Reads a PO file.
pub fn parse(text: &str) -> Result<PoFile, PoError> {
    let mut reader = Reader::default();
    for (n, raw) in text.lines().enumerate() {
        let line_no = n + 1;
        let mut line = raw.trim_end_matches('\r');
        if n == 0 {
            line = line.trim_start_matches('\u{feff}');
        }
        let trimmed = line.trim_start();
        if trimmed.is_empty() {
            continue;
        }
        let mut obsolete = false;
        let mut previous = false;
        let mut body = trimmed;
        if let Some(rest) = body.strip_prefix("#~") {
            obsolete = true;
            body = rest.trim_start();
            if let Some(rest) = body.strip_prefix('|') {
                previous = true;
                body = rest.trim_start();
            }
        } else if let Some(rest) = body.strip_prefix("#|") {
            previous = true;
            body = rest.trim_start();
        } else if let Some(rest) = body.strip_prefix('#') {
            reader.comment(line_no, rest)?;
            continue;
        }
        if body.is_empty() {
            continue;
        }
        let column = line.len() - body.len() + 1;
        if body.starts_with('"') {
            reader.string(line_no, column, body)?;
            continue;
        }
        let (keyword, rest) = body.split_once(char::is_whitespace).unwrap_or((body, ""));
        let rest = rest.trim_start();
        let value_column = line.len() - rest.len() + 1;
        let value = || unquote(rest).map_err(|(c, m)| err(line_no, value_column + c, m));
        if previous {
            reader.previous(line_no, column, keyword, value)?;
        } else {
            reader.keyword(line_no, column, keyword, obsolete, value)?;
        }
    }
    if !reader.finish() {
        let line = text.lines().count().max(1);
        return Err(err(line, 1, "the last message has no msgstr".into()));
    }
    Ok(reader.file)
}

/// A problem at a line and column.
fn err(line: usize, column: usize, message: String) -> PoError {
    PoError { line, column, message }
}

/// The state of reading a PO file: the messages read, and the one being read.
#[derive(Default)]
struct Reader {
    /// The file so far.
    file: PoFile,
    /// The message being read.
    cur: Entry,
    /// `cur` has a msgctxt or msgid.
    started: bool,
    /// The field a line of only a string continues.
    field: Option<Field>,
    /// `cur` has its msgstr.
    have_str: bool,
    /// The previous context of a fuzzy message (`#| msgctxt`): read, not kept.
    prev_ctxt: String,
}

impl Reader {
    /// Ends the message being read, if there is one: the header goes to the
    /// file's header, any other message to its entries. False if it has no
    /// msgstr yet.
    fn finish(&mut self) -> bool {
        if !self.started {
            return true;
        }
        if !self.have_str {
            return false;
        }
        let e = std::mem::take(&mut self.cur);
        if e.id.is_empty() && e.ctxt.is_none() && !e.obsolete {
            self.file.header = e.text;
            self.file.header_comments = e.comments;
        } else {
            self.file.entries.push(e);
        }
        self.started = false;
        self.have_str = false;
        true
    }

    /// A comment line (`rest` is what follows its `#`): it begins a new
    /// message if the last one is complete, and is kept as an extracted
    /// comment (`#.`), references (`#:`), flags (`#,`) or a translator's comment.
    fn comment(&mut self, line_no: usize, rest: &str) -> Result<(), PoError> {
        if self.started && self.have_str {
            self.finish();
        } else if self.started {
            return Err(err(line_no, 1, "a comment inside a message, before its msgstr".into()));
        }
        self.field = None;
        let (kind, value) = match rest.chars().next() {
            Some(c @ ('.' | ':' | ',')) => (Some(c), rest[1..].trim()),
            _ => (None, rest.strip_prefix(' ').unwrap_or(rest)),
        };
        let cur = &mut self.cur;
        match kind {
            Some('.') => cur.extracted.push(value.to_string()),
            Some(':') => cur.references.extend(value.split_whitespace().map(str::to_string)),
            Some(',') => cur
                .flags
                .extend(value.split(',').map(|f| f.trim().to_string()).filter(|f| !f.is_empty())),
            _ => cur.comments.push(value.to_string()),
        }
        Ok(())
    }

    /// A line of only a quoted string: it continues the field last begun.
    fn string(&mut self, line_no: usize, column: usize, body: &str) -> Result<(), PoError> {
        let Some(f) = self.field else {
            return Err(err(line_no, column, "a string outside a msgid or msgstr".into()));
        };
        let s = unquote(body).map_err(|(c, m)| err(line_no, column + c, m))?;
        match f {
            Field::Ctxt => self.cur.ctxt.get_or_insert_with(String::new).push_str(&s),
            Field::Id => self.cur.id.push_str(&s),
            Field::Str => self.cur.text.push_str(&s),
            Field::PrevCtxt => self.prev_ctxt.push_str(&s),
            Field::PrevId => self.cur.previous.get_or_insert_with(String::new).push_str(&s),
        }
        Ok(())
    }

    /// A keyword line of a fuzzy message's previous English (`#| msgctxt`,
    /// `#| msgid`); `value` reads the string after the keyword.
    fn previous(
        &mut self,
        line_no: usize,
        column: usize,
        keyword: &str,
        value: impl Fn() -> Result<String, PoError>,
    ) -> Result<(), PoError> {
        match keyword {
            "msgctxt" => {
                self.prev_ctxt = value()?;
                self.field = Some(Field::PrevCtxt);
            }
            "msgid" => {
                self.cur.previous = Some(value()?);
                self.field = Some(Field::PrevId);
            }
            _ => {
                return Err(err(line_no, column, format!("`#| {keyword}` is not understood")));
            }
        }
        Ok(())
    }

    /// A keyword line (`msgctxt`, `msgid`, `msgstr`), of an obsolete message
    /// (`#~`) or not; `value` reads the string after the keyword. A msgctxt
    /// or msgid after a complete message begins the next one.
    fn keyword(
        &mut self,
        line_no: usize,
        column: usize,
        keyword: &str,
        obsolete: bool,
        value: impl Fn() -> Result<String, PoError>,
    ) -> Result<(), PoError> {
        if matches!(keyword, "msgctxt" | "msgid") && self.started && self.have_str {
            self.finish();
        }
        let at = |message: &str| err(line_no, column, message.into());
        match keyword {
            "msgctxt" => {
                if self.started {
                    return Err(at("msgctxt after msgid"));
                }
                self.cur.ctxt = Some(value()?);
                self.cur.obsolete = obsolete;
                self.started = true;
                self.field = Some(Field::Ctxt);
            }
            "msgid" => {
                if self.started && (!self.cur.id.is_empty() || self.field == Some(Field::Id)) {
                    return Err(at("a second msgid without a msgstr"));
                }
                self.cur.id = value()?;
                self.cur.obsolete = obsolete;
                self.cur.line = line_no;
                self.started = true;
                self.field = Some(Field::Id);
            }
            "msgstr" => {
                if !self.started || self.field == Some(Field::Ctxt) {
                    return Err(at("msgstr without a msgid"));
                }
                if self.have_str {
                    return Err(at("a second msgstr for one msgid"));
                }
                self.cur.text = value()?;
                self.have_str = true;
                self.field = Some(Field::Str);
            }
            "msgid_plural" => {
                return Err(at("plural forms (msgid_plural) are not used by consentgen"));
            }
            k if k.starts_with("msgstr[") => {
                return Err(at("plural forms (msgstr[n]) are not used by consentgen"));
            }
            other => {
                return Err(err(
                    line_no,
                    column,
                    format!("`{other}` is not a PO keyword (msgctxt, msgid, msgstr)"),
                ));
            }
        }
        Ok(())
    }
}

/// The text of one C-escaped quoted string; the error's column is relative.
fn unquote(s: &str) -> Result<String, (usize, String)> {
    let s = s.trim_end();
    let Some(inner) = s.strip_prefix('"') else {
        return Err((0, "expected a quoted string".into()));
    };
    let mut out = String::new();
    let mut chars = inner.char_indices();
    while let Some((i, c)) = chars.next() {
        match c {
            '"' => {
                if !inner[i + 1..].trim().is_empty() {
                    return Err((i + 2, "text after the closing quote".into()));
                }
                return Ok(out);
            }
            '\\' => match chars.next() {
                Some((_, 'n')) => out.push('\n'),
                Some((_, 't')) => out.push('\t'),
                Some((_, 'r')) => out.push('\r'),
                Some((_, '"')) => out.push('"'),
                Some((_, '\\')) => out.push('\\'),
                Some((j, other)) => {
                    return Err((j, format!("`\\{other}` is not an escape PO files use")));
                }
                None => return Err((i + 1, "a backslash at the end of the line".into())),
            },
            c => out.push(c),
        }
    }
    Err((s.len(), "the string has no closing quote".into()))
}

fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// `keyword "text"`, or for text of several lines `keyword ""` and one
/// quoted line per line (as gettext tools write it), each line prefixed.
fn write_string(out: &mut String, prefix: &str, keyword: &str, text: &str) {
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    if lines.len() <= 1 {
        let _ = writeln!(out, "{prefix}{keyword} {}", quote(text));
        return;
    }
    let _ = writeln!(out, "{prefix}{keyword} \"\"");
    for l in lines {
        let _ = writeln!(out, "{prefix}{}", quote(l));
    }
}

impl PoFile {
    /// The file as text: header, then each message, then obsolete ones.
    pub fn write(&self) -> String {
        let mut out = String::new();
        for c in &self.header_comments {
            let _ = writeln!(out, "# {c}");
        }
        write_string(&mut out, "", "msgid", "");
        write_string(&mut out, "", "msgstr", &self.header);
        let live = self.entries.iter().filter(|e| !e.obsolete);
        let dead = self.entries.iter().filter(|e| e.obsolete);
        for e in live.chain(dead) {
            out.push('\n');
            for c in &e.comments {
                let _ = writeln!(out, "# {c}");
            }
            for c in &e.extracted {
                let _ = writeln!(out, "#. {c}");
            }
            if !e.obsolete {
                for r in &e.references {
                    let _ = writeln!(out, "#: {r}");
                }
            }
            if !e.flags.is_empty() {
                let _ = writeln!(out, "#, {}", e.flags.join(", "));
            }
            let prefix = if e.obsolete { "#~ " } else { "" };
            if let Some(p) = &e.previous {
                write_string(&mut out, &format!("{prefix}#| "), "msgid", p);
            }
            if let Some(c) = &e.ctxt {
                write_string(&mut out, prefix, "msgctxt", c);
            }
            write_string(&mut out, prefix, "msgid", &e.id);
            write_string(&mut out, prefix, "msgstr", &e.text);
        }
        out
    }

    /// A header value (`Language`), if the header has it.
    pub fn header_value(&self, name: &str) -> Option<&str> {
        self.header.lines().find_map(|l| {
            let (k, v) = l.split_once(':')?;
            (k.trim() == name).then(|| v.trim())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = r#"# Spanish translation
msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\n"
"Language: es\n"

#. a paragraph
#: consent.md:12 consent.md:40
msgid "Hello, {{ name }}."
msgstr "Hola, {{ name }}."

#: consent.md:20
#, fuzzy
#| msgid "Old text"
msgctxt "ui"
msgid ""
"Two\n"
"lines"
msgstr "Dos\nlíneas"

#~ msgid "Gone"
#~ msgstr "Ido"
"#;

    #[test]
    fn reads_what_it_writes() {
        let po = parse(SAMPLE).unwrap();
        assert_eq!(po.header_value("Language"), Some("es"));
        assert_eq!(po.entries.len(), 3);
        let e = &po.entries[0];
        assert_eq!(
            (e.id.as_str(), e.text.as_str(), e.line),
            ("Hello, {{ name }}.", "Hola, {{ name }}.", 9)
        );
        assert_eq!(e.references, ["consent.md:12", "consent.md:40"]);
        let f = &po.entries[1];
        assert!(f.fuzzy());
        assert_eq!(f.previous.as_deref(), Some("Old text"));
        assert_eq!(f.ctxt.as_deref(), Some("ui"));
        assert_eq!(f.id, "Two\nlines");
        assert!(po.entries[2].obsolete);
        let again = parse(&po.write()).unwrap();
        assert_eq!(
            again.entries.iter().map(|e| e.key()).collect::<Vec<_>>(),
            po.entries.iter().map(|e| e.key()).collect::<Vec<_>>()
        );
        assert_eq!(again.write(), po.write());
    }

    #[test]
    fn bad_input_is_an_error_at_its_line_and_column() {
        let e = parse("msgid \"a\"\nmsgstr \"b\\q\"\n").unwrap_err();
        assert_eq!((e.line, e.column), (2, 10));
        assert!(e.message.contains("\\q"));
        let e = parse("msgid \"a\"\n").unwrap_err();
        assert!(e.message.contains("no msgstr"));
        let e = parse("msgid \"a\nmsgstr \"\"\n").unwrap_err();
        assert_eq!(e.line, 1);
        let e = parse("msgid \"a\"\nmsgid_plural \"as\"\n").unwrap_err();
        assert!(e.message.contains("plural"));
        let e = parse("hello\n").unwrap_err();
        assert_eq!(e.line, 1);
    }

    #[test]
    fn strings_round_trip_through_escapes() {
        for s in ["", "a\"b", "back\\slash", "tab\there", "line\nline\n", "ñ ü ¿?"] {
            let mut po = PoFile::default();
            po.entries.push(Entry { text: s.into(), ..Entry::new(None, s) });
            let again = parse(&po.write()).unwrap();
            if s.is_empty() {
                assert!(again.entries.is_empty() || again.entries[0].id.is_empty());
            } else {
                assert_eq!(again.entries[0].id, s);
                assert_eq!(again.entries[0].text, s);
            }
        }
    }
}
