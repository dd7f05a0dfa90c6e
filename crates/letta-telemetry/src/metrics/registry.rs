//! The metric registry: every instrument of the reference server, created once
//! with its exact name, kind, unit and description, plus typed recording
//! methods that attach the attributes each instrument documents.
//!
//! Fields are public so that other modules (and applications) can record
//! with attributes of their own; the typed methods are the usual way in and
//! add the allow-listed request-context attributes.

use opentelemetry::KeyValue;
use opentelemetry::metrics::{Counter, Gauge, Histogram, Meter, ObservableGauge, UpDownCounter};

use super::attributes::{self as attr, with_context};
use super::buckets;
use super::observed;

/// Events of the pool-event counter `count_db_pool_connection_events`.
///
/// All ten reference events are listed so that dashboards keep their series;
/// sqlx produces `connect`, `first_connect`, `checkout`, `checkin`, `close`
/// and `invalidate` (a connection rejected by a health check). The others
/// (`soft_invalidate`, `detach`, `close_detached`, `reset`) are SQLAlchemy
/// concepts with no sqlx counterpart and are never recorded by this crate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum PoolEvent {
    /// A new connection was opened.
    Connect,
    /// The first connection of a pool was opened.
    FirstConnect,
    /// A connection was checked out.
    Checkout,
    /// A connection was returned to the pool.
    Checkin,
    /// A connection was found broken and discarded.
    Invalidate,
    /// SQLAlchemy's soft invalidation (no sqlx counterpart).
    SoftInvalidate,
    /// A connection was closed.
    Close,
    /// A detached connection was closed (no sqlx counterpart).
    CloseDetached,
    /// A connection was detached from the pool (no sqlx counterpart).
    Detach,
    /// A connection was reset on return (no sqlx counterpart).
    Reset,
}

impl PoolEvent {
    /// The reference's name of the event.
    pub const fn as_str(self) -> &'static str {
        match self {
            PoolEvent::Connect => "connect",
            PoolEvent::FirstConnect => "first_connect",
            PoolEvent::Checkout => "checkout",
            PoolEvent::Checkin => "checkin",
            PoolEvent::Invalidate => "invalidate",
            PoolEvent::SoftInvalidate => "soft_invalidate",
            PoolEvent::Close => "close",
            PoolEvent::CloseDetached => "close_detached",
            PoolEvent::Detach => "detach",
            PoolEvent::Reset => "reset",
        }
    }
}

