//! Configuration of the HTTP server layer.

// Without the `axum` feature there is no layer to use the configuration:
// it is only built and validated (the settings read its defaults).
#![cfg_attr(not(feature = "axum"), allow(dead_code))]

use std::sync::Arc;

use http::HeaderName;

use super::route_set::RouteSet;

/// Routes excluded from tracing by default, matched against
/// `"<METHOD> <path>"`.
pub const DEFAULT_EXCLUDED_ROUTES: [&str; 1] = ["^GET /v1/health$"];

/// Routes with endpoint metrics by default, matched against
/// `"<METHOD> <path>"`.
pub const DEFAULT_METRIC_ROUTES: [&str; 3] = [
    r"^POST /v1/agents/(?P<agent_id>[^/]+)/messages$",
    r"^POST /v1/agents/(?P<agent_id>[^/]+)/messages/stream$",
    r"^POST /v1/agents/(?P<agent_id>[^/]+)/messages/async$",
];

/// Default largest request body captured into span attributes: 64 KiB.
pub const DEFAULT_BODY_CAPTURE_LIMIT: usize = 64 * 1024;

/// Default name of the response header that carries the trace id.
pub const DEFAULT_TRACE_ID_HEADER: &str = "x-trace-id";

/// Headers that are never recorded, whatever the configuration says.
/// Headers whose name looks like a secret (see [`crate::redact`]) are never
/// recorded either.
pub const DENIED_HEADERS: [&str; 10] = [
    "authorization",
    "proxy-authorization",
    "cookie",
    "set-cookie",
    "x-api-key",
    "api-key",
    "x-auth-token",
    "x-csrf-token",
    "x-xsrf-token",
    "x-amz-security-token",
];

/// When a server span's status becomes ERROR.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum StatusRule {
    /// The reference: ERROR from 400 up, OK below.
    #[default]
    ErrorFrom400,
    /// The semantic conventions for servers: ERROR for 5xx only, otherwise
    /// the status is left unset.
    ServerErrorsOnly,
}

/// Which top-level JSON body keys become `http.request.body.<key>`.
/// Secret-looking keys are never recorded, whatever the filter says.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum BodyKeys {
    /// Every key (the reference).
    #[default]
    All,
    /// Only these keys.
    Allow(Vec<String>),
    /// Every key except these.
    Deny(Vec<String>),
    /// No body capture at all.
    None,
}

impl BodyKeys {
    pub(crate) fn admits(&self, key: &str) -> bool {
        match self {
            Self::All => true,
            Self::Allow(keys) => keys.iter().any(|k| k == key),
            Self::Deny(keys) => !keys.iter().any(|k| k == key),
            Self::None => false,
        }
    }
}

/// An invalid [`HttpConfig`] setting.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum HttpConfigError {
    /// A route pattern is not a valid regular expression.
    #[error(
        "invalid {list} regex list: {source}; expected regexes matched against \"<METHOD> <path>\", e.g. \"^GET /v1/health$\""
    )]
    InvalidRoutePattern {
        /// `excluded_routes` or `metric_routes`.
        list: &'static str,
        /// The regex error (names the pattern).
        #[source]
        source: regex::Error,
    },
    /// The trace id header name is not a valid HTTP header name.
    #[error(
        "invalid trace_id_header {name:?}: expected an HTTP header name such as \"x-trace-id\""
    )]
    InvalidHeaderName {
        /// The rejected name.
        name: String,
    },
}

/// Settings of [`TelemetryLayer`](super::TelemetryLayer). Build with
/// [`HttpConfig::builder`]; [`HttpConfig::default`] is the reference
/// behaviour.
#[derive(Debug, Clone)]
pub struct HttpConfig {
    pub(crate) inner: Arc<ConfigInner>,
}

#[derive(Debug)]
pub(crate) struct ConfigInner {
    pub(crate) excluded_routes: RouteSet,
    pub(crate) metric_routes: RouteSet,
    pub(crate) body_capture_limit: usize,
    pub(crate) body_keys: BodyKeys,
    pub(crate) status_rule: StatusRule,
    pub(crate) trace_id_header: Option<HeaderName>,
    pub(crate) extra_headers: Vec<(HeaderName, String)>,
    pub(crate) client_port: bool,
}

impl Default for HttpConfig {
    fn default() -> Self {
        // The defaults are constants that are known to compile; an empty set
        // is the (unreachable) fallback rather than a panic.
        let excluded_routes =
            RouteSet::new(&DEFAULT_EXCLUDED_ROUTES).unwrap_or_else(|_| RouteSet::empty());
        let metric_routes =
            RouteSet::new(&DEFAULT_METRIC_ROUTES).unwrap_or_else(|_| RouteSet::empty());
        Self {
            inner: Arc::new(ConfigInner {
                excluded_routes,
                metric_routes,
                body_capture_limit: DEFAULT_BODY_CAPTURE_LIMIT,
                body_keys: BodyKeys::All,
                status_rule: StatusRule::ErrorFrom400,
                trace_id_header: Some(HeaderName::from_static(DEFAULT_TRACE_ID_HEADER)),
                extra_headers: Vec::new(),
                client_port: false,
            }),
        }
    }
}

impl HttpConfig {
    /// A builder starting from the reference defaults.
    pub fn builder() -> HttpConfigBuilder {
        HttpConfigBuilder::default()
    }

