//! Grouping a batch's spans by instrumentation scope, as every encoder and
//! the worker's request sizing do.
//!
//! A span's scope is a clone of its tracer's, and a tracer's name and
//! version are nearly always static strings: the clones point at the same
//! bytes. [`same_scope`] answers from that identity first; the SDK's
//! `PartialEq` compares every string and sorts copies of both attribute
//! lists, ~170 instructions per comparison, and a batch compares each span
//! two or three times (8 % of the export thread's work on the reference
//! server's read route).

use opentelemetry::InstrumentationScope;
use opentelemetry_sdk::trace::SpanData;

/// Whether `a` and `b` are the same scope (exactly `a == b`).
pub(crate) fn same_scope(a: &InstrumentationScope, b: &InstrumentationScope) -> bool {
    identical(a, b) || a == b
}

/// Whether `a` and `b` hold their name, version and schema URL in the same
/// memory and have no attributes: then they are equal without reading a
/// byte. `false` says nothing.
fn identical(a: &InstrumentationScope, b: &InstrumentationScope) -> bool {
    fn same_text(a: Option<&str>, b: Option<&str>) -> bool {
        match (a, b) {
            // address and length (a `&str` is a wide pointer)
            (Some(a), Some(b)) => std::ptr::eq(a, b),
            (None, None) => true,
            _ => false,
        }
    }
    same_text(Some(a.name()), Some(b.name()))
        && same_text(a.version(), b.version())
        && same_text(a.schema_url(), b.schema_url())
        && a.attributes().next().is_none()
        && b.attributes().next().is_none()
}

/// The distinct scopes of `spans`, in order of first appearance (a batch
/// holds a handful).
pub(crate) fn distinct_scopes(spans: &[SpanData]) -> Vec<&InstrumentationScope> {
    let mut scopes: Vec<&InstrumentationScope> = Vec::new();
    for span in spans {
        if !contains(&scopes, &span.instrumentation_scope) {
            scopes.push(&span.instrumentation_scope);
        }
    }
    scopes
}

/// Whether `scopes` holds `scope`.
pub(crate) fn contains<S>(scopes: &[S], scope: &InstrumentationScope) -> bool
where
    S: std::borrow::Borrow<InstrumentationScope>,
{
    scopes.iter().any(|s| same_scope(s.borrow(), scope))
}

/// The spans of `spans` whose scope is `scope`, in order.
pub(crate) fn spans_of<'a>(
    spans: &'a [SpanData],
    scope: &'a InstrumentationScope,
) -> impl Iterator<Item = &'a SpanData> + 'a {
    spans
        .iter()
        .filter(move |s| same_scope(&s.instrumentation_scope, scope))
}

#[cfg(test)]
mod tests {
    use opentelemetry::KeyValue;

    use super::*;

    fn owned(name: &str) -> InstrumentationScope {
        InstrumentationScope::builder(name.to_owned()).build()
    }

    #[test]
    fn agrees_with_the_sdk_equality_in_every_case() {
        let stat = InstrumentationScope::builder("letta")
            .with_version("1.0")
            .build();
        let with_attrs = |v: &'static str| {
            InstrumentationScope::builder("letta")
                .with_attributes([KeyValue::new("k", v)])
                .build()
        };
        let scopes = [
            stat.clone(),
            InstrumentationScope::builder("letta").build(),
            InstrumentationScope::builder("letta")
                .with_version("1.0".to_owned())
                .build(),
            InstrumentationScope::builder("letta")
                .with_schema_url("https://s")
                .build(),
            owned("letta"),
            owned("other"),
            with_attrs("a"),
            with_attrs("b"),
        ];
        for a in &scopes {
            for b in &scopes {
                assert_eq!(same_scope(a, b), a == b, "{a:?} {b:?}");
                // clones keep the static strings' identity
                assert_eq!(same_scope(&a.clone(), b), a == b, "{a:?} {b:?}");
            }
        }
    }

    #[test]
    fn identity_is_only_claimed_for_the_same_memory_without_attributes() {
        let stat = InstrumentationScope::builder("letta").build();
        assert!(identical(&stat, &stat.clone()));
        // equal, but in other memory: decided by the full comparison
        assert!(!identical(&owned("letta"), &owned("letta")));
        assert!(same_scope(&owned("letta"), &owned("letta")));
        let attrs = InstrumentationScope::builder("letta")
            .with_attributes([KeyValue::new("k", 1)])
            .build();
        assert!(!identical(&attrs, &attrs.clone()));
        assert!(same_scope(&attrs, &attrs.clone()));
    }

    #[test]
    fn scopes_are_grouped_in_order_of_first_appearance() {
        use crate::testing::sample_span;
        let mut spans: Vec<SpanData> = (0..5).map(|_| sample_span("s", vec![])).collect();
        spans[1].instrumentation_scope = owned("b");
        spans[3].instrumentation_scope = owned("b");
        let scopes = distinct_scopes(&spans);
        assert_eq!(scopes.len(), 2);
        assert_eq!(scopes[1].name(), "b");
        assert_eq!(spans_of(&spans, scopes[0]).count(), 3);
        assert_eq!(spans_of(&spans, scopes[1]).count(), 2);
    }
}
