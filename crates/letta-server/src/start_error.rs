//! Why the server could not start.

use std::net::SocketAddr;
use std::path::PathBuf;

/// Why the server could not start.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StartError {
    /// `LETTA_DIR` could not be created.
    #[error("cannot create the Letta directory {path} (LETTA_DIR): {source}")]
    LettaDir {
        /// The directory.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// The database could not be opened.
    #[error("cannot open the database: {0}")]
    Database(#[from] sqlx::Error),
    /// The listen address could not be bound.
    #[error("cannot listen on {addr}: {source} (choose another --port or --host)")]
    Bind {
        /// The address.
        addr: SocketAddr,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// The offline model provider could not start.
    #[error("cannot start the offline model provider: {0}")]
    Provider(#[source] std::io::Error),
    /// The HTTP client could not be built.
    #[error("cannot build the HTTP client: {0}")]
    HttpClient(String),
}
