//! `run`: starts rotel once, then, round after round, a fresh server per
//! route and variant (variants in a rotated order each round), drives it,
//! reads its CPU accounting, and prints the table.

use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use test_peers::{PeerProcess, Rotel};

use crate::cpu::{ThreadGroups, context_switches, cpu_micros, peak_rss_kib, thread_groups};
use crate::load::{Limit, Target, create_agent, drive};
use crate::profile::{Profiler, callgrind_control, callgrind_dump, callgrind_total};
use crate::report::{Sample, ThreadTimes, table};
use crate::server_process::{ServerProcess, pinned_command};
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
        default_value = "bare,off,off-parent,ratio-0.01,unsampled-parent,files,grpc,http,peer-grpc,peer-ratio-0.01"
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
pub fn pin_self_to_core(core: usize) -> bool {
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
pub fn start_rotel(pin: bool) -> anyhow::Result<(PeerProcess, String, String)> {
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
        let switches_before = context_switches(pid)?;
        let groups_before = thread_groups(pid)?;
        let cpu_before = cpu_micros(pid)?;
        let started = Instant::now();
        let tally = drive(&target, args.connections, measured).await;
        let elapsed = started.elapsed().as_secs_f64();
        let mut cost = (cpu_micros(pid)? - cpu_before) as f64;
        let switches = context_switches(pid)?.saturating_sub(switches_before);
        // under valgrind threads take turns on one lock: their times say
        // nothing of where the time goes
        let groups = (!args.callgrind)
            .then(|| thread_groups(pid).map(|now| now.since(groups_before)))
            .transpose()?;
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
        anyhow::Ok((warm, tally, elapsed, cost, switches, groups))
    });
    let rss = peak_rss_kib(pid).map(|k| k as f64 / 1024.0);
    let (warm, tally, elapsed, cpu, switches, groups) = match result {
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
        switches_per_request: switches as f64 / tally.ok as f64,
        threads: groups.map(|g| per_request(g, tally.ok)),
        failed: warm.failed + tally.failed,
        spans_per_request: spans.map(|(enqueued, _)| enqueued as f64 / requests),
        spans_lost: spans.map(|(_, lost)| lost),
        peak_rss_mib: rss,
    })
}

/// Thread-group CPU in µs per answered request.
fn per_request(groups: ThreadGroups, requests: u64) -> ThreadTimes {
    let us = |ns: u64| ns as f64 / 1000.0 / requests as f64;
    ThreadTimes {
        serving: us(groups.serving),
        db: us(groups.db),
        telemetry: us(groups.telemetry),
    }
}
