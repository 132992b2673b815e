//! PDF: the Typst compiler embedded as a library.
//!
//! One [`Engine`] per build holds what every document shares: the standard
//! library, the fonts (shipped inside the binary; no system fonts are ever
//! read) and the fixed date. Each document gets a small [`World`] over it with
//! three virtual files: the page template `/main.typ`, the document's markup
//! `/body.typ` (from the Typst writer) and `/meta.json` (title, practice,
//! footer data), and the practice's logo when it has one. Strings in
//! `/meta.json` are data to Typst, never markup. No other file can be read,
//! so there is no disk or network access and no package download.

pub mod acroform;
mod bounds;
pub mod field_font;
pub mod fill;
mod flatten;
pub mod form;
pub mod layout;

use std::sync::OnceLock;

use typst::diag::{FileError, FileResult, SourceDiagnostic};
use typst::foundations::{Bytes, Datetime, Duration, Smart};
use typst::syntax::{DiagSpanKind, FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};
use typst_layout::PagedDocument;
use typst_pdf::{PdfOptions, PdfStandard, PdfStandards, Timestamp};

use crate::date::Date;

/// The fonts every PDF uses: Atkinson Hyperlegible (Braille Institute, OFL
/// 1.1) for the text, and Noto Sans (OFL 1.1; Latin, Greek and Cyrillic, see
/// `fonts/make-noto-sans.sh`) for the letters Atkinson lacks: Vietnamese,
/// the Hawaiian ʻokina, most of Latin Extended. `pdf.typ` names both, in
/// that order; Typst takes each character from the first that has it.
pub(crate) static FONT_DATA: [&[u8]; 8] = [
    include_bytes!("../fonts/AtkinsonHyperlegible-Regular.ttf"),
    include_bytes!("../fonts/AtkinsonHyperlegible-Bold.ttf"),
    include_bytes!("../fonts/AtkinsonHyperlegible-Italic.ttf"),
    include_bytes!("../fonts/AtkinsonHyperlegible-BoldItalic.ttf"),
    include_bytes!("../fonts/NotoSans-Regular.ttf"),
    include_bytes!("../fonts/NotoSans-Bold.ttf"),
    include_bytes!("../fonts/NotoSans-Italic.ttf"),
    include_bytes!("../fonts/NotoSans-BoldItalic.ttf"),
];

/// The page template every document is set in.
pub const MAIN_TEMPLATE: &str = include_str!("../templates/pdf.typ");

struct Fonts {
    book: LazyHash<FontBook>,
    fonts: Vec<Font>,
    /// Every character some font has a glyph for, sorted.
    covered: Vec<u32>,
}

/// Fonts are parsed once per process and shared by every document.
fn fonts() -> &'static Fonts {
    static FONTS: OnceLock<Fonts> = OnceLock::new();
    FONTS.get_or_init(|| {
        let fonts: Vec<Font> =
            FONT_DATA.iter().flat_map(|data| Font::iter(Bytes::new(*data))).collect();
        let mut covered: Vec<u32> = fonts.iter().flat_map(|f| f.info().coverage.iter()).collect();
        covered.sort_unstable();
        covered.dedup();
        Fonts { book: LazyHash::new(FontBook::from_fonts(&fonts)), fonts, covered }
    })
}

/// Whether a PDF can set `c`: a bundled font has a glyph for it, or Typst
/// needs none (white space and the invisible default-ignorable characters,
/// which Typst's font fallback skips too). A character no font has would
/// be set as an empty box, which PDF/UA-1 refuses.
pub fn can_set(c: char) -> bool {
    c.is_ascii_graphic()
        || c.is_whitespace()
        || typst::text::is_default_ignorable(c)
        || fonts().covered.binary_search(&(c as u32)).is_ok()
}

fn file_id(path: &str) -> FileId {
    let vpath = VirtualPath::new(path).expect("fixed virtual paths are valid");
    RootedPath::new(VirtualRoot::Project, vpath).intern()
}

/// What one build shares across all of its PDFs.
pub struct Engine {
    library: LazyHash<Library>,
    logo: Option<(FileId, Bytes)>,
    max_pages: usize,
    main: Source,
    main_id: FileId,
    body_id: FileId,
    meta_id: FileId,
}

