//! The per-request attribute store and the free functions that reach it
//! through the current OpenTelemetry context.

use std::future::Future;
use std::sync::{Arc, Mutex, MutexGuard};

use opentelemetry::context::{FutureExt as _, WithContext};
use opentelemetry::{Context, Key, KeyValue, StringValue, Value};
use smallvec::SmallVec;

use super::metric_keys::{metric_key, with_metric_key_check};

#[derive(Debug, Clone)]
struct Entry {
    attribute: KeyValue,
    /// On the metric allow-list when it was added.
    metric: bool,
}

/// Slack kept in [`Store::metric`] for a recording's own attributes.
const OWN_SLACK: usize = 6;

/// Entries held inside the store itself (more spill to the heap): the
/// five header attributes of a request and one added by a handler. With
/// [`AttributeBuffer`] this keeps a request's store one small allocation
/// (under 1 KiB, the allocator's per-thread cache size).
const INLINE_ENTRIES: usize = 6;

/// The attribute list a metric point is recorded from: inline up to a
/// typical point's size (the allow-listed context attributes and the
/// point's own three or four), so that building it does not allocate.
pub(crate) type AttributeBuffer = SmallVec<[KeyValue; 8]>;

#[derive(Debug, Default)]
struct Store {
    entries: SmallVec<[Entry; INLINE_ENTRIES]>,
    /// The attributes of the metric entries, in order, built at the first
    /// recording (most requests record no metric): the buffer metric points
    /// are recorded from (a recording appends its own attributes and
    /// removes them afterwards), so the context attributes are not copied.
    metric: AttributeBuffer,
    /// Whether `metric` matches `entries`.
    metric_built: bool,
}

impl Store {
    /// The metric buffer, built if needed.
    fn metric(&mut self) -> &mut AttributeBuffer {
        if !self.metric_built {
            self.metric.clear();
            let count = self.entries.iter().filter(|e| e.metric).count();
            self.metric.reserve(count + OWN_SLACK);
            self.metric.extend(
                self.entries
                    .iter()
                    .filter(|e| e.metric)
                    .map(|e| e.attribute.clone()),
            );
            self.metric_built = true;
        }
        &mut self.metric
    }
}

/// Removes a recording's own attributes from [`Store::metric`], also when
/// the recording unwinds.
struct Truncate<'a> {
    buffer: &'a mut AttributeBuffer,
    len: usize,
}

impl Drop for Truncate<'_> {
    fn drop(&mut self) {
        self.buffer.truncate(self.len);
    }
}

/// The request context attributes of one request (the reference's
/// `ContextVar` dictionary).
///
/// A cheap handle (`Arc`): clones share the same attributes, so a value added
/// anywhere in the request (including tasks started with
/// [`spawn`](super::spawn)) is seen everywhere else. It lives in the
/// OpenTelemetry [`Context`]; most code uses the free functions
/// [`add_ctx_attribute`], [`get_ctx_attributes`] and [`metric_attributes`]
/// instead of this type.
#[derive(Debug, Clone, Default)]
pub struct RequestAttributes {
    store: Arc<Mutex<Store>>,
}

impl RequestAttributes {
    /// An empty set of attributes.
    pub fn new() -> Self {
        Self::default()
    }

    /// The attributes of the current context, if a scope is open.
    pub fn current() -> Option<Self> {
        Context::map_current(|cx| cx.get::<Self>().cloned())
    }

