//! `letta-otel traces` on a checked-in OTLP-JSON file: the waterfall, the UI
//! filter, the list, the stats, and the errors.

use std::path::PathBuf;
use std::process::{Command, Output};

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join("fixtures")
        .join(name)
}

fn traces(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_letta-otel"))
        .arg("traces")
        .args(args)
        .arg("--file")
        .arg(fixture("traces.json"))
        .output()
        .expect("run letta-otel")
}

fn expected(name: &str) -> String {
    std::fs::read_to_string(fixture(name)).expect("expected output file")
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[test]
fn show_prints_the_expected_tree() {
    let output = traces(&["show", "0af7651916cd43dd8448eb211c80319c"]);
    assert!(output.status.success());
    assert_eq!(stdout(&output), expected("show_full.txt"));
}

#[test]
fn show_ui_keeps_only_the_reference_ui_spans() {
    let output = traces(&["show", "0af7651916cd43dd8448eb211c80319c", "--ui"]);
    assert!(output.status.success());
    assert_eq!(stdout(&output), expected("show_ui.txt"));
}

#[test]
fn show_accepts_slowest_and_uppercase_ids() {
    let slowest = traces(&["show", "slowest"]);
    let upper = traces(&["show", "0AF7651916CD43DD8448EB211C80319C"]);
    assert_eq!(stdout(&slowest), expected("show_full.txt"));
    assert_eq!(stdout(&upper), expected("show_full.txt"));
}

#[test]
fn stats_prints_per_route_percentiles_and_error_rates() {
    let output = traces(&["stats"]);
    assert!(output.status.success());
    assert_eq!(stdout(&output), expected("stats.txt"));
}

#[test]
fn list_shows_newest_first_with_root_duration_spans_and_status() {
    let output = traces(&["list"]);
    assert!(output.status.success());
    let text = stdout(&output);
    let rows: Vec<&str> = text.lines().skip(1).collect();
    assert_eq!(rows.len(), 2, "{text}");
    assert!(rows[0].contains("4bf92f3577b34da6a3ce929d0e0e4736"));
    assert!(rows[0].contains("GET /v1/agents/{agent_id}"));
    assert!(rows[1].contains("0af7651916cd43dd8448eb211c80319c"));
    assert!(rows[1].contains("152.0 ms"));
    assert!(rows[1].contains("  7  "));
}

#[test]
fn malformed_lines_are_skipped_and_counted() {
    let output = traces(&["list"]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("skipped 2 malformed lines (first at line 3"),
        "{stderr}"
    );
}

#[test]
fn missing_file_and_unknown_trace_are_clear_errors() {
    let output = Command::new(env!("CARGO_BIN_EXE_letta-otel"))
        .args(["traces", "list", "--file", "/nonexistent/traces.json"])
        .output()
        .expect("run");
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("/nonexistent/traces.json does not exist"),
        "{stderr}"
    );

    let output = traces(&["show", "ffffffffffffffffffffffffffffffff"]);
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("no trace with id ffffffffffffffffffffffffffffffff"),
        "{stderr}"
    );

    let output = traces(&["show", "not-a-trace"]);
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("expected 32 hex digits"));
}

#[test]
fn a_torn_last_line_that_is_not_utf8_is_skipped_not_fatal() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("traces.json");
    let mut bytes = std::fs::read(fixture("traces.json")).expect("fixture");
    // A full disk cut the last line inside a multi-byte character.
    bytes.extend_from_slice(b"{\"resourceSpans\":[{\"scopeSpans\":\"caf\xc3");
    std::fs::write(&path, &bytes).expect("write");
    for command in [&["list"][..], &["stats"][..], &["show", "slowest"][..]] {
        let output = Command::new(env!("CARGO_BIN_EXE_letta-otel"))
            .arg("traces")
            .args(command)
            .arg("--file")
            .arg(&path)
            .output()
            .expect("run letta-otel");
        assert!(output.status.success(), "{command:?}: {output:?}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains("skipped 3 malformed lines"), "{stderr}");
    }
}
