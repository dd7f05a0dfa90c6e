"""The yardstick: the official OpenTelemetry instrumentation of the OpenAI
client (opentelemetry-instrumentation-openai-v2), on the latest experimental
GenAI conventions with content on spans, calling the given OpenAI-compatible
endpoint with the requests the reference server sends: a chat that asks for
a tool, the tool's answer, and a streamed chat. Prints, as JSON, each span's
name, kind and attribute types, and each metric's name, unit and attribute
keys, for the Rust test to compare with ours.

Usage: openai_v2_yardstick.py <base_url> <model>
"""

import json
import os
import sys

os.environ["OTEL_SEMCONV_STABILITY_OPT_IN"] = "gen_ai_latest_experimental"
os.environ["OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT"] = "SPAN_ONLY"

from openai import OpenAI  # noqa: E402
from opentelemetry import metrics, trace  # noqa: E402
from opentelemetry.instrumentation.openai_v2 import OpenAIInstrumentor  # noqa: E402
from opentelemetry.sdk.metrics import MeterProvider  # noqa: E402
from opentelemetry.sdk.metrics.export import InMemoryMetricReader  # noqa: E402
from opentelemetry.sdk.trace import TracerProvider  # noqa: E402
from opentelemetry.sdk.trace.export import SimpleSpanProcessor  # noqa: E402
from opentelemetry.sdk.trace.export.in_memory_span_exporter import (  # noqa: E402
    InMemorySpanExporter,
)

base_url, model = sys.argv[1], sys.argv[2]

spans = InMemorySpanExporter()
tracer_provider = TracerProvider()
tracer_provider.add_span_processor(SimpleSpanProcessor(spans))
trace.set_tracer_provider(tracer_provider)
reader = InMemoryMetricReader()
metrics.set_meter_provider(MeterProvider(metric_readers=[reader]))
OpenAIInstrumentor().instrument()

client = OpenAI(base_url=base_url, api_key="not-a-key", max_retries=0)
tools = [
    {
        "type": "function",
        "function": {
            "name": "get_weather",
            "description": "Current weather of a city",
            "parameters": {
                "type": "object",
                "properties": {"city": {"type": "string"}},
                "required": ["city"],
            },
        },
    }
]
system = {"role": "system", "content": "You are a helpful agent."}
question = {"role": "user", "content": "What is the weather in Paris?"}
sampling = {"temperature": 0.7, "max_tokens": 1024}

first = client.chat.completions.create(
    model=model, messages=[system, question], tools=tools, **sampling
)
call = first.choices[0].message.tool_calls[0]
client.chat.completions.create(
    model=model,
    messages=[
        system,
        question,
        {
            "role": "assistant",
            "content": None,
            "tool_calls": [
                {
                    "id": call.id,
                    "type": "function",
                    "function": {
                        "name": call.function.name,
                        "arguments": call.function.arguments,
                    },
                }
            ],
        },
        {"role": "tool", "tool_call_id": call.id, "content": "rainy, 12 C"},
    ],
    tools=tools,
    **sampling,
)
stream = client.chat.completions.create(
    model=model,
    messages=[system, {"role": "user", "content": "Tell me a story"}],
    stream=True,
    stream_options={"include_usage": True},
    **sampling,
)
for _ in stream:
    pass


def type_of(value):
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "int"
    if isinstance(value, float):
        return "double"
    if isinstance(value, str):
        return "string"
    if isinstance(value, (list, tuple)):
        return "array"
    return type(value).__name__


out = {
    "spans": [
        {
            "name": s.name,
            "kind": s.kind.name,
            "attributes": {k: type_of(v) for k, v in (s.attributes or {}).items()},
        }
        for s in spans.get_finished_spans()
    ],
    "metrics": [],
}
data = reader.get_metrics_data()
for resource_metrics in data.resource_metrics if data else []:
    for scope_metrics in resource_metrics.scope_metrics:
        for metric in scope_metrics.metrics:
            keys = set()
            for point in metric.data.data_points:
                keys.update(point.attributes.keys())
            out["metrics"].append(
                {"name": metric.name, "unit": metric.unit, "attributes": sorted(keys)}
            )
print(json.dumps(out, indent=1))
