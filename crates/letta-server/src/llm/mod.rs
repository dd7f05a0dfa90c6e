//! The language model: an OpenAI-compatible chat-completions client and the
//! built-in offline provider.

mod client;
mod error;
mod offline;
mod pricing;
mod types;

pub use client::{Completion, LlmClient, Sampling, ToolCall};
pub use error::LlmError;
pub use offline::{OfflineProvider, OfflineProviderHandle};
pub use pricing::cost_usd;
pub use types::{ChatMessage, ToolFunctionSpec, ToolSpec, WireFunction, WireToolCall};

/// Model name of the offline provider.
pub const OFFLINE_MODEL: &str = "letta-offline-1";

/// Provider name recorded for the offline provider.
pub const OFFLINE_PROVIDER: &str = "letta-offline";