impl Engine {
    /// Creates the engine around the page template (`pdf.typ`), with the
    /// practice's logo (its file name and bytes) when it has one.
    pub fn new(template: &str, logo: Option<(&str, &[u8])>) -> Engine {
        let main_id = file_id("/main.typ");
        Engine {
            library: LazyHash::new(Library::builder().build()),
            logo: logo
                .map(|(name, bytes)| (file_id(&format!("/{name}")), Bytes::new(bytes.to_vec()))),
            max_pages: usize::MAX,
            main: Source::new(main_id, template.to_string()),
            main_id,
            body_id: file_id("/body.typ"),
            meta_id: file_id("/meta.json"),
        }
    }

    /// Refuses documents of more than `pages` pages (see [`crate::budget`]).
    pub fn with_max_pages(mut self, pages: usize) -> Engine {
        self.max_pages = pages;
        self
    }

    /// Compiles one document to PDF/UA-1 bytes. `body` is Typst markup from
    /// the Typst writer; `meta` is the JSON the page template reads; `ident`
    /// identifies the document stably across rebuilds; `date` is the
    /// document's effective date, which is also Typst's "today" and the PDF's
    /// creation date (midnight UTC), so the bytes depend on nothing else.
    pub fn compile(
        &self,
        body: &str,
        meta: &serde_json::Value,
        ident: &str,
        date: Date,
    ) -> Result<Vec<u8>, PdfError> {
        let (document, world) = self.layout(body, meta, date)?;
        if let Some((page, text)) = bounds::off_page(&document) {
            let mut e = PdfError::plain(format!(
                "text runs off page {page}: \"{}\"",
                text.chars().take(60).collect::<String>()
            ));
            e.problems[0].hints.push(
                "the page template's margins leave too little room for this text: give the footer \
                 or the page more room (a state's smallest type size makes text larger)"
                    .into(),
            );
            return Err(e);
        }
        let midnight = Datetime::from_ymd_hms(date.year(), date.month(), date.day(), 0, 0, 0)
            .ok_or_else(|| PdfError::plain(format!("{date} is not a date Typst accepts")))?;
        let options = PdfOptions {
            ident: Smart::Custom(ident.to_string()),
            creator: Smart::Custom(Some(format!("consentgen {}", env!("CARGO_PKG_VERSION")))),
            timestamp: Some(Timestamp::new_utc(midnight)),
            page_ranges: None,
            standards: PdfStandards::new(&[PdfStandard::Ua_1])
                .map_err(|e| PdfError::plain(e.message().to_string()))?,
            tagged: true,
            pretty: false,
        };
        let pdf =
            typst_pdf::pdf(&document, &options).map_err(|errors| self.problems(&world, &errors))?;
        // The lines to fill in become form fields (src/pdf/acroform.rs).
        let placed = acroform::placed(&document).map_err(PdfError::plain)?;
        acroform::add(pdf, &placed).map_err(PdfError::plain)
    }

