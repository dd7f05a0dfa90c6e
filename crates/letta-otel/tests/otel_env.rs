//! The standard `OTEL_*` variables on the real server: mutual TLS to the
//! real OpenTelemetry Collector (a receiver that requires client
//! certificates), per-signal variables, the console exporter, and span
//! limits as the exported spans show them.

mod faults_support;

use std::path::Path;
use std::time::{Duration, Instant};

use faults_support::{Accounting, read, runtime, start};
use test_peers::util::free_ports;
use test_peers::{Otelcol, TestPki};

type TestResult = Result<(), Box<dyn std::error::Error>>;

/// A collector whose OTLP receivers (gRPC and HTTP) require TLS with a
/// client certificate signed by the test CA, writing traces to `out`.
fn mtls_collector(
    dir: &Path,
    pki: &TestPki,
    out: &Path,
) -> Result<(Otelcol, u16, u16), Box<dyn std::error::Error>> {
    let ports = free_ports(2)?;
    let tls = format!(
        "tls: {{cert_file: {}, key_file: {}, client_ca_file: {}}}",
        pki.server_cert.display(),
        pki.server_key.display(),
        pki.ca.display()
    );
    let config = format!(
        "receivers:
  otlp:
    protocols:
      grpc:
        endpoint: 127.0.0.1:{grpc}
        {tls}
      http:
        endpoint: 127.0.0.1:{http}
        {tls}
exporters:
  file:
    path: {out}
service:
  telemetry:
    metrics:
      level: none
  pipelines:
    traces:
      receivers: [otlp]
      exporters: [file]
",
        grpc = ports[0],
        http = ports[1],
        out = out.display(),
    );
    let path = dir.join("mtls.yaml");
    std::fs::write(&path, config)?;
    let collector = Otelcol::start(&path, &[], &ports)?;
    Ok((collector, ports[0], ports[1]))
}

/// Runs the server with `vars`, creates agents, stops it; returns its trace
/// ids, its stdout and its stderr.
fn run_server(dir: &Path, vars: &[(&str, &str)], agents: usize) -> (Vec<String>, String, String) {
    let rt = runtime();
    let mut serve = start(&rt, dir, vars, None);
    let base = serve.base.clone();
    let ids = rt.block_on(async {
        let client = reqwest::Client::new();
        let mut ids = Vec::new();
        for i in 0..agents {
            let r = client
                .post(format!("{base}/v1/agents"))
                .json(&serde_json::json!({ "name": format!("env {i}") }))
                .send()
                .await
                .expect("create agent");
            assert_eq!(r.status(), 201);
            let id = r
                .headers()
                .get("x-trace-id")
                .and_then(|v| v.to_str().ok())
                .expect("x-trace-id");
            ids.push(id.to_ascii_lowercase());
        }
        ids
    });
    let (code, _) = serve.terminate(Duration::from_secs(30));
    assert_eq!(code, Some(0), "{}", serve.stderr());
    (ids, serve.stdout(), serve.stderr())
}

fn wait_for_all(file: &Path, ids: &[String], collector: &Otelcol) {
    let deadline = Instant::now() + Duration::from_secs(15);
    while !ids.iter().all(|id| read(file).contains(id.as_str())) {
        assert!(
            Instant::now() < deadline,
            "{} never held the server's traces; collector output:\n{}",
            file.display(),
            collector.output()
        );
        std::thread::sleep(Duration::from_millis(200));
    }
}

