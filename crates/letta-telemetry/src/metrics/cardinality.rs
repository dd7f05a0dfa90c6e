//! Per-instrument limits on distinct attribute sets.
//!
//! Past its limit an instrument folds new attribute sets into one overflow
//! series carrying `otel.metric.overflow = true` (the SDK's standard overflow
//! attribute), so an explosion is visible on dashboards instead of silently
//! eating memory. Which request-context attributes reach metrics at all is
//! decided by the allow-list in [`crate::context`].

/// Limit of instruments not listed in [`cardinality_limit`].
pub const DEFAULT_CARDINALITY_LIMIT: usize = 2000;

/// The limit on distinct attribute sets of the instrument `name`.
///
/// Instruments whose attributes can carry ids (tool executions record the
/// step id on failure) get a tighter limit; pool and runtime gauges have a
/// handful of series each.
pub fn cardinality_limit(name: &str) -> usize {
    match name {
        "count_tool_execution" => 1000,
        "readiness_state" | "executor_backlog" | "asyncio_task_count" | "event_loop_lag_ms" => 100,
        n if n.starts_with("db_") || n.starts_with("gauge_db_") || n.contains("_db_pool_") => 500,
        _ => DEFAULT_CARDINALITY_LIMIT,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_per_instrument() {
        assert_eq!(cardinality_limit("count_tool_execution"), 1000);
        assert_eq!(cardinality_limit("db_checkout_latency_ms"), 500);
        assert_eq!(
            cardinality_limit("hist_db_pool_connection_duration_ms"),
            500
        );
        assert_eq!(
            cardinality_limit("hist_endpoint_e2e_ms"),
            DEFAULT_CARDINALITY_LIMIT
        );
    }
}
