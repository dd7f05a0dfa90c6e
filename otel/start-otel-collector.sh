#!/usr/bin/env bash
# Starts the OpenTelemetry Collector (otelcol-contrib) in the foreground with
# one of the configurations of this directory.
#
#   otel/start-otel-collector.sh [CONFIG] [-- COLLECTOR_ARGS...]
#
# CONFIG (or the OTEL_COLLECTOR_CONFIG variable) is one of
#   auto                the default: clickhouse-dev when both CLICKHOUSE_ENDPOINT
#                       and CLICKHOUSE_PASSWORD are set, else file-dev
#   file-dev            local JSON file ~/.letta/logs/traces.json
#   file                rotated JSON file, listening on all interfaces
#   clickhouse-dev      ClickHouse plus local JSON files
#   clickhouse          ClickHouse (traces, metrics, logs)
#   clickhouse-prod     ClickHouse and Datadog
#   clickhouse-cluster  replicated ClickHouse cluster
#   signoz              SigNoz over OTLP
#   datadog             Datadog only
# or the path of a YAML file.
#
# The collector binary is OTELCOL_BIN when set; otherwise otelcol-contrib in
# OTELCOL_INSTALL_DIR (default: bin/ of this repository), installed (pinned
# version below, from OTELCOL_DOWNLOAD_BASE when set) when missing or of
# another version. Linux and macOS on amd64/arm64 only.
#
# Before starting, every variable the chosen configuration needs (each
# ${env:VAR} without a default) must be set; see otel/README.md.
set -euo pipefail

OTELCOL_VERSION="0.165.0"
DEFAULT_DOWNLOAD_BASE="https://github.com/open-telemetry/opentelemetry-collector-releases/releases/download"

me="start-otel-collector.sh"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"

die() {
  local code="$1"
  shift
  echo "$me: $*" >&2
  exit "$code"
}

# ---- configuration choice -------------------------------------------------
choice="${OTEL_COLLECTOR_CONFIG:-auto}"
if [ $# -gt 0 ] && [ "$1" != "--" ]; then
  choice="$1"
  shift
fi
if [ $# -gt 0 ] && [ "$1" = "--" ]; then
  shift
fi

case "$choice" in
  -h | --help)
    sed -n '2,26p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
    exit 0
    ;;
  auto)
    if [ -n "${CLICKHOUSE_ENDPOINT:-}" ] && [ -n "${CLICKHOUSE_PASSWORD:-}" ]; then
      choice="clickhouse-dev"
    else
      choice="file-dev"
    fi
    config="$here/otel-collector-config-$choice.yaml"
    ;;
  file | file-dev | clickhouse | clickhouse-dev | clickhouse-prod | clickhouse-cluster | signoz | datadog)
    config="$here/otel-collector-config-$choice.yaml"
    ;;
  *.yaml | *.yml)
    config="$choice"
    ;;
  *)
    die 2 "unknown configuration '$choice'; expected one of: auto, file-dev, file, clickhouse-dev, clickhouse, clickhouse-prod, clickhouse-cluster, signoz, datadog, or the path of a .yaml file"
    ;;
esac
[ -f "$config" ] || die 2 "configuration file $config does not exist"

# ---- variables the configuration needs -------------------------------------
# A reference without a default (${env:VAR} or ${VAR}) must be set and not
# empty; ${env:VAR:-default} may be left out. Values are never printed.
describe() {
  case "$1" in
    CLICKHOUSE_ENDPOINT) echo "ClickHouse URL, e.g. https://host:8443 (or host[:port], which means https)" ;;
    CLICKHOUSE_PASSWORD) echo "password of CLICKHOUSE_USERNAME (default user 'default')" ;;
    CLICKHOUSE_CLUSTER) echo "name of the ClickHouse cluster (remote_servers) for ON CLUSTER" ;;
    DD_API_KEY) echo "Datadog API key" ;;
    SIGNOZ_ENDPOINT) echo "SigNoz OTLP/gRPC endpoint, e.g. ingest.us.signoz.cloud:443" ;;
    SIGNOZ_INGESTION_KEY) echo "SigNoz ingestion key" ;;
    HOME) echo "home directory (the file is written under \$HOME/.letta/logs)" ;;
    COLLECTOR_TLS_CERT_FILE) echo "PEM certificate the OTLP receivers present (TLS)" ;;
    COLLECTOR_TLS_KEY_FILE) echo "PEM private key of COLLECTOR_TLS_CERT_FILE" ;;
    COLLECTOR_BEARER_TOKEN) echo "token clients send as 'authorization: Bearer <token>' (OTEL_EXPORTER_OTLP_HEADERS on the server)" ;;
    *) echo "see otel/README.md" ;;
  esac
}

required="$(grep -v '^[[:space:]]*#' "$config" |
  grep -oE '\$\{(env:)?[A-Za-z_][A-Za-z0-9_]*\}' |
  sed -E 's/^\$\{(env:)?//; s/\}$//' | sort -u || true)"
missing=()
for var in $required; do
  if [ -z "${!var:-}" ]; then
    missing+=("$var")
  fi
