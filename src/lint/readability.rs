//! Readability: the Flesch-Kincaid grade level of a document and of each of
//! its sections, measured on the text a client reads.
//!
//! grade = 0.39 × (words ÷ sentences) + 11.8 × (syllables ÷ words) − 15.59
//!
//! - **Text**: paragraphs, list items, table cells and quotes of the rendered
//!   Markdown. Headings, citations (footnotes), code, and form lines (a
//!   signature line's blanks) are not prose and are left out.
//! - **Sentences** end at `.`, `!` or `?` (not after a known abbreviation such
//!   as "Dr." or inside "43.92"), and at the end of every paragraph, list item
//!   or table cell: a list item is read as a sentence.
//! - **Words** are runs of letters or digits; e-mail addresses, web addresses
//!   and phone numbers are not words a reader sounds out and are skipped.
//! - **Syllables** come from a table built from the CMU Pronouncing Dictionary
//!   (`data/syllables.txt`, 124,911 words; see `data/gen-syllables.py`), with a
//!   vowel-group heuristic for words it lacks; a hyphenated word counts the
//!   syllables of its parts, and a number one syllable per digit.
//!
//! Spanish documents are scored with the Szigriszt-Pazos index (INFLESZ
//! scale), the Spanish adaptation of Flesch's reading ease used for health
//! texts: 206.835 − 62.3 × (syllables ÷ words) − (words ÷ sentences);
//! 65 and above is "bastante fácil" (fairly easy). Spanish syllables are
//! counted by rule ([`syllables_es`]): Spanish spelling shows them.
//!
//! Only `+ − × ÷` are used, so scores are identical on every machine.

use pulldown_cmark::{Event, HeadingLevel, Tag, TagEnd};

use crate::model::Lang;

static SYLLABLE_TABLE: &str = include_str!("../../data/syllables.txt");

/// A word's count in the CMU table: a binary search of its lines, which are
/// sorted by their bytes (see `data/gen-syllables.py`). The table stays the
/// text compiled into the program: a hash map of its 125,000 words held
/// 6.5 MB for as long as a build ran.
fn table_count(word: &str) -> Option<u8> {
    let bytes = SYLLABLE_TABLE.as_bytes();
    // `lo` and `hi` are line starts (or the end): the lines between them may
    // hold the word.
    let (mut lo, mut hi) = (0, bytes.len());
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        let start = bytes[lo..mid].iter().rposition(|&b| b == b'\n').map_or(lo, |i| lo + i + 1);
        let end =
            bytes[start..].iter().position(|&b| b == b'\n').map_or(bytes.len(), |i| start + i);
        let (w, n) = SYLLABLE_TABLE[start..end].split_once(' ')?;
        match w.cmp(word) {
            std::cmp::Ordering::Equal => return n.parse().ok(),
            std::cmp::Ordering::Less => lo = end + 1,
            std::cmp::Ordering::Greater => hi = start,
        }
    }
    None
}

/// Counts behind a grade.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    /// Words.
    pub words: u32,
    /// Sentences.
    pub sentences: u32,
    /// Syllables.
    pub syllables: u32,
}

impl Counts {
    /// The Flesch-Kincaid grade level, or `None` for text without words.
    pub fn grade(self) -> Option<f64> {
        if self.words == 0 || self.sentences == 0 {
            return None;
        }
        let (w, s, y) =
            (f64::from(self.words), f64::from(self.sentences), f64::from(self.syllables));
        Some(0.39 * (w / s) + 11.8 * (y / w) - 15.59)
    }

    /// The Szigriszt-Pazos index (INFLESZ scale), or `None` for text without words.
    pub fn inflesz(self) -> Option<f64> {
        if self.words == 0 || self.sentences == 0 {
            return None;
        }
        let (w, s, y) =
            (f64::from(self.words), f64::from(self.sentences), f64::from(self.syllables));
        Some(206.835 - 62.3 * (y / w) - w / s)
    }

    fn add(&mut self, other: Counts) {
        self.words += other.words;
        self.sentences += other.sentences;
        self.syllables += other.syllables;
    }
}

/// The score of one section (the text under a level-1 or level-2 heading).
#[derive(Clone, Debug, PartialEq)]
pub struct Section {
    /// The heading's text ("" for text before the first heading).
    pub title: String,
    /// Its counts.
    pub counts: Counts,
}

