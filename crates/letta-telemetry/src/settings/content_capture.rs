//! What GenAI content capture records: the value of
//! `OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT`.

use std::fmt;
use std::str::FromStr;

use super::values::InvalidValue;

/// Where the content of model calls (messages, system instructions, tool
/// definitions, tool arguments and results) is recorded. Off by default:
/// prompts and answers are user data.
///
/// ```
/// use letta_telemetry::settings::ContentCapture;
///
/// assert_eq!("SPAN_ONLY".parse::<ContentCapture>(), Ok(ContentCapture::SpanOnly));
/// assert_eq!("true".parse::<ContentCapture>(), Ok(ContentCapture::SpanOnly));
/// assert_eq!("false".parse::<ContentCapture>(), Ok(ContentCapture::NoContent));
/// assert!(ContentCapture::SpanAndEvent.on_span() && ContentCapture::SpanAndEvent.on_event());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum ContentCapture {
    /// `NO_CONTENT` (or `false`): no content anywhere. The default.
    #[default]
    NoContent,
    /// `SPAN_ONLY` (or `true`): content as attributes of the spans, where
    /// LLM-observability tools (Phoenix, Langfuse) read it.
    SpanOnly,
    /// `EVENT_ONLY`: content only in the `gen_ai.client.inference.operation.details`
    /// event of each model call.
    EventOnly,
    /// `SPAN_AND_EVENT`: both.
    SpanAndEvent,
}

impl ContentCapture {
    /// Whether content goes on the spans.
    pub fn on_span(self) -> bool {
        matches!(self, Self::SpanOnly | Self::SpanAndEvent)
    }

    /// Whether content goes in the operation-details event.
    pub fn on_event(self) -> bool {
        matches!(self, Self::EventOnly | Self::SpanAndEvent)
    }

    /// Whether any content is captured.
    pub fn any(self) -> bool {
        self != Self::NoContent
    }
}

impl FromStr for ContentCapture {
    type Err = InvalidValue;

    /// Accepts the names of the current GenAI instrumentations (`NO_CONTENT`,
    /// `SPAN_ONLY`, `EVENT_ONLY`, `SPAN_AND_EVENT`) and the older boolean
    /// (`true` is `SPAN_ONLY`, `false` is `NO_CONTENT`), in any case.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_uppercase().as_str() {
            "NO_CONTENT" | "FALSE" => Ok(Self::NoContent),
            "SPAN_ONLY" | "TRUE" => Ok(Self::SpanOnly),
            "EVENT_ONLY" => Ok(Self::EventOnly),
            "SPAN_AND_EVENT" => Ok(Self::SpanAndEvent),
            _ => Err(InvalidValue::new(
                "true, false, NO_CONTENT, SPAN_ONLY, EVENT_ONLY or SPAN_AND_EVENT",
            )),
        }
    }
}

impl fmt::Display for ContentCapture {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::NoContent => "NO_CONTENT",
            Self::SpanOnly => "SPAN_ONLY",
            Self::EventOnly => "EVENT_ONLY",
            Self::SpanAndEvent => "SPAN_AND_EVENT",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_form_parses_and_round_trips() {
        for mode in [
            ContentCapture::NoContent,
            ContentCapture::SpanOnly,
            ContentCapture::EventOnly,
            ContentCapture::SpanAndEvent,
        ] {
            assert_eq!(mode.to_string().parse::<ContentCapture>(), Ok(mode));
            assert_eq!(
                mode.to_string().to_lowercase().parse::<ContentCapture>(),
                Ok(mode)
            );
        }
        assert_eq!(
            " True ".parse::<ContentCapture>(),
            Ok(ContentCapture::SpanOnly)
        );
        assert_eq!(
            "FALSE".parse::<ContentCapture>(),
            Ok(ContentCapture::NoContent)
        );
        let err = "yes".parse::<ContentCapture>().expect_err("not a mode");
        assert!(err.expected.contains("SPAN_AND_EVENT"), "{err:?}");
    }
}
