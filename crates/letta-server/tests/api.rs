//! The agent API over real HTTP on loopback: happy paths and 4xx answers.

use std::time::Duration;

use letta_server::{LlmEndpoint, Server, ServerConfig};
use serde_json::{Value, json};

async fn start(dir: &tempfile::TempDir) -> letta_server::RunningServer {
    let config = ServerConfig {
        listen: "127.0.0.1:0".parse().expect("loopback address"),
        letta_dir: dir.path().to_owned(),
        llm: LlmEndpoint::Offline {
            first_token_latency: Duration::from_millis(2),
            inter_chunk_latency: Duration::from_millis(1),
        },
        ..ServerConfig::default()
    };
    Server::start(config).await.expect("server starts")
}

async fn create_agent(client: &reqwest::Client, base: &str) -> String {
    let response = client
        .post(format!("{base}/v1/agents"))
        .json(&json!({"name": "test agent"}))
        .send()
        .await
        .expect("create agent");
    assert_eq!(response.status(), 201);
    let body: Value = response.json().await.expect("json");
    body["id"].as_str().expect("id").to_owned()
}

#[tokio::test]
async fn malformed_json_and_unknown_agents_get_4xx_json_errors() {
    let dir = tempfile::tempdir().expect("tempdir");
    let server = start(&dir).await;
    let base = server.base_url();
    let client = reqwest::Client::new();
    let agent = create_agent(&client, &base).await;

    // Malformed JSON body.
    let response = client
        .post(format!("{base}/v1/agents/{agent}/messages"))
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .expect("send");
    assert!(response.status().is_client_error(), "{}", response.status());
    let body: Value = response.json().await.expect("error body is JSON");
    assert!(body["detail"].as_str().is_some_and(|d| !d.is_empty()));

    // Well-formed JSON of the wrong shape.
    let response = client
        .post(format!("{base}/v1/agents"))
        .json(&json!({"nom": 3}))
        .send()
        .await
        .expect("send");
    assert!(response.status().is_client_error(), "{}", response.status());

    // Unknown but well-formed agent id: 404 on every agent route.
    let unknown = "agent-00000000-0000-0000-0000-000000000000";
    for (method, path) in [
        ("GET", format!("/v1/agents/{unknown}")),
        ("POST", format!("/v1/agents/{unknown}/messages")),
        ("POST", format!("/v1/agents/{unknown}/messages/stream")),
        ("POST", format!("/v1/agents/{unknown}/messages/async")),
    ] {
        let request = match method {
            "GET" => client.get(format!("{base}{path}")),
            _ => client
                .post(format!("{base}{path}"))
                .json(&json!({"messages": [{"role": "user", "content": "hi"}]})),
        };
        let response = request.send().await.expect("send");
        assert_eq!(response.status(), 404, "{method} {path}");
        let body: Value = response.json().await.expect("error body is JSON");
        assert!(body["detail"].as_str().is_some_and(|d| d.contains(unknown)));
    }

    // Malformed ids and empty messages: 422.
    let response = client
        .get(format!("{base}/v1/agents/not-an-id"))
        .send()
        .await
        .expect("send");
    assert_eq!(response.status(), 422);
    let response = client
        .post(format!("{base}/v1/agents/{agent}/messages"))
        .json(&json!({"messages": []}))
        .send()
        .await
        .expect("send");
    assert_eq!(response.status(), 422);
    let response = client
        .get(format!(
            "{base}/v1/runs/run-00000000-0000-0000-0000-000000000000"
        ))
        .send()
        .await
        .expect("send");
    assert_eq!(response.status(), 404);

    // The server is still healthy.
    let response = client
        .get(format!("{base}/v1/health"))
        .send()
        .await
        .expect("send");
    assert_eq!(response.status(), 200);
    assert!(server.shutdown().await);
}

