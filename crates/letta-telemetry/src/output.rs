//! Where one signal is exported, as plain data: decided once from the
//! settings by `init`, then handed to the signal's pipeline, which never sees
//! the settings themselves.

use std::io;
use std::path::PathBuf;

#[cfg(any(feature = "otlp-grpc", feature = "otlp-http"))]
use crate::otlp_transport::OtlpTransport;
use crate::pipeline::PipelineError;
use crate::rotating_file::RotatingFileWriter;
use crate::settings::{Destination, Settings, Signal};

/// Where a signal goes.
#[derive(Debug, Clone)]
pub(crate) enum Output {
    /// OTLP over the transport.
    #[cfg(any(feature = "otlp-grpc", feature = "otlp-http"))]
    Otlp(OtlpTransport),
    /// OTLP-JSON lines in a local, size-rotated file.
    File(FileOutput),
    /// Readable lines on stdout.
    Console,
    /// Not exported.
    Off,
}

/// A local, size-rotated output file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct FileOutput {
    pub(crate) path: PathBuf,
    pub(crate) max_bytes: u64,
    pub(crate) backups: usize,
}

impl FileOutput {
    /// `<LETTA_DIR>/logs/<file_name>` with the settings' rotation limits.
    pub(crate) fn from_settings(settings: &Settings, file_name: &str) -> Self {
        FileOutput {
            path: settings.logs_dir().join(file_name),
            max_bytes: settings.limits.file_max_bytes,
            backups: settings.limits.file_backups,
        }
    }

    /// Opens the file, degraded (writes fail and are counted until it can be
    /// opened) when it cannot be; the error is returned to be reported once.
    pub(crate) fn open(&self) -> (RotatingFileWriter, Option<io::Error>) {
        RotatingFileWriter::open_degraded(&self.path, self.max_bytes, self.backups)
    }
}

impl Output {
    /// The output of `signal` ([`Settings::destination`]); the local files
    /// are `file_name` under `<LETTA_DIR>/logs/`, or nothing for a signal
    /// without one (logs: `Letta.log` is written in any case).
    ///
    /// Reads the CA and client certificate files of an OTLP transport.
    pub(crate) fn from_settings(
        settings: &Settings,
        signal: Signal,
        file_name: Option<&str>,
    ) -> Result<Self, PipelineError> {
        Ok(match settings.destination(signal) {
            Destination::Off => Output::Off,
            Destination::Console => Output::Console,
            Destination::LocalFiles => match file_name {
                Some(name) => Output::File(FileOutput::from_settings(settings, name)),
                None => Output::Off,
            },
            #[cfg(any(feature = "otlp-grpc", feature = "otlp-http"))]
            Destination::Otlp { endpoint } => {
                Output::Otlp(OtlpTransport::new(settings, signal, endpoint)?)
            }
            #[cfg(not(any(feature = "otlp-grpc", feature = "otlp-http")))]
            Destination::Otlp { .. } => return Err(PipelineError::NoOtlpTransport),
        })
    }

    /// Where the output goes, for diagnostics (secrets in URLs masked).
    pub(crate) fn describe(&self) -> String {
        match self {
            #[cfg(any(feature = "otlp-grpc", feature = "otlp-http"))]
            Output::Otlp(t) => crate::redact::mask_url(t.endpoint()),
            Output::File(f) => f.path.display().to_string(),
            Output::Console => "stdout".into(),
            Output::Off => "off".into(),
        }
    }
}
