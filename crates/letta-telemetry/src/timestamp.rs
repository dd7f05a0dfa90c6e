//! Wall-clock timestamps (UTC) for log lines and span attributes: as text,
//! and as milliseconds since the Unix epoch.

use std::time::{SystemTime, UNIX_EPOCH};

use time::OffsetDateTime;

/// `t` in UTC (the Unix epoch for a time before it).
fn utc(t: SystemTime) -> OffsetDateTime {
    let since = t.duration_since(UNIX_EPOCH).unwrap_or_default();
    i128::try_from(since.as_nanos())
        .ok()
        .and_then(|ns| OffsetDateTime::from_unix_timestamp_nanos(ns).ok())
        .unwrap_or(OffsetDateTime::UNIX_EPOCH)
}

/// Wall-clock milliseconds since the Unix epoch.
#[cfg(feature = "axum")]
pub(crate) fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

/// `2024-05-01T12:34:56.789012Z`: RFC 3339, UTC, microseconds (the JSON
/// `timestamp` field).
pub(crate) fn write_rfc3339_micros(out: &mut String, t: SystemTime) {
    use std::fmt::Write as _;
    let c = utc(t);
    let _ = write!(
        out,
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:06}Z",
        c.year(),
        u8::from(c.month()),
        c.day(),
        c.hour(),
        c.minute(),
        c.second(),
        c.microsecond()
    );
}

/// [`write_rfc3339_micros`] in a string of its own.
pub(crate) fn rfc3339_micros(t: SystemTime) -> String {
    let mut out = String::with_capacity(27);
    write_rfc3339_micros(&mut out, t);
    out
}

/// `2024-05-01 12:34:56,789`: the `asctime` of the text formats (UTC).
pub(crate) fn write_asctime(out: &mut String, t: SystemTime) {
    use std::fmt::Write as _;
    let c = utc(t);
    let _ = write!(
        out,
        "{:04}-{:02}-{:02} {:02}:{:02}:{:02},{:03}",
        c.year(),
        u8::from(c.month()),
        c.day(),
        c.hour(),
        c.minute(),
        c.second(),
        c.millisecond()
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn formats_known_instants() {
        let t = UNIX_EPOCH + Duration::from_micros(1_714_566_896_789_012);
        let mut s = String::new();
        write_rfc3339_micros(&mut s, t);
        assert_eq!(s, "2024-05-01T12:34:56.789012Z");
        s.clear();
        write_asctime(&mut s, t);
        assert_eq!(s, "2024-05-01 12:34:56,789");
        s.clear();
        write_rfc3339_micros(&mut s, UNIX_EPOCH + Duration::from_secs(951_782_400));
        assert_eq!(s, "2000-02-29T00:00:00.000000Z");
        assert_eq!(rfc3339_micros(UNIX_EPOCH), "1970-01-01T00:00:00.000000Z");
        let t = UNIX_EPOCH + Duration::from_micros(1_709_210_096_123_456);
        assert_eq!(rfc3339_micros(t), "2024-02-29T12:34:56.123456Z");
    }
}
