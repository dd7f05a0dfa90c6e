//! The allow-list of context attribute keys that are copied to metrics.

use std::sync::{Arc, RwLock};

use opentelemetry::Key;

use super::CONTEXT_HEADERS;

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
    let keys: Arc<[Key]> = keys.into_iter().map(|k| shared_key(&k.into())).collect();
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

/// `key` in a form whose clones do not allocate: the `'static` string of
/// a well-known context key, else a shared (`Arc`) copy.
fn shared_key(key: &Key) -> Key {
    let name = key.as_str();
    let known = DEFAULT_METRIC_ATTRIBUTE_KEYS
        .iter()
        .chain(CONTEXT_HEADERS.iter().map(|(_, k)| k))
        .find(|k| **k == name);
    match known {
        Some(k) => Key::from_static_str(k),
        None => Key::from(Arc::<str>::from(name)),
    }
}

/// The allow-list's copy of `key` (cheap to clone, see [`shared_key`]) if
/// `key` is on it.
pub(super) fn metric_key(key: &Key) -> Option<Key> {
    with_metric_key_check(|metric_key| metric_key(key))
}

/// Calls `f` with a look-up in the allow-list (returning the list's
/// cheap-to-clone copy of an allowed key), taking its lock once for any
/// number of keys.
pub(super) fn with_metric_key_check<R>(f: impl FnOnce(&dyn Fn(&Key) -> Option<Key>) -> R) -> R {
    let guard = match KEYS.read() {
        Ok(guard) => guard,
        Err(poisoned) => poisoned.into_inner(),
    };
    match guard.as_deref() {
        Some(keys) => f(&|key| keys.iter().find(|k| *k == key).cloned()),
        None => f(&|key| {
            DEFAULT_METRIC_ATTRIBUTE_KEYS
                .iter()
                .find(|k| **k == key.as_str())
                .map(|k| Key::from_static_str(k))
        }),
    }
}
