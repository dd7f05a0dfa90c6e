//! The headers of one request that instrumentation reads, found in one pass
//! over the header map (cheaper than a hashed lookup per name).

use http::{HeaderMap, HeaderValue};
use opentelemetry::{Key, KeyValue, Value};
use smallvec::SmallVec;

use super::endpoint::Endpoint;
use super::shared_value::shared_value;
use super::span_header::SpanHeader;

/// The span headers and W3C headers of one request. Values are turned into
/// attribute values at most once and shared by the context attributes and
/// the span.
pub(crate) struct RequestHeaders<'a> {
    found: [Option<&'a HeaderValue>; SpanHeader::COUNT],
    /// The values made so far, of present headers only (`None`: not
    /// visible ASCII). A list rather than a slot per header: most requests
    /// read one header or none, and an empty list costs nothing to drop.
    values: SmallVec<[(SpanHeader, Option<Value>); SpanHeader::COUNT]>,
    /// `traceparent`, `tracestate`, whether `baggage` is present.
    pub(crate) w3c: W3cHeaders<'a>,
    /// `Host` (the request's authority when its URI has none).
    pub(crate) host: Option<&'a HeaderValue>,
}

/// The W3C trace context headers of a request (first values).
#[derive(Default, Clone, Copy)]
pub(crate) struct W3cHeaders<'a> {
    pub(crate) traceparent: Option<&'a HeaderValue>,
    pub(crate) tracestate: Option<&'a HeaderValue>,
    pub(crate) baggage: bool,
}

