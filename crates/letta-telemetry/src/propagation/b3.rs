//! Zipkin's B3 propagation (`OTEL_PROPAGATORS=b3` and `b3multi`), as the
//! OpenTelemetry specification describes it.
//!
//! Written here because the only Rust implementation, the propagator of
//! `opentelemetry-zipkin`, is deprecated with that crate's exporter. The
//! format is small and fixed:
//! - `b3`: one header, `{trace_id}-{span_id}[-{sampling}[-{parent_span_id}]]`,
//!   or a lone sampling state; sampling is `1`, `0` or `d` (debug, sampled).
//! - `b3multi`: `X-B3-TraceId`, `X-B3-SpanId`, `X-B3-Sampled` (`1`/`0`, or
//!   the legacy `true`/`false`) and `X-B3-Flags: 1` (debug).
//!
//! Extraction accepts 64- and 128-bit trace ids (a 64-bit id is padded on
//! the left with zeros). Either form is read whichever one is injected, as
//! the specification asks; a malformed header is ignored, never an error.
//! With no sampling state the decision is deferred: the context is not
//! marked sampled.

use opentelemetry::Context;
use opentelemetry::propagation::{
    Extractor, Injector, TextMapPropagator, text_map_propagator::FieldIter,
};
use opentelemetry::trace::{SpanContext, SpanId, TraceContextExt, TraceFlags, TraceId, TraceState};

const B3: &str = "b3";
const TRACE_ID: &str = "x-b3-traceid";
const SPAN_ID: &str = "x-b3-spanid";
const SAMPLED: &str = "x-b3-sampled";
const FLAGS: &str = "x-b3-flags";
const PARENT_SPAN_ID: &str = "x-b3-parentspanid";

/// Injects one form of B3 and extracts both.
#[derive(Debug)]
pub(crate) struct B3Propagator {
    single: bool,
    fields: Vec<String>,
}

impl B3Propagator {
    /// `b3`: the single header.
    pub(crate) fn single_header() -> Self {
        Self {
            single: true,
            fields: vec![B3.into()],
        }
    }

    /// `b3multi`: the `X-B3-*` headers.
    pub(crate) fn multiple_headers() -> Self {
        Self {
            single: false,
            fields: [TRACE_ID, SPAN_ID, SAMPLED, FLAGS, PARENT_SPAN_ID]
                .map(String::from)
                .to_vec(),
        }
    }
}

/// A trace id of 16 or 32 lower- or upper-case hex digits, not all zero.
fn trace_id(s: &str) -> Option<TraceId> {
    let s = s.trim();
    if !(s.len() == 16 || s.len() == 32) || !s.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let id = TraceId::from_hex(s).ok()?;
    (id != TraceId::INVALID).then_some(id)
}

/// A span id of 16 hex digits, not all zero.
fn span_id(s: &str) -> Option<SpanId> {
    let s = s.trim();
    if s.len() != 16 || !s.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let id = SpanId::from_hex(s).ok()?;
    (id != SpanId::INVALID).then_some(id)
}

/// A sampling state: `Some(true)` sampled (or debug), `Some(false)` not,
/// `None` unknown.
fn sampled(s: &str) -> Option<bool> {
    match s.trim().to_ascii_lowercase().as_str() {
        "1" | "d" | "true" => Some(true),
        "0" | "false" => Some(false),
        _ => None,
    }
}

fn remote(trace: TraceId, span: SpanId, is_sampled: bool) -> SpanContext {
    let flags = if is_sampled {
        TraceFlags::SAMPLED
    } else {
        TraceFlags::default()
    };
    SpanContext::new(trace, span, flags, true, TraceState::default())
}

/// The context of the single `b3` header.
fn extract_single(value: &str) -> Option<SpanContext> {
    let mut parts = value.trim().split('-');
    let first = parts.next()?;
    let Some(second) = parts.next() else {
        // A lone sampling state carries no ids: nothing to continue.
        return None;
    };
    let (trace, span) = (trace_id(first)?, span_id(second)?);
    let is_sampled = match parts.next() {
        Some(s) => sampled(s)?,
        None => false,
    };
    if let Some(parent) = parts.next() {
        span_id(parent)?;
    }
    if parts.next().is_some() {
        return None;
    }
    Some(remote(trace, span, is_sampled))
}

