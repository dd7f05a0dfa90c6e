//! The collector configurations of `otel/`: every YAML parses, every pipeline
//! references defined components, every `${VAR}` is documented, the receivers
//! accept what the SDK sends, and the reference values are kept. The start
//! script is tested in `otel_start_script.rs`.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use yaml_serde::Value;

mod otel_support;

use otel_support::{TestResult, name, otel_dir, variables};

/// Every configuration file of `otel/`.
fn configs() -> Result<Vec<PathBuf>, std::io::Error> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(otel_dir())?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    files.sort();
    Ok(files)
}

fn load(path: &Path) -> Result<Value, Box<dyn std::error::Error>> {
    let text = std::fs::read_to_string(path)?;
    Ok(yaml_serde::from_str(&text).map_err(|e| format!("{}: {e}", name(path)))?)
}

/// The keys of mapping `section` of the top level (empty when absent).
fn keys(doc: &Value, section: &str) -> BTreeSet<String> {
    doc.get(section)
        .and_then(Value::as_mapping)
        .map(|m| {
            m.keys()
                .filter_map(|k| k.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

fn strings(value: Option<&Value>) -> Vec<String> {
    value
        .and_then(Value::as_sequence)
        .map(|s| {
            s.iter()
                .filter_map(|v| v.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn the_reference_configurations_and_the_additions_are_all_there() -> TestResult {
    let names: BTreeSet<String> = configs()?.iter().map(|p| name(p)).collect();
    for wanted in [
        "otel-collector-config-file.yaml",
        "otel-collector-config-file-dev.yaml",
        "otel-collector-config-clickhouse-dev.yaml",
        "otel-collector-config-clickhouse.yaml",
        "otel-collector-config-clickhouse-prod.yaml",
        "otel-collector-config-signoz.yaml",
        "otel-collector-config-datadog.yaml",
        "otel-collector-config-clickhouse-cluster.yaml",
    ] {
        assert!(
            names.contains(wanted),
            "otel/{wanted} is missing; have {names:?}"
        );
    }
    Ok(())
}

#[test]
fn every_configuration_parses_and_says_when_to_use_it() -> TestResult {
    for path in configs()? {
        let text = std::fs::read_to_string(&path)?;
        assert!(
            text.starts_with("# When to use:"),
            "{} must start with a `# When to use:` comment",
            name(&path)
        );
        let doc = load(&path)?;
        assert!(
            doc.get("service").is_some(),
            "{} has no service",
            name(&path)
        );
    }
    Ok(())
}

#[test]
fn every_pipeline_references_defined_components() -> TestResult {
    for path in configs()? {
        let file = name(&path);
        let doc = load(&path)?;
        let connectors = keys(&doc, "connectors");
        let receivers: BTreeSet<String> = keys(&doc, "receivers")
            .union(&connectors)
            .cloned()
            .collect();
        let exporters: BTreeSet<String> = keys(&doc, "exporters")
            .union(&connectors)
            .cloned()
            .collect();
        let processors = keys(&doc, "processors");
        let extensions = keys(&doc, "extensions");
        let service = doc.get("service").ok_or(format!("{file}: no service"))?;
        for ext in strings(service.get("extensions")) {
            assert!(
                extensions.contains(&ext),
                "{file}: extension {ext} is not defined"
            );
        }
        let pipelines = service
            .get("pipelines")
            .and_then(Value::as_mapping)
            .ok_or(format!("{file}: no pipelines"))?;
        assert!(!pipelines.is_empty(), "{file}: no pipelines");
        let mut used = BTreeSet::new();
        for (pipeline, body) in pipelines {
            let pipeline = pipeline.as_str().unwrap_or("?");
            let rs = strings(body.get("receivers"));
            let es = strings(body.get("exporters"));
            assert!(
                !rs.is_empty() && !es.is_empty(),
                "{file}/{pipeline}: needs receivers and exporters"
            );
            for r in &rs {
                assert!(
                    receivers.contains(r),
                    "{file}/{pipeline}: receiver {r} is not defined"
                );
            }
            for e in &es {
                assert!(
                    exporters.contains(e),
                    "{file}/{pipeline}: exporter {e} is not defined"
                );
            }
            let ps = strings(body.get("processors"));
            for p in &ps {
                assert!(
                    processors.contains(p),
                    "{file}/{pipeline}: processor {p} is not defined"
                );
            }
            if ps.iter().any(|p| p == "memory_limiter") {
                assert_eq!(
                    ps[0], "memory_limiter",
                    "{file}/{pipeline}: memory_limiter must come first"
                );
            }
            used.extend(rs);
            used.extend(es);
            used.extend(ps);
        }
        // Nothing defined and left unused (a typo in a pipeline would hide there).
        for defined in receivers.iter().chain(&exporters).chain(&processors) {
            assert!(
                used.contains(defined),
                "{file}: {defined} is defined but used by no pipeline"
            );
        }
    }
    Ok(())
}

#[test]
fn receivers_accept_what_the_sdk_sends() -> TestResult {
    // The SDK never sends a request above 4 MiB by default.
    let sdk_limit_mib =
        letta_telemetry::settings::ExportLimits::default().max_request_bytes as u64 / (1024 * 1024);
    for path in configs()? {
        let file = name(&path);
        let doc = load(&path)?;
        let Some(protocols) = doc
            .get("receivers")
            .and_then(|r| r.get("otlp"))
            .and_then(|o| o.get("protocols"))
        else {
            continue;
        };
        let grpc = protocols
            .get("grpc")
            .and_then(|g| g.get("max_recv_msg_size_mib"))
            .and_then(Value::as_u64)
            .ok_or(format!("{file}: otlp grpc needs max_recv_msg_size_mib"))?;
        assert!(
            grpc >= sdk_limit_mib,
            "{file}: grpc accepts {grpc} MiB < {sdk_limit_mib}"
        );
        let http = protocols
            .get("http")
            .and_then(|g| g.get("max_request_body_size"))
            .and_then(Value::as_u64)
            .ok_or(format!("{file}: otlp http needs max_request_body_size"))?;
        assert!(
            http >= sdk_limit_mib * 1024 * 1024,
            "{file}: http accepts {http} bytes"
        );
    }
    Ok(())
}

#[test]
fn the_reference_values_are_kept() -> TestResult {
    let doc = load(&otel_dir().join("otel-collector-config-clickhouse.yaml"))?;
    let batch = doc
        .get("processors")
        .and_then(|p| p.get("batch"))
        .ok_or("no batch")?;
    assert_eq!(batch.get("timeout").and_then(Value::as_str), Some("10s"));
    assert_eq!(
        batch.get("send_batch_size").and_then(Value::as_u64),
        Some(8192)
    );
    let limiter = doc
        .get("processors")
        .and_then(|p| p.get("memory_limiter"))
        .ok_or("no limiter")?;
    assert_eq!(limiter.get("limit_mib").and_then(Value::as_u64), Some(1024));
    assert_eq!(
        limiter.get("spike_limit_mib").and_then(Value::as_u64),
        Some(256)
    );
    let ch = doc
        .get("exporters")
        .and_then(|e| e.get("clickhouse"))
        .ok_or("no clickhouse")?;
    assert_eq!(
        ch.get("sending_queue")
            .and_then(|q| q.get("queue_size"))
            .and_then(Value::as_u64),
        Some(500)
    );

    let dev = load(&otel_dir().join("otel-collector-config-clickhouse-dev.yaml"))?;
    let ch = dev
        .get("exporters")
        .and_then(|e| e.get("clickhouse"))
        .ok_or("no clickhouse")?;
    assert_eq!(
        ch.get("sending_queue")
            .and_then(|q| q.get("queue_size"))
            .and_then(Value::as_u64),
        Some(100)
    );
    let retry = ch.get("retry_on_failure").ok_or("no retry")?;
    assert_eq!(
        retry.get("initial_interval").and_then(Value::as_str),
        Some("5s")
    );
    assert_eq!(
        retry.get("max_interval").and_then(Value::as_str),
        Some("30s")
    );
    assert_eq!(
        retry.get("max_elapsed_time").and_then(Value::as_str),
        Some("300s")
    );

    let file = load(&otel_dir().join("otel-collector-config-file.yaml"))?;
    let rotation = file
        .get("exporters")
        .and_then(|e| e.get("file"))
        .and_then(|f| f.get("rotation"))
        .ok_or("no rotation")?;
    assert_eq!(
        rotation.get("max_megabytes").and_then(Value::as_u64),
        Some(100)
    );
    assert_eq!(rotation.get("max_days").and_then(Value::as_u64), Some(7));
    assert_eq!(rotation.get("max_backups").and_then(Value::as_u64), Some(5));

    let cluster = load(&otel_dir().join("otel-collector-config-clickhouse-cluster.yaml"))?;
    let ch = cluster
        .get("exporters")
        .and_then(|e| e.get("clickhouse"))
        .ok_or("no clickhouse")?;
    assert!(
        ch.get("cluster_name")
            .and_then(Value::as_str)
            .is_some_and(|c| c.contains("CLICKHOUSE_CLUSTER"))
    );
    assert_eq!(
        ch.get("table_engine")
            .and_then(|t| t.get("name"))
            .and_then(Value::as_str),
        Some("ReplicatedMergeTree")
    );
    assert!(
        ch.get("ttl")
            .and_then(Value::as_str)
            .is_some_and(|t| t != "0"),
        "explicit TTL"
    );

    let signoz = load(&otel_dir().join("otel-collector-config-signoz.yaml"))?;
    let headers = signoz
        .get("exporters")
        .and_then(|e| e.get("otlp"))
        .and_then(|o| o.get("headers"))
        .ok_or("no headers")?;
    assert!(headers.get("signoz-ingestion-key").is_some());
    Ok(())
}

#[test]
fn secrets_come_from_the_environment_only() -> TestResult {
    for path in configs()? {
        let file = name(&path);
        let doc = load(&path)?;
        let mut stack = vec![(String::new(), doc)];
        let mut secrets = 0;
        while let Some((path, value)) = stack.pop() {
            match value {
                Value::Mapping(m) => {
                    for (k, v) in m {
                        stack.push((format!("{path}.{}", k.as_str().unwrap_or("?")), v));
                    }
                }
                Value::Sequence(s) => stack.extend(s.into_iter().map(|v| (format!("{path}[]"), v))),
                Value::String(s) => {
                    let secret = [".password", ".api.key", ".signoz-ingestion-key", ".token"]
                        .iter()
                        .any(|k| path.ends_with(k));
                    if secret {
                        secrets += 1;
                        assert!(
                            s.starts_with("${env:") && !s.contains(":-"),
                            "{file}: {path} must come from the environment, without a default"
                        );
                    }
                }
                _ => {}
            }
        }
        let text: String = std::fs::read_to_string(&path)?
            .lines()
            .filter(|l| !l.trim_start().starts_with('#'))
            .collect();
        let expected = [
            "CLICKHOUSE_PASSWORD",
            "DD_API_KEY",
            "SIGNOZ_INGESTION_KEY",
            "COLLECTOR_BEARER_TOKEN",
        ]
        .iter()
        .filter(|v| text.contains(*v))
        .count();
        assert_eq!(secrets, expected, "{file}: every secret was checked");
    }
    Ok(())
}

#[test]
fn every_variable_is_documented_in_the_readme() -> TestResult {
    let readme = std::fs::read_to_string(otel_dir().join("README.md"))?;
    let script = std::fs::read_to_string(otel_dir().join("start-otel-collector.sh"))?;
    let mut all = BTreeSet::new();
    for path in configs()? {
        all.extend(
            variables(&std::fs::read_to_string(&path)?)
                .into_iter()
                .map(|(v, _)| v),
        );
    }
    assert!(
        all.contains("CLICKHOUSE_PASSWORD") && all.contains("DD_API_KEY"),
        "{all:?}"
    );
    for var in [
        "OTELCOL_BIN",
        "OTELCOL_INSTALL_DIR",
        "OTELCOL_DOWNLOAD_BASE",
        "OTEL_COLLECTOR_CONFIG",
    ] {
        assert!(script.contains(var), "the script does not read {var}");
        all.insert(var.to_owned());
    }
    for var in all {
        assert!(
            readme.contains(&format!("| `{var}` |")),
            "otel/README.md does not document {var} in its table"
        );
    }
    Ok(())
}
