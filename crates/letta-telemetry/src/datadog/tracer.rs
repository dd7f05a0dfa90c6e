//! The tracer provider when Datadog is on: built by Datadog's own crate
//! (`datadog-opentelemetry`), with the crate's export processor (OTLP or the
//! local file) added to it.
//!
//! `datadog-opentelemetry` only builds a whole provider (its span processor,
//! sampler and id generator are private), so with Datadog on it builds the
//! provider and our processor rides along; with Datadog off the trace
//! pipeline builds a plain provider as before.

use std::time::Duration;

use datadog_opentelemetry::configuration::Config;
use opentelemetry::Context;
use opentelemetry_sdk::Resource;
use opentelemetry_sdk::error::OTelSdkResult;
use opentelemetry_sdk::trace::{SdkTracerProvider, Span, SpanData, SpanProcessor};

use super::config::DatadogConfig;
use crate::settings::SamplerSetting;
#[cfg(test)]
use crate::settings::Settings;

/// Installs Datadog's text-map propagator (Datadog, W3C trace-context and
/// baggage headers) globally.
pub(crate) type InstallPropagator = Box<dyn FnOnce() + Send>;

/// The tracer provider built by `datadog-opentelemetry` with `processor`
/// (the crate's own export processor) added, and the installer of Datadog's
/// propagator, to run once the provider is the global one.
///
/// `processor` keeps seeing `resource` unchanged: Datadog's crate rewrites
/// `service.name` and `deployment.environment.name` for its own spans only.
pub(crate) fn tracer_provider<P>(
    config: &DatadogConfig,
    sampler: SamplerSetting,
    resource: &Resource,
    processor: P,
) -> Option<(SdkTracerProvider, InstallPropagator)>
where
    P: SpanProcessor + 'static,
{
    let (provider, propagator) = datadog_opentelemetry::tracing()
        .with_config(datadog_config(config, sampler))
        .with_resource(datadog_resource(resource, config))
        .with_span_processor(KeepResource {
            inner: processor,
            resource: resource.clone(),
        })
        .init_local();
    let install: InstallPropagator = Box::new(move || {
        opentelemetry::global::set_text_map_propagator(propagator);
    });
    Some((provider, install))
}

/// The resource as Datadog's crate gets it: Datadog takes `env` from
/// `deployment.environment.name` when the resource has it, so that carries
/// `DD_ENV` as the reference sets it (the environment as given, where the
/// resource has it normalised).
fn datadog_resource(resource: &Resource, config: &DatadogConfig) -> Resource {
    use opentelemetry::KeyValue;
    let name = opentelemetry_semantic_conventions::attribute::DEPLOYMENT_ENVIRONMENT_NAME;
    let attributes: Vec<KeyValue> = resource
        .iter()
        .filter(|(k, _)| k.as_str() != name)
        .map(|(k, v)| KeyValue::new(k.clone(), v.clone()))
        .chain([KeyValue::new(name, config.env.clone())])
        .collect();
    let mut builder = Resource::builder_empty().with_attributes(attributes);
    if let Some(url) = resource.schema_url() {
        builder = builder.with_schema_url(Vec::<KeyValue>::new(), url.to_owned());
    }
    builder.build()
}

/// Datadog's configuration from the settings. As the reference fills the
/// `DD_*` variables only when absent, a `DD_*` value Datadog's crate finds in
/// the environment wins; the settings fill the rest.
pub(crate) fn datadog_config(config: &DatadogConfig, sampler: SamplerSetting) -> Config {
    // What Datadog's crate reads by itself (DD_* variables, its config files).
    let found = Config::builder().build();
    let mut b = Config::builder();
    if found.service_is_default() {
        b.set_service(config.service.clone());
    }
    if found.env().is_none() {
        b.set_env(config.env.clone());
    }
    if found.version().is_none() {
        b.set_version(config.version.clone());
    }
    let url = found.trace_agent_url().to_string();
    if url == "http://localhost:8126" || url.starts_with("unix://") {
        b.set_agent_host(config.agent_host.clone());
        b.set_trace_agent_port(u32::from(config.agent_port));
    }
    if found.trace_sample_rate().is_none()
        && let Some(rate) = sample_rate(sampler)
    {
        b.set_trace_sample_rate(rate);
    }
    for (k, v) in global_tags(config) {
        b.add_global_tag((k, v));
    }
    // Nothing leaves the process but traces: no remote configuration
    // polling, no instrumentation telemetry.
    b.set_remote_config_enabled(false);
    b.set_telemetry_enabled(false);
    b.set_trace_writer_force_flush_timeout(Duration::from_secs(2));
    b.build()
}

