//! Database pool instruments: pool size and use (observed from the pools
//! registered by `crate::db`), checkout latency and timeouts, connection
//! lifetime, pool events and errors. Recorded by `crate::db`'s monitored pool.

use opentelemetry::KeyValue;
#[cfg(feature = "sqlx")]
use opentelemetry::metrics::{BoundCounter, BoundHistogram};
use opentelemetry::metrics::{Counter, Histogram, ObservableGauge};

use super::make::Make;
use super::pool_event::PoolEvent;
use crate::metrics::attributes as attr;
use crate::metrics::{buckets, observed};

/// The database pool instruments.
/// One pool's instruments of every checkout, bound to the pool's
/// attributes: the SDK's bound instruments resolve the attribute set once,
/// where an unbound record hashes and looks it up each time (three records
/// per checkout made the pool metrics half of a sampled-out request's
/// telemetry cost on the reference server). Used by `crate::db`.
#[cfg(feature = "sqlx")]
pub(crate) struct BoundDbPool {
    checkout: BoundCounter<u64>,
    checkin: BoundCounter<u64>,
    connection_duration_ms: BoundHistogram<f64>,
    /// `db_checkout_latency_ms` for a checkout whose context carries no
    /// metric attributes (the attribute set is then the pool's alone).
    checkout_latency_ms: BoundHistogram<f64>,
}

#[cfg(feature = "sqlx")]
impl BoundDbPool {
    /// `count_db_pool_connection_events` += 1, `event` = `checkout`.
    pub(crate) fn add_checkout(&self) {
        self.checkout.add(1);
    }

    /// `db_checkout_latency_ms`, for a checkout whose request context has
    /// no metric attributes.
    pub(crate) fn record_checkout_latency(&self, latency_ms: f64) {
        self.checkout_latency_ms.record(latency_ms);
    }

    /// `count_db_pool_connection_events` += 1, `event` = `checkin`, and
    /// `hist_db_pool_connection_duration_ms`.
    pub(crate) fn add_checkin(&self, duration_ms: f64) {
        self.connection_duration_ms.record(duration_ms);
        self.checkin.add(1);
    }
}

#[cfg(feature = "sqlx")]
impl std::fmt::Debug for BoundDbPool {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("BoundDbPool")
    }
}

pub(super) struct DbPool {
    /// The observable gauges, by name: `db_pool_in_use`, `db_pool_waiters`,
    /// `db_pool_utilization_ratio` (in use / maximum size) and the four
    /// `gauge_db_pool_connections_*` (total, checked out, available, and
    /// overflow, always 0: sqlx pools have no overflow beyond their maximum).
    /// Held, never read: dropping them would unregister their callbacks.
    _gauges: [ObservableGauge<i64>; 6],
    _utilization_ratio: ObservableGauge<f64>,
    /// `db_pool_checkout_timeout_total` (counter, `1`): checkout timeouts.
    checkout_timeout_total: Counter<u64>,
    /// `db_checkout_latency_ms` (histogram, `ms`): time to check a connection out.
    checkout_latency_ms: Histogram<f64>,
    /// `hist_db_pool_connection_duration_ms` (histogram, `ms`): checkout-to-checkin time.
    connection_duration_ms: Histogram<f64>,
    /// `count_db_pool_connection_events` (counter, `1`): pool events by `event`.
    connection_events: Counter<u64>,
    /// `count_db_pool_connection_errors` (counter, `1`): pool errors (`exception_type`).
    connection_errors: Counter<u64>,
}

/// A gauge observing one figure of every registered pool.
fn pool_gauge(
    make: &Make<'_>,
    name: &'static str,
    description: &'static str,
    read: fn(&observed::PoolSnapshot) -> i64,
) -> ObservableGauge<i64> {
    make.meter
        .i64_observable_gauge(name)
        .with_description(description)
        .with_unit("1")
        .with_callback(move |obs| {
            observed::for_each_pool(|p| obs.observe(read(&p.snapshot()), p.attributes()));
        })
        .build()
}

