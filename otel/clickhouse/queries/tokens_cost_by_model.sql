-- Tokens and cost by model: LLM calls (spans with gen_ai.request.model), input
-- and output tokens (gen_ai.usage.input_tokens / output_tokens) and cost in USD
-- (gen_ai.usage.cost, else gen_ai.usage.cost_usd) of the last {hours} hours.
-- Parameters: hours (UInt32).
SELECT
    GenAiRequestModel AS model,
    count() AS calls,
    sum(toUInt64OrZero(SpanAttributes['gen_ai.usage.input_tokens'])) AS input_tokens,
    sum(toUInt64OrZero(SpanAttributes['gen_ai.usage.output_tokens'])) AS output_tokens,
    round(sum(toFloat64OrZero(if(SpanAttributes['gen_ai.usage.cost'] != '',
                                 SpanAttributes['gen_ai.usage.cost'],
                                 SpanAttributes['gen_ai.usage.cost_usd']))), 6) AS cost_usd
FROM otel_traces
WHERE GenAiRequestModel != ''
  AND Timestamp >= now() - toIntervalHour({hours:UInt32})
GROUP BY model
ORDER BY cost_usd DESC, input_tokens + output_tokens DESC, model
