//! `#[trace_method]` and `#[derive(TelemetryId)]` for
//! [letta-telemetry](https://docs.rs/letta-telemetry).
//!
//! Use them through the `letta_telemetry` re-exports; the generated code
//! calls only `::letta_telemetry::__private`.
//!
//! # `#[trace_method]`
//!
//! Traces every call of a function: a span named `module.function`
//! (`Type.method` for methods), the parameters as `parameter.<name>`
//! attributes, and the outcome (status OK, or ERROR with an `exception`
//! event for an `Err`, a panic, or a cancelled async call). The span is the
//! current OpenTelemetry context for the whole body — across every `.await`
//! for async functions — so nested traced calls, `log_event` and log lines
//! attach to it. When tracing is off, the call costs one branch; when the
//! span is sampled out, no parameter is formatted. The recording rules
//! (limits, skip lists, redaction) are in `letta_telemetry::trace_method`'s
//! module docs.
//!
//! ```ignore
//! use letta_telemetry::trace_method;
//!
//! #[trace_method]
//! async fn step(agent_id: &str, messages: Vec<Message>) -> Result<Usage, StepError> { .. }
//!
//! impl Agent {
//!     // span "Agent.rename"; `self` is never recorded
//!     #[trace_method(skip(old), fields(agent.kind = self.kind()))]
//!     fn rename(&mut self, old: String, new: String) { .. }
//! }
//!
//! // every function of the block is traced and named `Store.<function>`,
//! // associated functions (without `self`) included
//! #[trace_method]
//! impl Store {
//!     fn open(path: &Path) -> io::Result<Self> { .. }
//!     #[trace_method(include(key))]
//!     fn get(&self, key: &str, buffer: &mut Vec<u8>) -> Option<Value> { .. }
//! }
//! ```
//!
//! ## Options
//!
//! | option | effect |
//! |---|---|
//! | `skip(a, b)` | record `a`, `b` as `<Type (excluded)>` (with their ids) |
//! | `skip_all` | skip every parameter except `request_data` |
//! | `include(a, b)` | record only `a` and `b`, in full even if skipped by default |
//! | `fields(key = expr, ..)` | extra attributes; `key` is an identifier, a dotted path (`agent.kind`) or a string; `expr: Into<opentelemetry::Value>`, evaluated only when the span is sampled |
//! | `name = "..."` | the span name |
//!
//! Misuse is a compile error pointing at the token: an unknown option, an
//! option given twice, a name listed twice or that is not a parameter, the
//! receiver in a list, `skip_all` or `skip` together with `include`, an
//! empty name, a `const fn`.
//!
//! ## Naming methods
//!
//! An attribute on a function cannot see the `impl` around it. A function
//! with a receiver (`self`, `&self`, `self: Box<Self>`, ...) is named after
//! `std::any::type_name::<Self>()` at run time: its last path segment
//! without generic arguments (`Agent<T>` → `Agent`), computed once and
//! cached. Functions without a receiver are named `module.function`, unless
//! the `impl` block carries `#[trace_method]`, which names every function in
//! it `Type.function` at compile time (then a function's own
//! `#[trace_method(...)]` only gives its options).
//!
//! ## Expansion
//!
//! ```ignore
//! #[trace_method(skip(messages))]
//! async fn step(&self, user: &str, messages: Vec<Message>) -> Result<Usage, StepError> {
//!     body
//! }
//! ```
//!
//! becomes (abridged; `__private` is `::letta_telemetry::__private`)
//!
//! ```ignore
//! async fn step(&self, user: &str, messages: Vec<Message>) -> Result<Usage, StepError> {
//!     static __LT_META: __private::FnMeta =
//!         // name, module, explicit name, attributes to size the span for
//!         __private::FnMeta::method("step", module_path!(), None, 2);
//!     static __LT_PARAMS: [__private::Param; 2] = [
//!         __private::Param::new("user", "parameter.user"),
//!         __private::Param::new("messages", "parameter.messages"),
//!     ];
//!     // Runs only when the span is recording. Autoref specialisation picks
//!     // how each value is recorded: natively (str, numbers, bool), through
//!     // `Debug` (bounded), or as `<serialization failed: Type>`; skipped
//!     // values through `TelemetryId` / `TelemetryIds` or the bare type name.
//!     let __lt_capture = |__lt_params: &mut __private::Params<'_>| {
//!         __lt_params.param(&__LT_PARAMS[0], |slot| (&&&__private::Probe(&user)).lt_capture(slot));
//!         __lt_params.skipped(&__LT_PARAMS[1], || (&&&__private::IdProbe(&messages)).lt_excluded());
//!     };
//!     // `None` when tracing is off: the one branch of the disabled path.
//!     let __lt_call = __private::start_method(&__LT_META, type_name::<Self>(), __lt_capture);
//!     let __lt_body = __private::async_body::<Result<Usage, StepError>, _>(async move { body });
//!     match __lt_call {
//!         None => __lt_body.await,
//!         // polls the body inside `FutureExt::with_context(span context)`,
//!         // records `Err`/panic/cancellation, ends the span
//!         Some(call) => call.run_async(__lt_body, |ret, outcome| {
//!             (&&&&__private::OutcomeProbe(ret)).lt_outcome(outcome)
//!         }).await,
//!     }
//! }
//! ```
//!
//! A synchronous function is the same with `let __lt_body = move || -> R { body };`
//! and `call.run_sync(__lt_body, ..)`, which attaches the span's context for
//! the call, catches a panic to record it, and resumes it.
//!
//! # `#[derive(TelemetryId)]`
//!
//! Implements `letta_telemetry::TelemetryId` from the struct's `id` field
//! (a `Display` type, or an `Option` of one), so a skipped value shows
//! `<AgentState (excluded, id=agent-1)>`.

