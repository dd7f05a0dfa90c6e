//! Tokio runtime metrics under the reference names: scheduler lag from the
//! heartbeat watchdog, live tasks, and the blocking backlog.

use std::time::{Duration, Instant};

use letta_telemetry::runtime_metrics::{self as runtime, RuntimeMonitor};
use letta_telemetry::testing::{self, PointValue};
use opentelemetry::Value;

#[test]
fn lag_tasks_and_backlog_are_observed() {
    test_peers::own_process!();
    let rec = testing::install_metric_recorder();
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .max_blocking_threads(1)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => panic!("{e}"),
    };
    rt.block_on(async {
        let _monitor = RuntimeMonitor::start_with_interval(Duration::from_millis(5));
        tokio::time::sleep(Duration::from_millis(30)).await;
        // Block the only worker: the watchdog wakes ~100 ms late.
        let _ = tokio::spawn(async { std::thread::sleep(Duration::from_millis(100)) }).await;
        tokio::time::sleep(Duration::from_millis(30)).await;

        // Live tasks that stay pending.
        let stop = std::sync::Arc::new(tokio::sync::Notify::new());
        let idle: Vec<_> = (0..5)
            .map(|_| {
                let stop = stop.clone();
                tokio::spawn(async move { stop.notified().await })
            })
            .collect();

        // One blocking job holds the only blocking thread; three more queue.
        let (tx, rx) = std::sync::mpsc::channel::<()>();
        let first = runtime::spawn_blocking(move || rx.recv().is_ok());
        let deadline = Instant::now() + Duration::from_secs(5);
        while runtime::blocking_backlog() != 0 && Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
        let queued: Vec<_> = (0..3).map(|_| runtime::spawn_blocking(|| ())).collect();
        assert_eq!(runtime::blocking_backlog(), 3);

        let points = rec.collect();
        let lag = points
            .iter()
            .find(|p| p.name == "event_loop_lag_ms")
            .unwrap_or_else(|| panic!("no lag: {points:#?}"));
        assert_eq!(lag.unit, "ms");
        match &lag.value {
            PointValue::Histogram { count, .. } => assert!(*count >= 3, "{count} heartbeats"),
            v => panic!("{v:?}"),
        }
        assert!(
            lag.number() >= 80.0,
            "the blocked worker shows as lag: {}",
            lag.number()
        );

        let tasks = points
            .iter()
            .find(|p| p.name == "asyncio_task_count")
            .unwrap_or_else(|| panic!("{points:#?}"));
        assert!(
            tasks.number() >= 6.0,
            "5 idle tasks + watchdog: {}",
            tasks.number()
        );

        let blocking = points
            .iter()
            .find(|p| {
                p.name == "executor_backlog"
                    && p.attribute("queue") == Some(&Value::from("blocking"))
            })
            .unwrap_or_else(|| panic!("{points:#?}"));
        assert_eq!(blocking.number(), 3.0);
        assert!(points.iter().any(|p| p.name == "executor_backlog"
            && p.attribute("queue") == Some(&Value::from("global"))));

        let _ = tx.send(());
        let _ = first.await;
        for q in queued {
            let _ = q.await;
        }
        assert_eq!(runtime::blocking_backlog(), 0);
        stop.notify_waiters();
        for t in idle {
            let _ = t.await;
        }
    });
}
