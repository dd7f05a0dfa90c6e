//! W3C trace context in and out of HTTP headers through the global
//! propagator.
//!
//! Extraction has a fast path for the common case: when the global
//! propagator is the W3C one (trace context, optionally with baggage, as
//! installed by this crate), the request carries no `baggage` header and its
//! `traceparent` has the canonical version-00 form, the header is parsed
//! here without allocating. Every other case goes through the global
//! propagator, so the result is the same either way (see the tests).

// Extraction is the server layer's, injection the client's: a build with
// one of them leaves the other's helpers unused.
#![cfg_attr(not(all(feature = "axum", feature = "reqwest")), allow(dead_code))]

#[cfg(feature = "axum")]
use super::request_headers::W3cHeaders;
use http::{HeaderMap, HeaderName, HeaderValue};
use opentelemetry::Context;
use opentelemetry::propagation::{Extractor, Injector, TextMapPropagator};
#[cfg(feature = "axum")]
use opentelemetry::trace::{SpanContext, TraceContextExt as _, TraceState};
use opentelemetry::trace::{SpanId, TraceFlags, TraceId};

static TRACEPARENT: HeaderName = HeaderName::from_static("traceparent");
static TRACESTATE: HeaderName = HeaderName::from_static("tracestate");
static BAGGAGE: HeaderName = HeaderName::from_static("baggage");

struct HeaderExtractor<'a>(&'a HeaderMap);

impl Extractor for HeaderExtractor<'_> {
    fn get(&self, key: &str) -> Option<&str> {
        // the W3C names without parsing them again
        let value = match key {
            "traceparent" => self.0.get(&TRACEPARENT),
            "tracestate" => self.0.get(&TRACESTATE),
            "baggage" => self.0.get(&BAGGAGE),
            _ => self.0.get(key),
        };
        value.and_then(|v| v.to_str().ok())
    }

    fn keys(&self) -> Vec<&str> {
        self.0.keys().map(HeaderName::as_str).collect()
    }
}

struct HeaderInjector<'a> {
    headers: &'a mut HeaderMap,
    baggage: bool,
}

impl Injector for HeaderInjector<'_> {
    fn set(&mut self, key: &str, value: String) {
        if !self.baggage && key.eq_ignore_ascii_case("baggage") {
            return;
        }
        if let (Ok(name), Ok(value)) = (
            HeaderName::from_bytes(key.as_bytes()),
            HeaderValue::from_str(&value),
        ) {
            self.headers.insert(name, value);
        }
    }
}

/// `base` continued by the remote parent found in `headers` (e.g.
/// `traceparent`), if any.
/// `w3c` are the W3C headers of `headers`, found beforehand.
#[cfg(feature = "axum")]
pub(crate) fn extract(base: &Context, headers: &HeaderMap, w3c: W3cHeaders<'_>) -> Context {
    opentelemetry::global::get_text_map_propagator(|p| {
        if is_w3c(p)
            && let Some(cx) = extract_w3c_fast(base, w3c)
        {
            return cx;
        }
        p.extract_with_context(base, &HeaderExtractor(headers))
    })
}

/// Writes the span context of `cx` into `headers` (e.g. `traceparent`);
/// the `baggage` header only when `baggage` is true: baggage that came in
/// with a request (user ids, internal flags) is not forwarded to a third
/// party unless its destination is allowed.
pub(crate) fn inject(cx: &Context, headers: &mut HeaderMap, baggage: bool) {
    opentelemetry::global::get_text_map_propagator(|p| {
        p.inject_context(cx, &mut HeaderInjector { headers, baggage });
    });
}

/// Whether `p` reads exactly the W3C fields: `traceparent` and `tracestate`,
/// with or without `baggage` (the SDK's trace-context propagator, alone or
/// composed with its baggage propagator).
fn is_w3c(p: &dyn TextMapPropagator) -> bool {
    let (mut parent, mut state, mut other) = (false, false, false);
    for field in p.fields() {
        match field {
            "traceparent" => parent = true,
            "tracestate" => state = true,
            "baggage" => {}
            _ => other = true,
        }
    }
    parent && state && !other
}

/// The W3C extraction of a request without `baggage` whose `traceparent` is
/// absent or canonical; `None` when the full propagator must decide.
#[cfg(feature = "axum")]
fn extract_w3c_fast(base: &Context, w3c: W3cHeaders<'_>) -> Option<Context> {
    if w3c.baggage {
        return None;
    }
    let Some(traceparent) = w3c.traceparent else {
        // the propagator finds no parent: the base context, unchanged
        return Some(base.clone());
    };
    let (trace_id, span_id, flags) = parse_canonical_traceparent(traceparent.as_bytes())?;
    let trace_state = match w3c.tracestate.and_then(|v| v.to_str().ok()) {
        Some(s) => s.parse::<TraceState>().unwrap_or_default(),
        None => TraceState::default(),
    };
    let span_context = SpanContext::new(trace_id, span_id, flags, true, trace_state);
    if !span_context.is_valid() {
        return Some(base.clone());
    }
    Some(base.with_remote_span_context(span_context))
}

