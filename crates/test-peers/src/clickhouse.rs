//! The ClickHouse engine (PyPI `chdb-core`, in-process) behind a small HTTP
//! adapter (`tools/chdb_http.py`) that speaks enough of ClickHouse's HTTP
//! interface for the collector exporters and the trace reader; and rotel
//! exporting into it.

use std::path::PathBuf;
use std::process::Command;
use std::time::Duration;

use crate::http::exchange;
use crate::util::{free_port, free_ports, venv_bin, workspace_root};
use crate::{PeerError, PeerProcess, Rotel};

/// User the adapter requires by default.
pub const DEFAULT_USER: &str = "default";
/// Password the adapter requires by default.
pub const DEFAULT_PASSWORD: &str = "test-password";

/// A running ClickHouse (chdb behind the HTTP adapter) on 127.0.0.1.
#[derive(Debug)]
pub struct ClickHouse {
    process: PeerProcess,
    port: u16,
    user: String,
    password: String,
}

/// An HTTP answer of the adapter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    /// The HTTP status.
    pub status: u16,
    /// The body (lossy UTF-8).
    pub body: String,
}

impl ClickHouse {
    /// `crates/test-peers/tools/chdb_http.py`.
    pub fn adapter_script() -> PathBuf {
        workspace_root().join("crates/test-peers/tools/chdb_http.py")
    }

    /// Starts the adapter requiring [`DEFAULT_USER`] / [`DEFAULT_PASSWORD`].
    pub fn start() -> Result<Self, PeerError> {
        Self::start_with_credentials(DEFAULT_USER, DEFAULT_PASSWORD)
    }

    /// Starts the adapter requiring `user` / `password`.
    pub fn start_with_credentials(user: &str, password: &str) -> Result<Self, PeerError> {
        let python = venv_bin("python")?;
        let script = Self::adapter_script();
        if !script.exists() {
            return Err(PeerError::NotInstalled {
                what: "chdb_http.py".to_owned(),
                looked_at: script,
            });
        }
        let port = free_port()?;
        let mut process = PeerProcess::spawn("chdb", |dir| {
            let mut cmd = Command::new(&python);
            cmd.arg(&script)
                .arg("--port")
                .arg(port.to_string())
                .arg("--path")
                .arg(dir.join("data"))
                .arg("--user")
                .arg(user)
                .arg("--password")
                .arg(password);
            cmd
        })?;
        process.wait_for_port(port, Duration::from_secs(60))?;
        Ok(Self {
            process,
            port,
            user: user.to_owned(),
            password: password.to_owned(),
        })
    }

    /// The HTTP port.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// `http://127.0.0.1:<port>`.
    pub fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// The user the adapter requires.
    pub fn user(&self) -> &str {
        &self.user
    }

    /// The password the adapter requires.
    pub fn password(&self) -> &str {
        &self.password
    }

    /// Everything the adapter printed so far.
    pub fn output(&self) -> String {
        self.process.output()
    }

    /// Sends `sql` (the body) with the given URL parameters, as the
    /// configured user; returns the answer whatever its status.
    pub fn request(&self, params: &[(&str, &str)], sql: &str) -> Result<Answer, PeerError> {
        let mut target = String::from("/?");
        for (i, (name, value)) in params.iter().enumerate() {
            if i > 0 {
                target.push('&');
            }
            target.push_str(&url_encode(name));
            target.push('=');
            target.push_str(&url_encode(value));
        }
        let head = format!(
            "POST {target} HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nX-ClickHouse-User: {}\r\n\
             X-ClickHouse-Key: {}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
            self.port,
            self.user,
            self.password,
            sql.len()
        );
        let answer = exchange(self.port, &head, sql.as_bytes(), Duration::from_secs(120))?;
        if answer.status == 0 {
            return Err(PeerError::Io(std::io::Error::other(format!(
                "bad answer: {}",
                answer.body
            ))));
        }
        Ok(Answer {
            status: answer.status,
            body: answer.body,
        })
    }

    /// Runs `sql` in `database` (when given); fails unless the answer is 200.
    pub fn query_in(&self, database: Option<&str>, sql: &str) -> Result<String, PeerError> {
        let params: Vec<(&str, &str)> = database.map(|d| ("database", d)).into_iter().collect();
        let answer = self.request(&params, sql)?;
        if answer.status == 200 {
            Ok(answer.body)
        } else {
            Err(PeerError::Io(std::io::Error::other(format!(
                "ClickHouse answered {} to {sql:?}: {}",
                answer.status, answer.body
            ))))
        }
    }

    /// Runs `sql` without a database; fails unless the answer is 200.
    pub fn query(&self, sql: &str) -> Result<String, PeerError> {
        self.query_in(None, sql)
    }

