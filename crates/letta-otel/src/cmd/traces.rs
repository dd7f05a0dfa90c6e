//! `letta-otel traces list | show <trace_id> | stats`.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context as _;
use clap::{Args, Subcommand, ValueEnum};

use crate::traces::{
    self, ShowOptions, Source, TraceError, TraceQuery, group_traces, render_list, render_show,
    render_stats, route_stats,
};

/// Arguments of `traces`.
#[derive(Debug, Args)]
pub struct TracesArgs {
    #[command(subcommand)]
    action: Action,
    /// Where to read traces from.
    #[arg(long, value_enum, default_value_t = SourceKind::File, global = true)]
    source: SourceKind,
    /// OTLP-JSON lines file (default `<LETTA_DIR>/logs/traces.json`).
    #[arg(long, global = true)]
    file: Option<PathBuf>,
    /// Keep only the reference's UI spans: `agent_step`, tool executions,
    /// root spans and `time_to_first_token`.
    #[arg(long, global = true)]
    ui: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum SourceKind {
    /// OTLP-JSON lines file (ours or the collector's file exporter).
    File,
    /// The collector's ClickHouse tables (`CLICKHOUSE_*` variables).
    Clickhouse,
}

#[derive(Debug, Subcommand)]
enum Action {
    /// Recent traces: start, id, duration, span count, status, root name.
    List {
        /// How many traces to show.
        #[arg(long, default_value_t = 20)]
        limit: usize,
    },
    /// One trace as an indented waterfall.
    Show {
        /// The trace id (32 hex digits), or `slowest` / `latest`.
        trace_id: String,
    },
    /// Per-route latency percentiles and error rates.
    Stats,
}

/// The default traces file: `<LETTA_DIR>/logs/traces.json`.
pub fn default_traces_file() -> anyhow::Result<PathBuf> {
    let settings = letta_telemetry::Settings::from_env()
        .context("cannot read LETTA_DIR from the settings; pass --file <path> instead")?;
    Ok(settings.logs_dir().join("traces.json"))
}

/// Runs `traces`.
pub async fn run(args: TracesArgs) -> anyhow::Result<ExitCode> {
    let source = match args.source {
        SourceKind::File => Source::File(match args.file {
            Some(file) => file,
            None => default_traces_file()?,
        }),
        SourceKind::Clickhouse => Source::ClickHouse,
    };
    let query = match &args.action {
        Action::Show { trace_id } if is_trace_id(trace_id) => TraceQuery {
            trace_id: Some(trace_id.to_ascii_lowercase()),
            ..TraceQuery::default()
        },
        Action::Show { trace_id } if trace_id != "slowest" && trace_id != "latest" => {
            anyhow::bail!(
                "trace id {trace_id:?} is not valid: expected 32 hex digits, `slowest` or `latest`"
            );
        }
        Action::List { limit } => TraceQuery {
            limit_traces: Some(*limit),
            ..TraceQuery::default()
        },
        _ => TraceQuery::default(),
    };
    let loaded = traces::load(&source, &query).await?;
    if let Some(note) = loaded.skipped_note() {
        eprintln!("warning: {note}");
    }
    let mut spans = loaded.spans;
    match args.action {
        Action::List { limit } => {
            if args.ui {
                spans.retain(traces::is_ui_span);
            }
            print!("{}", render_list(&group_traces(spans), limit));
        }
        Action::Show { trace_id } => {
            let all = group_traces(spans);
            let trace = match trace_id.as_str() {
                "slowest" => all.iter().max_by_key(|t| t.duration_ns()),
                "latest" => all.last(),
                _ => all
                    .iter()
                    .find(|t| t.trace_id == trace_id.to_ascii_lowercase()),
            }
            .ok_or(TraceError::TraceNotFound { trace_id })?;
            print!("{}", render_show(trace, ShowOptions { ui_only: args.ui }));
        }
        Action::Stats => {
            print!("{}", render_stats(&route_stats(&spans)));
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn is_trace_id(value: &str) -> bool {
    value.len() == 32 && value.bytes().all(|b| b.is_ascii_hexdigit())
}