/// `00-<32 lowercase hex>-<16 lowercase hex>-<2 lowercase hex>` exactly;
/// anything else (other versions, spaces, upper case) gives `None`.
fn parse_canonical_traceparent(b: &[u8]) -> Option<(TraceId, SpanId, TraceFlags)> {
    if b.len() != 55 || &b[..3] != b"00-" || b[35] != b'-' || b[52] != b'-' {
        return None;
    }
    let high = hex_u64(&b[3..19])?;
    let low = hex_u64(&b[19..35])?;
    let span_id = hex_u64(&b[36..52])?;
    let flags = hex_u64(&b[53..55])?;
    let trace_id = (u128::from(high) << 64) | u128::from(low);
    let flags = u8::try_from(flags).ok()?;
    Some((
        TraceId::from(trace_id),
        SpanId::from(span_id),
        TraceFlags::new(flags) & TraceFlags::SAMPLED,
    ))
}

/// The value of each byte as a lowercase hex digit, or 0xff.
const HEX: [u8; 256] = {
    let mut table = [0xff_u8; 256];
    let mut i = 0;
    while i < 10 {
        table[b'0' as usize + i] = i as u8;
        i += 1;
    }
    let mut i = 0;
    while i < 6 {
        table[b'a' as usize + i] = 10 + i as u8;
        i += 1;
    }
    table
};

/// Lowercase hex digits (at most 16) as a number.
fn hex_u64(digits: &[u8]) -> Option<u64> {
    let mut n: u64 = 0;
    let mut bad = 0u8;
    for &d in digits {
        let v = HEX[usize::from(d)];
        bad |= v;
        n = (n << 4) | u64::from(v & 0x0f);
    }
    // every valid digit is below 16; 0xff marks a bad one
    (bad < 16).then_some(n)
}

#[cfg(test)]
mod tests {
    use super::super::request_headers::RequestHeaders;
    use super::*;
    use opentelemetry::baggage::BaggageExt as _;
    use opentelemetry::propagation::TextMapCompositePropagator;
    use opentelemetry_sdk::propagation::{BaggagePropagator, TraceContextPropagator};

    fn w3c() -> TextMapCompositePropagator {
        TextMapCompositePropagator::new(vec![
            Box::new(TraceContextPropagator::new()),
            Box::new(BaggagePropagator::new()),
        ])
    }

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(
                *k,
                HeaderValue::from_str(v).unwrap_or(HeaderValue::from_static("")),
            );
        }
        h
    }

    fn same(a: &Context, b: &Context) -> bool {
        a.span().span_context() == b.span().span_context()
            && a.has_active_span() == b.has_active_span()
            && a.baggage().len() == b.baggage().len()
    }

    #[test]
    fn the_fast_path_agrees_with_the_sdk_propagator() {
        let propagator = w3c();
        assert!(is_w3c(&propagator));
        assert!(is_w3c(&TraceContextPropagator::new()));
        assert!(!is_w3c(&BaggagePropagator::new()));
        let tp = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
        let cases: Vec<Vec<(&'static str, &str)>> = vec![
            vec![],
            vec![("traceparent", tp)],
            vec![("traceparent", tp), ("tracestate", "foo=bar,k=v")],
            vec![("traceparent", tp), ("tracestate", "not a state")],
            vec![(
                "traceparent",
                "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00",
            )],
            vec![(
                "traceparent",
                "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-09",
            )],
            vec![(
                "traceparent",
                "00-00000000000000000000000000000000-00f067aa0ba902b7-01",
            )],
            vec![(
                "traceparent",
                "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",
            )],
            vec![(
                "traceparent",
                "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",
            )],
            vec![(
                "traceparent",
                "01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-xyz",
            )],
            vec![(
                "traceparent",
                " 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
            )],
            vec![("traceparent", "garbage")],
            vec![("traceparent", tp), ("baggage", "k=v")],
        ];
        let base = Context::new();
        let canonical = headers(&[("traceparent", tp)]);
        let fast = extract_w3c_fast(&base, RequestHeaders::scan(&canonical).w3c);
        assert!(fast.is_some_and(|cx| cx.span().span_context().is_sampled()));
        for case in cases {
            let h = headers(&case);
            let sdk = propagator.extract_with_context(&base, &HeaderExtractor(&h));
            let fast = extract_w3c_fast(&base, RequestHeaders::scan(&h).w3c)
                .unwrap_or_else(|| propagator.extract_with_context(&base, &HeaderExtractor(&h)));
            assert!(same(&sdk, &fast), "{case:?}");
            assert_eq!(
                sdk.span().span_context().trace_state(),
                fast.span().span_context().trace_state(),
                "{case:?}"
            );
        }
    }
}
