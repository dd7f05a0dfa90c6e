//! The measurements and the table: medians over rounds, and each variant's
//! added CPU against "off" (and "bare") of the same round, so that drift
//! between rounds (other load, frequency) cancels out. "off" is the
//! variant's own baseline when that was measured (`off-parent`, the same
//! requests as `unsampled-parent`).

use std::fmt::Write as _;

use crate::variant::{Route, Variant};

/// One measured run of one server.
#[derive(Debug, Clone, PartialEq)]
pub struct Sample {
    /// Which round it belongs to.
    pub round: usize,
    /// The route driven.
    pub route: Route,
    /// The telemetry variant.
    pub variant: Variant,
    /// Server CPU (user + system) per answered request, in µs; or, with
    /// `--callgrind`, thousands of instructions per request.
    pub cost: f64,
    /// Answered requests per second.
    pub rps: f64,
    /// The server's context switches per answered request (every thread).
    pub switches_per_request: f64,
    /// Where the CPU went, by thread group (`None` under callgrind).
    pub threads: Option<ThreadTimes>,
    /// Requests that failed.
    pub failed: u64,
    /// Spans the server's pipeline enqueued per request, over its life
    /// (`None`: not counted, e.g. the peer's).
    pub spans_per_request: Option<f64>,
    /// Spans lost (queue full or failed export), over its life.
    pub spans_lost: Option<u64>,
    /// The server's peak resident memory, in MiB.
    pub peak_rss_mib: Option<f64>,
}

/// Server CPU per answered request by thread group, in µs (see
/// [`ThreadGroups`](crate::cpu::ThreadGroups)).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ThreadTimes {
    /// The request-serving runtime and the main thread.
    pub serving: f64,
    /// SQLite's worker threads.
    pub db: f64,
    /// Telemetry's own threads (export, the metric reader).
    pub telemetry: f64,
}

/// The median of `values` (the mean of the middle two for an even count).
pub fn median(values: &mut [f64]) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    values.sort_by(f64::total_cmp);
    let mid = values.len() / 2;
    Some(if values.len() % 2 == 1 {
        values[mid]
    } else {
        (values[mid - 1] + values[mid]) / 2.0
    })
}

/// The median over rounds of `variant`'s CPU minus `baseline`'s CPU in the
/// same round (both on `route`).
fn paired_delta(
    samples: &[Sample],
    route: Route,
    variant: Variant,
    baseline: Variant,
) -> Option<f64> {
    let mut deltas: Vec<f64> = samples
        .iter()
        .filter(|s| s.route == route && s.variant == variant)
        .filter_map(|s| {
            samples
                .iter()
                .find(|b| b.route == route && b.variant == baseline && b.round == s.round)
                .map(|b| s.cost - b.cost)
        })
        .collect();
    median(&mut deltas)
}

/// The median of `field` over `route` × `variant`'s samples.
fn median_of(
    samples: &[Sample],
    route: Route,
    variant: Variant,
    field: impl Fn(&Sample) -> Option<f64>,
) -> Option<f64> {
    let mut values: Vec<f64> = samples
        .iter()
        .filter(|s| s.route == route && s.variant == variant)
        .filter_map(field)
        .collect();
    median(&mut values)
}

