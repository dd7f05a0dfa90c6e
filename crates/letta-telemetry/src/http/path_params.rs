//! Path parameters of the matched route, recorded as `http.<name>` with
//! secret-looking names redacted; the keys are remembered per name so that
//! a request builds none.

use std::collections::HashMap;
use std::sync::{Arc, LazyLock, RwLock};

use axum::extract::RawPathParams;
use opentelemetry::Key;

use crate::redact::is_secret_name;

/// The path parameters of the matched route (recorded as `http.<name>`),
/// read from the request extensions alone (so that the headers can stay
/// borrowed meanwhile).
pub(crate) fn path_params(extensions: &mut http::Extensions) -> Option<RawPathParams> {
    use axum::extract::FromRequestParts as _;
    use futures_util::FutureExt as _;

    // A blank `Parts` (no allocation) lent the extensions for the extractor,
    // which only reads them and is ready at once.
    let (mut parts, ()) = http::Request::new(()).into_parts();
    std::mem::swap(&mut parts.extensions, extensions);
    let params = RawPathParams::from_request_parts(&mut parts, &())
        .now_or_never()
        .and_then(Result::ok);
    std::mem::swap(&mut parts.extensions, extensions);
    params
}

/// Most path parameter names remembered by [`param_key`]; route templates
/// are few, so this is never reached by a normal app.
const PARAM_KEY_CACHE_LIMIT: usize = 1024;

/// A path parameter name's attribute key and whether it looks secret, as of
/// a generation of the secret-name list.
struct ParamKey {
    key: Key,
    secret: bool,
    generation: u32,
}

static PARAM_KEYS: LazyLock<RwLock<HashMap<Box<str>, ParamKey>>> =
    LazyLock::new(|| RwLock::new(HashMap::new()));

/// `http.<name>` and whether `name` looks secret, remembered per name (and
/// re-checked when the secret-name list changes).
pub(crate) fn param_key(name: &str) -> (Key, bool) {
    let generation = crate::redact::generation();
    if let Ok(map) = PARAM_KEYS.read()
        && let Some(p) = map.get(name)
        && p.generation == generation
    {
        return (p.key.clone(), p.secret);
    }
    let mut text = String::with_capacity(5 + name.len());
    text.push_str("http.");
    text.push_str(name);
    let key = Key::from(Arc::<str>::from(text));
    let secret = is_secret_name(name);
    if let Ok(mut map) = PARAM_KEYS.write()
        && (map.len() < PARAM_KEY_CACHE_LIMIT || map.contains_key(name))
    {
        map.insert(
            name.into(),
            ParamKey {
                key: key.clone(),
                secret,
                generation,
            },
        );
    }
    (key, secret)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn param_keys_follow_the_secret_list() {
        assert_eq!(param_key("agent_id").0.as_str(), "http.agent_id");
        assert!(!param_key("agent_id").1);
        assert!(param_key("api_key").1);
        // cached answers are the same
        assert!(param_key("api_key").1);
        assert!(!param_key("agent_id").1);
    }
}
