//! Budgets: templates are programs (Tera and Typst both have loops), and a
//! program can run for ever or fill memory. Every Tera render and every
//! Typst compile runs under a budget:
//!
//! - **time**: 10 s each by default (`--budget-seconds`); a real document
//!   renders in milliseconds and compiles in tens of them;
//! - **pages**: 200 per PDF by default (`--budget-pages`); a packet of every
//!   document is about 20;
//! - **memory**: the process's resident memory may not pass 1 GiB while a
//!   template runs (a full bilingual build of every state peaks near 390 MB), so a
//!   runaway page template cannot take gigabytes before its time is up;
//! - **loop steps**: Tera's `range` makes at most 1,000,000 steps per
//!   document in all (Tera itself bounds one call to 100,000 but not a loop
//!   inside a loop); going past it is an error at the template's line.
//!
//! Neither engine can be interrupted, so [`Budget::run`] runs the work on a
//! thread of its own and stops waiting when the budget is spent. From then
//! on that budget is [`spent`](Budget::spent): no further work of that
//! build starts, and the build reports the error (exit 2). The abandoned
//! thread ends with the process, or, in a library that builds again, when
//! the engine returns; a normal run joins every thread it starts.
//!
//! A budget belongs to one build (issue 30): each [`Budget`] has its own
//! "spent" flag, so two builds in one process do not stop each other.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::time::{Duration, Instant};

/// Seconds one render or compile may take, by default.
pub const DEFAULT_SECONDS: u64 = 10;
/// Pages one PDF may have, by default.
pub const DEFAULT_PAGES: usize = 200;
/// Resident memory the process may reach while a template runs.
pub const MEMORY_BYTES: u64 = 1 << 30;
/// Loop steps Tera's `range` may make in one render, in all.
pub const MAX_RANGE_STEPS: usize = 1_000_000;

/// The limits of one build, and whether some of its work went over them.
/// Clones share the "spent" flag: they are the same build's budget.
#[derive(Clone, Debug)]
pub struct Budget {
    /// Seconds per render or compile.
    pub seconds: u64,
    /// Pages per PDF.
    pub pages: usize,
    spent: Arc<AtomicBool>,
}

impl Default for Budget {
    fn default() -> Budget {
        Budget::new(DEFAULT_SECONDS, DEFAULT_PAGES)
    }
}

impl PartialEq for Budget {
    fn eq(&self, other: &Budget) -> bool {
        self.seconds == other.seconds && self.pages == other.pages
    }
}

impl Budget {
    /// A fresh budget (at least one second and one page).
    pub fn new(seconds: u64, pages: usize) -> Budget {
        Budget { seconds: seconds.max(1), pages: pages.max(1), spent: Arc::default() }
    }

    /// The same limits, not spent: for another build.
    pub fn fresh(&self) -> Budget {
        Budget::new(self.seconds, self.pages)
    }

    /// Whether some work went over this budget: nothing more is started.
    pub fn spent(&self) -> bool {
        self.spent.load(Ordering::Relaxed)
    }
}

/// How work went over its budget.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Overrun {
    /// It ran longer than this many seconds.
    Time(u64),
    /// The process's memory passed this many bytes while it ran.
    Memory(u64),
    /// It was not started: other work had spent the budget.
    Stopped,
}

impl Budget {
    /// Runs `f` on a thread of its own (with a stack as large as Typst needs)
    /// and waits for it within the time budget, watching memory. On an overrun
    /// the thread is abandoned, still running, and the budget is spent. A
    /// panic in `f` is passed on.
    pub fn run<T: Send + 'static>(
        &self,
        f: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, Overrun> {
        if self.spent() {
            return Err(Overrun::Stopped);
        }
        let limit = Duration::from_secs(self.seconds);
        let (tx, rx) = mpsc::sync_channel(1);
        let worker = std::thread::Builder::new()
            .name("consentgen-template".into())
            .stack_size(16 << 20)
            .spawn(move || {
                let _ = tx.send(f());
            })
            .expect("a thread can be started");
        let started = Instant::now();
        loop {
            let left = limit.saturating_sub(started.elapsed());
            match rx.recv_timeout(left.min(Duration::from_millis(50))) {
                Ok(value) => {
                    let _ = worker.join();
                    return Ok(value);
                }
                Err(RecvTimeoutError::Disconnected) => match worker.join() {
                    Err(panic) => std::panic::resume_unwind(panic),
                    Ok(()) => unreachable!("the worker sends before it ends"),
                },
                Err(RecvTimeoutError::Timeout) => {
                    let overrun = if started.elapsed() >= limit {
                        Some(Overrun::Time(limit.as_secs()))
                    } else {
                        resident_bytes().filter(|b| *b > MEMORY_BYTES).map(Overrun::Memory)
                    };
                    if let Some(o) = overrun {
                        // Work running beside this one may notice the same memory:
                        // only the first to spend the budget reports it.
                        let first = self
                            .spent
                            .compare_exchange(false, true, Ordering::Relaxed, Ordering::Relaxed)
                            .is_ok();
                        return Err(if first { o } else { Overrun::Stopped });
                    }
                }
            }
        }
    }
}

/// The process's resident memory (Linux: `VmRSS` in `/proc/self/status`);
/// `None` where it cannot be read, and then only time is watched.
fn resident_bytes() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    let kb: u64 =
        line.trim_start_matches("VmRSS:").trim().trim_end_matches("kB").trim().parse().ok()?;
    Some(kb * 1024)
}

/// Describes an overrun for a message, with what the work was `doing`:
/// "did not finish rendering within 10 s".
pub fn describe(o: Overrun, doing: &str) -> String {
    match o {
        Overrun::Time(s) => format!("did not finish {doing} within {s} s"),
        Overrun::Memory(b) => format!(
            "took {} MiB of memory {doing}, over the budget of {} MiB",
            b >> 20,
            MEMORY_BYTES >> 20
        ),
        Overrun::Stopped => format!("was not started {doing}: other work went over its budget"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn work_within_the_budget_returns_its_value_and_panics_pass_on() {
        let b = Budget::default();
        assert_eq!(b.run(|| 6 * 7), Ok(42));
        let caught = std::panic::catch_unwind(|| b.run(|| panic!("boom")));
        assert!(caught.is_err());
        assert!(resident_bytes().is_none_or(|b| b > 0));
    }

    #[test]
    fn each_build_has_its_own_budget() {
        let first = Budget::new(1, 10);
        let over = first.run(|| std::thread::sleep(Duration::from_millis(1500)));
        assert_eq!(over, Err(Overrun::Time(1)));
        assert!(first.spent());
        assert_eq!(first.run(|| 1), Err(Overrun::Stopped), "a spent budget starts nothing");
        let second = first.fresh();
        assert!(!second.spent(), "another build starts with a fresh budget");
        assert_eq!(second.run(|| 2), Ok(2));
    }
}