impl std::fmt::Display for PoolEvent {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Every instrument of the reference registry (reference §5), by its name.
///
/// Get it with [`crate::metrics::registry`]. Before the metrics pipeline is
/// installed, the registry's instruments are no-ops and the typed methods
/// return after one branch.
pub struct MetricRegistry {
    enabled: bool,
    /// `count_user_message` (counter, `1`): messages sent by users.
    count_user_message: Counter<u64>,
    /// `in_flight_foreground` (up-down counter, `1`): active foreground request streams.
    in_flight_foreground: UpDownCounter<i64>,
    /// `in_flight_background` (up-down counter, `1`): active background stream tasks.
    in_flight_background: UpDownCounter<i64>,
    /// `request_admission_wait_ms` (histogram, `ms`): wait in admission control.
    request_admission_wait_ms: Histogram<f64>,
    /// `request_timeout_total` (counter, `1`): timed-out requests.
    request_timeout_total: Counter<u64>,
    /// `count_tool_execution` (counter, `1`): tools executed
    /// (`tool_name`, `success`, `step_id` on failure).
    count_tool_execution: Counter<u64>,
    /// `hist_ttft_ms` (histogram, `ms`): time to first token (`model`, project).
    hist_ttft_ms: Histogram<f64>,
    /// `hist_llm_execution_time_ms` (histogram, `ms`): LLM execution time (`model`).
    hist_llm_execution_time_ms: Histogram<f64>,
    /// `hist_tool_execution_time_ms` (histogram, `ms`): tool execution time (`tool_name`).
    hist_tool_execution_time_ms: Histogram<f64>,
    /// `hist_step_execution_time_ms` (histogram, `ms`): agent step time.
    hist_step_execution_time_ms: Histogram<f64>,
    /// `hist_message_cost_usd` (histogram, `usd`): cost per step (`model`).
    hist_message_cost_usd: Histogram<f64>,
    /// `hist_message_output_tokens` (histogram, `1`): output tokens per step (`model`).
    hist_message_output_tokens: Histogram<u64>,
    /// `hist_message_input_tokens` (histogram, `1`): input tokens per step (`model`).
    hist_message_input_tokens: Histogram<u64>,
    /// `hist_endpoint_e2e_ms` (histogram, `ms`): endpoint end-to-end time
    /// (`endpoint_path`, `method`, `status_code`).
    hist_endpoint_e2e_ms: Histogram<f64>,
    /// `count_endpoint_requests` (counter, `1`): endpoint requests
    /// (`endpoint_path`, `method`, `status_code`).
    count_endpoint_requests: Counter<u64>,
    /// `hist_file_process_bytes` (histogram, `By`): bytes of processed files.
    hist_file_process_bytes: Histogram<u64>,
    /// `sse_active_sessions` (up-down counter, `1`): open SSE streams (`route_class`).
    sse_active_sessions: UpDownCounter<i64>,
    /// `readiness_state` (gauge, `1`): readiness, one-hot by `reason`.
    readiness_state: Gauge<i64>,
    /// `sse_disconnect_total` (counter, `1`): SSE streams ended uncleanly
    /// (`reason`, `route_class`).
    sse_disconnect_total: Counter<u64>,
    /// `sse_duration_ms` (histogram, `ms`): SSE stream lifetime (`route_class`).
    sse_duration_ms: Histogram<f64>,
    /// `event_loop_lag_ms` (histogram, `ms`): scheduler lag seen by a
    /// heartbeat watchdog (see [`crate::runtime`]).
    event_loop_lag_ms: Histogram<f64>,
    /// `executor_backlog` (observable gauge, `1`): backlog of the executor, by
    /// `queue` (`global`: tokio's injection queue; `blocking`: blocking jobs
    /// started through [`crate::runtime::spawn_blocking`] and not yet running).
    // Held, never read: dropping it would unregister its callback.
    #[allow(dead_code)]
    executor_backlog: ObservableGauge<i64>,
    /// `asyncio_task_count` (observable gauge, `1`): live tasks on the runtime.
    // Held, never read: dropping it would unregister its callback.
    #[allow(dead_code)]
    asyncio_task_count: ObservableGauge<i64>,
    /// `redis_timeout_total` (counter, `1`): cache timeouts (`operation`).
    redis_timeout_total: Counter<u64>,
    /// `provider_timeout_total` (counter, `1`): model provider timeouts (`provider`).
    provider_timeout_total: Counter<u64>,
    /// `db_pool_in_use` (observable gauge, `1`): connections in use.
    // Held, never read: dropping it would unregister its callback.
    #[allow(dead_code)]
    db_pool_in_use: ObservableGauge<i64>,
    /// `db_pool_waiters` (observable gauge, `1`): tasks waiting for a connection.
    // Held, never read: dropping it would unregister its callback.
    #[allow(dead_code)]
    db_pool_waiters: ObservableGauge<i64>,
    /// `db_pool_utilization_ratio` (observable gauge, `1`): in use / maximum pool size.
    // Held, never read: dropping it would unregister its callback.
    #[allow(dead_code)]
    db_pool_utilization_ratio: ObservableGauge<f64>,
    /// `db_pool_checkout_timeout_total` (counter, `1`): checkout timeouts.
    db_pool_checkout_timeout_total: Counter<u64>,
    /// `db_checkout_latency_ms` (histogram, `ms`): time to check a connection out.
    db_checkout_latency_ms: Histogram<f64>,
    /// `gauge_db_pool_connections_total` (observable gauge, `1`): pool size.
    // Held, never read: dropping it would unregister its callback.
    #[allow(dead_code)]
    gauge_db_pool_connections_total: ObservableGauge<i64>,
    /// `gauge_db_pool_connections_checked_out` (observable gauge, `1`): checked-out connections.
    // Held, never read: dropping it would unregister its callback.
    #[allow(dead_code)]
    gauge_db_pool_connections_checked_out: ObservableGauge<i64>,
    /// `gauge_db_pool_connections_available` (observable gauge, `1`): idle connections.
    // Held, never read: dropping it would unregister its callback.
    #[allow(dead_code)]
    gauge_db_pool_connections_available: ObservableGauge<i64>,
    /// `gauge_db_pool_connections_overflow` (observable gauge, `1`): overflow
    /// connections (always 0: sqlx pools have no overflow beyond their maximum).
    // Held, never read: dropping it would unregister its callback.
    #[allow(dead_code)]
    gauge_db_pool_connections_overflow: ObservableGauge<i64>,
    /// `hist_db_pool_connection_duration_ms` (histogram, `ms`): checkout-to-checkin time.
    hist_db_pool_connection_duration_ms: Histogram<f64>,
    /// `count_db_pool_connection_events` (counter, `1`): pool events by `event`.
    count_db_pool_connection_events: Counter<u64>,
    /// `count_db_pool_connection_errors` (counter, `1`): pool errors (`exception_type`).
    count_db_pool_connection_errors: Counter<u64>,
}

impl std::fmt::Debug for MetricRegistry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MetricRegistry")
            .field("enabled", &self.enabled)
            .finish_non_exhaustive()
    }
}

