//! URLs with their secrets removed: the user info and the values of query
//! parameters with secret names ([`is_secret_name`]). One parser, two
//! spellings of the removed parts:
//!
//! - [`mask_url`], for messages and rendered settings (`doctor`, errors,
//!   logs): `user:***@`, `token=***`; it works on any text, valid URL or not.
//! - `redact_url` / `redact_query`, for span attributes (`url.full`,
//!   `url.query`): `REDACTED:REDACTED@` and `token=REDACTED`, as the HTTP
//!   semantic conventions spell them; they borrow when nothing is removed,
//!   since they run on every request.

use std::borrow::Cow;

use super::is_secret_name;

/// The replacement of a redacted value in span attributes.
#[cfg(any(feature = "axum", feature = "reqwest"))]
pub(crate) const REDACTED_VALUE: &str = "REDACTED";

/// `params` (`a=b&c=d`) with the values of secret-named parameters replaced
/// by `replacement`; borrowed when none is.
fn params<'a>(params: &'a str, replacement: &str) -> Cow<'a, str> {
    let secret = |pair: &str| is_secret_name(pair.split_once('=').map_or(pair, |(n, _)| n));
    if !params
        .split('&')
        .any(|pair| pair.contains('=') && secret(pair))
    {
        return Cow::Borrowed(params);
    }
    let mut out = String::with_capacity(params.len());
    for (i, pair) in params.split('&').enumerate() {
        if i > 0 {
            out.push('&');
        }
        match pair.split_once('=') {
            Some((name, _)) if is_secret_name(name) => {
                out.push_str(name);
                out.push('=');
                out.push_str(replacement);
            }
            _ => out.push_str(pair),
        }
    }
    Cow::Owned(out)
}

/// `value` with the secrets a URL may carry masked, for messages: the user
/// info (`user:***@`, or `***@` for a lone user name, which is often a token)
/// and the values of secret-looking query and fragment parameters (`token`,
/// `api_key`, `sig`, …). Works on text, so also on values that are not valid
/// URLs (those are the ones echoed in errors): the user info is everything
/// before the last `@` of the part before any `?` or `#`, after `scheme://`
/// when there is one. Every value of
/// [`SettingsError`](crate::SettingsError) and
/// [`Settings::render`](crate::Settings::render) is masked so.
///
/// ```
/// use letta_telemetry::redact::mask_url;
///
/// assert_eq!(mask_url("ftp://u:hunter2@host:4317"), "ftp://u:***@host:4317");
/// assert_eq!(mask_url("https://c:4318/?api_key=k&x=1"), "https://c:4318/?api_key=***&x=1");
/// ```
pub fn mask_url(value: &str) -> String {
    let (scheme, rest) = match value.find("://") {
        Some(i) => value.split_at(i + 3),
        None => ("", value),
    };
    let end = rest.find(['?', '#']).unwrap_or(rest.len());
    let (before, after) = rest.split_at(end);
    let before = match before.rfind('@') {
        Some(at) => {
            let (userinfo, host) = before.split_at(at);
            match userinfo.split_once(':') {
                Some((user, _)) if !user.contains('/') => format!("{user}:***{host}"),
                _ => format!("***{host}"),
            }
        }
        None => before.to_string(),
    };
    let query = |q: &str| match q.strip_prefix('?') {
        Some(p) => format!("?{}", params(p, "***")),
        None => q.to_string(),
    };
    let after = match after.split_once('#') {
        Some((q, fragment)) => format!("{}#{}", query(q), params(fragment, "***")),
        None => query(after),
    };
    format!("{scheme}{before}{after}")
}

/// `text` (an error message) with every URL in it masked by [`mask_url`]:
/// a transport error can quote the endpoint it failed on.
///
/// ```
/// use letta_telemetry::redact::mask_urls_in_text;
///
/// assert_eq!(
///     mask_urls_in_text("error sending request for url (http://u:pw@c:4318/v1/traces?token=t)"),
///     "error sending request for url (http://u:***@c:4318/v1/traces?token=***)"
/// );
/// ```
pub fn mask_urls_in_text(text: &str) -> String {
    if !text.contains("://") {
        return text.to_owned();
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find("://") {
        // The URL starts after the last separator before `://`.
        let start = rest[..i]
            .rfind(|c: char| c.is_whitespace() || matches!(c, '(' | '"' | '\'' | '<' | '[' | '='))
            .map_or(0, |p| p + 1);
        let end = rest[i..]
            .find(|c: char| c.is_whitespace() || matches!(c, ')' | '"' | '\'' | '>' | ']'))
            .map_or(rest.len(), |p| i + p);
        out.push_str(&rest[..start]);
        out.push_str(&mask_url(&rest[start..end]));
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

/// The query string with the values of secret-looking parameters replaced by
/// `REDACTED`. Borrows when nothing is redacted.
#[cfg(any(feature = "axum", feature = "reqwest"))]
pub(crate) fn redact_query(query: &str) -> Cow<'_, str> {
    params(query, REDACTED_VALUE)
}

/// A full URL with `user:password@` replaced by `REDACTED:REDACTED@`, secret
/// query parameters redacted and the fragment dropped (`url.full`).
/// Borrows when nothing is redacted.
#[cfg(feature = "reqwest")]
pub(crate) fn redact_url(url: &str) -> Cow<'_, str> {
    let (before_query, query) = match url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (url, None),
    };
    let fragment_less_query = query.map(|q| q.split('#').next().unwrap_or(q));
    let userinfo_end = before_query.find("://").and_then(|scheme_end| {
        let rest = &before_query[scheme_end + 3..];
        let authority_end = rest.find('/').unwrap_or(rest.len());
        rest[..authority_end]
            .rfind('@')
            .map(|at| (scheme_end + 3, scheme_end + 3 + at))
    });
    let query_redacted = fragment_less_query.map(redact_query);
    let query_changed = matches!(query_redacted, Some(Cow::Owned(_)));
    if userinfo_end.is_none() && !query_changed {
        return Cow::Borrowed(url);
    }
    let mut out = String::with_capacity(url.len() + 16);
    match userinfo_end {
        Some((start, at)) => {
            out.push_str(&before_query[..start]);
            out.push_str("REDACTED:REDACTED");
            out.push_str(&before_query[at..]);
        }
        None => out.push_str(before_query),
    }
    if let Some(q) = query_redacted {
        out.push('?');
        out.push_str(&q);
    }
    Cow::Owned(out)
}
