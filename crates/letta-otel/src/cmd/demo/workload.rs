//! The demo's mixed workload: agents, blocking and streamed messages,
//! background runs, reads, and some failing requests.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressStyle};
use serde_json::{Value, json};
use tokio::sync::Mutex;

/// How much work to do.
#[derive(Debug, Clone, Copy)]
pub struct Plan {
    /// Requests to send (unless `duration` is set).
    pub requests: usize,
    /// Send requests for this long instead.
    pub duration: Option<Duration>,
    /// Requests in flight at once.
    pub concurrency: usize,
    /// Draw a progress bar.
    pub show_progress: bool,
}

/// What the client saw.
#[derive(Debug, Default)]
pub struct Tally {
    /// Requests sent.
    pub sent: usize,
    /// 2xx answers.
    pub succeeded: usize,
    /// 4xx answers.
    pub client_errors: usize,
    /// 5xx answers.
    pub server_errors: usize,
    /// Requests that got no answer.
    pub transport_errors: usize,
    /// Background runs started / finished.
    pub runs_started: usize,
    /// Background runs that reached `completed` or `failed`.
    pub runs_finished: usize,
    /// Wall time of the workload.
    pub elapsed: Duration,
}

impl Tally {
    /// One paragraph for the summary.
    pub fn render(&self) -> String {
        format!(
            "Workload: {} requests in {:.1}s ({:.0} req/s): {} ok, {} 4xx, {} 5xx, {} without answer; \
             {} background runs, {} finished",
            self.sent,
            self.elapsed.as_secs_f64(),
            self.sent as f64 / self.elapsed.as_secs_f64().max(1e-3),
            self.succeeded,
            self.client_errors,
            self.server_errors,
            self.transport_errors,
            self.runs_started,
            self.runs_finished,
        )
    }
}

const MESSAGES: &[&str] = &[
    "hello, who are you?",
    "please add 17 and 25",
    "what is the weather in Oslo?",
    "count the words in this sentence please",
    "tell me something nice",
];

/// Runs the workload against `base` (e.g. `http://127.0.0.1:1234`).
pub async fn run(base: &str, plan: Plan) -> Tally {
    let client = reqwest::Client::new();
    let started = Instant::now();
    let tally = Arc::new(Mutex::new(Tally::default()));
    let agents = create_agents(&client, base, &tally).await;
    let bar = progress_bar(plan);
    let next = Arc::new(AtomicUsize::new(0));
    let runs = Arc::new(Mutex::new(Vec::<String>::new()));
    let mut workers = Vec::new();
    for _ in 0..plan.concurrency {
        let (client, base, agents) = (client.clone(), base.to_owned(), agents.clone());
        let (tally, next, runs, bar) = (tally.clone(), next.clone(), runs.clone(), bar.clone());
        workers.push(tokio::spawn(async move {
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let more = match plan.duration {
                    Some(d) => started.elapsed() < d,
                    None => i < plan.requests,
                };
                if !more {
                    break;
                }
                let agent = agents
                    .get(i % agents.len().max(1))
                    .cloned()
                    .unwrap_or_default();
                let outcome = one_request(&client, &base, &agent, i).await;
                let mut t = tally.lock().await;
                t.sent += 1;
                match outcome.status {
                    Some(s) if s < 400 => t.succeeded += 1,
                    Some(s) if s < 500 => t.client_errors += 1,
                    Some(_) => t.server_errors += 1,
                    None => t.transport_errors += 1,
                }
                if let Some(run) = outcome.run_id {
                    t.runs_started += 1;
                    runs.lock().await.push(run);
                }
                drop(t);
                bar.inc(1);
            }
        }));
    }
    for worker in workers {
        let _ = worker.await;
    }
    bar.finish_and_clear();
    let runs = runs.lock().await.clone();
    let finished = wait_for_runs(&client, base, &runs).await;
    let mut t = tally.lock().await;
    t.runs_finished = finished;
    t.elapsed = started.elapsed();
    std::mem::take(&mut *t)
}

