//! The secured configurations on the real collector: the reference server's
//! traces are accepted with the right token and CA, and refused — with the
//! server serving on, the spans counted as lost and `doctor` naming the
//! cause — with a wrong token, no token, plaintext, and (mTLS) without a
//! client certificate.

mod faults_support;
mod otelcol_support;

use faults_support::{load as workload, read, runtime, start};

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use otelcol_support::*;
use test_peers::Otelcol;
use yaml_serde::{Mapping, Value};

/// The file configuration on free ports, its traces written to
/// `<dir>/out.json`; with `mtls`, client certificates are required.
fn collector(dir: &Path, mtls: bool) -> (Otelcol, u16, u16, PathBuf) {
    let mut doc = load(&otel_dir().join("otel-collector-config-file.yaml"));
    let (grpc, http) = on_free_ports(&mut doc);
    let out = dir.join("out.json");
    let mut file = Mapping::new();
    file.insert("path".into(), out.display().to_string().into());
    let exporters = mapping(&mut doc, "exporters").expect("exporters");
    exporters.insert("file".into(), Value::Mapping(file));
    let local = dir.join("secured.yaml");
    write(&doc, &local);
    let mut env = documented_env(dir);
    if mtls {
        env.push((
            "COLLECTOR_TLS_CLIENT_CA_FILE",
            pki(dir).ca.display().to_string(),
        ));
    }
    let collector = Otelcol::start(&local, &env_refs(&env), &[grpc, http]).expect("collector");
    (collector, grpc, http, out)
}

/// A secured configuration on free ports with every exporter swapped for
/// one local file (and without Datadog's components, which this collector
/// lacks).
fn swapped(dir: &Path, config: &Path, mtls: bool) -> (Otelcol, u16) {
    let mut doc = load(config);
    without_datadog(&mut doc);
    let (grpc, http) = on_free_ports(&mut doc);
    let mut file = Mapping::new();
    file.insert(
        "path".into(),
        dir.join("out.json").display().to_string().into(),
    );
    let mut exporters = Mapping::new();
    exporters.insert("file".into(), Value::Mapping(file));
    doc["exporters"] = Value::Mapping(exporters);
    if let Some(pipelines) = doc["service"]["pipelines"].as_mapping_mut() {
        for (_, pipeline) in pipelines.iter_mut() {
            pipeline["exporters"] = Value::Sequence(vec!["file".into()]);
        }
    }
    let local = dir.join("swapped.yaml");
    write(&doc, &local);
    let mut env = documented_env(dir);
    env.push((
        "LETTA_LOG_FILE",
        dir.join("Letta.log").display().to_string(),
    ));
    if mtls {
        env.push((
            "COLLECTOR_TLS_CLIENT_CA_FILE",
            pki(dir).ca.display().to_string(),
        ));
    }
    let collector = Otelcol::start(&local, &env_refs(&env), &[grpc, http]).expect("collector");
    (collector, grpc)
}

/// `letta-otel doctor` with `vars` (and nothing else of the exporter's
/// environment).
fn doctor(dir: &Path, vars: &[(&str, String)]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_letta-otel"));
    // A generous deadline: a loaded CI machine may be slow to do the TLS
    // handshake; an answer ends the wait at once.
    command.args(["doctor", "--timeout", "20"]);
    for (name, _) in std::env::vars_os()
        .filter_map(|(k, v)| Some((k.into_string().ok()?, v)))
        .filter(|(k, _)| k.starts_with("OTEL_") || k.starts_with("LETTA_"))
    {
        command.env_remove(name);
    }
    command.env("LETTA_DIR", dir.join("doctor"));
    for (k, v) in vars {
        command.env(k, v);
    }
    command.output().expect("run doctor")
}

