//! Helpers of the tests that run `otel/` on the real collector: the
//! configurations, the variables they document, and a configuration moved
//! to free loopback ports (and without the Datadog exporter, which needs an
//! API key).

#![allow(dead_code)]

use std::path::{Path, PathBuf};

use test_peers::TestPki;
use test_peers::util::free_ports;
use yaml_serde::{Mapping, Value};

pub type TestResult = Result<(), Box<dyn std::error::Error>>;

pub fn otel_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../otel")
}

pub fn configs() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(otel_dir())
        .expect("otel/")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    files.sort();
    files
}

/// The bearer token the secured configurations are started with.
pub const TOKEN: &str = "test-bearer-token-0123456789";

/// The test PKI under `home/pki`, generated on first use (so that the
/// collector and its clients of one test share it).
pub fn pki(home: &Path) -> TestPki {
    let dir = home.join("pki");
    let existing = TestPki::in_dir(&dir);
    if existing.ca.is_file() {
        return existing;
    }
    std::fs::create_dir_all(&dir).expect("pki dir");
    TestPki::generate(&dir).expect("test PKI")
}

/// Whether a configuration receives OTLP over TLS with a token (every
/// configuration but the `-dev` ones).
pub fn is_secured(config: &Path) -> bool {
    !config
        .file_stem()
        .is_some_and(|s| s.to_string_lossy().ends_with("-dev"))
}

/// What a server needs to export to a secured configuration: the CA that
/// signed the collector's certificate and the bearer token.
pub fn client_env(home: &Path) -> Vec<(&'static str, String)> {
    let pki = pki(home);
    vec![
        (
            "OTEL_EXPORTER_OTLP_CERTIFICATE",
            pki.ca.display().to_string(),
        ),
        (
            "OTEL_EXPORTER_OTLP_HEADERS",
            format!("authorization=Bearer {TOKEN}"),
        ),
    ]
}

/// An HTTP client for a secured configuration's receivers: it trusts the
/// test CA and sends the bearer token.
pub fn secured_client(home: &Path) -> reqwest::Client {
    let ca = std::fs::read(pki(home).ca).expect("CA file");
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert(
        reqwest::header::AUTHORIZATION,
        format!("Bearer {TOKEN}").parse().expect("header value"),
    );
    reqwest::Client::builder()
        .add_root_certificate(reqwest::Certificate::from_pem(&ca).expect("CA PEM"))
        .default_headers(headers)
        .build()
        .expect("client")
}

/// The environment `otel/README.md` documents, with values for a test (the
/// secured receivers get the test PKI and [`TOKEN`]).
pub fn documented_env(home: &Path) -> Vec<(&'static str, String)> {
    let pki = pki(home);
    vec![
        (
            "COLLECTOR_TLS_CERT_FILE",
            pki.server_cert.display().to_string(),
        ),
        (
            "COLLECTOR_TLS_KEY_FILE",
            pki.server_key.display().to_string(),
        ),
        ("COLLECTOR_BEARER_TOKEN", TOKEN.to_owned()),
        ("HOME", home.display().to_string()),
        ("CLICKHOUSE_ENDPOINT", "tcp://127.0.0.1:9000".into()),
        ("CLICKHOUSE_PASSWORD", "test-password".into()),
        ("CLICKHOUSE_CLUSTER", "test_cluster".into()),
        ("DD_API_KEY", "test-key".into()),
        ("SIGNOZ_ENDPOINT", "127.0.0.1:4317".into()),
        ("SIGNOZ_INGESTION_KEY", "test-key".into()),
        (
            "LETTA_TRACES_FILE",
            home.join("traces.json").display().to_string(),
        ),
    ]
}

pub fn env_refs<'a>(env: &'a [(&'static str, String)]) -> Vec<(&'static str, &'a str)> {
    env.iter().map(|(k, v)| (*k, v.as_str())).collect()
}

pub fn load(path: &Path) -> Value {
    yaml_serde::from_str(&std::fs::read_to_string(path).expect("read")).expect("yaml")
}

pub fn write(doc: &Value, path: &Path) {
    std::fs::write(path, yaml_serde::to_string(doc).expect("yaml")).expect("write");
}

pub fn mapping<'a>(doc: &'a mut Value, key: &str) -> Option<&'a mut Mapping> {
    doc.get_mut(key).and_then(Value::as_mapping_mut)
}

