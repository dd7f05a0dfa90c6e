//! Reading the standard SDK variables ([`SdkSettings`]) and the per-signal
//! OTLP ones ([`SignalOtlpSettings`]).

use std::path::PathBuf;
use std::time::Duration;

use super::error::SettingProblem;
use super::otlp::SignalOtlpSettings;
use super::parse;
use super::resolver::Resolver;
use super::sdk::{self, ExporterKind, LogBatchSettings, SdkSettings, SpanLimitSettings};
use super::source::Field;
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

/// The per-signal variable names of `signal`, in the order of
/// [`SignalOtlpSettings`]'s fields.
struct SignalVars {
    headers: &'static str,
    timeout: &'static str,
    compression: &'static str,
    certificate: &'static str,
    client_certificate: &'static str,
    client_key: &'static str,
    insecure: &'static str,
}

/// The per-signal fields of `signal`, in the same order.
type SignalFields = [Field; 7];

fn signal_vars(signal: Signal) -> (SignalVars, SignalFields) {
    match signal {
        Signal::Traces => (
            SignalVars {
                headers: v::OTEL_EXPORTER_OTLP_TRACES_HEADERS,
                timeout: v::OTEL_EXPORTER_OTLP_TRACES_TIMEOUT,
                compression: v::OTEL_EXPORTER_OTLP_TRACES_COMPRESSION,
                certificate: v::OTEL_EXPORTER_OTLP_TRACES_CERTIFICATE,
                client_certificate: v::OTEL_EXPORTER_OTLP_TRACES_CLIENT_CERTIFICATE,
                client_key: v::OTEL_EXPORTER_OTLP_TRACES_CLIENT_KEY,
                insecure: v::OTEL_EXPORTER_OTLP_TRACES_INSECURE,
            },
            [
                Field::OtlpTracesHeaders,
                Field::OtlpTracesTimeout,
                Field::OtlpTracesCompression,
                Field::OtlpTracesCertificate,
                Field::OtlpTracesClientCertificate,
                Field::OtlpTracesClientKey,
                Field::OtlpTracesInsecure,
            ],
        ),
        Signal::Metrics => (
            SignalVars {
                headers: v::OTEL_EXPORTER_OTLP_METRICS_HEADERS,
                timeout: v::OTEL_EXPORTER_OTLP_METRICS_TIMEOUT,
                compression: v::OTEL_EXPORTER_OTLP_METRICS_COMPRESSION,
                certificate: v::OTEL_EXPORTER_OTLP_METRICS_CERTIFICATE,
                client_certificate: v::OTEL_EXPORTER_OTLP_METRICS_CLIENT_CERTIFICATE,
                client_key: v::OTEL_EXPORTER_OTLP_METRICS_CLIENT_KEY,
                insecure: v::OTEL_EXPORTER_OTLP_METRICS_INSECURE,
            },
            [
                Field::OtlpMetricsHeaders,
                Field::OtlpMetricsTimeout,
                Field::OtlpMetricsCompression,
                Field::OtlpMetricsCertificate,
                Field::OtlpMetricsClientCertificate,
                Field::OtlpMetricsClientKey,
                Field::OtlpMetricsInsecure,
            ],
        ),
        Signal::Logs => (
            SignalVars {
                headers: v::OTEL_EXPORTER_OTLP_LOGS_HEADERS,
                timeout: v::OTEL_EXPORTER_OTLP_LOGS_TIMEOUT,
                compression: v::OTEL_EXPORTER_OTLP_LOGS_COMPRESSION,
                certificate: v::OTEL_EXPORTER_OTLP_LOGS_CERTIFICATE,
                client_certificate: v::OTEL_EXPORTER_OTLP_LOGS_CLIENT_CERTIFICATE,
                client_key: v::OTEL_EXPORTER_OTLP_LOGS_CLIENT_KEY,
                insecure: v::OTEL_EXPORTER_OTLP_LOGS_INSECURE,
            },
            [
                Field::OtlpLogsHeaders,
                Field::OtlpLogsTimeout,
                Field::OtlpLogsCompression,
                Field::OtlpLogsCertificate,
                Field::OtlpLogsClientCertificate,
                Field::OtlpLogsClientKey,
                Field::OtlpLogsInsecure,
            ],
        ),
    }
}

