//! ClickHouse trace source: reads spans back from the `otel_traces` table the
//! collector's ClickHouse exporter (or rotel's) writes.
//!
//! Connection settings are [`ClickHouseSettings`] (`CLICKHOUSE_ENDPOINT`,
//! `CLICKHOUSE_DATABASE`, `CLICKHOUSE_USERNAME`, `CLICKHOUSE_PASSWORD`). The
//! reader speaks ClickHouse's HTTP interface: one `SELECT ... FORMAT
//! JSONEachRow` with the values passed as query parameters (`param_*`, never
//! spliced into the SQL) and the credentials in the `X-ClickHouse-User` /
//! `X-ClickHouse-Key` headers (never in the URL).
//!
//! As the reference, one trace is read by `TraceId`, ordered by `Timestamp`,
//! with a row limit (default 1000).

use std::collections::BTreeMap;
use std::time::Duration;

use super::clickhouse_settings::ClickHouseSettings;
use serde::Deserialize;
use serde_json::Value;

use super::error::TraceError;
use super::model::{AttrValue, Span, SpanEvent, SpanKind, SpanStatus, StatusCode};
use super::query::TraceQuery;

/// Rows read for one trace (`traces show`), as the reference.
pub const DEFAULT_TRACE_ROW_LIMIT: u32 = 1000;
/// Rows read for `traces list` and `traces stats`.
pub const DEFAULT_SCAN_ROW_LIMIT: u32 = 100_000;
/// The exporter's default traces table.
pub const DEFAULT_TRACES_TABLE: &str = "otel_traces";
/// Deadline of one query.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

const SOURCE: &str = "clickhouse";

/// Columns read, in the form the mapping below expects.
const COLUMNS: &str = "toString(toUnixTimestamp64Nano(Timestamp)) AS StartNs, \
     TraceId, SpanId, ParentSpanId, SpanName, SpanKind, ServiceName, \
     toString(Duration) AS DurationNs, StatusCode, StatusMessage, \
     SpanAttributes, ResourceAttributes, \
     arrayMap(t -> toString(toUnixTimestamp64Nano(t)), Events.Timestamp) AS EventTimesNs, \
     Events.Name AS EventNames, Events.Attributes AS EventAttributes";

/// Loads the spans selected by `query`, with the `CLICKHOUSE_*` settings of
/// the process environment.
pub async fn load(query: &TraceQuery) -> Result<Vec<Span>, TraceError> {
    let settings = ClickHouseSettings::from_env().map_err(|e| source_error(e.to_string()))?;
    ClickHouseReader::new(settings).load(query).await
}

/// Reads spans from ClickHouse over HTTP: table [`DEFAULT_TRACES_TABLE`], at
/// most [`DEFAULT_TRACE_ROW_LIMIT`] rows for one trace and
/// [`DEFAULT_SCAN_ROW_LIMIT`] for a list, each query within [`DEFAULT_TIMEOUT`].
#[derive(Debug, Clone)]
pub struct ClickHouseReader {
    settings: ClickHouseSettings,
    table: String,
    trace_row_limit: u32,
    scan_row_limit: u32,
    timeout: Duration,
}

impl ClickHouseReader {
    /// A reader with the default table, limits and timeout.
    pub fn new(settings: ClickHouseSettings) -> Self {
        Self {
            settings,
            table: DEFAULT_TRACES_TABLE.to_owned(),
            trace_row_limit: DEFAULT_TRACE_ROW_LIMIT,
            scan_row_limit: DEFAULT_SCAN_ROW_LIMIT,
            timeout: DEFAULT_TIMEOUT,
        }
    }

    /// The SQL and its parameters for `query`.
    fn statement(&self, query: &TraceQuery) -> Result<(String, Vec<(String, String)>), TraceError> {
        let table = &self.table;
        if table.is_empty()
            || !table
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_')
        {
            return Err(source_error(format!(
                "table name {table:?} is not valid: expected ASCII letters, digits and underscores"
            )));
        }
        let mut params = Vec::new();
        let mut filters: Vec<String> = Vec::new();
        let since = if let Some(since) = query.since_ns {
            params.push(("since_ns".to_owned(), since.to_string()));
            " AND Timestamp >= fromUnixTimestamp64Nano(toInt64({since_ns:String}))"
        } else {
            ""
        };
        let limit = if let Some(trace_id) = &query.trace_id {
            filters.push("TraceId = {trace_id:String}".to_owned());
            params.push(("trace_id".to_owned(), trace_id.to_ascii_lowercase()));
            self.trace_row_limit
        } else {
            if let Some(n) = query.limit_traces {
                filters.push(format!(
                    "TraceId IN (SELECT TraceId FROM {table} WHERE ParentSpanId = ''{since} \
                     ORDER BY Timestamp DESC LIMIT {{traces:UInt32}})"
                ));
                params.push(("traces".to_owned(), n.min(u32::MAX as usize).to_string()));
            }
            self.scan_row_limit
        };
        params.push(("limit".to_owned(), limit.to_string()));
        let filters: String = filters.iter().map(|f| format!(" AND {f}")).collect();
        let sql = format!(
            "SELECT {COLUMNS} FROM {table} WHERE 1{since}{filters} ORDER BY Timestamp LIMIT {{limit:UInt32}} \
             FORMAT JSONEachRow"
        );
        Ok((sql, params))
    }

