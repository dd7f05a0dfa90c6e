//! Background runs (`POST …/messages/async`): tracked so that shutdown can
//! drain them, and mark failed, with a reason, the ones that could not
//! finish in time — never left `running` forever.
//!
//! At startup, runs that an earlier process left `created` or `running` (it
//! was killed before it could mark them) are marked failed the same way.

use std::future::Future;
use std::time::Duration;

use opentelemetry::KeyValue;
use opentelemetry::context::FutureExt as _;
use opentelemetry::trace::{Span as _, Status, Tracer as _};
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

use crate::db::{Db, RunStatus};

/// The error of a run cancelled by shutdown.
pub(crate) const CANCELLED_AT_SHUTDOWN: &str =
    "cancelled: the server shut down before the run finished (drain deadline passed)";

/// The error of a run found unfinished at startup.
pub(crate) const INTERRUPTED: &str = "interrupted: the server stopped before the run finished";

/// Time given to cancelled runs to record their cancellation.
const CANCEL_GRACE: Duration = Duration::from_secs(2);

/// The background runs in flight.
#[derive(Debug, Clone, Default)]
pub(crate) struct BackgroundRuns {
    tracker: TaskTracker,
    cancel: CancellationToken,
}

impl BackgroundRuns {
    /// Runs `work` (the step of run `run_id`) in the background, in the
    /// current telemetry context. When shutdown cancels it, the run is marked
    /// failed with [`CANCELLED_AT_SHUTDOWN`], and a span `run.cancelled`
    /// (child of the request that started the run) says so with an error
    /// status.
    pub(crate) fn spawn<F>(&self, db: Db, run_id: String, work: F)
    where
        F: Future<Output = ()> + Send + 'static,
    {
        let cancel = self.cancel.clone();
        let registry = letta_telemetry::metrics::registry();
        registry.add_in_flight_background(1);
        let task = async move {
            tokio::select! {
                () = work => {}
                () = cancel.cancelled() => {
                    let mut span = opentelemetry::global::tracer("letta").start("run.cancelled");
                    span.set_attribute(KeyValue::new("run.id", run_id.clone()));
                    span.set_status(Status::error(CANCELLED_AT_SHUTDOWN));
                    span.end();
                    tracing::warn!(run_id = %run_id, "{CANCELLED_AT_SHUTDOWN}");
                    let _ = db
                        .update_run(
                            &run_id,
                            RunStatus::Failed,
                            None,
                            Some(CANCELLED_AT_SHUTDOWN),
                            crate::agent::now_ms(),
                        )
                        .await;
                }
            }
            letta_telemetry::metrics::registry().add_in_flight_background(-1);
        };
        self.tracker.spawn(task.with_current_context());
    }

    /// Waits up to `deadline` for the runs in flight to finish, then cancels
    /// the rest and gives them a moment to record it. Returns how many were
    /// cancelled.
    pub(crate) async fn drain(&self, deadline: Duration) -> usize {
        self.tracker.close();
        if tokio::time::timeout(deadline, self.tracker.wait())
            .await
            .is_ok()
        {
            return 0;
        }
        let left = self.tracker.len();
        self.cancel.cancel();
        let _ = tokio::time::timeout(CANCEL_GRACE, self.tracker.wait()).await;
        left
    }
}

/// Marks the runs an earlier process left unfinished as failed
/// ([`INTERRUPTED`]); returns how many.
pub(crate) async fn fail_interrupted_runs(db: &Db) -> Result<u64, sqlx::Error> {
    db.fail_unfinished_runs(INTERRUPTED, crate::agent::now_ms())
        .await
}