    /// Lays one document out in pages (see [`Engine::compile`]).
    fn layout<'a>(
        &'a self,
        body: &str,
        meta: &serde_json::Value,
        date: Date,
    ) -> Result<(PagedDocument, DocWorld<'a>), PdfError> {
        let today = Datetime::from_ymd(date.year(), date.month(), date.day())
            .ok_or_else(|| PdfError::plain(format!("{date} is not a date Typst accepts")))?;
        let world = DocWorld {
            engine: self,
            body: Source::new(self.body_id, body.to_string()),
            meta: Bytes::from_string(meta.to_string()),
            today,
        };
        let warned = typst::compile::<PagedDocument>(&world);
        // Typst's memoization cache keeps every document's layout for the
        // process's lifetime; documents share too little for it to pay (one
        // state's PDFs cost as much CPU each as all 51 states'), so it goes
        // after each one: peak memory of a 51-state build falls from about
        // 220 MB to 85 MB for the same CPU time.
        typst::comemo::evict(1);
        let document = warned.output.map_err(|errors| self.problems(&world, &errors))?;
        if document.pages().len() > self.max_pages {
            let mut e = PdfError::plain(format!("{} pages", document.pages().len()));
            e.pages = Some((document.pages().len(), self.max_pages));
            return Err(e);
        }
        Ok((document, world))
    }

    /// The pages of `body` under this engine's template, for tests.
    #[cfg(test)]
    pub(crate) fn layout_for_tests(&self, body: &str) -> Result<PagedDocument, PdfError> {
        let meta = serde_json::json!({
            "title": "t", "practice": "p", "lang": "en", "state": "CA", "state_name": "California",
            "version": "1", "effective": "January 1, 2026", "hash": "0", "keywords": "k",
            "ui": crate::i18n::ui::Ui::english(),
        });
        self.layout(body, &meta, Date::parse("2026-01-01").expect("a date")).map(|(d, _)| d)
    }

    /// Typst's errors with the place each points at: the page template (a
    /// byte range of `pdf.typ`), or the document's markup (the text there,
    /// which came from a template or a value), so no span is lost.
    fn problems(&self, world: &DocWorld<'_>, errors: &[SourceDiagnostic]) -> PdfError {
        let mut problems: Vec<PdfProblem> = Vec::new();
        for e in errors {
            let id = e.span.id();
            let (place, text) = if id == Some(self.main_id) {
                (Place::Template, &self.main)
            } else if id == Some(self.body_id) {
                (Place::Body, &world.body)
            } else {
                (Place::Unknown, &world.body)
            };
            let range = match e.span.get() {
                _ if place == Place::Unknown => None,
                DiagSpanKind::Number { num, sub_range, .. } => text.range(num, sub_range),
                DiagSpanKind::Range { range, .. } => Some(range),
                DiagSpanKind::Detached => None,
            };
            let excerpt = range
                .clone()
                .filter(|_| place == Place::Body)
                .and_then(|r| text.text().get(r))
                .map(|t| t.chars().take(80).collect());
            let problem = PdfProblem {
                place,
                range,
                excerpt,
                message: e.message.to_string(),
                hints: e.hints.iter().map(|h| h.v.to_string()).collect(),
            };
            if !problems.contains(&problem) {
                problems.push(problem);
            }
        }
        PdfError { problems, pages: None }
    }
}

/// Why a PDF could not be made: Typst's errors, each with its place.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PdfError {
    /// The errors, without repeats.
    pub problems: Vec<PdfProblem>,
    /// Set when the document was refused for its length: its pages and the
    /// most allowed.
    pub pages: Option<(usize, usize)>,
}

/// Which file a Typst error points into.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Place {
    /// The page template, `pdf.typ`.
    Template,
    /// The document's markup, made by the Typst writer.
    Body,
    /// Neither (e.g. the PDF export as a whole).
    Unknown,
}

/// One Typst error.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PdfProblem {
    /// The file it points into.
    pub place: Place,
    /// The byte range there, when Typst gave one.
    pub range: Option<std::ops::Range<usize>>,
    /// For an error in the document's markup, the text it points at.
    pub excerpt: Option<String>,
    /// Typst's message.
    pub message: String,
    /// Typst's hints.
    pub hints: Vec<String>,
}

impl PdfError {
    pub(crate) fn plain(message: String) -> PdfError {
        PdfError {
            problems: vec![PdfProblem {
                place: Place::Unknown,
                range: None,
                excerpt: None,
                message,
                hints: Vec::new(),
            }],
            pages: None,
        }
    }
}

impl std::fmt::Display for PdfError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let parts: Vec<String> = self.problems.iter().map(|p| p.message.clone()).collect();
        f.write_str(&parts.join("; "))
    }
}

struct DocWorld<'a> {
    engine: &'a Engine,
    body: Source,
    meta: Bytes,
    today: Datetime,
}