    /// Loads the spans selected by `query`: one trace when `trace_id` is set,
    /// else the spans of the `limit_traces` most recent traces (all traces
    /// when unset), started at or after `since_ns` when set.
    pub async fn load(&self, query: &TraceQuery) -> Result<Vec<Span>, TraceError> {
        let (sql, params) = self.statement(query)?;
        let body = self.post(&sql, &params).await?;
        parse_rows(&body)
    }

    async fn post(&self, sql: &str, params: &[(String, String)]) -> Result<String, TraceError> {
        let settings = &self.settings;
        let mut url = settings.endpoint.clone();
        {
            let mut pairs = url.query_pairs_mut();
            pairs.append_pair("database", &settings.database);
            for (name, value) in params {
                pairs.append_pair(&format!("param_{name}"), value);
            }
        }
        let client = reqwest::Client::builder()
            .timeout(self.timeout)
            .build()
            .map_err(|e| source_error(format!("cannot build the HTTP client: {e}")))?;
        let response = client
            .post(url)
            .header("X-ClickHouse-User", &settings.username)
            .header("X-ClickHouse-Key", &settings.password)
            .body(sql.to_owned())
            .send()
            .await
            .map_err(|e| {
                source_error(format!(
                    "cannot reach ClickHouse at {} (CLICKHOUSE_ENDPOINT): {}",
                    endpoint_text(settings),
                    error_chain(&e)
                ))
            })?;
        let status = response.status();
        let code = response
            .headers()
            .get("X-ClickHouse-Exception-Code")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u32>().ok());
        let text = response.text().await.map_err(|e| {
            source_error(format!(
                "reading the answer of ClickHouse at {}: {}",
                endpoint_text(settings),
                error_chain(&e)
            ))
        })?;
        if status.is_success() {
            return Ok(text);
        }
        let code = code.or_else(|| exception_code(&text));
        let detail = first_line(&text);
        Err(source_error(match (status.as_u16(), code) {
            (401 | 403, _) | (_, Some(516 | 192 | 194)) => format!(
                "ClickHouse at {} refused user {:?} (CLICKHOUSE_USERNAME / CLICKHOUSE_PASSWORD): {detail}",
                endpoint_text(settings),
                settings.username
            ),
            (_, Some(81)) => format!(
                "database {:?} does not exist (CLICKHOUSE_DATABASE): {detail}",
                settings.database
            ),
            (_, Some(60)) | (404, None) => format!(
                "table {}.{} does not exist (CLICKHOUSE_DATABASE={}); create it with \
                 otel/clickhouse/schema.sql or let the collector create it: {detail}",
                settings.database, self.table, settings.database
            ),
            (status, _) => format!(
                "ClickHouse at {} answered HTTP {status}: {detail}",
                endpoint_text(settings)
            ),
        }))
    }
}

fn source_error(message: String) -> TraceError {
    TraceError::Source {
        source_name: SOURCE,
        message,
    }
}

fn endpoint_text(settings: &ClickHouseSettings) -> String {
    settings.endpoint.as_str().trim_end_matches('/').to_owned()
}

fn error_chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut cause = error.source();
    while let Some(e) = cause {
        text.push_str(": ");
        text.push_str(&e.to_string());
        cause = e.source();
    }
    text
}

fn first_line(text: &str) -> String {
    let line = text.trim().lines().next().unwrap_or("").trim();
    if line.is_empty() {
        "(empty answer)".to_owned()
    } else {
        line.chars().take(500).collect()
    }
}

/// `Code: N.` at the start of a ClickHouse error text.
fn exception_code(text: &str) -> Option<u32> {
    let rest = text.trim_start().strip_prefix("Code:")?;
    let digits: String = rest
        .trim_start()
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    digits.parse().ok()
}

/// One row of the query above.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Row {
    start_ns: Value,
    trace_id: String,
    span_id: String,
    #[serde(default)]
    parent_span_id: String,
    span_name: String,
    #[serde(default)]
    span_kind: String,
    #[serde(default)]
    service_name: String,
    duration_ns: Value,
    #[serde(default)]
    status_code: String,
    #[serde(default)]
    status_message: String,
    #[serde(default)]
    span_attributes: BTreeMap<String, String>,
    #[serde(default)]
    event_times_ns: Vec<Value>,
    #[serde(default)]
    event_names: Vec<String>,
    #[serde(default)]
    event_attributes: Vec<BTreeMap<String, String>>,
}

/// Parses the JSONEachRow answer into spans.
fn parse_rows(body: &str) -> Result<Vec<Span>, TraceError> {
    body.lines()
        .filter(|line| !line.trim().is_empty())
        .enumerate()
        .map(|(i, line)| {
            let row: Row = serde_json::from_str(line).map_err(|e| {
                source_error(format!(
                    "row {} of the answer is not a span of the exporter's otel_traces schema: {e}",
                    i + 1
                ))
            })?;
            Ok(row_to_span(row))
        })
        .collect()
}

