//! The Typst writer: Markdown events to Typst markup, with every piece of
//! text escaped so that it can only ever be text.
//!
//! Structure is written as function calls closed by `;` (`#strong[...];`),
//! never as Typst's own markup shorthands, so no text can change the meaning
//! of what follows it. Lists and tables are buffered and written as
//! `#list(...)`/`#table(...)` calls; footnotes are written where they are
//! referenced. The escape set was checked by parsing escaped random strings
//! with Typst's own parser (see `../shared/research/typst-tera-markdown.md`).
//!
//! Typst refuses markup nested deeper than its own limits (parser depth 256,
//! show-rule depth 64), and 16 block quotes already reach the show-rule
//! limit, so [`nesting`] measures how deep a document nests and the template
//! stage refuses documents deeper than [`MAX_NESTING`]. The writer itself is
//! iterative and never recurses more than [`MAX_FOOTNOTE_DEPTH`] footnotes
//! deep, whatever its input.

use std::collections::HashMap;

use pulldown_cmark::{Alignment, CodeBlockKind, Event, HeadingLevel, Tag, TagEnd};

use super::markdown::{self, matching_end};

/// The deepest nesting of elements (block quotes, lists and their items,
/// emphasis, links, footnotes, ...) a document may have: every document of
/// this depth compiles; Typst's own limits are a little beyond it.
pub const MAX_NESTING: usize = 15;

/// How many footnotes deep a footnote inside a footnote is written out; past
/// it, and for a footnote that refers to itself, the reference is shown as text.
pub const MAX_FOOTNOTE_DEPTH: usize = 4;

