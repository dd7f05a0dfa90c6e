//! The OpenTelemetry resource of the reference (§2 of the reference behaviour).
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

use crate::settings::{Field, Settings, Source};

/// What the resource says about the machine: its host name and a stable
/// per-machine id. [`HostIdentity::detect`] never fails; what it cannot find
/// is `None` and left out of the resource.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct HostIdentity {
    /// `host.name`.
    pub host_name: Option<String>,
    /// `device.id`: the first non-loopback MAC address as an integer (as the
    /// reference does), else the first 48 bits of `/etc/machine-id`.
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
            device_id: mac_device_id(Path::new("/sys/class/net"))
                .or_else(|| machine_id_device_id(Path::new("/etc/machine-id")))
                .or_else(|| machine_id_device_id(Path::new("/var/lib/dbus/machine-id"))),
        }
    }
}

/// The first non-loopback, non-zero MAC address under `net_dir`, as an
/// integer; physical interfaces (with a `device` link) first, then by name.
fn mac_device_id(net_dir: &Path) -> Option<i64> {
    let mut interfaces: Vec<(bool, String, i64)> = std::fs::read_dir(net_dir)
        .ok()?
        .filter_map(Result::ok)
        .filter_map(|entry| {
            let name = entry.file_name().to_string_lossy().into_owned();
            if name == "lo" {
                return None;
            }
            let address = std::fs::read_to_string(entry.path().join("address")).ok()?;
            let mac = parse_mac(address.trim())?;
            let virtual_if = !entry.path().join("device").exists();
            Some((virtual_if, name, mac))
        })
        .collect();
    interfaces.sort();
    interfaces.first().map(|(_, _, mac)| *mac)
}

/// `aa:bb:cc:dd:ee:ff` as an integer; `None` for malformed or all-zero.
fn parse_mac(s: &str) -> Option<i64> {
    let parts: Vec<&str> = s.split(':').collect();
    if parts.len() != 6 {
        return None;
    }
    let mut value: i64 = 0;
    for part in parts {
        value = (value << 8) | i64::from(u8::from_str_radix(part, 16).ok()?);
    }
    (value != 0).then_some(value)
}

/// The first 48 bits of a machine-id file (32 hex digits) as an integer.
fn machine_id_device_id(path: &Path) -> Option<i64> {
    let id = std::fs::read_to_string(path).ok()?;
    let head = id.trim().get(..12)?;
    i64::from_str_radix(head, 16).ok().filter(|v| *v != 0)
}

/// Builds the resource: `service.name`, `service.version`, `letta.version`,
/// `host.name`, `deployment.environment`, `device.id` (outside `prod`),
/// `git.repository_url` and `git.commit.sha` when known, merged with `OTEL_RESOURCE_ATTRIBUTES`, with this machine's identity.
pub fn build_resource(settings: &Settings) -> Resource {
    build_resource_with(settings, &HostIdentity::detect())
}

/// [`build_resource`] with a given host identity.
pub fn build_resource_with(settings: &Settings, host: &HostIdentity) -> Resource {
    let mut low = Vec::new();
    let mut high = Vec::new();

    if let Some(h) = &host.host_name {
        low.push(KeyValue::new("host.name", h.clone()));
    }

    // The same value `Settings::render` shows.
    let environment_explicit = settings.environment_is_set();
    let environment = settings.effective_environment();
    let env_attr = KeyValue::new("deployment.environment", environment.clone());
    if environment_explicit {
        high.push(env_attr);
    } else {
        low.push(env_attr);
    }

    let versions = [
        KeyValue::new("service.version", settings.service_version.clone()),
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
    fn mac_parsing() {
        assert_eq!(parse_mac("00:00:00:00:00:01"), Some(1));
        assert_eq!(parse_mac("02:42:ac:11:00:02"), Some(0x0242_ac11_0002));
        assert_eq!(parse_mac("00:00:00:00:00:00"), None);
        assert_eq!(parse_mac("zz:00:00:00:00:00"), None);
        assert_eq!(parse_mac("00:00"), None);
    }

    #[test]
    fn mac_from_sysfs_skips_loopback_and_prefers_physical() {
        let dir = tempfile::tempdir().expect("tempdir");
        let add = |name: &str, mac: &str, physical: bool| {
            let p = dir.path().join(name);
            std::fs::create_dir_all(&p).expect("mkdir");
            std::fs::write(p.join("address"), format!("{mac}\n")).expect("write");
            if physical {
                std::fs::create_dir_all(p.join("device")).expect("mkdir");
            }
        };
        add("lo", "00:00:00:00:00:09", false);
        add("docker0", "00:00:00:00:00:05", false);
        add("eth0", "00:00:00:00:00:07", true);
        assert_eq!(mac_device_id(dir.path()), Some(7));
        std::fs::remove_dir_all(dir.path().join("eth0")).expect("rm");
        assert_eq!(mac_device_id(dir.path()), Some(5));
        assert_eq!(mac_device_id(&dir.path().join("missing")), None);
    }

    #[test]
    fn machine_id_fallback() {
        let dir = tempfile::tempdir().expect("tempdir");
        let p = dir.path().join("machine-id");
        std::fs::write(&p, "0123456789abcdef0123456789abcdef\n").expect("write");
        assert_eq!(machine_id_device_id(&p), Some(0x0123_4567_89ab));
        std::fs::write(&p, "short").expect("write");
        assert_eq!(machine_id_device_id(&p), None);
    }
}