impl<'a> RequestHeaders<'a> {
    /// Scans `headers` once. The first value of a repeated header wins, as
    /// with [`HeaderMap::get`].
    pub(crate) fn scan(headers: &'a HeaderMap) -> Self {
        let mut found: [Option<&'a HeaderValue>; SpanHeader::COUNT] = [None; SpanHeader::COUNT];
        let mut w3c = W3cHeaders::default();
        let mut host = None;
        for (name, value) in headers {
            match name.as_str() {
                "host" => {
                    host.get_or_insert(value);
                }
                "traceparent" => {
                    w3c.traceparent.get_or_insert(value);
                }
                "tracestate" => {
                    w3c.tracestate.get_or_insert(value);
                }
                "baggage" => w3c.baggage = true,
                other => {
                    if let Some(header) = SpanHeader::from_name(other) {
                        found[header.index()].get_or_insert(value);
                    }
                }
            }
        }
        Self {
            found,
            values: SmallVec::new(),
            w3c,
            host,
        }
    }

    /// How many of the span headers are present (an upper bound of the
    /// attributes they give: a value that is not visible ASCII gives none).
    pub(crate) fn present(&self) -> usize {
        self.found.iter().flatten().count()
    }

    /// Whether `header` is present.
    pub(crate) fn is_present(&self, header: SpanHeader) -> bool {
        self.found[header.index()].is_some()
    }

    /// The value of `header`, if present and visible ASCII.
    #[inline]
    fn get(&mut self, header: SpanHeader) -> Option<Value> {
        self.get_or(header, None)
    }

    /// [`RequestHeaders::get`], taking the value from the endpoint's cache
    /// of common values when it has one for this header.
    #[inline]
    pub(crate) fn get_or(
        &mut self,
        header: SpanHeader,
        endpoint: Option<&Endpoint>,
    ) -> Option<Value> {
        // an absent header (most of them) has no value to make or cache:
        // answered inline, without a call
        let found = self.found[header.index()]?;
        self.made_or_make(header, found, endpoint)
    }

    /// The value of a present header: the one made before, or made now.
    fn made_or_make(
        &mut self,
        header: SpanHeader,
        found: &HeaderValue,
        endpoint: Option<&Endpoint>,
    ) -> Option<Value> {
        if let Some((_, value)) = self.values.iter().find(|(h, _)| *h == header) {
            return value.clone();
        }
        let value = found.to_str().ok().map(|text| match endpoint {
            Some(endpoint) => endpoint.header_value(header, text),
            None => shared_value(text),
        });
        self.values.push((header, value.clone()));
        value
    }

    /// The request context attributes found in the headers, in
    /// [`crate::context::CONTEXT_HEADERS`] order.
    pub(crate) fn context_attributes(&mut self) -> impl Iterator<Item = KeyValue> + '_ {
        SpanHeader::CONTEXT.iter().filter_map(move |&header| {
            let value = self.get(header)?;
            Some(KeyValue::new(Key::from_static_str(header.key()), value))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http::span_header::SPAN_HEADERS;

    #[test]
    fn one_scan_finds_every_header_and_the_first_value_wins() {
        let mut map = HeaderMap::new();
        for (i, (name, _)) in SPAN_HEADERS.iter().enumerate() {
            let name = http::HeaderName::from_static(name);
            map.append(name.clone(), HeaderValue::from(i));
            map.append(name, HeaderValue::from_static("second"));
        }
        map.insert("traceparent", HeaderValue::from_static("tp"));
        map.insert("baggage", HeaderValue::from_static("b"));
        map.append("host", HeaderValue::from_static("first:1"));
        map.append("host", HeaderValue::from_static("second:2"));
        let mut scanned = RequestHeaders::scan(&map);
        assert_eq!(scanned.present(), SpanHeader::COUNT);
        assert_eq!(
            scanned.host.map(HeaderValue::as_bytes),
            Some(&b"first:1"[..])
        );
        for header in SpanHeader::ALL {
            let i = header.index();
            assert_eq!(scanned.get(header), Some(Value::from(i.to_string())), "{i}");
        }
        assert_eq!(
            scanned.w3c.traceparent.map(HeaderValue::as_bytes),
            Some(&b"tp"[..])
        );
        assert!(scanned.w3c.tracestate.is_none());
        assert!(scanned.w3c.baggage);
        let context: Vec<String> = scanned
            .context_attributes()
            .map(|kv| kv.key.as_str().to_owned())
            .collect();
        let expected: Vec<&str> = crate::context::CONTEXT_HEADERS
            .iter()
            .map(|(_, key)| *key)
            .collect();
        assert_eq!(context, expected);
    }

    #[test]
    fn context_attributes_come_from_present_visible_headers_only() {
        let [first, second, ..] = SpanHeader::CONTEXT;
        let mut map = HeaderMap::new();
        let name = |h: SpanHeader| http::HeaderName::from_static(SPAN_HEADERS[h.index()].0);
        let not_ascii = HeaderValue::from_bytes(b"caf\xc3\xa9").expect("a header value");
        map.insert(name(first), not_ascii);
        map.insert(name(second), HeaderValue::from_static("v"));
        let mut scanned = RequestHeaders::scan(&map);
        let context: Vec<KeyValue> = scanned.context_attributes().collect();
        // the first is present but not visible ASCII: no attribute
        assert_eq!(context, vec![KeyValue::new(second.key(), "v")]);
        let empty = HeaderMap::new();
        assert_eq!(RequestHeaders::scan(&empty).context_attributes().count(), 0);
    }

    #[test]
    fn a_value_is_made_once_and_shared() {
        fn text_ptr(value: Option<Value>) -> Option<*const u8> {
            match value {
                Some(Value::String(s)) => Some(s.as_str().as_ptr()),
                _ => None,
            }
        }
        let mut map = HeaderMap::new();
        map.insert("x-project-id", HeaderValue::from_static("p-1"));
        map.insert("user-agent", HeaderValue::from_static("ua"));
        let mut scanned = RequestHeaders::scan(&map);
        let first = text_ptr(scanned.get(SpanHeader::ProjectId));
        assert!(first.is_some());
        // read again (as the span's attributes do after the context's):
        // the same string, not a copy
        assert_eq!(text_ptr(scanned.get(SpanHeader::ProjectId)), first);
        assert_eq!(scanned.get(SpanHeader::UserAgent), Some(Value::from("ua")));
        assert_eq!(scanned.get(SpanHeader::AgentId), None);
        // only the two present headers were made
        assert_eq!(scanned.values.len(), 2);
    }
}
