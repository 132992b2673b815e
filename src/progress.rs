//! Progress: a bar on standard error while a long build runs, for people at a
//! terminal. Nothing is drawn when standard error is not a terminal (CI logs,
//! tests, pipes), nor before a build has run for [`DELAY`], so short builds
//! print exactly what they always did.

use std::io::IsTerminal as _;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// How long a build runs before its bar appears.
pub const DELAY: Duration = Duration::from_millis(400);

/// A progress bar shared by the worker threads of one build.
pub struct Progress {
    bar: Option<ProgressBar>,
    start: Instant,
    shown: AtomicBool,
}

impl Progress {
    /// A bar for `total` steps of `what` (e.g. "documents"), hidden until
    /// [`DELAY`] has passed, and never drawn unless standard error is a terminal.
    pub fn new(total: usize, what: &str) -> Progress {
        let bar = std::io::stderr().is_terminal().then(|| {
            let bar =
                ProgressBar::with_draw_target(Some(total as u64), ProgressDrawTarget::hidden());
            let template = format!("{{bar:40}} {{pos}}/{{len}} {what} ({{elapsed}})");
            if let Ok(style) = ProgressStyle::with_template(&template) {
                bar.set_style(style);
            }
            bar
        });
        Progress { bar, start: Instant::now(), shown: AtomicBool::new(false) }
    }

    /// One step done.
    pub fn inc(&self) {
        let Some(bar) = &self.bar else { return };
        if self.start.elapsed() >= DELAY
            && self.shown.compare_exchange(false, true, Ordering::AcqRel, Ordering::Acquire).is_ok()
        {
            bar.set_draw_target(ProgressDrawTarget::stderr());
        }
        bar.inc(1);
    }

    /// Removes the bar, so that the summary line stands alone.
    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}
