//! What the OTLP exporters ([`super::grpc_exporter`],
//! [`super::http_exporter`]) share: the retry schedule and the user agent.

use std::time::{Duration, SystemTime};

/// Retries after the first attempt, and the backoff between them (doubled
/// each time, up to the ceiling, plus up to [`MAX_JITTER`]): the values
/// `opentelemetry-otlp` recommends.
pub(super) const MAX_RETRIES: u32 = 3;
pub(super) const FIRST_BACKOFF: Duration = Duration::from_millis(100);
pub(super) const MAX_BACKOFF: Duration = Duration::from_millis(1600);
const MAX_JITTER: Duration = Duration::from_millis(100);

/// The `User-Agent` of the export requests.
pub(super) const USER_AGENT: &str = concat!(
    "OTel-OTLP-Exporter-Rust letta-telemetry/",
    env!("CARGO_PKG_VERSION")
);

/// Up to [`MAX_JITTER`], from the clock's nanoseconds: enough to keep the
/// retries of many processes apart.
pub(super) fn jitter() -> Duration {
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
}
