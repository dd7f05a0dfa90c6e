//! Datadog: APM traces to the Datadog agent, continuous CPU profiling and
//! source-code integration with Git, through Datadog's own crates.
//!
//! - **Traces** (`enable_datadog`): with Datadog on, the tracer provider is
//!   built by `datadog-opentelemetry` (Datadog's span processor, sampler,
//!   128-bit trace ids and agent exporter, `PUT /v0.4/traces`), and the
//!   crate's own export processor (OTLP or the local file) is added to it, so
//!   every span goes to both. Spans carry `service`, `env`, `version` and the
//!   Git tags (`git.repository_url`, `git.commit.sha` and Datadog's
//!   `_dd.git.*`); Datadog's propagator (Datadog, W3C trace-context and
//!   baggage headers) replaces the W3C one.
//! - **CPU profiling** (`datadog_profiling_enabled`): the `pprof` crate
//!   samples the process 99 times a second; every upload period
//!   (60 s by default) the samples become a pprof profile built by
//!   `libdd-profiling` and uploaded by its exporter to the agent's
//!   profiling intake, tagged with service, env, version and Git.
//! - **Memory and heap profiling** are not available in-process: Datadog's
//!   Rust allocation sampling needs the binary's `#[global_allocator]` and an
//!   out-of-process collector. One startup warning says so.
//!
//! The reference sets `DD_*` environment variables when absent; here the same
//! values ([`DatadogConfig::dd_environment`]) are passed to Datadog's crate
//! in code, and a `DD_*` variable that is already set still wins.
//!
//! Failures never stop the host: an unreachable agent costs one warning per
//! outage and the rest of the telemetry keeps working.
//!
//! ```
//! use letta_telemetry::Settings;
//! use letta_telemetry::datadog::DatadogConfig;
//!
//! let settings = Settings::from_vars([
//!     ("LETTA_TELEMETRY_ENABLE_DATADOG", "true"),
//!     ("LETTA_TELEMETRY_DATADOG_AGENT_HOST", "dd-agent"),
//! ])?;
//! let config = DatadogConfig::from_settings(&settings);
//! // What the reference exports as `DD_*` variables, passed to Datadog in code.
//! let env = config.dd_environment();
//! assert!(env.iter().any(|(k, v)| *k == "DD_AGENT_HOST" && v == "dd-agent"));
//! # Ok::<(), letta_telemetry::SettingsError>(())
//! ```

mod config;
mod git;
#[cfg(feature = "profiling")]
mod profile;
#[cfg(feature = "profiling")]
mod profiler;
#[cfg(feature = "datadog")]
mod tracer;
#[cfg(feature = "profiling")]
mod upload;

#[cfg(feature = "profiling")]
use std::sync::Mutex;
#[cfg(feature = "datadog")]
use std::time::Instant;

pub use config::{DEFAULT_PROFILING_UPLOAD_PERIOD, DatadogConfig};
pub use git::{BUILD_GIT_COMMIT_SHA, BUILD_GIT_REPOSITORY_URL, GitMetadata};
#[cfg(feature = "profiling")]
pub use profiler::{CpuProfiler, ProfilerError, SAMPLING_FREQUENCY_HZ};

#[cfg(feature = "datadog")]
pub(crate) use tracer::tracer_provider;

use crate::pipeline::Pipeline;

const TARGET: &str = "letta_telemetry::datadog";

/// Installs Datadog's propagator globally (without the `datadog` feature
/// there is none).
#[cfg(not(feature = "datadog"))]
pub(crate) type InstallPropagator = Box<dyn FnOnce() + Send>;

/// Without the `datadog` feature there is no Datadog tracer provider: the
/// caller builds its own.
#[cfg(not(feature = "datadog"))]
pub(crate) fn tracer_provider<P>(
    _config: &DatadogConfig,
    _sampler: crate::settings::SamplerSetting,
    _resource: &opentelemetry_sdk::Resource,
    _processor: P,
) -> Option<(
    opentelemetry_sdk::trace::SdkTracerProvider,
    InstallPropagator,
)> {
    None
}

/// Without the `datadog` feature, Datadog cannot start: one warning says so
/// when the settings ask for it.
#[cfg(not(feature = "datadog"))]
pub(crate) fn install(config: Option<&DatadogConfig>, _traces: bool) -> Option<Box<dyn Pipeline>> {
    if config.is_some() {
        tracing::warn!(
            target: TARGET,
            "LETTA_TELEMETRY_ENABLE_DATADOG is set, but this build of letta-telemetry has no `datadog` feature: Datadog is off"
        );
    }
    None
}

/// The running Datadog profiler, stopped by the guard. (Datadog's span
/// processor lives in the tracer provider, which the trace pipeline owns.)
#[cfg(feature = "datadog")]
struct DatadogPipeline {
    #[cfg(feature = "profiling")]
    profiler: Mutex<Option<CpuProfiler>>,
}

#[cfg(feature = "datadog")]
impl Pipeline for DatadogPipeline {
    fn name(&self) -> &'static str {
        "datadog"
    }

    /// The profiler uploads on its own schedule: nothing to flush.
    fn flush(&self, _deadline: Instant) {}

    fn shutdown(&self, deadline: Instant) {
        #[cfg(feature = "profiling")]
        {
            let profiler = self.profiler.lock().ok().and_then(|mut p| p.take());
            if let Some(mut p) = profiler {
                p.stop(deadline);
            }
        }
        #[cfg(not(feature = "profiling"))]
        let _ = deadline;
    }
}

/// Starts what Datadog needs beyond the tracer provider (the profiler) and
/// says what is on; `traces` tells whether the trace pipeline sends spans
/// to Datadog. Never fails: problems are logged.
#[cfg(feature = "datadog")]
pub(crate) fn install(config: Option<&DatadogConfig>, traces: bool) -> Option<Box<dyn Pipeline>> {
    let config = config?;
    if !traces {
        tracing::warn!(target: TARGET, "tracing is off: spans are not sent to Datadog");
    }
    #[cfg(feature = "profiling")]
    let profiler = if config.profiling {
        match CpuProfiler::start(config) {
            Ok(p) => Some(p),
            Err(e) => {
                tracing::warn!(target: TARGET, "Datadog CPU profiling is off: {e}");
                None
            }
        }
    } else {
        None
    };
    #[cfg(not(feature = "profiling"))]
    let profiler: Option<()> = {
        if config.profiling {
            tracing::warn!(target: TARGET, "Datadog CPU profiling was asked for, but this build of letta-telemetry has no `profiling` feature: profiling is off");
        }
        None
    };
    if config.profiling_memory || config.profiling_heap {
        tracing::warn!(
            target: TARGET,
            memory = config.profiling_memory,
            heap = config.profiling_heap,
            "Datadog memory and heap profiling are not supported in-process by this build (Datadog's Rust allocation sampling needs the binary's #[global_allocator] and an out-of-process collector); CPU profiling, traces and logs are unaffected"
        );
    }
    tracing::info!(
        target: TARGET,
        agent = %format!("http://{}:{}", config.agent_host, config.agent_port),
        service = %config.service,
        env = %config.env,
        version = %config.version,
        git_commit_sha = config.git.commit_sha.as_deref().unwrap_or(""),
        traces,
        cpu_profiling = profiler.is_some(),
        "Datadog enabled"
    );
    Some(Box::new(DatadogPipeline {
        #[cfg(feature = "profiling")]
        profiler: Mutex::new(profiler),
    }))
}