mod attr;
mod expand;

use proc_macro::TokenStream;

/// Traces a function, method or every function of an `impl` block (see the
/// crate docs).
#[proc_macro_attribute]
pub fn trace_method(attr: TokenStream, item: TokenStream) -> TokenStream {
    // The item is emitted unchanged beside any error, so the user sees that
    // one error and not a cascade of "cannot find function" ones.
    let options = match syn::parse::<attr::Options>(attr) {
        Ok(o) => o,
        Err(e) => return with_item(e, item),
    };
    let result = match syn::parse::<syn::Item>(item.clone()) {
        Ok(syn::Item::Fn(f)) => expand::trace_fn(options, f),
        Ok(syn::Item::Impl(i)) => expand::trace_impl(options, i),
        Ok(_) => match syn::parse::<syn::ItemFn>(item.clone()) {
            Ok(f) => expand::trace_fn(options, f),
            Err(_) => Err(syn::Error::new(
                proc_macro2::Span::call_site(),
                "`#[trace_method]` applies to functions with a body and to impl blocks",
            )),
        },
        // A syntax error in the item: hand it back unchanged so the compiler
        // reports the error where it is.
        Err(_) => return item,
    };
    match result {
        Ok(tokens) => tokens.into(),
        Err(e) => with_item(e, item),
    }
}

/// `error` followed by the unchanged `item`.
fn with_item(error: syn::Error, item: TokenStream) -> TokenStream {
    let mut out = error.to_compile_error();
    out.extend(proc_macro2::TokenStream::from(item));
    out.into()
}

/// Implements `letta_telemetry::TelemetryId` from the `id` field.
#[proc_macro_derive(TelemetryId)]
pub fn derive_telemetry_id(item: TokenStream) -> TokenStream {
    match syn::parse::<syn::DeriveInput>(item) {
        Ok(input) => expand::derive_telemetry_id(input)
            .unwrap_or_else(syn::Error::into_compile_error)
            .into(),
        Err(e) => e.to_compile_error().into(),
    }
}
