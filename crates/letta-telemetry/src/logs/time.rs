//! Wall-clock timestamps for log lines, without a date-time dependency.

use std::time::{SystemTime, UNIX_EPOCH};

/// A UTC instant split into calendar fields.
struct Civil {
    year: i64,
    month: u32,
    day: u32,
    hour: u32,
    minute: u32,
    second: u32,
    micros: u32,
}

fn civil(t: SystemTime) -> Civil {
    let since = t.duration_since(UNIX_EPOCH).unwrap_or_default();
    let secs = since.as_secs() as i64;
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400) as u32;
    // Howard Hinnant's days-from-civil inverse.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    Civil {
        year,
        month,
        day,
        hour: rem / 3_600,
        minute: (rem % 3_600) / 60,
        second: rem % 60,
        micros: since.subsec_micros(),
    }
}

/// `2024-05-01T12:34:56.789012Z`: RFC 3339, UTC, microseconds (the JSON
/// `timestamp` field).
pub(crate) fn write_rfc3339_micros(out: &mut String, t: SystemTime) {
    use std::fmt::Write as _;
    let c = civil(t);
    let _ = write!(
        out,
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:06}Z",
        c.year, c.month, c.day, c.hour, c.minute, c.second, c.micros
    );
}

/// `2024-05-01 12:34:56,789`: the `asctime` of the text formats (UTC).
pub(crate) fn write_asctime(out: &mut String, t: SystemTime) {
    use std::fmt::Write as _;
    let c = civil(t);
    let _ = write!(
        out,
        "{:04}-{:02}-{:02} {:02}:{:02}:{:02},{:03}",
        c.year,
        c.month,
        c.day,
        c.hour,
        c.minute,
        c.second,
        c.micros / 1_000
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
    }
}
