//! The few Spanish words the program itself writes: dates, professions and
//! lists. Professions are named by their field ("profesional de la
//! psicología"), as US Spanish-language health materials often do, so a
//! sentence needs no gender for a clinician it does not know; in the plural
//! the generic masculine ("psicólogos") already names everyone.

use crate::date::Date;
use crate::model::Profession;

/// The months, lower case, as Spanish dates write them.
pub const MONTHS: [&str; 12] = [
    "enero",
    "febrero",
    "marzo",
    "abril",
    "mayo",
    "junio",
    "julio",
    "agosto",
    "septiembre",
    "octubre",
    "noviembre",
    "diciembre",
];

/// A date the Spanish way: "1 de enero de 2026".
pub fn long_date(d: Date) -> String {
    format!("{} de {} de {}", d.day(), MONTHS[usize::from(d.month()) - 1], d.year())
}

/// A profession, singular, without an article.
pub fn profession(p: Profession) -> &'static str {
    match p {
        Profession::Psychologist => "profesional de la psicología",
        Profession::ProfessionalCounselor => "profesional de la consejería",
        Profession::ClinicalSocialWorker => "profesional del trabajo social clínico",
        Profession::MarriageFamilyTherapist => "terapeuta matrimonial y familiar",
        Profession::Psychiatrist => "psiquiatra",
    }
}

/// A profession, plural, without an article: the generic masculine plural,
/// which in Spanish names people of every gender, and reads far more easily
/// in a list ("psicólogos y psiquiatras") than the singular's field names.
pub fn professions(p: Profession) -> &'static str {
    match p {
        Profession::Psychologist => "psicólogos",
        Profession::ProfessionalCounselor => "consejeros profesionales",
        Profession::ClinicalSocialWorker => "trabajadores sociales clínicos",
        Profession::MarriageFamilyTherapist => "terapeutas matrimoniales y familiares",
        Profession::Psychiatrist => "psiquiatras",
    }
}

/// Joins phrases as Spanish does: "a", "a y b", "a, b y c"; "e" for "y"
/// before a word that starts with the sound /i/ ("i-", "hi-", but not "hie-"
/// nor "hia-").
pub fn join_list(items: &[&str]) -> String {
    match items {
        [] => String::new(),
        [one] => one.to_string(),
        [rest @ .., end] => {
            let lower = end.to_lowercase();
            let e = (lower.starts_with('i') || lower.starts_with('í') || lower.starts_with("hi"))
                && !lower.starts_with("hie")
                && !lower.starts_with("hia");
            format!("{} {} {end}", rest.join(", "), if e { "e" } else { "y" })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_and_lists() {
        assert_eq!(long_date(Date::parse("2026-01-01").unwrap()), "1 de enero de 2026");
        assert_eq!(long_date(Date::parse("2026-12-31").unwrap()), "31 de diciembre de 2026");
        assert_eq!(join_list(&["a", "b", "c"]), "a, b y c");
        assert_eq!(join_list(&["padres", "hijos"]), "padres e hijos");
        assert_eq!(join_list(&["agua", "hielo"]), "agua y hielo");
        assert_eq!(join_list(&["uno"]), "uno");
    }
}