/// Writes the events of one document as Typst markup.
pub fn write(events: &[Event<'_>]) -> String {
    write_measured(events, crate::forms::Words::english()).0
}

/// [`write`], with the words of form fields (a signer's lines, the format
/// of dates) in the document's language.
pub fn write_in(events: &[Event<'_>], words: crate::forms::Words) -> String {
    write_measured(events, words).0
}

/// How deeply the Typst markup of these events nests (see [`MAX_NESTING`]),
/// footnotes counted where they are written out, at their references.
pub fn nesting(events: &[Event<'_>]) -> usize {
    write_measured(events, crate::forms::Words::english()).1
}

/// Writes the markup and returns it with its deepest nesting.
fn write_measured(events: &[Event<'_>], words: crate::forms::Words) -> (String, usize) {
    let mut footnotes = HashMap::new();
    let mut body = Vec::with_capacity(events.len());
    // Footnote definitions are lifted out and written at their references.
    let mut i = 0;
    while i < events.len() {
        if let Event::Start(Tag::FootnoteDefinition(label)) = &events[i] {
            let start = i + 1;
            i = matching_end(events, i).unwrap_or(events.len());
            // pulldown-cmark pairs labels without regard to case; so do we.
            footnotes.insert(label.to_lowercase(), &events[start..i]);
        } else {
            body.push(&events[i]);
        }
        i += 1;
    }
    let mut w = Writer {
        out: String::new(),
        footnotes,
        frames: Vec::new(),
        open: Vec::new(),
        depth: 0,
        max_depth: 0,
        last_heading: 0,
        namer: crate::forms::Namer::new(words),
    };
    w.run(&body);
    (w.out, w.max_depth)
}

enum Frame {
    /// Buffered list: ordered start number (None for bullets), items so far, current item.
    List {
        start: Option<u64>,
        items: Vec<String>,
        saved: String,
    },
    Item {
        saved: String,
    },
    Table {
        aligns: Vec<Alignment>,
        header: Vec<String>,
        cells: Vec<String>,
        in_head: bool,
        saved: String,
    },
    Cell {
        saved: String,
    },
    /// A code block: its text is gathered raw and written as one string literal.
    Code {
        saved: String,
    },
    /// A heading, buffered until its end shows whether it has any text.
    Heading {
        level: u8,
        has_text: bool,
        /// How many footnotes were being written out when it opened.
        footnotes: usize,
        saved: String,
    },
}

struct Writer<'a, 'e> {
    out: String,
    footnotes: HashMap<String, &'a [Event<'e>]>,
    frames: Vec<Frame>,
    /// Labels of the footnotes being written out, innermost last.
    open: Vec<&'a str>,
    /// Elements open now, and the most ever open at once.
    depth: usize,
    max_depth: usize,
    /// The level of the last heading written, 0 before the first.
    last_heading: u8,
    /// Names the form fields, as the HTML writer does.
    namer: crate::forms::Namer,
}

impl<'a, 'e> Writer<'a, 'e> {
    fn run(&mut self, events: &[&'a Event<'e>]) {
        let owned: Vec<Event<'e>> = events.iter().map(|e| (*e).clone()).collect();
        let mut i = 0;
        while i < events.len() {
            if let Some((block, end)) = markdown::form_block(&owned, i) {
                form_block_into(&self.namer.part(&block), &mut self.out);
                i = end + 1;
                continue;
            }
            // A paragraph that introduces a form block or a list ("We may:")
            // keeps to it across a page break, so a blank or a list never
            // lands away from its lead-in; not
            // when it holds a footnote, which Typst 0.15 can leave on the page
            // a sticky block moved away from.
            let introduces_form = matches!(events[i], Event::Start(Tag::Paragraph))
                && events[i..]
                    .iter()
                    .position(|e| matches!(e, Event::End(TagEnd::Paragraph)))
                    .is_some_and(|end| {
                        (markdown::form_block(&owned, i + end + 1).is_some()
                            || matches!(owned.get(i + end + 1), Some(Event::Start(Tag::List(_)))))
                            && !events[i..i + end]
                                .iter()
                                .any(|e| matches!(e, Event::FootnoteReference(_)))
                    });
            // A list right before a signature block (the statement the
            // signers agree to) keeps to it across a page break too.
            let list_end = matches!(events[i], Event::Start(Tag::List(_)))
                .then(|| matching_end(&owned, i))
                .flatten()
                .filter(|end| {
                    matches!(
                        markdown::form_block(&owned, end + 1),
                        Some((markdown::FormBlock::Signatures(_), _))
                    ) && !events[i..*end].iter().any(|e| matches!(e, Event::FootnoteReference(_)))
                });
            if let Some(end) = list_end {
                self.out.push_str("#block(sticky: true)[");
                while i <= end {
                    self.event(events[i]);
                    i += 1;
                }
                self.out.push_str("];\n\n");
                continue;
            }
            if introduces_form {
                self.out.push_str("#block(sticky: true)[");
                while !matches!(events[i], Event::End(TagEnd::Paragraph)) {
                    self.event(events[i]);
                    i += 1;
                }
                self.out.push_str("];\n\n");
                i += 1;
            } else {
                self.event(events[i]);
                i += 1;
            }
        }
    }

    fn event(&mut self, event: &'a Event<'e>) {
        match event {
            Event::Start(tag) => {
                self.depth += 1;
                self.max_depth = self.max_depth.max(self.depth);
                self.start(tag)
            }
            Event::End(tag) => {
                self.depth = self.depth.saturating_sub(1);
                self.end(*tag)
            }
            Event::Text(t) if matches!(self.frames.last(), Some(Frame::Code { .. })) => {
                self.out.push_str(t)
            }
            Event::Text(t) => {
                self.saw_text(t);
                // A web address is set by `url` (pdf.typ), which lets a line
                // break only after a slash, never inside a word.
                let mut at = 0;
                for range in markdown::web_addresses(t) {
                    escape_markup_into(&t[at..range.start], &mut self.out);
                    self.out.push_str("#url(");
                    string_lit_into(&t[range.clone()], &mut self.out);
                    self.out.push_str(");");
                    at = range.end;
                }
                escape_markup_into(&t[at..], &mut self.out)
            }
            Event::Code(t) => {
                self.saw_text(t);
                self.out.push_str("#raw(");
                string_lit_into(t, &mut self.out);
                self.out.push_str(");");
            }
            Event::SoftBreak => self.out.push(' '),
            Event::HardBreak => self.out.push_str("#linebreak();"),
            Event::Rule => self.out.push_str("\n#line(length: 100%);\n\n"),
            Event::TaskListMarker(done) => {
                self.out.push_str(if *done { "☒ " } else { "☐ " });
            }
            Event::FootnoteReference(label) => self.footnote(label),
            Event::Html(t)
            | Event::InlineHtml(t)
            | Event::InlineMath(t)
            | Event::DisplayMath(t) => escape_markup_into(t, &mut self.out),
        }
    }

    /// Notes visible text for the heading being written, if any (text of a
    /// footnote inside it is not the heading's).
    fn saw_text(&mut self, text: &str) {
        if text.trim().is_empty() {
            return;
        }
        let open = self.open.len();
        for frame in self.frames.iter_mut() {
            if let Frame::Heading { has_text, footnotes, .. } = frame
                && *footnotes == open
            {
                *has_text = true;
            }
        }
    }

    fn footnote(&mut self, label: &'a str) {
        let events = match self.footnotes.get(&label.to_lowercase()).copied() {
            // A footnote that refers to itself (directly or through others)
            // would be written out forever; a long chain would recurse deep.
            Some(events) if !self.open.contains(&label) && self.open.len() < MAX_FOOTNOTE_DEPTH => {
                events
            }
            _ => {
                escape_markup_into(&format!("[^{label}]"), &mut self.out);
                return;
            }
        };
        self.open.push(label);
        self.depth += 1;
        self.max_depth = self.max_depth.max(self.depth);
        // Written out at every reference: Typst labels would need a `<...>`
        // after the call, which swallows no `;` and so could print one.
        self.out.push_str("#footnote[");
        let saved = std::mem::take(&mut self.out);
        // A footnote holds one paragraph of text; paragraph breaks become spaces.
        for e in events {
            match e {
                Event::Start(Tag::Paragraph) => {}
                Event::End(TagEnd::Paragraph) => self.out.push(' '),
                other => self.event(other),
            }
        }
        let inner = std::mem::replace(&mut self.out, saved);
        self.out.push_str(inner.trim_end());
        self.out.push_str("];");
        self.depth -= 1;
        self.open.pop();
    }

    fn start(&mut self, tag: &Tag<'_>) {
        match tag {
            Tag::Paragraph => {}
            Tag::Heading { level, .. } => {
                let saved = std::mem::take(&mut self.out);
                self.frames.push(Frame::Heading {
                    level: heading_level(*level),
                    has_text: false,
                    footnotes: self.open.len(),
                    saved,
                });
            }
            Tag::BlockQuote(_) => self.out.push_str("#quote(block: true)["),
            Tag::CodeBlock(kind) => {
                self.out.push_str("#raw(block: true, ");
                if let CodeBlockKind::Fenced(lang) = kind
                    && !lang.is_empty()
                {
                    self.out.push_str("lang: ");
                    string_lit_into(lang, &mut self.out);
                    self.out.push_str(", ");
                }
                let saved = std::mem::take(&mut self.out);
                self.frames.push(Frame::Code { saved });
            }
            Tag::List(start) => {
                let saved = std::mem::take(&mut self.out);
                self.frames.push(Frame::List { start: *start, items: Vec::new(), saved });
            }
            Tag::Item => {
                let saved = std::mem::take(&mut self.out);
                self.frames.push(Frame::Item { saved });
            }
            Tag::Table(aligns) => {
                let saved = std::mem::take(&mut self.out);
                self.frames.push(Frame::Table {
                    aligns: aligns.clone(),
                    header: Vec::new(),
                    cells: Vec::new(),
                    in_head: false,
                    saved,
                });
            }
            Tag::TableHead => {
                if let Some(Frame::Table { in_head, .. }) = self.frames.last_mut() {
                    *in_head = true;
                }
            }
            Tag::TableRow => {}
            Tag::TableCell => {
                let saved = std::mem::take(&mut self.out);
                self.frames.push(Frame::Cell { saved });
            }
            Tag::Emphasis => self.out.push_str("#emph["),
            Tag::Strong => self.out.push_str("#strong["),
            Tag::Strikethrough => self.out.push_str("#strike["),
            Tag::Superscript => self.out.push_str("#super["),
            Tag::Subscript => self.out.push_str("#sub["),
            Tag::Link { dest_url, .. } => {
                if is_safe_url(dest_url) {
                    self.out.push_str("#link(");
                    string_lit_into(dest_url, &mut self.out);
                    self.out.push_str(")[");
                } else {
                    self.out.push_str("#[");
                }
            }
            // Images are not part of any document; their alt text stands in.
            Tag::Image { .. } => self.out.push_str("#["),
            Tag::FootnoteDefinition(_)
            | Tag::HtmlBlock
            | Tag::MetadataBlock(_)
            | Tag::DefinitionList
            | Tag::DefinitionListTitle
            | Tag::DefinitionListDefinition => {}
        }
    }

    fn end(&mut self, tag: TagEnd) {
        match tag {
            TagEnd::Paragraph => self.out.push_str("\n\n"),
            TagEnd::Heading(_) => self.end_heading(),
            TagEnd::BlockQuote(_) => self.out.push_str("];\n\n"),
            TagEnd::CodeBlock => {
                if let Some(Frame::Code { saved }) = self.frames.pop() {
                    let code = std::mem::replace(&mut self.out, saved);
                    string_lit_into(&code, &mut self.out);
                    self.out.push_str(");\n\n");
                }
            }
            TagEnd::Item => {
                if let Some(Frame::Item { saved }) = self.frames.pop() {
                    let item = std::mem::replace(&mut self.out, saved);
                    if let Some(Frame::List { items, .. }) = self.frames.last_mut() {
                        items.push(item.trim_end().to_string());
                    }
                }
            }
            TagEnd::List(_) => self.end_list(),
            TagEnd::TableCell => {
                if let Some(Frame::Cell { saved }) = self.frames.pop() {
                    let cell = std::mem::replace(&mut self.out, saved);
                    if let Some(Frame::Table { header, cells, in_head, .. }) =
                        self.frames.last_mut()
                    {
                        if *in_head { header.push(cell) } else { cells.push(cell) }
                    }
                }
            }
            TagEnd::TableHead => {
                if let Some(Frame::Table { in_head, .. }) = self.frames.last_mut() {
                    *in_head = false;
                }
            }
            TagEnd::TableRow => {}
            TagEnd::Table => self.end_table(),
            TagEnd::Emphasis
            | TagEnd::Strong
            | TagEnd::Strikethrough
            | TagEnd::Superscript
            | TagEnd::Subscript
            | TagEnd::Link
            | TagEnd::Image => self.out.push_str("];"),
            TagEnd::FootnoteDefinition
            | TagEnd::HtmlBlock
            | TagEnd::MetadataBlock(_)
            | TagEnd::DefinitionList
            | TagEnd::DefinitionListTitle
            | TagEnd::DefinitionListDefinition => {}
        }
    }

    /// The end of a heading: its text as a `#heading`, unless it has none.
    fn end_heading(&mut self) {
        if let Some(Frame::Heading { level, has_text, saved, .. }) = self.frames.pop() {
            let title = std::mem::replace(&mut self.out, saved);
            // PDF/UA-1 refuses a heading without text, a first heading
            // below level 1 and a skipped level (`#` then `###`); a
            // template may have any of them. An empty heading is left
            // out; a heading goes at most one level below the last.
            if has_text {
                let level = level.min(self.last_heading + 1);
                self.last_heading = level;
                self.out.push_str(&format!("#heading(level: {level})["));
                self.out.push_str(&title);
                self.out.push_str("];\n\n");
            }
        }
    }

    /// The end of a list: its items as an `#enum` or `#list`, kept on one
    /// page when it is short.
    fn end_list(&mut self) {
        if let Some(Frame::List { start, items, saved }) = self.frames.pop() {
            self.out = saved;
            // A short list stays on one page.
            let short = items.len() <= 4;
            if short {
                self.out.push_str("#block(breakable: false)[");
            }
            match start {
                Some(n) => self.out.push_str(&format!("#enum(start: {n}, ")),
                None => self.out.push_str("#list("),
            }
            for item in items {
                self.out.push('[');
                self.out.push_str(&item);
                self.out.push_str("], ");
            }
            self.out.push_str(if short { ")];\n\n" } else { ");\n\n" });
        }
    }

    /// The end of a table: a `#table` with its columns' alignment, its
    /// header cells in bold, then its cells.
    fn end_table(&mut self) {
        if let Some(Frame::Table { aligns, header, cells, saved, .. }) = self.frames.pop() {
            self.out = saved;
            let align: Vec<&str> = aligns
                .iter()
                .map(|a| match a {
                    Alignment::Center => "center",
                    Alignment::Right => "right",
                    Alignment::None | Alignment::Left => "left",
                })
                .collect();
            self.out.push_str(&format!(
                "#table(columns: {}, align: ({},), ",
                aligns.len().max(1),
                align.join(", ")
            ));
            if !header.is_empty() {
                self.out.push_str("table.header(");
                for h in header {
                    self.out.push_str(&format!("strong[{h}], "));
                }
                self.out.push_str("), ");
            }
            for c in cells {
                self.out.push_str(&format!("[{c}], "));
            }
            self.out.push_str(");\n\n");
        }
    }
}

/// A form block as a call of the page template's `signatures` or `fields`,
/// with every field's name, label, accessible name and kind as string
/// literals (data, never markup).
fn form_block_into(part: &crate::forms::Part, out: &mut String) {
    use crate::forms::{Field, Part};
    fn field(f: &Field, out: &mut String) {
        out.push_str("(name: ");
        string_lit_into(&f.name, out);
        out.push_str(", label: ");
        string_lit_into(&f.printed_label(), out);
        out.push_str(", description: ");
        string_lit_into(&f.description, out);
        out.push_str(", kind: ");
        string_lit_into(f.kind.as_str(), out);
        out.push_str(&format!(", required: {}, multiline: {}", f.required, f.multiline));
        out.push_str("), ");
    }
    match part {
        Part::Signers(signers) => {
            out.push_str("#signatures((");
            for s in signers {
                out.push_str("(role: ");
                string_lit_into(&s.role, out);
                out.push_str(", fields: (");
                s.fields.iter().for_each(|f| field(f, out));
                out.push_str(")), ");
            }
        }
        Part::Blanks(fields) => {
            out.push_str("#fields((");
            fields.iter().for_each(|f| field(f, out));
        }
    }
    out.push_str("));\n\n");
}

/// Marks where a packet's next document starts, so that its form fields'
/// names get its id in front (`consent.client.signature`).
pub fn form_document(id: &str) -> String {
    let mut out = String::from("#form-document(");
    string_lit_into(id, &mut out);
    out.push_str(");\n\n");
    out
}

fn heading_level(level: HeadingLevel) -> u8 {
    level as u8
}

fn is_safe_url(url: &str) -> bool {
    let lower = url.to_ascii_lowercase();
    ["https://", "http://", "mailto:", "tel:"].iter().any(|p| lower.starts_with(p))
}

mod escape;

pub use escape::{escape_markup, escape_markup_into, string_lit_into};

#[cfg(test)]
mod tests;
