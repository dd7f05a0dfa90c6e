//! Secret-looking parameter names and `Secret<T>` values are `<redacted>`.

use letta_telemetry::redact::{self, Secret};
use letta_telemetry::testing::install_span_recorder;
use letta_telemetry::trace_method;
use opentelemetry::Value;
use opentelemetry_sdk::trace::SpanData;

fn attr(span: &SpanData, key: &str) -> Option<Value> {
    letta_telemetry::testing::span_attribute(span, key).cloned()
}

#[derive(Debug)]
#[allow(dead_code)]
struct Login {
    user: &'static str,
    password: Secret<String>,
}

#[trace_method]
#[allow(clippy::too_many_arguments)]
fn call(
    api_key: &str,
    password: String,
    authorization: &str,
    db_credentials: &str,
    tenant_pin: &str,
    wrapped: Secret<&str>,
    login: Login,
    user: &str,
    max_tokens: u32,
    session_id: &str,
) {
    let _ = (api_key, password, authorization, db_credentials);
    let _ = (tenant_pin, wrapped, login, user, max_tokens, session_id);
}

fn run() {
    call(
        "sk-1",
        "hunter2".into(),
        "Bearer x",
        "c",
        "pin-1",
        Secret::new("inner"),
        Login {
            user: "ann",
            password: Secret::new("pw".into()),
        },
        "ann",
        256,
        "sess-1",
    );
}

#[test]
fn secret_names_and_secret_values_are_redacted() {
    test_peers::own_process!();
    let recorder = install_span_recorder();
    run();
    let span = &recorder.spans()[0];
    for key in [
        "api_key",
        "password",
        "authorization",
        "db_credentials",
        "wrapped",
        "session_id",
    ] {
        assert_eq!(
            attr(span, &format!("parameter.{key}")),
            Some(Value::from("<redacted>")),
            "{key}"
        );
    }
    assert_eq!(
        attr(span, "parameter.login"),
        Some(Value::from(
            r#"Login { user: "ann", password: <redacted> }"#
        ))
    );
    assert_eq!(attr(span, "parameter.user"), Some(Value::from("ann")));
    assert_eq!(
        attr(span, "parameter.max_tokens"),
        Some(Value::I64(256)),
        "a token count is not a token"
    );
    assert_eq!(
        attr(span, "parameter.tenant_pin"),
        Some(Value::from("pin-1"))
    );
    let all = format!("{:?}", span.attributes);
    for secret in ["sk-1", "hunter2", "Bearer", "inner", "\"pw\""] {
        assert!(!all.contains(secret), "{secret} leaked: {all}");
    }
}

#[test]
fn the_list_is_configurable_at_runtime() {
    test_peers::own_process!();
    let recorder = install_span_recorder();
    run();
    redact::set_secret_names(["pin"]).unwrap_or_else(|e| panic!("{e}"));
    run();
    let spans = recorder.spans();
    assert_eq!(
        attr(&spans[1], "parameter.tenant_pin"),
        Some(Value::from("<redacted>")),
        "a cached decision is refreshed when the list changes"
    );
    assert_eq!(
        attr(&spans[1], "parameter.api_key"),
        Some(Value::from("sk-1")),
        "the list was replaced"
    );
    assert_eq!(
        attr(&spans[1], "parameter.wrapped"),
        Some(Value::from("<redacted>")),
        "Secret values stay redacted whatever the list"
    );
    redact::reset_secret_names();
    run();
    assert_eq!(
        attr(&recorder.spans()[2], "parameter.api_key"),
        Some(Value::from("<redacted>"))
    );
}
