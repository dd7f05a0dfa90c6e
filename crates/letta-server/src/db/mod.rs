//! Storage: SQLite (default) or PostgreSQL, chosen by the URL.

mod models;
mod pool;
mod queries;
mod schema;

pub use models::{AgentRow, MessageRow, RunRow, RunStatus};
pub use pool::{Db, DbEngine};
