//! [`ExportLimits`]: the bounds of the export path.

use std::time::Duration;

/// Limits of the export path.
#[derive(Debug, Clone)]
pub struct ExportLimits {
    /// Largest encoded export request, in bytes (default 4 MiB,
    /// `LETTA_TELEMETRY_MAX_REQUEST_BYTES`).
    pub max_request_bytes: usize,
    /// Most spans waiting in the queue (default 8192, `OTEL_BSP_MAX_QUEUE_SIZE`).
    pub max_queue_spans: usize,
    /// Most estimated bytes waiting in the queue (default 64 MiB,
    /// `LETTA_TELEMETRY_MAX_QUEUE_BYTES`).
    pub max_queue_bytes: usize,
    /// Most spans in one batch (default 512, `OTEL_BSP_MAX_EXPORT_BATCH_SIZE`).
    pub max_batch_spans: usize,
    /// Longest wait before a partial batch is exported (default 1 s,
    /// `OTEL_BSP_SCHEDULE_DELAY`).
    pub schedule_delay: Duration,
    /// Deadline of shutdown (default 5 s, `LETTA_TELEMETRY_SHUTDOWN_TIMEOUT_MS`).
    pub shutdown_timeout: Duration,
    /// Size at which a local telemetry file is rotated (default 100 MiB,
    /// `LETTA_TELEMETRY_FILE_MAX_BYTES`).
    pub file_max_bytes: u64,
    /// Rotated files kept (default 5, `LETTA_TELEMETRY_FILE_BACKUPS`).
    pub file_backups: usize,
}

impl Default for ExportLimits {
    fn default() -> Self {
        Self {
            max_request_bytes: 4 * 1024 * 1024,
            max_queue_spans: 8192,
            max_queue_bytes: 64 * 1024 * 1024,
            max_batch_spans: 512,
            schedule_delay: Duration::from_secs(1),
            shutdown_timeout: Duration::from_secs(5),
            file_max_bytes: 100 * 1024 * 1024,
            file_backups: 5,
        }
    }
}
