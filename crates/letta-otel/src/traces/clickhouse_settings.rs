//! [`ClickHouseSettings`]: where the trace reader finds ClickHouse. The
//! settings of the CLI alone, so they live here and not in the library.

use std::fmt;

use letta_telemetry::redact::mask_url;
use letta_telemetry::settings::{EnvSource, InvalidValue, SettingProblem, SettingsError};

/// The variables of the ClickHouse trace reader.
pub mod vars {
    /// ClickHouse HTTP endpoint: `http(s)://host[:port]` or `host[:port]` (TLS).
    pub const CLICKHOUSE_ENDPOINT: &str = "CLICKHOUSE_ENDPOINT";
    /// ClickHouse database (default `otel`).
    pub const CLICKHOUSE_DATABASE: &str = "CLICKHOUSE_DATABASE";
    /// ClickHouse user (default `default`).
    pub const CLICKHOUSE_USERNAME: &str = "CLICKHOUSE_USERNAME";
    /// ClickHouse password (required to read traces).
    pub const CLICKHOUSE_PASSWORD: &str = "CLICKHOUSE_PASSWORD";
}
use vars as v;

/// Default port of ClickHouse's HTTP interface.
pub const CLICKHOUSE_HTTP_PORT: u16 = 8123;
/// Default port of ClickHouse's HTTPS interface.
pub const CLICKHOUSE_HTTPS_PORT: u16 = 8443;

const ENDPOINT_FORM: &str = "http://host[:port], https://host[:port] or host[:port] (TLS)";

/// Connection settings of the ClickHouse trace reader.
///
/// `CLICKHOUSE_ENDPOINT` is `http(s)://host[:port]` (default ports 8123 for
/// http, 8443 for https) or a bare `host[:port]`, which means TLS.
/// `CLICKHOUSE_DATABASE` defaults to `otel`, `CLICKHOUSE_USERNAME` to
/// `default`; `CLICKHOUSE_ENDPOINT` and `CLICKHOUSE_PASSWORD` are required.
/// `Debug` masks the password.
///
/// ```ignore
/// use letta_otel::traces::clickhouse_settings::ClickHouseSettings;
///
/// let ch = ClickHouseSettings::from_vars([
///     ("CLICKHOUSE_ENDPOINT", "clickhouse.example.com"),
///     ("CLICKHOUSE_PASSWORD", "s3cret"),
/// ])?;
/// assert_eq!(ch.endpoint.as_str(), "https://clickhouse.example.com:8443/");
/// assert_eq!(ch.database, "otel");
/// assert_eq!(ch.username, "default");
/// # Ok::<(), letta_telemetry::SettingsError>(())
/// ```
#[derive(Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ClickHouseSettings {
    /// The HTTP(S) endpoint, with its port made explicit.
    pub endpoint: url::Url,
    /// The database (default `otel`).
    pub database: String,
    /// The user (default `default`).
    pub username: String,
    /// The password (a secret: never rendered).
    pub password: String,
}

impl fmt::Debug for ClickHouseSettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClickHouseSettings")
            .field("endpoint", &self.endpoint.as_str())
            .field("database", &self.database)
            .field("username", &self.username)
            .field("password", &"***")
            .finish()
    }
}

impl fmt::Display for ClickHouseSettings {
    /// `user@endpoint/database`, without the password.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}@{}{}",
            self.username,
            self.endpoint.as_str().trim_end_matches('/'),
            format_args!("/{}", self.database)
        )
    }
}

impl ClickHouseSettings {
    /// Reads the settings from the process environment.
    pub fn from_env() -> Result<Self, SettingsError> {
        Self::from_source(&EnvSource::from_process())
    }

    /// Reads the settings from `(name, value)` pairs.
    #[cfg(test)]
    pub fn from_vars<I, K, V>(vars: I) -> Result<Self, SettingsError>
    where
        I: IntoIterator<Item = (K, V)>,
        K: Into<String>,
        V: Into<String>,
    {
        Self::from_source(&EnvSource::from_vars(vars))
    }

    /// Parses a ClickHouse endpoint (see [`ClickHouseSettings`]).
    pub fn parse_endpoint(raw: &str) -> Result<url::Url, InvalidValue> {
        let raw = raw.trim();
        let err = || InvalidValue::new(ENDPOINT_FORM);
        let candidate = if raw.contains("://") {
            raw.to_string()
        } else {
            format!("https://{raw}")
        };
        let mut url = url::Url::parse(&candidate).map_err(|_| err())?;
        let default_port = match url.scheme() {
            "http" => CLICKHOUSE_HTTP_PORT,
            "https" => CLICKHOUSE_HTTPS_PORT,
            _ => return Err(err()),
        };
        if !url.username().is_empty() || url.password().is_some() {
            return Err(InvalidValue::new(format!(
                "{ENDPOINT_FORM}, without user info (set the user in CLICKHOUSE_USERNAME and \
                 the password in CLICKHOUSE_PASSWORD)"
            )));
        }
        let has_host = url.host_str().is_some_and(|h| !h.is_empty());
        if !has_host || url.query().is_some() || url.fragment().is_some() {
            return Err(err());
        }
        if !raw.contains("://") && url.path() != "/" {
            return Err(err());
        }
        if url.port().is_none() {
            url.set_port(Some(default_port)).map_err(|()| err())?;
        }
        Ok(url)
    }
}

impl ClickHouseSettings {
    /// Reads the settings from `env`; every problem is reported.
    pub fn from_source(env: &EnvSource) -> Result<ClickHouseSettings, SettingsError> {
        let mut problems = Vec::new();
        let get = |name: &str| {
            env.lookup_raw(name).and_then(|(spelled, value)| {
                let value = value.filter(|v| !v.trim().is_empty())?;
                Some((spelled.to_string(), value.to_string()))
            })
        };

        let endpoint = match get(v::CLICKHOUSE_ENDPOINT) {
            Some((variable, raw)) => match ClickHouseSettings::parse_endpoint(&raw) {
                Ok(url) => Some(url),
                Err(e) => {
                    // The value may hold credentials: never echo them.
                    problems.push(SettingProblem::new(variable, mask_url(&raw), e.expected));
                    None
                }
            },
            None => {
                problems.push(SettingProblem::new(
                    v::CLICKHOUSE_ENDPOINT,
                    "<unset>",
                    ENDPOINT_FORM,
                ));
                None
            }
        };
        let password = match get(v::CLICKHOUSE_PASSWORD) {
            Some((_, password)) => Some(password),
            None => {
                problems.push(SettingProblem::new(
                    v::CLICKHOUSE_PASSWORD,
                    "<unset>",
                    "the password of the ClickHouse user (required to read traces)",
                ));
                None
            }
        };
        let database = match get(v::CLICKHOUSE_DATABASE) {
            Some((variable, raw)) => {
                let name = raw.trim();
                let valid = name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
                if !valid {
                    problems.push(SettingProblem::new(
                        variable,
                        raw.clone(),
                        "a database name of ASCII letters, digits and underscores",
                    ));
                }
                name.to_string()
            }
            None => "otel".to_string(),
        };
        let username = get(v::CLICKHOUSE_USERNAME)
            .map_or_else(|| "default".to_string(), |(_, u)| u.trim().to_string());

        match (endpoint, password) {
            (Some(endpoint), Some(password)) if problems.is_empty() => Ok(ClickHouseSettings {
                endpoint,
                database,
                username,
                password,
            }),
            _ => Err(SettingsError::new(problems)),
        }
    }
}

#[cfg(test)]
#[path = "clickhouse_settings_tests.rs"]
mod tests;
