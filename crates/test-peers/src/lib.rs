//! Test tooling: starts real third-party peers on 127.0.0.1 with free ports,
//! waits for their ports, and stops them by PID on drop.
//!
//! The peers are installed by `scripts/install-peers` into `<workspace>/.venv`
//! (PyPI packages) and from Debian packages (PostgreSQL).
//!
//! [`PeerProcess`] is the reusable base: it runs a child with its output in
//! a log file inside a per-peer temporary directory, waits for TCP ports with
//! a timeout, and kills the child (by PID) when dropped. The helpers of
//! [`util`] find free ports and the workspace's virtual environment.
//!
//! [`own_process!`] gives a test that installs process-wide telemetry a
//! process of its own under plain `cargo test`, as `cargo nextest` does.

pub mod clickhouse;
pub mod ddagent;
pub mod faults;
pub mod genai;
mod http;
pub mod otelcol;
pub mod own_process;
pub mod phoenix;
pub mod postgres;
mod process;
pub mod rotel;
pub mod tls;
pub mod util;

pub use clickhouse::ClickHouse;
pub use ddagent::DdAgent;
pub use faults::{HungCollector, SlowProxy};
pub use otelcol::Otelcol;
pub use phoenix::Phoenix;
pub use postgres::Postgres;
pub use process::{PeerError, PeerProcess};
pub use rotel::Rotel;
pub use tls::TestPki;
