//! Metrics: the reference registry of instruments, the meter provider that
//! exports them (OTLP gRPC/HTTP, or OTLP-JSON lines under
//! `<LETTA_DIR>/logs/metrics.json` when no endpoint is set), per-instrument
//! histogram buckets and cardinality limits, and self-telemetry of the export
//! path.
//!
//! Record through [`registry`], which works before `init` (its instruments
//! are no-ops until the pipeline is installed):
//!
//! ```
//! let r = letta_telemetry::metrics::registry();
//! r.record_endpoint_request("/v1/agents/{agent_id}/messages", "POST", 200, 12.5);
//! r.record_message_usage("gpt-4o", 1200, 250, Some(0.0042));
//! ```

mod attributes;
#[cfg(any(feature = "otlp-grpc", feature = "otlp-http"))]
mod bounded_exporter;
pub mod buckets;
mod cardinality;
mod config;
mod file_exporter;
pub(crate) mod observed;
mod provider;
mod registry;
mod self_telemetry;

use std::sync::{LazyLock, OnceLock};

use opentelemetry::metrics::MeterProvider as _;

pub use attributes::{
    ENDPOINT_PATH, ENGINE_NAME, EVENT, EXCEPTION_TYPE, METHOD, MODEL, OPERATION, POOL_MODE,
    PROVIDER, QUEUE, REASON, ROUTE_CLASS, STATUS_CODE, STEP_ID, SUCCESS, TOOL_NAME,
};
pub use cardinality::{DEFAULT_CARDINALITY_LIMIT, cardinality_limit};
pub use config::MetricsOptions;
pub use provider::build_meter_provider;
#[cfg(feature = "sqlx")]
pub(crate) use registry::BoundDbPool;
pub use registry::{MetricRegistry, PoolEvent};

#[cfg(feature = "axum")]
pub(crate) use attributes::method as method_value;
pub use config::METRICS_FILE;
pub(crate) use config::MetricsConfig;
pub(crate) use provider::install;

/// Instrumentation scope name of every instrument of this crate.
pub const METER_NAME: &str = "letta";

static INSTALLED: OnceLock<MetricRegistry> = OnceLock::new();

static NOOP: LazyLock<MetricRegistry> = LazyLock::new(|| {
    let meter = opentelemetry::metrics::noop::NoopMeterProvider::new().meter(METER_NAME);
    MetricRegistry::new(&meter, false)
});

/// The process metric registry.
///
/// Before the metrics pipeline is installed (by [`crate::init`] or
/// `testing::install_metric_recorder` (feature `testing`)) this is a registry of no-op
/// instruments whose typed methods return at once; afterwards it is the
/// registry built on the installed meter provider.
#[inline]
pub fn registry() -> &'static MetricRegistry {
    match INSTALLED.get() {
        Some(r) => r,
        None => &NOOP,
    }
}

/// Builds the registry on `provider` and makes it the process registry.
/// Returns `false` when one was already installed.
pub(crate) fn install_registry(provider: &opentelemetry_sdk::metrics::SdkMeterProvider) -> bool {
    if INSTALLED.get().is_some() {
        return false;
    }
    let meter = provider.meter_with_scope(
        opentelemetry::InstrumentationScope::builder(METER_NAME)
            .with_version(env!("CARGO_PKG_VERSION"))
            .build(),
    );
    let fresh = INSTALLED.set(MetricRegistry::new(&meter, true)).is_ok();
    if fresh {
        self_telemetry::register(&meter);
    }
    fresh
}
