//! A server under test as the benchmark sees it: a child process (under
//! `taskset`, and under valgrind with `--callgrind`), its address, its log,
//! and the span counts it prints when stdin closes.

use std::io::{BufRead as _, BufReader};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use crate::variant::Variant;

/// `program`, under `taskset -c <core>` when a core is given.
pub fn pinned_command(program: &Path, core: Option<usize>) -> Command {
    match core {
        Some(core) => {
            let mut cmd = Command::new("taskset");
            cmd.arg("-c").arg(core.to_string()).arg(program);
            cmd
        }
        None => Command::new(program),
    }
}

/// A server under test, stopped by closing its stdin.
pub struct ServerProcess {
    pub child: Child,
    stdin: Option<ChildStdin>,
    lines: mpsc::Receiver<String>,
    pub addr: SocketAddr,
    pub log: PathBuf,
}

impl ServerProcess {
    pub fn start(
        dir: &Path,
        pin: bool,
        variant: Variant,
        extra_env: &[String],
        (grpc, http): (&str, &str),
        callgrind_out: Option<&Path>,
    ) -> anyhow::Result<Self> {
        let log = dir.join("server.log");
        let exe = std::env::current_exe()?;
        let mut cmd = match callgrind_out {
            Some(out) => {
                let mut cmd = pinned_command(Path::new("valgrind"), pin.then_some(0));
                cmd.args(["--tool=callgrind"])
                    .arg(format!("--callgrind-out-file={}", out.display()))
                    .arg(&exe);
                cmd
            }
            None => pinned_command(&exe, pin.then_some(0)),
        };
        cmd.args(["server", "--telemetry", variant.telemetry().arg()])
            .env_clear()
            .env(
                "PATH",
                letta_telemetry::settings::EnvSource::from_process()
                    .get("PATH")
                    .unwrap_or_default(),
            )
            .env("LETTA_DIR", dir)
            .envs(variant.env(grpc, http))
            .envs(extra_env.iter().filter_map(|kv| kv.split_once('=')))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(std::fs::File::create(&log)?);
        let mut child = cmd.spawn()?;
        let stdout = child
            .stdout
            .take()
            .ok_or_else(|| anyhow::anyhow!("no stdout"))?;
        let (send, lines) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if send.send(line).is_err() {
                    break;
                }
            }
        });
        let stdin = child.stdin.take();
        let mut server = Self {
            child,
            stdin,
            lines,
            addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            log,
        };
        let line = server
            .lines
            .recv_timeout(Duration::from_secs(120))
            .map_err(|_| server.failure("did not start"))?;
        let url = line
            .strip_prefix("listening http://")
            .ok_or_else(|| server.failure(&format!("printed {line:?}")))?;
        server.addr = url.parse()?;
        Ok(server)
    }

    fn failure(&self, what: &str) -> anyhow::Error {
        let log = std::fs::read_to_string(&self.log).unwrap_or_default();
        anyhow::anyhow!("the server {what}; its log:\n{log}")
    }

    /// Closes stdin, waits for the exit (killing it after 30 s), and
    /// returns the spans it enqueued and lost, when it counts them.
    pub fn stop(mut self) -> anyhow::Result<Option<(u64, u64)>> {
        drop(self.stdin.take());
        let deadline = Instant::now() + Duration::from_secs(30);
        while self.child.try_wait()?.is_none() {
            if Instant::now() > deadline {
                let _ = self.child.kill();
                anyhow::bail!("{}", self.failure("did not stop within 30 s"));
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        Ok(self
            .lines
            .try_iter()
            .find_map(|line| parse_span_counts(&line)))
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        if self.child.try_wait().ok().flatten().is_none() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// `(enqueued, lost)` of the server's last line
/// (`spans enqueued=N exported=N lost=N`).
fn parse_span_counts(line: &str) -> Option<(u64, u64)> {
    let rest = line.strip_prefix("spans ")?;
    let field = |name: &str| {
        rest.split_whitespace().find_map(|kv| {
            kv.strip_prefix(name)?
                .strip_prefix('=')?
                .parse::<u64>()
                .ok()
        })
    };
    Some((field("enqueued")?, field("lost")?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_servers_span_counts() {
        assert_eq!(
            parse_span_counts("spans enqueued=120 exported=118 lost=2"),
            Some((120, 2))
        );
        assert_eq!(parse_span_counts("listening http://127.0.0.1:1"), None);
    }
}