    fn lock(&self) -> MutexGuard<'_, Store> {
        // A panic while holding this lock cannot leave the store
        // inconsistent: recordings restore the metric buffer on unwind.
        match self.store.lock() {
            Ok(guard) => guard,
            Err(poisoned) => poisoned.into_inner(),
        }
    }

    /// Calls `f` with the allow-listed (metric) attributes followed by
    /// `own`, in this store's own buffer, so that the context attributes
    /// are not copied: `f` may append attributes; all that it and `own`
    /// added is removed afterwards. The store stays locked while `f` runs,
    /// so `f` must only record on instruments. When the store is busy
    /// (another thread is recording or writing) this does not wait: it
    /// hands `own` and `f` back.
    pub(crate) fn try_record<I, F, R>(&self, own: I, f: F) -> Result<R, (I, F)>
    where
        I: IntoIterator<Item = KeyValue>,
        F: FnOnce(&mut AttributeBuffer) -> R,
    {
        let mut store = match self.store.try_lock() {
            Ok(guard) => guard,
            Err(std::sync::TryLockError::Poisoned(poisoned)) => poisoned.into_inner(),
            Err(std::sync::TryLockError::WouldBlock) => return Err((own, f)),
        };
        let buffer = store.metric();
        let len = buffer.len();
        let guard = Truncate { buffer, len };
        guard.buffer.extend(own);
        Ok(f(guard.buffer))
    }

    /// Sets `key` to `value`, replacing an earlier value of the same key.
    ///
    /// An attribute that goes onto metrics is stored in a form whose clones
    /// share one allocation (an `Arc<str>` string), so that copying it into
    /// the metric buffer does not allocate.
    pub fn insert(&self, key: impl Into<Key>, value: impl Into<Value>) {
        let key = key.into();
        let (attribute, metric) = match metric_key(&key) {
            Some(key) => (KeyValue::new(key, shared_value(value.into())), true),
            None => (KeyValue::new(key, value), false),
        };
        let mut store = self.lock();
        let was_metric = upsert(&mut store.entries, Entry { attribute, metric });
        if metric || was_metric {
            store.metric_built = false;
        }
    }

    /// The value of `key`, if set.
    pub fn get(&self, key: &str) -> Option<Value> {
        self.lock()
            .entries
            .iter()
            .find(|e| e.attribute.key.as_str() == key)
            .map(|e| e.attribute.value.clone())
    }

    /// All attributes, in the order they were first set.
    pub fn to_vec(&self) -> Vec<KeyValue> {
        self.lock()
            .entries
            .iter()
            .map(|e| e.attribute.clone())
            .collect()
    }

    /// Number of attributes set.
    pub fn len(&self) -> usize {
        self.lock().entries.len()
    }

    /// Whether no attribute is set.
    pub fn is_empty(&self) -> bool {
        self.lock().entries.is_empty()
    }

    /// Whether any allow-listed attribute (for metrics) is set.
    #[cfg(feature = "sqlx")]
    pub(crate) fn has_metric_attributes(&self) -> bool {
        self.lock().entries.iter().any(|e| e.metric)
    }

    /// Appends the allow-listed attributes (for metrics) to `out`.
    pub fn append_metric_attributes(&self, out: &mut impl Extend<KeyValue>) {
        let store = self.lock();
        if store.metric_built {
            out.extend(store.metric.iter().cloned());
        } else {
            out.extend(
                store
                    .entries
                    .iter()
                    .filter(|e| e.metric)
                    .map(|e| e.attribute.clone()),
            );
        }
    }
}

/// Whether the current context's request attributes include an
/// allow-listed (metric) one: when not, a metric point's attribute set is
/// its own alone, and a bound instrument can record it.
#[cfg(feature = "sqlx")]
pub(crate) fn current_has_metric_attributes() -> bool {
    Context::map_current(|cx| {
        cx.get::<RequestAttributes>()
            .is_some_and(RequestAttributes::has_metric_attributes)
    })
}

/// Puts `entry` in place of the entry with the same key, or after the
/// others; returns whether the replaced entry was a metric one.
fn upsert(entries: &mut SmallVec<[Entry; INLINE_ENTRIES]>, entry: Entry) -> bool {
    match entries
        .iter_mut()
        .find(|e| e.attribute.key == entry.attribute.key)
    {
        Some(slot) => std::mem::replace(slot, entry).metric,
        None => {
            entries.push(entry);
            false
        }
    }
}

/// `value` with a string held in an `Arc<str>`, so that clones share it.
fn shared_value(value: Value) -> Value {
    match value {
        Value::String(s) => Value::String(StringValue::from(Arc::<str>::from(s.as_str()))),
        other => other,
    }
}

/// The current context with a fresh attribute scope: a copy of the enclosing
/// scope's attributes if there is one, else empty. Attach it (or run a future
/// in it with [`FutureExt::with_context`](opentelemetry::context::FutureExt))
/// to make [`add_ctx_attribute`] work inside.
pub fn current_with_ctx_attributes() -> Context {
    Context::map_current(|cx| with_ctx_attributes_set(cx, []))
}

/// `cx` with a fresh attribute scope (a copy of its scope's attributes if
/// it has one, else empty) holding `attributes`, each replacing an inherited
/// value of the same key: one store allocation and one look at the metric
/// allow-list for the lot. The HTTP layer opens every request's scope with
/// this. String values are kept as given: pass them shared (built from an
/// `Arc<str>`), as the HTTP layer does, so that copying them onto metric
/// points does not allocate.
pub(crate) fn with_ctx_attributes_set(
    cx: &Context,
    attributes: impl IntoIterator<Item = KeyValue>,
) -> Context {
    // Filled in place: the store is large (its entries are inline), so it
    // is not built on the stack and moved.
    let scope = RequestAttributes::new();
    {
        let mut store = scope.lock();
        if let Some(enclosing) = cx.get::<RequestAttributes>() {
            store.entries.clone_from(&enclosing.lock().entries);
        }
        let entries = &mut store.entries;
        // Most requests carry no context header: then the allow-list's
        // lock is not taken.
        let mut attributes = attributes.into_iter().peekable();
        if attributes.peek().is_some() {
            with_metric_key_check(|metric_key| {
                for mut attribute in attributes {
                    let metric = match metric_key(&attribute.key) {
                        Some(key) => {
                            attribute.key = key;
                            true
                        }
                        None => false,
                    };
                    upsert(entries, Entry { attribute, metric });
                }
            });
        }
    }
    cx.with_value(scope)
}