fn mtls_round_trip(protocol: &str) -> TestResult {
    let dir = tempfile::tempdir()?;
    let pki = TestPki::generate(dir.path())?;
    let out = dir.path().join("traces.json");
    let (mut collector, grpc, http) = mtls_collector(dir.path(), &pki, &out)?;
    let endpoint = match protocol {
        "grpc" => format!("https://127.0.0.1:{grpc}"),
        _ => format!("https://127.0.0.1:{http}/v1/traces"),
    };
    let (ca, cert, key) = (
        pki.ca.display().to_string(),
        pki.client_cert.display().to_string(),
        pki.client_key.display().to_string(),
    );
    // Per-signal variables only: the generic ones stay unset.
    let (ids, stdout, _) = run_server(
        dir.path(),
        &[
            ("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", &endpoint),
            ("OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", protocol),
            ("OTEL_EXPORTER_OTLP_TRACES_CERTIFICATE", &ca),
            ("OTEL_EXPORTER_OTLP_TRACES_CLIENT_CERTIFICATE", &cert),
            ("OTEL_EXPORTER_OTLP_TRACES_CLIENT_KEY", &key),
        ],
        3,
    );
    wait_for_all(&out, &ids, &collector);
    let accounting = Accounting::parse(&stdout);
    assert_eq!(accounting.lost, 0, "{stdout}");
    accounting.assert_balanced();

    // Without the client certificate the collector refuses the connection:
    // nothing arrives and every span is counted as lost.
    let before = read(&out);
    let no_cert = dir.path().join("no-cert");
    std::fs::create_dir_all(&no_cert)?;
    let (ids, stdout, _) = run_server(
        &no_cert,
        &[
            ("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", &endpoint),
            ("OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", protocol),
            ("OTEL_EXPORTER_OTLP_TRACES_CERTIFICATE", &ca),
        ],
        1,
    );
    std::thread::sleep(Duration::from_secs(1));
    let after = read(&out);
    assert!(
        !after.contains(ids[0].as_str()),
        "arrived without a client certificate"
    );
    assert!(after.starts_with(&before));
    let accounting = Accounting::parse(&stdout);
    assert!(accounting.lost > 0 && accounting.exported == 0, "{stdout}");
    accounting.assert_balanced();
    collector.terminate(Duration::from_secs(10));
    Ok(())
}

#[test]
fn traces_reach_a_collector_that_requires_client_certificates_over_grpc() -> TestResult {
    mtls_round_trip("grpc")
}

#[test]
fn traces_reach_a_collector_that_requires_client_certificates_over_http() -> TestResult {
    mtls_round_trip("http/protobuf")
}

#[test]
fn the_console_exporter_prints_a_line_per_span_and_the_limits_apply() -> TestResult {
    let dir = tempfile::tempdir()?;
    std::fs::create_dir_all(dir.path().join("console"))?;
    let (ids, stdout, stderr) = run_server(
        &dir.path().join("console"),
        &[
            ("OTEL_TRACES_EXPORTER", "console"),
            ("OTEL_METRICS_EXPORTER", "none"),
            ("OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT", "4"),
            ("OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT", "12"),
        ],
        2,
    );
    let lines: Vec<&str> = stdout.lines().filter(|l| l.contains(" span ")).collect();
    for id in &ids {
        let line = lines
            .iter()
            .find(|l| l.contains(&format!("trace_id={id}")) && l.contains("POST /v1/agents"))
            .unwrap_or_else(|| panic!("no console line for {id} in:\n{stdout}\n{stderr}"));
        // Four attributes at most (the SDK keeps the first ones), and string
        // values cut to 12 characters: the URL is the longest of them.
        let attributes: Vec<&str> = line
            .split(" status=")
            .nth(1)
            .expect("status")
            .split(' ')
            .skip(1)
            .filter(|p| p.contains('='))
            .collect();
        assert!(!attributes.is_empty() && attributes.len() <= 4, "{line}");
        assert!(attributes.contains(&"http.url=http://127.0"), "{line}");
    }
    // Nothing went to the local trace file, and metrics were off.
    let logs = dir.path().join("console").join("letta").join("logs");
    assert!(!logs.join("traces.json").exists() || read(&logs.join("traces.json")).is_empty());
    assert!(!logs.join("metrics.json").exists());
    Ok(())
}