impl Resolver<'_> {
    /// What `signal` sets for itself (`OTEL_EXPORTER_OTLP_<SIGNAL>_*`).
    pub(super) fn signal_otlp(&mut self, signal: Signal) -> SignalOtlpSettings {
        let (names, fields) = signal_vars(signal);
        let file = |s: &str| parse::parse_certificate(s);
        SignalOtlpSettings {
            headers: self.env_value(
                fields[0],
                &[names.headers],
                parse::mask_key_values,
                parse::parse_headers,
            ),
            timeout: self.env_value(
                fields[1],
                &[names.timeout],
                str::to_owned,
                parse::parse_millis,
            ),
            compression: self.env_value(
                fields[2],
                &[names.compression],
                str::to_owned,
                parse::parse_compression,
            ),
            certificate: self.env_value(fields[3], &[names.certificate], str::to_owned, file),
            client_certificate: self.env_value(
                fields[4],
                &[names.client_certificate],
                str::to_owned,
                file,
            ),
            client_key: self.env_value(fields[5], &[names.client_key], str::to_owned, file),
            insecure: self.env_value(
                fields[6],
                &[names.insecure],
                str::to_owned,
                parse::parse_bool,
            ),
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
            v::OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE,
            v::OTEL_EXPORTER_OTLP_CLIENT_KEY,
        );
        for (signal, own) in signals {
            if own.client_certificate.is_none() && own.client_key.is_none() {
                continue;
            }
            let (names, _) = signal_vars(signal);
            check(
                own.client_certificate.is_some() || generic.0.is_some(),
                own.client_key.is_some() || generic.1.is_some(),
                names.client_certificate,
                names.client_key,
            );
        }
    }

    /// A specific variable, else the general fallback, with no "shadowed"
    /// warning: the general one is meant to be overridden.
    fn with_fallback<T: PartialEq>(
        &mut self,
        field: Field,
        specific: &'static str,
        general: &'static str,
        parse: fn(&str) -> Result<T, InvalidValue>,
    ) -> Option<T> {
        self.env_value(field, &[specific], str::to_owned, parse)
            .or_else(|| self.env_value(field, &[general], str::to_owned, parse))
    }

    /// `LETTA_TELEMETRY_LEGACY_ATTRIBUTES`, else what
    /// `OTEL_SEMCONV_STABILITY_OPT_IN` says of HTTP, else on.
    pub(super) fn legacy_attributes(&mut self, code: Option<bool>) -> bool {
        if let Some(on) = self.boolean(Field::LegacyAttributes, code, &[v::LEGACY_ATTRIBUTES]) {
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
        self.env_value(
            Field::LegacyAttributes,
            &[v::OTEL_SEMCONV_STABILITY_OPT_IN],
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
        let exporter = |r: &mut Self, field, name| -> ExporterKind {
            r.env_value(field, &[name], str::to_owned, str::parse)
                .unwrap_or_default()
        };
        let traces_exporter = exporter(self, Field::TracesExporter, v::OTEL_TRACES_EXPORTER);
        let metrics_exporter = exporter(self, Field::MetricsExporter, v::OTEL_METRICS_EXPORTER);
        let logs_exporter = exporter(self, Field::LogsExporter, v::OTEL_LOGS_EXPORTER);
        let propagators = self
            .env_value(
                Field::Propagators,
                &[v::OTEL_PROPAGATORS],
                str::to_owned,
                sdk::parse_propagators,
            )
            .unwrap_or(d.propagators);
        let count = |r: &mut Self, field, specific| {
            r.with_fallback(field, specific, v::OTEL_ATTRIBUTE_COUNT_LIMIT, parse_limit)
        };
        let span_limits = SpanLimitSettings {
            attribute_count: count(
                self,
                Field::SpanAttributeCount,
                v::OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT,
            )
            .unwrap_or(dl.attribute_count),
            event_count: self
                .env_value(
                    Field::SpanEventCount,
                    &[v::OTEL_SPAN_EVENT_COUNT_LIMIT],
                    str::to_owned,
                    parse_limit,
                )
                .unwrap_or(dl.event_count),
            link_count: self
                .env_value(
                    Field::SpanLinkCount,
                    &[v::OTEL_SPAN_LINK_COUNT_LIMIT],
                    str::to_owned,
                    parse_limit,
                )
                .unwrap_or(dl.link_count),
            event_attribute_count: count(
                self,
                Field::SpanEventAttributeCount,
                v::OTEL_EVENT_ATTRIBUTE_COUNT_LIMIT,
            )
            .unwrap_or(dl.event_attribute_count),
            link_attribute_count: count(
                self,
                Field::SpanLinkAttributeCount,
                v::OTEL_LINK_ATTRIBUTE_COUNT_LIMIT,
            )
            .unwrap_or(dl.link_attribute_count),
            attribute_value_length: self.with_fallback(
                Field::SpanAttributeValueLength,
                v::OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT,
                v::OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT,
                parse_length,
            ),
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
        let millis = |r: &mut Self, field, name, default: Duration| {
            r.env_value(field, &[name], str::to_owned, parse::parse_millis)
                .unwrap_or(default)
        };
        let span_export_timeout = millis(
            self,
            Field::SpanExportTimeout,
            v::OTEL_BSP_EXPORT_TIMEOUT,
            d.span_export_timeout,
        );
        let metric_export_timeout = millis(
            self,
            Field::MetricExportTimeout,
            v::OTEL_METRIC_EXPORT_TIMEOUT,
            d.metric_export_timeout,
        );
        let size = |r: &mut Self, field, name, default| {
            r.env_value(field, &[name], str::to_owned, parse::parse_positive_usize)
                .unwrap_or(default)
        };
        let log_batch = LogBatchSettings {
            max_queue_size: size(
                self,
                Field::LogBatchMaxQueueSize,
                v::OTEL_BLRP_MAX_QUEUE_SIZE,
                db.max_queue_size,
            ),
            max_export_batch_size: size(
                self,
                Field::LogBatchMaxExportBatchSize,
                v::OTEL_BLRP_MAX_EXPORT_BATCH_SIZE,
                db.max_export_batch_size,
            ),
            schedule_delay: millis(
                self,
                Field::LogBatchScheduleDelay,
                v::OTEL_BLRP_SCHEDULE_DELAY,
                db.schedule_delay,
            ),
            export_timeout: millis(
                self,
                Field::LogBatchExportTimeout,
                v::OTEL_BLRP_EXPORT_TIMEOUT,
                db.export_timeout,
            ),
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
                v::OTEL_BLRP_MAX_EXPORT_BATCH_SIZE,
                log_batch.max_export_batch_size.to_string(),
                format!(
                    "a batch size at most the queue size ({})",
                    log_batch.max_queue_size
                ),
            ));
        }
        let log_level = self.env_value(
            Field::SdkLogLevel,
            &[v::OTEL_LOG_LEVEL],
            str::to_owned,
            sdk::parse_log_level,
        );
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
