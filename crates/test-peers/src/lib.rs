//! Test tooling: starts real third-party peers on 127.0.0.1 with free ports,
//! waits for their ports, and stops them by PID on drop.
//!
//! The peers are installed by `scripts/install-peers` into `<workspace>/.venv`
//! (PyPI packages) and from Debian packages (PostgreSQL).
