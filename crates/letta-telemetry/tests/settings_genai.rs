//! The GenAI content-capture variable: the instrumentations' standard name,
//! this project's alias (which wins), every accepted form, and a clear
//! answer to a wrong one.

use letta_telemetry::settings::{ContentCapture, Settings};

mod settings_support;

use settings_support::{ok, rejected};

const STANDARD: &str = "OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT";
const ALIAS: &str = "LETTA_TELEMETRY_GENAI_CAPTURE_MESSAGE_CONTENT";

#[test]
fn off_by_default_and_every_form_of_the_standard_variable() {
    assert_eq!(
        ok(&[]).genai_capture_message_content,
        ContentCapture::NoContent
    );
    for (value, mode) in [
        ("true", ContentCapture::SpanOnly),
        ("FALSE", ContentCapture::NoContent),
        ("no_content", ContentCapture::NoContent),
        ("SPAN_ONLY", ContentCapture::SpanOnly),
        ("EVENT_ONLY", ContentCapture::EventOnly),
        ("span_and_event", ContentCapture::SpanAndEvent),
    ] {
        assert_eq!(
            ok(&[(STANDARD, value)]).genai_capture_message_content,
            mode,
            "{value}"
        );
    }
}

#[test]
fn the_alias_wins_and_code_wins_over_both() {
    let s = ok(&[(STANDARD, "SPAN_ONLY"), (ALIAS, "EVENT_ONLY")]);
    assert_eq!(s.genai_capture_message_content, ContentCapture::EventOnly);
    let s = Settings::builder()
        .with_genai_capture_message_content(ContentCapture::NoContent)
        .build_from_vars([(STANDARD, "SPAN_ONLY")])
        .expect("valid");
    assert_eq!(s.genai_capture_message_content, ContentCapture::NoContent);
}

#[test]
fn a_wrong_value_names_the_variable_and_the_forms() {
    rejected(STANDARD, "yes", "SPAN_AND_EVENT");
    rejected(ALIAS, "maybe", "NO_CONTENT");
}
