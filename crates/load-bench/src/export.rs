//! `export`: the span export path alone, from span end to bytes acknowledged
//! by the collector. A worker process (`export-worker`, pinned to core 0)
//! starts letta-telemetry's real pipeline (batch processor, encoder,
//! exporter) towards rotel (core 1) or the trace files, ends server-shaped
//! spans as fast as it can while keeping the queue under a quarter full (a
//! drop would be the benchmark outrunning the exporter on purpose), and
//! reports wall time and CPU per span of the producing thread and of the
//! pipeline's threads. With `--param-bytes`, each span is a `#[trace_method]`
//! call with a parameter that large, through the same real pipeline. A second run leaves a full queue unexported and
//! reports the resident memory it holds per span.

use std::process::Stdio;
use std::time::{Duration, Instant};

use letta_telemetry::Settings;
use opentelemetry::KeyValue;
use opentelemetry::trace::{Span as _, SpanKind, Tracer as _};

use crate::cpu::{cpu_micros, own_rss_bytes, own_threads_cpu_nanos};
use crate::orchestrate::{pin_self_to_core, start_rotel};
use crate::server_process::pinned_command;

/// The queue size of the memory run (the default `OTEL_BSP_MAX_QUEUE_SIZE`).
const QUEUE: u64 = 8192;

/// Spans of a run with a large parameter (64 KiB or more).
const LARGE_SPANS: u64 = 500;

/// The producer waits while the queue holds more estimated bytes than
/// this: a quarter of its default byte bound (64 MiB).
const PACE_BYTES: u64 = 16 << 20;

/// Where the worker's spans go.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ExportTarget {
    /// OTLP/gRPC to rotel.
    Grpc,
    /// OTLP/HTTP protobuf to rotel.
    Http,
    /// The local OTLP-JSON trace files.
    Files,
}

/// Arguments of `export`.
#[derive(Debug, clap::Args)]
pub struct ExportArgs {
    /// Spans per throughput run.
    #[arg(long, default_value_t = 1_000_000)]
    spans: u64,
    /// Targets to measure (comma-separated).
    #[arg(long, value_delimiter = ',', default_value = "grpc,http,files")]
    targets: Vec<ExportTarget>,
    /// Do not pin the worker and rotel to separate cores.
    #[arg(long)]
    no_pin: bool,
    /// Instead of server-shaped spans, a `#[trace_method]` call per span
    /// with a string parameter of this many bytes (comma-separated sizes,
    /// one row each, gRPC only; e.g. `5000000,50000000`).
    #[arg(long, value_delimiter = ',')]
    param_bytes: Vec<usize>,
}

/// Arguments of `export-worker` (started by `export`).
#[derive(Debug, clap::Args)]
pub struct WorkerArgs {
    /// Where spans go.
    #[arg(long, value_enum)]
    target: ExportTarget,
    /// Spans to end.
    #[arg(long)]
    spans: u64,
    /// The collector's OTLP endpoint (gRPC or HTTP, per target).
    #[arg(long, default_value = "")]
    endpoint: String,
    /// Leave the spans queued and report the memory they hold.
    #[arg(long)]
    memory: bool,
    /// A `#[trace_method]` call with a parameter of this many bytes per
    /// span, instead of a server-shaped span (0).
    #[arg(long, default_value_t = 0)]
    param_bytes: usize,
}

/// Runs the export benchmark and prints its table (markdown).
pub fn run(args: ExportArgs) -> anyhow::Result<()> {
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    let pin = !args.no_pin && cores >= 2 && pin_self_to_core(1);
    let (rotel, grpc, http) = start_rotel(pin)?;
    let mut rows = vec![
        "| target | spans | lost | spans/s end to end (one core) | producer µs/span | pipeline µs/span | pipeline spans/s per core | collector µs/span |".to_owned(),
        "|---|---:|---:|---:|---:|---:|---:|---:|".to_owned(),
    ];
    let plain = args.targets.iter().map(|&t| (t, 0));
    let large = args.param_bytes.iter().map(|&n| (ExportTarget::Grpc, n));
    for (target, param_bytes) in plain.chain(large) {
        let endpoint = match target {
            ExportTarget::Grpc => grpc.as_str(),
            ExportTarget::Http => http.as_str(),
            ExportTarget::Files => "",
        };
        // a large parameter is ~2 MiB per span once cut: fewer spans
        let spans = if param_bytes >= 64 << 10 {
            args.spans.min(LARGE_SPANS)
        } else {
            args.spans
        };
        let collector_before = cpu_micros(rotel.pid())?;
        let out = worker_process(pin, target, spans, endpoint, false, param_bytes)?;
        let collector_us = cpu_micros(rotel.pid())?.saturating_sub(collector_before);
        let f = |k: &str| field(&out, k);
        let (spans, lost, wall_us) = (f("spans")?, f("lost")?, f("wall_us")?);
        let (producer_ns, pipeline_ns) = (f("producer_ns")?, f("pipeline_ns")?);
        let per_span = |ns: u64| ns as f64 / spans as f64 / 1000.0;
        let label = match param_bytes {
            0 => format!("{target:?}"),
            n => format!("{target:?}, `#[trace_method]` with a {n}-byte parameter"),
        };
        rows.push(format!(
            "| {label} | {spans} | {lost} | {:.0} | {:.2} | {:.2} | {:.0} | {} |",
            spans as f64 / (wall_us as f64 / 1e6),
            per_span(producer_ns),
            per_span(pipeline_ns),
            1e6 / per_span(pipeline_ns),
            match target {
                ExportTarget::Files => "–".to_owned(),
                _ => format!("{:.2}", collector_us as f64 / spans as f64),
            },
        ));
        eprintln!("export {label}: {out}");
    }
    let out = worker_process(pin, ExportTarget::Grpc, QUEUE / 2, &grpc, true, 0)?;
    let (queued, rss) = (field(&out, "queued")?, field(&out, "rss_growth")?);
    let estimate = field(&out, "queue_bytes")?;
    println!("{}\n", rows.join("\n"));
    println!(
        "memory: {queued} spans queued unexported hold {:.0} bytes each of resident memory \
         (a queue slot is {} bytes, the rest the span's heap; the queue's own size \
         estimate: {:.0} encoded bytes each)",
        rss as f64 / queued.max(1) as f64,
        std::mem::size_of::<opentelemetry_sdk::trace::SpanData>() + std::mem::size_of::<usize>(),
        estimate as f64 / queued.max(1) as f64,
    );
    Ok(())
}