    /// Creates `database` (if missing) and runs every statement of
    /// `schema_sql` (statements end with `;` at the end of a line) in it.
    pub fn apply_schema(&self, database: &str, schema_sql: &str) -> Result<usize, PeerError> {
        self.query(&format!("CREATE DATABASE IF NOT EXISTS `{database}`"))?;
        let statements = split_statements(schema_sql);
        for statement in &statements {
            self.query_in(Some(database), statement)?;
        }
        Ok(statements.len())
    }

    /// Starts rotel exporting traces, metrics and logs to this ClickHouse
    /// (`--exporter clickhouse`, no compression, into `database`).
    pub fn start_rotel(&self, database: &str) -> Result<RotelClickHouse, PeerError> {
        self.start_rotel_with(database, Lz4::Off)
    }

    /// As [`start_rotel`](Self::start_rotel), choosing rotel's compression
    /// (LZ4 is rotel's default: ClickHouse compressed blocks, `decompress=1`).
    pub fn start_rotel_with(&self, database: &str, lz4: Lz4) -> Result<RotelClickHouse, PeerError> {
        let compression = match lz4 {
            Lz4::On => "lz4",
            Lz4::Off => "none",
        };
        let binary = Rotel::binary()?;
        let ports = free_ports(2)?;
        let (grpc_port, http_port) = (ports[0], ports[1]);
        let endpoint = self.endpoint();
        let mut process = PeerProcess::spawn("rotel-clickhouse", |dir| {
            let mut cmd = Command::new(&binary);
            cmd.arg("start")
                .arg("--otlp-grpc-endpoint")
                .arg(format!("127.0.0.1:{grpc_port}"))
                .arg("--otlp-http-endpoint")
                .arg(format!("127.0.0.1:{http_port}"))
                .args(["--exporter", "clickhouse"])
                .arg("--clickhouse-exporter-endpoint")
                .arg(&endpoint)
                .args(["--clickhouse-exporter-database", database])
                .args(["--clickhouse-exporter-compression", compression])
                .args(["--clickhouse-exporter-user", &self.user])
                .args(["--clickhouse-exporter-password", &self.password])
                .args(["--log-format", "text"])
                .arg("--pid-file")
                .arg(dir.join("rotel.pid"))
                .arg("--log-file")
                .arg(dir.join("rotel-agent.log"))
                .env("NO_COLOR", "1");
            cmd
        })?;
        process.wait_for_port(grpc_port, Duration::from_secs(20))?;
        process.wait_for_port(http_port, Duration::from_secs(20))?;
        Ok(RotelClickHouse {
            process,
            grpc_port,
            http_port,
        })
    }
}

/// Whether rotel compresses its inserts with LZ4.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lz4 {
    /// `--clickhouse-exporter-compression lz4` (rotel's default).
    On,
    /// `--clickhouse-exporter-compression none`.
    Off,
}

/// rotel receiving OTLP on 127.0.0.1 and exporting into [`ClickHouse`].
#[derive(Debug)]
pub struct RotelClickHouse {
    process: PeerProcess,
    grpc_port: u16,
    http_port: u16,
}

impl RotelClickHouse {
    /// `http://127.0.0.1:<grpc port>`.
    pub fn grpc_endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.grpc_port)
    }

    /// `http://127.0.0.1:<http port>`.
    pub fn http_endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.http_port)
    }

    /// Everything rotel printed so far.
    pub fn output(&self) -> String {
        crate::rotel::strip_ansi(&self.process.output())
    }

    /// Stops rotel (kills it by PID), which flushes nothing: wait for the
    /// rows first.
    pub fn stop(&mut self) {
        self.process.kill();
    }
}

/// Splits SQL text into statements: each ends with `;` at the end of a line;
/// comments before a statement stay with it, comment-only chunks are dropped.
pub fn split_statements(sql: &str) -> Vec<String> {
    let mut statements = Vec::new();
    let mut current = String::new();
    for line in sql.lines() {
        current.push_str(line);
        current.push('\n');
        if line.trim_end().ends_with(';') {
            push_statement(&mut statements, &current);
            current.clear();
        }
    }
    push_statement(&mut statements, &current);
    statements
}

fn push_statement(statements: &mut Vec<String>, chunk: &str) {
    let has_code = chunk.lines().any(|l| {
        let l = l.trim();
        !l.is_empty() && !l.starts_with("--")
    });
    if has_code {
        let trimmed = chunk.trim().trim_end_matches(';').trim_end();
        statements.push(trimmed.to_owned());
    }
}

fn url_encode(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for b in value.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::split_statements;

    #[test]
    fn splits_statements_and_drops_comments() {
        let sql = "-- header\n\nCREATE TABLE a (x UInt8) ENGINE = Memory;\n-- c\nSELECT\n  1;\n-- trailing\n";
        assert_eq!(
            split_statements(sql),
            vec![
                "-- header\n\nCREATE TABLE a (x UInt8) ENGINE = Memory".to_owned(),
                "-- c\nSELECT\n  1".to_owned()
            ]
        );
    }
}
