//! The `tracing_subscriber` layer that writes log lines.

use std::cell::RefCell;
use std::io::Write as _;
use std::time::SystemTime;

use tracing::{Event, Subscriber};
use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::layer::{Context, Layer};
use tracing_subscriber::registry::LookupSpan;

use super::config::{DatadogLogTags, LogFormat};
use super::context::current_log_fields;
use super::format::{LineData, render};
use super::record::{EventFields, FieldValue, TraceIds};

/// Writes every event it sees as one line in its [`LogFormat`] to its writer.
///
/// Usually obtained from [`LogConfig::layer`](super::LogConfig::layer), which
/// also applies the level filter.
pub struct LogLayer<W> {
    format: LogFormat,
    writer: W,
    datadog: Option<DatadogLogTags>,
    dd_trace_id_128: bool,
}

impl<W> std::fmt::Debug for LogLayer<W> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LogLayer")
            .field("format", &self.format)
            .field("datadog", &self.datadog)
            .finish_non_exhaustive()
    }
}

impl<W> LogLayer<W> {
    /// A layer writing `format` lines to `writer`.
    pub fn new(format: LogFormat, writer: W) -> Self {
        LogLayer {
            format,
            writer,
            datadog: None,
            dd_trace_id_128: false,
        }
    }

    /// Datadog unified service tags on every line.
    #[must_use]
    pub fn with_datadog(mut self, tags: Option<DatadogLogTags>) -> Self {
        self.datadog = tags;
        self
    }

    /// `dd.trace_id` with all 128 bits.
    #[must_use]
    pub fn with_full_dd_trace_id(mut self, on: bool) -> Self {
        self.dd_trace_id_128 = on;
        self
    }
}

thread_local! {
    static LINE: RefCell<String> = const { RefCell::new(String::new()) };
}

/// The `function` of a line, best effort: an event field named `function`,
/// else the name of the innermost `tracing` span (which `#[instrument]`
/// names after the function), else `null`.
fn function_name<'a, S>(
    event: &Event<'_>,
    fields: &'a EventFields,
    ctx: &'a Context<'_, S>,
) -> Option<String>
where
    S: Subscriber + for<'l> LookupSpan<'l>,
{
    if let Some((_, v)) = fields.fields.iter().find(|(k, _)| *k == "function") {
        return Some(match v {
            FieldValue::Str(s) => s.clone(),
            other => other.to_string(),
        });
    }
    ctx.event_span(event).map(|s| s.name().to_owned())
}

impl<S, W> Layer<S> for LogLayer<W>
where
    S: Subscriber + for<'l> LookupSpan<'l>,
    W: for<'w> MakeWriter<'w> + 'static,
{
    fn on_event(&self, event: &Event<'_>, ctx: Context<'_, S>) {
        let time = SystemTime::now();
        let meta = event.metadata();
        let mut fields = EventFields::default();
        event.record(&mut fields);
        let function = function_name(event, &fields, &ctx);
        let context = current_log_fields();
        let data = LineData {
            time,
            level: meta.level(),
            target: meta.target(),
            module: meta.module_path(),
            function: function.as_deref(),
            line: meta.line(),
            event: &fields,
            trace: TraceIds::current(),
            context: &context,
            datadog: self.datadog.as_ref(),
            dd_trace_id_128: self.dd_trace_id_128,
        };
        let write = |line: &mut String| {
            line.clear();
            render(self.format, &data, line);
            let mut w = self.writer.make_writer_for(meta);
            // A failed write must not disturb the caller; non-blocking
            // writers count their own drops.
            let _ = w.write_all(line.as_bytes());
        };
        LINE.with(|buf| match buf.try_borrow_mut() {
            Ok(mut line) => {
                write(&mut line);
                if line.capacity() > 64 * 1024 {
                    *line = String::new();
                }
            }
            Err(_) => write(&mut String::new()),
        });
    }
}

impl super::LogConfig {
    /// A layer writing `format` lines to `writer`, filtered by this
    /// configuration's levels and carrying its Datadog tags, ready to compose
    /// with other layers:
    ///
    /// ```
    /// use letta_telemetry::logs::{LogConfig, LogFormat};
    /// use tracing_subscriber::layer::SubscriberExt;
    ///
    /// let config = LogConfig::default();
    /// let subscriber = tracing_subscriber::registry()
    ///     .with(config.layer(LogFormat::Json, std::io::stderr));
    /// # drop(subscriber);
    /// ```
    pub fn layer<S, W>(&self, format: LogFormat, writer: W) -> Box<dyn Layer<S> + Send + Sync>
    where
        S: Subscriber + for<'l> LookupSpan<'l>,
        W: for<'w> MakeWriter<'w> + Send + Sync + 'static,
    {
        LogLayer::new(format, writer)
            .with_datadog(self.datadog.clone())
            .with_full_dd_trace_id(self.dd_trace_id_128)
            .with_filter(self.filter())
            .boxed()
    }
}
