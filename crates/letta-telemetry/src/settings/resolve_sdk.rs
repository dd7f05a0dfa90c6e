//! Reading the standard SDK variables ([`SdkSettings`]) and the per-signal
//! OTLP ones ([`SignalOtlpSettings`]).

use std::path::PathBuf;
use std::time::Duration;

use super::error::SettingProblem;
use super::otlp::SignalOtlpSettings;
use super::parse;
use super::registry::Field;
use super::resolver::Resolver;
use super::sdk::{self, ExporterKind, LogBatchSettings, SdkSettings, SpanLimitSettings};
use super::values::{InvalidValue, Signal};
use super::vars as v;
use super::warning::SettingWarning;

/// A non-negative count that fits a `u32` (0 allowed: the limit is "none").
fn parse_limit(s: &str) -> Result<u32, InvalidValue> {
    s.trim()
        .parse::<u32>()
        .map_err(|_| InvalidValue::new("a non-negative integer"))
}

/// A positive length in characters.
fn parse_length(s: &str) -> Result<usize, InvalidValue> {
    parse::parse_positive_usize(s)
}

/// The per-signal fields of `signal`, in the order of
/// [`SignalOtlpSettings`]'s fields; their variables come from the registry.
fn signal_fields(signal: Signal) -> [Field; 7] {
    match signal {
        Signal::Traces => [
            Field::OtlpTracesHeaders,
            Field::OtlpTracesTimeout,
            Field::OtlpTracesCompression,
            Field::OtlpTracesCertificate,
            Field::OtlpTracesClientCertificate,
            Field::OtlpTracesClientKey,
            Field::OtlpTracesInsecure,
        ],
        Signal::Metrics => [
            Field::OtlpMetricsHeaders,
            Field::OtlpMetricsTimeout,
            Field::OtlpMetricsCompression,
            Field::OtlpMetricsCertificate,
            Field::OtlpMetricsClientCertificate,
            Field::OtlpMetricsClientKey,
            Field::OtlpMetricsInsecure,
        ],
        Signal::Logs => [
            Field::OtlpLogsHeaders,
            Field::OtlpLogsTimeout,
            Field::OtlpLogsCompression,
            Field::OtlpLogsCertificate,
            Field::OtlpLogsClientCertificate,
            Field::OtlpLogsClientKey,
            Field::OtlpLogsInsecure,
        ],
    }
}

/// The first variable of `field` (the name a problem reports).
fn variable(field: Field) -> &'static str {
    field.variables().first().copied().unwrap_or_default()
}