/// The score of a document and its sections.
#[derive(Clone, Debug, PartialEq)]
pub struct Score {
    /// The language it was counted in.
    pub lang: Lang,
    /// The whole document.
    pub counts: Counts,
    /// Each section, in order.
    pub sections: Vec<Section>,
}

impl Score {
    /// The document's grade (0 for a document without words).
    pub fn grade(&self) -> f64 {
        self.counts.grade().unwrap_or(0.0)
    }

    /// The document's INFLESZ score (0 for a document without words).
    pub fn inflesz(&self) -> f64 {
        self.counts.inflesz().unwrap_or(0.0)
    }

    /// Sections ordered hardest first (ties keep document order): highest
    /// grade in English, lowest INFLESZ score in Spanish.
    pub fn hardest(&self) -> Vec<&Section> {
        let mut v: Vec<&Section> = self.sections.iter().filter(|s| s.counts.words > 0).collect();
        let hardness = |c: Counts| match self.lang {
            Lang::En => c.grade().unwrap_or(0.0),
            Lang::Es => -c.inflesz().unwrap_or(0.0),
        };
        v.sort_by(|a, b| {
            let (x, y) = (hardness(a.counts), hardness(b.counts));
            y.partial_cmp(&x).unwrap_or(std::cmp::Ordering::Equal)
        });
        v
    }
}

