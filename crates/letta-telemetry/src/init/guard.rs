//! The guard `init` returns: flushes and shuts every pipeline down within
//! one deadline.

use std::sync::Arc;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use crate::pipeline::Pipeline;

/// Keeps telemetry running; flushes and shuts it down, within the configured
/// deadline, when dropped or when [`TelemetryGuard::shutdown`] is called.
///
/// The deadline (`LETTA_TELEMETRY_SHUTDOWN_TIMEOUT_MS`) is one for all the
/// work: traces, metrics and Datadog are flushed and shut down at the same
/// time, each on a thread of its own, then the logs (which record what the
/// others said while stopping); exports in flight are cut before the
/// deadline, and the guard returns by then whatever the collector does. What
/// could not be sent is abandoned and counted ([`crate::traces::stats`]).
#[must_use = "telemetry stops when the guard is dropped"]
pub struct TelemetryGuard {
    pipelines: Vec<Arc<dyn Pipeline>>,
    shutdown_timeout: Duration,
    done: bool,
}

impl TelemetryGuard {
    /// A guard over `pipelines`, stopping them within `shutdown_timeout`.
    pub(crate) fn new(pipelines: Vec<Arc<dyn Pipeline>>, shutdown_timeout: Duration) -> Self {
        TelemetryGuard {
            pipelines,
            shutdown_timeout,
            done: false,
        }
    }
}

impl std::fmt::Debug for TelemetryGuard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let names: Vec<_> = self.pipelines.iter().map(|p| p.name()).collect();
        f.debug_struct("TelemetryGuard")
            .field("pipelines", &names)
            .finish()
    }
}

impl TelemetryGuard {
    /// Exports everything buffered so far; returns within the shutdown
    /// deadline.
    pub fn flush(&self) {
        let (work_by, return_by) = deadlines(self.shutdown_timeout);
        run_until(&self.pipelines, work_by, return_by, "flush", |p, d| {
            p.flush(d)
        });
    }

    /// Flushes and shuts every pipeline down; returns within the deadline.
    pub fn shutdown(mut self) {
        self.shutdown_inner();
    }

    fn shutdown_inner(&mut self) {
        if self.done {
            return;
        }
        self.done = true;
        crate::global::disable_tracing();
        let (work_by, return_by) = deadlines(self.shutdown_timeout);
        run_until(&self.pipelines, work_by, return_by, "stop", |p, d| {
            p.shutdown(d)
        });
    }
}

/// Time kept at the end of the shutdown budget to count what is abandoned:
/// a tenth of the budget, at most this.
const RESERVE: Duration = Duration::from_millis(200);

/// When the pipelines must stop exporting, and when the guard returns: the
/// deadline, less a reserve (a tenth of the budget, at most [`RESERVE`]) in
/// which what could not be sent is counted as lost.
fn deadlines(budget: Duration) -> (Instant, Instant) {
    let now = Instant::now();
    let reserve = (budget / 10).min(RESERVE);
    (now + budget - reserve, now + budget)
}

/// Runs `op(pipeline, work_by)` on every pipeline at once, each on a thread
/// of its own, then on those that stop last (the logs, which record what
/// the others said while stopping) with what is left until `return_by`;
/// returns when all are done or at `return_by`, whichever comes first. A
/// pipeline still working then is left to finish in the background.
fn run_until(
    pipelines: &[Arc<dyn Pipeline>],
    work_by: Instant,
    return_by: Instant,
    what: &str,
    op: fn(&dyn Pipeline, Instant),
) {
    let (last, first): (Vec<_>, Vec<_>) = pipelines.iter().cloned().partition(|p| p.stops_last());
    run_together(&first, work_by, work_by, what, op);
    run_together(&last, return_by, return_by, what, op);
}

/// Runs `op(pipeline, work_by)` on every pipeline at once, each on a thread
/// of its own; returns when all are done or at `return_by`.
fn run_together(
    pipelines: &[Arc<dyn Pipeline>],
    work_by: Instant,
    return_by: Instant,
    what: &str,
    op: fn(&dyn Pipeline, Instant),
) {
    let (done_tx, done_rx) = mpsc::channel::<()>();
    let mut started = 0;
    for p in pipelines {
        let pipeline = Arc::clone(p);
        let done = done_tx.clone();
        let spawned = std::thread::Builder::new()
            .name(format!("letta-telemetry-{what}-{}", p.name()))
            .spawn(move || {
                op(&*pipeline, work_by);
                let _ = done.send(());
            });
        match spawned {
            Ok(_) => started += 1,
            // No thread to be had: do it here, still by the deadline.
            Err(_) => op(&**p, work_by),
        }
    }
    drop(done_tx);
    let mut finished = pipelines.len() - started;
    while finished < pipelines.len() {
        let left = return_by.saturating_duration_since(Instant::now());
        match done_rx.recv_timeout(left + Duration::from_millis(5)) {
            Ok(()) => finished += 1,
            Err(_) => break,
        }
    }
}

impl Drop for TelemetryGuard {
    fn drop(&mut self) {
        self.shutdown_inner();
    }
}
