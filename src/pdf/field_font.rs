//! The font of the form fields: Atkinson Hyperlegible Regular, the font the
//! documents are set in, embedded whole (a viewer may type any letter into a
//! field, so no subset will do) and shared by two font dictionaries:
//!
//! - `/CgR`, a simple TrueType font in WinAnsiEncoding: the fields' default
//!   appearance (`/DA`), the font a viewer sets typed text in. Every viewer
//!   handles simple fonts there.
//! - `/CgU`, a Type 0 font (Identity-H, with a ToUnicode map): the font
//!   `consentgen fill` draws values in, so that any name the font can set
//!   (Vietnamese, Hawaiian) shows, not only the Latin-1 ones.
//!
//! Both carry widths read from the font itself and map to Unicode, as PDF/UA
//! asks of every font used for rendering (ISO 14289-1, 7.21).

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::OnceLock;

use lopdf::{Dictionary, Document, Object, ObjectId, Stream, dictionary};

/// The font file.
pub fn font_data() -> &'static [u8] {
    super::FONT_DATA[0]
}

/// The PostScript name of the font.
const BASE_FONT: &[u8] = b"AtkinsonHyperlegible-Regular";

/// The resource name of the simple font, in `/DA` and `/DR`.
pub const SIMPLE: &str = "CgR";
/// The resource name of the Type 0 font, in `/DR` and filled appearances.
pub const UNICODE: &str = "CgU";

/// The font's metrics, in thousandths of an em.
pub struct Metrics {
    face: ttf_parser::Face<'static>,
    scale: f64,
}

impl Metrics {
    /// Parses the font.
    pub fn new() -> Metrics {
        let face = ttf_parser::Face::parse(font_data(), 0).expect("the bundled font parses");
        let scale = 1000.0 / f64::from(face.units_per_em());
        Metrics { face, scale }
    }

    fn em(&self, units: impl Into<f64>) -> i64 {
        (units.into() * self.scale).round() as i64
    }

    /// The glyph for a character, if the font has one.
    pub fn glyph(&self, c: char) -> Option<u16> {
        self.face.glyph_index(c).map(|g| g.0)
    }

    /// A glyph's advance, in thousandths of an em.
    pub fn advance(&self, glyph: u16) -> i64 {
        self.em(self.face.glyph_hor_advance(ttf_parser::GlyphId(glyph)).unwrap_or(0))
    }

    /// The ascender, in thousandths of an em.
    pub fn ascent(&self) -> i64 {
        self.em(self.face.ascender())
    }

    /// The descender (negative), in thousandths of an em.
    pub fn descent(&self) -> i64 {
        self.em(self.face.descender())
    }

    /// The height of capital letters, in thousandths of an em.
    pub fn cap_height(&self) -> i64 {
        self.em(self.face.capital_height().unwrap_or(self.face.ascender()))
    }

    fn descriptor(&self, file: ObjectId) -> Dictionary {
        let b = self.face.global_bounding_box();
        dictionary! {
            "Type" => "FontDescriptor",
            "FontName" => Object::Name(BASE_FONT.to_vec()),
            "Flags" => 32,
            "FontBBox" => vec![
                self.em(b.x_min).into(), self.em(b.y_min).into(),
                self.em(b.x_max).into(), self.em(b.y_max).into(),
            ],
            "ItalicAngle" => 0,
            "Ascent" => self.ascent(),
            "Descent" => self.descent(),
            "CapHeight" => self.cap_height(),
            "StemV" => 80,
            "FontFile2" => file,
        }
    }

    /// Every glyph of the font with the smallest character it stands for.
    fn unicode_of_glyphs(&self) -> BTreeMap<u16, char> {
        let mut map = BTreeMap::new();
        if let Some(cmap) = self.face.tables().cmap {
            for sub in cmap.subtables.into_iter().filter(|s| s.is_unicode()) {
                sub.codepoints(|cp| {
                    if let (Some(c), Some(g)) = (char::from_u32(cp), sub.glyph_index(cp)) {
                        let e = map.entry(g.0).or_insert(c);
                        if c < *e {
                            *e = c;
                        }
                    }
                });
            }
        }
        map
    }
}

impl Default for Metrics {
    fn default() -> Self {
        Metrics::new()
    }
}

/// The characters of WinAnsiEncoding from 0x80 to 0x9F (`None`: unused code).
const WIN_ANSI_80: [Option<char>; 32] = [
    Some('€'),
    None,
    Some('‚'),
    Some('ƒ'),
    Some('„'),
    Some('…'),
    Some('†'),
    Some('‡'),
    Some('ˆ'),
    Some('‰'),
    Some('Š'),
    Some('‹'),
    Some('Œ'),
    None,
    Some('Ž'),
    None,
    None,
    Some('‘'),
    Some('’'),
    Some('“'),
    Some('”'),
    Some('•'),
    Some('–'),
    Some('—'),
    Some('˜'),
    Some('™'),
    Some('š'),
    Some('›'),
    Some('œ'),
    None,
    Some('ž'),
    Some('Ÿ'),
];

