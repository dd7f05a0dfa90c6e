//! Secrets never leave the process: the list of secret-looking names and the
//! [`Secret`] wrapper.
//!
//! A name is secret when, once *normalised* (ASCII letters lowercased, every
//! character that is not an ASCII letter or digit removed), it contains one of
//! the normalised entries of the secret-name list as a substring. The default
//! list is [`DEFAULT_SECRET_NAMES`]; change it at runtime with
//! [`set_secret_names`]. So `api_key`, `X-Api-Key`, `openaiApiKey` and
//! `OPENAI_API_KEY` are all secret, and so is `max_tokens` (it contains
//! `token`): the list errs on the side of hiding.
//!
//! `#[trace_method]` records parameters with secret names as [`REDACTED`];
//! the HTTP helpers use [`is_secret_name`] for header names, body keys and
//! query parameters.
//!
//! ```
//! use letta_telemetry::redact::{self, Secret};
//!
//! assert!(redact::is_secret_name("Authorization"));
//! assert!(redact::is_secret_name("x-api-key"));
//! assert!(!redact::is_secret_name("agent_id"));
//!
//! let key = Secret::new(String::from("sk-live-123"));
//! assert_eq!(format!("{key:?}"), "<redacted>");
//! assert_eq!(key.expose(), "sk-live-123");
//! ```

use std::fmt;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, RwLock};

/// The text recorded in place of a secret value.
pub const REDACTED: &str = "<redacted>";

/// The default secret-name list.
pub const DEFAULT_SECRET_NAMES: [&str; 8] = [
    "password",
    "secret",
    "token",
    "api_key",
    "apikey",
    "authorization",
    "credentials",
    "private_key",
];

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

/// Whether `name` looks like the name of a secret (see the module docs).
///
/// Allocation-free; costs a read lock and a scan of the list.
pub fn is_secret_name(name: &str) -> bool {
    let guard = match NAMES.read() {
        Ok(g) => g,
        Err(poisoned) => poisoned.into_inner(),
    };
    match guard.as_ref() {
        Some(list) => list.iter().any(|p| contains_normalised(name, p)),
        None => DEFAULT_NORMALISED
            .iter()
            .any(|p| contains_normalised(name, p)),
    }
}

/// Replaces the secret-name list. Entries are matched as described in the
/// module docs. An entry without any ASCII letter or digit is refused and the
/// list is left unchanged.
pub fn set_secret_names<I, S>(names: I) -> Result<(), SecretNameError>
where
    I: IntoIterator<Item = S>,
    S: AsRef<str>,
{
    let mut list = Vec::new();
    for name in names {
        let name = name.as_ref();
        let normalised = normalise(name);
        if normalised.is_empty() {
            return Err(SecretNameError::Empty(name.to_owned()));
        }
        list.push(normalised.into_boxed_str());
    }
    store(Some(list.into()));
    Ok(())
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
        None => DEFAULT_NORMALISED.iter().map(|s| s.to_string()).collect(),
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

/// [`DEFAULT_SECRET_NAMES`], normalised.
const DEFAULT_NORMALISED: [&str; 8] = [
    "password",
    "secret",
    "token",
    "apikey",
    "apikey",
    "authorization",
    "credentials",
    "privatekey",
];

fn normalise(name: &str) -> String {
    name.bytes()
        .filter(u8::is_ascii_alphanumeric)
        .map(|b| char::from(b.to_ascii_lowercase()))
        .collect()
}

/// Whether the normalised form of `name` contains `pattern` (already
/// normalised, non-empty).
fn contains_normalised(name: &str, pattern: &str) -> bool {
    let pattern = pattern.as_bytes();
    let normalised = || {
        name.bytes()
            .filter(u8::is_ascii_alphanumeric)
            .map(|b| b.to_ascii_lowercase())
    };
    let mut rest = normalised();
    loop {
        let mut candidate = rest.clone();
        let mut matched = 0;
        while matched < pattern.len() {
            match candidate.next() {
                Some(b) if b == pattern[matched] => matched += 1,
                Some(_) => break,
                None => return false,
            }
        }
        if matched == pattern.len() {
            return true;
        }
        if rest.next().is_none() {
            return false;
        }
    }
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
    fn default_list_matches_normalised_substrings() {
        for name in [
            "password",
            "user_password",
            "Authorization",
            "x-api-key",
            "OPENAI_API_KEY",
            "openaiApiKey",
            "apikey",
            "client_secret",
            "refresh_token",
            "aws_credentials",
            "private-key",
            "PrivateKey",
        ] {
            assert!(is_secret_name(name), "{name} should be secret");
        }
        for name in ["agent_id", "user", "content-type", "query", "", "pass"] {
            assert!(!is_secret_name(name), "{name} should not be secret");
        }
    }

    #[test]
    fn matcher_restarts_after_partial_match() {
        assert!(contains_normalised("tottoken", "token"));
        assert!(contains_normalised("aapikey", "apikey"));
        assert!(!contains_normalised("toke", "token"));
    }

    #[test]
    fn list_is_configurable_and_validated() {
        let before = generation();
        assert_eq!(
            set_secret_names(["ok", "--"]),
            Err(SecretNameError::Empty("--".into()))
        );
        assert_eq!(generation(), before, "refused list must not be stored");
        set_secret_names(["Session-Cookie"]).unwrap_or_default();
        assert!(is_secret_name("session_cookie"));
        assert!(!is_secret_name("password"));
        assert_eq!(secret_names(), vec!["sessioncookie".to_string()]);
        assert_ne!(generation(), before);
        reset_secret_names();
        assert!(is_secret_name("password"));
        assert!(!is_secret_name("session_cookie"));
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
