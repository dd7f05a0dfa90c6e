//! Parsers of the value forms shared by several variables. Each returns the
//! expected form on error, for [`SettingProblem`](super::SettingProblem).

use std::path::{Path, PathBuf};
use std::time::Duration;

use percent_encoding::percent_decode_str;

use super::values::{Compression, InvalidValue, Protocol};

/// Form of a boolean.
pub(crate) const BOOL_FORM: &str = "a boolean: true/false, 1/0, yes/no or on/off";

/// `true/false`, `1/0`, `yes/no`, `on/off`, case-insensitive.
pub(crate) fn parse_bool(s: &str) -> Result<bool, InvalidValue> {
    match s.trim().to_ascii_lowercase().as_str() {
        "true" | "1" | "yes" | "on" => Ok(true),
        "false" | "0" | "no" | "off" => Ok(false),
        _ => Err(InvalidValue::new(BOOL_FORM)),
    }
}

/// A TCP port, `1..=65535`.
pub(crate) fn parse_port(s: &str) -> Result<u16, InvalidValue> {
    match s.trim().parse::<u16>() {
        Ok(p) if p > 0 => Ok(p),
        _ => Err(InvalidValue::new("an integer port in 1..=65535")),
    }
}

/// A positive integer.
pub(crate) fn parse_positive(s: &str) -> Result<u64, InvalidValue> {
    match s.trim().parse::<u64>() {
        Ok(n) if n > 0 => Ok(n),
        _ => Err(InvalidValue::new("a positive integer")),
    }
}

/// A positive `usize`.
pub(crate) fn parse_positive_usize(s: &str) -> Result<usize, InvalidValue> {
    parse_positive(s).and_then(|n| {
        usize::try_from(n).map_err(|_| InvalidValue::new("a positive integer that fits in memory"))
    })
}

/// A positive number of milliseconds.
pub(crate) fn parse_millis(s: &str) -> Result<Duration, InvalidValue> {
    match s.trim().parse::<u64>() {
        Ok(n) if n > 0 => Ok(Duration::from_millis(n)),
        _ => Err(InvalidValue::new(
            "a positive integer number of milliseconds",
        )),
    }
}

/// A ratio in `0.0..=1.0`.
pub(crate) fn parse_ratio(s: &str) -> Result<f64, InvalidValue> {
    match s.trim().parse::<f64>() {
        Ok(r) if (0.0..=1.0).contains(&r) => Ok(r),
        _ => Err(InvalidValue::new(super::values::RATIO_FORM)),
    }
}

/// Form of a regex list.
pub(crate) const REGEX_LIST_FORM: &str = "comma-separated regular expressions matched against \
     \"<METHOD> <path>\" (e.g. ^GET /v1/health$,^GET /v1/agents$)";

/// Comma-separated regular expressions, trimmed, empty entries skipped; each
/// must compile (the problem names the first one that does not).
pub(crate) fn parse_regex_list(s: &str) -> Result<Vec<String>, InvalidValue> {
    let patterns: Vec<String> = s
        .split(',')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(str::to_owned)
        .collect();
    check_regex_list(&patterns)?;
    Ok(patterns)
}

/// Checks that every pattern compiles.
pub(crate) fn check_regex_list(patterns: &[String]) -> Result<(), InvalidValue> {
    for pattern in patterns {
        if let Err(e) = regex::Regex::new(pattern) {
            // The syntax error is a multi-line drawing; keep its last line.
            let reason = match &e {
                regex::Error::Syntax(text) => text
                    .lines()
                    .find_map(|l| l.trim().strip_prefix("error: "))
                    .unwrap_or("a syntax error")
                    .to_owned(),
                other => other.to_string(),
            };
            return Err(InvalidValue::new(format!(
                "{REGEX_LIST_FORM}; {pattern:?} is not a valid regex ({reason})"
            )));
        }
    }
    Ok(())
}

/// `gzip` or `none`.
pub(crate) fn parse_compression(s: &str) -> Result<Option<Compression>, InvalidValue> {
    if s.trim().eq_ignore_ascii_case("none") {
        Ok(None)
    } else {
        s.parse().map(Some)
    }
}

/// Form of a PEM file path.
const CERTIFICATE_FORM: &str = "the path of an existing PEM file";

/// The path of an existing file.
pub(crate) fn parse_certificate(s: &str) -> Result<PathBuf, InvalidValue> {
    let path = PathBuf::from(s.trim());
    check_certificate(&path)?;
    Ok(path)
}

/// Checks that `path` is an existing file.
pub(crate) fn check_certificate(path: &Path) -> Result<(), InvalidValue> {
    if path.is_file() {
        Ok(())
    } else {
        Err(InvalidValue::new(CERTIFICATE_FORM))
    }
}

/// Form of an OTLP endpoint for `protocol`.
fn endpoint_form(protocol: Protocol) -> String {
    match protocol {
        Protocol::Grpc => "an http:// or https:// URL with a host (e.g. http://localhost:4317), \
             or host:port for grpc (TLS unless OTEL_EXPORTER_OTLP_INSECURE=true)"
            .into(),
        _ => format!(
            "an http:// or https:// URL with a host (e.g. http://localhost:4318) for {protocol}"
        ),
    }
}

