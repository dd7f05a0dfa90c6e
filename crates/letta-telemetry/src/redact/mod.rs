//! Secrets never leave the process: one secret-name policy for every name
//! the project records, and the [`Secret`] wrapper.
//!
//! [`is_secret_name`] decides, for settings (values echoed by `doctor` and
//! in errors), `#[trace_method]` parameters, HTTP headers, JSON body keys and
//! query parameters alike, whether a name holds a secret. Names are matched
//! on whole *segments* (snake, camel and kebab case, after percent-decoding),
//! never on substrings, so `api_key`, `X-Api-Key`, `openaiApiKey`,
//! `session_id`, `pwd` and `api%5Fkey` are secret while `max_tokens` and
//! `prompt_tokens` stay visible. The rules are in the `policy` section of the
//! docs (`docs/redaction.md`); the default words are
//! [`DEFAULT_SECRET_NAMES`]. Extend the list with [`add_secret_names`] or
//! replace it with [`set_secret_names`].
//!
//! `#[trace_method]` records parameters with secret names as [`REDACTED`];
//! the HTTP layer writes `REDACTED` for headers, body keys and query
//! parameters; settings are masked as `***`.
//!
//! ```
//! use letta_telemetry::redact::{self, Secret};
//!
//! assert!(redact::is_secret_name("Authorization"));
//! assert!(redact::is_secret_name("x-api-key"));
//! assert!(redact::is_secret_name("session_id"));
//! assert!(!redact::is_secret_name("max_tokens"));
//! assert!(!redact::is_secret_name("agent_id"));
//!
//! let key = Secret::new(String::from("sk-live-123"));
//! assert_eq!(format!("{key:?}"), "<redacted>");
//! assert_eq!(key.expose(), "sk-live-123");
//! ```

mod json;
mod policy;
mod url;

use std::fmt;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, RwLock};

pub(crate) use json::redact_json;
pub use policy::{DEFAULT_SECRET_NAMES, NOT_A_SECRET_SUFFIXES};
#[cfg(feature = "axum")]
pub(crate) use url::redact_query;
#[cfg(feature = "reqwest")]
pub(crate) use url::redact_url;
pub use url::{mask_url, mask_urls_in_text};

/// The text recorded in place of a secret value.
pub const REDACTED: &str = "<redacted>";

/// A secret-name list entry that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SecretNameError {
    /// The entry has no ASCII letter or digit, so it would match every name.
    #[error(
        "secret name {0:?} has no ASCII letter or digit and would match every name; \
         expected a word such as \"password\" or \"api_key\""
    )]
    Empty(String),
}

/// The normalised list, shared by readers.
static NAMES: RwLock<Option<Arc<[Box<str>]>>> = RwLock::new(None);
/// Bumped on every change of the list, so callers can cache answers.
static GENERATION: AtomicU32 = AtomicU32::new(0);

/// Whether `name` is the name of a secret under the current list (see the
/// module docs).
///
/// Allocation-free unless `name` is percent-encoded; costs a read lock and a
/// scan of the list.
pub fn is_secret_name(name: &str) -> bool {
    let guard = match NAMES.read() {
        Ok(g) => g,
        Err(poisoned) => poisoned.into_inner(),
    };
    match guard.as_ref() {
        Some(list) => policy::matches(name, list),
        None => policy::matches(name, &DEFAULT_SECRET_NAMES),
    }
}

/// Replaces the secret-name list. Entries are normalised (lower case, ASCII
/// letters and digits only: `Session-Cookie` is the word `sessioncookie`,
/// which matches `session_cookie` and `sessionCookie`) and matched as
/// described in the module docs. An entry without any ASCII letter or digit
/// is refused and the list is left unchanged.
pub fn set_secret_names<I, S>(names: I) -> Result<(), SecretNameError>
where
    I: IntoIterator<Item = S>,
    S: AsRef<str>,
{
    store(Some(normalised_list(names)?.into()));
    Ok(())
}

