//! One deadline for all shutdown work.
//!
//! An export in flight when shutdown starts (a collector that accepts the
//! connection and never answers) would otherwise run for its own timeout,
//! `OTEL_EXPORTER_OTLP_TIMEOUT`, past the shutdown deadline. Every exporter
//! of the library runs its export futures through [`ExportDeadline::bound`]:
//! once [`ExportDeadline::cut_at`] is called, each export ends by that
//! instant at the latest, whatever the collector does, and the caller counts
//! what it carried as lost (a timeout).

use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::sync::watch;

/// A deadline shared by the exports of one pipeline and the code that shuts
/// it down. Cloning shares it.
#[derive(Debug, Clone)]
pub(crate) struct ExportDeadline(Arc<watch::Sender<Option<Instant>>>);

impl Default for ExportDeadline {
    fn default() -> Self {
        Self(Arc::new(watch::channel(None).0))
    }
}

impl ExportDeadline {
    /// From now on, every export ends by `deadline` (exports in flight
    /// included). A later call can only move it earlier.
    pub(crate) fn cut_at(&self, deadline: Instant) {
        self.0.send_if_modified(|current| match current {
            Some(d) if *d <= deadline => false,
            _ => {
                *current = Some(deadline);
                true
            }
        });
    }

    /// Runs `fut` until it completes, `timeout` (if any) passes, or the cut
    /// deadline passes; `None` when it was cut short. Needs a tokio runtime
    /// with timers in its context.
    pub(crate) async fn bound<F: Future>(
        &self,
        fut: F,
        timeout: Option<Duration>,
    ) -> Option<F::Output> {
        let own = timeout.map(|t| tokio::time::Instant::now() + t);
        let mut cut = self.0.subscribe();
        let mut fut = std::pin::pin!(fut);
        loop {
            let at = (*cut.borrow_and_update()).map(tokio::time::Instant::from_std);
            let limit = match (own, at) {
                (Some(a), Some(b)) => Some(a.min(b)),
                (a, b) => a.or(b),
            };
            let sleep = async {
                match limit {
                    Some(l) => tokio::time::sleep_until(l).await,
                    None => std::future::pending().await,
                }
            };
            tokio::select! {
                out = &mut fut => return Some(out),
                () = sleep => return None,
                // The sender lives as long as `self`: `changed` never fails
                // while this runs.
                Ok(()) = cut.changed() => {}
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_hung_export_ends_at_the_cut_deadline() {
        let deadline = ExportDeadline::default();
        let cutter = deadline.clone();
        let started = Instant::now();
        tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(50)).await;
            cutter.cut_at(Instant::now() + Duration::from_millis(50));
        });
        let out = deadline
            .bound(std::future::pending::<()>(), Some(Duration::from_secs(30)))
            .await;
        assert_eq!(out, None);
        let took = started.elapsed();
        assert!(took < Duration::from_secs(5), "{took:?}");
    }

    #[tokio::test]
    async fn own_timeout_and_completion_still_apply() {
        let deadline = ExportDeadline::default();
        assert_eq!(deadline.bound(async { 7 }, None).await, Some(7));
        let out = deadline
            .bound(
                std::future::pending::<()>(),
                Some(Duration::from_millis(20)),
            )
            .await;
        assert_eq!(out, None);
    }

    #[test]
    fn the_deadline_only_moves_earlier() {
        let deadline = ExportDeadline::default();
        let soon = Instant::now() + Duration::from_secs(1);
        deadline.cut_at(soon);
        deadline.cut_at(soon + Duration::from_secs(10));
        assert_eq!(*deadline.0.borrow(), Some(soon));
    }
}
