//! `run`: starts rotel once, then, round after round, a fresh server per
//! route and variant (variants in a rotated order each round), drives it,
//! reads its CPU accounting, and prints the table.

use std::io::{BufRead as _, BufReader};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use test_peers::{PeerProcess, Rotel};

use crate::cpu::{cpu_micros, peak_rss_kib};
use crate::load::{Limit, Target, create_agent, drive};
use crate::report::{Sample, table};
use crate::variant::{Route, Variant};

/// Arguments of `run`.
#[derive(Debug, clap::Args)]
pub struct RunArgs {
    /// Rounds; each measures every route and variant once.
    #[arg(long, default_value_t = 5)]
    rounds: usize,
    /// Seconds measured per run.
    #[arg(long, default_value_t = 4.0)]
    seconds: f64,
    /// Seconds of load before measuring (caches, pools, JIT-free warm-up).
    #[arg(long, default_value_t = 1.0)]
    warmup: f64,
    /// Concurrent keep-alive connections.
    #[arg(long, default_value_t = 16)]
    connections: usize,
    /// Variants to measure (comma-separated).
    #[arg(
        long,
        value_delimiter = ',',
        default_value = "bare,off,ratio-0.01,unsampled-parent,files,grpc,http,peer-grpc"
    )]
    variants: Vec<Variant>,
    /// Routes to drive (comma-separated).
    #[arg(long, value_delimiter = ',', default_value = "read,message,sse")]
    routes: Vec<Route>,
    /// Extra `KEY=VALUE` for every server (e.g. a tuning variable).
    #[arg(long = "server-env")]
    server_env: Vec<String>,
    /// Do not pin the server and the load to separate cores.
    #[arg(long)]
    no_pin: bool,
    /// Count instructions instead of CPU time: the server runs under
    /// valgrind's callgrind, its counters zeroed after a warm-up and dumped
    /// after `--requests` requests and 6 s for their export (repeatable,
    /// user space only, ~50× slower).
    #[arg(long)]
    callgrind: bool,
    /// Requests counted per run with `--callgrind`.
    #[arg(long, default_value_t = 2000)]
    requests: u64,
    /// Record a CPU profile of each measured run with `perf record`
    /// (`cpu-clock`, DWARF call graphs) into this directory, as
    /// `<route>-<variant>-<round>.data`.
    #[arg(long)]
    perf_dir: Option<PathBuf>,
}

/// Runs the benchmark.
pub fn run(args: RunArgs) -> anyhow::Result<()> {
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    let pin = !args.no_pin && cores >= 2 && pin_self_to_core(1);
    eprintln!(
        "load-bench: {} rounds × {} routes × {} variants, {} s each, {} connections, {}",
        args.rounds,
        args.routes.len(),
        args.variants.len(),
        args.seconds,
        args.connections,
        if pin {
            "server on core 0, load and collector on core 1"
        } else {
            "not pinned"
        }
    );
    let collector = if args.variants.iter().any(|v| v.needs_collector()) {
        Some(start_rotel(pin)?)
    } else {
        None
    };
    let (grpc, http) = collector
        .as_ref()
        .map(|(_, g, h)| (g.clone(), h.clone()))
        .unwrap_or_default();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let unit = if args.callgrind { "kIr" } else { "µs" };
    let mut samples = Vec::new();
    for round in 0..args.rounds {
        for &route in &args.routes {
            for i in 0..args.variants.len() {
                let variant = args.variants[(i + round) % args.variants.len()];
                let sample = measure(&runtime, &args, pin, round, route, variant, &grpc, &http)?;
                eprintln!(
                    "round {} {route} {variant}: {:.1} {unit}/req, {:.0} req/s",
                    round + 1,
                    sample.cost,
                    sample.rps
                );
                samples.push(sample);
            }
        }
    }
    println!("{}", table(&samples, &args.routes, &args.variants, unit));
    Ok(())
}

