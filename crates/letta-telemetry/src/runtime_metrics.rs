//! Runtime metrics for tokio, under the reference's event-loop names so
//! existing dashboards keep working:
//!
//! - `event_loop_lag_ms`: a heartbeat watchdog task sleeps for a fixed
//!   interval and records how much later than asked it woke up — the time
//!   ready tasks wait for a worker.
//! - `asyncio_task_count`: live tasks (`RuntimeMetrics::num_alive_tasks`).
//! - `executor_backlog`: `queue = "global"` is tokio's global injection queue
//!   (`RuntimeMetrics::global_queue_depth`, tasks waiting for a worker);
//!   `queue = "blocking"` counts blocking jobs started through
//!   [`spawn_blocking`] that have not started running. tokio's own
//!   `blocking_queue_depth` needs `--cfg tokio_unstable`, so it is not used.
//!
//! ```no_run
//! # async fn demo() {
//! let _monitor = letta_telemetry::runtime_metrics::RuntimeMonitor::start();
//! let n = letta_telemetry::runtime_metrics::spawn_blocking(|| 40 + 2).await;
//! # }
//! ```

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{Duration, Instant};

use tokio::runtime::Handle;
use tokio::task::JoinHandle;

use crate::metrics::observed::{self, RuntimeSource};

/// Default interval of the heartbeat watchdog.
pub const DEFAULT_HEARTBEAT_INTERVAL: Duration = Duration::from_millis(250);

static BLOCKING_QUEUED: AtomicI64 = AtomicI64::new(0);

struct Observed {
    handle: Handle,
}

impl RuntimeSource for Observed {
    fn alive_tasks(&self) -> i64 {
        i64::try_from(self.handle.metrics().num_alive_tasks()).unwrap_or(i64::MAX)
    }

    fn backlog(&self) -> [(&'static str, i64); 2] {
        let global = i64::try_from(self.handle.metrics().global_queue_depth()).unwrap_or(i64::MAX);
        [
            ("global", global),
            ("blocking", BLOCKING_QUEUED.load(Ordering::Relaxed).max(0)),
        ]
    }
}

/// Observes the current tokio runtime until dropped: runs the heartbeat
/// watchdog and feeds the `asyncio_task_count` and `executor_backlog` gauges.
#[must_use = "runtime monitoring stops when the monitor is dropped"]
pub struct RuntimeMonitor {
    watchdog: Option<JoinHandle<()>>,
    _source: Option<Arc<dyn RuntimeSource>>,
}

impl std::fmt::Debug for RuntimeMonitor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RuntimeMonitor")
            .field("running", &self.watchdog.is_some())
            .finish()
    }
}

impl RuntimeMonitor {
    /// Starts monitoring the current runtime with the default heartbeat
    /// interval. Outside a tokio runtime this does nothing.
    pub fn start() -> Self {
        Self::start_with_interval(DEFAULT_HEARTBEAT_INTERVAL)
    }

    /// Starts monitoring the current runtime; the watchdog wakes every
    /// `interval` (at least 1 ms).
    pub fn start_with_interval(interval: Duration) -> Self {
        let Ok(handle) = Handle::try_current() else {
            return Self {
                watchdog: None,
                _source: None,
            };
        };
        let interval = interval.max(Duration::from_millis(1));
        let source: Arc<dyn RuntimeSource> = Arc::new(Observed {
            handle: handle.clone(),
        });
        observed::register_runtime(&source);
        let watchdog = handle.spawn(async move {
            loop {
                let asked = Instant::now();
                tokio::time::sleep(interval).await;
                let lag = asked.elapsed().saturating_sub(interval);
                crate::metrics::registry().record_event_loop_lag(lag.as_secs_f64() * 1000.0);
            }
        });
        Self {
            watchdog: Some(watchdog),
            _source: Some(source),
        }
    }
}

impl Drop for RuntimeMonitor {
    fn drop(&mut self) {
        if let Some(w) = self.watchdog.take() {
            w.abort();
        }
    }
}

/// Like [`tokio::task::spawn_blocking`], counting the job in
/// `executor_backlog{queue="blocking"}` until it starts running.
///
/// Must be called inside a tokio runtime (as `tokio::task::spawn_blocking`).
pub fn spawn_blocking<F, R>(f: F) -> JoinHandle<R>
where
    F: FnOnce() -> R + Send + 'static,
    R: Send + 'static,
{
    struct Queued(bool);
    impl Drop for Queued {
        // Leaves the backlog even if the job is never run (runtime shut down).
        fn drop(&mut self) {
            if self.0 {
                BLOCKING_QUEUED.fetch_sub(1, Ordering::Relaxed);
            }
        }
    }
    BLOCKING_QUEUED.fetch_add(1, Ordering::Relaxed);
    let mut queued = Queued(true);
    tokio::task::spawn_blocking(move || {
        queued.0 = false;
        BLOCKING_QUEUED.fetch_sub(1, Ordering::Relaxed);
        drop(queued);
        f()
    })
}

/// Blocking jobs started with [`spawn_blocking`] and not yet running.
pub fn blocking_backlog() -> i64 {
    BLOCKING_QUEUED.load(Ordering::Relaxed)
}
