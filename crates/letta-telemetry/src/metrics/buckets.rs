//! Histogram bucket boundaries, chosen per instrument so that agent-scale
//! values land in meaningful buckets.
//!
//! The SDK default (0 … 10 000) is too coarse for sub-millisecond pool
//! checkouts and far too short for LLM calls and agent steps that run for
//! minutes; token counts reach millions and costs are fractions of a cent.

/// Request, LLM, tool and step latencies in milliseconds: 1 ms to one hour.
pub const LATENCY_MS: &[f64] = &[
    1.0,
    2.5,
    5.0,
    10.0,
    25.0,
    50.0,
    100.0,
    250.0,
    500.0,
    1_000.0,
    2_500.0,
    5_000.0,
    10_000.0,
    20_000.0,
    30_000.0,
    60_000.0,
    120_000.0,
    300_000.0,
    600_000.0,
    1_200_000.0,
    1_800_000.0,
    3_600_000.0,
];

/// Short internal waits in milliseconds (pool checkout, scheduler lag,
/// admission control): 50 µs to one minute.
pub const SHORT_LATENCY_MS: &[f64] = &[
    0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 25.0, 50.0, 100.0, 250.0, 500.0, 1_000.0, 2_500.0,
    5_000.0, 10_000.0, 30_000.0, 60_000.0,
];

/// Token counts: 1 to 10 million.
pub const TOKENS: &[f64] = &[
    1.0,
    10.0,
    50.0,
    100.0,
    250.0,
    500.0,
    1_000.0,
    2_500.0,
    5_000.0,
    10_000.0,
    25_000.0,
    50_000.0,
    100_000.0,
    200_000.0,
    500_000.0,
    1_000_000.0,
    2_000_000.0,
    5_000_000.0,
    10_000_000.0,
];

/// Costs in US dollars: a thousandth of a cent to a hundred dollars.
pub const COST_USD: &[f64] = &[
    0.000_01, 0.000_05, 0.000_1, 0.000_5, 0.001, 0.002_5, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5,
    1.0, 2.5, 5.0, 10.0, 25.0, 50.0, 100.0,
];

/// Sizes in bytes: 1 KiB to 1 GiB, in powers of four.
pub const BYTES: &[f64] = &[
    1_024.0,
    4_096.0,
    16_384.0,
    65_536.0,
    262_144.0,
    1_048_576.0,
    4_194_304.0,
    16_777_216.0,
    67_108_864.0,
    268_435_456.0,
    1_073_741_824.0,
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn boundaries_are_strictly_increasing_and_finite() {
        for (name, b) in [
            ("LATENCY_MS", LATENCY_MS),
            ("SHORT_LATENCY_MS", SHORT_LATENCY_MS),
            ("TOKENS", TOKENS),
            ("COST_USD", COST_USD),
            ("BYTES", BYTES),
        ] {
            assert!(b.iter().all(|v| v.is_finite()), "{name}");
            assert!(b.windows(2).all(|w| w[0] < w[1]), "{name} not increasing");
        }
        assert!(*LATENCY_MS.last().unwrap_or(&0.0) >= 3_600_000.0);
        assert!(*TOKENS.last().unwrap_or(&0.0) >= 1_000_000.0);
        assert!(COST_USD[0] < 0.001);
    }
}