/// Pins every thread of this process to `core` (`taskset`); false when
/// that is not possible here.
fn pin_self_to_core(core: usize) -> bool {
    Command::new("taskset")
        .args([
            "-a",
            "-cp",
            &core.to_string(),
            &std::process::id().to_string(),
        ])
        .stdout(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// rotel with its blackhole exporter (and no debug log), on core 1 when
/// pinned; returns it and its gRPC and HTTP endpoints.
fn start_rotel(pin: bool) -> anyhow::Result<(PeerProcess, String, String)> {
    let binary = Rotel::binary()?;
    let ports = test_peers::util::free_ports(2)?;
    let mut process = PeerProcess::spawn("rotel-load", |dir| {
        let mut cmd = pinned_command(&binary, pin.then_some(1));
        cmd.arg("start")
            .arg("--otlp-grpc-endpoint")
            .arg(format!("127.0.0.1:{}", ports[0]))
            .arg("--otlp-http-endpoint")
            .arg(format!("127.0.0.1:{}", ports[1]))
            .args(["--exporter", "blackhole", "--log-format", "text"])
            .arg("--pid-file")
            .arg(dir.join("rotel.pid"))
            .arg("--log-file")
            .arg(dir.join("rotel-agent.log"));
        cmd
    })?;
    for port in &ports {
        process.wait_for_port(*port, Duration::from_secs(20))?;
    }
    Ok((
        process,
        format!("http://127.0.0.1:{}", ports[0]),
        format!("http://127.0.0.1:{}", ports[1]),
    ))
}

/// `program`, under `taskset -c <core>` when a core is given.
fn pinned_command(program: &Path, core: Option<usize>) -> Command {
    match core {
        Some(core) => {
            let mut cmd = Command::new("taskset");
            cmd.arg("-c").arg(core.to_string()).arg(program);
            cmd
        }
        None => Command::new(program),
    }
}

/// One run: a fresh server for `variant`, an agent, warm-up load, then
/// measured load.
#[allow(clippy::too_many_arguments)]
fn measure(
    runtime: &tokio::runtime::Runtime,
    args: &RunArgs,
    pin: bool,
    round: usize,
    route: Route,
    variant: Variant,
    grpc: &str,
    http: &str,
) -> anyhow::Result<Sample> {
    let dir = tempfile::tempdir()?;
    let callgrind_out = args.callgrind.then(|| dir.path().join("callgrind.out"));
    let server = ServerProcess::start(
        dir.path(),
        pin,
        variant,
        &args.server_env,
        (grpc, http),
        callgrind_out.as_deref(),
    )?;
    let pid = server.child.id();
    let name = format!("{route}-{variant}-{round}");
    let result = runtime.block_on(async {
        let agent_id = create_agent(server.addr).await?;
        let target = Target {
            addr: server.addr,
            agent_id,
            route,
            traceparent: variant.traceparent(),
        };
        let (warmup, measured) = if args.callgrind {
            (
                Limit::Count(args.requests / 10 + 20),
                Limit::Count(args.requests),
            )
        } else {
            (
                Limit::Time(Duration::from_secs_f64(args.warmup)),
                Limit::Time(Duration::from_secs_f64(args.seconds)),
            )
        };
        let warm = drive(&target, args.connections, warmup).await;
        let profile = match &args.perf_dir {
            Some(dir) if !args.callgrind => {
                Some(Profiler::attach(pid, &dir.join(format!("{name}.data")))?)
            }
            _ => None,
        };
        if args.callgrind {
            callgrind_control(pid, "--zero")?;
        }
        let cpu_before = cpu_micros(pid)?;
        let started = Instant::now();
        let tally = drive(&target, args.connections, measured).await;
        let elapsed = started.elapsed().as_secs_f64();
        let mut cost = (cpu_micros(pid)? - cpu_before) as f64;
        if let Some(profile) = profile {
            profile.finish()?;
        }
        if let Some(out) = &callgrind_out {
            // settle: spans ended by these requests are exported too
            tokio::time::sleep(Duration::from_secs(6)).await;
            callgrind_control(pid, &format!("--dump={name}"))?;
            let dump = callgrind_dump(out)?;
            cost = callgrind_total(&std::fs::read_to_string(&dump)?)
                .ok_or_else(|| anyhow::anyhow!("no total in {}", dump.display()))?
                as f64
                / 1000.0;
            if let Some(keep) = &args.perf_dir {
                std::fs::create_dir_all(keep)?;
                std::fs::copy(&dump, keep.join(format!("{name}.callgrind")))?;
            }
        }
        anyhow::Ok((warm, tally, elapsed, cost))
    });
    let rss = peak_rss_kib(pid).map(|k| k as f64 / 1024.0);
    let (warm, tally, elapsed, cpu) = match result {
        Ok(measured) => measured,
        Err(e) => {
            let log = std::fs::read_to_string(&server.log).unwrap_or_default();
            return Err(e.context(format!("{variant} on {route}; server log:\n{log}")));
        }
    };
    anyhow::ensure!(tally.ok > 0, "{variant} on {route}: no request answered");
    let spans = server.stop()?;
    let requests = (warm.ok + tally.ok + 1) as f64;
    Ok(Sample {
        round,
        route,
        variant,
        cost: cpu / tally.ok as f64,
        rps: tally.ok as f64 / elapsed,
        failed: warm.failed + tally.failed,
        spans_per_request: spans.map(|(enqueued, _)| enqueued as f64 / requests),
        spans_lost: spans.map(|(_, lost)| lost),
        peak_rss_mib: rss,
    })
}

/// `perf record` attached to a server for the measured run.
struct Profiler(Child);

impl Profiler {
    fn attach(pid: u32, out: &Path) -> anyhow::Result<Self> {
        if let Some(dir) = out.parent() {
            std::fs::create_dir_all(dir)?;
        }
        let child = Command::new("perf")
            .args([
                "record",
                "-e",
                "cpu-clock",
                "-F",
                "1999",
                "--call-graph",
                "dwarf,32768",
            ])
            .arg("-p")
            .arg(pid.to_string())
            .arg("-o")
            .arg(out)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| anyhow::anyhow!("perf record: {e} (Debian: linux-perf)"))?;
        // perf needs a moment to attach
        std::thread::sleep(Duration::from_millis(300));
        Ok(Self(child))
    }

    /// Stops the recording (SIGINT, which perf ends cleanly on).
    fn finish(mut self) -> anyhow::Result<()> {
        Command::new("kill")
            .args(["-INT", &self.0.id().to_string()])
            .status()?;
        self.0.wait()?;
        Ok(())
    }
}

/// `callgrind_control <action> <pid>`.
fn callgrind_control(pid: u32, action: &str) -> anyhow::Result<()> {
    let status = Command::new("callgrind_control")
        .arg(action)
        .arg(pid.to_string())
        .stdout(Stdio::null())
        .status()?;
    anyhow::ensure!(status.success(), "callgrind_control {action}: {status}");
    Ok(())
}

/// The first dump callgrind wrote next to `out` (`<out>.<pid>.1`, or
/// `<out>.1`).
fn callgrind_dump(out: &Path) -> anyhow::Result<PathBuf> {
    let dir = out.parent().unwrap_or(Path::new("."));
    let stem = out.file_name().and_then(|n| n.to_str()).unwrap_or_default();
    let mut dumps: Vec<PathBuf> = std::fs::read_dir(dir)?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with(stem) && n.ends_with(".1"))
        })
        .collect();
    dumps.sort();
    dumps
        .pop()
        .ok_or_else(|| anyhow::anyhow!("callgrind wrote no dump in {}", dir.display()))
}

/// The instruction total of a callgrind dump (`summary:` or `totals:`).
fn callgrind_total(dump: &str) -> Option<u64> {
    dump.lines()
        .find_map(|l| {
            l.strip_prefix("summary:")
                .or_else(|| l.strip_prefix("totals:"))
        })
        .and_then(|v| v.split_whitespace().next()?.parse().ok())
}

/// A server under test, stopped by closing its stdin.
struct ServerProcess {
    child: Child,
    stdin: Option<ChildStdin>,
    lines: mpsc::Receiver<String>,
    addr: SocketAddr,
    log: PathBuf,
}

impl ServerProcess {
    fn start(
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
    fn stop(mut self) -> anyhow::Result<Option<(u64, u64)>> {
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