impl World for DocWorld<'_> {
    fn library(&self) -> &LazyHash<Library> {
        &self.engine.library
    }

    fn book(&self) -> &LazyHash<FontBook> {
        &fonts().book
    }

    fn main(&self) -> FileId {
        self.engine.main_id
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == self.engine.main_id {
            Ok(self.engine.main.clone())
        } else if id == self.engine.body_id {
            Ok(self.body.clone())
        } else {
            Err(FileError::NotFound(id.vpath().get_with_slash().into()))
        }
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        if id == self.engine.meta_id {
            Ok(self.meta.clone())
        } else if let Some((_, bytes)) = self.engine.logo.as_ref().filter(|(l, _)| *l == id) {
            Ok(bytes.clone())
        } else {
            self.source(id).map(|s| Bytes::from_string(s.text().to_string()))
        }
    }

    fn font(&self, index: usize) -> Option<Font> {
        fonts().fonts.get(index).cloned()
    }

    fn today(&self, _offset: Option<Duration>) -> Option<Datetime> {
        Some(self.today)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn compile(body: &str) -> Result<Vec<u8>, PdfError> {
        let engine = Engine::new(MAIN_TEMPLATE, None);
        let meta = serde_json::json!({
            "title": "t", "practice": "p", "lang": "en", "state": "CA", "state_name": "California",
            "version": "1", "effective": "January 1, 2026", "hash": "0", "keywords": "k",
            "ui": crate::i18n::ui::Ui::english(),
        });
        engine.compile(body, &meta, "test", Date::parse("2026-01-01").unwrap())
    }

    #[test]
    fn every_latin_script_name_sets() {
        let names = [
            "Nguyễn Thị Hằng",
            "Trần Văn Đức",
            "ʻOhana Kūpaʻa",
            "Łukasz Wąsowski-Żółć",
            "Şükrü Güneş, İlkay Ağaoğlu",
            "Ørjan Bjørnstad, Ævar Þórsson",
            "Dvořák Čeněk, Mišković Đurđa",
            "Ngũgĩ wa Thiongʼo",
            "Σοφία Παπαδοπούλου",
            "Дмитрий Ковальчук",
            "Nguye\u{302}\u{303}n", // decomposed: e, circumflex, tilde
        ];
        for name in names {
            assert!(
                name.chars().all(can_set),
                "{name}: {:?}",
                name.chars().filter(|c| !can_set(*c)).collect::<Vec<_>>()
            );
            let body = crate::render::typst::write(&crate::render::markdown::events(&format!(
                "# {name}\n\n*{name}* and **{name}**, _**{name}**_."
            )));
            assert!(compile(&body).is_ok(), "{name}: {:?}", compile(&body).err());
        }
        for c in ['阮', 'ن', 'א', 'क', '😀'] {
            assert!(!can_set(c), "{c}");
        }
    }

    #[test]
    fn a_mark_the_text_font_lacks_sets_in_code_too() {
        // Found by fuzzing (typst_compile): `W` with a combining overline in a
        // code span had no font, as raw text does not use the page's font list.
        for md in ["`W\u{305}q`", "W\u{305}q", "```\nW\u{305}q\n```"] {
            assert!(md.chars().all(can_set));
            let body = crate::render::typst::write(&crate::render::markdown::events(md));
            assert!(compile(&body).is_ok(), "{md:?}: {:?}", compile(&body).err());
        }
    }

    #[test]
    fn nested_lists_use_markers_the_font_has() {
        // Typst's third-level default marker `‣` is not in the font, and
        // PDF/UA refuses a missing glyph: a list three deep failed to compile.
        let body = "#list([a #list([b #list([c #list([d])])])]);";
        assert!(compile(body).is_ok(), "{:?}", compile(body).err());
    }

    #[test]
    fn a_template_starting_below_level_one_compiles() {
        // See `heading_levels_never_skip` in src/render/typst.rs.
        let events = crate::render::markdown::events("## Costs\n\nText.\n\n#### Fees\n\nMore.");
        let body = crate::render::typst::write(&events);
        assert!(compile(&body).is_ok(), "{:?}", compile(&body).err());
    }

    #[test]
    fn quotes_after_digits_compile() {
        // See `quotes_after_digits_are_not_primes` in src/render/typst.rs.
        let md = "He is 5'10\" tall.[^1]'s \"12\" and '7'\n\n[^1]: A note.";
        let body = crate::render::typst::write(&crate::render::markdown::events(md));
        assert!(compile(&body).is_ok(), "{:?}", compile(&body).err());
    }

    #[test]
    fn markup_at_the_nesting_limit_compiles() {
        let quotes = crate::render::typst::MAX_NESTING - 1;
        let md = format!("{}x", "> ".repeat(quotes));
        let events = crate::render::markdown::events(&md);
        assert_eq!(crate::render::typst::nesting(&events), crate::render::typst::MAX_NESTING);
        let body = crate::render::typst::write(&events);
        assert!(compile(&body).is_ok(), "{:?}", compile(&body).err());
    }
}
