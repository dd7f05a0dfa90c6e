//! Attribute values whose clones share one allocation: a request's header
//! values go to both its context attributes and its span, and an endpoint's
//! route and host to every request it serves.

use std::sync::Arc;

use opentelemetry::{StringValue, Value};

/// `s` as a string value whose clones share one allocation.
pub(crate) fn shared_value(s: &str) -> Value {
    Value::String(StringValue::from(Arc::<str>::from(s)))
}