/// The context of the `X-B3-*` headers.
fn extract_multi(extractor: &dyn Extractor) -> Option<SpanContext> {
    let trace = trace_id(extractor.get(TRACE_ID)?)?;
    let span = span_id(extractor.get(SPAN_ID)?)?;
    let debug = extractor.get(FLAGS).is_some_and(|f| f.trim() == "1");
    let is_sampled = debug || extractor.get(SAMPLED).and_then(sampled).unwrap_or(false);
    Some(remote(trace, span, is_sampled))
}

impl TextMapPropagator for B3Propagator {
    fn inject_context(&self, cx: &Context, injector: &mut dyn Injector) {
        let span = cx.span();
        let sc = span.span_context();
        if !sc.is_valid() {
            return;
        }
        let flag = if sc.is_sampled() { "1" } else { "0" };
        if self.single {
            injector.set(B3, format!("{}-{}-{flag}", sc.trace_id(), sc.span_id()));
        } else {
            injector.set(TRACE_ID, sc.trace_id().to_string());
            injector.set(SPAN_ID, sc.span_id().to_string());
            injector.set(SAMPLED, flag.to_string());
        }
    }

    fn extract_with_context(&self, cx: &Context, extractor: &dyn Extractor) -> Context {
        let found = extractor
            .get(B3)
            .and_then(extract_single)
            .or_else(|| extract_multi(extractor));
        match found {
            Some(sc) => cx.with_remote_span_context(sc),
            None => cx.clone(),
        }
    }

    fn fields(&self) -> FieldIter<'_> {
        FieldIter::new(&self.fields)
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    const TRACE: &str = "80f198ee56343ba864fe8b2a57d3eff7";
    const SPAN: &str = "e457b5a2e4d86bd1";

    fn extract(p: &B3Propagator, headers: &[(&str, &str)]) -> SpanContext {
        let map: HashMap<String, String> = headers
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        p.extract(&map).span().span_context().clone()
    }

    #[test]
    fn single_header_round_trip() {
        let p = B3Propagator::single_header();
        let sc = extract(&p, &[("b3", &format!("{TRACE}-{SPAN}-1-05e3ac9a4f6e3b90"))]);
        assert!(sc.is_valid() && sc.is_remote() && sc.is_sampled());
        assert_eq!(sc.trace_id().to_string(), TRACE);
        let mut out = HashMap::new();
        p.inject_context(&Context::new().with_remote_span_context(sc), &mut out);
        assert_eq!(
            out.get("b3").map(String::as_str),
            Some(&*format!("{TRACE}-{SPAN}-1"))
        );
    }

    #[test]
    fn multiple_headers_round_trip_and_debug_flag() {
        let p = B3Propagator::multiple_headers();
        let sc = extract(
            &p,
            &[
                ("x-b3-traceid", "64fe8b2a57d3eff7"),
                ("x-b3-spanid", SPAN),
                ("x-b3-flags", "1"),
            ],
        );
        assert!(sc.is_sampled());
        assert_eq!(
            sc.trace_id().to_string(),
            "000000000000000064fe8b2a57d3eff7"
        );
        let mut out = HashMap::new();
        p.inject_context(&Context::new().with_remote_span_context(sc), &mut out);
        assert_eq!(out.get("x-b3-spanid").map(String::as_str), Some(SPAN));
        assert_eq!(out.get("x-b3-sampled").map(String::as_str), Some("1"));
    }

    #[test]
    fn malformed_or_deferred_headers() {
        let p = B3Propagator::single_header();
        for bad in [
            "0",
            "xyz",
            &format!("{TRACE}-{SPAN}-7"),
            &format!("{TRACE}-0000000000000000-1"),
        ] {
            assert!(!extract(&p, &[("b3", bad)]).is_valid(), "{bad}");
        }
        let deferred = extract(&p, &[("b3", &format!("{TRACE}-{SPAN}"))]);
        assert!(deferred.is_valid() && !deferred.is_sampled());
        // The multi-header form is read by the single-header propagator too.
        let multi = extract(
            &p,
            &[
                ("x-b3-traceid", TRACE),
                ("x-b3-spanid", SPAN),
                ("x-b3-sampled", "true"),
            ],
        );
        assert!(multi.is_sampled());
    }
}