/// An OTLP endpoint: an `http(s)://` URL with a host, returned as written;
/// for gRPC also `host:port`, returned as `http://host:port` when `insecure`
/// (`OTEL_EXPORTER_OTLP_INSECURE`) and `https://host:port` otherwise, as the
/// SDK does.
pub(crate) fn parse_endpoint(
    s: &str,
    protocol: Protocol,
    insecure: bool,
) -> Result<String, InvalidValue> {
    let s = s.trim();
    let err = || InvalidValue::new(endpoint_form(protocol));
    if s.contains("://") {
        let url = url::Url::parse(s).map_err(|_| err())?;
        let has_host = url.host_str().is_some_and(|h| !h.is_empty());
        if !matches!(url.scheme(), "http" | "https") || !has_host || url.fragment().is_some() {
            return Err(err());
        }
        return Ok(s.to_string());
    }
    if protocol == Protocol::Grpc {
        let scheme = if insecure { "http" } else { "https" };
        let candidate = format!("{scheme}://{s}");
        if let Ok(url) = url::Url::parse(&candidate) {
            let bare = url.path() == "/" && url.query().is_none() && url.fragment().is_none();
            let has_host = url.host_str().is_some_and(|h| !h.is_empty());
            if bare && has_host && url.port().is_some() && url.username().is_empty() {
                return Ok(candidate);
            }
        }
    }
    Err(err())
}

/// Appends the OTLP/HTTP path of a signal to a generic endpoint.
pub(crate) fn join_signal_path(base: &str, path: &str) -> String {
    if base.ends_with('/') {
        format!("{base}{path}")
    } else {
        format!("{base}/{path}")
    }
}

/// Comma-separated `key=value` pairs, keys and values percent-decoded and
/// trimmed (the W3C Baggage form used by `OTEL_EXPORTER_OTLP_HEADERS` and
/// `OTEL_RESOURCE_ATTRIBUTES`). Empty entries are skipped.
pub(crate) fn parse_key_values(s: &str) -> Result<Vec<(String, String)>, InvalidValue> {
    let form = || {
        InvalidValue::new(
            "comma-separated key=value pairs with non-empty keys, percent-encoded \
             (e.g. key1=value1,key2=value2)",
        )
    };
    let mut out = Vec::new();
    for entry in s.split(',') {
        if entry.trim().is_empty() {
            continue;
        }
        let (k, v) = entry.split_once('=').ok_or_else(form)?;
        let k = decode(k.trim()).ok_or_else(form)?;
        let v = decode(v.trim()).ok_or_else(form)?;
        if k.is_empty() {
            return Err(form());
        }
        out.push((k, v));
    }
    Ok(out)
}

fn decode(s: &str) -> Option<String> {
    percent_decode_str(s)
        .decode_utf8()
        .ok()
        .map(|c| c.trim().to_string())
}

/// OTLP headers: [`parse_key_values`] whose names and values are valid HTTP.
pub(crate) fn parse_headers(s: &str) -> Result<Vec<(String, String)>, InvalidValue> {
    let headers = parse_key_values(s)?;
    check_headers(&headers)?;
    Ok(headers)
}

/// Checks that every header has a valid HTTP name and value.
pub(crate) fn check_headers(headers: &[(String, String)]) -> Result<(), InvalidValue> {
    for (k, v) in headers {
        if http::HeaderName::from_bytes(k.as_bytes()).is_err()
            || http::HeaderValue::from_str(v).is_err()
        {
            return Err(InvalidValue::new(
                "comma-separated key=value pairs that are valid HTTP header names and values",
            ));
        }
    }
    Ok(())
}

/// A `key=value` list with every value masked, for messages and rendering.
pub(crate) fn mask_key_values(s: &str) -> String {
    s.split(',')
        .map(|entry| match entry.split_once('=') {
            Some((k, _)) => format!("{}=***", k.trim()),
            None if entry.trim().is_empty() => String::new(),
            None => "***".to_string(),
        })
        .collect::<Vec<_>>()
        .join(",")
}

/// Whether a name looks like it holds a secret: the project's one policy,
/// [`crate::redact::is_secret_name`].
pub(crate) fn looks_secret(name: &str) -> bool {
    crate::redact::is_secret_name(name)
}

/// A `key=value` list with the values of secret-looking keys masked (and
/// URL-like values masked with [`mask_url`](crate::redact::mask_url)).
pub(crate) fn mask_secret_key_values(s: &str) -> String {
    s.split(',')
        .map(|entry| match entry.split_once('=') {
            Some((k, _)) if looks_secret(k.trim()) => {
                format!("{}=***", k.trim())
            }
            Some((k, v)) if v.contains("://") => format!("{k}={}", crate::redact::mask_url(v)),
            None if entry.contains("://") => crate::redact::mask_url(entry),
            _ => entry.to_string(),
        })
        .collect::<Vec<_>>()
        .join(",")
}
