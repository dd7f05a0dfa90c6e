//! [rotel](https://github.com/streamfold/rotel), an OpenTelemetry collector
//! (PyPI `rotel`), run with the `blackhole` exporter and its debug log of
//! received traces on stdout, which tests read back.

use std::path::PathBuf;
use std::process::Command;
use std::time::Duration;

use crate::util::{free_ports, venv_package_file};
use crate::{PeerError, PeerProcess};

/// How much rotel prints about the traces it receives.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Verbosity {
    /// Every span with its attributes and events.
    #[default]
    Detailed,
    /// One line per request with its span count.
    Basic,
}

/// A running rotel collector on 127.0.0.1 (OTLP gRPC and HTTP).
#[derive(Debug)]
pub struct Rotel {
    process: PeerProcess,
    grpc_port: u16,
    http_port: u16,
}

/// One span as rotel's detailed debug log shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReceivedSpan {
    /// 32 hex characters.
    pub trace_id: String,
    /// 16 hex characters.
    pub span_id: String,
    /// 16 hex characters, empty for a root span.
    pub parent_id: String,
    /// The span name.
    pub name: String,
    /// The span's whole block of the log (attributes, events, …).
    pub text: String,
}

impl ReceivedSpan {
    /// The value of string attribute `key` (`-> key: Str(value)`), if shown.
    pub fn str_attribute(&self, key: &str) -> Option<&str> {
        let needle = format!("-> {key}: Str(");
        let start = self.text.find(&needle)? + needle.len();
        let rest = &self.text[start..];
        let end = rest.find(")\n").unwrap_or(rest.len());
        Some(&rest[..end])
    }

    /// Whether the log of this span shows `text` (e.g. `-> n: Int(4)`).
    pub fn shows(&self, text: &str) -> bool {
        self.text.contains(text)
    }
}

impl Rotel {
    /// The `rotel-agent` binary installed by the `rotel` PyPI package.
    pub fn binary() -> Result<PathBuf, PeerError> {
        venv_package_file("rotel/rotel-agent")
    }

    /// Starts rotel printing every received span in detail.
    pub fn start() -> Result<Self, PeerError> {
        Self::start_with(Verbosity::Detailed, &[])
    }

    /// Starts rotel with the given debug verbosity and extra arguments.
    pub fn start_with(verbosity: Verbosity, extra_args: &[&str]) -> Result<Self, PeerError> {
        let ports = free_ports(2)?;
        Self::start_on(ports[0], ports[1], verbosity, extra_args)
    }

    /// Starts rotel on the given ports (e.g. again after [`Rotel::stop`], to
    /// simulate a collector that comes back).
    pub fn start_on(
        grpc_port: u16,
        http_port: u16,
        verbosity: Verbosity,
        extra_args: &[&str],
    ) -> Result<Self, PeerError> {
        let binary = Self::binary()?;
        let verbosity = match verbosity {
            Verbosity::Detailed => "detailed",
            Verbosity::Basic => "basic",
        };
        let mut process = PeerProcess::spawn("rotel", |dir| {
            let mut cmd = Command::new(&binary);
            cmd.arg("start")
                .arg("--otlp-grpc-endpoint")
                .arg(format!("127.0.0.1:{grpc_port}"))
                .arg("--otlp-http-endpoint")
                .arg(format!("127.0.0.1:{http_port}"))
                .args(["--debug-log", "traces", "--debug-log-verbosity", verbosity])
                .args(["--exporter", "blackhole", "--log-format", "text"])
                .arg("--pid-file")
                .arg(dir.join("rotel.pid"))
                .arg("--log-file")
                .arg(dir.join("rotel-agent.log"))
                .args(extra_args)
                .env("NO_COLOR", "1");
            cmd
        })?;
        process.wait_for_port(grpc_port, Duration::from_secs(20))?;
        process.wait_for_port(http_port, Duration::from_secs(20))?;
        Ok(Self {
            process,
            grpc_port,
            http_port,
        })
    }

