//! Test support: an in-memory span recorder installed as the process tracer.
//!
//! Each call installs process-wide state once; run tests that use it in
//! separate processes (`cargo nextest` does this by default).
//!
//! ```
//! use opentelemetry::trace::{Span as _, Tracer as _};
//!
//! let recorder = letta_telemetry::testing::install_span_recorder();
//! if let Some(tracer) = letta_telemetry::tracer() {
//!     tracer.start("checked").end();
//! }
//! assert_eq!(recorder.named("checked").len(), 1);
//! ```

mod bench;
mod metrics;
mod traces;

#[doc(hidden)]
pub use bench::install_void_tracer;
pub use metrics::{
    MetricPoint, MetricRecorder, PointValue, install_metric_recorder, install_metric_recorder_with,
};
pub use traces::{SpanRecorder, install_span_recorder, sample_span, span_attribute};

/// Turns the legacy attribute names on or off for the process, as `init`
/// does from `Settings::legacy_attributes`, for tests that do not call
/// `init`.
pub fn set_legacy_attributes(on: bool) {
    crate::semconv::set_legacy_attributes(on);
}

/// The export path's size estimates and span cut, for tests and benchmarks
/// of the request-size limit (internal otherwise).
pub mod size {
    pub use crate::traces::size::{
        TRUNCATION_MARKER, resource_size_upper_bound, scope_size_upper_bound,
        span_size_upper_bound, truncate_span,
    };
}

/// The span exporters' own encoders, for benchmarks (internal otherwise):
/// a batch as the OTLP request body each exporter sends.
pub mod encode {
    use opentelemetry_sdk::Resource;
    use opentelemetry_sdk::trace::SpanData;

    /// The `ExportTraceServiceRequest` protobuf of `spans` under
    /// `resource` (the OTLP/gRPC and OTLP/HTTP body).
    #[cfg(any(feature = "otlp-grpc", feature = "otlp-http"))]
    pub fn otlp_proto(resource: &Resource, spans: &[SpanData]) -> Vec<u8> {
        let mut out = Vec::new();
        crate::traces::encode_proto(&mut out, resource, spans);
        out
    }

    /// The OTLP/JSON of `spans` under `resource` (a trace-file line and
    /// the `http/json` body).
    pub fn otlp_json(resource: &Resource, spans: &[SpanData]) -> Vec<u8> {
        let mut out = Vec::new();
        crate::traces::encode_json(&mut out, resource, spans);
        out
    }
}
