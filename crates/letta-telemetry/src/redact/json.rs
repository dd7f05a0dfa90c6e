//! Redaction of JSON documents: the values of secret-named keys, at any
//! depth, are replaced by a marker. The HTTP layer uses it for request
//! bodies, GenAI content capture for tool-call arguments.

use super::is_secret_name;

/// Replaces, at any depth, the values of object keys that
/// [`is_secret_name`] calls secret with `marker`.
pub(crate) fn redact_json(value: &mut serde_json::Value, marker: &str) {
    match value {
        serde_json::Value::Object(map) => {
            for (key, v) in map.iter_mut() {
                if is_secret_name(key) {
                    *v = serde_json::Value::String(marker.to_owned());
                } else {
                    redact_json(v, marker);
                }
            }
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(|v| redact_json(v, marker)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn secret_keys_are_replaced_at_any_depth_and_other_keys_kept() {
        let mut v = json!({
            "query": "weather",
            "api_key": "sk-1",
            "nested": [{"password": "p", "max_tokens": 3}],
        });
        redact_json(&mut v, "<redacted>");
        assert_eq!(
            v,
            json!({
                "query": "weather",
                "api_key": "<redacted>",
                "nested": [{"password": "<redacted>", "max_tokens": 3}],
            })
        );
    }
}
