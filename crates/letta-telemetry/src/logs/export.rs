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
use opentelemetry_sdk::error::OTelSdkResult;
use opentelemetry_sdk::logs::{
    BatchConfig, BatchConfigBuilder, BatchLogProcessor, SdkLoggerProvider,
};
#[cfg(any(feature = "otlp-grpc", feature = "otlp-http"))]
use opentelemetry_sdk::logs::{LogBatch, LogExporter as SdkLogExporter};

use crate::deadline::ExportDeadline;
#[cfg(any(feature = "otlp-grpc", feature = "otlp-http"))]
use crate::export_runtime::ExportContext;
#[cfg(any(feature = "otlp-grpc", feature = "otlp-http"))]
use crate::otlp_transport::OtlpTransport;
use crate::output::Output;
use crate::pipeline::PipelineError;
#[cfg(any(feature = "otlp-grpc", feature = "otlp-http"))]
use crate::settings::Protocol;
use crate::settings::{LogBatchSettings, Settings, Signal};

/// Where logs are exported besides the console and `Letta.log`, read from
/// the settings once by `init`.
#[derive(Debug, Clone)]
pub(crate) struct LogExportConfig {
    /// OTLP, the console, or off (`Letta.log` is not an export).
    pub(crate) output: Output,
    /// The batch log processor's bounds (`OTEL_BLRP_*`).
    pub(crate) batch: LogBatchSettings,
}

impl LogExportConfig {
    /// The export the settings describe. Reads the CA and client
    /// certificate files of an OTLP output.
    pub(crate) fn from_settings(settings: &Settings) -> Result<Self, PipelineError> {
        Ok(LogExportConfig {
            output: Output::from_settings(settings, Signal::Logs, None)?,
            batch: settings.sdk.log_batch,
        })
    }
}

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

/// Builds the logger provider of the log export: OTLP over the logs
/// transport, or the console; `None` when logs are not exported. Exports end
/// by `deadline` once it is cut.
pub(crate) fn logger_provider(
    config: &LogExportConfig,
    resource: &Resource,
    deadline: &ExportDeadline,
) -> Result<Option<SdkLoggerProvider>, PipelineError> {
    let processor = match &config.output {
        #[cfg(any(feature = "otlp-grpc", feature = "otlp-http"))]
        Output::Otlp(transport) => {
            let cx = ExportContext::new(deadline.clone(), config.batch.export_timeout)?;
            let inner = cx.enter(|| otlp_exporter(transport))?;
            BatchLogProcessor::builder(BoundedExporter { cx, inner })
                .with_batch_config(batch_config(&config.batch))
                .build()
        }
        Output::Console => BatchLogProcessor::builder(crate::console::ConsoleLogExporter)
            .with_batch_config(batch_config(&config.batch))
            .build(),
        Output::File(_) | Output::Off => return Ok(None),
    };
    #[cfg(not(any(feature = "otlp-grpc", feature = "otlp-http")))]
    let _ = deadline;
    Ok(Some(
        SdkLoggerProvider::builder()
            .with_resource(resource.clone())
            .with_log_processor(processor)
            .build(),
    ))
}

/// The batch log processor's configuration (`OTEL_BLRP_*`), given
/// explicitly so values from [`Settings::from_vars`] apply too.
fn batch_config(b: &LogBatchSettings) -> BatchConfig {
    BatchConfigBuilder::default()
        .with_max_queue_size(b.max_queue_size)
        .with_max_export_batch_size(b.max_export_batch_size)
        .with_scheduled_delay(b.schedule_delay)
        .build()
}

/// The OTLP log exporter over `t`. Must run inside the export runtime
/// (tonic connects, lazily, in the runtime current when it is built).
#[cfg(any(feature = "otlp-grpc", feature = "otlp-http"))]
fn otlp_exporter(t: &OtlpTransport) -> Result<LogExporter, PipelineError> {
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
    built.map_err(|e| t.error(e))
}

/// The OTLP exporter, its exports run in the export runtime and bounded by
/// `OTEL_BLRP_EXPORT_TIMEOUT` and the shutdown deadline: the batch processor
/// polls them on its own thread, while tonic and async reqwest need a tokio
/// reactor.
#[cfg(any(feature = "otlp-grpc", feature = "otlp-http"))]
#[derive(Debug)]
struct BoundedExporter {
    cx: ExportContext,
    inner: LogExporter,
}

#[cfg(any(feature = "otlp-grpc", feature = "otlp-http"))]
impl SdkLogExporter for BoundedExporter {
    fn export(&self, batch: LogBatch<'_>) -> impl Future<Output = OTelSdkResult> + Send {
        self.cx.run(|| self.inner.export(batch))
    }

    fn shutdown_with_timeout(&self, timeout: Duration) -> OTelSdkResult {
        self.cx.enter(|| self.inner.shutdown_with_timeout(timeout))
    }

    fn set_resource(&mut self, resource: &Resource) {
        self.inner.set_resource(resource);
    }
}