/// The client's variables.
type Vars = Vec<(&'static str, String)>;

/// A refusal: its name, the client's variables, and what must be said.
type Case = (&'static str, Vars, &'static str);

/// The problem line doctor printed, or its acceptance.
fn doctor_says(out: &Output) -> String {
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(!text.contains(TOKEN), "doctor printed the token:\n{text}");
    text
}

fn grpc_vars(dir: &Path, grpc: u16) -> Vec<(&'static str, String)> {
    let mut vars = client_env(dir);
    vars.push((
        "OTEL_EXPORTER_OTLP_ENDPOINT",
        format!("https://127.0.0.1:{grpc}"),
    ));
    vars
}

fn with(
    mut vars: Vec<(&'static str, String)>,
    name: &'static str,
    value: &str,
) -> Vec<(&'static str, String)> {
    vars.retain(|(k, _)| *k != name);
    vars.push((name, value.to_owned()));
    vars
}

fn without(mut vars: Vec<(&'static str, String)>, name: &str) -> Vec<(&'static str, String)> {
    vars.retain(|(k, _)| *k != name);
    vars
}

#[test]
fn the_right_token_and_ca_are_accepted_and_every_other_client_refused_with_its_cause() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (_collector, grpc, http, _out) = collector(dir.path(), false);
    let good = grpc_vars(dir.path(), grpc);
    let http_good = with(
        with(
            good.clone(),
            "OTEL_EXPORTER_OTLP_ENDPOINT",
            &format!("https://127.0.0.1:{http}"),
        ),
        "OTEL_EXPORTER_OTLP_PROTOCOL",
        "http/protobuf",
    );
    let accepted = "[ok]      a test span was accepted by the collector";
    for (case, vars) in [("grpc", good.clone()), ("http", http_good.clone())] {
        let out = doctor(dir.path(), &vars);
        let text = doctor_says(&out);
        assert!(
            out.status.success() && text.contains(accepted),
            "{case}: {text}"
        );
    }

    let wrong_token = "authorization=Bearer not-the-token";
    let cases: Vec<Case> = vec![
        (
            "wrong token over gRPC",
            with(good.clone(), "OTEL_EXPORTER_OTLP_HEADERS", wrong_token),
            "unauthenticated",
        ),
        (
            "wrong token over HTTP",
            with(http_good.clone(), "OTEL_EXPORTER_OTLP_HEADERS", wrong_token),
            "unauthenticated",
        ),
        (
            "no token",
            without(good.clone(), "OTEL_EXPORTER_OTLP_HEADERS"),
            "unauthenticated",
        ),
        (
            "the collector's CA not trusted",
            without(good.clone(), "OTEL_EXPORTER_OTLP_CERTIFICATE"),
            "TLS handshake failed",
        ),
        (
            "plaintext gRPC",
            with(
                good.clone(),
                "OTEL_EXPORTER_OTLP_ENDPOINT",
                &format!("http://127.0.0.1:{grpc}"),
            ),
            "plaintext to a TLS port",
        ),
        (
            "plaintext HTTP",
            with(
                http_good.clone(),
                "OTEL_EXPORTER_OTLP_ENDPOINT",
                &format!("http://127.0.0.1:{http}"),
            ),
            "plaintext to a TLS port",
        ),
    ];
    for (case, vars, cause) in cases {
        let out = doctor(dir.path(), &vars);
        let text = doctor_says(&out);
        assert!(
            !out.status.success(),
            "{case}: doctor found no problem:\n{text}"
        );
        assert!(!text.contains(accepted), "{case}: {text}");
        let problem = text
            .lines()
            .find(|l| l.contains("[problem]"))
            .unwrap_or_default();
        eprintln!("REFUSAL {case}: {}", problem.trim());
        assert!(
            problem.contains(cause),
            "{case}: expected {cause:?} in:\n{text}"
        );
    }
}

/// The first problem line of doctor's report.
fn problem(text: &str) -> &str {
    text.lines()
        .find(|l| l.contains("[problem]"))
        .unwrap_or_default()
}

#[test]
fn every_secured_configuration_accepts_the_token_and_refuses_every_other_client() {
    let secured: Vec<PathBuf> = configs().into_iter().filter(|c| is_secured(c)).collect();
    assert_eq!(secured.len(), 6, "{secured:?}");
    for config in secured {
        let dir = tempfile::tempdir().expect("tempdir");
        let (collector, grpc) = swapped(dir.path(), &config, false);
        let good = grpc_vars(dir.path(), grpc);
        let text = doctor_says(&doctor(dir.path(), &good));
        assert!(
            text.contains("a test span was accepted by the collector"),
            "{config:?}: {text}"
        );
        let refusals: Vec<Case> = vec![
            (
                "wrong token",
                with(
                    good.clone(),
                    "OTEL_EXPORTER_OTLP_HEADERS",
                    "authorization=Bearer nope",
                ),
                "unauthenticated",
            ),
            (
                "no token",
                without(good.clone(), "OTEL_EXPORTER_OTLP_HEADERS"),
                "unauthenticated",
            ),
            (
                "plaintext",
                with(
                    good.clone(),
                    "OTEL_EXPORTER_OTLP_ENDPOINT",
                    &format!("http://127.0.0.1:{grpc}"),
                ),
                "plaintext to a TLS port",
            ),
        ];
        for (case, vars, cause) in refusals {
            let text = doctor_says(&doctor(dir.path(), &vars));
            assert!(problem(&text).contains(cause), "{config:?}, {case}: {text}");
        }
        drop(collector);

        // The same configuration requiring client certificates.
        let (_mtls, grpc) = swapped(dir.path(), &config, true);
        let good = grpc_vars(dir.path(), grpc);
        let text = doctor_says(&doctor(dir.path(), &good));
        assert!(
            problem(&text).contains("client certificate (mTLS)"),
            "{config:?}, no client certificate: {text}"
        );
    }
}

#[test]
fn mtls_wants_a_client_certificate_and_doctor_says_so() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (_collector, grpc, _http, _out) = collector(dir.path(), true);
    let pki = pki(dir.path());
    let good = grpc_vars(dir.path(), grpc);
    let text = doctor_says(&doctor(dir.path(), &good));
    let problem = text
        .lines()
        .find(|l| l.contains("[problem]"))
        .unwrap_or_default();
    eprintln!(
        "REFUSAL mTLS without a client certificate: {}",
        problem.trim()
    );
    assert!(problem.contains("client certificate (mTLS)"), "{text}");

    let with_cert = with(
        with(
            good,
            "OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE",
            &pki.client_cert.display().to_string(),
        ),
        "OTEL_EXPORTER_OTLP_CLIENT_KEY",
        &pki.client_key.display().to_string(),
    );
    let out = doctor(dir.path(), &with_cert);
    let text = doctor_says(&out);
    assert!(
        out.status.success() && text.contains("a test span was accepted by the collector"),
        "{text}"
    );
}

/// Runs `letta-otel serve` with `vars` against a collector that refuses
/// it: every request is answered, every span accounted for (some lost), the
/// collector received nothing, and the warning lines (returned) say why.
fn refused_serve(dir: &Path, vars: Vec<(&'static str, String)>, out: &Path) -> Vec<String> {
    let rt = runtime();
    let mut vars = vars;
    vars.push(("OTEL_BSP_SCHEDULE_DELAY", "100".to_owned()));
    vars.push(("OTEL_METRICS_EXPORTER", "none".to_owned()));
    vars.push(("OTEL_LOGS_EXPORTER", "none".to_owned()));
    let mut serve = start(&rt, dir, &env_refs(&vars), None);
    let requests = 20;
    assert_eq!(
        workload(&rt, &serve.base, requests),
        requests,
        "every request answered"
    );
    let stopped = serve.stop_and_account("refused by the collector", requests, 10_000);
    assert!(stopped.accounting.lost > 0, "{:?}", stopped.accounting);
    assert!(read(out).is_empty(), "the collector wrote refused spans");
    let log = read(&serve.logs_dir().join("Letta.log"));
    let warnings: Vec<String> = log
        .lines()
        .filter(|l| l.contains("telemetry span export failed"))
        .map(str::to_owned)
        .collect();
    // Said, and rate-limited: far fewer lines than failed exports.
    assert!(!warnings.is_empty(), "no warning in:\n{log}");
    assert!(warnings.len() <= 2, "{warnings:#?}");
    warnings
}

#[test]
fn a_refused_server_keeps_serving_counts_its_spans_lost_and_says_why() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (_collector, grpc, _http, out) = collector(dir.path(), false);
    let good = grpc_vars(dir.path(), grpc);
    let cases: Vec<Case> = vec![
        (
            "wrong token",
            with(
                good.clone(),
                "OTEL_EXPORTER_OTLP_HEADERS",
                "authorization=Bearer nope",
            ),
            "cause=unauthenticated (check OTEL_EXPORTER_OTLP_HEADERS)",
        ),
        (
            "no token",
            without(good.clone(), "OTEL_EXPORTER_OTLP_HEADERS"),
            "cause=unauthenticated (check OTEL_EXPORTER_OTLP_HEADERS)",
        ),
        (
            "the collector's CA not trusted",
            without(good.clone(), "OTEL_EXPORTER_OTLP_CERTIFICATE"),
            "cause=TLS handshake failed (check OTEL_EXPORTER_OTLP_CERTIFICATE",
        ),
        (
            "plaintext",
            with(
                good.clone(),
                "OTEL_EXPORTER_OTLP_ENDPOINT",
                &format!("http://127.0.0.1:{grpc}"),
            ),
            "cause=plaintext to a TLS port (use https:// and OTEL_EXPORTER_OTLP_CERTIFICATE)",
        ),
    ];
    for (case, vars, said) in cases {
        let run = tempfile::tempdir().expect("tempdir");
        // A directory of its own for each server; the client's variables
        // already name the collector's CA.
        let warnings = refused_serve(run.path(), vars, &out);
        eprintln!("REFUSAL server log, {case}: {}", warnings[0]);
        assert!(
            warnings.iter().all(|l| l.contains(said)),
            "{case}: {warnings:#?}"
        );
    }
}

#[test]
fn an_mtls_collector_refuses_a_server_without_a_client_certificate_and_it_serves_on() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (_collector, grpc, _http, out) = collector(dir.path(), true);
    let warnings = refused_serve(dir.path(), grpc_vars(dir.path(), grpc), &out);
    eprintln!(
        "REFUSAL server log, mTLS without a client certificate: {}",
        warnings[0]
    );
    // The collector's refusal reaches the client as a TLS alert or as a
    // closed stream, depending on when it arrives: `tls` (whose cause names
    // the client certificate) or `rejected`.
    assert!(
        warnings.iter().all(|l| {
            l.contains("OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE") || l.contains("reason=rejected")
        }),
        "{warnings:#?}"
    );
}