/// The sample rate Datadog's sampler gets for a sampler setting; `None`
/// keeps Datadog's default (keep everything, agent rates may lower it).
fn sample_rate(sampler: SamplerSetting) -> Option<f64> {
    match sampler {
        SamplerSetting::AlwaysOn | SamplerSetting::ParentBasedAlwaysOn => None,
        SamplerSetting::AlwaysOff | SamplerSetting::ParentBasedAlwaysOff => Some(0.0),
        SamplerSetting::TraceIdRatio(r) | SamplerSetting::ParentBasedTraceIdRatio(r) => Some(r),
    }
}

/// Tags on every Datadog span (the `DD_TAGS` equivalent): the source-code
/// integration tags and the main package.
fn global_tags(config: &DatadogConfig) -> Vec<(String, String)> {
    let mut tags: Vec<(String, String)> = config
        .git
        .tags("git.repository_url", "git.commit.sha")
        .chain(
            config
                .git
                .tags("_dd.git.repository_url", "_dd.git.commit.sha"),
        )
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
    if !config.main_package.is_empty() {
        tags.push(("_dd.main_package".into(), config.main_package.clone()));
    }
    tags
}

/// Forwards to the crate's processor but keeps its resource: Datadog's
/// provider hands its processors a resource rewritten for Datadog.
#[derive(Debug)]
struct KeepResource<P> {
    inner: P,
    resource: Resource,
}

impl<P: SpanProcessor> SpanProcessor for KeepResource<P> {
    fn on_start(&self, span: &mut Span, cx: &Context) {
        self.inner.on_start(span, cx);
    }

    fn on_end(&self, span: SpanData) {
        self.inner.on_end(span);
    }

    fn force_flush(&self) -> OTelSdkResult {
        self.inner.force_flush()
    }

    fn shutdown_with_timeout(&self, timeout: Duration) -> OTelSdkResult {
        self.inner.shutdown_with_timeout(timeout)
    }

    fn set_resource(&mut self, _resource: &Resource) {
        self.inner.set_resource(&self.resource);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sampler_settings_map_to_datadog_sample_rates() {
        assert_eq!(sample_rate(SamplerSetting::AlwaysOn), None);
        assert_eq!(sample_rate(SamplerSetting::AlwaysOff), Some(0.0));
        assert_eq!(
            sample_rate(SamplerSetting::ParentBasedTraceIdRatio(0.25)),
            Some(0.25)
        );
    }

    #[test]
    fn settings_fill_the_datadog_configuration() {
        let mut s = Settings::default();
        s.datadog_service_name = "svc".into();
        s.environment = Some("staging".into());
        s.service_version = "1.2.3".into();
        s.datadog_agent_host = "127.0.0.1".into();
        s.datadog_agent_port = 18126;
        s.datadog_git_repository_url = Some("https://github.com/org/repo".into());
        s.datadog_git_commit_sha = Some("abc".into());
        let c = datadog_config(&DatadogConfig::from_settings(&s), SamplerSetting::AlwaysOn);
        assert_eq!(&*c.service(), "svc");
        assert_eq!(c.env(), Some("staging"));
        assert_eq!(c.version(), Some("1.2.3"));
        assert_eq!(&*c.trace_agent_url(), "http://127.0.0.1:18126");
        let tags: Vec<_> = c.global_tags().collect();
        assert!(tags.contains(&("git.commit.sha", "abc")), "{tags:?}");
        assert!(tags.contains(&("_dd.git.repository_url", "https://github.com/org/repo")));
        assert!(!c.remote_config_enabled());
        assert!(!c.telemetry_enabled());
    }
}
