//! Connection-pool monitoring for sqlx pools (SQLite and Postgres), under
//! the reference's metric names.
//!
//! ```no_run
//! # async fn demo() -> Result<(), sqlx::Error> {
//! use letta_telemetry::db::PoolMonitor;
//! let monitor = PoolMonitor::new("sqlite", "async");
//! let options = monitor.instrument(sqlx::pool::PoolOptions::<sqlx::Sqlite>::new().max_connections(4));
//! let pool = monitor.attach(options.connect("sqlite::memory:").await?);
//! let mut conn = pool.acquire().await?; // checkout latency, events, gauges
//! sqlx::query("select 1").execute(&mut **conn).await?;
//! # Ok(()) }
//! ```
//!
//! What is observed and how:
//!
//! | metric / event | source |
//! |---|---|
//! | `connect`, `first_connect` events | `PoolOptions::after_connect` hook |
//! | `checkout`, `checkin` events, `hist_db_pool_connection_duration_ms` | [`MonitoredPool::acquire`] and the drop of [`MonitoredConnection`] |
//! | `close` event | [`MonitoredConnection::close`], and every open connection at [`MonitoredPool::close`] |
//! | `invalidate` event | a connection rejected by the `before_acquire` health check ([`PoolMonitor::with_health_check`]) |
//! | `db_checkout_latency_ms`, `db_pool_checkout_timeout_total`, `count_db_pool_connection_errors` | timing around `Pool::acquire()` |
//! | `db_pool_waiters` | tasks inside [`MonitoredPool::acquire`] |
//! | `gauge_db_pool_connections_total`, `_available`, `db_pool_in_use`, `db_pool_utilization_ratio` | `Pool::size()`, `Pool::num_idle()` and the configured maximum, sampled at each collection |
//! | `gauge_db_pool_connections_checked_out` | connections held through [`MonitoredPool`] |
//!
//! No sqlx counterpart (never recorded): `soft_invalidate`, `detach`,
//! `close_detached` and `reset` are SQLAlchemy pool events, and
//! `gauge_db_pool_connections_overflow` is always 0 because sqlx pools never
//! exceed `max_connections`. Connections closed by sqlx on its own (idle
//! timeout, max lifetime) are not seen as `close` events. Connections used
//! directly through the inner [`sqlx::Pool`] (e.g. `query.fetch(&pool)`)
//! count only through the hooks and the sampled gauges.

mod monitor;
mod pool;

pub use monitor::PoolMonitor;
pub use pool::{MonitoredConnection, MonitoredPool};
