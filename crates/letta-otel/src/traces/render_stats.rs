//! `traces stats`: per-route latency percentiles and error rates.

use std::fmt::Write as _;

use super::stats::RouteStats;

/// Renders the per-route table.
pub fn render_stats(stats: &[RouteStats]) -> String {
    let width = stats
        .iter()
        .map(|s| s.route.chars().count())
        .max()
        .unwrap_or(5)
        .max(5);
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{:<width$}  {:>6}  {:>6}  {:>6}  {:>9}  {:>9}  {:>9}  {:>9}",
        "ROUTE", "COUNT", "ERRORS", "ERR%", "P50 ms", "P95 ms", "P99 ms", "MAX ms"
    );
    for s in stats {
        let _ = writeln!(
            out,
            "{:<width$}  {:>6}  {:>6}  {:>5.1}%  {:>9.1}  {:>9.1}  {:>9.1}  {:>9.1}",
            s.route,
            s.count,
            s.errors,
            s.error_rate() * 100.0,
            s.p50_ms,
            s.p95_ms,
            s.p99_ms,
            s.max_ms
        );
    }
    out
}
