//! Lint: what a document must be before a client signs it. Plain enough
//! ([`readability`]) and complete ([`required`]), as diagnostics: errors for
//! `check`, warnings for `build`.

pub mod readability;
pub mod required;
pub mod template;

use crate::diag::Diagnostic;

/// What the plain-language bar and the required elements say of a document
/// (`name`: `CA consent`), from its reading `score` and the `missing`
/// required elements.
pub fn lint(
    name: &str,
    score: &readability::Score,
    missing: &[required::Missing],
    bar: &crate::model::Readability,
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    if score.lang == crate::model::Lang::Es {
        lint_inflesz(name, score, bar.min_inflesz, &mut out);
        missing_elements(name, missing, &mut out);
        return out;
    }
    let max_grade = bar.max_grade;
    // Compared as printed, to one decimal: "4.5 is above 4.5" is no finding.
    let shown = |g: f64| format!("{g:.1}").parse::<f64>().unwrap_or(g);
    let (grade, max_grade) = (shown(score.grade()), shown(max_grade));
    if grade > max_grade {
        let hardest: Vec<String> = score
            .hardest()
            .into_iter()
            .take(3)
            .map(|s| format!("\"{}\" ({:.1})", s.title, s.counts.grade().unwrap_or(0.0)))
            .collect();
        out.push(
            Diagnostic::error(
                "reading-grade",
                format!("{name}: reading grade {grade:.1} is above {max_grade:.1}"),
            )
            .with_hint(format!("hardest sections: {}", hardest.join(", ")))
            .with_hint(
                "use shorter sentences and everyday words; `[readability] max_grade` sets the bar",
            ),
        );
    }
    missing_elements(name, missing, &mut out);
    out
}

fn missing_elements(name: &str, missing: &[required::Missing], out: &mut Vec<Diagnostic>) {
    for m in missing {
        out.push(
            Diagnostic::error("missing-element", format!("{name}: lacks {} (`{}`)", m.what, m.id))
                .with_hint("the template must contain it; see templates/requirements.toml"),
        );
    }
}

/// The Spanish bar: an INFLESZ score at or above `min`, compared as printed.
fn lint_inflesz(name: &str, score: &readability::Score, min: f64, out: &mut Vec<Diagnostic>) {
    let shown = |g: f64| format!("{g:.1}").parse::<f64>().unwrap_or(g);
    let (value, min) = (shown(score.inflesz()), shown(min));
    if value < min {
        let hardest: Vec<String> = score
            .hardest()
            .into_iter()
            .take(3)
            .map(|s| format!("\"{}\" ({:.1})", s.title, s.counts.inflesz().unwrap_or(0.0)))
            .collect();
        out.push(
            Diagnostic::error(
                "reading-score",
                format!("{name}: INFLESZ score {value:.1} is below {min:.1}"),
            )
            .with_hint(format!("hardest sections: {}", hardest.join(", ")))
            .with_hint("use shorter sentences and shorter, everyday words in the translation; `[readability] min_inflesz` sets the bar"),
        );
    }
}
