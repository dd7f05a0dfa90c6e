-- Error rate by route: requests, errors (span status Error, which the server
-- sets from HTTP 400 up and on escaping errors), 5xx responses and the error
-- rate of the server spans of the last {hours} hours.
-- Parameters: hours (UInt32).
SELECT
    ServiceName AS service,
    SpanName AS route,
    count() AS requests,
    countIf(StatusCode IN ('Error', 'STATUS_CODE_ERROR')) AS errors,
    countIf(toUInt16OrZero(if(SpanAttributes['http.status_code'] != '',
                              SpanAttributes['http.status_code'],
                              SpanAttributes['http.response.status_code'])) >= 500) AS server_errors,
    round(errors / requests, 4) AS error_rate
FROM otel_traces
WHERE SpanKind IN ('Server', 'SPAN_KIND_SERVER')
  AND Timestamp >= now() - toIntervalHour({hours:UInt32})
GROUP BY service, route
ORDER BY error_rate DESC, requests DESC, route
