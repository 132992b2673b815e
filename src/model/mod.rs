//! The model: plain data read from the input files, with the byte spans that
//! diagnostics point at. No I/O here.
//!
//! A [`Jurisdiction`] holds one table per topic, each a list of dated
//! versions; every version carries its citation, source and status beside its
//! value (see `jurisdictions/README.md`). A [`Practice`] describes the practice
//! that the documents are for.

mod document;
mod lang;
mod practice;
mod practice_text;
mod review;
mod rules;
mod terms;

pub use document::{DOCUMENTS, Doc, DocId, Need};
pub use lang::Lang;
pub use practice::*;
pub use practice_text::*;
pub use review::{Decision, Review, Reviews};
pub use rules::*;
pub use terms::*;
