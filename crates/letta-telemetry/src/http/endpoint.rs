//! What a service instance learns once about the endpoint it serves, so that
//! requests do not rebuild it: the span name, the `http.route` value, the
//! first authority seen, parsed (`server.address`, `server.port`, the
//! start of `http.url`), and the first value seen of the headers whose
//! values are few (client software), shared by later requests with the same
//! value.
//!
//! [`axum::Router::layer`] wraps every (route, method) handler in its own
//! copy of the layer's service, so one service nearly always sees a single
//! route template and method. The first request fills the cache; later ones
//! check that theirs match (a pointer comparison for the route in the usual
//! case) and otherwise build their own values, so a service in front of
//! several routes (`Router::fallback_service`, a layer on a nested router)
//! stays correct.

use std::borrow::Cow;
use std::collections::HashSet;
use std::sync::{Arc, LazyLock, Mutex, OnceLock};

use axum::extract::MatchedPath;
use http::Method;
use opentelemetry::{StringValue, Value};

use super::authority::Authority;
use super::shared_value::shared_value;
use super::span_header::SpanHeader;

/// The endpoint a service instance serves.
#[derive(Debug)]
pub(crate) struct Endpoint {
    route: MatchedPath,
    method: Method,
    /// `METHOD <route template>`.
    name: &'static str,
    /// The route template, shared by every request's `http.route`.
    route_value: Value,
    /// The first authority seen, parsed.
    authority: OnceLock<Authority>,
    /// The first value seen of each common-valued header
    /// ([`SpanHeader::common_index`]).
    common: [OnceLock<StringValue>; SpanHeader::COMMON_COUNT],
}

impl Endpoint {
    /// The span name, `METHOD <route template>`.
    pub(crate) fn name(&self) -> &'static str {
        self.name
    }

    /// The `http.route` attribute value.
    pub(crate) fn route_value(&self) -> Value {
        self.route_value.clone()
    }

    /// The parsed authority when `raw` (with `scheme`) is the first one
    /// this endpoint saw (which fills the cache).
    pub(crate) fn authority(&self, raw: Option<&str>, scheme: &str) -> Option<&Authority> {
        let kept = self.authority.get_or_init(|| Authority::kept(raw, scheme));
        kept.is_for(raw, scheme).then_some(kept)
    }

    /// The value of `header`, shared with earlier requests when it is one
    /// of the common-valued headers and this is the first value seen.
    pub(crate) fn header_value(&self, header: SpanHeader, text: &str) -> Value {
        match header.common_index() {
            Some(i) => first_or_own(&self.common[i], text),
            None => shared_value(text),
        }
    }

    fn serves(&self, route: &MatchedPath, method: &Method) -> bool {
        let (mine, theirs) = (self.route.as_str(), route.as_str());
        self.method == *method && (std::ptr::eq(mine, theirs) || mine == theirs)
    }
}

/// One service instance's cache (see the module documentation).
#[derive(Debug, Default)]
pub(crate) struct EndpointCache {
    cell: OnceLock<Option<Endpoint>>,
}

impl EndpointCache {
    /// The cached endpoint when it is the one of this request (filling the
    /// cache at the first matched request); `None` for a request that
    /// matched no route, or another route than the cached one.
    #[inline]
    pub(crate) fn get(&self, route: Option<&MatchedPath>, method: &Method) -> Option<&Endpoint> {
        let route = route?;
        let endpoint = self
            .cell
            .get_or_init(|| Endpoint::new(route, method))
            .as_ref()?;
        endpoint.serves(route, method).then_some(endpoint)
    }
}

impl Endpoint {
    fn new(route: &MatchedPath, method: &Method) -> Option<Self> {
        let name = intern(&span_name(method.as_str(), route.as_str()))?;
        Some(Self {
            route: route.clone(),
            method: method.clone(),
            name,
            route_value: shared_value(route.as_str()),
            authority: OnceLock::new(),
            common: Default::default(),
        })
    }
}

/// `text` as a shared value: the one in `first` when it holds `text` (or
/// was empty and now does), else a fresh one.
fn first_or_own(first: &OnceLock<StringValue>, text: &str) -> Value {
    let kept = first.get_or_init(|| StringValue::from(Arc::<str>::from(text)));
    if kept.as_str() == text {
        Value::String(kept.clone())
    } else {
        shared_value(text)
    }
}

/// `METHOD <target>`, built for one request.
pub(crate) fn span_name(method: &str, target: &str) -> Cow<'static, str> {
    let mut name = String::with_capacity(method.len() + 1 + target.len());
    name.push_str(method);
    name.push(' ');
    name.push_str(target);
    Cow::Owned(name)
}

/// The span name of a request that no route matched: the method, or `HTTP`
/// for a method outside the standard ones (so custom methods cannot make
/// names unbounded either, as the semantic conventions advise).
pub(crate) fn unmatched_span_name(method: &http::Method) -> &'static str {
    use http::Method;
    match *method {
        Method::GET => "GET",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::DELETE => "DELETE",
        Method::PATCH => "PATCH",
        Method::HEAD => "HEAD",
        Method::OPTIONS => "OPTIONS",
        Method::TRACE => "TRACE",
        Method::CONNECT => "CONNECT",
        _ => "HTTP",
    }
}