fn number(value: &Value) -> u64 {
    match value {
        Value::Number(n) => n.as_u64().unwrap_or(0),
        Value::String(s) => s.trim().parse().unwrap_or(0),
        _ => 0,
    }
}

fn attributes(map: BTreeMap<String, String>) -> BTreeMap<String, AttrValue> {
    map.into_iter()
        .map(|(k, v)| (k, AttrValue::Str(v)))
        .collect()
}

fn row_to_span(row: Row) -> Span {
    let start_ns = number(&row.start_ns);
    let events = row
        .event_names
        .into_iter()
        .enumerate()
        .map(|(i, name)| SpanEvent {
            name,
            time_ns: row.event_times_ns.get(i).map_or(start_ns, number),
            attributes: row
                .event_attributes
                .get(i)
                .cloned()
                .map(attributes)
                .unwrap_or_default(),
        })
        .collect();
    Span {
        trace_id: row.trace_id.to_ascii_lowercase(),
        span_id: row.span_id.to_ascii_lowercase(),
        parent_span_id: Some(row.parent_span_id.to_ascii_lowercase())
            .filter(|p| !p.is_empty() && p.bytes().any(|b| b != b'0')),
        name: row.span_name,
        kind: SpanKind::from_name(&row.span_kind),
        start_ns,
        end_ns: start_ns.saturating_add(number(&row.duration_ns)),
        status: SpanStatus {
            code: StatusCode::from_name(&row.status_code),
            message: row.status_message,
        },
        attributes: attributes(row.span_attributes),
        events,
        service_name: Some(row.service_name).filter(|s| !s.is_empty()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings() -> Result<ClickHouseSettings, letta_telemetry::SettingsError> {
        ClickHouseSettings::from_vars([
            ("CLICKHOUSE_ENDPOINT", "http://127.0.0.1:1"),
            ("CLICKHOUSE_PASSWORD", "pw"),
        ])
    }

    #[test]
    fn maps_a_row_of_the_exporter_schema() -> Result<(), Box<dyn std::error::Error>> {
        let body = r#"{"StartNs":"1700000000000000000","TraceId":"0AF7651916CD43DD8448EB211C80319C","SpanId":"B7AD6B7169203331","ParentSpanId":"","SpanName":"POST /v1/agents/{agent_id}/messages","SpanKind":"Server","ServiceName":"letta-server","DurationNs":"2500000","StatusCode":"Error","StatusMessage":"boom","SpanAttributes":{"http.status_code":"500"},"ResourceAttributes":{},"EventTimesNs":["1700000000001000000"],"EventNames":["exception"],"EventAttributes":[{"exception.type":"ValueError"}]}
"#;
        let spans = parse_rows(body)?;
        assert_eq!(spans.len(), 1);
        let span = &spans[0];
        assert_eq!(span.trace_id, "0af7651916cd43dd8448eb211c80319c");
        assert_eq!(span.parent_span_id, None);
        assert_eq!(span.kind, SpanKind::Server);
        assert_eq!(span.status.code, StatusCode::Error);
        assert_eq!(span.duration_ns(), 2_500_000);
        assert_eq!(span.events[0].time_ns, 1_700_000_000_001_000_000);
        assert_eq!(span.attr("http.status_code").as_deref(), Some("500"));
        assert_eq!(span.service_name.as_deref(), Some("letta-server"));
        Ok(())
    }

    #[test]
    fn a_row_of_another_shape_is_a_clear_error() {
        let err = parse_rows("{\"x\":1}\n").err().map(|e| e.to_string());
        assert!(
            err.as_deref()
                .is_some_and(|e| e.contains("row 1") && e.contains("otel_traces")),
            "{err:?}"
        );
    }

    #[test]
    fn values_travel_as_parameters_never_in_the_sql() -> Result<(), Box<dyn std::error::Error>> {
        let reader = ClickHouseReader::new(settings()?);
        let query = TraceQuery {
            trace_id: Some("ABC'; DROP TABLE x".to_owned()),
            ..TraceQuery::default()
        };
        let (sql, params) = reader.statement(&query)?;
        assert!(!sql.contains("DROP"), "{sql}");
        assert!(
            sql.contains("ORDER BY Timestamp LIMIT {limit:UInt32}"),
            "{sql}"
        );
        assert!(params.contains(&("limit".to_owned(), "1000".to_owned())));
        assert!(params.contains(&("trace_id".to_owned(), "abc'; drop table x".to_owned())));
        Ok(())
    }

    #[test]
    fn a_bad_table_name_is_refused() -> Result<(), Box<dyn std::error::Error>> {
        let mut reader = ClickHouseReader::new(settings()?);
        reader.table = "otel.traces; --".to_owned();
        let err = reader
            .statement(&TraceQuery::default())
            .err()
            .map(|e| e.to_string());
        assert!(err.is_some_and(|e| e.contains("table name")));
        Ok(())
    }

    #[test]
    fn reads_exception_codes() {
        assert_eq!(exception_code("Code: 60. DB::Exception: x"), Some(60));
        assert_eq!(exception_code("nothing"), None);
    }
}
