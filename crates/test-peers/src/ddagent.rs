//! [ddapm-test-agent](https://github.com/DataDog/dd-apm-test-agent), Datadog's
//! APM test agent (PyPI `ddapm-test-agent`): accepts traces and profiles like
//! the Datadog agent and serves what it received under `/test/...`.

use std::process::Command;
use std::time::Duration;

pub use crate::http::HttpAnswer;
use crate::http::http_get;
use crate::util::{free_ports, venv_bin};
use crate::{PeerError, PeerProcess};

/// A running test agent on 127.0.0.1, its OTLP ports moved to free ports.
#[derive(Debug)]
pub struct DdAgent {
    process: PeerProcess,
    port: u16,
    otlp_http_port: u16,
    otlp_grpc_port: u16,
}

impl DdAgent {
    /// Starts the agent and waits until its trace port and OTLP ports accept
    /// connections.
    pub fn start() -> Result<Self, PeerError> {
        let binary = venv_bin("ddapm-test-agent")?;
        let ports = free_ports(3)?;
        let (port, otlp_http_port, otlp_grpc_port) = (ports[0], ports[1], ports[2]);
        let mut process = PeerProcess::spawn("ddapm-test-agent", |_dir| {
            let mut cmd = Command::new(&binary);
            cmd.args(["--host", "127.0.0.1"])
                .arg("--port")
                .arg(port.to_string())
                .arg("--otlp-http-port")
                .arg(otlp_http_port.to_string())
                .arg("--otlp-grpc-port")
                .arg(otlp_grpc_port.to_string())
                .args(["--log-level", "INFO"])
                // The agent's own defaults come from these variables too:
                // keep the environment from moving them back.
                .env("PORT", port.to_string())
                .env("OTLP_HTTP_PORT", otlp_http_port.to_string())
                .env("OTLP_GRPC_PORT", otlp_grpc_port.to_string())
                .env_remove("DD_AGENT_URL");
            cmd
        })?;
        process.wait_for_port(port, Duration::from_secs(30))?;
        Ok(Self {
            process,
            port,
            otlp_http_port,
            otlp_grpc_port,
        })
    }

    /// The trace agent port (what `DD_TRACE_AGENT_PORT` would be).
    pub fn port(&self) -> u16 {
        self.port
    }

    /// `http://127.0.0.1:<port>`.
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// The agent's OTLP/HTTP port.
    pub fn otlp_http_port(&self) -> u16 {
        self.otlp_http_port
    }

    /// The agent's OTLP/gRPC port.
    pub fn otlp_grpc_port(&self) -> u16 {
        self.otlp_grpc_port
    }

    /// The agent's output so far.
    pub fn output(&self) -> String {
        self.process.output()
    }

    /// `GET path` on the agent (e.g. `/test/traces`).
    pub fn get(&self, path: &str) -> Result<HttpAnswer, PeerError> {
        http_get(self.port, path)
    }

    /// Every trace received so far, as the JSON of `GET /test/traces`.
    pub fn traces_json(&self) -> Result<String, PeerError> {
        Ok(self.get("/test/traces")?.body)
    }

    /// The trace with this Datadog trace id (decimal, low 64 bits), as the
    /// JSON of `GET /test/traces?trace_ids=<id>`.
    pub fn trace_json(&self, dd_trace_id: &str) -> Result<String, PeerError> {
        Ok(self
            .get(&format!("/test/traces?trace_ids={dd_trace_id}"))?
            .body)
    }

    /// The requests received so far (traces, profiles, ...), as the JSON of
    /// `GET /test/session/requests`: `headers`, base64 `body`, `url`, `method`.
    pub fn requests_json(&self) -> Result<String, PeerError> {
        Ok(self.get("/test/session/requests")?.body)
    }
}
