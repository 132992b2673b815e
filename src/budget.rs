//! Budgets: templates are programs (Tera and Typst both have loops), and a
//! program can run for ever or fill memory. Every Tera render and every
//! Typst compile runs under a budget:
//!
//! - **time**: 10 s each by default (`--budget-seconds`); a real document
//!   renders in milliseconds and compiles in tens of them;
//! - **pages**: 200 per PDF by default (`--budget-pages`); a packet of every
//!   document is about 20;
//! - **memory**: the process's resident memory may not pass 1 GiB while a
//!   template runs (a full build of every state peaks near 150 MB), so a
//!   runaway page template cannot take gigabytes before its time is up;
//! - **loop steps**: Tera's `range` makes at most 1,000,000 steps per
//!   document in all (Tera itself bounds one call to 100,000 but not a loop
//!   inside a loop); going past it is an error at the template's line.
//!
//! Neither engine can be interrupted, so [`run`] runs the work on a thread
//! of its own and stops waiting when the budget is spent. From then on the
//! budget is [`spent`]: no further work starts, the command reports the
//! error and the process exits (exit 2), which ends the abandoned thread.

use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
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

/// The limits of one command.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Budget {
    /// Seconds per render or compile.
    pub seconds: u64,
    /// Pages per PDF.
    pub pages: usize,
}

impl Default for Budget {
    fn default() -> Budget {
        Budget { seconds: DEFAULT_SECONDS, pages: DEFAULT_PAGES }
    }
}

static SECONDS: AtomicU64 = AtomicU64::new(DEFAULT_SECONDS);
static PAGES: AtomicUsize = AtomicUsize::new(DEFAULT_PAGES);
static SPENT: AtomicBool = AtomicBool::new(false);

/// Sets the budget of this process (the command line's flags).
pub fn set(b: Budget) {
    SECONDS.store(b.seconds.max(1), Ordering::Relaxed);
    PAGES.store(b.pages.max(1), Ordering::Relaxed);
}

/// The budget in force.
pub fn current() -> Budget {
    Budget { seconds: SECONDS.load(Ordering::Relaxed), pages: PAGES.load(Ordering::Relaxed) }
}

/// Whether some work went over its budget: nothing more is started.
pub fn spent() -> bool {
    SPENT.load(Ordering::Relaxed)
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

/// Runs `f` on a thread of its own (with a stack as large as Typst needs)
/// and waits for it within the time budget, watching memory. On an overrun
/// the thread is abandoned, still running, and the budget is [`spent`]. A
/// panic in `f` is passed on.
pub fn run<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> Result<T, Overrun> {
    if spent() {
        return Err(Overrun::Stopped);
    }
    let limit = Duration::from_secs(current().seconds);
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
                    let first = SPENT
                        .compare_exchange(false, true, Ordering::Relaxed, Ordering::Relaxed)
                        .is_ok();
                    return Err(if first { o } else { Overrun::Stopped });
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
        assert_eq!(run(|| 6 * 7), Ok(42));
        let caught = std::panic::catch_unwind(|| run(|| panic!("boom")));
        assert!(caught.is_err());
        assert!(resident_bytes().is_none_or(|b| b > 0));
    }
}
