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
//! - `/CgN`, a subset of Noto Sans Regular as a Type 0 font, added by
//!   `consentgen fill` only when a value has letters Atkinson lacks or
//!   builds from loose marks (Vietnamese, the Hawaiian ʻokina): the second
//!   font of the documents' own stack (see [`super::layout`]). A subset,
//!   as typed text never uses it: the whole font would add 160 KB.
//!
//! All carry widths read from the font itself and map to Unicode, as PDF/UA
//! asks of every font used for rendering (ISO 14289-1, 7.21).

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::OnceLock;

use lopdf::{Dictionary, Document, Object, ObjectId, Stream, dictionary};

/// The font file.
pub fn font_data() -> &'static [u8] {
    super::FONT_DATA[0]
}

/// The fallback font's file: Noto Sans Regular.
fn fallback_data() -> &'static [u8] {
    super::FONT_DATA[4]
}

/// The PostScript name of the fallback font.
const FALLBACK_FONT: &str = "NotoSans-Regular";

/// The resource name of the fallback font, in filled appearances.
pub const FALLBACK: &str = "CgN";

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
        Metrics::of(font_data())
    }

    /// Parses the fallback font, Noto Sans Regular.
    pub fn fallback() -> Metrics {
        Metrics::of(fallback_data())
    }

    fn of(data: &'static [u8]) -> Metrics {
        let face = ttf_parser::Face::parse(data, 0).expect("the bundled font parses");
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
        self.descriptor_named(file, BASE_FONT)
    }

    fn descriptor_named(&self, file: ObjectId, name: &[u8]) -> Dictionary {
        let b = self.face.global_bounding_box();
        dictionary! {
            "Type" => "FontDescriptor",
            "FontName" => Object::Name(name.to_vec()),
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

/// Adds `/CgN`, the fallback font with only `glyphs` (old glyph id and the
/// character it sets); returns the font's id and each old glyph id's new one.
pub fn add_fallback_subset(
    doc: &mut Document,
    m: &Metrics,
    glyphs: &BTreeMap<u16, char>,
) -> Result<(ObjectId, BTreeMap<u16, u16>), String> {
    let mut remapper = subsetter::GlyphRemapper::new();
    let new: BTreeMap<u16, u16> = glyphs.keys().map(|g| (*g, remapper.remap(*g))).collect();
    let data = subsetter::subset(fallback_data(), 0, &remapper)
        .map_err(|e| format!("subsetting Noto Sans: {e}"))?;
    // A subset's name starts with a tag of six capitals, here from its glyphs.
    let digest = crate::io::sha256_hex(format!("{new:?}").as_bytes());
    let tag: String = digest.bytes().take(6).map(|b| char::from(b'A' + b % 26)).collect();
    let name = format!("{tag}+{FALLBACK_FONT}");
    let mut file = Stream::new(dictionary! { "Length1" => data.len() as i64 }, data);
    let _ = file.compress();
    let file = doc.add_object(file);
    let descriptor = doc.add_object(m.descriptor_named(file, name.as_bytes()));
    let count = new.values().max().map_or(1, |g| g + 1);
    let mut widths = vec![Object::Integer(m.advance(0)); usize::from(count)];
    for (old, n) in &new {
        widths[usize::from(*n)] = m.advance(*old).into();
    }
    let cid_font = doc.add_object(dictionary! {
        "Type" => "Font",
        "Subtype" => "CIDFontType2",
        "BaseFont" => Object::Name(name.clone().into_bytes()),
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
    let unicode: BTreeMap<u16, char> = glyphs.iter().map(|(old, c)| (new[old], *c)).collect();
    let mut cmap = Stream::new(Dictionary::new(), to_unicode(&unicode).into_bytes());
    let _ = cmap.compress();
    let cmap = doc.add_object(cmap);
    let font = doc.add_object(dictionary! {
        "Type" => "Font",
        "Subtype" => "Type0",
        "BaseFont" => Object::Name(name.into_bytes()),
        "Encoding" => "Identity-H",
        "DescendantFonts" => vec![Object::Reference(cid_font)],
        "ToUnicode" => cmap,
    });
    Ok((font, new))
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
        // Not every Latin letter: Noto Sans sets the rest (see `layout`).
        assert!(m.glyph('ễ').is_none() && m.glyph('ʻ').is_none());
        let noto = Metrics::fallback();
        assert!(noto.glyph('ễ').is_some() && noto.glyph('ʻ').is_some());
    }

    #[test]
    fn the_fallback_subset_is_small_and_maps_to_unicode() {
        let noto = Metrics::fallback();
        let mut doc = Document::with_version("1.7");
        let glyphs: BTreeMap<u16, char> =
            "ễʻ".chars().map(|c| (noto.glyph(c).unwrap(), c)).collect();
        let (font, new) = add_fallback_subset(&mut doc, &noto, &glyphs).unwrap();
        assert_eq!(new.len(), 2);
        assert!(new.values().all(|g| *g > 0), "glyph 0 stays .notdef");
        let size: usize =
            doc.objects.values().filter_map(|o| o.as_stream().ok()).map(|s| s.content.len()).sum();
        assert!(size < 8 * 1024, "{size} bytes");
        let f = doc.get_dictionary(font).unwrap();
        assert!(f.get(b"BaseFont").unwrap().as_name().unwrap().ends_with(b"+NotoSans-Regular"));
    }
}
