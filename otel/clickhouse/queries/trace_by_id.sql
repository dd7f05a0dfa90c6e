-- One trace by id, its spans in start order, at most {limit} rows (the
-- reference reads 1000). With ui_only = 1 only the spans the reference's
-- trace viewer shows are kept: root spans (empty ParentSpanId), agent_step,
-- *._execute_tool, time_to_first_token (and execute_tool spans named after the
-- GenAI conventions).
-- Parameters: trace_id (String, 32 hex digits), ui_only (UInt8), limit (UInt32).
SELECT
    Timestamp,
    TraceId,
    SpanId,
    ParentSpanId,
    SpanName,
    SpanKind,
    ServiceName,
    Duration,
    StatusCode,
    StatusMessage,
    SpanAttributes,
    ResourceAttributes,
    Events.Timestamp,
    Events.Name,
    Events.Attributes
FROM otel_traces
WHERE TraceId = lower({trace_id:String})
  AND (
        {ui_only:UInt8} = 0
        OR ParentSpanId = ''
        OR SpanName = 'agent_step'
        OR SpanName LIKE '%._execute_tool'
        OR SpanName = 'time_to_first_token'
        OR SpanName = 'execute_tool'
        OR startsWith(SpanName, 'execute_tool ')
      )
ORDER BY Timestamp
LIMIT {limit:UInt32}
