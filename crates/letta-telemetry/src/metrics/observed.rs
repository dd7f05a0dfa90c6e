//! Sources read by the registry's observable gauges: database pools and tokio
//! runtimes register themselves here (weakly) and are sampled at every
//! collection. Registration works before and after `init`.

use std::sync::{Arc, Mutex, Weak};

use opentelemetry::KeyValue;

/// One sample of a connection pool.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(crate) struct PoolSnapshot {
    /// Open connections (`pool.size()`).
    pub total: i64,
    /// Idle connections (`pool.num_idle()`).
    pub idle: i64,
    /// Connections checked out through the monitored wrapper.
    pub checked_out: i64,
    /// Tasks waiting in `acquire()`.
    pub waiters: i64,
    /// Configured maximum size.
    pub max: i64,
}

/// A pool whose state the gauges observe.
pub(crate) trait PoolSource: Send + Sync {
    /// The pool's `engine_name` and `pool_mode` attributes.
    fn attributes(&self) -> &[KeyValue];
    /// The pool's current state.
    fn snapshot(&self) -> PoolSnapshot;
}

/// A runtime whose state the gauges observe.
pub(crate) trait RuntimeSource: Send + Sync {
    /// Live tasks.
    fn alive_tasks(&self) -> i64;
    /// Backlog figures as `(queue, depth)`.
    fn backlog(&self) -> [(&'static str, i64); 2];
}

static POOLS: Mutex<Vec<Weak<dyn PoolSource>>> = Mutex::new(Vec::new());
static RUNTIMES: Mutex<Vec<Weak<dyn RuntimeSource>>> = Mutex::new(Vec::new());

/// Registers a pool; it is observed until its last `Arc` is dropped.
#[cfg_attr(not(feature = "sqlx"), allow(dead_code))] // the pool monitor's
pub(crate) fn register_pool(source: &Arc<dyn PoolSource>) {
    if let Ok(mut v) = POOLS.lock() {
        v.retain(|w| w.strong_count() > 0);
        v.push(Arc::downgrade(source));
    }
}

/// Registers a runtime; it is observed until its last `Arc` is dropped.
#[cfg_attr(not(feature = "runtime-metrics"), allow(dead_code))]
pub(crate) fn register_runtime(source: &Arc<dyn RuntimeSource>) {
    if let Ok(mut v) = RUNTIMES.lock() {
        v.retain(|w| w.strong_count() > 0);
        v.push(Arc::downgrade(source));
    }
}

/// Calls `f` for every live pool.
pub(crate) fn for_each_pool(mut f: impl FnMut(&dyn PoolSource)) {
    let live: Vec<Arc<dyn PoolSource>> = match POOLS.lock() {
        Ok(v) => v.iter().filter_map(Weak::upgrade).collect(),
        Err(_) => return,
    };
    for p in &live {
        f(p.as_ref());
    }
}

/// Calls `f` for every live runtime.
pub(crate) fn for_each_runtime(mut f: impl FnMut(&dyn RuntimeSource)) {
    let live: Vec<Arc<dyn RuntimeSource>> = match RUNTIMES.lock() {
        Ok(v) => v.iter().filter_map(Weak::upgrade).collect(),
        Err(_) => return,
    };
    for r in &live {
        f(r.as_ref());
    }
}
