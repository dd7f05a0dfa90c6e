//! Reader for OTLP-JSON metric lines (`metrics.json`): one
//! `ExportMetricsServiceRequest` per line.
//!
//! Delta points are summed; for cumulative points the latest value of each
//! series is kept; gauges keep their latest value.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::path::Path;

use serde_json::Value;

/// Attributes of a series, as sorted `key=value` pairs.
pub type SeriesKey = Vec<(String, String)>;

/// The aggregated value of one series.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SeriesValue {
    /// Sum (counters), latest value (gauges), or sum of observations (histograms).
    pub value: f64,
    /// Histograms: number of observations.
    pub count: u64,
    /// Histograms: bucket upper bounds.
    pub bounds: Vec<f64>,
    /// Histograms: counts per bucket (`bounds.len() + 1` entries).
    pub buckets: Vec<u64>,
    /// Largest value seen (gauges and sums).
    pub max: f64,
    /// Latest point time seen, ns since the epoch.
    pub time_ns: u64,
}

impl SeriesValue {
    /// Approximate quantile `q` (0..=1) from the buckets: the upper bound of
    /// the bucket where the quantile falls (the last finite bound for the
    /// overflow bucket). `None` without observations.
    pub fn quantile(&self, q: f64) -> Option<f64> {
        if self.count == 0 || self.buckets.is_empty() {
            return None;
        }
        let target = (q * self.count as f64).ceil().max(1.0) as u64;
        let mut seen = 0;
        for (i, n) in self.buckets.iter().enumerate() {
            seen += n;
            if seen >= target {
                return self.bounds.get(i).or_else(|| self.bounds.last()).copied();
            }
        }
        self.bounds.last().copied()
    }
}

/// Every metric read from a file: name → series → value.
#[derive(Debug, Clone, Default)]
pub struct Metrics {
    /// By metric name.
    pub by_name: BTreeMap<String, BTreeMap<SeriesKey, SeriesValue>>,
    /// Lines skipped as malformed.
    pub skipped_lines: usize,
}

impl Metrics {
    /// The series of `name` (empty when absent).
    pub fn series(&self, name: &str) -> impl Iterator<Item = (&SeriesKey, &SeriesValue)> {
        self.by_name.get(name).into_iter().flatten()
    }

    /// Sum of the values of every series of `name` (0 when absent).
    pub fn total(&self, name: &str) -> f64 {
        self.series(name)
            .map(|(_, v)| v.value)
            .fold(0.0, |a, b| a + b)
    }

    /// Sum over the series of `name` of each series' largest value.
    pub fn peak(&self, name: &str) -> f64 {
        self.series(name)
            .map(|(_, v)| v.max)
            .fold(0.0, |a, b| a + b)
    }
}

/// Attribute `key` of a series.
pub fn attr<'a>(series: &'a SeriesKey, key: &str) -> Option<&'a str> {
    series
        .iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.as_str())
}

/// Reads `path`, keeping points whose time is at or after `since_ns`.
pub fn read_metrics(path: &Path, since_ns: u64) -> std::io::Result<Metrics> {
    let file = std::fs::File::open(path)?;
    let mut metrics = Metrics::default();
    // Split on bytes: a torn last line may not be UTF-8; it is skipped.
    for line in BufReader::new(file).split(b'\n') {
        let line = line?;
        if line.trim_ascii().is_empty() {
            continue;
        }
        match serde_json::from_slice::<Value>(&line) {
            Ok(value) if value.get("resourceMetrics").is_some() => {
                apply_request(&mut metrics, &value, since_ns);
            }
            _ => metrics.skipped_lines += 1,
        }
    }
    Ok(metrics)
}

fn arr<'a>(value: &'a Value, key: &str) -> &'a [Value] {
    value
        .get(key)
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or_default()
}

fn num_u64(value: Option<&Value>) -> u64 {
    match value {
        Some(Value::Number(n)) => n.as_u64().unwrap_or(0),
        Some(Value::String(s)) => s.parse().unwrap_or(0),
        _ => 0,
    }
}

fn num_f64(value: Option<&Value>) -> f64 {
    match value {
        Some(Value::Number(n)) => n.as_f64().unwrap_or(0.0),
        Some(Value::String(s)) => s.parse().unwrap_or(0.0),
        _ => 0.0,
    }
}

