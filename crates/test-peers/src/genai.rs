//! The GenAI yardsticks' Python: the official OpenTelemetry instrumentation
//! of the OpenAI client, installed by `scripts/install-peers` into
//! `.peers/genai-venv`.

use std::path::PathBuf;

use crate::PeerError;
use crate::util::workspace_root;

/// The Python interpreter of the yardstick's virtual environment.
pub fn yardstick_python() -> Result<PathBuf, PeerError> {
    let python = workspace_root().join(".peers/genai-venv/bin/python");
    if python.is_file() {
        Ok(python)
    } else {
        Err(PeerError::NotInstalled {
            what: "the OpenAI instrumentation's Python".to_owned(),
            looked_at: python,
        })
    }
}
