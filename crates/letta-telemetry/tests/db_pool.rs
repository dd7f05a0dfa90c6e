//! Pool monitoring on real sqlx pools: a SQLite file and a PostgreSQL server
//! (Debian's, started on loopback), under concurrent load, with a forced
//! checkout timeout.

use std::time::Duration;

use letta_telemetry::db::{MonitoredPool, PoolMonitor};
use letta_telemetry::testing::{self, MetricPoint, MetricRecorder};
use opentelemetry::Value;
use opentelemetry::context::FutureExt as _;
use sqlx::pool::PoolOptions;
use sqlx::{Connection as _, Database};

const MAX: u32 = 3;
const TASKS: usize = 12;

fn s(v: &str) -> Value {
    Value::from(v.to_owned())
}

fn collect(rec: &MetricRecorder) -> Vec<MetricPoint> {
    tokio::task::block_in_place(|| rec.collect())
}

fn sum(points: &[MetricPoint], name: &str, pred: impl Fn(&MetricPoint) -> bool) -> f64 {
    points
        .iter()
        .filter(|p| p.name == name && pred(p))
        .map(|p| match &p.value {
            letta_telemetry::testing::PointValue::Histogram { count, .. } => *count as f64,
            _ => p.number(),
        })
        .sum()
}

fn gauge(points: &[MetricPoint], name: &str) -> f64 {
    let found: Vec<_> = points.iter().filter(|p| p.name == name).collect();
    assert_eq!(found.len(), 1, "{name}: {points:#?}");
    assert!(found[0].attribute("engine_name").is_some());
    found[0].number()
}

fn event(p: &MetricPoint, e: &str) -> bool {
    p.attribute("event") == Some(&s(e))
}

async fn exercise<DB: Database>(rec: &MetricRecorder, pool: &MonitoredPool<DB>, engine: &str) {
    // (delta temporality: points of successive collections add up)
    // concurrent load: more tasks than connections
    let mut tasks = Vec::new();
    for _ in 0..TASKS {
        let pool = pool.clone();
        tasks.push(tokio::spawn(async move {
            let mut conn = pool.acquire().await?;
            conn.ping().await?;
            tokio::time::sleep(Duration::from_millis(20)).await;
            Ok::<_, sqlx::Error>(())
        }));
    }
    for t in tasks {
        match t.await {
            Ok(Ok(())) => {}
            other => panic!("load task failed: {other:?}"),
        }
    }

    // hold every connection, then one more checkout waits and times out
    let mut held = Vec::new();
    for _ in 0..MAX {
        match pool.acquire().await {
            Ok(c) => held.push(c),
            Err(e) => panic!("acquire: {e}"),
        }
    }
    let waiter = {
        let pool = pool.clone();
        tokio::spawn(async move { pool.acquire().await.map(|_| ()) })
    };
    tokio::time::sleep(Duration::from_millis(150)).await;
    let during = collect(rec);
    assert_eq!(gauge(&during, "gauge_db_pool_connections_checked_out"), 3.0);
    assert_eq!(gauge(&during, "gauge_db_pool_connections_total"), 3.0);
    assert_eq!(gauge(&during, "gauge_db_pool_connections_available"), 0.0);
    assert_eq!(gauge(&during, "gauge_db_pool_connections_overflow"), 0.0);
    assert_eq!(gauge(&during, "db_pool_in_use"), 3.0);
    assert_eq!(gauge(&during, "db_pool_utilization_ratio"), 1.0);
    assert_eq!(gauge(&during, "db_pool_waiters"), 1.0);
    match waiter.await {
        Ok(Err(sqlx::Error::PoolTimedOut)) => {}
        other => panic!("expected a checkout timeout, got {other:?}"),
    }
    drop(held);

    let after = collect(rec);
    let all: Vec<MetricPoint> = during.into_iter().chain(after).collect();
    let checkouts = sum(&all, "count_db_pool_connection_events", |p| {
        event(p, "checkout")
    });
    let checkins = sum(&all, "count_db_pool_connection_events", |p| {
        event(p, "checkin")
    });
    assert_eq!(checkouts, (TASKS + MAX as usize) as f64);
    assert_eq!(checkins, checkouts);
    let connects = sum(&all, "count_db_pool_connection_events", |p| {
        event(p, "connect")
    });
    assert!(
        (1.0..=f64::from(MAX)).contains(&connects),
        "connects {connects}"
    );
    assert_eq!(
        sum(&all, "count_db_pool_connection_events", |p| event(
            p,
            "first_connect"
        )),
        1.0
    );
    assert_eq!(sum(&all, "db_pool_checkout_timeout_total", |_| true), 1.0);
    assert_eq!(
        sum(&all, "count_db_pool_connection_errors", |p| {
            p.attribute("exception_type") == Some(&s("PoolTimedOut"))
        }),
        1.0
    );
    assert_eq!(
        sum(&all, "db_checkout_latency_ms", |_| true),
        (TASKS + MAX as usize) as f64
    );
    assert_eq!(
        sum(&all, "hist_db_pool_connection_duration_ms", |_| true),
        checkins
    );
    for p in all.iter().filter(|p| p.name.contains("db_")) {
        assert_eq!(p.attribute("engine_name"), Some(&s(engine)), "{p:?}");
        assert_eq!(p.attribute("pool_mode"), Some(&s("async")), "{p:?}");
    }
}