/// The markdown table of every route and variant measured.
/// `unit` names the cost (`µs`: CPU µs per request, `kIr`: thousands of
/// instructions per request).
pub fn table(samples: &[Sample], routes: &[Route], variants: &[Variant], unit: &str) -> String {
    let mut out = format!(
        "| route | telemetry | {unit}/req | added {unit} vs off | added % vs off | added {unit} vs bare | req/s | switches/req | spans/req | lost | failed | peak RSS MiB | serving threads µs/req | DB threads µs/req | telemetry threads µs/req |\n\
         |---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n",
    );
    let cell = |v: Option<f64>, digits: usize| {
        v.map_or_else(|| "–".to_owned(), |v| format!("{v:.digits$}"))
    };
    for &route in routes {
        for &variant in variants {
            let cpu = median_of(samples, route, variant, |s| Some(s.cost));
            if cpu.is_none() {
                continue;
            }
            // against the same requests with telemetry off, when measured
            let baseline = [variant.baseline(), Variant::Off]
                .into_iter()
                .find(|&b| median_of(samples, route, b, |s| Some(s.cost)).is_some())
                .unwrap_or(Variant::Off);
            let off = median_of(samples, route, baseline, |s| Some(s.cost));
            let vs_off = paired_delta(samples, route, variant, baseline);
            let pct = vs_off.zip(off).map(|(d, o)| 100.0 * d / o);
            let vs_bare = paired_delta(samples, route, variant, Variant::Bare);
            let rps = median_of(samples, route, variant, |s| Some(s.rps));
            let switches = median_of(samples, route, variant, |s| Some(s.switches_per_request));
            let spans = median_of(samples, route, variant, |s| s.spans_per_request);
            let rss = median_of(samples, route, variant, |s| s.peak_rss_mib);
            let serving = median_of(samples, route, variant, |s| s.threads.map(|t| t.serving));
            let db = median_of(samples, route, variant, |s| s.threads.map(|t| t.db));
            let telemetry = median_of(samples, route, variant, |s| s.threads.map(|t| t.telemetry));
            let of_variant = || {
                samples
                    .iter()
                    .filter(|s| s.route == route && s.variant == variant)
            };
            let lost: Option<u64> = of_variant().map(|s| s.spans_lost).sum();
            let failed: u64 = of_variant().map(|s| s.failed).sum();
            let _ = writeln!(
                out,
                "| {route} | {variant} | {} | {} | {} | {} | {} | {} | {} | {} | {failed} | {} | {} | {} | {} |",
                cell(cpu, 1),
                cell(vs_off, 1),
                cell(pct, 1),
                cell(vs_bare, 1),
                cell(rps, 0),
                cell(switches, 2),
                cell(spans, 2),
                lost.map_or_else(|| "–".to_owned(), |l| l.to_string()),
                cell(rss, 0),
                cell(serving, 1),
                cell(db, 1),
                cell(telemetry, 1),
            );
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(round: usize, variant: Variant, cpu_us: f64) -> Sample {
        Sample {
            round,
            route: Route::Read,
            variant,
            cost: cpu_us,
            rps: 1000.0,
            switches_per_request: 5.0,
            threads: Some(ThreadTimes {
                serving: cpu_us - 20.0,
                db: 15.0,
                telemetry: 5.0,
            }),
            failed: 0,
            spans_per_request: Some(2.0),
            spans_lost: Some(0),
            peak_rss_mib: None,
        }
    }

    #[test]
    fn medians_of_odd_and_even_counts() {
        assert_eq!(median(&mut [3.0, 1.0, 2.0]), Some(2.0));
        assert_eq!(median(&mut [4.0, 1.0, 2.0, 3.0]), Some(2.5));
        assert_eq!(median(&mut []), None);
    }

    #[test]
    fn added_cpu_is_paired_by_round() {
        // round 1 is slower across the board; the paired delta stays 10
        let samples = [
            sample(0, Variant::Off, 50.0),
            sample(0, Variant::Files, 60.0),
            sample(1, Variant::Off, 80.0),
            sample(1, Variant::Files, 90.0),
            sample(2, Variant::Off, 52.0),
            sample(2, Variant::Files, 62.0),
        ];
        assert_eq!(
            paired_delta(&samples, Route::Read, Variant::Files, Variant::Off),
            Some(10.0)
        );
        let table = table(
            &samples,
            &[Route::Read],
            &[Variant::Off, Variant::Files],
            "µs",
        );
        // median CPU 62, +10 µs, +19.2 % of the median "off" (52)
        assert!(
            table.contains("| read | files | 62.0 | 10.0 | 19.2 | – |"),
            "{table}"
        );
        // the thread groups' medians close the row
        assert!(table.contains("| 42.0 | 15.0 | 5.0 |\n"), "{table}");
    }

    #[test]
    fn an_unsampled_parent_is_measured_against_the_same_requests() {
        let samples = [
            sample(0, Variant::Off, 50.0),
            sample(0, Variant::OffParent, 51.0),
            sample(0, Variant::UnsampledParent, 53.0),
        ];
        let variants = [Variant::Off, Variant::OffParent, Variant::UnsampledParent];
        let with = table(&samples, &[Route::Read], &variants, "µs");
        // +2 µs over off-parent (51), 3.9 % of it
        assert!(
            with.contains("| read | unsampled-parent | 53.0 | 2.0 | 3.9 | – |"),
            "{with}"
        );
        // without off-parent measured, "off" is the baseline
        let without = table(
            &samples[..1]
                .iter()
                .chain(&samples[2..])
                .cloned()
                .collect::<Vec<_>>(),
            &[Route::Read],
            &variants,
            "µs",
        );
        assert!(
            without.contains("| read | unsampled-parent | 53.0 | 3.0 | 6.0 | – |"),
            "{without}"
        );
    }
}
