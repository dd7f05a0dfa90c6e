//! Per-route latency percentiles and error rates.

use std::collections::BTreeMap;

use super::model::{Span, SpanKind, StatusCode};

/// Latency and errors of one route (root SERVER spans grouped by name).
#[derive(Debug, Clone, PartialEq)]
pub struct RouteStats {
    /// The span name, `METHOD /route/{template}`.
    pub route: String,
    /// Number of requests.
    pub count: usize,
    /// Requests with status ERROR.
    pub errors: usize,
    /// Median latency, ms.
    pub p50_ms: f64,
    /// 95th percentile latency, ms.
    pub p95_ms: f64,
    /// 99th percentile latency, ms.
    pub p99_ms: f64,
    /// Maximum latency, ms.
    pub max_ms: f64,
}

impl RouteStats {
    /// errors / count, 0 when there is no request.
    pub fn error_rate(&self) -> f64 {
        if self.count == 0 {
            0.0
        } else {
            self.errors as f64 / self.count as f64
        }
    }
}

/// Nearest-rank percentile `p` (0..=100) of `sorted` (ascending); 0 when empty.
pub fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

/// Statistics per route over the SERVER spans (all of them when the source
/// has no SERVER span kind), sorted by route name.
pub fn route_stats(spans: &[Span]) -> Vec<RouteStats> {
    let has_server = spans.iter().any(|s| s.kind == SpanKind::Server);
    let mut by_route: BTreeMap<&str, (Vec<f64>, usize)> = BTreeMap::new();
    for span in spans {
        let counts = if has_server {
            span.kind == SpanKind::Server
        } else {
            span.is_root()
        };
        if !counts {
            continue;
        }
        let entry = by_route.entry(span.name.as_str()).or_default();
        entry.0.push(span.duration_ns() as f64 / 1e6);
        if span.status.code == StatusCode::Error {
            entry.1 += 1;
        }
    }
    by_route
        .into_iter()
        .map(|(route, (mut latencies, errors))| {
            latencies.sort_by(f64::total_cmp);
            RouteStats {
                route: route.to_owned(),
                count: latencies.len(),
                errors,
                p50_ms: percentile(&latencies, 50.0),
                p95_ms: percentile(&latencies, 95.0),
                p99_ms: percentile(&latencies, 99.0),
                max_ms: latencies.last().copied().unwrap_or(0.0),
            }
        })
        .collect()
}
