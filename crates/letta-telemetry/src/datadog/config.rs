//! What the Datadog integration is told: the reference sets `DD_*`
//! environment variables when absent; here the same values are computed from
//! the settings and passed to Datadog's crates in code (the process
//! environment is never written, which is racy and `unsafe` in edition
//! 2024). A `DD_*` variable already set, which `datadog-opentelemetry` reads
//! itself, keeps its value, as with the reference.
//!
//! | reference variable | value used here |
//! |---|---|
//! | `DD_ENV` | `LETTA_ENVIRONMENT`, else `development` |
//! | `DD_SERVICE` | `LETTA_TELEMETRY_DATADOG_SERVICE_NAME` |
//! | `DD_VERSION` | the server version |
//! | `DD_AGENT_HOST` | `LETTA_TELEMETRY_DATADOG_AGENT_HOST` |
//! | `DD_TRACE_AGENT_PORT` | `LETTA_TELEMETRY_DATADOG_AGENT_PORT` |
//! | `DD_PROFILING_ENABLED` | `LETTA_TELEMETRY_DATADOG_PROFILING_ENABLED` |
//! | `DD_PROFILING_MEMORY_ENABLED` | `LETTA_TELEMETRY_DATADOG_PROFILING_MEMORY_ENABLED` |
//! | `DD_PROFILING_HEAP_ENABLED` | `LETTA_TELEMETRY_DATADOG_PROFILING_HEAP_ENABLED` |
//! | `DD_GIT_REPOSITORY_URL`, `DD_GIT_COMMIT_SHA` | the git settings, else build time |
//! | `DD_MAIN_PACKAGE` | `LETTA_TELEMETRY_DATADOG_MAIN_PACKAGE` |

use std::time::Duration;

use super::git::GitMetadata;
use crate::settings::Settings;

/// How often profiles are uploaded unless told otherwise.
pub const DEFAULT_PROFILING_UPLOAD_PERIOD: Duration = Duration::from_secs(60);

/// The Datadog configuration derived from the settings.
#[derive(Debug, Clone)]
pub struct DatadogConfig {
    /// `DD_SERVICE`.
    pub service: String,
    /// `DD_ENV`.
    pub env: String,
    /// `DD_VERSION`.
    pub version: String,
    /// `DD_AGENT_HOST`.
    pub agent_host: String,
    /// `DD_TRACE_AGENT_PORT`.
    pub agent_port: u16,
    /// Source-code integration tags.
    pub git: GitMetadata,
    /// `DD_MAIN_PACKAGE`: which code is "ours" (the `_dd.main_package` tag
    /// and the profiler's `main_package` tag).
    pub main_package: String,
    /// `DD_PROFILING_ENABLED`.
    pub profiling: bool,
    /// `DD_PROFILING_MEMORY_ENABLED`.
    pub profiling_memory: bool,
    /// `DD_PROFILING_HEAP_ENABLED`.
    pub profiling_heap: bool,
    /// How often the CPU profiler uploads a profile (what other Datadog
    /// profilers call `DD_PROFILING_UPLOAD_INTERVAL`); 60 s by default, set
    /// in code.
    pub profiling_upload_period: Duration,
    /// Timeout of each profile upload to the agent.
    pub timeout: Duration,
}

impl DatadogConfig {
    /// The values the reference would put in `DD_*`.
    pub fn from_settings(settings: &Settings) -> Self {
        DatadogConfig {
            service: settings.datadog_service_name.clone(),
            env: settings.datadog_environment(),
            version: settings.service_version.clone(),
            agent_host: settings.datadog_agent_host.clone(),
            agent_port: settings.datadog_agent_port,
            git: GitMetadata::resolve(
                settings.datadog_git_repository_url.as_deref(),
                settings.datadog_git_commit_sha.as_deref(),
            ),
            main_package: settings.datadog_main_package.clone(),
            profiling: settings.datadog_profiling_enabled,
            profiling_memory: settings.datadog_profiling_memory_enabled,
            profiling_heap: settings.datadog_profiling_heap_enabled,
            profiling_upload_period: DEFAULT_PROFILING_UPLOAD_PERIOD,
            timeout: Duration::from_secs(5),
        }
    }

    /// The `DD_*` variables and values the reference would have set, for
    /// diagnostics (`letta-otel` can print them).
    pub fn dd_environment(&self) -> Vec<(&'static str, String)> {
        let mut v = vec![
            ("DD_ENV", self.env.clone()),
            ("DD_SERVICE", self.service.clone()),
            ("DD_VERSION", self.version.clone()),
            ("DD_AGENT_HOST", self.agent_host.clone()),
            ("DD_TRACE_AGENT_PORT", self.agent_port.to_string()),
            ("DD_PROFILING_ENABLED", self.profiling.to_string()),
            (
                "DD_PROFILING_MEMORY_ENABLED",
                self.profiling_memory.to_string(),
            ),
            ("DD_PROFILING_HEAP_ENABLED", self.profiling_heap.to_string()),
            ("DD_MAIN_PACKAGE", self.main_package.clone()),
        ];
        if let Some(u) = &self.git.repository_url {
            v.push(("DD_GIT_REPOSITORY_URL", u.clone()));
        }
        if let Some(s) = &self.git.commit_sha {
            v.push(("DD_GIT_COMMIT_SHA", s.clone()));
        }
        v
    }
}
