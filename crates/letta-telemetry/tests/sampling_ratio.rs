//! A root under a ratio sampler: its decision is drawn before the span
//! starts (no span is built for a root that will not be kept), and what the
//! request or call sees agrees with what is exported. Through the real
//! pipeline: `init` with `traceidratio` 0.5, spans written to the trace file.

mod export_support;
mod http_support;

use std::collections::HashMap;

use export_support::settings;
use http_support::{app, serve};
use letta_telemetry::http::HttpConfig;
use letta_telemetry::settings::SamplerSetting;
use letta_telemetry::trace_method;
use opentelemetry::trace::{SpanKind, TraceContextExt as _, TraceId};
use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;
use opentelemetry_sdk::trace::{Sampler, SamplingDecision, ShouldSample as _};

type TestResult = Result<(), Box<dyn std::error::Error>>;

/// What code inside a span saw: trace id, span id (hex), sampled flag.
#[derive(Debug, Clone, PartialEq)]
struct Seen {
    trace_id: String,
    span_id: String,
    sampled: bool,
}

fn seen_here() -> Seen {
    let cx = opentelemetry::Context::current();
    let span = cx.span();
    let sc = span.span_context();
    Seen {
        trace_id: sc.trace_id().to_string(),
        span_id: sc.span_id().to_string(),
        sampled: sc.is_sampled(),
    }
}

#[trace_method]
fn inner_call() -> Seen {
    seen_here()
}

#[trace_method]
fn root_call() -> (Seen, Seen) {
    (seen_here(), inner_call())
}

/// An exported span: (span id, parent span id, name), by trace id.
type Exported = HashMap<String, Vec<(String, String, String)>>;

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn exported(dir: &std::path::Path) -> Result<Exported, Box<dyn std::error::Error>> {
    let text = std::fs::read_to_string(dir.join("logs").join("traces.json"))?;
    let mut by_trace = Exported::new();
    for line in text.lines() {
        let request: ExportTraceServiceRequest = serde_json::from_str(line)?;
        for span in request
            .resource_spans
            .into_iter()
            .flat_map(|rs| rs.scope_spans)
            .flat_map(|ss| ss.spans)
        {
            by_trace.entry(hex(&span.trace_id)).or_default().push((
                hex(&span.span_id),
                hex(&span.parent_span_id),
                span.name,
            ));
        }
    }
    Ok(by_trace)
}

#[tokio::test]
async fn a_root_is_kept_or_dropped_before_it_starts_as_the_sdk_would() -> TestResult {
    test_peers::own_process!(Ok(()));
    let dir = tempfile::tempdir()?;
    let mut s = settings(dir.path());
    s.sampler = SamplerSetting::TraceIdRatio(0.5);
    let guard = letta_telemetry::init(s)?;

    let server = serve(app(HttpConfig::default())).await;
    let client = reqwest::Client::new();
    let mut requests = Vec::new();
    for _ in 0..400 {
        let text = client
            .get(server.url("/v1/current-span"))
            .send()
            .await?
            .text()
            .await?;
        let mut parts = text.split('-');
        let (Some(trace_id), Some(span_id), Some(sampled)) =
            (parts.next(), parts.next(), parts.next())
        else {
            return Err(format!("unexpected answer {text:?}").into());
        };
        requests.push(Seen {
            trace_id: trace_id.to_owned(),
            span_id: span_id.to_owned(),
            sampled: sampled == "true",
        });
    }
    // callers that sampled their trace: `traceidratio` (not parent-based)
    // decides from the trace id all the same
    let mut overruled = Vec::new();
    for i in 0..200u64 {
        let trace_id =
            TraceId::from(u128::from(i.wrapping_mul(0x9e37_79b9_7f4a_7c15)) | (1 << 100));
        let text = client
            .get(server.url("/v1/current-span"))
            .header("traceparent", format!("00-{trace_id}-00f067aa0ba902b7-01"))
            .send()
            .await?
            .text()
            .await?;
        let sdk = Sampler::TraceIdRatioBased(0.5).should_sample(
            None,
            trace_id,
            "s",
            &SpanKind::Server,
            &[],
            &[],
        );
        let kept = sdk.decision == SamplingDecision::RecordAndSample;
        overruled.push((trace_id.to_string(), kept, text));
    }
    let calls: Vec<(Seen, Seen)> = (0..400).map(|_| root_call()).collect();
    guard.shutdown();
    let exported = exported(dir.path())?;

    // about half kept (400 draws at 0.5: 200 ± 10), in both paths
    let kept = requests.iter().filter(|r| r.sampled).count();
    assert!((150..=250).contains(&kept), "{kept} of 400 requests kept");
    let kept = calls.iter().filter(|(outer, _)| outer.sampled).count();
    assert!((150..=250).contains(&kept), "{kept} of 400 calls kept");

    for request in &requests {
        // every request ran in a valid span context, recorded or not
        assert_ne!(request.trace_id, "0".repeat(32), "{request:?}");
        assert_ne!(request.span_id, "0".repeat(16), "{request:?}");
        let spans = exported.get(&request.trace_id);
        if request.sampled {
            let spans = spans.ok_or_else(|| format!("kept but not exported: {request:?}"))?;
            assert!(
                spans
                    .iter()
                    .any(|(id, _, name)| *id == request.span_id && name == "GET /v1/current-span"),
                "{spans:?}"
            );
        } else {
            assert!(spans.is_none(), "dropped but exported: {spans:?}");
        }
    }
    for (trace_id, kept, text) in &overruled {
        let spans = exported.get(trace_id);
        if *kept {
            assert!(
                text.starts_with(&format!("{trace_id}-")) && text.ends_with("-true"),
                "{text}"
            );
            assert!(spans.is_some_and(|s| s.len() == 1), "{spans:?}");
        } else {
            // a fresh, unsampled span context: not the caller's span id,
            // so a downstream service sees the decision
            assert!(
                text.starts_with(&format!("{trace_id}-")) && text.ends_with("-false"),
                "{text}"
            );
            assert!(!text.contains("00f067aa0ba902b7"), "{text}");
            assert!(spans.is_none(), "dropped but exported: {spans:?}");
        }
    }
    let kept = overruled.iter().filter(|(_, kept, _)| *kept).count();
    assert!(
        (60..=140).contains(&kept),
        "{kept} of 200 sampled callers kept"
    );
    for (outer, inner) in &calls {
        // the child sees its root's trace and decision
        assert_eq!(inner.trace_id, outer.trace_id);
        assert_eq!(inner.sampled, outer.sampled, "{outer:?} {inner:?}");
        assert_ne!(outer.span_id, "0".repeat(16), "{outer:?}");
        let spans = exported.get(&outer.trace_id);
        if outer.sampled {
            let spans = spans.ok_or_else(|| format!("kept but not exported: {outer:?}"))?;
            assert_eq!(spans.len(), 2, "{spans:?}");
            assert!(
                spans
                    .iter()
                    .any(|(id, parent, _)| *id == inner.span_id && *parent == outer.span_id),
                "{spans:?}"
            );
        } else {
            assert!(spans.is_none(), "dropped but exported: {spans:?}");
        }
    }
    Ok(())
}
