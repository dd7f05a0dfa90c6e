//! The load generator: keep-alive HTTP/1.1 connections, each sending its
//! next request as soon as the last response's body is read, for a fixed
//! time. hyper's client connection alone (no pool, no middleware) keeps
//! the generator's own cost low, since it shares a core with the collector.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::{BodyExt as _, Full};
use hyper::client::conn::http1;
use hyper::{Request, StatusCode};
use hyper_util::rt::TokioIo;
use tokio::net::TcpStream;

use crate::variant::Route;

/// The user message of the message routes: the offline model answers it
/// with a `get_weather` tool call, then a text answer (two model calls and
/// a tool per step).
const MESSAGE: &str = r#"{"messages":[{"role":"user","content":"What's the weather in Paris?"}]}"#;

/// What the generator sends.
#[derive(Debug, Clone)]
pub struct Target {
    /// The server.
    pub addr: SocketAddr,
    /// The agent the routes address.
    pub agent_id: String,
    /// The route.
    pub route: Route,
    /// A `traceparent` header for every request, if any.
    pub traceparent: Option<&'static str>,
}

impl Target {
    fn request(&self) -> Request<Full<Bytes>> {
        let (method, path, body) = match self.route {
            Route::Read => ("GET", format!("/v1/agents/{}", self.agent_id), ""),
            Route::Message => (
                "POST",
                format!("/v1/agents/{}/messages", self.agent_id),
                MESSAGE,
            ),
            Route::Sse => (
                "POST",
                format!("/v1/agents/{}/messages/stream", self.agent_id),
                MESSAGE,
            ),
        };
        let mut builder = Request::builder()
            .method(method)
            .uri(path)
            .header("host", self.addr.to_string())
            .header("user-agent", "load-bench/1");
        if !body.is_empty() {
            builder = builder.header("content-type", "application/json");
        }
        if let Some(traceparent) = self.traceparent {
            builder = builder.header("traceparent", traceparent);
        }
        builder
            .body(Full::new(Bytes::from_static(body.as_bytes())))
            .unwrap_or_default()
    }
}

/// Requests answered during a run.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally {
    /// Answered 2xx, body read to the end.
    pub ok: u64,
    /// Answered otherwise, or failed on the connection.
    pub failed: u64,
}

/// How long a drive lasts.
#[derive(Debug, Clone, Copy)]
pub enum Limit {
    /// For this long.
    Time(Duration),
    /// Until this many requests were sent (for instruction counts).
    Count(u64),
}

/// The shared stop condition of a drive's connections.
struct Budget {
    deadline: Option<Instant>,
    left: AtomicU64,
}

impl Budget {
    /// Whether another request may be sent (taking it from the count).
    fn take(&self) -> bool {
        match self.deadline {
            Some(deadline) => Instant::now() < deadline,
            None => self
                .left
                .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |n| n.checked_sub(1))
                .is_ok(),
        }
    }
}

/// Drives `target` over `connections` connections until `limit`.
pub async fn drive(target: &Target, connections: usize, limit: Limit) -> Tally {
    let budget = Arc::new(match limit {
        Limit::Time(duration) => Budget {
            deadline: Some(Instant::now() + duration),
            left: AtomicU64::new(0),
        },
        Limit::Count(n) => Budget {
            deadline: None,
            left: AtomicU64::new(n),
        },
    });
    let target = Arc::new(target.clone());
    let tasks: Vec<_> = (0..connections.max(1))
        .map(|_| tokio::spawn(connection(Arc::clone(&target), Arc::clone(&budget))))
        .collect();
    let mut tally = Tally::default();
    for task in tasks {
        if let Ok(t) = task.await {
            tally.ok += t.ok;
            tally.failed += t.failed;
        }
    }
    tally
}

/// One connection's loop; reconnects after a failure.
async fn connection(target: Arc<Target>, budget: Arc<Budget>) -> Tally {
    let mut tally = Tally::default();
    let mut sender = None;
    while budget.take() {
        if sender.is_none() {
            match connect(target.addr).await {
                Ok(s) => sender = Some(s),
                Err(_) => {
                    tally.failed += 1;
                    tokio::time::sleep(Duration::from_millis(10)).await;
                    continue;
                }
            }
        }
        let Some(s) = sender.as_mut() else { continue };
        match exchange(s, target.request()).await {
            Ok((status, _)) if status.is_success() => tally.ok += 1,
            Ok(_) => tally.failed += 1,
            Err(_) => {
                tally.failed += 1;
                sender = None;
            }
        }
    }
    tally
}

type Sender = http1::SendRequest<Full<Bytes>>;

async fn connect(addr: SocketAddr) -> anyhow::Result<Sender> {
    let stream = TcpStream::connect(addr).await?;
    stream.set_nodelay(true)?;
    let (sender, conn) = http1::handshake(TokioIo::new(stream)).await?;
    tokio::spawn(conn);
    Ok(sender)
}

async fn exchange(
    sender: &mut Sender,
    request: Request<Full<Bytes>>,
) -> anyhow::Result<(StatusCode, Bytes)> {
    sender.ready().await?;
    let response = sender.send_request(request).await?;
    let status = response.status();
    let body = response.into_body().collect().await?.to_bytes();
    Ok((status, body))
}

/// Creates the agent the routes address (every tool offered) and returns
/// its id.
pub async fn create_agent(addr: SocketAddr) -> anyhow::Result<String> {
    let mut sender = connect(addr).await?;
    let request = Request::builder()
        .method("POST")
        .uri("/v1/agents")
        .header("host", addr.to_string())
        .header("content-type", "application/json")
        .body(Full::new(Bytes::from_static(br#"{"name":"load"}"#)))?;
    let (status, body) = exchange(&mut sender, request).await?;
    anyhow::ensure!(
        status.is_success(),
        "creating the agent: {status}: {}",
        String::from_utf8_lossy(&body)
    );
    let agent: serde_json::Value = serde_json::from_slice(&body)?;
    agent["id"]
        .as_str()
        .map(str::to_owned)
        .ok_or_else(|| anyhow::anyhow!("no id in {agent}"))
}