impl DbPool {
    pub(super) fn new(make: &Make<'_>) -> Self {
        let g = |name, description, read| pool_gauge(make, name, description, read);
        DbPool {
            _gauges: [
                g("db_pool_in_use", "Connections in use", |s| s.total - s.idle),
                g("db_pool_waiters", "Tasks waiting for a connection", |s| {
                    s.waiters
                }),
                g(
                    "gauge_db_pool_connections_total",
                    "Total number of connections in the database pool",
                    |s| s.total,
                ),
                g(
                    "gauge_db_pool_connections_checked_out",
                    "Number of connections currently checked out from the pool",
                    |s| s.checked_out,
                ),
                g(
                    "gauge_db_pool_connections_available",
                    "Number of available connections in the pool",
                    |s| s.idle,
                ),
                g(
                    "gauge_db_pool_connections_overflow",
                    "Number of overflow connections in the pool",
                    |_| 0,
                ),
            ],
            _utilization_ratio: make
                .meter
                .f64_observable_gauge("db_pool_utilization_ratio")
                .with_unit("1")
                .with_description("Connections in use divided by the pool's maximum size")
                .with_callback(|obs| {
                    observed::for_each_pool(|p| {
                        let s = p.snapshot();
                        if s.max > 0 {
                            obs.observe((s.total - s.idle) as f64 / s.max as f64, p.attributes());
                        }
                    });
                })
                .build(),
            checkout_timeout_total: make.counter(
                "db_pool_checkout_timeout_total",
                "Connection checkout timeouts",
            ),
            checkout_latency_ms: make.hist(
                "db_checkout_latency_ms",
                "ms",
                "Time to check a connection out of the pool (ms)",
                buckets::SHORT_LATENCY_MS,
            ),
            connection_duration_ms: make.hist(
                "hist_db_pool_connection_duration_ms",
                "ms",
                "Duration of database connection usage in milliseconds",
                buckets::LATENCY_MS,
            ),
            connection_events: make.counter(
                "count_db_pool_connection_events",
                "Count of database connection pool events",
            ),
            connection_errors: make.counter(
                "count_db_pool_connection_errors",
                "Count of database connection pool errors",
            ),
        }
    }

    pub(super) fn add_event(&self, pool: &[KeyValue], event: PoolEvent) {
        self.connection_events.add(1, &with_event(pool, event));
    }

    /// The checkout instruments bound to `pool`'s attributes.
    #[cfg(feature = "sqlx")]
    pub(super) fn bind(&self, pool: &[KeyValue]) -> BoundDbPool {
        BoundDbPool {
            checkout: self
                .connection_events
                .bind(&with_event(pool, PoolEvent::Checkout)),
            checkin: self
                .connection_events
                .bind(&with_event(pool, PoolEvent::Checkin)),
            connection_duration_ms: self.connection_duration_ms.bind(pool),
            checkout_latency_ms: self.checkout_latency_ms.bind(pool),
        }
    }

    pub(super) fn add_error(&self, pool: &[KeyValue], exception_type: &str) {
        let mut a = Vec::with_capacity(pool.len() + 1);
        a.extend_from_slice(pool);
        a.push(KeyValue::new(
            attr::EXCEPTION_TYPE,
            exception_type.to_owned(),
        ));
        self.connection_errors.add(1, &a);
    }

    pub(super) fn record_checkout_latency(&self, pool: &[KeyValue], latency_ms: f64) {
        let mut a = pool.to_vec();
        attr::extend_with_context(&mut a);
        self.checkout_latency_ms.record(latency_ms, &a);
    }

    pub(super) fn add_checkout_timeout(&self, pool: &[KeyValue]) {
        let mut a = pool.to_vec();
        attr::extend_with_context(&mut a);
        self.checkout_timeout_total.add(1, &a);
    }

    pub(super) fn record_connection_duration(&self, pool: &[KeyValue], duration_ms: f64) {
        self.connection_duration_ms.record(duration_ms, pool);
    }
}

/// `pool`'s attributes and `event`.
fn with_event(pool: &[KeyValue], event: PoolEvent) -> Vec<KeyValue> {
    let mut a = Vec::with_capacity(pool.len() + 1);
    a.extend_from_slice(pool);
    a.push(KeyValue::new(attr::EVENT, event.as_str()));
    a
}
