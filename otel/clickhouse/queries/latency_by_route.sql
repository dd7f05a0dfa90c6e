-- Latency by route: request count and p50/p95/p99/max latency (ms) of the
-- server spans (`<METHOD> <route template>`) of the last {hours} hours.
-- Parameters: hours (UInt32), e.g. clickhouse-client --param_hours=24.
SELECT
    ServiceName AS service,
    SpanName AS route,
    count() AS requests,
    round(quantile(0.50)(Duration) / 1e6, 3) AS p50_ms,
    round(quantile(0.95)(Duration) / 1e6, 3) AS p95_ms,
    round(quantile(0.99)(Duration) / 1e6, 3) AS p99_ms,
    round(max(Duration) / 1e6, 3) AS max_ms
FROM otel_traces
WHERE SpanKind IN ('Server', 'SPAN_KIND_SERVER')
  AND Timestamp >= now() - toIntervalHour({hours:UInt32})
GROUP BY service, route
ORDER BY p95_ms DESC, route
