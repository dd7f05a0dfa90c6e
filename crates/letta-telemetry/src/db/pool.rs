//! `MonitoredPool`: timing around `acquire()`, checkout/checkin accounting
//! and the pool's observed gauges.

use std::ops::{Deref, DerefMut};
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Instant;

use sqlx::Database;
use sqlx::pool::PoolConnection;

use super::monitor::{PoolMonitor, PoolState, error_type};
use crate::metrics::observed::{self, PoolSnapshot, PoolSource};
use crate::metrics::{self, PoolEvent};

struct Source<DB: Database> {
    state: Arc<PoolState>,
    pool: sqlx::Pool<DB>,
}

impl<DB: Database> PoolSource for Source<DB> {
    fn attributes(&self) -> &[opentelemetry::KeyValue] {
        &self.state.attributes
    }

    fn snapshot(&self) -> PoolSnapshot {
        PoolSnapshot {
            total: i64::from(self.pool.size()),
            idle: i64::try_from(self.pool.num_idle()).unwrap_or(i64::MAX),
            checked_out: self.state.checked_out.load(Ordering::Relaxed).max(0),
            waiters: self.state.waiters.load(Ordering::Relaxed).max(0),
            max: i64::from(self.pool.options().get_max_connections()),
        }
    }
}

/// A sqlx pool with checkout monitoring. Cheap to clone (like `sqlx::Pool`).
pub struct MonitoredPool<DB: Database> {
    pool: sqlx::Pool<DB>,
    state: Arc<PoolState>,
    _source: Arc<dyn PoolSource>,
}

impl<DB: Database> Clone for MonitoredPool<DB> {
    fn clone(&self) -> Self {
        Self {
            pool: self.pool.clone(),
            state: self.state.clone(),
            _source: self._source.clone(),
        }
    }
}

impl<DB: Database> std::fmt::Debug for MonitoredPool<DB> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MonitoredPool")
            .field("attributes", &self.state.attributes)
            .field("size", &self.pool.size())
            .finish()
    }
}

/// Decrements a counter when dropped (also when the future is cancelled).
struct Gauge<'a>(&'a std::sync::atomic::AtomicI64);

impl Drop for Gauge<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::Relaxed);
    }
}

impl<DB: Database> MonitoredPool<DB> {
    pub(crate) fn new(monitor: PoolMonitor, pool: sqlx::Pool<DB>) -> Self {
        let state = monitor.state;
        let source: Arc<dyn PoolSource> = Arc::new(Source {
            state: state.clone(),
            pool: pool.clone(),
        });
        observed::register_pool(&source);
        Self {
            pool,
            state,
            _source: source,
        }
    }

    /// The inner pool (connections used through it are not timed).
    pub fn pool(&self) -> &sqlx::Pool<DB> {
        &self.pool
    }

    /// Checks a connection out, recording `db_checkout_latency_ms`, the
    /// `checkout` event, and on failure `count_db_pool_connection_errors`
    /// (plus `db_pool_checkout_timeout_total` for a timeout). The task counts
    /// in `db_pool_waiters` while it waits.
    pub async fn acquire(&self) -> Result<MonitoredConnection<DB>, sqlx::Error> {
        let r = metrics::registry();
        let attrs = &self.state.attributes;
        let started = Instant::now();
        let result = {
            self.state.waiters.fetch_add(1, Ordering::Relaxed);
            let _waiting = Gauge(&self.state.waiters);
            self.pool.acquire().await
        };
        let latency_ms = started.elapsed().as_secs_f64() * 1000.0;
        match result {
            Ok(conn) => {
                match self.state.bound() {
                    Some(bound) => {
                        // The same points either way: with no context
                        // attributes the set is the pool's, which the bound
                        // instrument has resolved once.
                        if crate::context::current_has_metric_attributes() {
                            r.record_db_checkout_latency(attrs, latency_ms);
                        } else {
                            bound.record_checkout_latency(latency_ms);
                        }
                        bound.add_checkout();
                    }
                    None => {
                        r.record_db_checkout_latency(attrs, latency_ms);
                        r.add_db_pool_event(attrs, PoolEvent::Checkout);
                    }
                }
                self.state.checked_out.fetch_add(1, Ordering::Relaxed);
                Ok(MonitoredConnection {
                    conn: Some(conn),
                    state: self.state.clone(),
                    checked_out_at: Instant::now(),
                })
            }
            Err(e) => {
                if matches!(e, sqlx::Error::PoolTimedOut) {
                    r.add_db_checkout_timeout(attrs);
                }
                r.add_db_pool_error(attrs, error_type(&e));
                Err(e)
            }
        }
    }

    /// Closes the pool, counting a `close` event per open connection.
    pub async fn close(&self) {
        let open = self.pool.size();
        self.pool.close().await;
        let r = metrics::registry();
        for _ in 0..open {
            r.add_db_pool_event(&self.state.attributes, PoolEvent::Close);
        }
    }
}

/// A checked-out connection; returning it (drop) records the `checkin`
/// event and `hist_db_pool_connection_duration_ms`.
pub struct MonitoredConnection<DB: Database> {
    conn: Option<PoolConnection<DB>>,
    state: Arc<PoolState>,
    checked_out_at: Instant,
}

impl<DB: Database> std::fmt::Debug for MonitoredConnection<DB> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MonitoredConnection")
            .field("held_for", &self.checked_out_at.elapsed())
            .finish()
    }
}

impl<DB: Database> MonitoredConnection<DB> {
    fn release(&mut self, event: PoolEvent) {
        self.state.checked_out.fetch_sub(1, Ordering::Relaxed);
        let ms = self.checked_out_at.elapsed().as_secs_f64() * 1000.0;
        match (event, self.state.bound()) {
            (PoolEvent::Checkin, Some(bound)) => bound.add_checkin(ms),
            _ => {
                let r = metrics::registry();
                r.record_db_connection_duration(&self.state.attributes, ms);
                r.add_db_pool_event(&self.state.attributes, event);
            }
        }
    }

    /// Closes the connection instead of returning it to the pool (a `close`
    /// event).
    pub async fn close(mut self) -> Result<(), sqlx::Error> {
        let Some(conn) = self.conn.take() else {
            return Ok(());
        };
        self.release(PoolEvent::Close);
        conn.close().await
    }
}

impl<DB: Database> Deref for MonitoredConnection<DB> {
    type Target = PoolConnection<DB>;
    fn deref(&self) -> &PoolConnection<DB> {
        // Only `close` (which consumes self) takes the connection out.
        match &self.conn {
            Some(c) => c,
            None => unreachable!("connection taken only by close(self)"),
        }
    }
}

impl<DB: Database> DerefMut for MonitoredConnection<DB> {
    fn deref_mut(&mut self) -> &mut PoolConnection<DB> {
        match &mut self.conn {
            Some(c) => c,
            None => unreachable!("connection taken only by close(self)"),
        }
    }
}

impl<DB: Database> Drop for MonitoredConnection<DB> {
    fn drop(&mut self) {
        if self.conn.take().is_some() {
            self.release(PoolEvent::Checkin);
        }
    }
}
