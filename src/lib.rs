//! consentgen turns a practice description and per-state rule files into
//! plain-language informed-consent documents, as HTML and PDF.
//!
//! # Steps
//! 1. **load** ([`load`]): `practice.toml`, `jurisdictions/*.toml` and the
//!    templates become the [`model`], with a [`diag::Diagnostic`] for every
//!    problem (file, line, column, hint).
//! 2. **resolve** ([`resolve`]): for each state and the `--as-of` date, the
//!    rule version in effect for every topic.
//! 3. **render** ([`render`]): Tera renders each document's Markdown; one
//!    pulldown-cmark event list feeds the HTML writer and the Typst writer.
//! 4. **lint** ([`lint`]): each document's reading grade (Flesch-Kincaid)
//!    and its required elements.
//! 5. **pdf** ([`pdf`]): the embedded Typst compiler turns the Typst markup
//!    into a tagged PDF/UA-1 file, with fonts from inside the binary.
//! 6. **write** ([`write`]): every file is written under a temporary name and
//!    renamed into place; `manifest.json` records inputs, outputs and hashes,
//!    and says `"complete": true` only once every file it lists is in place,
//!    so a build killed at any moment leaves no manifest that lies.
//!
//! Between them, [`plan`] decides what a build writes and whether each
//! output is current (its key), [`produce`] makes the outputs that are not,
//! and [`manifest`] records what was made from what; [`outdir`] keeps every
//! write inside the output folder; [`budget`] bounds the time, pages and
//! memory each template may take. [`validate`] checks what
//! the types cannot (licences, rule warnings); [`report`] prints what
//! commands found, for people and as JSON Lines. `ARCHITECTURE.md` says
//! where each concern lives.

pub mod blocks;
pub mod budget;
pub mod bundle;
pub mod cli;
pub mod commands;
pub mod date;
pub mod diag;
pub mod explain;
pub mod forms;
pub mod i18n;
pub mod io;
pub mod lint;
pub mod load;
pub mod lock;
pub mod manifest;
pub mod model;
pub mod options;
pub mod outdir;
pub mod pdf;
pub mod plan;
pub mod produce;
pub mod progress;
pub mod project;
pub mod render;
pub mod report;
pub mod resolve;
pub mod rulediff;
pub mod validate;
pub mod write;

/// How a command ended: the process exit status.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// 0: done, nothing wrong.
    Ok,
    /// 1: the check found problems.
    Problems,
    /// 2: bad input or usage.
    BadInput,
}

impl Outcome {
    /// The exit status.
    pub fn code(self) -> u8 {
        match self {
            Outcome::Ok => 0,
            Outcome::Problems => 1,
            Outcome::BadInput => 2,
        }
    }
}
