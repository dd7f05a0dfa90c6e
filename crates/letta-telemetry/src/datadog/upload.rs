//! Uploads profiles to the Datadog agent's profiling intake
//! (`POST http://host:port/profiling/v1/input`, multipart `event` +
//! `profile.pprof`) with Datadog's `libdd-profiling` exporter.

use std::time::Duration;

use libdd_profiling::exporter::{ProfileExporter, Tag, Uri, config};
use libdd_profiling::internal::EncodedProfile;

use super::config::DatadogConfig;

/// The profile family the intake files the profiles under.
const FAMILY: &str = "native";

/// Sends profiles to one agent, tagged with service, env, version and Git.
pub(crate) struct Uploader {
    exporter: ProfileExporter,
    url: String,
}

impl std::fmt::Debug for Uploader {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Uploader").field("url", &self.url).finish()
    }
}

impl Uploader {
    /// An uploader for the agent of `config`; each upload gives up after
    /// `timeout`.
    pub(crate) fn new(config: &DatadogConfig, timeout: Duration) -> Result<Self, String> {
        let base = format!("http://{}:{}", config.agent_host, config.agent_port);
        let uri: Uri = base.parse().map_err(|e| {
            format!("{base:?} is not an agent URL (expected http://host:port): {e}")
        })?;
        let endpoint = config::agent(uri).map_err(|e| e.to_string())?;
        let mut exporter = ProfileExporter::new(
            "letta-telemetry",
            env!("CARGO_PKG_VERSION"),
            FAMILY,
            Some(tags(config)),
            endpoint,
        )
        .map_err(|e| e.to_string())?;
        exporter.set_timeout(
            u64::try_from(timeout.as_millis())
                .unwrap_or(u64::MAX)
                .max(1),
        );
        Ok(Uploader {
            exporter,
            url: format!("{base}/profiling/v1/input"),
        })
    }

    /// Where profiles go, for messages.
    pub(crate) fn url(&self) -> &str {
        &self.url
    }

    /// Uploads one profile; `Err` describes why it was not accepted.
    pub(crate) fn upload(&self, profile: EncodedProfile) -> Result<(), String> {
        let request = self
            .exporter
            .build(profile, &[], &[], None, None, None)
            .map_err(|e| format!("could not build the profile upload: {e:#}"))?;
        let response = self
            .exporter
            .send(request, None)
            .map_err(|e| format!("{e:#}"))?;
        let status = response.status();
        if status.is_success() {
            Ok(())
        } else {
            Err(format!("the agent answered {status}"))
        }
    }
}

/// The profile's tags: `service`, `env`, `version`, the Git tags, the
/// language and the host, each dropped (with no error) when Datadog's tag
/// rules reject it.
pub(crate) fn tags(config: &DatadogConfig) -> Vec<Tag> {
    let mut pairs: Vec<(&str, String)> = vec![
        ("service", config.service.clone()),
        ("env", config.env.clone()),
        ("version", config.version.clone()),
        ("language", "rust".into()),
        ("profiler_version", env!("CARGO_PKG_VERSION").into()),
    ];
    pairs.extend(
        config
            .git
            .tags("git.repository_url", "git.commit.sha")
            .map(|(k, v)| (k, v.to_owned())),
    );
    if !config.main_package.is_empty() {
        pairs.push(("main_package", config.main_package.clone()));
    }
    if let Ok(host) = hostname::get() {
        pairs.push(("host", host.to_string_lossy().into_owned()));
    }
    pairs
        .into_iter()
        .filter_map(|(k, v)| Tag::new(k, v).ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::settings::Settings;

    #[test]
    fn tags_carry_service_env_version_and_git() {
        let mut s = Settings::default();
        s.environment = Some("staging".into());
        s.service_version = "1.0.0".into();
        s.datadog_git_commit_sha = Some("abc123".into());
        s.datadog_git_repository_url = Some("https://github.com/org/repo".into());
        let tags: Vec<String> = tags(&DatadogConfig::from_settings(&s))
            .iter()
            .map(|t| t.as_ref().to_owned())
            .collect();
        for want in [
            "service:letta-server",
            "env:staging",
            "version:1.0.0",
            "git.commit.sha:abc123",
            "git.repository_url:https://github.com/org/repo",
        ] {
            assert!(tags.iter().any(|t| t == want), "{want} not in {tags:?}");
        }
    }
}
