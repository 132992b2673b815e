//! How `fill` sets a value in a field: every character in the first font of
//! the documents' own stack that has it (Atkinson Hyperlegible, then Noto
//! Sans for the letters Atkinson lacks or builds from loose marks, as
//! `pdf.typ` does), at the field's type size, on one line or, in a
//! multi-line field, in lines broken at spaces. A value that does not fit
//! the box at that size is refused; text is never made smaller, so what a
//! client wrote is never too small to read nor cut off on the printed page.
//!
//! The page template sizes the boxes with the same measures: lines of
//! [`LEADING`] times the type size, [`PADDING`] points inside each edge.

use super::field_font::Metrics;

/// Space between a box's edges and its text, in points.
pub const PADDING: f64 = 4.0;

/// The distance between the baselines of a multi-line field, in ems.
pub const LEADING: f64 = 1.25;

/// Which font of the stack sets a character.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Face {
    /// Atkinson Hyperlegible.
    Main,
    /// Noto Sans.
    Fallback,
}

/// The fonts of the stack, with their metrics.
pub struct Fonts {
    /// Atkinson Hyperlegible Regular.
    pub main: Metrics,
    /// Noto Sans Regular.
    pub fallback: Metrics,
}

impl Fonts {
    /// Parses both fonts.
    pub fn new() -> Fonts {
        Fonts { main: Metrics::new(), fallback: Metrics::fallback() }
    }

    fn metrics(&self, face: Face) -> &Metrics {
        match face {
            Face::Main => &self.main,
            Face::Fallback => &self.fallback,
        }
    }

    /// The font and glyph that set `c`, if a font of the stack has it.
    /// Vietnamese letters and combining marks come from Noto Sans, which
    /// draws them whole (Atkinson would stack loose marks), as in `pdf.typ`.
    pub fn glyph(&self, c: char) -> Option<(Face, u16)> {
        let noto_first = matches!(c, '\u{0300}'..='\u{036F}' | '\u{1E00}'..='\u{1EFF}');
        let main = self.main.glyph(c).map(|g| (Face::Main, g));
        let fallback = self.fallback.glyph(c).map(|g| (Face::Fallback, g));
        if noto_first { fallback.or(main) } else { main.or(fallback) }
    }

    /// A glyph's advance at `size` points.
    fn advance(&self, face: Face, glyph: u16, size: f64) -> f64 {
        self.metrics(face).advance(glyph) as f64 * size / 1000.0
    }

    /// The ascender of the main font, in ems.
    fn ascent(&self) -> f64 {
        self.main.ascent() as f64 / 1000.0
    }

    /// The descender of the main font (negative), in ems.
    fn descent(&self) -> f64 {
        self.main.descent() as f64 / 1000.0
    }

    /// About how many characters of ordinary text fit in `width` points.
    fn characters_in(&self, width: f64, size: f64) -> usize {
        let sample = "the quick brown fox jumps over a lazy dog, Date 0123456789";
        let glyphs: Vec<(Face, u16)> = sample.chars().filter_map(|c| self.glyph(c)).collect();
        let total: f64 = glyphs.iter().map(|(f, g)| self.advance(*f, *g, size)).sum();
        (width / (total / glyphs.len() as f64)).floor().max(0.0) as usize
    }
}

impl Default for Fonts {
    fn default() -> Fonts {
        Fonts::new()
    }
}

/// One glyph of a value: its font, its glyph id and the character it sets.
pub type Glyph = (Face, u16, char);

/// A value set in a box: its lines, each a list of glyphs, and where each
/// line's baseline is.
#[derive(Clone, Debug, PartialEq)]
pub struct Setting {
    /// The lines, top first.
    pub lines: Vec<Vec<Glyph>>,
    /// The type size.
    pub size: f64,
    /// Each line's baseline, from the box's bottom.
    pub baselines: Vec<f64>,
}

/// Why a value does not fit its box.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Misfit {
    /// A character no font of the stack has.
    Missing(char),
    /// The value needs more room than the box has at its type size.
    TooLong(String),
}

/// How many lines a box of this height holds at `size` points.
pub fn lines_in(height: f64, size: f64) -> usize {
    ((height - 2.0 * PADDING) / (size * LEADING) + 1e-6).floor().max(1.0) as usize
}

/// Sets `text` in a box of `width` by `height` points at `size` points:
/// one line, or (`multiline`) lines broken at spaces and at line breaks.
pub fn set(
    text: &str,
    width: f64,
    height: f64,
    size: f64,
    multiline: bool,
    fonts: &Fonts,
) -> Result<Setting, Misfit> {
    let glyph = |c: char| fonts.glyph(c).map(|(f, g)| (f, g, c)).ok_or(Misfit::Missing(c));
    let room = (width - 2.0 * PADDING).max(0.0);
    let wide = |gs: &[Glyph]| gs.iter().map(|(f, g, _)| fonts.advance(*f, *g, size)).sum::<f64>();
    let mut lines: Vec<Vec<Glyph>> = Vec::new();
    if !multiline {
        let line = text.chars().map(glyph).collect::<Result<Vec<_>, _>>()?;
        if wide(&line) > room + 1e-6 {
            return Err(Misfit::TooLong(format!(
                "does not fit on its line at {size} pt: the line holds about {} characters \
                 of ordinary text, and `fill` never makes text smaller",
                fonts.characters_in(room, size)
            )));
        }
        lines.push(line);
    } else {
        for paragraph in text.split('\n') {
            wrap(paragraph, room, &wide, &glyph, &mut lines)?;
        }
        let most = lines_in(height, size);
        if lines.len() > most {
            return Err(Misfit::TooLong(format!(
                "does not fit its box at {size} pt: the box holds {most} lines of about {} \
                 characters of ordinary text, and this answer needs {} lines; shorten it \
                 (`fill` never makes text smaller)",
                fonts.characters_in(room, size),
                lines.len()
            )));
        }
    }
    let (ascent, descent) = (fonts.ascent() * size, fonts.descent() * size);
    let baselines = if multiline {
        (0..lines.len()).map(|k| height - PADDING - k as f64 * size * LEADING - ascent).collect()
    } else {
        vec![((height - (ascent - descent)) / 2.0 - descent).max(1.0)]
    };
    Ok(Setting { lines, size, baselines })
}