/// Runs one worker process and returns its result line.
fn worker_process(
    pin: bool,
    target: ExportTarget,
    spans: u64,
    endpoint: &str,
    memory: bool,
    param_bytes: usize,
) -> anyhow::Result<String> {
    let exe = std::env::current_exe()?;
    let mut cmd = pinned_command(&exe, pin.then_some(0));
    cmd.arg("export-worker")
        .arg("--target")
        .arg(format!("{target:?}").to_lowercase())
        .arg("--spans")
        .arg(spans.to_string())
        .arg("--endpoint")
        .arg(endpoint)
        .arg("--param-bytes")
        .arg(param_bytes.to_string())
        .env_clear()
        .stdin(Stdio::null())
        .stderr(Stdio::inherit());
    if memory {
        cmd.arg("--memory");
    }
    let output = cmd.output()?;
    let text = String::from_utf8_lossy(&output.stdout).into_owned();
    if !output.status.success() {
        anyhow::bail!(
            "export-worker {target:?} failed ({}): {text}",
            output.status
        );
    }
    Ok(text.trim().to_owned())
}

/// The number after `key=` in a result line.
fn field(line: &str, key: &str) -> anyhow::Result<u64> {
    line.split_whitespace()
        .find_map(|kv| kv.strip_prefix(key)?.strip_prefix('='))
        .and_then(|v| v.parse().ok())
        .ok_or_else(|| anyhow::anyhow!("no {key}= in {line:?}"))
}

