//! [`PeerProcess`]: a child process with its own temporary directory and log
//! file, killed by PID on drop.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use tempfile::TempDir;

/// Why a peer could not be started or reached.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PeerError {
    /// A peer program or file is missing.
    #[error("{what} is not installed (looked at {looked_at}); run ./scripts/install-peers")]
    NotInstalled {
        /// The program or file.
        what: String,
        /// Where it was expected.
        looked_at: PathBuf,
    },
    /// The process could not be spawned.
    #[error("could not start {name}: {source}")]
    Spawn {
        /// The peer.
        name: String,
        /// The OS error.
        source: std::io::Error,
    },
    /// The peer exited before it was ready.
    #[error("{name} exited early ({status}); its output:\n{log}")]
    Exited {
        /// The peer.
        name: String,
        /// Its exit status.
        status: String,
        /// Its output.
        log: String,
    },
    /// A port did not open in time.
    #[error("port {port} did not open within {timeout:?}; output:\n{log}")]
    PortTimeout {
        /// The port.
        port: u16,
        /// How long we waited.
        timeout: Duration,
        /// The peer's output so far.
        log: String,
    },
    /// Any other I/O error.
    #[error(transparent)]
    Io(std::io::Error),
}

/// A running peer: its child process, temporary directory and log file.
/// Dropping it kills the process (by PID) and removes the directory.
#[derive(Debug)]
pub struct PeerProcess {
    name: String,
    child: Child,
    log_path: PathBuf,
    dir: TempDir,
}

impl PeerProcess {
    /// Creates a temporary directory, lets `build` make the command (it gets
    /// the directory, for pid files, data and config), and spawns it with
    /// stdout and stderr appended to `<dir>/<name>.log`.
    pub fn spawn(name: &str, build: impl FnOnce(&Path) -> Command) -> Result<Self, PeerError> {
        let dir = tempfile::Builder::new()
            .prefix(&format!("peer-{name}-"))
            .tempdir()
            .map_err(PeerError::Io)?;
        let log_path = dir.path().join(format!("{name}.log"));
        let log = File::create(&log_path).map_err(PeerError::Io)?;
        let err = log.try_clone().map_err(PeerError::Io)?;
        let mut command = build(dir.path());
        command
            .stdin(Stdio::null())
            .stdout(Stdio::from(log))
            .stderr(Stdio::from(err));
        let child = command.spawn().map_err(|source| PeerError::Spawn {
            name: name.to_owned(),
            source,
        })?;
        Ok(Self {
            name: name.to_owned(),
            child,
            log_path,
            dir,
        })
    }

    /// The peer's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// The peer's temporary directory.
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    /// The file that receives the peer's stdout and stderr.
    pub fn log_path(&self) -> &Path {
        &self.log_path
    }

    /// Everything the peer printed so far (lossy UTF-8).
    pub fn output(&self) -> String {
        std::fs::read(&self.log_path)
            .map(|b| String::from_utf8_lossy(&b).into_owned())
            .unwrap_or_default()
    }

    /// Whether the process is still running.
    pub fn is_running(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }

    /// Waits until 127.0.0.1:`port` accepts connections; fails early when
    /// the process exits.
    pub fn wait_for_port(&mut self, port: u16, timeout: Duration) -> Result<(), PeerError> {
        let deadline = Instant::now() + timeout;
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                return Err(PeerError::Exited {
                    name: self.name.clone(),
                    status: status.to_string(),
                    log: self.output(),
                });
            }
            if crate::util::port_open(port) {
                return Ok(());
            }
            if Instant::now() >= deadline {
                return Err(PeerError::PortTimeout {
                    port,
                    timeout,
                    log: self.output(),
                });
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Waits until the output satisfies `done`, up to `timeout`; returns the
    /// output (whether or not it did).
    pub fn wait_for_output(&self, timeout: Duration, done: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + timeout;
        loop {
            let out = self.output();
            if done(&out) || Instant::now() >= deadline {
                return out;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Kills the process (by PID) and reaps it. Idempotent.
    pub fn kill(&mut self) {
        if self.is_running() {
            let _ = self.child.kill();
        }
        let _ = self.child.wait();
    }
}

impl Drop for PeerProcess {
    fn drop(&mut self) {
        self.kill();
    }
}
