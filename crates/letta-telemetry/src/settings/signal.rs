//! Per-signal views of [`Settings`]: each OTLP setting of a signal (its own
//! variable, else the generic one) and where the signal goes.

use std::time::Duration;

use super::parse;
use super::sdk::ExporterKind;
use super::values::{Compression, Protocol, Signal};
use super::{Settings, SignalOtlpSettings};

/// Where a signal goes ([`Settings::destination`]).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Destination {
    /// OTLP to this endpoint.
    Otlp {
        /// The signal's endpoint ([`Settings::endpoint`]).
        endpoint: String,
    },
    /// The local files under `<LETTA_DIR>/logs/` (for logs: `Letta.log` only).
    LocalFiles,
    /// One line per item on stdout (`OTEL_*_EXPORTER=console`).
    Console,
    /// Not exported.
    Off,
}

impl Settings {
    /// The protocol of `signal`: its own variable, else the generic one.
    pub fn protocol(&self, signal: Signal) -> Protocol {
        let specific = match signal {
            Signal::Traces => self.otlp.traces_protocol,
            Signal::Metrics => self.otlp.metrics_protocol,
            Signal::Logs => self.otlp.logs_protocol,
        };
        specific.unwrap_or(self.otlp.protocol)
    }

    /// The OTLP endpoint of `signal`, or `None` when no endpoint is set (then
    /// the signal goes to local files).
    ///
    /// A per-signal endpoint is used as-is. The generic endpoint is used as-is
    /// for gRPC; for HTTP, `v1/traces`, `v1/metrics` or `v1/logs` is appended,
    /// as the OTLP specification says.
    pub fn endpoint(&self, signal: Signal) -> Option<String> {
        let specific = match signal {
            Signal::Traces => &self.otlp.traces_endpoint,
            Signal::Metrics => &self.otlp.metrics_endpoint,
            Signal::Logs => &self.otlp.logs_endpoint,
        };
        if let Some(e) = specific {
            return Some(e.clone());
        }
        let generic = self.otlp.endpoint.as_deref()?;
        if self.protocol(signal).is_http() {
            Some(parse::join_signal_path(generic, signal.http_path()))
        } else {
            Some(generic.to_string())
        }
    }

    /// What `signal` sets for itself.
    fn own(&self, signal: Signal) -> &SignalOtlpSettings {
        match signal {
            Signal::Traces => &self.otlp.traces,
            Signal::Metrics => &self.otlp.metrics,
            Signal::Logs => &self.otlp.logs,
        }
    }

    /// The OTLP headers of `signal`: its own variable, else the generic one.
    pub fn headers(&self, signal: Signal) -> &[(String, String)] {
        self.own(signal)
            .headers
            .as_deref()
            .unwrap_or(&self.otlp.headers)
    }

    /// The OTLP export timeout of `signal`: its own variable, else the
    /// generic one.
    pub fn timeout(&self, signal: Signal) -> Duration {
        self.own(signal).timeout.unwrap_or(self.otlp.timeout)
    }

    /// The OTLP compression of `signal` (`None`: none): its own variable,
    /// else the generic one.
    pub fn compression(&self, signal: Signal) -> Option<Compression> {
        self.own(signal)
            .compression
            .unwrap_or(self.otlp.compression)
    }

    /// The CA file of `signal`'s collector: its own variable, else the
    /// generic one.
    pub fn certificate(&self, signal: Signal) -> Option<&std::path::Path> {
        self.own(signal)
            .certificate
            .as_deref()
            .or(self.otlp.certificate.as_deref())
    }

    /// Whether a schemeless gRPC endpoint of `signal` is plaintext: its own
    /// `_INSECURE` variable, else `OTEL_EXPORTER_OTLP_INSECURE`.
    pub fn insecure(&self, signal: Signal) -> bool {
        self.own(signal).insecure.unwrap_or(self.otlp.insecure)
    }

    /// The client certificate and key files of `signal` for mTLS, each its
    /// own variable else the generic one; `None` unless both are set.
    pub fn client_identity(&self, signal: Signal) -> Option<(&std::path::Path, &std::path::Path)> {
        let own = self.own(signal);
        let cert = own
            .client_certificate
            .as_deref()
            .or(self.otlp.client_certificate.as_deref())?;
        let key = own
            .client_key
            .as_deref()
            .or(self.otlp.client_key.as_deref())?;
        Some((cert, key))
    }

    /// [`Settings::endpoint`] of traces.
    pub fn traces_endpoint(&self) -> Option<String> {
        self.endpoint(Signal::Traces)
    }

    /// [`Settings::endpoint`] of metrics.
    pub fn metrics_endpoint(&self) -> Option<String> {
        self.endpoint(Signal::Metrics)
    }

    /// [`Settings::endpoint`] of logs.
    pub fn logs_endpoint(&self) -> Option<String> {
        self.endpoint(Signal::Logs)
    }

    /// Where `signal` goes, as [`init`](crate::init) installs it.
    ///
    /// Traces and metrics are off when tracing is (as in the reference, where
    /// both start together) or when their `OTEL_*_EXPORTER` is `none`. Logs
    /// are always written to the console (stderr) and `Letta.log`; their
    /// destination is where they are *exported* besides, off only with
    /// `OTEL_SDK_DISABLED` or `OTEL_LOGS_EXPORTER=none`.
    ///
    /// ```
    /// use letta_telemetry::settings::{Destination, Settings, Signal};
    ///
    /// let s = Settings::from_vars([
    ///     ("OTEL_EXPORTER_OTLP_ENDPOINT", "http://localhost:4317"),
    ///     ("OTEL_METRICS_EXPORTER", "console"),
    ///     ("OTEL_LOGS_EXPORTER", "none"),
    /// ])?;
    /// assert_eq!(
    ///     s.destination(Signal::Traces),
    ///     Destination::Otlp { endpoint: "http://localhost:4317".into() }
    /// );
    /// assert_eq!(s.destination(Signal::Metrics), Destination::Console);
    /// assert_eq!(s.destination(Signal::Logs), Destination::Off);
    /// # Ok::<(), letta_telemetry::SettingsError>(())
    /// ```
    pub fn destination(&self, signal: Signal) -> Destination {
        let (on, exporter) = match signal {
            Signal::Traces => (self.tracing_enabled(), self.sdk.traces_exporter),
            Signal::Metrics => (self.tracing_enabled(), self.sdk.metrics_exporter),
            Signal::Logs => (!self.sdk_disabled, self.sdk.logs_exporter),
        };
        match exporter {
            _ if !on => Destination::Off,
            ExporterKind::None => Destination::Off,
            ExporterKind::Console => Destination::Console,
            ExporterKind::Otlp => match self.endpoint(signal) {
                Some(endpoint) => Destination::Otlp { endpoint },
                None => Destination::LocalFiles,
            },
        }
    }

    /// Whether traces are exported over OTLP ([`Settings::destination`]).
    pub fn traces_to_otlp(&self) -> bool {
        matches!(self.destination(Signal::Traces), Destination::Otlp { .. })
    }

    /// Whether metrics are exported over OTLP ([`Settings::destination`]).
    pub fn metrics_to_otlp(&self) -> bool {
        matches!(self.destination(Signal::Metrics), Destination::Otlp { .. })
    }

    /// Whether logs are exported over OTLP ([`Settings::destination`]). The
    /// console and `Letta.log` are written in every case.
    pub fn logs_to_otlp(&self) -> bool {
        matches!(self.destination(Signal::Logs), Destination::Otlp { .. })
    }
}
