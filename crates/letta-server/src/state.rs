//! The state every handler shares.

use crate::agent::AgentService;
use crate::background::BackgroundRuns;

/// State shared by the handlers.
#[derive(Debug, Clone)]
pub(crate) struct AppState {
    pub(crate) service: AgentService,
    /// Background runs, drained at shutdown.
    pub(crate) runs: BackgroundRuns,
}
