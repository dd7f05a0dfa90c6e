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
use opentelemetry_sdk::logs::BatchLogProcessor;
use opentelemetry_sdk::logs::SdkLoggerProvider;
use opentelemetry_sdk::logs::{BatchConfig, BatchConfigBuilder};
#[cfg(any(feature = "otlp-grpc", feature = "otlp-http"))]
use opentelemetry_sdk::logs::{LogBatch, LogExporter as SdkLogExporter};
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
use crate::settings::{Destination, Settings, Signal};

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

/// Builds the logger provider of the log export ([`Settings::destination`]
/// of logs): OTLP to the logs endpoint over the logs protocol, or the
/// console. Exports end by `deadline` once it is cut.
pub(crate) fn logger_provider(
    settings: &Settings,
    resource: &Resource,
    deadline: &ExportDeadline,
) -> Result<Option<SdkLoggerProvider>, InitError> {
    match settings.destination(Signal::Logs) {
        Destination::Otlp { endpoint } => {
            otlp_logger_provider(settings, resource, deadline, endpoint).map(Some)
        }
        Destination::Console => Ok(Some(
            SdkLoggerProvider::builder()
                .with_resource(resource.clone())
                .with_log_processor(
                    BatchLogProcessor::builder(crate::console::ConsoleLogExporter)
                        .with_batch_config(batch_config(settings))
                        .build(),
                )
                .build(),
        )),
        _ => Ok(None),
    }
}

/// The batch log processor's configuration (`OTEL_BLRP_*`), given
/// explicitly so values from [`Settings::from_vars`] apply too.
fn batch_config(settings: &Settings) -> BatchConfig {
    let b = &settings.sdk.log_batch;
    BatchConfigBuilder::default()
        .with_max_queue_size(b.max_queue_size)
        .with_max_export_batch_size(b.max_export_batch_size)
        .with_scheduled_delay(b.schedule_delay)
        .build()
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
        timeout: settings.sdk.log_batch.export_timeout,
        _owned: owned,
    };
    let provider = SdkLoggerProvider::builder()
        .with_resource(resource.clone())
        .with_log_processor(
            BatchLogProcessor::builder(exporter)
                .with_batch_config(batch_config(settings))
                .build(),
        )
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
    /// Longest export (`OTEL_BLRP_EXPORT_TIMEOUT`).
    timeout: Duration,
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
        let bounded = self
            .deadline
            .bound(self.inner.export(batch), Some(self.timeout));
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
