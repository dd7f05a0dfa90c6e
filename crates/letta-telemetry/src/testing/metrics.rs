//! In-memory metric recorder for unit tests of metric values.

use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use opentelemetry::{KeyValue, Value};
use opentelemetry_sdk::Resource;
use opentelemetry_sdk::error::OTelSdkResult;
use opentelemetry_sdk::metrics::data::{AggregatedMetrics, MetricData, ResourceMetrics};
use opentelemetry_sdk::metrics::exporter::PushMetricExporter;
use opentelemetry_sdk::metrics::{SdkMeterProvider, Temporality};

use crate::metrics::MetricsOptions;

/// The value of one exported point.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum PointValue {
    /// A counter or up-down counter (as `f64`).
    Sum(f64),
    /// A gauge (as `f64`).
    Gauge(f64),
    /// A histogram.
    Histogram {
        /// Number of measurements.
        count: u64,
        /// Sum of the measurements.
        sum: f64,
        /// Bucket upper bounds.
        bounds: Vec<f64>,
        /// Counts per bucket (one more than `bounds`).
        bucket_counts: Vec<u64>,
    },
}

/// One exported metric point, flattened for assertions.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct MetricPoint {
    /// Instrument name.
    pub name: String,
    /// Unit.
    pub unit: String,
    /// Temporality (`None` for gauges).
    pub temporality: Option<Temporality>,
    /// Attributes of the point.
    pub attributes: Vec<KeyValue>,
    /// The value.
    pub value: PointValue,
}

impl MetricPoint {
    /// The value of attribute `key`, if present.
    pub fn attribute(&self, key: &str) -> Option<&Value> {
        self.attributes
            .iter()
            .find(|kv| kv.key.as_str() == key)
            .map(|kv| &kv.value)
    }

    /// The counter/gauge value, or the histogram's sum.
    pub fn number(&self) -> f64 {
        match &self.value {
            PointValue::Sum(v) | PointValue::Gauge(v) => *v,
            PointValue::Histogram { sum, .. } => *sum,
        }
    }

    /// The histogram's count (1 for other points).
    pub fn count(&self) -> u64 {
        match &self.value {
            PointValue::Histogram { count, .. } => *count,
            _ => 1,
        }
    }
}

/// Collects exported metric points in memory.
#[derive(Debug, Clone)]
pub struct MetricRecorder {
    points: Arc<Mutex<Vec<MetricPoint>>>,
    provider: SdkMeterProvider,
}

impl MetricRecorder {
    /// Collects now and returns (and forgets) every point exported so far.
    pub fn collect(&self) -> Vec<MetricPoint> {
        let _ = self.provider.force_flush();
        self.points
            .lock()
            .map(|mut p| std::mem::take(&mut *p))
            .unwrap_or_default()
    }

    /// Collects now and returns the points of instrument `name`.
    pub fn named(&self, name: &str) -> Vec<MetricPoint> {
        self.collect()
            .into_iter()
            .filter(|p| p.name == name)
            .collect()
    }

    /// The meter provider behind the registry (for plain SDK comparisons).
    pub fn provider(&self) -> &SdkMeterProvider {
        &self.provider
    }
}

struct Sink {
    points: Arc<Mutex<Vec<MetricPoint>>>,
    temporality: Temporality,
}

fn flatten<T: ToF64>(name: &str, unit: &str, data: &MetricData<T>, out: &mut Vec<MetricPoint>) {
    let point = |attrs: Vec<KeyValue>, temporality, value| MetricPoint {
        name: name.to_owned(),
        unit: unit.to_owned(),
        temporality,
        attributes: attrs,
        value,
    };
    match data {
        MetricData::Gauge(g) => out.extend(g.data_points().map(|p| {
            point(
                p.attributes().cloned().collect(),
                None,
                PointValue::Gauge(p.value().to_f64()),
            )
        })),
        MetricData::Sum(s) => out.extend(s.data_points().map(|p| {
            point(
                p.attributes().cloned().collect(),
                Some(s.temporality()),
                PointValue::Sum(p.value().to_f64()),
            )
        })),
        MetricData::Histogram(h) => out.extend(h.data_points().map(|p| {
            point(
                p.attributes().cloned().collect(),
                Some(h.temporality()),
                PointValue::Histogram {
                    count: p.count(),
                    sum: p.sum().to_f64(),
                    bounds: p.bounds().collect(),
                    bucket_counts: p.bucket_counts().collect(),
                },
            )
        })),
        MetricData::ExponentialHistogram(_) => {}
    }
}

impl PushMetricExporter for Sink {
    async fn export(&self, metrics: &ResourceMetrics) -> OTelSdkResult {
        let mut flat = Vec::new();
        for sm in metrics.scope_metrics() {
            for m in sm.metrics() {
                match m.data() {
                    AggregatedMetrics::F64(d) => flatten(m.name(), m.unit(), d, &mut flat),
                    AggregatedMetrics::U64(d) => flatten(m.name(), m.unit(), d, &mut flat),
                    AggregatedMetrics::I64(d) => flatten(m.name(), m.unit(), d, &mut flat),
                }
            }
        }
        if let Ok(mut p) = self.points.lock() {
            p.extend(flat);
        }
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

/// Numbers of exported points, widened to `f64` for assertions.
trait ToF64: Copy {
    fn to_f64(self) -> f64;
}
impl ToF64 for f64 {
    fn to_f64(self) -> f64 {
        self
    }
}
impl ToF64 for u64 {
    fn to_f64(self) -> f64 {
        self as f64
    }
}
impl ToF64 for i64 {
    fn to_f64(self) -> f64 {
        self as f64
    }
}

static RECORDER: OnceLock<MetricRecorder> = OnceLock::new();

/// Installs (once per process) the metrics pipeline with an in-memory
/// exporter and the given temporality, and returns its recorder. The
/// process registry ([`crate::metrics::registry`]) records into it.
pub fn install_metric_recorder_with(
    temporality: Temporality,
    options: &MetricsOptions,
) -> MetricRecorder {
    RECORDER
        .get_or_init(|| {
            let points = Arc::new(Mutex::new(Vec::new()));
            let sink = Sink {
                points: points.clone(),
                temporality,
            };
            let options = options
                .clone()
                .with_export_interval(Duration::from_secs(3600));
            let provider = crate::metrics::build_meter_provider(
                sink,
                Resource::builder_empty().build(),
                &options,
            );
            crate::metrics::install_registry(&provider);
            MetricRecorder { points, provider }
        })
        .clone()
}

/// [`install_metric_recorder_with`] with delta temporality (the reference
/// default) and default options.
pub fn install_metric_recorder() -> MetricRecorder {
    install_metric_recorder_with(Temporality::Delta, &MetricsOptions::default())
}
