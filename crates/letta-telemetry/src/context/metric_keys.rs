//! The allow-list of context attribute keys that are copied to metrics.

use std::sync::{Arc, RwLock};

use opentelemetry::Key;

/// Context attribute keys copied to metric attributes by default: low
/// cardinality tenant keys. Agent and user ids stay on spans.
pub const DEFAULT_METRIC_ATTRIBUTE_KEYS: [&str; 4] = [
    "organization.id",
    "project.id",
    "template.id",
    "base_template.id",
];

/// `None` means the default list.
static KEYS: RwLock<Option<Arc<[Key]>>> = RwLock::new(None);

/// Replaces the allow-list of context attribute keys copied to metrics
/// (see [`metric_attributes`](super::metric_attributes)). An empty list turns
/// context attributes on metrics off. Takes effect for attributes added after
/// the call.
pub fn set_metric_attribute_keys<K: Into<Key>>(keys: impl IntoIterator<Item = K>) {
    let keys: Arc<[Key]> = keys.into_iter().map(Into::into).collect();
    match KEYS.write() {
        Ok(mut guard) => *guard = Some(keys),
        Err(poisoned) => *poisoned.into_inner() = Some(keys),
    }
}

/// The current allow-list of context attribute keys copied to metrics.
pub fn metric_attribute_keys() -> Vec<Key> {
    let guard = match KEYS.read() {
        Ok(guard) => guard,
        Err(poisoned) => poisoned.into_inner(),
    };
    match guard.as_deref() {
        Some(keys) => keys.to_vec(),
        None => DEFAULT_METRIC_ATTRIBUTE_KEYS
            .iter()
            .map(|k| Key::from_static_str(k))
            .collect(),
    }
}

/// Whether `key` is on the allow-list.
pub(super) fn is_metric_key(key: &Key) -> bool {
    with_metric_key_check(|is_metric| is_metric(key))
}

/// Calls `f` with a test of the allow-list, taking its lock once for any
/// number of keys.
pub(super) fn with_metric_key_check<R>(f: impl FnOnce(&dyn Fn(&Key) -> bool) -> R) -> R {
    let guard = match KEYS.read() {
        Ok(guard) => guard,
        Err(poisoned) => poisoned.into_inner(),
    };
    match guard.as_deref() {
        Some(keys) => f(&|key| keys.iter().any(|k| k == key)),
        None => f(&|key| DEFAULT_METRIC_ATTRIBUTE_KEYS.contains(&key.as_str())),
    }
}
