//! The inputs built into the binary: the jurisdiction files, the templates and
//! the example practice (generated list, see `build.rs`).

include!(concat!(env!("OUT_DIR"), "/bundle.rs"));

/// The bundled example practice.
pub const EXAMPLE_PRACTICE: &str = include_str!("../examples/practice.toml");

/// The commented starter practice `consentgen init` writes.
pub const STARTER_PRACTICE: &str = include_str!("../examples/starter.toml");