/// Adds words to the current list (the default one unless it was replaced),
/// normalised as by [`set_secret_names`].
///
/// ```
/// use letta_telemetry::redact;
///
/// assert!(!redact::is_secret_name("x-tenant-pin"));
/// redact::add_secret_names(["pin"])?;
/// assert!(redact::is_secret_name("x-tenant-pin"));
/// assert!(redact::is_secret_name("password"), "the defaults stay");
/// # redact::reset_secret_names();
/// # Ok::<(), redact::SecretNameError>(())
/// ```
pub fn add_secret_names<I, S>(names: I) -> Result<(), SecretNameError>
where
    I: IntoIterator<Item = S>,
    S: AsRef<str>,
{
    let added = normalised_list(names)?;
    let mut list: Vec<Box<str>> = secret_names().into_iter().map(Into::into).collect();
    list.extend(added);
    store(Some(list.into()));
    Ok(())
}

fn normalised_list<I, S>(names: I) -> Result<Vec<Box<str>>, SecretNameError>
where
    I: IntoIterator<Item = S>,
    S: AsRef<str>,
{
    let mut list = Vec::new();
    for name in names {
        let name = name.as_ref();
        let normalised = policy::normalise(name);
        if normalised.is_empty() {
            return Err(SecretNameError::Empty(name.to_owned()));
        }
        list.push(normalised.into_boxed_str());
    }
    Ok(list)
}

/// Restores [`DEFAULT_SECRET_NAMES`].
pub fn reset_secret_names() {
    store(None);
}

/// The current list, normalised.
pub fn secret_names() -> Vec<String> {
    let guard = match NAMES.read() {
        Ok(g) => g,
        Err(poisoned) => poisoned.into_inner(),
    };
    match guard.as_ref() {
        Some(list) => list.iter().map(|s| s.to_string()).collect(),
        None => DEFAULT_SECRET_NAMES.iter().map(|s| s.to_string()).collect(),
    }
}

/// A counter that changes whenever the list changes; lets callers cache
/// [`is_secret_name`] answers for fixed names.
pub(crate) fn generation() -> u32 {
    GENERATION.load(Ordering::Acquire)
}

fn store(list: Option<Arc<[Box<str>]>>) {
    let mut guard = match NAMES.write() {
        Ok(g) => g,
        Err(poisoned) => poisoned.into_inner(),
    };
    *guard = list;
    GENERATION.fetch_add(1, Ordering::AcqRel);
}

/// A value that is never shown: its `Debug` and `Display` print
/// [`REDACTED`], so `#[trace_method]` records it as `<redacted>` whatever the
/// parameter's name. Read it with [`Secret::expose`].
#[derive(Clone, Default, PartialEq, Eq, Hash)]
pub struct Secret<T>(T);

impl<T> Secret<T> {
    /// Wraps a value.
    pub const fn new(value: T) -> Self {
        Self(value)
    }

    /// The wrapped value.
    pub fn expose(&self) -> &T {
        &self.0
    }

    /// Unwraps the value.
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T> From<T> for Secret<T> {
    fn from(value: T) -> Self {
        Self(value)
    }
}

impl<T> fmt::Debug for Secret<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(REDACTED)
    }
}

impl<T> fmt::Display for Secret<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(REDACTED)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_list_is_already_normalised() {
        for word in DEFAULT_SECRET_NAMES {
            assert_eq!(policy::normalise(word), word);
        }
    }

    #[test]
    fn list_is_configurable_and_validated() {
        let before = generation();
        assert_eq!(
            set_secret_names(["ok", "--"]),
            Err(SecretNameError::Empty("--".into()))
        );
        assert_eq!(generation(), before, "refused list must not be stored");
        set_secret_names(["Tenant-Pin"]).unwrap_or_default();
        assert!(is_secret_name("tenant_pin"));
        assert!(is_secret_name("tenantPin"));
        assert!(!is_secret_name("password"));
        assert_eq!(secret_names(), vec!["tenantpin".to_string()]);
        assert_ne!(generation(), before);
        reset_secret_names();
        assert!(is_secret_name("password"));
        assert!(!is_secret_name("tenant_pin"));
    }

    #[test]
    fn secret_never_prints_its_value() {
        let s = Secret::new("hunter2");
        assert_eq!(
            format!("{s:?} {s} {s:#?}"),
            "<redacted> <redacted> <redacted>"
        );
        assert_eq!(*s.expose(), "hunter2");
    }
}