done
if [ ${#missing[@]} -gt 0 ]; then
  {
    echo "$me: configuration '$choice' ($(basename "$config")) needs these variables, which are not set:"
    for var in "${missing[@]}"; do
      echo "  $var: $(describe "$var")"
    done
    echo "See otel/README.md for every variable."
  } >&2
  exit 2
fi

# The TLS files a secured configuration names must be readable (their paths
# are not secrets; the token is never printed).
for var in COLLECTOR_TLS_CERT_FILE COLLECTOR_TLS_KEY_FILE COLLECTOR_TLS_CLIENT_CA_FILE; do
  if grep -q "env:$var" "$config" && [ -n "${!var:-}" ] && [ ! -r "${!var}" ]; then
    die 2 "$var names ${!var}, which does not exist or cannot be read"
  fi
done

# A bare host[:port] means TLS, as for `letta-otel traces --source clickhouse`;
# the collector's exporter wants a URL.
if [ -n "${CLICKHOUSE_ENDPOINT:-}" ]; then
  case "$CLICKHOUSE_ENDPOINT" in
    *://*) ;;
    *:*) export CLICKHOUSE_ENDPOINT="https://$CLICKHOUSE_ENDPOINT" ;;
    *) export CLICKHOUSE_ENDPOINT="https://$CLICKHOUSE_ENDPOINT:8443" ;;
  esac
fi

case "$choice" in
  file-dev | clickhouse-dev) mkdir -p "$HOME/.letta/logs" ;;
esac

# ---- the collector binary ---------------------------------------------------
platform() {
  local os arch
  case "$(uname -s)" in
    Linux) os=linux ;;
    Darwin) os=darwin ;;
    MINGW* | MSYS* | CYGWIN* | Windows_NT)
      die 3 "Windows is not supported; run the collector in WSL2 or in a container (image otel/opentelemetry-collector-contrib:$OTELCOL_VERSION)"
      ;;
    *) die 3 "unsupported operating system '$(uname -s)'; supported: Linux, Darwin (macOS)" ;;
  esac
  case "$(uname -m)" in
    x86_64 | amd64) arch=amd64 ;;
    arm64 | aarch64) arch=arm64 ;;
    *) die 3 "unsupported architecture '$(uname -m)'; supported: x86_64/amd64, arm64/aarch64" ;;
  esac
  echo "${os}_${arch}"
}

installed_version() {
  "$1" --version 2>/dev/null | grep -oE '[0-9]+\.[0-9]+\.[0-9]+' | head -n 1 || true
}

install_collector() {
  local dest="$1" plat tarball url tmp
  plat="$(platform)"
  tarball="otelcol-contrib_${OTELCOL_VERSION}_${plat}.tar.gz"
  url="${OTELCOL_DOWNLOAD_BASE:-$DEFAULT_DOWNLOAD_BASE}/v${OTELCOL_VERSION}/${tarball}"
  tmp="$(mktemp -d)"
  tmpdir="$tmp"
  trap 'rm -rf "$tmpdir"' EXIT
  echo "$me: installing otelcol-contrib $OTELCOL_VERSION ($plat) into $(dirname "$dest")" >&2
  local err=""
  if command -v curl >/dev/null 2>&1; then
    err="$(curl -fsSL --retry 2 --connect-timeout 10 -o "$tmp/$tarball" "$url" 2>&1)" || {
      download_failed "$url" "$err"
    }
  elif command -v wget >/dev/null 2>&1; then
    err="$(wget -q -T 10 -O "$tmp/$tarball" "$url" 2>&1)" || {
      download_failed "$url" "${err:-wget failed}"
    }
  else
    download_failed "$url" "neither curl nor wget is installed"
  fi
  tar -xzf "$tmp/$tarball" -C "$tmp" otelcol-contrib 2>/dev/null ||
    die 1 "the download from $url is not a tarball containing otelcol-contrib"
  mkdir -p "$(dirname "$dest")"
  mv -f "$tmp/otelcol-contrib" "$dest"
  chmod +x "$dest"
  rm -rf "$tmp"
  trap - EXIT
}

download_failed() {
  local reason="$2"
  reason="${reason##*$'\n'}"
  {
    echo "$me: cannot download otelcol-contrib $OTELCOL_VERSION from $1"
    echo "  reason: $reason"
    echo "  Either download that file on a machine with internet access and unpack"
    echo "  its otelcol-contrib into $install_dir/, or set OTELCOL_BIN to an installed"
    echo "  otelcol-contrib (version $OTELCOL_VERSION recommended), or set"
    echo "  OTELCOL_DOWNLOAD_BASE to a mirror of the release downloads."
  } >&2
  exit 1
}

install_dir="${OTELCOL_INSTALL_DIR:-$root/bin}"
platform >/dev/null
if [ -n "${OTELCOL_BIN:-}" ]; then
  bin="$OTELCOL_BIN"
  [ -x "$bin" ] || die 2 "OTELCOL_BIN=$bin is not an executable file"
else
  bin="$install_dir/otelcol-contrib"
  if [ ! -x "$bin" ]; then
    install_collector "$bin"
  else
    have="$(installed_version "$bin")"
    if [ "$have" != "$OTELCOL_VERSION" ]; then
      echo "$me: $bin is version ${have:-unknown}, want $OTELCOL_VERSION" >&2
      install_collector "$bin"
    fi
  fi
fi

echo "$me: starting $bin with $(basename "$config") ($choice)" >&2
exec "$bin" --config "$config" "$@"
