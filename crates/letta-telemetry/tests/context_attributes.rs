//! Request context attributes: scope, reads and writes, spawned tasks,
//! the metric allow-list, and their filling from request headers.

#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

mod http_support;

use letta_telemetry::context;
use letta_telemetry::http::HttpConfig;
use letta_telemetry::testing::install_span_recorder;
use opentelemetry::{KeyValue, Value};

#[tokio::test]
async fn outside_a_scope_nothing_is_stored() {
    test_peers::own_process!();
    assert!(!context::add_ctx_attribute("organization.id", "o"));
    assert!(context::get_ctx_attributes().is_empty());
    assert!(context::metric_attributes().is_empty());
    assert_eq!(context::get_ctx_attribute("organization.id"), None);
}

#[tokio::test]
async fn scope_reads_writes_and_replaces() {
    test_peers::own_process!();
    context::with_ctx_attributes(async {
        assert!(context::add_ctx_attribute("organization.id", "o1"));
        context::add_ctx_attribute("agent.id", "a1");
        context::add_ctx_attribute("organization.id", "o2");
        assert_eq!(
            context::get_ctx_attributes(),
            vec![
                KeyValue::new("organization.id", "o2"),
                KeyValue::new("agent.id", "a1")
            ]
        );
        assert_eq!(
            context::get_ctx_attribute("agent.id"),
            Some(Value::from("a1"))
        );
        assert_eq!(
            context::metric_attributes(),
            vec![KeyValue::new("organization.id", "o2")]
        );
    })
    .await;
}

#[tokio::test]
async fn spawned_tasks_share_the_scope_and_nested_scopes_fork() {
    test_peers::own_process!();
    context::with_ctx_attributes(async {
        context::add_ctx_attribute("project.id", "p1");
        let seen = context::spawn(async {
            context::add_ctx_attribute("template.id", "t1");
            context::get_ctx_attributes().len()
        })
        .await
        .unwrap();
        assert_eq!(seen, 2);
        // written in the task, visible here
        assert_eq!(
            context::get_ctx_attribute("template.id"),
            Some(Value::from("t1"))
        );

        context::with_ctx_attributes(async {
            assert_eq!(context::get_ctx_attributes().len(), 2);
            context::add_ctx_attribute("inner.only", "x");
        })
        .await;
        assert_eq!(context::get_ctx_attribute("inner.only"), None);
    })
    .await;
}

#[tokio::test]
async fn metric_allow_list_is_configurable() {
    test_peers::own_process!();
    assert_eq!(
        context::metric_attribute_keys()
            .iter()
            .map(|k| k.as_str().to_owned())
            .collect::<Vec<_>>(),
        context::DEFAULT_METRIC_ATTRIBUTE_KEYS.to_vec()
    );
    context::set_metric_attribute_keys(["agent.id"]);
    context::with_ctx_attributes(async {
        context::add_ctx_attribute("organization.id", "o");
        context::add_ctx_attribute("agent.id", "a");
        assert_eq!(
            context::metric_attributes(),
            vec![KeyValue::new("agent.id", "a")]
        );
    })
    .await;
}

#[tokio::test]
async fn request_headers_fill_the_scope_over_http() {
    test_peers::own_process!();
    let _recorder = install_span_recorder();
    let server = http_support::serve(http_support::app(HttpConfig::default())).await;
    let text = reqwest::Client::new()
        .get(server.url("/v1/context"))
        .header("x-organization-id", "org-h")
        .header("x-project-id", "proj-h")
        .header("x-base-template-id", "base-h")
        .header("x-template-id", "tmpl-h")
        .header("x-agent-id", "agent-h")
        .header("user_id", "not-a-context-header")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let mut parts = text.split('|');
    assert_eq!(
        parts.next(),
        Some(
            "agent.id=agent-h,base_template.id=base-h,handler.added=yes,\
             organization.id=org-h,project.id=proj-h,task.added=yes,template.id=tmpl-h"
        )
    );
    // the spawned task saw the five headers plus the handler's attribute
    assert_eq!(parts.next(), Some("7"));
    assert_eq!(
        parts.next(),
        Some("organization.id,project.id,base_template.id,template.id")
    );
}
