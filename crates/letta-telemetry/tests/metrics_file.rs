//! Without an OTLP endpoint, metrics go to `<LETTA_DIR>/logs/metrics.json` as
//! OTLP-JSON lines.

use letta_telemetry::{Settings, init, metrics};

#[test]
fn default_output_is_otlp_json_lines() -> Result<(), Box<dyn std::error::Error>> {
    test_peers::own_process!(Ok(()));
    let dir = tempfile::tempdir()?;
    let mut settings = Settings::default();
    settings.letta_dir = dir.path().to_path_buf();
    let guard = init(settings)?;
    metrics::registry().record_endpoint_request("/v1/agents/{agent_id}/messages", "POST", 200, 9.0);
    guard.flush();
    let path = dir.path().join("logs").join("metrics.json");
    let text = std::fs::read_to_string(&path)?;
    let line = text
        .lines()
        .find(|l| l.contains("hist_endpoint_e2e_ms"))
        .ok_or_else(|| format!("no endpoint metric in {text}"))?;
    let v: serde_json::Value = serde_json::from_str(line)?;
    let metrics = v["resourceMetrics"][0]["scopeMetrics"]
        .as_array()
        .ok_or("scopeMetrics")?
        .iter()
        .flat_map(|sm| sm["metrics"].as_array().cloned().unwrap_or_default())
        .collect::<Vec<_>>();
    let e2e = metrics
        .iter()
        .find(|m| m["name"] == "hist_endpoint_e2e_ms")
        .ok_or("hist_endpoint_e2e_ms")?;
    assert_eq!(e2e["unit"], "ms");
    let point = &e2e["histogram"]["dataPoints"][0];
    assert_eq!(point["sum"], 9.0);
    // delta is the reference default
    assert_eq!(e2e["histogram"]["aggregationTemporality"], 1);
    guard.shutdown();
    Ok(())
}
