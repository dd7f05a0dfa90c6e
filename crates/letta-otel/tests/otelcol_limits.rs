//! The request limits of `otel/` on the real OpenTelemetry Collector: the
//! receivers take a 5 MiB request and refuse one past 16 MiB, and the memory
//! limiter comes first, refuses data over its limit and then serves again.

mod faults_support;
mod otelcol_support;

use faults_support::runtime;
use otelcol_support::*;
use serde_json::json;
use test_peers::Otelcol;
use yaml_serde::{Mapping, Value};

#[test]
fn the_receivers_take_a_5_mib_request_and_refuse_one_past_16_mib() -> TestResult {
    let dir = tempfile::tempdir()?;
    let mut doc = load(&otel_dir().join("otel-collector-config-file.yaml"));
    let (grpc, http) = on_free_ports(&mut doc);
    let local = dir.path().join("file-local.yaml");
    write(&doc, &local);
    let env = documented_env(dir.path());
    let _collector = Otelcol::start(&local, &env_refs(&env), &[grpc, http])?;
    let body = |mib: usize| {
        json!({"resourceSpans": [{"scopeSpans": [{"spans": [{
            "traceId": "0af7651916cd43dd8448eb211c80319c", "spanId": "b7ad6b7169203331",
            "name": "big", "kind": 1, "startTimeUnixNano": "1", "endTimeUnixNano": "2",
            "attributes": [{"key": "big", "value": {"stringValue": "x".repeat(mib << 20)}}]
        }]}]}]})
        .to_string()
    };
    let rt = runtime();
    let client = secured_client(dir.path());
    let post = |b: String| {
        rt.block_on(async {
            client
                .post(format!("https://127.0.0.1:{http}/v1/traces"))
                .header("content-type", "application/json")
                .body(b)
                .send()
                .await
                .map(|r| r.status().as_u16())
                .unwrap_or(0)
        })
    };
    assert_eq!(post(body(5)), 200, "a 5 MiB request is accepted");
    let refused = post(body(17));
    assert!(
        refused == 413 || refused == 400,
        "a 17 MiB request is refused: {refused}"
    );
    Ok(())
}

#[test]
fn the_memory_limiter_comes_first_and_refuses_data_over_its_limit() -> TestResult {
    // As the comments say: first in every pipeline of every configuration
    // that has one.
    for config in configs() {
        let doc = load(&config);
        if doc["processors"].get("memory_limiter").is_none() {
            continue;
        }
        let pipelines = doc["service"]["pipelines"].as_mapping().expect("pipelines");
        for (name, pipeline) in pipelines {
            let first = pipeline["processors"][0].as_str();
            assert_eq!(first, Some("memory_limiter"), "{config:?} {name:?}");
        }
    }
    // And it refuses: the production configuration with its limit brought
    // down to 48 MiB (spike 16 MiB) refuses a burst of 5 MiB requests
    // instead of growing, and keeps serving.
    let dir = tempfile::tempdir()?;
    let mut doc = load(&otel_dir().join("otel-collector-config-clickhouse.yaml"));
    let (grpc, http) = on_free_ports(&mut doc);
    doc["processors"]["memory_limiter"]["limit_mib"] = 48.into();
    doc["processors"]["memory_limiter"]["spike_limit_mib"] = 16.into();
    doc["processors"]["memory_limiter"]["check_interval"] = "100ms".into();
    let exporters = mapping(&mut doc, "exporters").expect("exporters");
    exporters.remove("clickhouse");
    exporters.insert("debug".into(), Value::Mapping(Mapping::new()));
    for pipeline in ["traces", "metrics", "logs"] {
        doc["service"]["pipelines"][pipeline]["exporters"] = Value::Sequence(vec!["debug".into()]);
    }
    let local = dir.path().join("limited.yaml");
    write(&doc, &local);
    let env = documented_env(dir.path());
    let _collector = Otelcol::start(&local, &env_refs(&env), &[grpc, http])?;
    let body = json!({"resourceSpans": [{"scopeSpans": [{"spans": [{
        "traceId": "0af7651916cd43dd8448eb211c80319c", "spanId": "b7ad6b7169203331",
        "name": "big", "kind": 1, "startTimeUnixNano": "1", "endTimeUnixNano": "2",
        "attributes": [{"key": "big", "value": {"stringValue": "x".repeat(5 << 20)}}]
    }]}]}]})
    .to_string();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    let (bursts, after) = rt.block_on(async {
        let client = secured_client(dir.path());
        let post = |body: String| {
            let request = client
                .post(format!("https://127.0.0.1:{http}/v1/traces"))
                .header("content-type", "application/json")
                .body(body);
            async move {
                request
                    .send()
                    .await
                    .map(|r| r.status().as_u16())
                    .unwrap_or(0)
            }
        };
        // `body`, one request at a time 100 ms apart, until one is taken
        // (at most `tries`): the statuses.
        let until_taken = async |body: &str, tries: usize| {
            let mut statuses = Vec::new();
            for _ in 0..tries {
                let status = post(body.to_owned()).await;
                statuses.push(status);
                if status == 200 {
                    break;
                }
                tokio::time::sleep(std::time::Duration::from_millis(100)).await;
            }
            statuses
        };
        // The bursts start once the collector takes a small span: a
        // collector whose start-up heap is still over the soft limit (a busy
        // CI machine delays its first collection) refuses everything, which
        // is the limiter working, not what the bursts measure. Bounded: the
        // assertions below report a collector that never recovers.
        let small = json!({"resourceSpans": [{"scopeSpans": [{"spans": [{
            "traceId": "0af7651916cd43dd8448eb211c80319c", "spanId": "b7ad6b7169203332",
            "name": "small", "kind": 1, "startTimeUnixNano": "1", "endTimeUnixNano": "2"
        }]}]}]})
        .to_string();
        until_taken(&small, 50).await;
        let mut bursts = Vec::new();
        for _ in 0..6 {
            let mut burst = tokio::task::JoinSet::new();
            for _ in 0..8 {
                burst.spawn(post(body.clone()));
            }
            bursts.extend(burst.join_all().await);
        }
        // Then it serves again: the same request, one at a time, is taken
        // once the limiter finds the heap back under its limit (~1–8 s
        // here; bounded at ~20 s). Whether any request of the bursts
        // themselves gets through depends on where the 100 ms checks fall
        // (all 48 were refused in some CI runs): not asserted.
        let after = until_taken(&body, 200).await;
        (bursts, after)
    });
    assert!(
        bursts.iter().any(|s| *s == 503 || *s == 429),
        "some requests are refused for memory: {bursts:?}"
    );
    assert!(
        !bursts.contains(&0) && !after.contains(&0),
        "the collector stayed up: {bursts:?} then {after:?}"
    );
    assert_eq!(
        after.last(),
        Some(&200),
        "the collector takes data again after the bursts: {after:?}"
    );
    Ok(())
}