/// Most distinct span names kept for the life of the process. An app has
/// as many as it has (route, method) pairs; past this (a router built from
/// unbounded input) names are built per request instead.
const INTERNED_LIMIT: usize = 4096;

static INTERNED: LazyLock<Mutex<HashSet<&'static str>>> =
    LazyLock::new(|| Mutex::new(HashSet::new()));

/// `name` as a string that lives for the rest of the process, shared by
/// every service with the same endpoint; `None` once [`INTERNED_LIMIT`]
/// names are kept.
fn intern(name: &str) -> Option<&'static str> {
    let mut set = match INTERNED.lock() {
        Ok(set) => set,
        Err(poisoned) => poisoned.into_inner(),
    };
    if let Some(kept) = set.get(name) {
        return Some(kept);
    }
    if set.len() >= INTERNED_LIMIT {
        return None;
    }
    let kept: &'static str = Box::leak(name.to_owned().into_boxed_str());
    set.insert(kept);
    Some(kept)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn matched(path: &str) -> Option<MatchedPath> {
        use axum::extract::FromRequestParts as _;
        use futures_util::FutureExt as _;
        // A MatchedPath can only be made by a router: route one request.
        let captured = Arc::new(Mutex::new(None));
        let sink = Arc::clone(&captured);
        let app: axum::Router = axum::Router::new().route(
            path,
            axum::routing::any(move |request: http::Request<axum::body::Body>| {
                let sink = Arc::clone(&sink);
                async move {
                    let (mut parts, _) = request.into_parts();
                    let found = MatchedPath::from_request_parts(&mut parts, &())
                        .now_or_never()
                        .and_then(Result::ok);
                    if let Ok(mut slot) = sink.lock() {
                        *slot = found;
                    }
                }
            }),
        );
        let concrete = path.replace("{agent_id}", "agent-1");
        let request = http::Request::get(concrete)
            .body(axum::body::Body::empty())
            .ok()?;
        let _ = tower::ServiceExt::oneshot(app, request).now_or_never();
        captured.lock().ok()?.take()
    }

    #[test]
    fn one_endpoint_is_cached_and_others_are_refused() {
        let (Some(route), Some(other)) = (
            matched("/v1/agents/{agent_id}"),
            matched("/v1/agents/{agent_id}/messages"),
        ) else {
            panic!("the router did not report the matched paths");
        };
        let cache = EndpointCache::default();
        assert!(cache.get(None, &Method::GET).is_none());
        let first = cache.get(Some(&route), &Method::GET).map(Endpoint::name);
        assert_eq!(first, Some("GET /v1/agents/{agent_id}"));
        // the same endpoint again: the same interned name
        let again = cache.get(Some(&route), &Method::GET).map(Endpoint::name);
        assert!(matches!((first, again), (Some(a), Some(b)) if std::ptr::eq(a, b)));
        assert_eq!(
            cache
                .get(Some(&route), &Method::GET)
                .map(Endpoint::route_value),
            Some(Value::from("/v1/agents/{agent_id}"))
        );
        // another method or route is not served from the cache
        assert!(cache.get(Some(&route), &Method::POST).is_none());
        assert!(cache.get(Some(&other), &Method::GET).is_none());
        // another cache with the same endpoint shares the name
        let shared = EndpointCache::default();
        let name = shared.get(Some(&route), &Method::GET).map(Endpoint::name);
        assert!(matches!((first, name), (Some(a), Some(b)) if std::ptr::eq(a, b)));
    }

    #[test]
    fn the_first_authority_is_kept_and_others_are_parsed_apart() {
        let Some(route) = matched("/v1/health") else {
            panic!("the router did not report the matched path");
        };
        let cache = EndpointCache::default();
        let Some(endpoint) = cache.get(Some(&route), &Method::GET) else {
            panic!("no endpoint for a matched route");
        };
        let host = |a: Option<&Authority>| a.and_then(Authority::server).map(|(host, _)| host);
        let first = host(endpoint.authority(Some("a.example:8283"), "http"));
        assert_eq!(first, Some(Value::from("a.example")));
        // the same text again: the kept parse, the same shared text
        let again = host(endpoint.authority(Some("a.example:8283"), "http"));
        let text = |v: &Option<Value>| match v {
            Some(Value::String(s)) => s.as_str().as_ptr(),
            _ => std::ptr::null(),
        };
        assert!(!text(&first).is_null() && text(&first) == text(&again));
        // another host or scheme is the caller's to parse
        assert!(endpoint.authority(Some("b.example:8283"), "http").is_none());
        assert!(
            endpoint
                .authority(Some("a.example:8283"), "https")
                .is_none()
        );
        assert!(endpoint.authority(None, "http").is_none());
    }

    #[test]
    fn names_are_built_plainly() {
        assert_eq!(span_name("GET", "/v1/health"), "GET /v1/health");
    }
}
