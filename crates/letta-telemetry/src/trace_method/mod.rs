//! Runtime support for [`#[trace_method]`](macro@crate::trace_method): span names,
//! parameter capture with limits and redaction, outcomes and cancellation.
//!
//! The attribute itself is documented in the `letta-telemetry-macros` crate;
//! this module holds what its generated code calls (through the hidden
//! `letta_telemetry::__private`) and the few public items users touch: the
//! limits, the skip lists and the [`TelemetryId`] trait.
//!
//! # What a traced call records
//!
//! - Span name `Type.method` for methods (`Type` is the last path segment of
//!   the `Self` type, without generic arguments), `module.function` for free
//!   and associated functions (the last segment of `module_path!()`), or
//!   `Type.function` for every function of an `impl` block carrying
//!   `#[trace_method]`; `name = "..."` overrides.
//! - `parameter.<name>` for each parameter except the receiver: strings,
//!   integers, floats and bools as themselves, anything else through `Debug`,
//!   a type without `Debug` as `<serialization failed: Type>`.
//! - Values longer than [`MAX_PARAM_SIZE`] bytes are cut there (on a UTF-8
//!   character boundary) and suffixed `... (truncated, original size: N chars)`.
//!   `N` is a count of **bytes**, exact for string parameters. For values
//!   rendered through `Debug`, formatting is *stopped* at the limit (the cost
//!   of a call is bounded by the limit, not by the value), so the suffix says
//!   `original size: at least N chars`, `N` being the bytes produced when it
//!   was stopped. The word "chars" is kept for compatibility with the
//!   reference.
//! - Parameters named in [`SKIPPED_PARAMETERS`] (or in `skip(...)`) are
//!   recorded as `<Type (excluded)>`, with the id inside the marker when the
//!   type implements [`TelemetryId`] (`<AgentState (excluded, id=agent-1)>`),
//!   or the ids of a collection of such values
//!   (`<Vec<Message> (excluded, ids=[a,b,c,d,e... (N total)])>`: first five
//!   ids; `...` and the total when there are more).
//!   [`NEVER_SKIPPED_PARAMETERS`] are recorded even under `skip_all`, and
//!   even past the total limit below.
//! - Once the recorded text of the parameters would exceed
//!   [`MAX_TOTAL_SIZE`] bytes, that parameter and the following ones are
//!   dropped and the span gets `parameters.truncated = true` and
//!   `parameters.truncated_reason = "Total size exceeded 4194304 bytes"`.
//!   Strings count their byte length, numbers and bools 8 bytes.
//! - Parameters whose name is a secret name ([`crate::redact`]) and every
//!   [`crate::redact::Secret`] value are recorded as `<redacted>`.
//! - A `Debug` impl that panics or fails gives `<serialization failed: Type>`;
//!   capture never fails or changes the call.
//! - Outcome: status OK; for `Err(e)` status ERROR (description = `e`'s
//!   `Display`) and an `exception` event with `exception.type` (the error's
//!   type name) and `exception.message`; a panic is recorded the same way
//!   (`exception.type = "panic"`) and then resumes unwinding; an async call
//!   dropped before completion records an `exception` event with
//!   `exception.type = "CancelledError"`, `exception.message`, `task.name`
//!   (the tokio task id, or `unknown` outside a task), `function.name`,
//!   `function.module` (the full `module_path!()`), `cancellation.timestamp`
//!   (RFC 3339, UTC), status ERROR, and logs one error line.
//! - Nothing is formatted when tracing is off (one branch) or the span is
//!   sampled out.
//!
//! ```
//! use letta_telemetry::trace_method;
//!
//! struct Agents;
//!
//! impl Agents {
//!     // A span `Agents.rename` with `parameter.agent_id` and `parameter.name`;
//!     // an `Err` marks it failed with an `exception` event.
//!     #[trace_method]
//!     fn rename(&self, agent_id: &str, name: &str) -> Result<(), String> {
//!         let _ = (agent_id, name);
//!         Ok(())
//!     }
//! }
//!
//! assert_eq!(Agents.rename("agent-1", "helper"), Ok(()));
//! ```

mod call;
mod future;
mod id;
mod meta;
mod outcome;
mod params;
mod type_name;
mod value;
pub(crate) mod writer;

pub use id::{TelemetryId, TelemetryIds};

/// Largest recorded parameter value, in bytes (2 MiB, the reference's
/// `MAX_PARAM_SIZE`).
pub const MAX_PARAM_SIZE: usize = 2 * 1024 * 1024;

/// Largest total of recorded parameter text per span, in bytes (4 MiB, the
/// reference's `MAX_TOTAL_SIZE`).
pub const MAX_TOTAL_SIZE: usize = 4 * 1024 * 1024;

/// Parameters recorded as `<Type (excluded)>` by default (known to be large).
pub const SKIPPED_PARAMETERS: [&str; 16] = [
    "agent_state",
    "messages",
    "in_context_messages",
    "message_sequence",
    "content",
    "tool_returns",
    "memory",
    "sources",
    "context",
    "source_code",
    "system",
    "text_chunks",
    "embeddings",
    "embedding",
    "file_bytes",
    "chunks",
];

/// Parameters recorded in full even under `skip_all`.
pub const NEVER_SKIPPED_PARAMETERS: [&str; 1] = ["request_data"];

#[doc(hidden)]
pub mod __private {
    //! What the code generated by `#[trace_method]` and
    //! `#[derive(TelemetryId)]` calls. Not a public API.
    pub use super::call::{Call, start, start_method};
    pub use super::future::Instrumented;
    pub use super::id::{
        IdCollection, IdField, IdFieldDisplay, IdFieldOption, IdOpaque, IdProbe, IdSingle,
    };
    pub use super::meta::{FnMeta, Param, never_skipped, skipped_by_default};
    pub use super::outcome::{
        Outcome, OutcomeDebugErr, OutcomeDisplayErr, OutcomeOk, OutcomeOpaqueErr, OutcomeProbe,
    };
    pub use super::params::{Params, Slot};
    pub use super::value::{CaptureDebug, CaptureNative, CaptureOpaque, Probe};

    /// Gives an async block the return type of the function it stands for,
    /// so `?` inside it knows its error type.
    #[inline(always)]
    pub fn async_body<R, F: core::future::Future<Output = R>>(f: F) -> F {
        f
    }

    /// Installs `tracer` as the process tracer (once per process), for
    /// benchmarks and tests that need their own sampler or exporter.
    pub fn install_tracer(tracer: opentelemetry_sdk::trace::SdkTracer) -> bool {
        crate::global::install_tracer(tracer, None, false)
    }
}
