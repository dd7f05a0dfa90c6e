//! Scheduler instruments: lag seen by the heartbeat watchdog, the executor's
//! backlog and live tasks. The watchdog records the lag; the two gauges are
//! read from the runtimes registered with `crate::runtime_metrics`.

use opentelemetry::KeyValue;
use opentelemetry::metrics::{Histogram, ObservableGauge};

use super::make::Make;
use crate::metrics::attributes as attr;
use crate::metrics::{buckets, observed};

/// The scheduler instruments.
pub(super) struct Scheduler {
    /// `event_loop_lag_ms` (histogram, `ms`): scheduler lag seen by a
    /// heartbeat watchdog.
    event_loop_lag_ms: Histogram<f64>,
    /// `executor_backlog` (observable gauge, `1`): backlog of the executor, by
    /// `queue` (`global`: tokio's injection queue; `blocking`: blocking jobs
    /// started through `crate::runtime_metrics::spawn_blocking` and not yet running).
    /// Held, never read: dropping it would unregister its callback.
    _executor_backlog: ObservableGauge<i64>,
    /// `asyncio_task_count` (observable gauge, `1`): live tasks on the runtime.
    /// Held, never read: dropping it would unregister its callback.
    _asyncio_task_count: ObservableGauge<i64>,
}

impl Scheduler {
    pub(super) fn new(make: &Make<'_>) -> Self {
        Scheduler {
            event_loop_lag_ms: make.hist(
                "event_loop_lag_ms",
                "ms",
                "Scheduler lag seen by a heartbeat watchdog (ms)",
                buckets::SHORT_LATENCY_MS,
            ),
            _executor_backlog: make
                .meter
                .i64_observable_gauge("executor_backlog")
                .with_unit("1")
                .with_description("Backlog of the executor")
                .with_callback(|obs| {
                    observed::for_each_runtime(|r| {
                        for (queue, depth) in r.backlog() {
                            obs.observe(depth, &[KeyValue::new(attr::QUEUE, queue)]);
                        }
                    });
                })
                .build(),
            _asyncio_task_count: make
                .meter
                .i64_observable_gauge("asyncio_task_count")
                .with_unit("1")
                .with_description("Live tasks on the runtime")
                .with_callback(|obs| {
                    observed::for_each_runtime(|r| obs.observe(r.alive_tasks(), &[]))
                })
                .build(),
        }
    }

    pub(super) fn record_event_loop_lag(&self, lag_ms: f64) {
        self.event_loop_lag_ms.record(lag_ms, &[]);
    }
}
