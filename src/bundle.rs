//! The inputs built into the binary: the jurisdiction files, the templates and
//! the example practice (generated list, see `build.rs`).

include!(concat!(env!("OUT_DIR"), "/bundle.rs"));

/// A hash of the program's source (see `build.rs`): two binaries with the
/// same id make the same bytes from the same inputs.
pub fn build_id() -> &'static str {
    env!("CONSENTGEN_SOURCE_ID")
}

/// What makes an output's bytes besides its inputs and the program's own
/// writing code: the fonts and the typesetting crates' versions (see
/// `build.rs`).
pub fn engine_id() -> &'static str {
    env!("CONSENTGEN_ENGINE_ID")
}

/// The bundled example practice.
pub const EXAMPLE_PRACTICE: &str = include_str!("../examples/practice.toml");

/// The commented starter practice `consentgen init` writes.
pub const STARTER_PRACTICE: &str = include_str!("../examples/starter.toml");

/// The bundled rules, as `consentgen --version` names them: how many
/// jurisdiction files, the latest `last_reviewed` date among them, and
/// their content hash: the SHA-256 of what `sha256sum jurisdictions/*.toml`
/// prints in the repository (one `<sha256>  jurisdictions/XX.toml` line per
/// file, by name), so a checkout can be matched with
/// `sha256sum jurisdictions/*.toml | sha256sum`.
pub struct RulesVersion {
    /// Jurisdiction files.
    pub files: usize,
    /// The latest `last_reviewed` date, as written (`YYYY-MM-DD`).
    pub last_reviewed: String,
    /// The content hash, lower-case hex.
    pub sha256: String,
}

/// The version of the bundled rules (see [`RulesVersion`]).
pub fn rules_version() -> RulesVersion {
    use std::fmt::Write as _;
    let mut listing = String::new();
    let mut last_reviewed = String::new();
    for (name, text) in JURISDICTIONS {
        let sha = crate::io::sha256_hex(text.as_bytes());
        let _ = writeln!(listing, "{sha}  jurisdictions/{name}");
        let reviewed = text
            .lines()
            .find_map(|l| l.strip_prefix("last_reviewed"))
            .and_then(|rest| rest.trim_start().strip_prefix('='))
            .map(|d| d.trim().chars().take(10).collect::<String>())
            .unwrap_or_default();
        last_reviewed = last_reviewed.max(reviewed);
    }
    RulesVersion {
        files: JURISDICTIONS.len(),
        last_reviewed,
        sha256: crate::io::sha256_hex(listing.as_bytes()),
    }
}