/// The worker: one pipeline, `spans` spans, one result line on stdout.
pub fn worker(args: WorkerArgs) -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let mut vars = vec![
        ("LETTA_DIR", dir.path().display().to_string()),
        ("OTEL_SERVICE_NAME", "letta-export-bench".to_owned()),
        ("OTEL_METRICS_EXPORTER", "none".to_owned()),
        ("OTEL_LOGS_EXPORTER", "none".to_owned()),
    ];
    let protocol = match args.target {
        ExportTarget::Grpc => Some("grpc"),
        ExportTarget::Http => Some("http/protobuf"),
        ExportTarget::Files => None,
    };
    if let Some(protocol) = protocol {
        vars.push(("OTEL_EXPORTER_OTLP_ENDPOINT", args.endpoint.clone()));
        vars.push(("OTEL_EXPORTER_OTLP_PROTOCOL", protocol.to_owned()));
    }
    // The memory run exports to a listener that never answers: the first
    // export waits out its timeout while the rest of the spans queue.
    let silent = std::net::TcpListener::bind("127.0.0.1:0")?;
    if args.memory {
        let endpoint = format!("http://{}", silent.local_addr()?);
        vars.retain(|(k, _)| !k.starts_with("OTEL_EXPORTER_OTLP_"));
        vars.push(("OTEL_EXPORTER_OTLP_ENDPOINT", endpoint));
        vars.push(("OTEL_EXPORTER_OTLP_PROTOCOL", "grpc".to_owned()));
        vars.push(("OTEL_EXPORTER_OTLP_TIMEOUT", "60000".to_owned()));
        vars.push(("OTEL_BSP_MAX_QUEUE_SIZE", QUEUE.to_string()));
    }
    let settings = Settings::builder()
        .build_from_vars(vars)
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let guard = letta_telemetry::init(settings)?;
    let tracer = opentelemetry::global::tracer("load-bench");
    let stats = letta_telemetry::traces::stats();
    let attributes = server_span_attributes();
    let parameter = "x".repeat(args.param_bytes);
    let end_one = || {
        if args.param_bytes > 0 {
            std::hint::black_box(traced_call(&parameter));
            return;
        }
        let mut span = tracer
            .span_builder("GET /v1/agents/{agent_id}")
            .with_kind(SpanKind::Server)
            .with_attributes(attributes.clone())
            .start(&tracer);
        span.end();
    };

    if args.memory {
        memory_run(&end_one, args.spans);
    }
    let me = std::process::id();
    let cpu_before = own_threads_cpu_nanos()?;
    let started = Instant::now();
    let mut ended = 0;
    while ended < args.spans {
        // large spans fill the queue's byte bound in a few: one at a time
        let burst = if args.param_bytes >= 64 << 10 {
            1
        } else {
            1024
        };
        let burst = (args.spans - ended).min(burst);
        (0..burst).for_each(|_| end_one());
        ended += burst;
        while {
            let s = stats.snapshot();
            s.queue_spans > QUEUE / 4 || s.queue_bytes > PACE_BYTES
        } {
            std::thread::sleep(Duration::from_micros(200));
        }
    }
    // the last partial batch goes now, not at the next scheduled export;
    // done when every span is acknowledged (exported) or counted lost
    guard.flush();
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let s = stats.snapshot();
        if s.spans_exported + s.spans_dropped() >= ended || Instant::now() > deadline {
            break;
        }
        std::thread::sleep(Duration::from_micros(200));
    }
    let wall = started.elapsed();
    let cpu_after = own_threads_cpu_nanos()?;
    let spent = |tid: u32| {
        let at = |list: &[(u32, u64)]| list.iter().find(|t| t.0 == tid).map_or(0, |t| t.1);
        at(&cpu_after).saturating_sub(at(&cpu_before))
    };
    let producer_ns = spent(me);
    let pipeline_ns: u64 = cpu_after
        .iter()
        .filter(|t| t.0 != me)
        .map(|t| spent(t.0))
        .sum();
    let s = stats.snapshot();
    guard.shutdown();
    println!(
        "spans={ended} exported={} lost={} wall_us={} producer_ns={producer_ns} pipeline_ns={pipeline_ns}",
        s.spans_exported,
        s.spans_dropped(),
        wall.as_micros(),
    );
    Ok(())
}

/// The memory run: `spans` spans queued behind an export that never
/// completes; prints the resident memory they hold and exits (no shutdown
/// wait for a collector that never answers).
fn memory_run(end_one: &dyn Fn(), spans: u64) -> ! {
    let stats = letta_telemetry::traces::stats();
    // one batch first, so that the export in flight (blocked) is not
    // counted in the queue's growth
    (0..1024).for_each(|_| end_one());
    std::thread::sleep(Duration::from_millis(300));
    let (before, start) = (own_rss_bytes().unwrap_or(0), stats.snapshot());
    (0..spans).for_each(|_| end_one());
    std::thread::sleep(Duration::from_millis(300));
    let end = stats.snapshot();
    let growth = own_rss_bytes().unwrap_or(0).saturating_sub(before);
    let queued = end.queue_spans.saturating_sub(start.queue_spans);
    let estimate = end.queue_bytes.saturating_sub(start.queue_bytes);
    println!(
        "queued={queued} lost={} rss_growth={growth} queue_bytes={estimate}",
        end.spans_dropped()
    );
    std::process::exit(0);
}

/// A traced call whose parameter is recorded (within the size limit).
#[letta_telemetry::trace_method]
fn traced_call(value: &str) -> usize {
    value.len()
}

/// The attributes of a read request's server span on the reference server.
fn server_span_attributes() -> Vec<KeyValue> {
    vec![
        KeyValue::new("http.request.method", "GET"),
        KeyValue::new(
            "url.path",
            "/v1/agents/agent-6f0c2d9e-1b7a-4c55-9d0e-3a1f2b4c5d6e",
        ),
        KeyValue::new("http.route", "/v1/agents/{agent_id}"),
        KeyValue::new("url.scheme", "http"),
        KeyValue::new("server.address", "127.0.0.1"),
        KeyValue::new("server.port", 8283_i64),
        KeyValue::new("network.protocol.version", "1.1"),
        KeyValue::new("client.address", "127.0.0.1"),
        KeyValue::new("user_agent.original", "load-bench"),
        KeyValue::new("http.response.status_code", 200_i64),
        KeyValue::new("agent_id", "agent-6f0c2d9e-1b7a-4c55-9d0e-3a1f2b4c5d6e"),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_fields_of_a_result_line() {
        let line = "spans=10 exported=9 lost=1 wall_us=5";
        assert_eq!(field(line, "lost").ok(), Some(1));
        assert_eq!(field(line, "spans").ok(), Some(10));
        assert!(field(line, "pipeline_ns").is_err());
    }
}