fn options<DB: Database>() -> PoolOptions<DB> {
    PoolOptions::<DB>::new()
        .max_connections(MAX)
        .acquire_timeout(Duration::from_millis(600))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_pool_under_load() {
    test_peers::own_process!();
    let rec = testing::install_metric_recorder();
    let dir = match tempfile::tempdir() {
        Ok(d) => d,
        Err(e) => panic!("{e}"),
    };
    let url = format!("sqlite://{}?mode=rwc", dir.path().join("t.db").display());
    let monitor = PoolMonitor::new("sqlite", "async");
    let pool = match monitor
        .instrument(options::<sqlx::Sqlite>())
        .connect(&url)
        .await
    {
        Ok(p) => monitor.attach(p),
        Err(e) => panic!("sqlite: {e}"),
    };
    exercise(&rec, &pool, "sqlite").await;
    checkout_latency_carries_metric_context(&rec, &pool).await;
    pool.close().await;
}

/// A checkout in a request whose context has an allow-listed attribute
/// records its latency with it; one whose context has only other
/// attributes records the pool's attributes alone (the bound instrument).
async fn checkout_latency_carries_metric_context<DB: Database>(
    rec: &MetricRecorder,
    pool: &MonitoredPool<DB>,
) {
    let _ = collect(rec);
    let project = letta_telemetry::context::RequestAttributes::new();
    project.insert("project.id", "p-1");
    project.insert("agent.id", "a-1");
    let other = letta_telemetry::context::RequestAttributes::new();
    other.insert("agent.id", "a-2");
    for (attributes, n) in [(project, 2), (other, 3)] {
        let cx = opentelemetry::Context::current().with_value(attributes);
        for _ in 0..n {
            let conn = pool.acquire().with_context(cx.clone()).await;
            assert!(conn.is_ok(), "acquire");
        }
    }
    let points = collect(rec);
    let latency =
        |pred: &dyn Fn(&MetricPoint) -> bool| sum(&points, "db_checkout_latency_ms", |p| pred(p));
    assert_eq!(
        latency(&|p| p.attribute("project.id") == Some(&s("p-1"))),
        2.0,
        "{points:#?}"
    );
    assert_eq!(
        latency(&|p| p.attribute("project.id").is_none()
            && p.attribute("engine_name") == Some(&s("sqlite"))),
        3.0,
        "{points:#?}"
    );
    assert!(
        points.iter().all(|p| p.attribute("agent.id").is_none()),
        "not on the allow-list: {points:#?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_pool_under_load() {
    test_peers::own_process!();
    let rec = testing::install_metric_recorder();
    let server = match tokio::task::block_in_place(test_peers::Postgres::start) {
        Ok(s) => s,
        Err(e) => panic!("postgres: {e}"),
    };
    let monitor = PoolMonitor::new("postgresql", "async");
    let pool = match monitor
        .instrument(options::<sqlx::Postgres>())
        .connect(&server.url())
        .await
    {
        Ok(p) => monitor.attach(p),
        Err(e) => panic!("postgres connect: {e}\n{}", server.output()),
    };
    exercise(&rec, &pool, "postgresql").await;
    pool.close().await;
    tokio::task::block_in_place(|| drop(server));
}
