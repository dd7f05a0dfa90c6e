//! The OpenTelemetry resource of the reference.
//!
//! Attributes, lowest precedence first:
//! 1. `telemetry.sdk.*`;
//! 2. detected or defaulted values: `host.name`, `device.id`,
//!    `deployment.environment` when `LETTA_ENVIRONMENT` is unset, the
//!    versions when not set in code;
//! 3. `OTEL_RESOURCE_ATTRIBUTES`;
//! 4. values set explicitly: `deployment.environment` from
//!    `LETTA_ENVIRONMENT`, versions set in code, and always `service.name`
//!    (already resolved by the settings as code > `OTEL_SERVICE_NAME` >
//!    `ENV_NAME` > `service.name` of `OTEL_RESOURCE_ATTRIBUTES` > default, as
//!    the OpenTelemetry specification orders them).
//!
//! `device.id` is left out when the effective `deployment.environment` is
//! `prod`.

use std::path::Path;

use opentelemetry::KeyValue;
use opentelemetry_sdk::Resource;
use opentelemetry_sdk::resource::TelemetryResourceDetector;

use crate::semconv;
use crate::settings::{Field, Settings, Source};

/// What the resource says about the machine: its host name and a stable
/// per-machine id. [`HostIdentity::detect`] never fails; what it cannot find
/// is `None` and left out of the resource.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct HostIdentity {
    /// `host.name`.
    pub host_name: Option<String>,
    /// `device.id`: a stable per-machine number that identifies no
    /// hardware: a keyed hash of the OS's machine id (`/etc/machine-id`),
    /// never a MAC address. The key is this crate's own, so the value cannot
    /// be matched with the machine id other software reports.
    pub device_id: Option<i64>,
}

impl HostIdentity {
    /// A host identity with the given values (for tests and embedding).
    pub fn new(host_name: Option<String>, device_id: Option<i64>) -> Self {
        Self {
            host_name,
            device_id,
        }
    }

    /// Detects the host name and device id of this machine.
    pub fn detect() -> Self {
        Self {
            host_name: hostname::get()
                .ok()
                .map(|h| h.to_string_lossy().into_owned())
                .filter(|h| !h.is_empty()),
            device_id: machine_id_device_id(Path::new("/etc/machine-id"))
                .or_else(|| machine_id_device_id(Path::new("/var/lib/dbus/machine-id"))),
        }
    }
}

/// The key of the device-id hash: the same machine id gives another value
/// here than in any other program.
const DEVICE_ID_KEY: &[u8] = b"letta-telemetry device.id v1:";

/// A keyed hash (FNV-1a, 64 bits, over the key then the id) of a machine-id
/// file, as a positive integer. Written out rather than `DefaultHasher`,
/// whose output may change between Rust releases: the id must stay stable.
fn machine_id_device_id(path: &Path) -> Option<i64> {
    let id = std::fs::read_to_string(path).ok()?;
    let id = id.trim();
    if id.len() < 16 || !id.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in DEVICE_ID_KEY.iter().chain(id.as_bytes()) {
        hash ^= u64::from(b);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    Some((hash >> 1) as i64).filter(|v| *v != 0)
}

/// Builds the resource: `service.name`, `service.version`, `letta.version`,
/// `host.name`, `deployment.environment`, `device.id` (outside `prod`),
/// `git.repository_url` and `git.commit.sha` when known, merged with
/// `OTEL_RESOURCE_ATTRIBUTES`, with this machine's identity.
///
/// ```
/// use letta_telemetry::Settings;
///
/// let settings = Settings::from_vars([("OTEL_SERVICE_NAME", "my-agent")])?;
/// let resource = letta_telemetry::build_resource(&settings);
/// let name = resource.get(&opentelemetry::Key::new("service.name"));
/// assert_eq!(name.map(|v| v.to_string()).as_deref(), Some("my-agent"));
/// # Ok::<(), letta_telemetry::SettingsError>(())
/// ```
pub fn build_resource(settings: &Settings) -> Resource {
    build_resource_with(settings, &HostIdentity::detect())
}

/// [`build_resource`] with a given host identity.
///
/// ```
/// use letta_telemetry::{HostIdentity, Settings};
///
/// let settings = Settings::default();
/// let host = HostIdentity::new(Some("host-1".into()), None);
/// let resource = letta_telemetry::build_resource_with(&settings, &host);
/// let name = resource.get(&opentelemetry::Key::new("host.name"));
/// assert_eq!(name.map(|v| v.to_string()).as_deref(), Some("host-1"));
/// ```
pub fn build_resource_with(settings: &Settings, host: &HostIdentity) -> Resource {
    let mut low = Vec::new();
    let mut high = Vec::new();

    if let Some(h) = &host.host_name {
        low.push(KeyValue::new(semconv::HOST_NAME, h.clone()));
    }

    // The same value `Settings::render` shows.
    let environment_explicit = settings.environment_is_set();
    let environment = settings.effective_environment();
    let mut env_attrs = vec![KeyValue::new(
        semconv::DEPLOYMENT_ENVIRONMENT_NAME,
        environment.clone(),
    )];
    if settings.legacy_attributes {
        env_attrs.push(KeyValue::new(
            semconv::legacy::DEPLOYMENT_ENVIRONMENT,
            environment.clone(),
        ));
    }
    if environment_explicit {
        high.extend(env_attrs);
    } else {
        low.extend(env_attrs);
    }

    let versions = [
        KeyValue::new(semconv::SERVICE_VERSION, settings.service_version.clone()),
        KeyValue::new("letta.version", settings.service_version.clone()),
    ];
    if settings.source(Field::ServiceVersion) == Source::Default {
        low.extend(versions);
    } else {
        high.extend(versions);
    }

    if environment != "prod"
        && let Some(id) = host.device_id
    {
        low.push(KeyValue::new("device.id", id));
    }

    high.push(KeyValue::new("service.name", settings.service_name.clone()));

    // Source-code links: settings (or `DD_GIT_*`), else captured at build time.
    let git = crate::datadog::GitMetadata::resolve(
        settings.datadog_git_repository_url.as_deref(),
        settings.datadog_git_commit_sha.as_deref(),
    );
    low.extend(
        git.tags("git.repository_url", "git.commit.sha")
            .map(|(k, v)| KeyValue::new(k.to_owned(), v.to_owned())),
    );

    let from_env = settings
        .resource_attributes
        .iter()
        .map(|(k, v)| KeyValue::new(k.clone(), v.clone()));

    Resource::builder_empty()
        .with_detector(Box::new(TelemetryResourceDetector))
        .with_attributes(low)
        .with_attributes(from_env)
        .with_attributes(high)
        .build()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn device_id_is_a_stable_keyed_hash_of_the_machine_id() {
        let dir = tempfile::tempdir().expect("tempdir");
        let p = dir.path().join("machine-id");
        let id = "0123456789abcdef0123456789abcdef";
        std::fs::write(&p, format!("{id}\n")).expect("write");
        let first = machine_id_device_id(&p);
        assert_eq!(first, machine_id_device_id(&p), "stable");
        let value = first.unwrap_or_default();
        assert!(value > 0);
        // Nothing of the machine id shows through.
        assert_ne!(
            value,
            i64::from_str_radix(&id[..15], 16).unwrap_or_default()
        );
        assert!(!format!("{value:x}").contains("0123456789"));
        std::fs::write(&p, "fedcba9876543210fedcba9876543210").expect("write");
        assert_ne!(
            machine_id_device_id(&p),
            first,
            "another machine, another id"
        );
        std::fs::write(&p, "short").expect("write");
        assert_eq!(machine_id_device_id(&p), None);
    }
}
