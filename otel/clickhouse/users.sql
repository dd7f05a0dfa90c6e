-- Least-privilege users of the telemetry database (run after schema.sql).
--
-- When to use: a production ClickHouse that the collector writes to and
-- dashboards or `letta-otel traces --source clickhouse` read from. Give the
-- collector the writer (CLICKHOUSE_USERNAME / CLICKHOUSE_PASSWORD of the
-- otel-collector-config-clickhouse*.yaml configurations) and readers the
-- reader; keep `default` for administration only.
--
--   otel_writer  INSERT on the telemetry tables, nothing else: it cannot
--                read, alter or drop them (the configurations run with
--                `create_schema: false`, so it needs no DDL).
--   otel_reader  SELECT on the telemetry database, nothing else.
--
-- Do not run this file by hand: otel/clickhouse/create-users.sh fills in
-- {database}, {writer_sha256} and {reader_sha256} from CLICKHOUSE_DATABASE,
-- CLICKHOUSE_WRITER_PASSWORD and CLICKHOUSE_READER_PASSWORD. Passwords are
-- sent as SHA-256 hashes (`IDENTIFIED WITH sha256_hash`), so they never
-- appear in ClickHouse's query log.
--
-- Every statement ends with `;` at the end of a line (the tests split on it).

CREATE USER IF NOT EXISTS otel_writer IDENTIFIED WITH sha256_hash BY '{writer_sha256}' DEFAULT DATABASE {database};
CREATE USER IF NOT EXISTS otel_reader IDENTIFIED WITH sha256_hash BY '{reader_sha256}' DEFAULT DATABASE {database};
GRANT INSERT ON {database}.otel_traces TO otel_writer;
GRANT INSERT ON {database}.otel_traces_trace_id_ts TO otel_writer;
GRANT INSERT ON {database}.otel_logs TO otel_writer;
GRANT INSERT ON {database}.otel_metrics_sum TO otel_writer;
GRANT INSERT ON {database}.otel_metrics_gauge TO otel_writer;
GRANT INSERT ON {database}.otel_metrics_histogram TO otel_writer;
GRANT INSERT ON {database}.otel_metrics_exp_histogram TO otel_writer;
GRANT INSERT ON {database}.otel_metrics_summary TO otel_writer;
GRANT SELECT ON {database}.* TO otel_reader;