/// The character a WinAnsiEncoding code stands for.
fn win_ansi(code: u8) -> Option<char> {
    match code {
        0x20..=0x7E | 0xA0..=0xFF => Some(char::from(code)),
        0x80..=0x9F => WIN_ANSI_80[usize::from(code - 0x80)],
        _ => None,
    }
}

/// Adds the font file and the simple font `/CgR`; returns the font file's
/// id and the font's.
pub fn add_simple(doc: &mut Document, m: &Metrics) -> (ObjectId, ObjectId) {
    // Compressed once per process: every PDF of a build embeds the same bytes.
    static FILE: OnceLock<Stream> = OnceLock::new();
    let file = FILE.get_or_init(|| {
        let mut file = Stream::new(
            dictionary! { "Length1" => font_data().len() as i64 },
            font_data().to_vec(),
        );
        let _ = file.compress();
        file
    });
    let file = doc.add_object(file.clone());
    let descriptor = doc.add_object(m.descriptor(file));
    let missing = m.advance(0);
    let widths: Vec<Object> = (32u8..=255)
        .map(|code| {
            win_ansi(code).and_then(|c| m.glyph(c)).map(|g| m.advance(g)).unwrap_or(missing).into()
        })
        .collect();
    let font = doc.add_object(dictionary! {
        "Type" => "Font",
        "Subtype" => "TrueType",
        "BaseFont" => Object::Name(BASE_FONT.to_vec()),
        "FirstChar" => 32,
        "LastChar" => 255,
        "Widths" => widths,
        "Encoding" => "WinAnsiEncoding",
        "FontDescriptor" => descriptor,
    });
    (file, font)
}

/// Adds the Type 0 font `/CgU` over the font file `file`; returns its id.
pub fn add_unicode(doc: &mut Document, m: &Metrics, file: ObjectId) -> ObjectId {
    let descriptor = doc.add_object(m.descriptor(file));
    let glyphs = m.face.number_of_glyphs();
    let widths: Vec<Object> = (0..glyphs).map(|g| m.advance(g).into()).collect();
    let cid_font = doc.add_object(dictionary! {
        "Type" => "Font",
        "Subtype" => "CIDFontType2",
        "BaseFont" => Object::Name(BASE_FONT.to_vec()),
        "CIDSystemInfo" => dictionary! {
            "Registry" => Object::string_literal("Adobe"),
            "Ordering" => Object::string_literal("Identity"),
            "Supplement" => 0,
        },
        "FontDescriptor" => descriptor,
        "DW" => m.advance(0),
        "W" => vec![Object::Integer(0), Object::Array(widths)],
        "CIDToGIDMap" => "Identity",
    });
    let mut cmap = Stream::new(Dictionary::new(), to_unicode(&m.unicode_of_glyphs()).into_bytes());
    let _ = cmap.compress();
    let cmap = doc.add_object(cmap);
    doc.add_object(dictionary! {
        "Type" => "Font",
        "Subtype" => "Type0",
        "BaseFont" => Object::Name(BASE_FONT.to_vec()),
        "Encoding" => "Identity-H",
        "DescendantFonts" => vec![Object::Reference(cid_font)],
        "ToUnicode" => cmap,
    })
}

/// A ToUnicode CMap from two-byte glyph ids.
fn to_unicode(map: &BTreeMap<u16, char>) -> String {
    let mut s = String::from(
        "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n\
         /CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n\
         /CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n\
         1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n",
    );
    let entries: Vec<(&u16, &char)> = map.iter().collect();
    for chunk in entries.chunks(100) {
        let _ = writeln!(s, "{} beginbfchar", chunk.len());
        for (g, c) in chunk {
            let mut units = [0u16; 2];
            let hex: String =
                c.encode_utf16(&mut units).iter().map(|u| format!("{u:04X}")).collect();
            let _ = writeln!(s, "<{g:04X}> <{hex}>");
        }
        s.push_str("endbfchar\n");
    }
    s.push_str("endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_font_sets_latin_names() {
        let m = Metrics::new();
        for c in "José Ánh Müller Ørsted Łukasz Øyvind Ñúñez".chars().filter(|c| *c != ' ')
        {
            assert!(m.glyph(c).is_some(), "{c}");
        }
        assert!(m.advance(m.glyph('M').unwrap()) > m.advance(m.glyph('i').unwrap()));
        assert_eq!(win_ansi(0x80), Some('€'));
        assert_eq!(win_ansi(0xE9), Some('é'));
        assert_eq!(win_ansi(0x81), None);
        // Not every Latin letter: `fill` refuses a value the font cannot set.
        assert!(m.glyph('ễ').is_none());
    }
}
