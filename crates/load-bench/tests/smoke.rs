//! The benchmark runs end to end: a short round of the cheapest route with
//! telemetry off, sampled to files, to rotel over gRPC, and the peer
//! baseline; every server answers, and the span counts are the route's
//! (a SERVER span and the traced service call); the export benchmark runs
//! and loses no span. No timing is asserted:
//! the figures belong in `docs/performance.md`, not in a test.

#![allow(clippy::unwrap_used)]

use std::process::Command;

/// The table's row of `variant`, split into cells.
fn row<'a>(table: &'a str, variant: &str) -> Vec<&'a str> {
    table
        .lines()
        .find(|l| l.starts_with(&format!("| read | {variant} |")))
        .unwrap_or_else(|| panic!("no row for {variant} in\n{table}"))
        .split('|')
        .map(str::trim)
        .collect()
}

#[test]
fn a_short_run_measures_every_variant_and_counts_their_spans() {
    let out = Command::new(env!("CARGO_BIN_EXE_load-bench"))
        .args([
            "run",
            "--rounds",
            "1",
            "--seconds",
            "0.5",
            "--warmup",
            "0.2",
        ])
        .args(["--connections", "4", "--routes", "read"])
        .args(["--variants", "off,files,grpc,peer-grpc"])
        .output()
        .unwrap();
    let table = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{table}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // cells: "", route, variant, cost, +off, %off, +bare, req/s,
    // switches/req, spans/req, lost, failed, rss, then µs/req on the
    // serving, DB and telemetry threads
    for variant in ["off", "files", "grpc", "peer-grpc"] {
        let cells = row(&table, variant);
        let rps: f64 = cells[7].parse().unwrap();
        let cost: f64 = cells[3].parse().unwrap();
        let switches: f64 = cells[8].parse().unwrap();
        assert!(
            rps > 0.0 && cost > 0.0 && switches > 0.0,
            "{variant}: {cells:?}"
        );
        assert_eq!(cells[11], "0", "{variant} had failed requests: {cells:?}");
        let serving: f64 = cells[13].parse().unwrap();
        let db: f64 = cells[14].parse().unwrap();
        let telemetry: f64 = cells[15].parse().unwrap();
        assert!(serving > 0.0 && db > 0.0, "{variant}: {cells:?}");
        // off runs no telemetry thread; the others export from theirs
        assert_eq!(telemetry > 0.0, variant != "off", "{variant}: {cells:?}");
    }
    assert_eq!(row(&table, "off")[9], "0.00");
    for variant in ["files", "grpc"] {
        let cells = row(&table, variant);
        let spans: f64 = cells[9].parse().unwrap();
        assert!((1.9..=2.1).contains(&spans), "{variant}: {cells:?}");
        assert_eq!(cells[10], "0", "{variant} lost spans: {cells:?}");
    }
}

#[test]
fn the_export_benchmark_loses_no_span() {
    let out = Command::new(env!("CARGO_BIN_EXE_load-bench"))
        .args(["export", "--spans", "5000", "--targets", "grpc,files"])
        .args(["--param-bytes", "70000"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{text}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // cells: "", target, spans, lost, spans/s, producer, pipeline, per core, collector
    for target in ["Grpc", "Files"] {
        let cells: Vec<&str> = text
            .lines()
            .find(|l| l.starts_with(&format!("| {target} |")))
            .unwrap_or_else(|| panic!("no row for {target} in\n{text}"))
            .split('|')
            .map(str::trim)
            .collect();
        assert_eq!(cells[2], "5000", "{cells:?}");
        assert_eq!(cells[3], "0", "{target} lost spans: {cells:?}");
        let pipeline: f64 = cells[6].parse().unwrap();
        assert!(pipeline > 0.0, "{cells:?}");
    }
    let large: Vec<&str> = text
        .lines()
        .find(|l| l.contains("70000-byte parameter"))
        .unwrap_or_else(|| panic!("no large-parameter row in\n{text}"))
        .split('|')
        .map(str::trim)
        .collect();
    assert_eq!(large[2], "500", "{large:?}");
    assert_eq!(large[3], "0", "large spans lost: {large:?}");
    assert!(text.contains("spans queued unexported hold"), "{text}");
}
