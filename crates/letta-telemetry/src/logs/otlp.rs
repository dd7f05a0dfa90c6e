//! Log export over OTLP: `tracing` events become OpenTelemetry log records
//! (through `opentelemetry-appender-tracing`), correlated with the span
//! current in the OpenTelemetry context, batched and exported.

#[cfg(any(feature = "otlp-grpc", feature = "otlp-http"))]
use std::future::Future;
#[cfg(any(feature = "otlp-grpc", feature = "otlp-http"))]
use std::time::Duration;

#[cfg(any(feature = "otlp-grpc", feature = "otlp-http"))]
use opentelemetry_otlp::LogExporter;
use opentelemetry_sdk::Resource;
#[cfg(any(feature = "otlp-grpc", feature = "otlp-http"))]
use opentelemetry_sdk::error::{OTelSdkError, OTelSdkResult};
use opentelemetry_sdk::logs::SdkLoggerProvider;
#[cfg(any(feature = "otlp-grpc", feature = "otlp-http"))]
use opentelemetry_sdk::logs::{BatchLogProcessor, LogBatch, LogExporter as SdkLogExporter};
#[cfg(any(feature = "otlp-grpc", feature = "otlp-http"))]
use tokio::runtime::Handle;

use crate::deadline::ExportDeadline;
use crate::init::InitError;
#[cfg(any(feature = "otlp-grpc", feature = "otlp-http"))]
use crate::io_runtime::{Entered, OwnedRuntime, export_runtime};
#[cfg(any(feature = "otlp-grpc", feature = "otlp-http"))]
use crate::otlp_transport::OtlpTransport;
#[cfg(any(feature = "otlp-grpc", feature = "otlp-http"))]
use crate::settings::Protocol;
use crate::settings::{Settings, Signal};

/// Targets never bridged to OTLP: the export path's own logs would loop.
pub(crate) const NOT_EXPORTED_TARGETS: [&str; 8] = [
    "opentelemetry",
    "libdd",
    "tonic",
    "h2",
    "hyper",
    "hyper_util",
    "reqwest",
    "tower",
];

/// Builds the logger provider when logs go to OTLP
/// ([`Settings::logs_to_otlp`]): to [`Settings::endpoint`] of logs, over
/// [`Settings::protocol`] of logs, as [`Settings::render`] shows. Exports
/// end by `deadline` once it is cut.
pub(crate) fn logger_provider(
    settings: &Settings,
    resource: &Resource,
    deadline: &ExportDeadline,
) -> Result<Option<SdkLoggerProvider>, InitError> {
    if !settings.logs_to_otlp() {
        return Ok(None);
    }
    let Some(endpoint) = settings.endpoint(Signal::Logs) else {
        return Ok(None);
    };
    otlp_logger_provider(settings, resource, deadline, endpoint).map(Some)
}

/// Without an OTLP transport there is no OTLP log exporter.
#[cfg(not(any(feature = "otlp-grpc", feature = "otlp-http")))]
fn otlp_logger_provider(
    _settings: &Settings,
    _resource: &Resource,
    _deadline: &ExportDeadline,
    _endpoint: String,
) -> Result<SdkLoggerProvider, InitError> {
    Err(crate::init::no_otlp_transport("logs"))
}

/// The logger provider exporting over OTLP to `endpoint`.
#[cfg(any(feature = "otlp-grpc", feature = "otlp-http"))]
fn otlp_logger_provider(
    settings: &Settings,
    resource: &Resource,
    deadline: &ExportDeadline,
    endpoint: String,
) -> Result<SdkLoggerProvider, InitError> {
    let (handle, owned) = export_runtime("letta-logs-export").map_err(|source| InitError::Io {
        path: "tokio runtime for log export".into(),
        source,
    })?;
    let t = OtlpTransport::new(settings, Signal::Logs, endpoint)?;
    let inner = {
        // tonic connects (lazily) in the runtime current when it is built.
        let _entered = handle.enter();
        let built = match t.protocol() {
            #[cfg(feature = "otlp-grpc")]
            Protocol::Grpc => t.tonic(LogExporter::builder().with_tonic())?.build(),
            #[cfg(feature = "otlp-http")]
            Protocol::HttpProtobuf | Protocol::HttpJson => {
                t.http(LogExporter::builder().with_http())?.build()
            }
            #[cfg(not(feature = "otlp-grpc"))]
            Protocol::Grpc => return Err(t.missing("otlp-grpc")),
            #[cfg(not(feature = "otlp-http"))]
            Protocol::HttpProtobuf | Protocol::HttpJson => return Err(t.missing("otlp-http")),
        };
        built.map_err(|e| t.error(e))?
    };
    let exporter = InRuntime {
        handle,
        inner,
        deadline: deadline.clone(),
        _owned: owned,
    };
    let provider = SdkLoggerProvider::builder()
        .with_resource(resource.clone())
        .with_log_processor(BatchLogProcessor::builder(exporter).build())
        .build();
    Ok(provider)
}

#[cfg(any(feature = "otlp-grpc", feature = "otlp-http"))]
/// The OTLP exporter, its futures run inside a tokio runtime: the batch
/// processor polls them on its own thread, while tonic and async reqwest need
/// a tokio reactor.
struct InRuntime {
    handle: Handle,
    inner: LogExporter,
    /// Ends an export in flight at the shutdown deadline.
    deadline: ExportDeadline,
    _owned: OwnedRuntime,
}

#[cfg(any(feature = "otlp-grpc", feature = "otlp-http"))]
impl std::fmt::Debug for InRuntime {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("InRuntime")
            .field("inner", &self.inner)
            .finish_non_exhaustive()
    }
}

#[cfg(any(feature = "otlp-grpc", feature = "otlp-http"))]
impl SdkLogExporter for InRuntime {
    fn export(&self, batch: LogBatch<'_>) -> impl Future<Output = OTelSdkResult> + Send {
        let _entered = self.handle.enter();
        let bounded = self.deadline.bound(self.inner.export(batch), None);
        Entered::new(self.handle.clone(), async move {
            bounded
                .await
                .unwrap_or(Err(OTelSdkError::Timeout(Duration::ZERO)))
        })
    }

    fn shutdown_with_timeout(&self, timeout: Duration) -> OTelSdkResult {
        let _entered = self.handle.enter();
        self.inner.shutdown_with_timeout(timeout)
    }

    fn set_resource(&mut self, resource: &Resource) {
        self.inner.set_resource(resource);
    }
}
