//! The server on a real PostgreSQL (Debian's, started on loopback): agents
//! and messages round-trip through it, a background run completes, and the
//! pool metrics carry `engine_name = postgresql` (SQLAlchemy's dialect name,
//! which the reference reports).

use std::time::Duration;

use letta_server::{LlmEndpoint, Server, ServerConfig};
use letta_telemetry::testing::{self, MetricPoint};
use opentelemetry::Value as AttributeValue;
use serde_json::{Value, json};

fn engine(point: &MetricPoint) -> Option<String> {
    match point.attribute("engine_name") {
        Some(AttributeValue::String(s)) => Some(s.as_str().to_owned()),
        _ => None,
    }
}

async fn post(client: &reqwest::Client, url: String, body: Value) -> (u16, Value) {
    let response = client.post(url).json(&body).send().await.expect("send");
    let status = response.status().as_u16();
    (status, response.json().await.expect("json body"))
}

async fn get(client: &reqwest::Client, url: String) -> (u16, Value) {
    let response = client.get(url).send().await.expect("send");
    let status = response.status().as_u16();
    (status, response.json().await.expect("json body"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn messages_round_trip_through_postgres_with_pool_metrics() {
    let postgres = tokio::task::spawn_blocking(test_peers::Postgres::start)
        .await
        .expect("join")
        .unwrap_or_else(|e| panic!("PostgreSQL did not start: {e}"));
    let recorder = testing::install_metric_recorder();
    let dir = tempfile::tempdir().expect("tempdir");
    let config = ServerConfig {
        listen: "127.0.0.1:0".parse().expect("loopback address"),
        letta_dir: dir.path().to_owned(),
        database_url: Some(postgres.url()),
        llm: LlmEndpoint::Offline {
            first_token_latency: Duration::from_millis(2),
            inter_chunk_latency: Duration::from_millis(1),
        },
        ..ServerConfig::default()
    };
    let server = Server::start(config).await.expect("server starts");
    let base = server.base_url();
    let client = reqwest::Client::new();

    let (status, health) = get(&client, format!("{base}/v1/health")).await;
    assert_eq!(status, 200);
    assert_eq!(health["database"], "postgresql");

    let (status, agent) = post(
        &client,
        format!("{base}/v1/agents"),
        json!({"name": "pg agent", "system": "You are on PostgreSQL."}),
    )
    .await;
    assert_eq!(status, 201, "{agent}");
    let agent_id = agent["id"].as_str().expect("agent id").to_owned();

    // Read back from the database.
    let (status, fetched) = get(&client, format!("{base}/v1/agents/{agent_id}")).await;
    assert_eq!(status, 200);
    assert_eq!(fetched["name"], "pg agent");
    assert_eq!(fetched["system"], "You are on PostgreSQL.");
    let (status, list) = get(&client, format!("{base}/v1/agents?limit=5")).await;
    assert_eq!(status, 200);
    assert!(
        list.as_array()
            .is_some_and(|a| a.iter().any(|x| x["id"] == agent_id.as_str())),
        "{list}"
    );

    // A step with a tool call: messages saved, then loaded as history.
    let (status, reply) = post(
        &client,
        format!("{base}/v1/agents/{agent_id}/messages"),
        json!({"messages": [{"role": "user", "content": "please add 2 and 40"}]}),
    )
    .await;
    assert_eq!(status, 200, "{reply}");
    let messages = reply["messages"].as_array().expect("messages");
    assert_eq!(messages[1]["content"], "42", "{reply}");
    let (status, second) = post(
        &client,
        format!("{base}/v1/agents/{agent_id}/messages"),
        json!({"messages": [{"role": "user", "content": "and now hello"}]}),
    )
    .await;
    assert_eq!(status, 200, "{second}");
    // The second step loaded the first one's messages from PostgreSQL: its
    // prompt is larger than the same message's for an agent with no history.
    let (_, fresh) = post(
        &client,
        format!("{base}/v1/agents"),
        json!({"name": "fresh agent", "system": "You are on PostgreSQL."}),
    )
    .await;
    let fresh_id = fresh["id"].as_str().expect("agent id").to_owned();
    let (status, first_of_fresh) = post(
        &client,
        format!("{base}/v1/agents/{fresh_id}/messages"),
        json!({"messages": [{"role": "user", "content": "and now hello"}]}),
    )
    .await;
    assert_eq!(status, 200, "{first_of_fresh}");
    assert_eq!(second["usage"]["step_count"], 1, "{second}");
    assert_eq!(first_of_fresh["usage"]["step_count"], 1, "{first_of_fresh}");
    let with_history = second["usage"]["prompt_tokens"].as_u64().unwrap_or(0);
    let without = first_of_fresh["usage"]["prompt_tokens"]
        .as_u64()
        .unwrap_or(0);
    assert!(
        with_history > without && without > 0,
        "{with_history} vs {without}"
    );

    // A background run is stored and completes.
    let (status, run) = post(
        &client,
        format!("{base}/v1/agents/{agent_id}/messages/async"),
        json!({"messages": [{"role": "user", "content": "weather in Oslo?"}]}),
    )
    .await;
    assert_eq!(status, 202, "{run}");
    let run_id = run["id"].as_str().expect("run id").to_owned();
    let mut run_status = String::new();
    for _ in 0..250 {
        let (_, run) = get(&client, format!("{base}/v1/runs/{run_id}")).await;
        run_status = run["status"].as_str().unwrap_or_default().to_owned();
        if run_status == "completed" || run_status == "failed" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(run_status, "completed");
    assert!(server.shutdown().await);

    // Pool metrics: every point names the PostgreSQL engine.
    let points = tokio::task::block_in_place(|| recorder.collect());
    let pool_events: Vec<&MetricPoint> = points
        .iter()
        .filter(|p| p.name == "count_db_pool_connection_events")
        .collect();
    assert!(!pool_events.is_empty(), "{points:#?}");
    for name in ["count_db_pool_connection_events", "db_checkout_latency_ms"] {
        let found: Vec<&MetricPoint> = points.iter().filter(|p| p.name == name).collect();
        assert!(!found.is_empty(), "no {name}: {points:#?}");
        for point in found {
            assert_eq!(engine(point).as_deref(), Some("postgresql"), "{point:?}");
        }
    }
    let connects: f64 = pool_events
        .iter()
        .filter(|p| p.attribute("event") == Some(&AttributeValue::from("connect".to_owned())))
        .map(|p| p.number())
        .sum();
    assert!(connects >= 1.0, "{pool_events:#?}");
    let checkouts: u64 = points
        .iter()
        .filter(|p| p.name == "db_checkout_latency_ms")
        .map(MetricPoint::count)
        .sum();
    // Schema creation, agent create/get/list, two steps and a run: dozens.
    assert!(checkouts >= 10, "{checkouts}");
}