impl Resolver<'_> {
    /// What `signal` sets for itself (`OTEL_EXPORTER_OTLP_<SIGNAL>_*`).
    pub(super) fn signal_otlp(&mut self, signal: Signal) -> SignalOtlpSettings {
        let [
            headers,
            timeout,
            compression,
            certificate,
            client_certificate,
            client_key,
            insecure,
        ] = signal_fields(signal);
        let file = |s: &str| parse::parse_certificate(s);
        SignalOtlpSettings {
            headers: self.env_value(headers, parse::mask_key_values, parse::parse_headers),
            timeout: self.env_value(timeout, str::to_owned, parse::parse_millis),
            compression: self.env_value(compression, str::to_owned, parse::parse_compression),
            certificate: self.env_value(certificate, str::to_owned, file),
            client_certificate: self.env_value(client_certificate, str::to_owned, file),
            client_key: self.env_value(client_key, str::to_owned, file),
            insecure: self.env_value(insecure, str::to_owned, parse::parse_bool),
        }
    }

    /// Checks that a client certificate and key are set together, for the
    /// generic pair and for each signal's effective pair.
    pub(super) fn check_client_pair(
        &mut self,
        generic: (&Option<PathBuf>, &Option<PathBuf>),
        signals: [(Signal, &SignalOtlpSettings); 3],
    ) {
        let mut check = |cert: bool, key: bool, cert_var: &str, key_var: &str| {
            let missing = match (cert, key) {
                (true, false) => Some((cert_var, key_var)),
                (false, true) => Some((key_var, cert_var)),
                _ => None,
            };
            if let Some((set, other)) = missing {
                self.problems.push(SettingProblem::new(
                    set,
                    "<set>",
                    format!("to be set together with {other} (mTLS needs both)"),
                ));
            }
        };
        check(
            generic.0.is_some(),
            generic.1.is_some(),
            variable(Field::OtlpClientCertificate),
            variable(Field::OtlpClientKey),
        );
        for (signal, own) in signals {
            if own.client_certificate.is_none() && own.client_key.is_none() {
                continue;
            }
            let fields = signal_fields(signal);
            check(
                own.client_certificate.is_some() || generic.0.is_some(),
                own.client_key.is_some() || generic.1.is_some(),
                variable(fields[4]),
                variable(fields[5]),
            );
        }
    }

    /// The specific variable of `field`, else its general fallback (the
    /// registry lists both, specific first), with no "shadowed" warning: the
    /// general one is meant to be overridden.
    fn with_fallback<T: PartialEq>(
        &mut self,
        field: Field,
        parse: fn(&str) -> Result<T, InvalidValue>,
    ) -> Option<T> {
        let names = field.variables();
        let (specific, general) = names.split_at(names.len().min(1));
        self.env_value_from(field, specific, str::to_owned, parse)
            .or_else(|| self.env_value_from(field, general, str::to_owned, parse))
    }

    /// `LETTA_TELEMETRY_LEGACY_ATTRIBUTES`, else what
    /// `OTEL_SEMCONV_STABILITY_OPT_IN` says of HTTP, else on.
    pub(super) fn legacy_attributes(&mut self, code: Option<bool>) -> bool {
        if let Some(on) = self.boolean(Field::LegacyAttributes, code) {
            return on;
        }
        let opt_in = |s: &str| -> Result<Option<bool>, InvalidValue> {
            let items: Vec<String> = s
                .split(',')
                .map(|i| i.trim().to_ascii_lowercase())
                .collect();
            Ok(if items.iter().any(|i| i == "http/dup") {
                Some(true)
            } else if items.iter().any(|i| i == "http") {
                Some(false)
            } else {
                None
            })
        };
        self.env_value_from(
            Field::LegacyAttributes,
            Field::LegacyAttributes.spec().also,
            str::to_owned,
            opt_in,
        )
        .flatten()
        .unwrap_or(true)
    }

    /// The standard SDK settings beyond the OTLP exporter.
    pub(super) fn sdk(&mut self) -> SdkSettings {
        let d = SdkSettings::default();
        let dl = SpanLimitSettings::default();
        let db = LogBatchSettings::default();
        let exporter = |r: &mut Self, field| -> ExporterKind {
            r.env_value(field, str::to_owned, str::parse)
                .unwrap_or_default()
        };
        let traces_exporter = exporter(self, Field::TracesExporter);
        let metrics_exporter = exporter(self, Field::MetricsExporter);
        let logs_exporter = exporter(self, Field::LogsExporter);
        let propagators = self
            .env_value(Field::Propagators, str::to_owned, sdk::parse_propagators)
            .unwrap_or(d.propagators);
        let count = |r: &mut Self, field| r.with_fallback(field, parse_limit);
        let span_limits = SpanLimitSettings {
            attribute_count: count(self, Field::SpanAttributeCount).unwrap_or(dl.attribute_count),
            event_count: self
                .env_value(Field::SpanEventCount, str::to_owned, parse_limit)
                .unwrap_or(dl.event_count),
            link_count: self
                .env_value(Field::SpanLinkCount, str::to_owned, parse_limit)
                .unwrap_or(dl.link_count),
            event_attribute_count: count(self, Field::SpanEventAttributeCount)
                .unwrap_or(dl.event_attribute_count),
            link_attribute_count: count(self, Field::SpanLinkAttributeCount)
                .unwrap_or(dl.link_attribute_count),
            attribute_value_length: self
                .with_fallback(Field::SpanAttributeValueLength, parse_length),
        };
        if let Some((variable, raw)) = self.first(&[v::OTEL_BSP_MAX_CONCURRENT_EXPORTS]) {
            match parse::parse_positive_usize(&raw) {
                Ok(1) => {}
                Ok(_) => self.warnings.push(SettingWarning::Ignored {
                    variable,
                    reason: "letta-telemetry exports one span batch at a time",
                }),
                Err(e) => self
                    .problems
                    .push(SettingProblem::new(variable, raw, e.expected)),
            }
        }
        let millis = |r: &mut Self, field, default: Duration| {
            r.env_value(field, str::to_owned, parse::parse_millis)
                .unwrap_or(default)
        };
        let span_export_timeout = millis(self, Field::SpanExportTimeout, d.span_export_timeout);
        let metric_export_timeout =
            millis(self, Field::MetricExportTimeout, d.metric_export_timeout);
        let size = |r: &mut Self, field, default| {
            r.env_value(field, str::to_owned, parse::parse_positive_usize)
                .unwrap_or(default)
        };
        let log_batch = LogBatchSettings {
            max_queue_size: size(self, Field::LogBatchMaxQueueSize, db.max_queue_size),
            max_export_batch_size: size(
                self,
                Field::LogBatchMaxExportBatchSize,
                db.max_export_batch_size,
            ),
            schedule_delay: millis(self, Field::LogBatchScheduleDelay, db.schedule_delay),
            export_timeout: millis(self, Field::LogBatchExportTimeout, db.export_timeout),
        };
        // As in the SDK, the default batch size shrinks to a smaller queue;
        // a batch size set larger than the queue is an error.
        let mut log_batch = log_batch;
        let batch_set = self.source_of(Field::LogBatchMaxExportBatchSize).is_some();
        if !batch_set {
            log_batch.max_export_batch_size = log_batch
                .max_export_batch_size
                .min(log_batch.max_queue_size);
        }
        if log_batch.max_export_batch_size > log_batch.max_queue_size {
            self.problems.push(SettingProblem::new(
                variable(Field::LogBatchMaxExportBatchSize),
                log_batch.max_export_batch_size.to_string(),
                format!(
                    "a batch size at most the queue size ({})",
                    log_batch.max_queue_size
                ),
            ));
        }
        let log_level = self.env_value(Field::SdkLogLevel, str::to_owned, sdk::parse_log_level);
        SdkSettings {
            traces_exporter,
            metrics_exporter,
            logs_exporter,
            propagators,
            span_limits,
            span_export_timeout,
            metric_export_timeout,
            log_batch,
            log_level,
        }
    }
}
