//! `PoolMonitor`: the pool's metric attributes and the hooks installed on
//! its `PoolOptions`.

use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};
use std::sync::{Arc, OnceLock};

use opentelemetry::KeyValue;
use sqlx::Database;
use sqlx::pool::{PoolConnectionMetadata, PoolOptions};

use crate::metrics::BoundDbPool;
use crate::metrics::{self, PoolEvent};

/// Shared state of one monitored pool.
#[derive(Debug)]
pub(crate) struct PoolState {
    pub(crate) attributes: Vec<KeyValue>,
    pub(crate) connected_once: AtomicBool,
    pub(crate) checked_out: AtomicI64,
    pub(crate) waiters: AtomicI64,
    /// The per-checkout instruments bound to `attributes`, once metrics are
    /// on (bound at the first checkout after that).
    pub(crate) bound: OnceLock<BoundDbPool>,
}

impl PoolState {
    /// The bound per-checkout instruments; `None` while metrics are off.
    pub(crate) fn bound(&self) -> Option<&BoundDbPool> {
        if let Some(bound) = self.bound.get() {
            return Some(bound);
        }
        let bound = metrics::registry().bind_db_pool(&self.attributes)?;
        Some(self.bound.get_or_init(|| bound))
    }
}

/// Monitors one sqlx pool: carries its `engine_name` and `pool_mode`
/// attributes, installs the event hooks on its options
/// ([`PoolMonitor::instrument`]) and wraps the built pool
/// ([`PoolMonitor::attach`]).
#[derive(Debug, Clone)]
pub struct PoolMonitor {
    pub(crate) state: Arc<PoolState>,
}

impl PoolMonitor {
    /// A monitor for a pool of the database engine `engine_name` (e.g.
    /// `sqlite`, `postgresql`), used in mode `pool_mode` (e.g. `async`).
    pub fn new(engine_name: impl Into<String>, pool_mode: impl Into<String>) -> Self {
        Self {
            state: Arc::new(PoolState {
                attributes: vec![
                    KeyValue::new(metrics::ENGINE_NAME, engine_name.into()),
                    KeyValue::new(metrics::POOL_MODE, pool_mode.into()),
                ],
                connected_once: AtomicBool::new(false),
                checked_out: AtomicI64::new(0),
                waiters: AtomicI64::new(0),
                bound: OnceLock::new(),
            }),
        }
    }

    /// The pool's metric attributes.
    pub fn attributes(&self) -> &[KeyValue] {
        &self.state.attributes
    }

    /// Installs the `after_connect` hook, which counts `connect` (and
    /// `first_connect` for the pool's first connection) events.
    ///
    /// sqlx keeps one `after_connect` hook: this replaces an earlier one, so
    /// put connection setup in [`PoolMonitor::instrument_with`] instead.
    pub fn instrument<DB: Database>(&self, options: PoolOptions<DB>) -> PoolOptions<DB> {
        self.instrument_with(options, |_conn| Ok(()))
    }

    /// Like [`PoolMonitor::instrument`], running `setup` on every new
    /// connection after counting it (a failing setup counts as a pool error).
    pub fn instrument_with<DB, F>(&self, options: PoolOptions<DB>, setup: F) -> PoolOptions<DB>
    where
        DB: Database,
        F: Fn(&mut DB::Connection) -> Result<(), sqlx::Error> + Send + Sync + 'static,
    {
        let state = self.state.clone();
        options.after_connect(move |conn, _meta: PoolConnectionMetadata| {
            let r = metrics::registry();
            if !state.connected_once.swap(true, Ordering::Relaxed) {
                r.add_db_pool_event(&state.attributes, PoolEvent::FirstConnect);
            }
            r.add_db_pool_event(&state.attributes, PoolEvent::Connect);
            let result = setup(conn);
            if let Err(e) = &result {
                r.add_db_pool_error(&state.attributes, error_type(e));
            }
            Box::pin(std::future::ready(result))
        })
    }

    /// Installs a `before_acquire` health check: `check` returns whether an
    /// idle connection may be reused; a rejected connection is closed by
    /// sqlx and counted as an `invalidate` event.
    pub fn with_health_check<DB, F>(&self, options: PoolOptions<DB>, check: F) -> PoolOptions<DB>
    where
        DB: Database,
        F: Fn(&mut DB::Connection, &PoolConnectionMetadata) -> bool + Send + Sync + 'static,
    {
        let state = self.state.clone();
        options.before_acquire(move |conn, meta| {
            let ok = check(conn, &meta);
            if !ok {
                metrics::registry().add_db_pool_event(&state.attributes, PoolEvent::Invalidate);
            }
            Box::pin(std::future::ready(Ok(ok)))
        })
    }

    /// Wraps the built pool; its gauges are observed until the returned
    /// [`crate::db::MonitoredPool`] and all its clones are dropped.
    pub fn attach<DB: Database>(&self, pool: sqlx::Pool<DB>) -> super::MonitoredPool<DB> {
        super::MonitoredPool::new(self.clone(), pool)
    }
}

/// The `exception_type` of a sqlx error: its variant name.
pub(crate) fn error_type(e: &sqlx::Error) -> &'static str {
    match e {
        sqlx::Error::Configuration(_) => "Configuration",
        sqlx::Error::Database(_) => "Database",
        sqlx::Error::Io(_) => "Io",
        sqlx::Error::Tls(_) => "Tls",
        sqlx::Error::Protocol(_) => "Protocol",
        sqlx::Error::RowNotFound => "RowNotFound",
        sqlx::Error::PoolTimedOut => "PoolTimedOut",
        sqlx::Error::PoolClosed => "PoolClosed",
        sqlx::Error::WorkerCrashed => "WorkerCrashed",
        _ => "Other",
    }
}
