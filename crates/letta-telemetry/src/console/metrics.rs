//! [`ConsoleMetricExporter`]: a line per metric point on stdout.

use std::fmt::Write as _;
use std::time::Duration;

use opentelemetry_proto::tonic::collector::metrics::v1::ExportMetricsServiceRequest;
use opentelemetry_proto::tonic::common::v1::{AnyValue, KeyValue, any_value};
use opentelemetry_proto::tonic::metrics::v1::{metric, number_data_point};
use opentelemetry_sdk::error::OTelSdkResult;
use opentelemetry_sdk::metrics::Temporality;
use opentelemetry_sdk::metrics::data::ResourceMetrics;
use opentelemetry_sdk::metrics::exporter::PushMetricExporter;

/// Writes each data point as `<time> metric <name> <kind> value=… <attributes>`
/// (histograms: `count=… sum=…`), going through the OTLP form of the
/// collection, which the file exporter uses too.
#[derive(Debug)]
pub(crate) struct ConsoleMetricExporter {
    temporality: Temporality,
}

impl ConsoleMetricExporter {
    pub(crate) fn new(temporality: Temporality) -> Self {
        Self { temporality }
    }
}

fn any_value(v: &Option<AnyValue>) -> String {
    match v.as_ref().and_then(|v| v.value.as_ref()) {
        Some(any_value::Value::StringValue(s)) => s.clone(),
        Some(any_value::Value::BoolValue(b)) => b.to_string(),
        Some(any_value::Value::IntValue(i)) => i.to_string(),
        Some(any_value::Value::DoubleValue(d)) => d.to_string(),
        Some(other) => format!("{other:?}"),
        None => String::new(),
    }
}

fn point_line(name: &str, kind: &str, values: &str, attributes: &[KeyValue]) -> String {
    let mut line = format!(
        "{} metric {name} {kind} {values}",
        super::timestamp(Some(std::time::SystemTime::now()))
    );
    super::push_pairs(
        &mut line,
        attributes
            .iter()
            .map(|kv| (kv.key.as_str(), any_value(&kv.value))),
    );
    line.push('\n');
    line
}

/// The lines of one collection.
pub(crate) fn metric_lines(metrics: &ResourceMetrics) -> String {
    let request = ExportMetricsServiceRequest::from(metrics);
    let mut out = String::new();
    for m in request
        .resource_metrics
        .iter()
        .flat_map(|rm| &rm.scope_metrics)
        .flat_map(|sm| &sm.metrics)
    {
        let number = |p: &opentelemetry_proto::tonic::metrics::v1::NumberDataPoint| match p.value {
            Some(number_data_point::Value::AsInt(i)) => format!("value={i}"),
            Some(number_data_point::Value::AsDouble(d)) => format!("value={d}"),
            None => "value=-".into(),
        };
        match &m.data {
            Some(metric::Data::Sum(s)) => {
                for p in &s.data_points {
                    out.push_str(&point_line(&m.name, "sum", &number(p), &p.attributes));
                }
            }
            Some(metric::Data::Gauge(g)) => {
                for p in &g.data_points {
                    out.push_str(&point_line(&m.name, "gauge", &number(p), &p.attributes));
                }
            }
            Some(metric::Data::Histogram(h)) => {
                for p in &h.data_points {
                    let mut values = format!("count={}", p.count);
                    if let Some(sum) = p.sum {
                        let _ = write!(values, " sum={sum}");
                    }
                    out.push_str(&point_line(&m.name, "histogram", &values, &p.attributes));
                }
            }
            Some(metric::Data::ExponentialHistogram(h)) => {
                for p in &h.data_points {
                    let values = format!("count={}", p.count);
                    out.push_str(&point_line(
                        &m.name,
                        "exponential_histogram",
                        &values,
                        &p.attributes,
                    ));
                }
            }
            _ => {}
        }
    }
    out
}

impl PushMetricExporter for ConsoleMetricExporter {
    async fn export(&self, metrics: &ResourceMetrics) -> OTelSdkResult {
        super::write_lines(&metric_lines(metrics));
        Ok(())
    }

    fn force_flush(&self) -> OTelSdkResult {
        Ok(())
    }

    fn shutdown_with_timeout(&self, _timeout: Duration) -> OTelSdkResult {
        Ok(())
    }

    fn temporality(&self) -> Temporality {
        self.temporality
    }
}
