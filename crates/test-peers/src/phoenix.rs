//! [Arize Phoenix](https://github.com/Arize-ai/phoenix) (PyPI
//! `arize-phoenix`), an LLM-observability server: it receives OTLP, turns
//! GenAI spans into its own LLM, TOOL and AGENT spans, and serves them on a
//! REST API. Installed by `scripts/install-peers` into `.peers/phoenix-venv`.

use std::process::Command;
use std::time::Duration;

use crate::http::{HttpAnswer, http_get};
use crate::util::{free_ports, workspace_root};
use crate::{PeerError, PeerProcess};

/// A running Phoenix on 127.0.0.1, its database in the peer's directory.
#[derive(Debug)]
pub struct Phoenix {
    process: PeerProcess,
    port: u16,
}

impl Phoenix {
    /// Starts Phoenix (HTTP, with the OTLP/HTTP receiver, and gRPC on free
    /// ports; no analytics) and waits until it answers its health check.
    pub fn start() -> Result<Self, PeerError> {
        let binary = workspace_root().join(".peers/phoenix-venv/bin/phoenix");
        if !binary.is_file() {
            return Err(PeerError::NotInstalled {
                what: "Arize Phoenix".to_owned(),
                looked_at: binary,
            });
        }
        let ports = free_ports(2)?;
        let (port, grpc_port) = (ports[0], ports[1]);
        let mut process = PeerProcess::spawn("phoenix", |dir| {
            let mut cmd = Command::new(&binary);
            cmd.arg("serve")
                .env("PHOENIX_HOST", "127.0.0.1")
                .env("PHOENIX_PORT", port.to_string())
                .env("PHOENIX_GRPC_PORT", grpc_port.to_string())
                .env("PHOENIX_WORKING_DIR", dir)
                .env("PHOENIX_TELEMETRY_ENABLED", "false")
                .env_remove("PHOENIX_SQL_DATABASE_URL")
                .env_remove("PHOENIX_COLLECTOR_ENDPOINT");
            cmd
        })?;
        // Its first start compiles a large Python package: allow for it.
        process.wait_for_port(port, Duration::from_secs(180))?;
        let phoenix = Self { process, port };
        let deadline = std::time::Instant::now() + Duration::from_secs(60);
        while phoenix.get("/healthz").map(|a| a.status).ok() != Some(200) {
            if std::time::Instant::now() > deadline {
                return Err(PeerError::PortTimeout {
                    port,
                    timeout: Duration::from_secs(60),
                    log: phoenix.output(),
                });
            }
            std::thread::sleep(Duration::from_millis(200));
        }
        Ok(phoenix)
    }

    /// The OTLP/HTTP traces endpoint (`OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`).
    pub fn traces_endpoint(&self) -> String {
        format!("http://127.0.0.1:{}/v1/traces", self.port)
    }

    /// `GET path` on Phoenix's HTTP API.
    pub fn get(&self, path: &str) -> Result<HttpAnswer, PeerError> {
        http_get(self.port, path)
    }

    /// The spans of `project` as the JSON of its REST API
    /// (`GET /v1/projects/<project>/spans`), up to 1000.
    pub fn spans_json(&self, project: &str) -> Result<String, PeerError> {
        Ok(self
            .get(&format!("/v1/projects/{project}/spans?limit=1000"))?
            .body)
    }

    /// Phoenix's output so far.
    pub fn output(&self) -> String {
        self.process.output()
    }
}
