//! Lint: what a document must be before a client signs it. Plain enough
//! ([`readability`]) and complete ([`required`]), as diagnostics: errors for
//! `check`, warnings for `build`.

pub mod readability;
pub mod required;

use crate::diag::Diagnostic;

/// What the plain-language bar and the required elements say of a document
/// (`name`: `CA consent`), from its reading `score` and the `missing`
/// required elements.
pub fn lint(
    name: &str,
    score: &readability::Score,
    missing: &[required::Missing],
    max_grade: f64,
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
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
    for m in missing {
        out.push(
            Diagnostic::error("missing-element", format!("{name}: lacks {} (`{}`)", m.what, m.id))
                .with_hint("the template must contain it; see templates/requirements.toml"),
        );
    }
    out
}