/// Breaks one paragraph into lines of at most `room` points: at spaces,
/// and inside a word longer than a whole line.
fn wrap(
    paragraph: &str,
    room: f64,
    wide: &dyn Fn(&[Glyph]) -> f64,
    glyph: &dyn Fn(char) -> Result<Glyph, Misfit>,
    lines: &mut Vec<Vec<Glyph>>,
) -> Result<(), Misfit> {
    let mut line: Vec<Glyph> = Vec::new();
    for word in paragraph.split(' ') {
        let word = word.chars().map(glyph).collect::<Result<Vec<_>, _>>()?;
        let space = glyph(' ')?;
        let mut candidate = line.clone();
        if !candidate.is_empty() {
            candidate.push(space);
        }
        candidate.extend(word.iter().copied());
        if wide(&candidate) <= room + 1e-6 {
            line = candidate;
            continue;
        }
        if !line.is_empty() {
            lines.push(std::mem::take(&mut line));
        }
        // A word longer than a line (an address, a long number) breaks anywhere.
        for g in word {
            line.push(g);
            if wide(&line) > room + 1e-6 && line.len() > 1 {
                let last = line.pop().expect("more than one glyph");
                lines.push(std::mem::replace(&mut line, vec![last]));
            }
        }
    }
    lines.push(line);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_name_sets_in_the_stack() {
        let fonts = Fonts::new();
        for name in ["Nguyễn Thị Hằng", "Trần", "Keʻala Kūpaʻa", "Łukasz Núñez-O'Brien"]
        {
            let s = set(name, 300.0, 20.0, 14.0, false, &fonts).unwrap();
            assert_eq!(s.lines[0].iter().map(|g| g.2).collect::<String>(), name);
        }
        let viet = set("ễ", 100.0, 20.0, 14.0, false, &fonts).unwrap();
        assert_eq!(viet.lines[0][0].0, Face::Fallback, "Vietnamese letters come from Noto Sans");
        assert_eq!(set("é", 100.0, 20.0, 14.0, false, &fonts).unwrap().lines[0][0].0, Face::Main);
        assert_eq!(set("阮", 100.0, 20.0, 14.0, false, &fonts), Err(Misfit::Missing('阮')));
    }

    #[test]
    fn text_is_never_made_smaller() {
        let fonts = Fonts::new();
        let long = "word ".repeat(40);
        let e = set(&long, 200.0, 20.0, 14.0, false, &fonts).unwrap_err();
        assert!(matches!(e, Misfit::TooLong(m) if m.contains("14 pt")));
        // 300 characters of ordinary text fill a box sized as pdf.typ sizes it.
        let text = "The dates we met, my diagnosis and a summary of my care from January \
                    2024 to today. NOT substance use or HIV information. Please send only \
                    what my new doctor needs to continue my treatment, and nothing about my \
                    family or my work. Send it by fax, please, to the number above, today or \
                    tomorrow. Thank you for your help!";
        assert!(text.chars().count() >= 300, "{}", text.chars().count());
        let width = 468.0;
        let lines = (300.0 * 0.6 * 14.0 / (width - 2.0 * PADDING)).ceil() + 1.0;
        let height = lines * 14.0 * LEADING + 2.0 * PADDING;
        let s = set(text, width, height, 14.0, true, &fonts).unwrap();
        assert!(s.lines.len() <= lines as usize);
        let back: String = s
            .lines
            .iter()
            .map(|l| l.iter().map(|g| g.2).collect::<String>())
            .collect::<Vec<_>>()
            .join(" ");
        assert_eq!(back, text, "every word is kept, in order");
        assert!(s.baselines.iter().all(|b| *b > 14.0 * 0.29));
        let e = set(&text.repeat(7), width, height, 14.0, true, &fonts).unwrap_err();
        assert!(matches!(e, Misfit::TooLong(m) if m.contains("needs")));
    }

    #[test]
    fn long_words_and_line_breaks() {
        let fonts = Fonts::new();
        let s = set(&"x".repeat(60), 100.0, 200.0, 11.0, true, &fonts).unwrap();
        assert!(s.lines.len() > 1 && s.lines.iter().all(|l| !l.is_empty()));
        let s = set("a\nb", 100.0, 200.0, 11.0, true, &fonts).unwrap();
        assert_eq!(s.lines.len(), 2);
        assert_eq!(lines_in(8.0 + 7.0 * 17.5, 14.0), 7);
    }
}