#[tokio::test]
async fn a_message_runs_a_step_with_a_tool_call_and_history() {
    let dir = tempfile::tempdir().expect("tempdir");
    let server = start(&dir).await;
    let base = server.base_url();
    let client = reqwest::Client::new();
    let agent = create_agent(&client, &base).await;

    let response = client
        .post(format!("{base}/v1/agents/{agent}/messages"))
        .json(&json!({"messages": [{"role": "user", "content": "please add 2 and 40"}]}))
        .send()
        .await
        .expect("send");
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.expect("json");
    let messages = body["messages"].as_array().expect("messages");
    let types: Vec<&str> = messages
        .iter()
        .filter_map(|m| m["message_type"].as_str())
        .collect();
    assert_eq!(
        types,
        [
            "tool_call_message",
            "tool_return_message",
            "assistant_message"
        ]
    );
    assert_eq!(messages[1]["content"], "42");
    assert_eq!(body["usage"]["step_count"], 2);
    assert!(
        body["usage"]["prompt_tokens"]
            .as_u64()
            .is_some_and(|t| t > 0)
    );
    assert!(dir.path().join("letta.db").exists());
    assert!(server.shutdown().await);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_messages_to_one_agent_each_answer_their_own_message() {
    let dir = tempfile::tempdir().expect("tempdir");
    let server = start(&dir).await;
    let base = server.base_url();
    let client = reqwest::Client::new();
    let agent = create_agent(&client, &base).await;

    let mut sends = Vec::new();
    for i in 0..12 {
        let (client, url) = (client.clone(), format!("{base}/v1/agents/{agent}/messages"));
        let text = if i % 2 == 0 {
            format!("please add {i} and 100")
        } else {
            "use the broken tool".to_owned()
        };
        sends.push(tokio::spawn(async move {
            let response = client
                .post(url)
                .json(&json!({"messages": [{"role": "user", "content": text}]}))
                .send()
                .await
                .expect("send");
            assert_eq!(response.status(), 200);
            let body: Value = response.json().await.expect("json");
            (i, body)
        }));
    }
    for send in sends {
        let (i, body) = send.await.expect("request task");
        let call = &body["messages"][0];
        assert_eq!(call["message_type"], "tool_call_message", "{body}");
        if i % 2 == 0 {
            assert_eq!(call["tool_name"], "add_numbers", "{body}");
            assert_eq!(
                body["messages"][1]["content"],
                (i + 100).to_string(),
                "{body}"
            );
        } else {
            assert_eq!(call["tool_name"], "always_fails", "{body}");
        }
    }
    assert!(server.shutdown().await);
}

#[tokio::test]
async fn stream_sends_deltas_then_done_and_async_runs_complete() {
    let dir = tempfile::tempdir().expect("tempdir");
    let server = start(&dir).await;
    let base = server.base_url();
    let client = reqwest::Client::new();
    let agent = create_agent(&client, &base).await;

    let text = client
        .post(format!("{base}/v1/agents/{agent}/messages/stream"))
        .json(&json!({"messages": [{"role": "user", "content": "hello there"}]}))
        .send()
        .await
        .expect("send")
        .text()
        .await
        .expect("body");
    let data: Vec<&str> = text
        .lines()
        .filter_map(|l| l.strip_prefix("data: "))
        .collect();
    assert!(
        data.iter().any(|d| d.contains("\"assistant_message\"")),
        "{text}"
    );
    assert!(
        data.iter().any(|d| d.contains("\"usage_statistics\"")),
        "{text}"
    );
    assert_eq!(data.last(), Some(&"[DONE]"));

    let response = client
        .post(format!("{base}/v1/agents/{agent}/messages/async"))
        .json(&json!({"messages": [{"role": "user", "content": "weather in Oslo?"}]}))
        .send()
        .await
        .expect("send");
    assert_eq!(response.status(), 202);
    let run: Value = response.json().await.expect("json");
    let run_id = run["id"].as_str().expect("run id").to_owned();
    let mut status = String::new();
    for _ in 0..200 {
        let run: Value = client
            .get(format!("{base}/v1/runs/{run_id}"))
            .send()
            .await
            .expect("send")
            .json()
            .await
            .expect("json");
        status = run["status"].as_str().unwrap_or_default().to_owned();
        if status == "completed" || status == "failed" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(status, "completed");
    assert!(server.shutdown().await);
}
