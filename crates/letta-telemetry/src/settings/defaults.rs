//! The defaults of [`Settings`], without reading the environment.

use std::path::PathBuf;
use std::time::Duration;

use super::Settings;
use super::content_capture::ContentCapture;
use super::limits::ExportLimits;
use super::otlp::OtlpSettings;
use super::sdk::SdkSettings;
use super::source::{Provenance, Source};
use super::values::{SamplerSetting, Temporality};

impl Default for Settings {
    /// The defaults, without reading the environment (`letta_dir` is the
    /// relative `.letta`; [`Settings::from_env`] uses `$HOME/.letta`).
    fn default() -> Self {
        let mut settings = Self {
            enable_datadog: false,
            datadog_agent_host: "localhost".into(),
            datadog_agent_port: 8126,
            datadog_service_name: "letta-server".into(),
            datadog_profiling_enabled: false,
            datadog_profiling_memory_enabled: false,
            datadog_profiling_heap_enabled: false,
            datadog_git_repository_url: None,
            datadog_git_commit_sha: None,
            datadog_main_package: "letta".into(),
            otel_preferred_temporality: Temporality::Delta,
            disable_tracing: false,
            verbose_telemetry_logging: false,
            sdk_disabled: false,
            excluded_endpoints_regex: crate::http::DEFAULT_EXCLUDED_ROUTES
                .map(String::from)
                .to_vec(),
            metrics_endpoints_regex: crate::http::DEFAULT_METRIC_ROUTES
                .map(String::from)
                .to_vec(),
            otlp: OtlpSettings {
                timeout: Duration::from_secs(10),
                ..OtlpSettings::default()
            },
            service_name: "letta-server".into(),
            service_version: env!("CARGO_PKG_VERSION").into(),
            environment: None,
            env_name: None,
            resource_attributes: Vec::new(),
            sampler: SamplerSetting::default(),
            letta_dir: PathBuf::from(".letta"),
            json_logging: false,
            debug: false,
            console_logs: true,
            metric_export_interval: Duration::from_secs(60),
            limits: ExportLimits::default(),
            legacy_attributes: true,
            genai_capture_message_content: ContentCapture::NoContent,
            sdk: SdkSettings::default(),
            warnings: Vec::new(),
            provenance: Provenance::default(),
        };
        settings.record_sources(|_| Source::Default);
        settings
    }
}
