//! Lint: what a document must be before a client signs it. Plain enough
//! ([`readability`]) and complete ([`required`]).

pub mod readability;
pub mod required;