    /// The reference defaults with the route lists of `settings`
    /// (`LETTA_TELEMETRY_EXCLUDED_ENDPOINTS_REGEX`,
    /// `LETTA_TELEMETRY_METRICS_ENDPOINTS_REGEX`).
    pub fn from_settings(settings: &crate::Settings) -> Result<Self, HttpConfigError> {
        Self::builder()
            .with_excluded_routes(settings.excluded_endpoints_regex.iter().cloned())
            .with_metric_routes(settings.metrics_endpoints_regex.iter().cloned())
            .build()
    }
}

/// Builder of [`HttpConfig`].
#[derive(Debug, Clone)]
#[must_use]
pub struct HttpConfigBuilder {
    excluded_routes: Vec<String>,
    metric_routes: Vec<String>,
    body_capture_limit: usize,
    body_keys: BodyKeys,
    status_rule: StatusRule,
    trace_id_header: Option<String>,
    extra_headers: Vec<(String, String)>,
    client_port: bool,
}

impl Default for HttpConfigBuilder {
    fn default() -> Self {
        Self {
            excluded_routes: DEFAULT_EXCLUDED_ROUTES.map(String::from).to_vec(),
            metric_routes: DEFAULT_METRIC_ROUTES.map(String::from).to_vec(),
            body_capture_limit: DEFAULT_BODY_CAPTURE_LIMIT,
            body_keys: BodyKeys::All,
            status_rule: StatusRule::ErrorFrom400,
            trace_id_header: Some(DEFAULT_TRACE_ID_HEADER.to_owned()),
            extra_headers: Vec::new(),
            client_port: false,
        }
    }
}

impl HttpConfigBuilder {
    /// Regexes of `"<METHOD> <path>"` that get no span (replaces the default
    /// `^GET /v1/health$`).
    pub fn with_excluded_routes<S: Into<String>>(
        mut self,
        patterns: impl IntoIterator<Item = S>,
    ) -> Self {
        self.excluded_routes = patterns.into_iter().map(Into::into).collect();
        self
    }

    /// Regexes of `"<METHOD> <path>"` that get endpoint metrics (replaces the
    /// reference's three message routes).
    pub fn with_metric_routes<S: Into<String>>(
        mut self,
        patterns: impl IntoIterator<Item = S>,
    ) -> Self {
        self.metric_routes = patterns.into_iter().map(Into::into).collect();
        self
    }

    /// Largest request body (by `Content-Length`) read for
    /// `http.request.body.*` attributes; larger bodies are skipped. `0` turns
    /// capture off.
    pub fn with_body_capture_limit(mut self, bytes: usize) -> Self {
        self.body_capture_limit = bytes;
        self
    }

    /// Which top-level body keys are recorded.
    pub fn with_body_keys(mut self, keys: BodyKeys) -> Self {
        self.body_keys = keys;
        self
    }

    /// When the span status becomes ERROR.
    pub fn with_status_rule(mut self, rule: StatusRule) -> Self {
        self.status_rule = rule;
        self
    }

    /// Name of the response header carrying the trace id (default
    /// `x-trace-id`); `None` turns the header off.
    pub fn with_trace_id_header(mut self, name: Option<&str>) -> Self {
        self.trace_id_header = name.map(str::to_owned);
        self
    }

    /// Records request header `header` as span attribute `attribute`, beside
    /// the reference's header table. Denied headers (see [`DENIED_HEADERS`])
    /// and secret-looking names are recorded as `REDACTED`.
    pub fn with_captured_header(
        mut self,
        header: impl Into<String>,
        attribute: impl Into<String>,
    ) -> Self {
        self.extra_headers.push((header.into(), attribute.into()));
        self
    }

    /// Records `client.port` (the peer's port) beside `client.address`. Off
    /// by default: the HTTP semantic conventions make it opt-in on server
    /// spans (a new value per connection that few queries use).
    pub fn with_client_port(mut self, on: bool) -> Self {
        self.client_port = on;
        self
    }

    /// Checks the settings and builds the configuration.
    pub fn build(self) -> Result<HttpConfig, HttpConfigError> {
        let excluded_routes = RouteSet::new(&self.excluded_routes).map_err(|source| {
            HttpConfigError::InvalidRoutePattern {
                list: "excluded_routes",
                source,
            }
        })?;
        let metric_routes = RouteSet::new(&self.metric_routes).map_err(|source| {
            HttpConfigError::InvalidRoutePattern {
                list: "metric_routes",
                source,
            }
        })?;
        let parse_header = |name: String| {
            HeaderName::from_bytes(name.to_ascii_lowercase().as_bytes())
                .map_err(|_| HttpConfigError::InvalidHeaderName { name })
        };
        let trace_id_header = self.trace_id_header.map(parse_header).transpose()?;
        let extra_headers = self
            .extra_headers
            .into_iter()
            .map(|(h, a)| parse_header(h).map(|h| (h, a)))
            .collect::<Result<_, _>>()?;
        Ok(HttpConfig {
            inner: Arc::new(ConfigInner {
                excluded_routes,
                metric_routes,
                body_capture_limit: self.body_capture_limit,
                body_keys: self.body_keys,
                status_rule: self.status_rule,
                trace_id_header,
                extra_headers,
                client_port: self.client_port,
            }),
        })
    }
}
