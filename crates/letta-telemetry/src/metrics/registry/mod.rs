//! The metric registry: every instrument of the reference server, created once
//! with its exact name, kind, unit and description, and typed recording
//! methods that attach the attributes each instrument documents.
//!
//! Instruments are declared per domain, each file beside the recording code
//! it serves: [`requests`] (HTTP endpoints, admission, readiness), [`genai`]
//! (agent steps and model calls), [`genai_client`] (the GenAI conventions'
//! client metrics), [`tools`], [`sse`], [`db_pool`],
//! [`scheduler`] (the async runtime) and [`dependencies`] (cache and provider
//! timeouts). `MetricRegistry` holds one of each; its methods are the public
//! way in, check once whether metrics are on, and hand over to the domain.
//!
//! To add a metric: declare the instrument in its domain's struct and
//! constructor, add a recording method there, and a public method here that
//! forwards to it; the reference names live in `docs/metrics.md`.

mod db_pool;
#[cfg(feature = "sqlx")]
pub(crate) use db_pool::BoundDbPool;
mod dependencies;
mod genai;
mod genai_client;
mod make;
mod pool_event;
mod requests;
mod scheduler;
mod sse;
mod tools;

use opentelemetry::KeyValue;
use opentelemetry::metrics::Meter;

pub use pool_event::PoolEvent;

/// Every instrument of the reference registry, by domain.
///
/// Get it with [`crate::metrics::registry`]. Before the metrics pipeline is
/// installed, the registry's instruments are no-ops and the typed methods
/// return after one branch.
pub struct MetricRegistry {
    enabled: bool,
    requests: requests::Requests,
    genai: genai::GenAi,
    genai_client: genai_client::GenAiClient,
    tools: tools::Tools,
    sse: sse::Sse,
    db_pool: db_pool::DbPool,
    scheduler: scheduler::Scheduler,
    dependencies: dependencies::Dependencies,
}

impl std::fmt::Debug for MetricRegistry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MetricRegistry")
            .field("enabled", &self.enabled)
            .finish_non_exhaustive()
    }
}

impl MetricRegistry {
    /// Creates every instrument on `meter`. `enabled` is false for the no-op
    /// registry used before `init`.
    pub(crate) fn new(meter: &Meter, enabled: bool) -> Self {
        let make = make::Make { meter };
        MetricRegistry {
            enabled,
            requests: requests::Requests::new(&make),
            genai: genai::GenAi::new(&make),
            genai_client: genai_client::GenAiClient::new(&make),
            tools: tools::Tools::new(&make),
            sse: sse::Sse::new(&make),
            db_pool: db_pool::DbPool::new(&make),
            scheduler: scheduler::Scheduler::new(&make),
            dependencies: dependencies::Dependencies::new(&make),
        }
    }

    /// Whether the instruments record (the metrics pipeline is installed).
    #[inline]
    pub fn enabled(&self) -> bool {
        self.enabled
    }