fn pool_gauge(
    meter: &Meter,
    name: &'static str,
    description: &'static str,
    read: fn(&observed::PoolSnapshot) -> i64,
) -> ObservableGauge<i64> {
    meter
        .i64_observable_gauge(name)
        .with_description(description)
        .with_unit("1")
        .with_callback(move |obs| {
            observed::for_each_pool(|p| obs.observe(read(&p.snapshot()), p.attributes()));
        })
        .build()
}

impl MetricRegistry {
    /// Creates every instrument on `meter`. `enabled` is false for the no-op
    /// registry used before `init`.
    pub(crate) fn new(meter: &Meter, enabled: bool) -> Self {
        let hist = |name: &'static str, unit: &'static str, desc: &'static str, b: &[f64]| {
            meter
                .f64_histogram(name)
                .with_unit(unit)
                .with_description(desc)
                .with_boundaries(b.to_vec())
                .build()
        };
        let uhist = |name: &'static str, unit: &'static str, desc: &'static str, b: &[f64]| {
            meter
                .u64_histogram(name)
                .with_unit(unit)
                .with_description(desc)
                .with_boundaries(b.to_vec())
                .build()
        };
        let counter = |name: &'static str, desc: &'static str| {
            meter
                .u64_counter(name)
                .with_unit("1")
                .with_description(desc)
                .build()
        };
        let updown = |name: &'static str, desc: &'static str| {
            meter
                .i64_up_down_counter(name)
                .with_unit("1")
                .with_description(desc)
                .build()
        };
        MetricRegistry {
            enabled,
            count_user_message: counter(
                "count_user_message",
                "Counts the number of messages sent by the user",
            ),
            in_flight_foreground: updown(
                "in_flight_foreground",
                "Active foreground request streams",
            ),
            in_flight_background: updown("in_flight_background", "Active background stream tasks"),
            request_admission_wait_ms: hist(
                "request_admission_wait_ms",
                "ms",
                "Time spent waiting in admission control",
                buckets::SHORT_LATENCY_MS,
            ),
            request_timeout_total: counter("request_timeout_total", "Requests that timed out"),
            count_tool_execution: counter(
                "count_tool_execution",
                "Counts the number of tools executed",
            ),
            hist_ttft_ms: hist(
                "hist_ttft_ms",
                "ms",
                "Histogram for the Time to First Token (ms)",
                buckets::LATENCY_MS,
            ),
            hist_llm_execution_time_ms: hist(
                "hist_llm_execution_time_ms",
                "ms",
                "Histogram for LLM execution time (ms)",
                buckets::LATENCY_MS,
            ),
            hist_tool_execution_time_ms: hist(
                "hist_tool_execution_time_ms",
                "ms",
                "Histogram for tool execution time (ms)",
                buckets::LATENCY_MS,
            ),
            hist_step_execution_time_ms: hist(
                "hist_step_execution_time_ms",
                "ms",
                "Histogram for step execution time (ms)",
                buckets::LATENCY_MS,
            ),
            hist_message_cost_usd: hist(
                "hist_message_cost_usd",
                "usd",
                "Histogram for cost of messages (usd) per step",
                buckets::COST_USD,
            ),
            hist_message_output_tokens: uhist(
                "hist_message_output_tokens",
                "1",
                "Histogram for output tokens generated by LLM per step",
                buckets::TOKENS,
            ),
            hist_message_input_tokens: uhist(
                "hist_message_input_tokens",
                "1",
                "Histogram for input tokens sent to the LLM per step",
                buckets::TOKENS,
            ),
            hist_endpoint_e2e_ms: hist(
                "hist_endpoint_e2e_ms",
                "ms",
                "Histogram for endpoint e2e time (ms)",
                buckets::LATENCY_MS,
            ),
            count_endpoint_requests: counter(
                "count_endpoint_requests",
                "Counts the number of endpoint requests",
            ),
            hist_file_process_bytes: uhist(
                "hist_file_process_bytes",
                "By",
                "Histogram for file process in bytes",
                buckets::BYTES,
            ),
            sse_active_sessions: updown("sse_active_sessions", "Open SSE streams"),
            readiness_state: meter
                .i64_gauge("readiness_state")
                .with_unit("1")
                .with_description("Readiness state, one-hot by reason")
                .build(),
            sse_disconnect_total: counter(
                "sse_disconnect_total",
                "SSE streams that ended uncleanly",
            ),
            sse_duration_ms: hist(
                "sse_duration_ms",
                "ms",
                "SSE stream lifetime (ms)",
                buckets::LATENCY_MS,
            ),
            event_loop_lag_ms: hist(
                "event_loop_lag_ms",
                "ms",
                "Scheduler lag seen by a heartbeat watchdog (ms)",
                buckets::SHORT_LATENCY_MS,
            ),
            executor_backlog: meter
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
            asyncio_task_count: meter
                .i64_observable_gauge("asyncio_task_count")
                .with_unit("1")
                .with_description("Live tasks on the runtime")
                .with_callback(|obs| {
                    observed::for_each_runtime(|r| obs.observe(r.alive_tasks(), &[]))
                })
                .build(),
            redis_timeout_total: counter("redis_timeout_total", "Cache timeouts"),
            provider_timeout_total: counter("provider_timeout_total", "Model provider timeouts"),
            db_pool_in_use: pool_gauge(meter, "db_pool_in_use", "Connections in use", |s| {
                s.total - s.idle
            }),
            db_pool_waiters: pool_gauge(
                meter,
                "db_pool_waiters",
                "Tasks waiting for a connection",
                |s| s.waiters,
            ),
            db_pool_utilization_ratio: meter
                .f64_observable_gauge("db_pool_utilization_ratio")
                .with_unit("1")
                .with_description("Connections in use divided by the pool's maximum size")
                .with_callback(|obs| {
                    observed::for_each_pool(|p| {
                        let s = p.snapshot();
                        if s.max > 0 {
                            obs.observe((s.total - s.idle) as f64 / s.max as f64, p.attributes());
                        }
                    });
                })
                .build(),
            db_pool_checkout_timeout_total: counter(
                "db_pool_checkout_timeout_total",
                "Connection checkout timeouts",
            ),
            db_checkout_latency_ms: hist(
                "db_checkout_latency_ms",
                "ms",
                "Time to check a connection out of the pool (ms)",
                buckets::SHORT_LATENCY_MS,
            ),
            gauge_db_pool_connections_total: pool_gauge(
                meter,
                "gauge_db_pool_connections_total",
                "Total number of connections in the database pool",
                |s| s.total,
            ),
            gauge_db_pool_connections_checked_out: pool_gauge(
                meter,
                "gauge_db_pool_connections_checked_out",
                "Number of connections currently checked out from the pool",
                |s| s.checked_out,
            ),
            gauge_db_pool_connections_available: pool_gauge(
                meter,
                "gauge_db_pool_connections_available",
                "Number of available connections in the pool",
                |s| s.idle,
            ),
            gauge_db_pool_connections_overflow: pool_gauge(
                meter,
                "gauge_db_pool_connections_overflow",
                "Number of overflow connections in the pool",
                |_| 0,
            ),
            hist_db_pool_connection_duration_ms: hist(
                "hist_db_pool_connection_duration_ms",
                "ms",
                "Duration of database connection usage in milliseconds",
                buckets::LATENCY_MS,
            ),
            count_db_pool_connection_events: counter(
                "count_db_pool_connection_events",
                "Count of database connection pool events",
            ),
            count_db_pool_connection_errors: counter(
                "count_db_pool_connection_errors",
                "Count of database connection pool errors",
            ),
        }
    }

    /// Whether the instruments record (the metrics pipeline is installed).
    #[inline]
    pub fn enabled(&self) -> bool {
        self.enabled
    }

    /// One request to an opted-in endpoint: `hist_endpoint_e2e_ms` and
    /// `count_endpoint_requests` with `endpoint_path`, `method`,
    /// `status_code` and the context attributes.
    pub fn record_endpoint_request(
        &self,
        endpoint_path: &str,
        method: &str,
        status_code: u16,
        duration_ms: f64,
    ) {
        if !self.enabled {
            return;
        }
        let own = [
            KeyValue::new(attr::ENDPOINT_PATH, attr::shared(endpoint_path)),
            KeyValue::new(attr::METHOD, attr::method(method)),
            KeyValue::new(attr::STATUS_CODE, i64::from(status_code)),
        ];
        with_context(own, |a| {
            self.hist_endpoint_e2e_ms.record(duration_ms, a);
            self.count_endpoint_requests.add(1, a);
        });
    }

    /// `count_user_message` += `count`, with the context attributes.
    pub fn add_user_messages(&self, count: u64) {
        if self.enabled {
            with_context([], |a| self.count_user_message.add(count, a));
        }
    }

    /// `in_flight_foreground` += `delta`, with the context attributes.
    pub fn add_in_flight_foreground(&self, delta: i64) {
        if self.enabled {
            with_context([], |a| self.in_flight_foreground.add(delta, a));
        }
    }

    /// `in_flight_background` += `delta`, with the context attributes.
    pub fn add_in_flight_background(&self, delta: i64) {
        if self.enabled {
            with_context([], |a| self.in_flight_background.add(delta, a));
        }
    }

    /// `request_admission_wait_ms`, with the context attributes.
    pub fn record_admission_wait(&self, wait_ms: f64) {
        if self.enabled {
            with_context([], |a| self.request_admission_wait_ms.record(wait_ms, a));
        }
    }

    /// `request_timeout_total` += 1, with `endpoint_path` and the context attributes.
    pub fn add_request_timeout(&self, endpoint_path: &str) {
        if self.enabled {
            let own = [KeyValue::new(
                attr::ENDPOINT_PATH,
                attr::shared(endpoint_path),
            )];
            with_context(own, |a| self.request_timeout_total.add(1, a));
        }
    }

    /// One tool execution: `count_tool_execution` (`tool_name`, `success`,
    /// and `step_id` when it failed) and `hist_tool_execution_time_ms`
    /// (`tool_name`), both with the context attributes.
    pub fn record_tool_execution(
        &self,
        tool_name: &str,
        success: bool,
        step_id: Option<&str>,
        duration_ms: f64,
    ) {
        if !self.enabled {
            return;
        }
        with_context(
            [KeyValue::new(attr::TOOL_NAME, attr::shared(tool_name))],
            |a| {
                self.hist_tool_execution_time_ms.record(duration_ms, a);
                a.push(KeyValue::new(attr::SUCCESS, success));
                if let (false, Some(step)) = (success, step_id) {
                    a.push(KeyValue::new(attr::STEP_ID, step.to_owned()));
                }
                self.count_tool_execution.add(1, a);
            },
        );
    }

    /// `hist_ttft_ms` with `model` and the context attributes (the project
    /// comes from the context).
    pub fn record_ttft(&self, model: &str, ttft_ms: f64) {
        if self.enabled {
            with_context([KeyValue::new(attr::MODEL, attr::shared(model))], |a| {
                self.hist_ttft_ms.record(ttft_ms, a)
            });
        }
    }

    /// `hist_llm_execution_time_ms` with `model` and the context attributes.
    pub fn record_llm_execution_time(&self, model: &str, duration_ms: f64) {
        if self.enabled {
            with_context([KeyValue::new(attr::MODEL, attr::shared(model))], |a| {
                self.hist_llm_execution_time_ms.record(duration_ms, a)
            });
        }
    }

    /// `hist_step_execution_time_ms`, with the context attributes.
    pub fn record_step_execution_time(&self, duration_ms: f64) {
        if self.enabled {
            with_context([], |a| {
                self.hist_step_execution_time_ms.record(duration_ms, a)
            });
        }
    }

    /// Per-step usage: `hist_message_input_tokens`,
    /// `hist_message_output_tokens` and, when known, `hist_message_cost_usd`,
    /// all with `model` and the context attributes.
    pub fn record_message_usage(
        &self,
        model: &str,
        input_tokens: u64,
        output_tokens: u64,
        cost_usd: Option<f64>,
    ) {
        if !self.enabled {
            return;
        }
        with_context([KeyValue::new(attr::MODEL, attr::shared(model))], |a| {
            self.hist_message_input_tokens.record(input_tokens, a);
            self.hist_message_output_tokens.record(output_tokens, a);
            if let Some(cost) = cost_usd {
                self.hist_message_cost_usd.record(cost, a);
            }
        });
    }

    /// `hist_file_process_bytes`, with the context attributes.
    pub fn record_file_process_bytes(&self, bytes: u64) {
        if self.enabled {
            with_context([], |a| self.hist_file_process_bytes.record(bytes, a));
        }
    }

    /// An SSE stream opened: `sse_active_sessions` += 1 (`route_class`).
    pub fn sse_session_opened(&self, route_class: &str) {
        if self.enabled {
            let a = [KeyValue::new(attr::ROUTE_CLASS, attr::shared(route_class))];
            self.sse_active_sessions.add(1, &a);
        }
    }

    /// An SSE stream ended: `sse_active_sessions` -= 1, `sse_duration_ms`
    /// (`route_class`), and `sse_disconnect_total` (`reason`, `route_class`)
    /// when `unclean_reason` is given.
    pub fn sse_session_closed(
        &self,
        route_class: &str,
        duration_ms: f64,
        unclean_reason: Option<&str>,
    ) {
        if !self.enabled {
            return;
        }
        let mut a = vec![KeyValue::new(attr::ROUTE_CLASS, attr::shared(route_class))];
        self.sse_active_sessions.add(-1, &a);
        self.sse_duration_ms.record(duration_ms, &a);
        if let Some(reason) = unclean_reason {
            a.push(KeyValue::new(attr::REASON, reason.to_owned()));
            self.sse_disconnect_total.add(1, &a);
        }
    }

    /// `readiness_state`, one-hot: 1 for `current`, 0 for every other reason
    /// of `all_reasons`.
    pub fn set_readiness(&self, current: &str, all_reasons: &[&str]) {
        if !self.enabled {
            return;
        }
        for reason in all_reasons {
            let v = i64::from(*reason == current);
            self.readiness_state
                .record(v, &[KeyValue::new(attr::REASON, (*reason).to_owned())]);
        }
        if !all_reasons.contains(&current) {
            self.readiness_state
                .record(1, &[KeyValue::new(attr::REASON, current.to_owned())]);
        }
    }

    /// `event_loop_lag_ms`.
    pub fn record_event_loop_lag(&self, lag_ms: f64) {
        if self.enabled {
            self.event_loop_lag_ms.record(lag_ms, &[]);
        }
    }

    /// `redis_timeout_total` += 1 (`operation`).
    pub fn add_redis_timeout(&self, operation: &str) {
        if self.enabled {
            let own = [KeyValue::new(attr::OPERATION, attr::shared(operation))];
            with_context(own, |a| self.redis_timeout_total.add(1, a));
        }
    }

    /// `provider_timeout_total` += 1 (`provider`).
    pub fn add_provider_timeout(&self, provider: &str) {
        if self.enabled {
            let own = [KeyValue::new(attr::PROVIDER, attr::shared(provider))];
            with_context(own, |a| self.provider_timeout_total.add(1, a));
        }
    }

    /// `count_db_pool_connection_events` += 1 with `event` and the pool's
    /// attributes (`engine_name`, `pool_mode`).
    pub fn add_db_pool_event(&self, pool: &[KeyValue], event: PoolEvent) {
        if self.enabled {
            let mut a = Vec::with_capacity(pool.len() + 1);
            a.extend_from_slice(pool);
            a.push(KeyValue::new(attr::EVENT, event.as_str()));
            self.count_db_pool_connection_events.add(1, &a);
        }
    }

    /// `count_db_pool_connection_errors` += 1 with `exception_type` and the
    /// pool's attributes.
    pub fn add_db_pool_error(&self, pool: &[KeyValue], exception_type: &str) {
        if self.enabled {
            let mut a = Vec::with_capacity(pool.len() + 1);
            a.extend_from_slice(pool);
            a.push(KeyValue::new(
                attr::EXCEPTION_TYPE,
                exception_type.to_owned(),
            ));
            self.count_db_pool_connection_errors.add(1, &a);
        }
    }

    /// `db_checkout_latency_ms` with the pool's and the context attributes.
    pub fn record_db_checkout_latency(&self, pool: &[KeyValue], latency_ms: f64) {
        if self.enabled {
            let mut a = pool.to_vec();
            attr::extend_with_context(&mut a);
            self.db_checkout_latency_ms.record(latency_ms, &a);
        }
    }

    /// `db_pool_checkout_timeout_total` += 1 with the pool's and the context attributes.
    pub fn add_db_checkout_timeout(&self, pool: &[KeyValue]) {
        if self.enabled {
            let mut a = pool.to_vec();
            attr::extend_with_context(&mut a);
            self.db_pool_checkout_timeout_total.add(1, &a);
        }
    }

    /// `hist_db_pool_connection_duration_ms` (checkout to checkin) with the
    /// pool's attributes.
    pub fn record_db_connection_duration(&self, pool: &[KeyValue], duration_ms: f64) {
        if self.enabled {
            self.hist_db_pool_connection_duration_ms
                .record(duration_ms, pool);
        }
    }
}
