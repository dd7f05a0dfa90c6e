-- Tokens and cost by agent: as tokens_cost_by_model.sql, grouped by agent.id.
-- An LLM span without agent.id is charged to the agent of its trace (the
-- agent.id found on any span of the same trace, e.g. the server span).
-- Parameters: hours (UInt32).
WITH
    llm AS (
        SELECT
            TraceId,
            AgentId,
            GenAiRequestModel,
            toUInt64OrZero(SpanAttributes['gen_ai.usage.input_tokens']) AS input_tokens,
            toUInt64OrZero(SpanAttributes['gen_ai.usage.output_tokens']) AS output_tokens,
            toFloat64OrZero(if(SpanAttributes['gen_ai.usage.cost'] != '',
                               SpanAttributes['gen_ai.usage.cost'],
                               SpanAttributes['gen_ai.usage.cost_usd'])) AS cost_usd
        FROM otel_traces
        WHERE GenAiRequestModel != ''
          AND Timestamp >= now() - toIntervalHour({hours:UInt32})
    ),
    trace_agent AS (
        SELECT TraceId, any(AgentId) AS TraceAgentId
        FROM otel_traces
        WHERE AgentId != ''
          AND Timestamp >= now() - toIntervalHour({hours:UInt32})
        GROUP BY TraceId
    )
SELECT
    if(llm.AgentId != '', llm.AgentId, trace_agent.TraceAgentId) AS agent_id,
    count() AS calls,
    uniqExact(llm.GenAiRequestModel) AS models,
    sum(llm.input_tokens) AS input_tokens,
    sum(llm.output_tokens) AS output_tokens,
    round(sum(llm.cost_usd), 6) AS cost_usd
FROM llm
LEFT JOIN trace_agent ON llm.TraceId = trace_agent.TraceId
GROUP BY agent_id
ORDER BY cost_usd DESC, input_tokens + output_tokens DESC, agent_id
