#!/usr/bin/env bash
# Creates the least-privilege users of users.sql: otel_writer (INSERT on the
# telemetry tables) and otel_reader (SELECT on the database).
#
#   CLICKHOUSE_WRITER_PASSWORD=… CLICKHOUSE_READER_PASSWORD=… \
#     otel/clickhouse/create-users.sh | clickhouse-client --multiquery
#
# Prints the statements for clickhouse-client (or any SQL client) on stdout;
# the passwords appear only as SHA-256 hashes. CLICKHOUSE_DATABASE defaults
# to `otel`. Exits 2, naming what is missing, when a password is not set.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
me="create-users.sh"

missing=()
for var in CLICKHOUSE_WRITER_PASSWORD CLICKHOUSE_READER_PASSWORD; do
  [ -n "${!var:-}" ] || missing+=("$var")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "$me: not set: ${missing[*]} (the passwords of otel_writer and otel_reader)" >&2
  exit 2
fi
database="${CLICKHOUSE_DATABASE:-otel}"
case "$database" in
  *[!A-Za-z0-9_]* | "") echo "$me: CLICKHOUSE_DATABASE must be letters, digits and _ (got '$database')" >&2; exit 2 ;;
esac
hash() { printf '%s' "$1" | sha256sum | cut -d' ' -f1; }
writer="$(hash "$CLICKHOUSE_WRITER_PASSWORD")"
reader="$(hash "$CLICKHOUSE_READER_PASSWORD")"
grep -v '^--' "$here/users.sql" | sed -e "s/{database}/$database/g" \
  -e "s/{writer_sha256}/$writer/g" -e "s/{reader_sha256}/$reader/g" | grep -v '^$'
