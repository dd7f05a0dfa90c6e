//! The OpenTelemetry Collector, built by `scripts/install-peers` from
//! `otel/collector/manifest.yaml` into `<workspace>/.peers/otelcol`.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use crate::util::workspace_root;
use crate::{PeerError, PeerProcess};

/// A running collector; stopped (SIGTERM, then a kill) on drop.
#[derive(Debug)]
pub struct Otelcol {
    process: PeerProcess,
}

impl Otelcol {
    /// `<workspace>/.peers/otelcol`, when it was built.
    pub fn binary() -> Result<PathBuf, PeerError> {
        let path = workspace_root().join(".peers").join("otelcol");
        if path.exists() {
            Ok(path)
        } else {
            Err(PeerError::NotInstalled {
                what: "the OpenTelemetry Collector".to_owned(),
                looked_at: path,
            })
        }
    }

    /// `otelcol validate --config=<config>` with `env` added to the
    /// environment.
    pub fn validate(config: &Path, env: &[(&str, &str)]) -> Result<Output, PeerError> {
        Command::new(Self::binary()?)
            .arg("validate")
            .arg(format!("--config={}", config.display()))
            .envs(env.iter().copied())
            .output()
            .map_err(|source| PeerError::Spawn {
                name: "otelcol validate".to_owned(),
                source,
            })
    }

    /// Starts `otelcol --config=<config>` and waits until every port of
    /// `ports` (on 127.0.0.1) accepts connections.
    pub fn start(config: &Path, env: &[(&str, &str)], ports: &[u16]) -> Result<Self, PeerError> {
        let binary = Self::binary()?;
        let mut process = PeerProcess::spawn("otelcol", |_| {
            let mut cmd = Command::new(&binary);
            cmd.arg(format!("--config={}", config.display()))
                .envs(env.iter().copied());
            cmd
        })?;
        for port in ports {
            process.wait_for_port(*port, Duration::from_secs(30))?;
        }
        Ok(Self { process })
    }

    /// Everything the collector printed so far.
    pub fn output(&self) -> String {
        self.process.output()
    }

    /// Stops the collector with SIGTERM (so that its exporters flush) and
    /// waits up to `timeout` for it to exit; kills it after that.
    pub fn terminate(&mut self, timeout: Duration) {
        terminate(&mut self.process, timeout);
    }
}

/// SIGTERM, a wait of up to `timeout`, then a kill.
pub(crate) fn terminate(process: &mut PeerProcess, timeout: Duration) {
    if process.is_running() {
        let _ = Command::new("kill")
            .args(["-TERM", &process.pid().to_string()])
            .status();
        let deadline = Instant::now() + timeout;
        while process.is_running() && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(50));
        }
    }
    process.kill();
}

impl Drop for Otelcol {
    fn drop(&mut self) {
        self.terminate(Duration::from_secs(5));
    }
}