/// Scores a document in `lang` from its Markdown events.
pub fn score(events: &[Event<'_>], lang: Lang) -> Score {
    let mut sections = vec![Section { title: String::new(), counts: Counts::default() }];
    let mut block = String::new();
    let mut heading: Option<String> = None;
    let mut skip_depth = 0u32; // inside footnote definitions or code blocks
    for e in events {
        match e {
            Event::Start(Tag::FootnoteDefinition(_) | Tag::CodeBlock(_)) => skip_depth += 1,
            Event::End(TagEnd::FootnoteDefinition | TagEnd::CodeBlock) => {
                skip_depth = skip_depth.saturating_sub(1)
            }
            _ if skip_depth > 0 => {}
            Event::Start(Tag::Heading { .. }) => {
                flush(&mut block, &mut sections, lang);
                heading = Some(String::new());
            }
            Event::End(TagEnd::Heading(level)) => {
                let title = heading.take().unwrap_or_default();
                if matches!(level, HeadingLevel::H1 | HeadingLevel::H2) {
                    sections.push(Section {
                        title: title.trim().to_string(),
                        counts: Counts::default(),
                    });
                }
            }
            Event::Text(t) if heading.is_some() => heading.as_mut().unwrap().push_str(t),
            Event::Text(t) => block.push_str(t),
            Event::Code(_) => {}
            Event::SoftBreak | Event::HardBreak => block.push(' '),
            Event::Start(Tag::Paragraph | Tag::Item | Tag::TableCell)
            | Event::End(TagEnd::Paragraph | TagEnd::Item | TagEnd::TableCell) => {
                flush(&mut block, &mut sections, lang)
            }
            _ => {}
        }
    }
    flush(&mut block, &mut sections, lang);
    let mut counts = Counts::default();
    for s in &sections {
        counts.add(s.counts);
    }
    sections.retain(|s| s.counts.words > 0 || !s.title.is_empty());
    Score { lang, counts, sections }
}

fn flush(block: &mut String, sections: &mut [Section], lang: Lang) {
    let text = std::mem::take(block);
    if let Some(last) = sections.last_mut() {
        last.counts.add(count_block_in(&text, lang));
    }
}

/// Abbreviations whose period does not end a sentence.
const ABBREVIATIONS: [&str; 22] = [
    "dr", "mr", "mrs", "ms", "st", "no", "vs", "etc", "e.g", "i.e", "u.s", "a.m", "p.m", "jr",
    "sr", "inc", "co", "ave", "apt", "cal", "tex", "n.y",
];

/// Spanish abbreviations whose period does not end a sentence.
const ABBREVIATIONS_ES: [&str; 16] = [
    "dr", "dra", "sr", "sra", "srta", "núm", "no", "etc", "ej", "p. ej", "ee", "uu", "ud", "uds",
    "art", "pág",
];

/// Counts one block of English text (a paragraph, list item or table
/// cell): its end ends a sentence.
pub fn count_block(text: &str) -> Counts {
    count_block_in(text, Lang::En)
}

/// Counts one block of text in `lang`: its end ends a sentence.
pub fn count_block_in(text: &str, lang: Lang) -> Counts {
    // A form line ("Date: ________") is a blank to fill in, not prose.
    if text.contains("___") {
        return Counts::default();
    }
    let mut c = Counts::default();
    let mut in_sentence = false;
    for token in text.split_whitespace() {
        let core = token.trim_matches(|ch: char| !ch.is_alphanumeric());
        if core.is_empty() || is_not_a_word(token) {
            continue;
        }
        c.words += 1;
        c.syllables += match lang {
            Lang::En => syllables(core),
            Lang::Es => syllables_es(core),
        };
        in_sentence = true;
        let end = token.trim_end_matches(['"', '\'', ')', ']', '”', '’']);
        if end.ends_with(['.', '!', '?']) {
            let stem = end.trim_end_matches(['.', '!', '?']).to_lowercase();
            let initial = stem.chars().count() == 1 && end.ends_with('.');
            let abbreviation = match lang {
                Lang::En => ABBREVIATIONS.contains(&stem.as_str()),
                Lang::Es => ABBREVIATIONS_ES.contains(&stem.as_str()),
            };
            if !abbreviation && !initial {
                c.sentences += 1;
                in_sentence = false;
            }
        }
    }
    if in_sentence {
        c.sentences += 1;
    }
    c
}

fn is_not_a_word(token: &str) -> bool {
    token.contains('@')
        || token.contains("://")
        || token.starts_with("www.")
        // (555) 014-2200, 555-0100: phone numbers are read digit by digit, not scored.
        || (token.chars().filter(|c| c.is_ascii_digit()).count() >= 3
            && token.chars().all(|c| c.is_ascii_digit() || "()-.+".contains(c)))
}

/// Syllables in a word: the CMU table, else a heuristic; hyphenated words
/// count their parts.
pub fn syllables(word: &str) -> u32 {
    let parts: Vec<&str> = word.split(['-', '/', '–', '—']).filter(|p| !p.is_empty()).collect();
    if parts.len() > 1 {
        return parts.iter().map(|p| syllables(p)).sum();
    }
    let w = word.trim_matches(|c: char| !c.is_alphanumeric()).replace('’', "'").to_lowercase();
    if w.is_empty() {
        return 0;
    }
    if w.chars().all(|c| c.is_ascii_digit() || c == ',' || c == '.') {
        return w.chars().filter(|c| c.is_ascii_digit()).count().max(1) as u32;
    }
    if let Some(n) = table_count(&w) {
        return u32::from(n).max(1);
    }
    if let Some(stem) = w.strip_suffix("'s")
        && let Some(n) = table_count(stem)
    {
        return u32::from(n).max(1);
    }
    heuristic(&w)
}

/// Syllables in a Spanish word, by rule: one per vowel nucleus. Two strong
/// vowels (a, e, o, or an accented í, ú) side by side are two syllables (a
/// hiatus: "le-er", "dí-a"); any other pair or triple of vowels is one (a
/// diphthong or triphthong: "cui-da-do", "buey"). The u of "que", "qui",
/// "gue", "gui" is silent; "y" is a vowel alone or at the end of a word
/// ("hay", "muy"). A number counts its digits as Spanish says them.
pub fn syllables_es(word: &str) -> u32 {
    let parts: Vec<&str> = word.split(['-', '/', '–', '—']).filter(|p| !p.is_empty()).collect();
    if parts.len() > 1 {
        return parts.iter().map(|p| syllables_es(p)).sum();
    }
    let w: Vec<char> =
        word.trim_matches(|c: char| !c.is_alphanumeric()).to_lowercase().chars().collect();
    if w.is_empty() {
        return 0;
    }
    if w.iter().all(|c| c.is_ascii_digit() || *c == ',' || *c == '.') {
        // cero, uno, dos, tres, cuatro, cinco, seis, siete, ocho, nueve
        const DIGITS: [u32; 10] = [2, 2, 1, 1, 2, 2, 1, 2, 2, 2];
        let n: u32 = w.iter().filter_map(|c| c.to_digit(10)).map(|d| DIGITS[d as usize]).sum();
        return n.max(1);
    }
    #[derive(Clone, Copy, PartialEq)]
    enum V {
        Strong,
        Weak,
        None,
    }
    let class = |i: usize| -> V {
        let c = w[i];
        match c {
            'a' | 'e' | 'o' | 'á' | 'é' | 'ó' | 'í' | 'ú' | 'à' | 'è' | 'ò' => V::Strong,
            'i' | 'ü' | 'ï' => V::Weak,
            'u' => {
                // Silent in que, qui, gue, gui.
                let after_qg = i > 0 && matches!(w[i - 1], 'q' | 'g');
                let before_ei = w.get(i + 1).is_some_and(|n| matches!(n, 'e' | 'i' | 'é' | 'í'));
                if after_qg && before_ei { V::None } else { V::Weak }
            }
            'y' => {
                let alone = w.len() == 1;
                let last_after_vowel = i + 1 == w.len()
                    && i > 0
                    && matches!(w[i - 1], 'a' | 'e' | 'o' | 'u' | 'i' | 'á' | 'é' | 'ó');
                if alone || last_after_vowel { V::Weak } else { V::None }
            }
            _ => V::None,
        }
    };
    let mut count = 0u32;
    let mut prev = V::None;
    for i in 0..w.len() {
        let v = class(i);
        match (prev, v) {
            (_, V::None) => {}
            (V::None, _) => count += 1,
            (V::Strong, V::Strong) => count += 1,
            _ => {}
        }
        prev = v;
    }
    count.max(1)
}

/// Vowel groups, less a silent final -e and a silent -ed; at least one.
pub fn heuristic(word: &str) -> u32 {
    let letters: Vec<char> = word.chars().filter(|c| c.is_ascii_alphabetic()).collect();
    if letters.is_empty() {
        return 1;
    }
    let is_vowel = |i: usize| {
        let c = letters[i];
        "aeiou".contains(c) || (c == 'y' && i > 0)
    };
    let mut count = 0u32;
    let mut prev = false;
    for i in 0..letters.len() {
        let v = is_vowel(i);
        if v && !prev {
            count += 1;
        }
        prev = v;
    }
    let n = letters.len();
    let ends = |s: &str| word.ends_with(s);
    if count > 1 && ends("e") && !ends("le") && !ends("ee") && !ends("ye") {
        count -= 1;
    } else if count > 1 && ends("le") && n > 2 && is_vowel(n - 3) {
        count -= 1; // "-ale", "-ole": silent e
    }
    // A silent -ed ("hoped"), but not "-ted"/"-ded" ("waited") nor a
    // consonant + "-led" ("troubled"), which keep their syllable.
    let consonant_led = ends("led") && n > 3 && !is_vowel(n - 4);
    if count > 1 && ends("ed") && n > 2 && !"td".contains(letters[n - 3]) && !consonant_led {
        count -= 1;
    }
    count.max(1)
}

/// The INFLESZ scale's words for a score (Barrio-Cantalejo et al., 2008).
pub fn inflesz_band(score: f64) -> &'static str {
    match score {
        s if s < 40.0 => "muy difícil",
        s if s < 55.0 => "algo difícil",
        s if s < 65.0 => "normal",
        s if s < 80.0 => "bastante fácil",
        _ => "muy fácil",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::markdown;

    fn grade(md: &str) -> (Counts, f64) {
        let s = score(&markdown::events(md), Lang::En);
        (s.counts, s.grade())
    }

    #[test]
    fn the_table_search_finds_every_word_and_nothing_else() {
        let mut words = 0;
        for line in SYLLABLE_TABLE.lines() {
            let (w, n) = line.split_once(' ').unwrap();
            assert_eq!(table_count(w), Some(n.parse().unwrap()), "{w}");
            words += 1;
        }
        assert!(words > 100_000, "{words} words");
        for absent in ["", "'", "aa'", "zzzzzz", "counselling's", "consentgen", "Ábaco", "a b"] {
            assert_eq!(table_count(absent), None, "{absent}");
        }
    }

    #[test]
    fn matches_hand_computed_scores() {
        // 6 words, 1 sentence, 6 syllables: 0.39×6 + 11.8×1 − 15.59 = −1.45
        let (c, g) = grade("The cat sat on the mat.");
        assert_eq!(c, Counts { words: 6, sentences: 1, syllables: 6 });
        assert!((g - -1.45).abs() < 1e-9, "{g}");

        // we keep your rec·ords for sev·en years (9) / you may ask for a cop·y (7):
        // 13 words, 2 sentences, 16 syllables → 0.39×6.5 + 11.8×16/13 − 15.59 = 1.4683
        let (c, g) = grade("We keep your records for seven years. You may ask for a copy.");
        assert_eq!(c, Counts { words: 13, sentences: 2, syllables: 16 });
        assert!((g - 1.468_076_923).abs() < 1e-6, "{g}");

        // A legal sentence: 22 words, 1 sentence.
        // not·with·stand·ing(4) an·y(2) oth·er(2) pro·vi·sion(3) of(1) law(1) the(1)
        // psy·cho·ther·a·pist(5) shall(1) dis·close(2) con·fi·den·tial(4) com·mu·ni·ca·tions(5)
        // on·ly(2) up·on(2) the(1) ex·press(2) writ·ten(2) au·thor·i·za·tion(5) of(1) the(1)
        // pa·tient(2) con·cerned(2) = 51 syllables
        let legal = "Notwithstanding any other provision of law, the psychotherapist shall disclose confidential communications only upon the express written authorization of the patient concerned.";
        let (c, g) = grade(legal);
        assert_eq!(c, Counts { words: 22, sentences: 1, syllables: 51 });
        // 0.39×22 + 11.8×51/22 − 15.59 = 8.58 + 27.3545 − 15.59 = 20.3445
        assert!((g - 20.344_545_454).abs() < 1e-6, "{g}");
        assert!(g > 16.0);
    }

    #[test]
    fn list_items_end_sentences_and_headings_and_citations_are_left_out() {
        let md = "# A very long heading with many many words in it\n\nWe help you:\n\n- warn the person\n- tell the police\n\nSee the law.[^1]\n\n[^1]: Cal. Civ. Code § 43.92 (as amended by SB 1134, Stats. 2012)\n";
        let (c, _) = grade(md);
        assert_eq!(c.sentences, 4);
        assert_eq!(c.words, 3 + 3 + 3 + 3);
    }

    #[test]
    fn abbreviations_decimals_and_contacts() {
        let c = count_block(
            "Dr. Lee sees you at 3 p.m. on Main St. today. Call (555) 014-2200 or mail a@b.org now.",
        );
        assert_eq!(c.sentences, 2);
        assert_eq!(c.words, 11 + 4);
        assert_eq!(count_block("Client signature: ________ Date: ____"), Counts::default());
    }

    #[test]
    fn syllables_from_the_table_and_the_heuristic() {
        assert_eq!(syllables("information"), 4);
        assert_eq!(syllables("Therapy"), 3);
        assert_eq!(syllables("50-minute"), 2 + 2);
        assert_eq!(syllables("client's"), 2);
        assert_eq!(syllables("telehealth"), 3);
        // Not in the table: the heuristic.
        assert_eq!(heuristic("zorbled"), 2);
        assert_eq!(heuristic("flimake"), 2);
        assert_eq!(heuristic("grumbable"), 3);
    }

    #[test]
    fn spanish_syllables_by_rule() {
        for (w, n) in [
            ("terapia", 3),
            ("cuidado", 3),
            ("leer", 2),
            ("día", 2),
            ("que", 1),
            ("guerra", 2),
            ("pingüino", 3),
            ("hay", 1),
            ("y", 1),
            ("buey", 1),
            ("ahora", 3),
            ("información", 4),
            ("psicología", 5),
            ("988", 6),
            ("confidencialidad", 6),
            ("ciudad", 2),
            ("reí", 2),
        ] {
            assert_eq!(syllables_es(w), n, "{w}");
        }
        let c = count_block_in("Usted puede dejar la terapia. Le ayudamos.", Lang::Es);
        assert_eq!((c.words, c.sentences), (7, 2));
        let inflesz = c.inflesz().unwrap();
        assert!(inflesz > 65.0, "{inflesz}");
    }

    #[test]
    fn sections_split_at_headings() {
        let s = score(
            &markdown::events(
                "# T\n\nOne two.\n\n## Why?\n\nThree four five.\n\n### Sub\n\nSix.\n",
            ),
            Lang::En,
        );
        let titles: Vec<&str> = s.sections.iter().map(|s| s.title.as_str()).collect();
        assert_eq!(titles, ["T", "Why?"]);
        assert_eq!(s.sections[1].counts.words, 4);
    }
}