/// Runs `future` in a fresh attribute scope (see
/// [`current_with_ctx_attributes`]). The HTTP layer does this for every
/// request; use it for background jobs that are not requests.
pub fn with_ctx_attributes<F: Future>(future: F) -> WithContext<F> {
    future.with_context(current_with_ctx_attributes())
}

/// Sets a request context attribute. Outside a scope (no request, no
/// [`with_ctx_attributes`]) this does nothing and returns `false`.
pub fn add_ctx_attribute(key: impl Into<Key>, value: impl Into<Value>) -> bool {
    Context::map_current(|cx| match cx.get::<RequestAttributes>() {
        Some(attributes) => {
            attributes.insert(key, value);
            true
        }
        None => false,
    })
}

/// The value of one request context attribute.
pub fn get_ctx_attribute(key: &str) -> Option<Value> {
    Context::map_current(|cx| cx.get::<RequestAttributes>().and_then(|a| a.get(key)))
}

/// All request context attributes of the current scope (empty outside one).
pub fn get_ctx_attributes() -> Vec<KeyValue> {
    Context::map_current(|cx| {
        cx.get::<RequestAttributes>()
            .map(RequestAttributes::to_vec)
            .unwrap_or_default()
    })
}

/// The allow-listed request context attributes, for metric data points
/// (see [`set_metric_attribute_keys`](super::set_metric_attribute_keys)).
/// Does not allocate when there are none.
pub fn metric_attributes() -> Vec<KeyValue> {
    let mut out = Vec::new();
    Context::map_current(|cx| {
        if let Some(attributes) = cx.get::<RequestAttributes>() {
            attributes.append_metric_attributes(&mut out);
        }
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_request_store_is_one_small_allocation() {
        // The allocation behind `RequestAttributes` (two reference counts
        // and the mutex around the store) stays within the allocator's
        // per-thread cache (1032 bytes with glibc).
        let bytes = 2 * std::mem::size_of::<usize>() + std::mem::size_of::<Mutex<Store>>();
        assert!(bytes <= 1024, "{bytes} bytes");
    }

    #[test]
    fn values_added_past_the_inline_room_are_kept() {
        let attributes = RequestAttributes::new();
        for i in 0..(INLINE_ENTRIES * 2) {
            attributes.insert(format!("key{i}"), i as i64);
        }
        assert_eq!(attributes.len(), INLINE_ENTRIES * 2);
        assert_eq!(attributes.get("key11"), Some(Value::I64(11)));
    }

    fn keys_of(cx: &Context) -> Vec<(String, bool)> {
        let store = cx.get::<RequestAttributes>().map(RequestAttributes::lock);
        store.map_or_else(Vec::new, |store| {
            let entries = store.entries.iter();
            entries
                .map(|e| (e.attribute.key.to_string(), e.metric))
                .collect()
        })
    }

    #[test]
    fn a_scope_opened_without_attributes_still_copies_the_enclosing_one() {
        // the request path skips the allow-list when no header gave an
        // attribute; the enclosing scope's entries (and their metric
        // flags) must come along all the same
        let outer = with_ctx_attributes_set(
            &Context::new(),
            [KeyValue::new("project.id", "p"), KeyValue::new("x", "y")],
        );
        let expected = vec![("project.id".to_owned(), true), ("x".to_owned(), false)];
        assert_eq!(keys_of(&outer), expected);
        let inner = with_ctx_attributes_set(&outer, []);
        assert_eq!(keys_of(&inner), expected);
        // a fresh store: adding to the inner scope leaves the outer alone
        let inner_store = inner.get::<RequestAttributes>().expect("a scope");
        inner_store.insert("agent.id", "a");
        assert_eq!(keys_of(&outer).len(), 2);
        assert_eq!(keys_of(&inner).len(), 3);
        assert!(keys_of(&with_ctx_attributes_set(&Context::new(), [])).is_empty());
    }
}
