//! Before the metrics pipeline is installed the registry records nothing and
//! says so; installing it switches the same `registry()` call to real
//! instruments. Its own test binary, because the registry is process-global
//! and any other test would install it first.

use letta_telemetry::metrics;
use letta_telemetry::testing::{self, PointValue};

#[test]
fn registry_is_a_noop_until_installed() {
    test_peers::own_process!();
    let before = metrics::registry();
    assert!(!before.enabled());
    before.record_endpoint_request("/x", "GET", 200, 1.0);

    let rec = testing::install_metric_recorder();
    let after = metrics::registry();
    assert!(after.enabled());
    assert!(!std::ptr::eq(before, after), "install swaps the registry");
    after.record_endpoint_request("/x", "GET", 200, 1.0);
    let points = rec.collect();
    let requests: Vec<_> = points
        .iter()
        .filter(|p| p.name == "count_endpoint_requests")
        .collect();
    assert_eq!(requests.len(), 1, "{points:#?}");
    assert!(
        requests[0].value == PointValue::Sum(1.0),
        "only the request recorded after install counts: {:?}",
        requests[0].value
    );
}
