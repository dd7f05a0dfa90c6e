//! [`EnvSource`]: a snapshot of environment variables. The only code of the
//! workspace that reads the process environment.

use std::ffi::OsString;

/// One variable of an [`EnvSource`].
#[derive(Clone)]
struct Var {
    name: String,
    upper: String,
    /// The value, or `None` when the process value is not valid UTF-8.
    value: Option<String>,
}

/// A snapshot of environment variables to read settings from.
///
/// Built from the process environment ([`EnvSource::from_process`]) or from
/// pairs ([`EnvSource::from_vars`]), so tests never have to touch the process
/// environment. Names are matched case-insensitively; an exact match wins over
/// a match that differs only in case.
///
/// ```
/// use letta_telemetry::settings::EnvSource;
///
/// let env = EnvSource::from_vars([("letta_telemetry_enable_datadog", "true")]);
/// assert_eq!(env.get("LETTA_TELEMETRY_ENABLE_DATADOG"), Some("true"));
/// ```
#[derive(Clone, Default)]
pub struct EnvSource {
    vars: Vec<Var>,
}

impl std::fmt::Debug for EnvSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Values may be secrets: show names only.
        f.debug_struct("EnvSource")
            .field(
                "names",
                &self.vars.iter().map(|v| &v.name).collect::<Vec<_>>(),
            )
            .finish()
    }
}

impl EnvSource {
    /// An empty environment: only code and defaults apply.
    pub fn empty() -> Self {
        Self::default()
    }

    /// A snapshot of the process environment.
    #[allow(clippy::disallowed_methods)]
    pub fn from_process() -> Self {
        Self::from_os(std::env::vars_os())
    }

    fn from_os(iter: impl IntoIterator<Item = (OsString, OsString)>) -> Self {
        let vars = iter
            .into_iter()
            .map(|(name, value)| {
                let name = name.to_string_lossy().into_owned();
                Var {
                    upper: name.to_ascii_uppercase(),
                    name,
                    value: value.into_string().ok(),
                }
            })
            .collect();
        Self { vars }
    }

    /// An environment made of the given `(name, value)` pairs.
    pub fn from_vars<I, K, V>(vars: I) -> Self
    where
        I: IntoIterator<Item = (K, V)>,
        K: Into<String>,
        V: Into<String>,
    {
        let vars = vars
            .into_iter()
            .map(|(name, value)| {
                let name = name.into();
                Var {
                    upper: name.to_ascii_uppercase(),
                    name,
                    value: Some(value.into()),
                }
            })
            .collect();
        Self { vars }
    }

    /// The value of `name` (case-insensitive), if set to valid UTF-8.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.lookup(name).and_then(|v| v.value.as_deref())
    }

    /// The variable `name` (case-insensitive) as it is spelled in the
    /// environment, with its value (`None` when it is not valid UTF-8).
    pub fn lookup_raw(&self, name: &str) -> Option<(&str, Option<&str>)> {
        self.lookup(name)
            .map(|v| (v.name.as_str(), v.value.as_deref()))
    }

    /// Every variable name, as spelled in the environment.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.vars.iter().map(|v| v.name.as_str())
    }

    fn lookup(&self, name: &str) -> Option<&Var> {
        let upper = name.to_ascii_uppercase();
        self.vars
            .iter()
            .find(|v| v.name == name)
            .or_else(|| self.vars.iter().find(|v| v.name == upper))
            .or_else(|| self.vars.iter().find(|v| v.upper == upper))
    }
}
