//! What the OTLP exporters ([`super::grpc_exporter`],
//! [`super::http_exporter`]) share: the retry schedule and the user agent.

use std::time::{Duration, Instant, SystemTime};

/// Retries after the first attempt, and the backoff between them (doubled
/// each time, up to the ceiling, plus up to [`MAX_JITTER`]): the values
/// `opentelemetry-otlp` recommends.
const MAX_RETRIES: u32 = 3;
const FIRST_BACKOFF: Duration = Duration::from_millis(100);
const MAX_BACKOFF: Duration = Duration::from_millis(1600);
const MAX_JITTER: Duration = Duration::from_millis(100);

/// The `User-Agent` of the export requests.
pub(super) const USER_AGENT: &str = concat!(
    "OTel-OTLP-Exporter-Rust letta-telemetry/",
    env!("CARGO_PKG_VERSION")
);

/// The retries of one export: how long to wait before the next attempt,
/// while attempts and the export timeout last.
#[derive(Debug)]
pub(super) struct Retries {
    started: Instant,
    timeout: Duration,
    backoff: Duration,
    done: u32,
}

impl Retries {
    /// The schedule of an export that starts now and may take `timeout`.
    pub(super) fn new(timeout: Duration) -> Self {
        Self {
            started: Instant::now(),
            timeout,
            backoff: FIRST_BACKOFF,
            done: 0,
        }
    }

    /// The wait before the next attempt (`retry_after` when the collector
    /// named one, else the backoff plus jitter), or `None` when no attempt
    /// is left or the wait would end past the timeout.
    pub(super) fn next_wait(&mut self, retry_after: Option<Duration>) -> Option<Duration> {
        let wait = retry_after.unwrap_or_else(|| self.backoff + jitter());
        if self.done >= MAX_RETRIES || self.started.elapsed() + wait >= self.timeout {
            return None;
        }
        self.backoff = (self.backoff * 2).min(MAX_BACKOFF);
        self.done += 1;
        Some(wait)
    }
}

/// Up to [`MAX_JITTER`], from the clock's nanoseconds: enough to keep the
/// retries of many processes apart.
fn jitter() -> Duration {
    let nanos = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    MAX_JITTER.mul_f64(f64::from(nanos % 1000) / 1000.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jitter_stays_under_its_ceiling() {
        assert!((0..100).map(|_| jitter()).all(|j| j <= MAX_JITTER));
    }

    #[test]
    fn backoff_doubles_for_three_retries_inside_the_timeout() {
        let mut retries = Retries::new(Duration::from_secs(60));
        let waits: Vec<Duration> = std::iter::from_fn(|| retries.next_wait(None)).collect();
        assert_eq!(waits.len(), 3);
        for (wait, base) in waits.iter().zip([100, 200, 400]) {
            let base = Duration::from_millis(base);
            assert!(*wait >= base && *wait <= base + MAX_JITTER, "{waits:?}");
        }
        let mut retries = Retries::new(Duration::from_secs(60));
        assert_eq!(
            retries.next_wait(Some(Duration::from_secs(2))),
            Some(Duration::from_secs(2))
        );
        let mut short = Retries::new(Duration::from_millis(150));
        assert_eq!(short.next_wait(Some(Duration::from_secs(1))), None);
    }
}
