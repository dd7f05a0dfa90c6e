//! Request instruments: endpoint latency and counts, in-flight streams,
//! admission control, timeouts and readiness. Recorded by the HTTP layer
//! (`crate::http`) and the reference server's admission control.

use opentelemetry::KeyValue;
use opentelemetry::metrics::{Counter, Gauge, Histogram, UpDownCounter};

use super::make::Make;
use crate::metrics::attributes::{self as attr, with_context};
use crate::metrics::buckets;

/// The request instruments.
pub(super) struct Requests {
    /// `hist_endpoint_e2e_ms` (histogram, `ms`): endpoint end-to-end time
    /// (`endpoint_path`, `method`, `status_code`).
    endpoint_e2e_ms: Histogram<f64>,
    /// `count_endpoint_requests` (counter, `1`): endpoint requests
    /// (`endpoint_path`, `method`, `status_code`).
    endpoint_requests: Counter<u64>,
    /// `in_flight_foreground` (up-down counter, `1`): active foreground request streams.
    in_flight_foreground: UpDownCounter<i64>,
    /// `in_flight_background` (up-down counter, `1`): active background stream tasks.
    in_flight_background: UpDownCounter<i64>,
    /// `request_admission_wait_ms` (histogram, `ms`): wait in admission control.
    admission_wait_ms: Histogram<f64>,
    /// `request_timeout_total` (counter, `1`): timed-out requests (`endpoint_path`).
    timeout_total: Counter<u64>,
    /// `readiness_state` (gauge, `1`): readiness, one-hot by `reason`.
    readiness_state: Gauge<i64>,
}

impl Requests {
    pub(super) fn new(make: &Make<'_>) -> Self {
        Requests {
            endpoint_e2e_ms: make.hist(
                "hist_endpoint_e2e_ms",
                "ms",
                "Histogram for endpoint e2e time (ms)",
                buckets::LATENCY_MS,
            ),
            endpoint_requests: make.counter(
                "count_endpoint_requests",
                "Counts the number of endpoint requests",
            ),
            in_flight_foreground: make
                .updown("in_flight_foreground", "Active foreground request streams"),
            in_flight_background: make
                .updown("in_flight_background", "Active background stream tasks"),
            admission_wait_ms: make.hist(
                "request_admission_wait_ms",
                "ms",
                "Time spent waiting in admission control",
                buckets::SHORT_LATENCY_MS,
            ),
            timeout_total: make.counter("request_timeout_total", "Requests that timed out"),
            readiness_state: make
                .meter
                .i64_gauge("readiness_state")
                .with_unit("1")
                .with_description("Readiness state, one-hot by reason")
                .build(),
        }
    }

    pub(super) fn record_endpoint_request(
        &self,
        endpoint_path: &str,
        method: &str,
        status_code: u16,
        duration_ms: f64,
    ) {
        let own = [
            KeyValue::new(attr::ENDPOINT_PATH, attr::shared(endpoint_path)),
            KeyValue::new(attr::METHOD, attr::method(method)),
            KeyValue::new(attr::STATUS_CODE, i64::from(status_code)),
        ];
        with_context(own, |a| {
            self.endpoint_e2e_ms.record(duration_ms, a);
            self.endpoint_requests.add(1, a);
        });
    }

    pub(super) fn add_in_flight_foreground(&self, delta: i64) {
        with_context([], |a| self.in_flight_foreground.add(delta, a));
    }

    pub(super) fn add_in_flight_background(&self, delta: i64) {
        with_context([], |a| self.in_flight_background.add(delta, a));
    }

    pub(super) fn record_admission_wait(&self, wait_ms: f64) {
        with_context([], |a| self.admission_wait_ms.record(wait_ms, a));
    }

    pub(super) fn add_timeout(&self, endpoint_path: &str) {
        let own = [KeyValue::new(
            attr::ENDPOINT_PATH,
            attr::shared(endpoint_path),
        )];
        with_context(own, |a| self.timeout_total.add(1, a));
    }

    pub(super) fn set_readiness(&self, current: &str, all_reasons: &[&str]) {
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
}