/// The component ids of kind `datadog` (`datadog`, `datadog/connector`).
pub fn is_datadog(id: &str) -> bool {
    id == "datadog" || id.starts_with("datadog/")
}

/// `doc` without its Datadog exporter and connector (not buildable here:
/// see otel/README.md); a pipeline left without exporters gets `debug`, and
/// one left without receivers is removed. Returns the ids removed.
pub fn without_datadog(doc: &mut Value) -> Vec<String> {
    let mut removed = Vec::new();
    for section in ["exporters", "connectors"] {
        if let Some(m) = mapping(doc, section) {
            let ids: Vec<Value> = m
                .keys()
                .filter(|k| k.as_str().is_some_and(is_datadog))
                .cloned()
                .collect();
            for id in ids {
                removed.push(id.as_str().unwrap_or_default().to_owned());
                m.remove(&id);
            }
        }
    }
    if removed.is_empty() {
        return removed;
    }
    let exporters = doc
        .get_mut("exporters")
        .and_then(Value::as_mapping_mut)
        .expect("exporters");
    exporters.insert("debug".into(), Value::Mapping(Mapping::new()));
    if let Some(pipelines) = doc
        .get_mut("service")
        .and_then(|s| s.get_mut("pipelines"))
        .and_then(Value::as_mapping_mut)
    {
        let names: Vec<Value> = pipelines.keys().cloned().collect();
        for name in names {
            let pipeline = pipelines.get_mut(&name).expect("pipeline");
            for list in ["receivers", "exporters"] {
                if let Some(seq) = pipeline.get_mut(list).and_then(Value::as_sequence_mut) {
                    seq.retain(|v| !v.as_str().is_some_and(is_datadog));
                }
            }
            let empty = |list: &str| {
                pipeline
                    .get(list)
                    .and_then(Value::as_sequence)
                    .is_none_or(|s| s.is_empty())
            };
            if empty("receivers") {
                pipelines.remove(&name);
            } else if empty("exporters") {
                pipeline["exporters"] = Value::Sequence(vec!["debug".into()]);
            }
        }
    }
    removed
}

/// `doc` listening on free loopback ports: the OTLP receiver's gRPC and HTTP
/// endpoints (returned), the extensions' endpoints, and no self-metrics
/// server. Nothing else changes.
pub fn on_free_ports(doc: &mut Value) -> (u16, u16) {
    let ports = free_ports(5).expect("ports");
    if let Some(protocols) = doc
        .get_mut("receivers")
        .and_then(|r| r.get_mut("otlp"))
        .and_then(|o| o.get_mut("protocols"))
    {
        protocols["grpc"]["endpoint"] = format!("127.0.0.1:{}", ports[0]).into();
        protocols["http"]["endpoint"] = format!("127.0.0.1:{}", ports[1]).into();
    }
    if let Some(extensions) = mapping(doc, "extensions") {
        // The listening extensions (health check, pprof, zpages) get the
        // remaining ports; the others (the bearer-token authenticator) have
        // no endpoint.
        let mut free = ports[2..].iter();
        for (_, ext) in extensions.iter_mut() {
            if ext.get("endpoint").is_some() {
                let port = free.next().expect("a free port per listening extension");
                ext["endpoint"] = format!("127.0.0.1:{port}").into();
            }
        }
    }
    if let Some(service) = doc.get_mut("service").and_then(Value::as_mapping_mut) {
        let mut telemetry = Mapping::new();
        let mut metrics = Mapping::new();
        metrics.insert("level".into(), "none".into());
        telemetry.insert("metrics".into(), Value::Mapping(metrics));
        service.insert("telemetry".into(), Value::Mapping(telemetry));
    }
    (ports[0], ports[1])
}
