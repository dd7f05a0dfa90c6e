//! The agent service: agents, and the step that answers a message.

mod genai_content;
mod service;
mod step;
mod types;

pub use service::AgentService;
pub(crate) use service::{StepSettings, now_ms, user_text, validate_id};
pub use types::{CreateAgent, MessageOut, SendMessage, StepResponse, StepUsage, StreamEvent};
