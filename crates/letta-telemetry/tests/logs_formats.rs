//! Every log format, rendered into a buffer.

use std::io::Write;
use std::sync::{Arc, Mutex};

use letta_telemetry::logs::{DatadogLogTags, LogConfig, LogFormat, log_context_guard};
use opentelemetry::Context;
use opentelemetry::trace::{Span as _, TraceContextExt, Tracer, TracerProvider as _};
use opentelemetry_sdk::trace::SdkTracerProvider;
use tracing::level_filters::LevelFilter;
use tracing_subscriber::layer::SubscriberExt;

#[derive(Clone, Default)]
struct Buf(Arc<Mutex<Vec<u8>>>);

impl Write for Buf {
    fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .map_err(|_| std::io::Error::other("poisoned"))?
            .extend_from_slice(b);
        Ok(b.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Buf {
    fn text(&self) -> String {
        String::from_utf8(self.0.lock().map(|v| v.clone()).unwrap_or_default()).unwrap_or_default()
    }
}

fn tags() -> DatadogLogTags {
    DatadogLogTags {
        service: "letta-server".into(),
        env: "staging".into(),
        version: "1.2.3".into(),
    }
}

/// Runs `f` with a subscriber writing `format` lines into a buffer.
fn capture(config: &LogConfig, format: LogFormat, f: impl FnOnce()) -> String {
    let buf = Buf::default();
    let writer = buf.clone();
    let subscriber =
        tracing_subscriber::registry().with(config.layer(format, move || writer.clone()));
    tracing::subscriber::with_default(subscriber, f);
    buf.text()
}

#[derive(Debug, thiserror::Error)]
#[error("request failed")]
struct Outer {
    #[source]
    source: std::io::Error,
}

#[test]
fn json_line_has_the_reference_fields_and_trace_correlation() {
    let provider = SdkTracerProvider::builder().build();
    let tracer = provider.tracer("test");
    let span = tracer.start("step");
    let sc = span.span_context().clone();
    let cx = Context::current_with_span(span);
    let config = LogConfig::default().with_datadog(Some(tags()));
    let out = capture(&config, LogFormat::Json, || {
        let _g = cx.clone().attach();
        let _l = log_context_guard([("agent_id", "agent-1"), ("actor_id", "user-9")]);
        let err = Outer {
            source: std::io::Error::other("disk full"),
        };
        tracing::error!(
            target: "letta.agent",
            step = 3u64,
            ok = false,
            ratio = 0.5,
            note = "hi \"there\"",
            error = &err as &(dyn std::error::Error + 'static),
            "step {} failed",
            3
        );
    });
    let line: serde_json::Value = serde_json::from_str(out.trim()).expect("one JSON line");
    let trace_id = u128::from_be_bytes(sc.trace_id().to_bytes());
    let span_id = u64::from_be_bytes(sc.span_id().to_bytes());
    assert_eq!(line["level"], "ERROR");
    assert_eq!(line["logger"], "letta.agent");
    assert_eq!(line["message"], "step 3 failed");
    assert_eq!(line["module"], "logs_formats");
    assert!(line["line"].as_u64().is_some_and(|l| l > 0));
    assert!(line.get("function").is_some());
    let ts = line["timestamp"].as_str().expect("timestamp");
    // 2024-05-01T12:34:56.789012Z
    assert_eq!(ts.len(), 27, "{ts}");
    assert!(ts.ends_with('Z') && ts.as_bytes()[10] == b'T' && ts.as_bytes()[19] == b'.');
    assert_eq!(line["trace_id"], format!("{trace_id:032x}"));
    assert_eq!(line["span_id"], format!("{span_id:016x}"));
    assert_eq!(line["dd.trace_id"], (trace_id as u64).to_string());
    assert_eq!(line["dd.span_id"], span_id.to_string());
    assert_eq!(line["dd.service"], "letta-server");
    assert_eq!(line["dd.env"], "staging");
    assert_eq!(line["dd.version"], "1.2.3");
    assert_eq!(line["agent_id"], "agent-1");
    assert_eq!(line["actor_id"], "user-9");
    assert_eq!(line["step"], 3);
    assert_eq!(line["ok"], false);
    assert_eq!(line["ratio"], 0.5);
    assert_eq!(line["note"], "hi \"there\"");
    assert_eq!(line["exception"]["type"], "Outer");
    assert_eq!(line["exception"]["message"], "request failed");
    assert_eq!(line["exception"]["stacktrace"], "Caused by: disk full");
}

#[test]
fn json_without_span_or_datadog_has_no_correlation_keys() {
    let out = capture(&LogConfig::default(), LogFormat::Json, || {
        tracing::warn!(message_id = "m1", "careful");
    });
    let line: serde_json::Value = serde_json::from_str(out.trim()).expect("JSON");
    assert_eq!(line["level"], "WARNING");
    assert_eq!(line["message"], "careful");
    assert_eq!(line["message_id"], "m1");
    for key in [
        "trace_id",
        "span_id",
        "dd.trace_id",
        "dd.span_id",
        "dd.service",
        "exception",
    ] {
        assert!(line.get(key).is_none(), "{key} should be absent: {line}");
    }
}

#[test]
fn full_128_bit_dd_trace_id_is_an_option() {
    let provider = SdkTracerProvider::builder().build();
    let span = provider.tracer("t").start("s");
    let trace_id = u128::from_be_bytes(span.span_context().trace_id().to_bytes());
    let cx = Context::current_with_span(span);
    let config = LogConfig::default().with_full_dd_trace_id(true);
    let out = capture(&config, LogFormat::Json, || {
        let _g = cx.attach();
        tracing::info!("x");
    });
    let line: serde_json::Value = serde_json::from_str(out.trim()).expect("JSON");
    assert_eq!(line["dd.trace_id"], trace_id.to_string());
}

#[test]
fn reserved_field_names_do_not_duplicate_keys() {
    let out = capture(&LogConfig::default(), LogFormat::Json, || {
        tracing::info!(level = "custom", "x");
    });
    assert_eq!(out.matches("\"level\"").count(), 1, "{out}");
    let line: serde_json::Value = serde_json::from_str(out.trim()).expect("JSON");
    assert_eq!(line["fields.level"], "custom");
}

#[test]
fn standard_text_format() {
    let out = capture(&LogConfig::default(), LogFormat::Standard, || {
        tracing::info!(target: "letta.server", n = 2, "hello");
    });
    // 2024-05-01 12:34:56,789 - letta.server - INFO - hello n=2
    let (time, rest) = out.split_at(23);
    assert_eq!(rest, " - letta.server - INFO - hello n=2\n", "{out}");
    assert_eq!(time.as_bytes()[10], b' ');
    assert_eq!(time.as_bytes()[19], b',');
}

#[test]
fn console_format_has_no_time() {
    let out = capture(&LogConfig::default(), LogFormat::Console, || {
        tracing::warn!(target: "letta.server", "disk low");
    });
    assert_eq!(out, "letta.server - WARNING - disk low\n");
}

#[test]
fn datadog_text_format() {
    let provider = SdkTracerProvider::builder().build();
    let span = provider.tracer("t").start("s");
    let sc = span.span_context().clone();
    let cx = Context::current_with_span(span);
    let config = LogConfig::default().with_datadog(Some(tags()));
    let out = capture(&config, LogFormat::Datadog, || {
        tracing::info!(target: "letta.server", "outside");
        let _g = cx.attach();
        tracing::info!(target: "letta.server", "inside");
    });
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 2, "{out}");
    assert_eq!(
        &lines[0][23..],
        " - letta.server - INFO - [dd.env=staging dd.service=letta-server dd.version=1.2.3 dd.trace_id=0 dd.span_id=0] - outside"
    );
    let trace_id = u128::from_be_bytes(sc.trace_id().to_bytes()) as u64;
    let span_id = u64::from_be_bytes(sc.span_id().to_bytes());
    assert_eq!(
        &lines[1][23..],
        format!(
            " - letta.server - INFO - [dd.env=staging dd.service=letta-server dd.version=1.2.3 dd.trace_id={trace_id} dd.span_id={span_id}] - inside"
        )
    );
}

#[test]
fn levels_and_verbose_telemetry_targets() {
    let quiet = LogConfig::default();
    let out = capture(&quiet, LogFormat::Console, || {
        tracing::debug!(target: "letta.server", "app debug");
        tracing::debug!(target: "letta_telemetry::traces", "export debug");
        tracing::info!(target: "letta.server", "app info");
    });
    assert_eq!(out, "letta.server - INFO - app info\n");

    let verbose = LogConfig::default().with_verbose_telemetry(true);
    let out = capture(&verbose, LogFormat::Console, || {
        tracing::debug!(target: "letta.server", "app debug");
        tracing::debug!(target: "letta_telemetry::traces", "export debug");
    });
    assert_eq!(out, "letta_telemetry::traces - DEBUG - export debug\n");

    let debug = LogConfig::default().with_level(LevelFilter::DEBUG);
    let out = capture(&debug, LogFormat::Console, || {
        tracing::debug!(target: "letta.server", "app debug");
    });
    assert_eq!(out, "letta.server - DEBUG - app debug\n");
}

#[test]
fn function_is_the_innermost_tracing_span_name() {
    let out = capture(&LogConfig::default(), LogFormat::Json, || {
        let s = tracing::info_span!("load_agent");
        let _e = s.enter();
        tracing::info!("x");
    });
    let line: serde_json::Value = serde_json::from_str(out.trim()).expect("JSON");
    assert_eq!(line["function"], "load_agent");
}

#[test]
fn log_context_follows_async_tasks() {
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("runtime");
    let out = capture(&LogConfig::default(), LogFormat::Json, || {
        rt.block_on(letta_telemetry::logs::with_log_context(
            [("agent_id", "a-1")],
            async {
                tokio::task::yield_now().await;
                tracing::info!("in task");
            },
        ));
        tracing::info!("after");
    });
    let lines: Vec<serde_json::Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).expect("JSON"))
        .collect();
    assert_eq!(lines[0]["agent_id"], "a-1");
    assert!(lines[1].get("agent_id").is_none());
}

#[test]
fn settings_choose_the_formats() {
    let mut s = letta_telemetry::Settings::default();
    let c = LogConfig::from_settings(&s);
    assert_eq!(
        (c.console_format(), c.file_format()),
        (LogFormat::Console, LogFormat::Standard)
    );
    s.enable_datadog = true;
    let c = LogConfig::from_settings(&s);
    assert_eq!(
        (c.console_format(), c.file_format()),
        (LogFormat::Datadog, LogFormat::Datadog)
    );
    s.json_logging = true;
    let c = LogConfig::from_settings(&s);
    assert_eq!(
        (c.console_format(), c.file_format()),
        (LogFormat::Json, LogFormat::Json)
    );
    let file = c.file().expect("file");
    assert!(file.path.ends_with("logs/Letta.log"));
    assert_eq!((file.max_bytes, file.backups), (10 * 1024 * 1024, 3));
}