fn progress_bar(plan: Plan) -> ProgressBar {
    if !plan.show_progress {
        return ProgressBar::hidden();
    }
    let bar = match plan.duration {
        Some(_) => ProgressBar::new_spinner(),
        None => ProgressBar::new(plan.requests as u64),
    };
    if let Ok(style) = ProgressStyle::with_template(
        "{spinner} [{elapsed_precise}] {bar:40} {pos}/{len} requests ({per_sec})",
    ) {
        bar.set_style(style);
    }
    bar.enable_steady_tick(Duration::from_millis(100));
    bar
}

async fn create_agents(client: &reqwest::Client, base: &str, tally: &Mutex<Tally>) -> Vec<String> {
    let mut agents = Vec::new();
    for i in 0..4 {
        let response = client
            .post(format!("{base}/v1/agents"))
            .header("x-organization-id", "org-demo")
            .header("x-project-id", format!("project-{}", i % 2))
            .json(&json!({"name": format!("demo agent {i}")}))
            .send()
            .await;
        let mut t = tally.lock().await;
        t.sent += 1;
        match response {
            Ok(r) if r.status().is_success() => {
                t.succeeded += 1;
                if let Ok(body) = r.json::<Value>().await
                    && let Some(id) = body["id"].as_str()
                {
                    agents.push(id.to_owned());
                }
            }
            Ok(r) if r.status().is_client_error() => t.client_errors += 1,
            Ok(_) => t.server_errors += 1,
            Err(_) => t.transport_errors += 1,
        }
    }
    agents
}

struct Outcome {
    status: Option<u16>,
    run_id: Option<String>,
}

/// Request `i` of the mix (a fixed pattern of 20).
async fn one_request(client: &reqwest::Client, base: &str, agent: &str, i: usize) -> Outcome {
    let text = MESSAGES[i % MESSAGES.len()];
    let body = |t: &str| json!({"messages": [{"role": "user", "content": t}]});
    let with_headers = |r: reqwest::RequestBuilder| {
        r.header("x-organization-id", "org-demo")
            .header("x-project-id", format!("project-{}", i % 2))
            .header("x-agent-id", agent)
            .header("user-agent", "letta-otel-demo")
    };
    let messages = format!("{base}/v1/agents/{agent}/messages");
    let request = match i % 20 {
        0..=7 => with_headers(client.post(&messages)).json(&body(text)),
        8..=10 | 19 => with_headers(client.post(format!("{messages}/stream"))).json(&body(text)),
        11 | 12 => with_headers(client.post(format!("{messages}/async"))).json(&body(text)),
        13 => with_headers(client.get(format!("{base}/v1/agents/{agent}"))),
        14 => with_headers(client.get(format!("{base}/v1/agents?limit=10"))),
        15 => with_headers(client.post(format!(
            "{base}/v1/agents/agent-00000000-0000-0000-0000-000000000000/messages"
        )))
        .json(&body(text)),
        16 => with_headers(client.post(&messages))
            .header("content-type", "application/json")
            .body("{\"messages\": [oops"),
        17 => with_headers(client.post(&messages)).json(&body("trigger a provider-error please")),
        _ => with_headers(client.post(&messages)).json(&body("use the broken tool")),
    };
    match request.send().await {
        Ok(response) => {
            let status = response.status().as_u16();
            // Read the whole body: streams end when their last event arrives.
            let text = response.text().await.unwrap_or_default();
            let run_id = (i % 20 == 11 || i % 20 == 12)
                .then(|| serde_json::from_str::<Value>(&text).ok())
                .flatten()
                .and_then(|v| v["id"].as_str().map(str::to_owned));
            Outcome {
                status: Some(status),
                run_id,
            }
        }
        Err(_) => Outcome {
            status: None,
            run_id: None,
        },
    }
}

/// Polls every run until it is `completed` or `failed` (10 s at most);
/// returns how many finished.
async fn wait_for_runs(client: &reqwest::Client, base: &str, runs: &[String]) -> usize {
    let deadline = Instant::now() + Duration::from_secs(10);
    let mut finished = 0;
    for run in runs {
        while Instant::now() < deadline {
            let status = match client.get(format!("{base}/v1/runs/{run}")).send().await {
                Ok(r) => r
                    .json::<Value>()
                    .await
                    .ok()
                    .and_then(|v| v["status"].as_str().map(str::to_owned)),
                Err(_) => None,
            };
            if matches!(status.as_deref(), Some("completed" | "failed")) {
                finished += 1;
                break;
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
    }
    finished
}
