//! The per-request attribute store and the free functions that reach it
//! through the current OpenTelemetry context.

use std::future::Future;
use std::sync::{Arc, Mutex, MutexGuard};

use opentelemetry::context::{FutureExt as _, WithContext};
use opentelemetry::{Context, Key, KeyValue, Value};

use super::metric_keys::{is_metric_key, with_metric_key_check};

#[derive(Debug, Clone)]
struct Entry {
    attribute: KeyValue,
    /// On the metric allow-list when it was added.
    metric: bool,
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
    entries: Arc<Mutex<Vec<Entry>>>,
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

    fn lock(&self) -> MutexGuard<'_, Vec<Entry>> {
        // A panic while holding this lock cannot leave the Vec inconsistent.
        match self.entries.lock() {
            Ok(guard) => guard,
            Err(poisoned) => poisoned.into_inner(),
        }
    }

    /// Sets `key` to `value`, replacing an earlier value of the same key.
    pub fn insert(&self, key: impl Into<Key>, value: impl Into<Value>) {
        let attribute = KeyValue::new(key, value);
        let metric = is_metric_key(&attribute.key);
        let mut entries = self.lock();
        match entries
            .iter_mut()
            .find(|e| e.attribute.key == attribute.key)
        {
            Some(entry) => {
                entry.attribute = attribute;
                entry.metric = metric;
            }
            None => entries.push(Entry { attribute, metric }),
        }
    }

    /// The value of `key`, if set.
    pub fn get(&self, key: &str) -> Option<Value> {
        self.lock()
            .iter()
            .find(|e| e.attribute.key.as_str() == key)
            .map(|e| e.attribute.value.clone())
    }

    /// All attributes, in the order they were first set.
    pub fn to_vec(&self) -> Vec<KeyValue> {
        self.lock().iter().map(|e| e.attribute.clone()).collect()
    }

    /// Number of attributes set.
    pub fn len(&self) -> usize {
        self.lock().len()
    }

    /// Whether no attribute is set.
    pub fn is_empty(&self) -> bool {
        self.lock().is_empty()
    }

    /// Appends the allow-listed attributes (for metrics) to `out`.
    pub fn append_metric_attributes(&self, out: &mut Vec<KeyValue>) {
        out.extend(
            self.lock()
                .iter()
                .filter(|e| e.metric)
                .map(|e| e.attribute.clone()),
        );
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
/// this.
pub(crate) fn with_ctx_attributes_set(
    cx: &Context,
    attributes: impl IntoIterator<Item = KeyValue>,
) -> Context {
    let mut entries = match cx.get::<RequestAttributes>() {
        Some(enclosing) => enclosing.lock().clone(),
        None => Vec::with_capacity(8),
    };
    with_metric_key_check(|is_metric| {
        for attribute in attributes {
            let metric = is_metric(&attribute.key);
            match entries
                .iter_mut()
                .find(|e| e.attribute.key == attribute.key)
            {
                Some(entry) => {
                    entry.attribute = attribute;
                    entry.metric = metric;
                }
                None => entries.push(Entry { attribute, metric }),
            }
        }
    });
    cx.with_value(RequestAttributes {
        entries: Arc::new(Mutex::new(entries)),
    })
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
