//! The documents' text set aside while a build runs (issue 30). Each
//! document's rendered Markdown, HTML, Typst and plain text is needed after
//! its state is planned only to make its outputs (and, for `diff`, to compare
//! it): so once a state's documents are planned, their text goes into one
//! unlinked temporary file and is read back when an output is made. Memory
//! then holds a state's text at a time, not every state's. Where no
//! temporary file can be made or written, the text stays in memory.

use std::borrow::Cow;
use std::fs::File;
use std::io::{Read as _, Seek as _, SeekFrom, Write as _};
use std::sync::Mutex;

use crate::render::Rendered;

/// Which of a document's texts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Part {
    /// Its Markdown.
    Markdown,
    /// Its HTML body.
    Html,
    /// Its Typst body.
    Typst,
    /// Its plain text.
    Text,
}

/// Where a text is in the spool.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Span {
    at: u64,
    len: usize,
}

/// Where each of a document's texts is in the spool.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Spooled([Span; 4]);

/// One unlinked temporary file, appended to and read back.
#[derive(Debug, Default)]
pub struct Spool {
    /// The file and its length; `None`: texts stay in memory.
    file: Option<Mutex<(File, u64)>>,
}

impl Spool {
    /// A spool in the system's temporary folder (removed by the system when
    /// the process ends, whatever way it ends), or one that keeps nothing
    /// if there is none to write.
    pub fn new() -> Spool {
        Spool { file: tempfile::tempfile().ok().map(|f| Mutex::new((f, 0))) }
    }

    /// Sets aside the four texts of `r` (leaving its title), or leaves them
    /// where they are if the spool cannot take them.
    pub fn take(&self, r: &mut Rendered) -> Option<Spooled> {
        let file = self.file.as_ref()?;
        let mut guard = file.lock().unwrap_or_else(|e| e.into_inner());
        let (f, end) = &mut *guard;
        let start = *end;
        let mut spans = [Span { at: 0, len: 0 }; 4];
        let texts = [&r.markdown, &r.html, &r.typst, &r.text];
        let written = f.seek(SeekFrom::Start(start)).and_then(|_| {
            let mut at = start;
            for (span, text) in spans.iter_mut().zip(texts) {
                f.write_all(text.as_bytes())?;
                *span = Span { at, len: text.len() };
                at += text.len() as u64;
            }
            Ok(at)
        });
        let Ok(at) = written else { return None };
        *end = at;
        for text in [&mut r.markdown, &mut r.html, &mut r.typst, &mut r.text] {
            *text = String::new();
        }
        Some(Spooled(spans))
    }

    /// One text of a document: from the spool where it was set aside, or
    /// from `r` where it was not.
    pub fn get<'r>(
        &self,
        r: &'r Rendered,
        spooled: Option<Spooled>,
        part: Part,
    ) -> std::io::Result<Cow<'r, str>> {
        let Some(Spooled(spans)) = spooled else {
            return Ok(Cow::Borrowed(match part {
                Part::Markdown => &r.markdown,
                Part::Html => &r.html,
                Part::Typst => &r.typst,
                Part::Text => &r.text,
            }));
        };
        let span = spans[part as usize];
        let Some(file) = self.file.as_ref() else {
            return Err(std::io::Error::other("the spool has no file"));
        };
        let mut bytes = vec![0; span.len];
        {
            let mut guard = file.lock().unwrap_or_else(|e| e.into_inner());
            let f = &mut guard.0;
            f.seek(SeekFrom::Start(span.at))?;
            f.read_exact(&mut bytes)?;
        }
        String::from_utf8(bytes).map(Cow::Owned).map_err(std::io::Error::other)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rendered(n: usize) -> Rendered {
        Rendered {
            markdown: format!("# Doc {n}\n\nYou and **we**."),
            title: format!("Doc {n}"),
            html: format!("<h1>Doc {n}</h1>"),
            typst: format!("= Doc {n}"),
            text: format!("Doc {n} ñ"),
        }
    }

    #[test]
    fn texts_set_aside_come_back_as_they_were() {
        let spool = Spool::new();
        let mut docs: Vec<(Rendered, Option<Spooled>)> =
            (0..50).map(|n| (rendered(n), None)).collect();
        for (r, s) in &mut docs {
            *s = spool.take(r);
            assert!(s.is_some() && r.markdown.is_empty() && r.typst.is_empty());
            assert!(!r.title.is_empty(), "the title stays");
        }
        for (n, (r, s)) in docs.iter().enumerate().rev() {
            let want = rendered(n);
            assert_eq!(spool.get(r, *s, Part::Markdown).unwrap(), want.markdown);
            assert_eq!(spool.get(r, *s, Part::Html).unwrap(), want.html);
            assert_eq!(spool.get(r, *s, Part::Typst).unwrap(), want.typst);
            assert_eq!(spool.get(r, *s, Part::Text).unwrap(), want.text);
        }
    }

    #[test]
    fn without_a_file_the_text_stays_in_memory() {
        let spool = Spool::default();
        let mut r = rendered(1);
        assert_eq!(spool.take(&mut r), None);
        assert_eq!(spool.get(&r, None, Part::Html).unwrap(), "<h1>Doc 1</h1>");
    }
}
