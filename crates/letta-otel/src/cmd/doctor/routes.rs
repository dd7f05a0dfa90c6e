//! Routes against the tracing exclusion list and the endpoint-metrics list
//! of the settings (`LETTA_TELEMETRY_EXCLUDED_ENDPOINTS_REGEX`,
//! `LETTA_TELEMETRY_METRICS_ENDPOINTS_REGEX`).

use letta_telemetry::Settings;
use letta_telemetry::settings::{Field, vars};

use super::report::Report;

/// Checked when no `--route` is given: the agent message routes.
const DEFAULT_ROUTES: [&str; 3] = [
    "POST /v1/agents/agent-1/messages",
    "POST /v1/agents/agent-1/messages/stream",
    "POST /v1/agents/agent-1/messages/async",
];

/// The first pattern of `patterns` that matches `route`.
fn first_match<'a>(patterns: &'a [String], route: &str) -> Option<&'a str> {
    patterns
        .iter()
        .find(|p| regex::Regex::new(p).is_ok_and(|r| r.is_match(route)))
        .map(String::as_str)
}

/// Reports each route excluded from tracing as a problem, and notes whether
/// it gets endpoint metrics.
pub fn check(report: &mut Report, settings: &Settings, routes: &[String]) {
    let routes: Vec<&str> = if routes.is_empty() {
        DEFAULT_ROUTES.to_vec()
    } else {
        routes.iter().map(String::as_str).collect()
    };
    let excluded = &settings.excluded_endpoints_regex;
    let excluded_source = settings.source(Field::ExcludedEndpointsRegex);
    let metric_routes = &settings.metrics_endpoints_regex;
    for route in routes {
        match first_match(excluded, route) {
            Some(pattern) => {
                let rest: Vec<&str> = excluded
                    .iter()
                    .map(String::as_str)
                    .filter(|p| *p != pattern)
                    .collect();
                let fix = if rest.is_empty() {
                    format!(
                        "set {} to a list without {pattern:?} (it replaces the default \
                         ^GET /v1/health$; a pattern that matches nothing, such as ^$, \
                         traces every route)",
                        vars::EXCLUDED_ENDPOINTS_REGEX
                    )
                } else {
                    format!(
                        "set {}={:?} (the list without {pattern:?})",
                        vars::EXCLUDED_ENDPOINTS_REGEX,
                        rest.join(",")
                    )
                };
                report.problem(
                    format!(
                        "requests `{route}` are not traced: excluded by the pattern {pattern:?} \
                         ({excluded_source})"
                    ),
                    fix,
                );
            }
            None => report.ok(format!(
                "`{route}` is traced (not in the exclusion list {excluded:?}, {excluded_source})"
            )),
        }
        if first_match(metric_routes, route).is_none() {
            report.note(format!(
                "`{route}` gets no endpoint metrics (add a pattern for it to {} to get them)",
                vars::METRICS_ENDPOINTS_REGEX
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_matching_pattern_is_reported() {
        let patterns = vec!["^GET /v1/health$".to_owned(), "^GET /v1/.*".to_owned()];
        assert_eq!(
            first_match(&patterns, "GET /v1/health"),
            Some("^GET /v1/health$")
        );
        assert_eq!(
            first_match(&patterns, "GET /v1/agents"),
            Some("^GET /v1/.*")
        );
        assert_eq!(first_match(&patterns, "POST /v1/agents"), None);
    }
}