fn point_value(point: &Value) -> f64 {
    point
        .get("asDouble")
        .or_else(|| point.get("asInt"))
        .map(|v| num_f64(Some(v)))
        .unwrap_or(0.0)
}

fn series_key(point: &Value) -> SeriesKey {
    let mut key: SeriesKey = arr(point, "attributes")
        .iter()
        .filter_map(|kv| {
            let k = kv.get("key")?.as_str()?.to_owned();
            let v = kv.get("value")?;
            let v = v
                .get("stringValue")
                .and_then(Value::as_str)
                .map(str::to_owned)
                .or_else(|| v.get("boolValue").map(|b| b.to_string()))
                .or_else(|| {
                    v.get("intValue")
                        .map(|i| i.to_string().trim_matches('"').to_owned())
                })
                .or_else(|| v.get("doubleValue").map(|d| d.to_string()))
                .unwrap_or_default();
            Some((k, v))
        })
        .collect();
    key.sort();
    key
}

fn apply_request(metrics: &mut Metrics, request: &Value, since_ns: u64) {
    for rm in arr(request, "resourceMetrics") {
        for sm in arr(rm, "scopeMetrics") {
            for metric in arr(sm, "metrics") {
                let Some(name) = metric.get("name").and_then(Value::as_str) else {
                    continue;
                };
                let entry = metrics.by_name.entry(name.to_owned()).or_default();
                let (data, kind) = if let Some(d) = metric.get("sum") {
                    (d, "sum")
                } else if let Some(d) = metric.get("gauge") {
                    (d, "gauge")
                } else if let Some(d) = metric.get("histogram") {
                    (d, "histogram")
                } else {
                    continue;
                };
                let cumulative = matches!(
                    data.get("aggregationTemporality"),
                    Some(Value::Number(n)) if n.as_i64() == Some(2)
                ) || data.get("aggregationTemporality").and_then(Value::as_str)
                    == Some("AGGREGATION_TEMPORALITY_CUMULATIVE");
                for point in arr(data, "dataPoints") {
                    let time_ns = num_u64(point.get("timeUnixNano"));
                    if time_ns < since_ns {
                        continue;
                    }
                    let slot = entry.entry(series_key(point)).or_default();
                    let newer = time_ns >= slot.time_ns;
                    match kind {
                        "gauge" => {
                            if newer {
                                slot.value = point_value(point);
                            }
                        }
                        "sum" => {
                            if cumulative {
                                if newer {
                                    slot.value = point_value(point);
                                }
                            } else {
                                slot.value += point_value(point);
                            }
                        }
                        _ => {
                            let count = num_u64(point.get("count"));
                            let sum = num_f64(point.get("sum"));
                            let bounds: Vec<f64> = arr(point, "explicitBounds")
                                .iter()
                                .map(|b| num_f64(Some(b)))
                                .collect();
                            let buckets: Vec<u64> = arr(point, "bucketCounts")
                                .iter()
                                .map(|b| num_u64(Some(b)))
                                .collect();
                            if cumulative || slot.buckets.len() != buckets.len() {
                                if newer || slot.count == 0 {
                                    slot.count = count;
                                    slot.value = sum;
                                    slot.bounds = bounds;
                                    slot.buckets = buckets;
                                }
                            } else {
                                slot.count += count;
                                slot.value += sum;
                                for (a, b) in slot.buckets.iter_mut().zip(buckets) {
                                    *a += b;
                                }
                            }
                        }
                    }
                    slot.max = slot.max.max(slot.value);
                    slot.time_ns = slot.time_ns.max(time_ns);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_and_torn_lines_are_skipped_and_counted() -> std::io::Result<()> {
        let dir = tempfile::tempdir()?;
        let path = dir.path().join("metrics.json");
        let good = r#"{"resourceMetrics":[]}"#;
        let mut bytes = format!("{good}\nnot json\n\n{good}\n").into_bytes();
        bytes.extend_from_slice(b"{\"resourceMetrics\":[\"\xe2\x82");
        std::fs::write(&path, bytes)?;
        let metrics = read_metrics(&path, 0)?;
        assert_eq!(metrics.skipped_lines, 2);
        Ok(())
    }
}
