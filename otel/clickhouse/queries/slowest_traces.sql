-- Slowest traces of the last {hours} hours: trace id, root span, start,
-- duration (first start to last end), span and error counts, agent.
-- Parameters: hours (UInt32), limit (UInt32).
SELECT
    TraceId AS trace_id,
    anyIf(SpanName, ParentSpanId = '') AS root,
    min(Timestamp) AS start,
    round((max(toUnixTimestamp64Nano(Timestamp) + Duration) - min(toUnixTimestamp64Nano(Timestamp))) / 1e6, 3) AS duration_ms,
    count() AS spans,
    countIf(StatusCode IN ('Error', 'STATUS_CODE_ERROR')) AS errors,
    anyIf(AgentId, AgentId != '') AS agent_id
FROM otel_traces
WHERE Timestamp >= now() - toIntervalHour({hours:UInt32})
GROUP BY TraceId
ORDER BY duration_ms DESC, trace_id
LIMIT {limit:UInt32}