    // Requests.

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
        if self.enabled {
            self.requests
                .record_endpoint_request(endpoint_path, method, status_code, duration_ms);
        }
    }

    /// `in_flight_foreground` += `delta`, with the context attributes.
    pub fn add_in_flight_foreground(&self, delta: i64) {
        if self.enabled {
            self.requests.add_in_flight_foreground(delta);
        }
    }

    /// `in_flight_background` += `delta`, with the context attributes.
    pub fn add_in_flight_background(&self, delta: i64) {
        if self.enabled {
            self.requests.add_in_flight_background(delta);
        }
    }

    /// `request_admission_wait_ms`, with the context attributes.
    pub fn record_admission_wait(&self, wait_ms: f64) {
        if self.enabled {
            self.requests.record_admission_wait(wait_ms);
        }
    }

    /// `request_timeout_total` += 1, with `endpoint_path` and the context attributes.
    pub fn add_request_timeout(&self, endpoint_path: &str) {
        if self.enabled {
            self.requests.add_timeout(endpoint_path);
        }
    }

    /// `readiness_state`, one-hot: 1 for `current`, 0 for every other reason
    /// of `all_reasons`.
    pub fn set_readiness(&self, current: &str, all_reasons: &[&str]) {
        if self.enabled {
            self.requests.set_readiness(current, all_reasons);
        }
    }

    // Agent steps and model calls.

    /// `count_user_message` += `count`, with the context attributes.
    pub fn add_user_messages(&self, count: u64) {
        if self.enabled {
            self.genai.add_user_messages(count);
        }
    }

    /// `hist_ttft_ms` with `model` and the context attributes (the project
    /// comes from the context).
    pub fn record_ttft(&self, model: &str, ttft_ms: f64) {
        if self.enabled {
            self.genai.record_ttft(model, ttft_ms);
        }
    }

    /// `hist_llm_execution_time_ms` with `model` and the context attributes.
    pub fn record_llm_execution_time(&self, model: &str, duration_ms: f64) {
        if self.enabled {
            self.genai.record_llm_execution_time(model, duration_ms);
        }
    }

    /// `hist_step_execution_time_ms`, with the context attributes.
    pub fn record_step_execution_time(&self, duration_ms: f64) {
        if self.enabled {
            self.genai.record_step_execution_time(duration_ms);
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
        if self.enabled {
            self.genai
                .record_message_usage(model, input_tokens, output_tokens, cost_usd);
        }
    }

    /// `hist_file_process_bytes`, with the context attributes.
    pub fn record_file_process_bytes(&self, bytes: u64) {
        if self.enabled {
            self.genai.record_file_process_bytes(bytes);
        }
    }

    /// `gen_ai.client.operation.duration` and, with `tokens` (input,
    /// output), `gen_ai.client.token.usage` once per `gen_ai.token.type`;
    /// `attributes` are the conventions' (operation, provider, models,
    /// server, `error.type`). [`LlmCall`](crate::genai::LlmCall) records
    /// these itself.
    pub fn record_genai_operation(
        &self,
        attributes: &[KeyValue],
        duration_s: f64,
        tokens: Option<(u64, u64)>,
    ) {
        if self.enabled {
            self.genai_client
                .record_operation(attributes, duration_s, tokens);
        }
    }

    /// `gen_ai.client.operation.time_to_first_chunk`, with the conventions'
    /// attributes.
    pub fn record_genai_time_to_first_chunk(&self, attributes: &[KeyValue], seconds: f64) {
        if self.enabled {
            self.genai_client
                .record_time_to_first_chunk(attributes, seconds);
        }
    }

    // Tools.

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
        if self.enabled {
            self.tools
                .record_execution(tool_name, success, step_id, duration_ms);
        }
    }

    // Server-sent events.

    /// An SSE stream opened: `sse_active_sessions` += 1 (`route_class`).
    pub fn sse_session_opened(&self, route_class: &str) {
        if self.enabled {
            self.sse.opened(route_class);
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
        if self.enabled {
            self.sse.closed(route_class, duration_ms, unclean_reason);
        }
    }

    // The async runtime and the server's dependencies.

    /// `event_loop_lag_ms`.
    pub fn record_event_loop_lag(&self, lag_ms: f64) {
        if self.enabled {
            self.scheduler.record_event_loop_lag(lag_ms);
        }
    }

    /// `redis_timeout_total` += 1 (`operation`).
    pub fn add_redis_timeout(&self, operation: &str) {
        if self.enabled {
            self.dependencies.add_redis_timeout(operation);
        }
    }

    /// `provider_timeout_total` += 1 (`provider`).
    pub fn add_provider_timeout(&self, provider: &str) {
        if self.enabled {
            self.dependencies.add_provider_timeout(provider);
        }
    }

    // Database pools.

    /// `count_db_pool_connection_events` += 1 with `event` and the pool's
    /// attributes (`engine_name`, `pool_mode`).
    pub fn add_db_pool_event(&self, pool: &[KeyValue], event: PoolEvent) {
        if self.enabled {
            self.db_pool.add_event(pool, event);
        }
    }

    /// `count_db_pool_connection_errors` += 1 with `exception_type` and the
    /// pool's attributes.
    pub fn add_db_pool_error(&self, pool: &[KeyValue], exception_type: &str) {
        if self.enabled {
            self.db_pool.add_error(pool, exception_type);
        }
    }

    /// The per-checkout pool instruments bound to `pool`'s attributes;
    /// `None` while metrics are off (this registry records nothing).
    #[cfg(feature = "sqlx")]
    pub(crate) fn bind_db_pool(&self, pool: &[KeyValue]) -> Option<db_pool::BoundDbPool> {
        self.enabled.then(|| self.db_pool.bind(pool))
    }

    /// `db_checkout_latency_ms` with the pool's and the context attributes.
    pub fn record_db_checkout_latency(&self, pool: &[KeyValue], latency_ms: f64) {
        if self.enabled {
            self.db_pool.record_checkout_latency(pool, latency_ms);
        }
    }

    /// `db_pool_checkout_timeout_total` += 1 with the pool's and the context attributes.
    pub fn add_db_checkout_timeout(&self, pool: &[KeyValue]) {
        if self.enabled {
            self.db_pool.add_checkout_timeout(pool);
        }
    }

    /// `hist_db_pool_connection_duration_ms` (checkout to checkin) with the
    /// pool's attributes.
    pub fn record_db_connection_duration(&self, pool: &[KeyValue], duration_ms: f64) {
        if self.enabled {
            self.db_pool.record_connection_duration(pool, duration_ms);
        }
    }
}
