//! Background runs at shutdown: drained within the deadline, the rest
//! marked failed with a reason (never left `running`), and runs an earlier
//! process left unfinished marked failed when the server starts again.

use std::time::{Duration, Instant};

use letta_server::{LlmEndpoint, RunningServer, Server, ServerConfig};
use serde_json::{Value, json};

/// Starts the server on `dir` (its SQLite database) with a model that
/// answers after `first_token` and a drain deadline of `drain`.
async fn start(dir: &tempfile::TempDir, first_token: Duration, drain: Duration) -> RunningServer {
    Server::start(config(dir, first_token, drain))
        .await
        .expect("server starts")
}

/// The server again on the same database, with a fast model.
async fn restart(dir: &tempfile::TempDir) -> RunningServer {
    start(dir, Duration::from_millis(1), Duration::from_secs(5)).await
}

fn config(dir: &tempfile::TempDir, first_token: Duration, drain: Duration) -> ServerConfig {
    ServerConfig {
        listen: "127.0.0.1:0".parse().expect("loopback address"),
        letta_dir: dir.path().to_owned(),
        llm: LlmEndpoint::Offline {
            first_token_latency: first_token,
            inter_chunk_latency: Duration::from_millis(1),
        },
        shutdown_timeout: drain,
        ..ServerConfig::default()
    }
}

async fn start_run(client: &reqwest::Client, base: &str) -> String {
    let agent: Value = client
        .post(format!("{base}/v1/agents"))
        .json(&json!({"name": "bg"}))
        .send()
        .await
        .expect("create")
        .json()
        .await
        .expect("json");
    let id = agent["id"].as_str().expect("agent id");
    let run: Value = client
        .post(format!("{base}/v1/agents/{id}/messages/async"))
        .json(&json!({"messages": [{"role": "user", "content": "hello"}]}))
        .send()
        .await
        .expect("async")
        .json()
        .await
        .expect("json");
    run["id"].as_str().expect("run id").to_owned()
}

async fn run_status(client: &reqwest::Client, base: &str, run: &str) -> Value {
    client
        .get(format!("{base}/v1/runs/{run}"))
        .send()
        .await
        .expect("get run")
        .json()
        .await
        .expect("json")
}

#[tokio::test]
async fn a_run_still_going_at_the_drain_deadline_is_marked_failed_with_a_reason() {
    let dir = tempfile::tempdir().expect("tempdir");
    let client = reqwest::Client::new();
    // The model answers after 30 s; the drain deadline is 300 ms.
    let server = start(&dir, Duration::from_secs(30), Duration::from_millis(300)).await;
    let base = server.base_url();
    let run = start_run(&client, &base).await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(run_status(&client, &base, &run).await["status"], "running");

    let started = Instant::now();
    let drained = server.shutdown().await;
    assert!(!drained, "a run was cut short");
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "{:?}",
        started.elapsed()
    );

    let server = restart(&dir).await;
    let base = server.base_url();
    let after = run_status(&client, &base, &run).await;
    assert_eq!(after["status"], "failed", "{after}");
    assert!(
        after["error"]
            .as_str()
            .is_some_and(|e| e.starts_with("cancelled: the server shut down")),
        "{after}"
    );
    assert!(server.shutdown().await);
}

#[tokio::test]
async fn runs_that_finish_within_the_deadline_complete() {
    let dir = tempfile::tempdir().expect("tempdir");
    let client = reqwest::Client::new();
    let server = start(&dir, Duration::from_millis(300), Duration::from_secs(10)).await;
    let base = server.base_url();
    let run = start_run(&client, &base).await;
    assert!(server.shutdown().await, "drained in time");
    let server = restart(&dir).await;
    let after = run_status(&client, &server.base_url(), &run).await;
    assert_eq!(after["status"], "completed", "{after}");
    assert!(server.shutdown().await);
}

#[tokio::test]
async fn runs_left_running_by_a_killed_process_are_failed_at_startup() {
    let dir = tempfile::tempdir().expect("tempdir");
    let client = reqwest::Client::new();
    let server = start(&dir, Duration::from_secs(30), Duration::from_secs(5)).await;
    let base = server.base_url();
    let run = start_run(&client, &base).await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    // A crash: the process goes without a shutdown (the task is aborted
    // with the runtime of this test; the row stays `running`).
    std::mem::forget(server);
    let server = restart(&dir).await;
    let after = run_status(&client, &server.base_url(), &run).await;
    assert_eq!(after["status"], "failed", "{after}");
    assert!(
        after["error"]
            .as_str()
            .is_some_and(|e| e.starts_with("interrupted")),
        "{after}"
    );
}
