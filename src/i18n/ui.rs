//! The words of the pages around a document (the web page's links and
//! footer, the PDF's footer and contents, the index, form labels): one
//! table here in English, translated in `templates/<lang>.po` with
//! `msgctxt "ui"`. Page templates read them as `ui.<key>`; `{state}`,
//! `{audience}` and `{document}` are filled in by the program.

use std::collections::BTreeMap;

use super::{Catalog, Found, Lang, Miss, Misses, Reason};

/// Every page string: key, English.
pub const STRINGS: &[(&str, &str)] = &[
    // The document's web page (page.html).
    ("skip_to_form", "Skip to the form"),
    ("forms_nav", "Forms"),
    ("all_forms", "All forms"),
    ("this_form_pdf", "This form as a PDF"),
    ("version", "Version"),
    ("effective", "Effective"),
    ("source", "Source"),
    ("page", "Page"),
    ("page_of", "of"),
    ("other_language", "This form in another language"),
    ("forms_other_language", "These forms in another language"),
    // The HTML writer.
    ("laws_we_cite", "Laws we cite"),
    ("see_law", "see law"),
    ("back_to_text", "Back to the text"),
    ("for_law", "for law"),
    // Form fields.
    ("signature", "Signature"),
    ("printed_name", "Printed name"),
    ("date", "Date"),
    // The PDF (pdf.typ).
    ("effective_lower", "effective"),
    ("contents", "Contents"),
    // Packets.
    ("packet_title", "Forms for {audience} in {state}"),
    ("audience_clients", "clients"),
    ("audience_adults", "adult clients"),
    ("audience_minors", "clients under 18 and their parents"),
    ("audience_couples", "couples"),
    ("keywords_document", "informed consent, {state}, {document}"),
    ("keywords_packet", "informed consent, intake packet, {state}"),
    // The index (index.html).
    ("index_title", "Client forms"),
    ("skip_to_forms", "Skip to the forms"),
    ("forms_version", "Forms version"),
    ("index_intro", "Each form can be read here as a web page, or printed from its PDF."),
    ("choose_state", "Choose your state"),
    ("state_forms", "Forms for clients in {state}"),
    ("pdf_to_print", "PDF to print"),
    ("pdf_of", "of"),
    ("one_pdf", "All of these forms in one PDF"),
    ("the_packet", "(the intake packet)"),
    ("the_packets", "The intake packets, each in one PDF:"),
    ("therapist_forms", "Forms that name your therapist"),
    ("choose_another", "Choose another state"),
    ("reading_level", "Reading level"),
    ("grade", "grade"),
    ("made_with", "Made with consentgen. The rules behind each form are listed in manifest.json."),
];

/// The key of the date format form labels show (`(mm/dd/yyyy)`), set by
/// the program for each language, not by translators (see
/// [`crate::forms::date_format_label`]).
pub const DATE_FORMAT: &str = "date_format";

/// The page strings of one language.
/// Shared, not copied: every document's page data holds its language's.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Ui(std::sync::Arc<BTreeMap<&'static str, String>>);

impl serde::Serialize for Ui {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.0.as_ref().serialize(s)
    }
}

impl Ui {
    /// The English strings.
    pub fn english() -> Ui {
        let mut strings: BTreeMap<&'static str, String> =
            STRINGS.iter().map(|(k, v)| (*k, v.to_string())).collect();
        strings.insert(DATE_FORMAT, crate::forms::date_format_label(Lang::En).to_string());
        Ui(std::sync::Arc::new(strings))
    }

    /// The strings of `lang` from `catalog`; one without a translation is
    /// the English behind a mark (see [`super::Misses`]).
    pub fn new(lang: Lang, catalog: &Catalog, misses: &Misses, po: &str) -> Ui {
        if lang == Lang::En {
            return Ui::english();
        }
        let mut out = BTreeMap::new();
        for (key, english) in STRINGS {
            let reason = match catalog.find(Some("ui"), english) {
                Found::Text(t) => {
                    out.insert(*key, t.to_string());
                    continue;
                }
                Found::Fuzzy => Reason::Fuzzy,
                Found::Missing => Reason::Missing,
            };
            let text = misses.marked(Miss {
                lang,
                what: format!("the page string `{key}`"),
                english: english.to_string(),
                reason,
                location: None,
                hint: format!("translate it in {po} (msgctxt \"ui\")"),
            });
            out.insert(*key, text);
        }
        // Not a translator's word: the order `fill` writes dates in.
        out.insert(DATE_FORMAT, crate::forms::date_format_label(lang).to_string());
        Ui(std::sync::Arc::new(out))
    }

    /// One string (the key itself if the table lacks it: a program error
    /// the tests catch).
    pub fn get<'a>(&'a self, key: &'a str) -> &'a str {
        self.0.get(key).map_or(key, String::as_str)
    }

    /// The labels of a signer's three lines: signature, printed name, date.
    pub fn signer_labels(&self) -> [String; 3] {
        ["signature", "printed_name", "date"].map(|k| self.get(k).to_string())
    }

    /// The words the writers add to form fields: a signer's three labels
    /// and the format of dates.
    pub fn form_words(&self) -> crate::forms::Words {
        crate::forms::Words {
            signer: self.signer_labels(),
            date_format: self.get(DATE_FORMAT).to_string(),
        }
    }

    /// Every string, joined (to find marks in them).
    pub fn all_text(&self) -> String {
        self.0.values().map(String::as_str).collect::<Vec<_>>().join("\n")
    }

    /// One string with `{name}` placeholders filled in.
    pub fn fill(&self, key: &str, values: &[(&str, &str)]) -> String {
        let mut s = self.get(key).to_string();
        for (name, value) in values {
            s = s.replace(&format!("{{{name}}}"), value);
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_unique_and_english_is_complete() {
        let mut keys: Vec<&str> = STRINGS.iter().map(|(k, _)| *k).collect();
        keys.sort_unstable();
        keys.dedup();
        assert_eq!(keys.len(), STRINGS.len());
        let ui = Ui::english();
        assert_eq!(
            ui.fill("packet_title", &[("audience", "couples"), ("state", "Ohio")]),
            "Forms for couples in Ohio"
        );
    }
}
