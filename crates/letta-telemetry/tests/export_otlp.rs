//! Spans reach a real collector (rotel) over OTLP gRPC, HTTP protobuf and
//! HTTP JSON, plain and gzipped, from a plain thread and from
//! current-thread and multi-thread tokio runtimes, with attributes and
//! events intact; an incoming
//! `traceparent` gives the exported span the same trace id.

mod export_support;

use std::collections::HashMap;
use std::time::Duration;

use export_support::{assert_sample_span, emit_sample_span, settings};
use letta_telemetry::settings::{Compression, Protocol};
use opentelemetry::trace::{Span as _, Tracer as _};
use test_peers::Rotel;

type TestResult = Result<(), Box<dyn std::error::Error>>;

fn run(protocol: Protocol) -> TestResult {
    run_with(protocol, None)
}

fn run_with(protocol: Protocol, compression: Option<Compression>) -> TestResult {
    let rotel = Rotel::start()?;
    let dir = tempfile::tempdir()?;
    let mut s = settings(dir.path());
    s.otlp.protocol = protocol;
    s.otlp.compression = compression;
    // Only the traces endpoint: the other signals stay on local files.
    s.otlp.traces_endpoint = Some(match protocol {
        Protocol::Grpc => rotel.grpc_endpoint(),
        _ => format!("{}/v1/traces", rotel.http_endpoint()),
    });
    let guard = letta_telemetry::init(s)?;
    let trace_id = emit_sample_span();
    guard.shutdown();
    let spans = rotel.wait_for_spans(1, Duration::from_secs(15));
    assert_sample_span(&spans, &trace_id);
    let stats = letta_telemetry::traces::stats().snapshot();
    assert_eq!(stats.total_failures(), 0, "{stats:?}");
    assert_eq!(stats.spans_exported, 1, "{stats:?}");
    Ok(())
}

#[test]
fn grpc_spans_reach_rotel_with_attributes_and_events() -> TestResult {
    test_peers::own_process!(Ok(()));
    run(Protocol::Grpc)
}

#[tokio::test(flavor = "current_thread")]
async fn http_protobuf_spans_reach_rotel_from_a_current_thread_runtime() -> TestResult {
    test_peers::own_process!(Ok(()));
    run(Protocol::HttpProtobuf)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn http_json_spans_reach_rotel_from_a_multi_thread_runtime() -> TestResult {
    test_peers::own_process!(Ok(()));
    run(Protocol::HttpJson)
}

// (one pipeline per process: a test per protocol)
#[test]
fn gzipped_grpc_spans_reach_rotel() -> TestResult {
    test_peers::own_process!(Ok(()));
    run_with(Protocol::Grpc, Some(Compression::Gzip))
}

#[test]
fn gzipped_http_protobuf_spans_reach_rotel() -> TestResult {
    test_peers::own_process!(Ok(()));
    run_with(Protocol::HttpProtobuf, Some(Compression::Gzip))
}

#[test]
fn gzipped_http_json_spans_reach_rotel() -> TestResult {
    test_peers::own_process!(Ok(()));
    run_with(Protocol::HttpJson, Some(Compression::Gzip))
}

#[test]
fn an_incoming_traceparent_keeps_its_trace_id() -> TestResult {
    test_peers::own_process!(Ok(()));
    let rotel = Rotel::start()?;
    let dir = tempfile::tempdir()?;
    let mut s = settings(dir.path());
    s.otlp.traces_endpoint = Some(rotel.grpc_endpoint());
    let guard = letta_telemetry::init(s)?;
    let carrier: HashMap<String, String> = [(
        "traceparent".to_owned(),
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01".to_owned(),
    )]
    .into();
    let parent = opentelemetry::global::get_text_map_propagator(|p| p.extract(&carrier));
    let tracer = letta_telemetry::tracer().expect("tracing is on");
    tracer.start_with_context("child.of.remote", &parent).end();
    guard.shutdown();
    let spans = rotel.wait_for_spans(1, Duration::from_secs(15));
    let span = spans
        .iter()
        .find(|s| s.name == "child.of.remote")
        .ok_or_else(|| format!("span not received: {spans:#?}"))?;
    assert_eq!(span.trace_id, "4bf92f3577b34da6a3ce929d0e0e4736");
    assert_eq!(span.parent_id, "00f067aa0ba902b7");
    Ok(())
}
