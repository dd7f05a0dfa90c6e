//! In-memory span recorder for unit tests of span shapes.

use std::sync::{Arc, Mutex, OnceLock};

use opentelemetry::Value;
use opentelemetry::trace::TracerProvider as _;
use opentelemetry_sdk::error::OTelSdkResult;
use opentelemetry_sdk::trace::{SdkTracerProvider, SpanData, SpanExporter};

/// The value of attribute `key` on `span`.
pub fn span_attribute<'a>(span: &'a SpanData, key: &str) -> Option<&'a Value> {
    span.attributes
        .iter()
        .find(|kv| kv.key.as_str() == key)
        .map(|kv| &kv.value)
}

/// Collects finished spans in memory.
#[derive(Debug, Clone, Default)]
pub struct SpanRecorder {
    spans: Arc<Mutex<Vec<SpanData>>>,
}

impl SpanRecorder {
    /// All spans finished so far.
    pub fn spans(&self) -> Vec<SpanData> {
        self.spans.lock().map(|s| s.clone()).unwrap_or_default()
    }

    /// The finished spans with this name.
    pub fn named(&self, name: &str) -> Vec<SpanData> {
        self.spans()
            .into_iter()
            .filter(|s| s.name == name)
            .collect()
    }

    /// Forgets the spans recorded so far.
    pub fn clear(&self) {
        if let Ok(mut s) = self.spans.lock() {
            s.clear();
        }
    }
}

impl SpanExporter for SpanRecorder {
    async fn export(&self, batch: Vec<SpanData>) -> OTelSdkResult {
        if let Ok(mut s) = self.spans.lock() {
            s.extend(batch);
        }
        Ok(())
    }
}

static RECORDER: OnceLock<SpanRecorder> = OnceLock::new();

/// Installs (once per process) a tracer whose spans are exported
/// synchronously to the returned recorder, and W3C propagators.
pub fn install_span_recorder() -> SpanRecorder {
    RECORDER
        .get_or_init(|| {
            let recorder = SpanRecorder::default();
            let provider = SdkTracerProvider::builder()
                .with_simple_exporter(recorder.clone())
                .with_sampler(opentelemetry_sdk::trace::Sampler::ParentBased(Box::new(
                    opentelemetry_sdk::trace::Sampler::AlwaysOn,
                )))
                .build();
            // set explicitly: the SDK default follows OTEL_TRACES_SAMPLER
            crate::global::install_tracer(
                provider.tracer("letta"),
                Some(crate::settings::SamplerSetting::ParentBasedAlwaysOn),
                false,
            );
            opentelemetry::global::set_tracer_provider(provider);
            crate::traces::install_propagators();
            recorder
        })
        .clone()
}

/// A sampled, ended server span named `name` with `attributes` and a fixed
/// trace and span id, to feed processors and exporters in tests.
pub fn sample_span(name: &'static str, attributes: Vec<opentelemetry::KeyValue>) -> SpanData {
    use opentelemetry::trace::{
        SpanContext, SpanId, SpanKind, Status, TraceFlags, TraceId, TraceState,
    };
    use opentelemetry_sdk::trace::{SpanEvents, SpanLinks};
    let start = std::time::SystemTime::now();
    SpanData {
        span_context: SpanContext::new(
            TraceId::from(0x0af7_6519_16cd_43dd_8448_eb21_1c80_319c),
            SpanId::from(0x00f0_67aa_0ba9_02b7),
            TraceFlags::SAMPLED,
            false,
            TraceState::default(),
        ),
        parent_span_id: SpanId::INVALID,
        parent_span_is_remote: false,
        span_kind: SpanKind::Server,
        name: std::borrow::Cow::Borrowed(name),
        start_time: start,
        end_time: start,
        attributes,
        dropped_attributes_count: 0,
        events: SpanEvents::default(),
        links: SpanLinks::default(),
        status: Status::Unset,
        instrumentation_scope: opentelemetry::InstrumentationScope::builder("letta").build(),
    }
}