    /// `http://127.0.0.1:<grpc port>`.
    pub fn grpc_endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.grpc_port)
    }

    /// `http://127.0.0.1:<http port>` (without the `/v1/traces` path).
    pub fn http_endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.http_port)
    }

    /// The gRPC port.
    pub fn grpc_port(&self) -> u16 {
        self.grpc_port
    }

    /// The HTTP port.
    pub fn http_port(&self) -> u16 {
        self.http_port
    }

    /// The process, e.g. to kill it and simulate a collector outage.
    pub fn process_mut(&mut self) -> &mut PeerProcess {
        &mut self.process
    }

    /// Everything rotel printed so far, without ANSI colour codes.
    pub fn output(&self) -> String {
        strip_ansi(&self.process.output())
    }

    /// Spans received so far (detailed verbosity).
    pub fn spans(&self) -> Vec<ReceivedSpan> {
        parse_spans(&self.output())
    }

    /// Waits until at least `n` spans were received (detailed verbosity),
    /// up to `timeout`; returns the spans received by then.
    pub fn wait_for_spans(&self, n: usize, timeout: Duration) -> Vec<ReceivedSpan> {
        let out = self
            .process
            .wait_for_output(timeout, |o| o.matches("\nSpan #").count() >= n);
        parse_spans(&strip_ansi(&out))
    }

    /// Span counts of the requests received so far (basic verbosity: one
    /// `Received traces. … spans=N` line per request).
    pub fn received_span_counts(&self) -> Vec<usize> {
        self.output()
            .lines()
            .filter(|l| l.contains("Received traces."))
            .filter_map(|l| {
                let (_, rest) = l.split_once(" spans=")?;
                rest.split_whitespace().next()?.parse().ok()
            })
            .collect()
    }

    /// Waits until the requests received (basic verbosity) hold at least `n`
    /// spans, up to `timeout`; returns the total received.
    pub fn wait_for_span_total(&self, n: usize, timeout: Duration) -> usize {
        let deadline = std::time::Instant::now() + timeout;
        loop {
            let total: usize = self.received_span_counts().iter().sum();
            if total >= n || std::time::Instant::now() >= deadline {
                return total;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Stops rotel (kills it by PID).
    pub fn stop(&mut self) {
        self.process.kill();
    }
}

/// Removes ANSI escape sequences (`ESC [ … letter`).
pub fn strip_ansi(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' && chars.peek() == Some(&'[') {
            chars.next();
            for c in chars.by_ref() {
                if c.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// Parses the spans of rotel's detailed debug output.
pub fn parse_spans(output: &str) -> Vec<ReceivedSpan> {
    let mut spans = Vec::new();
    let mut blocks = output.split("\nSpan #");
    blocks.next();
    for block in blocks {
        // The block ends where the next resource or scope starts.
        let end = ["\nResourceSpans #", "\nScopeSpans #"]
            .iter()
            .filter_map(|m| block.find(m))
            .min()
            .unwrap_or(block.len());
        let text = &block[..end];
        let field = |name: &str| {
            text.lines()
                .find_map(|l| {
                    let (k, v) = l.split_once(':')?;
                    (k.trim() == name).then(|| v.trim().to_owned())
                })
                .unwrap_or_default()
        };
        spans.push(ReceivedSpan {
            trace_id: field("Trace ID"),
            span_id: field("ID"),
            parent_id: field("Parent ID"),
            name: field("Name"),
            text: text.to_owned(),
        });
    }
    spans
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_detailed_debug_log() {
        let out = "ResourceSpans #0\nSpan #0\n    Trace ID       : 5b8e\n    Parent ID      : \n    ID             : eee1\n    Name           : hello\nAttributes:\n     -> a: Str(b)\nEvents:\nSpanEvent #0\n     -> Name: ev1\n";
        let spans = parse_spans(out);
        assert_eq!(spans.len(), 1);
        assert_eq!(spans[0].name, "hello");
        assert_eq!(spans[0].trace_id, "5b8e");
        assert_eq!(spans[0].span_id, "eee1");
        assert_eq!(spans[0].parent_id, "");
        assert_eq!(spans[0].str_attribute("a"), Some("b"));
        assert!(spans[0].shows("-> Name: ev1"));
    }

    #[test]
    fn strips_colours() {
        assert_eq!(
            strip_ansi("\u{1b}[3mspans\u{1b}[0m\u{1b}[2m=\u{1b}[0m2"),
            "spans=2"
        );
    }
}
