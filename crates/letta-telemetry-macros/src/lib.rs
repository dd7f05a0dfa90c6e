//! `#[trace_method]` for letta-telemetry. SKELETON: passes the item through.

use proc_macro::TokenStream;

/// Traces a function or method (see the letta-telemetry docs).
#[proc_macro_attribute]
pub fn trace_method(_attr: TokenStream, item: TokenStream) -> TokenStream {
    item
}
