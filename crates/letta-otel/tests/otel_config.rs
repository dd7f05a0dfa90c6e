//! The collector configurations of `otel/`: every YAML parses, every pipeline
//! references defined components, every `${VAR}` is documented, the receivers
//! accept what the SDK sends, and `start-otel-collector.sh` picks the right
//! configuration and refuses to start without the variables it needs (run
//! with a stub collector binary).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use yaml_serde::Value;

type TestResult = Result<(), Box<dyn std::error::Error>>;

fn otel_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../otel")
}

/// Every configuration file of `otel/`.
fn configs() -> Result<Vec<PathBuf>, std::io::Error> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(otel_dir())?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    files.sort();
    Ok(files)
}

fn name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

fn load(path: &Path) -> Result<Value, Box<dyn std::error::Error>> {
    let text = std::fs::read_to_string(path)?;
    Ok(yaml_serde::from_str(&text).map_err(|e| format!("{}: {e}", name(path)))?)
}

/// The keys of mapping `section` of the top level (empty when absent).
fn keys(doc: &Value, section: &str) -> BTreeSet<String> {
    doc.get(section)
        .and_then(Value::as_mapping)
        .map(|m| {
            m.keys()
                .filter_map(|k| k.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

fn strings(value: Option<&Value>) -> Vec<String> {
    value
        .and_then(Value::as_sequence)
        .map(|s| {
            s.iter()
                .filter_map(|v| v.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

/// `${VAR}`, `${env:VAR}` and `${env:VAR:-default}` references outside comments.
fn variables(text: &str) -> BTreeSet<(String, bool)> {
    let mut vars = BTreeSet::new();
    for line in text.lines().filter(|l| !l.trim_start().starts_with('#')) {
        let mut rest = line;
        while let Some(start) = rest.find("${") {
            let after = &rest[start + 2..];
            let Some(end) = after.find('}') else { break };
            let inner = after[..end].strip_prefix("env:").unwrap_or(&after[..end]);
            let (var, has_default) = match inner.split_once(":-") {
                Some((var, _)) => (var, true),
                None => (inner, false),
            };
            vars.insert((var.to_owned(), has_default));
            rest = &after[end..];
        }
    }
    vars
}

#[test]
fn the_reference_configurations_and_the_additions_are_all_there() -> TestResult {
    let names: BTreeSet<String> = configs()?.iter().map(|p| name(p)).collect();
    for wanted in [
        "otel-collector-config-file.yaml",
        "otel-collector-config-file-dev.yaml",
        "otel-collector-config-clickhouse-dev.yaml",
        "otel-collector-config-clickhouse.yaml",
        "otel-collector-config-clickhouse-prod.yaml",
        "otel-collector-config-signoz.yaml",
        "otel-collector-config-datadog.yaml",
        "otel-collector-config-clickhouse-cluster.yaml",
    ] {
        assert!(
            names.contains(wanted),
            "otel/{wanted} is missing; have {names:?}"
        );
    }
    Ok(())
}

#[test]
fn every_configuration_parses_and_says_when_to_use_it() -> TestResult {
    for path in configs()? {
        let text = std::fs::read_to_string(&path)?;
        assert!(
            text.starts_with("# When to use:"),
            "{} must start with a `# When to use:` comment",
            name(&path)
        );
        let doc = load(&path)?;
        assert!(
            doc.get("service").is_some(),
            "{} has no service",
            name(&path)
        );
    }
    Ok(())
}

#[test]
fn every_pipeline_references_defined_components() -> TestResult {
    for path in configs()? {
        let file = name(&path);
        let doc = load(&path)?;
        let connectors = keys(&doc, "connectors");
        let receivers: BTreeSet<String> = keys(&doc, "receivers")
            .union(&connectors)
            .cloned()
            .collect();
        let exporters: BTreeSet<String> = keys(&doc, "exporters")
            .union(&connectors)
            .cloned()
            .collect();
        let processors = keys(&doc, "processors");
        let extensions = keys(&doc, "extensions");
        let service = doc.get("service").ok_or(format!("{file}: no service"))?;
        for ext in strings(service.get("extensions")) {
            assert!(
                extensions.contains(&ext),
                "{file}: extension {ext} is not defined"
            );
        }
        let pipelines = service
            .get("pipelines")
            .and_then(Value::as_mapping)
            .ok_or(format!("{file}: no pipelines"))?;
        assert!(!pipelines.is_empty(), "{file}: no pipelines");
        let mut used = BTreeSet::new();
        for (pipeline, body) in pipelines {
            let pipeline = pipeline.as_str().unwrap_or("?");
            let rs = strings(body.get("receivers"));
            let es = strings(body.get("exporters"));
            assert!(
                !rs.is_empty() && !es.is_empty(),
                "{file}/{pipeline}: needs receivers and exporters"
            );
            for r in &rs {
                assert!(
                    receivers.contains(r),
                    "{file}/{pipeline}: receiver {r} is not defined"
                );
            }
            for e in &es {
                assert!(
                    exporters.contains(e),
                    "{file}/{pipeline}: exporter {e} is not defined"
                );
            }
            let ps = strings(body.get("processors"));
            for p in &ps {
                assert!(
                    processors.contains(p),
                    "{file}/{pipeline}: processor {p} is not defined"
                );
            }
            if ps.iter().any(|p| p == "memory_limiter") {
                assert_eq!(
                    ps[0], "memory_limiter",
                    "{file}/{pipeline}: memory_limiter must come first"
                );
            }
            used.extend(rs);
            used.extend(es);
            used.extend(ps);
        }
        // Nothing defined and left unused (a typo in a pipeline would hide there).
        for defined in receivers.iter().chain(&exporters).chain(&processors) {
            assert!(
                used.contains(defined),
                "{file}: {defined} is defined but used by no pipeline"
            );
        }
    }
    Ok(())
}

#[test]
fn receivers_accept_what_the_sdk_sends() -> TestResult {
    // The SDK never sends a request above 4 MiB by default.
    let sdk_limit_mib =
        letta_telemetry::settings::ExportLimits::default().max_request_bytes as u64 / (1024 * 1024);
    for path in configs()? {
        let file = name(&path);
        let doc = load(&path)?;
        let Some(protocols) = doc
            .get("receivers")
            .and_then(|r| r.get("otlp"))
            .and_then(|o| o.get("protocols"))
        else {
            continue;
        };
        let grpc = protocols
            .get("grpc")
            .and_then(|g| g.get("max_recv_msg_size_mib"))
            .and_then(Value::as_u64)
            .ok_or(format!("{file}: otlp grpc needs max_recv_msg_size_mib"))?;
        assert!(
            grpc >= sdk_limit_mib,
            "{file}: grpc accepts {grpc} MiB < {sdk_limit_mib}"
        );
        let http = protocols
            .get("http")
            .and_then(|g| g.get("max_request_body_size"))
            .and_then(Value::as_u64)
            .ok_or(format!("{file}: otlp http needs max_request_body_size"))?;
        assert!(
            http >= sdk_limit_mib * 1024 * 1024,
            "{file}: http accepts {http} bytes"
        );
    }
    Ok(())
}

#[test]
fn the_reference_values_are_kept() -> TestResult {
    let doc = load(&otel_dir().join("otel-collector-config-clickhouse.yaml"))?;
    let batch = doc
        .get("processors")
        .and_then(|p| p.get("batch"))
        .ok_or("no batch")?;
    assert_eq!(batch.get("timeout").and_then(Value::as_str), Some("10s"));
    assert_eq!(
        batch.get("send_batch_size").and_then(Value::as_u64),
        Some(8192)
    );
    let limiter = doc
        .get("processors")
        .and_then(|p| p.get("memory_limiter"))
        .ok_or("no limiter")?;
    assert_eq!(limiter.get("limit_mib").and_then(Value::as_u64), Some(1024));
    assert_eq!(
        limiter.get("spike_limit_mib").and_then(Value::as_u64),
        Some(256)
    );
    let ch = doc
        .get("exporters")
        .and_then(|e| e.get("clickhouse"))
        .ok_or("no clickhouse")?;
    assert_eq!(
        ch.get("sending_queue")
            .and_then(|q| q.get("queue_size"))
            .and_then(Value::as_u64),
        Some(500)
    );

    let dev = load(&otel_dir().join("otel-collector-config-clickhouse-dev.yaml"))?;
    let ch = dev
        .get("exporters")
        .and_then(|e| e.get("clickhouse"))
        .ok_or("no clickhouse")?;
    assert_eq!(
        ch.get("sending_queue")
            .and_then(|q| q.get("queue_size"))
            .and_then(Value::as_u64),
        Some(100)
    );
    let retry = ch.get("retry_on_failure").ok_or("no retry")?;
    assert_eq!(
        retry.get("initial_interval").and_then(Value::as_str),
        Some("5s")
    );
    assert_eq!(
        retry.get("max_interval").and_then(Value::as_str),
        Some("30s")
    );
    assert_eq!(
        retry.get("max_elapsed_time").and_then(Value::as_str),
        Some("300s")
    );

    let file = load(&otel_dir().join("otel-collector-config-file.yaml"))?;
    let rotation = file
        .get("exporters")
        .and_then(|e| e.get("file"))
        .and_then(|f| f.get("rotation"))
        .ok_or("no rotation")?;
    assert_eq!(
        rotation.get("max_megabytes").and_then(Value::as_u64),
        Some(100)
    );
    assert_eq!(rotation.get("max_days").and_then(Value::as_u64), Some(7));
    assert_eq!(rotation.get("max_backups").and_then(Value::as_u64), Some(5));

    let cluster = load(&otel_dir().join("otel-collector-config-clickhouse-cluster.yaml"))?;
    let ch = cluster
        .get("exporters")
        .and_then(|e| e.get("clickhouse"))
        .ok_or("no clickhouse")?;
    assert!(
        ch.get("cluster_name")
            .and_then(Value::as_str)
            .is_some_and(|c| c.contains("CLICKHOUSE_CLUSTER"))
    );
    assert_eq!(
        ch.get("table_engine")
            .and_then(|t| t.get("name"))
            .and_then(Value::as_str),
        Some("ReplicatedMergeTree")
    );
    assert!(
        ch.get("ttl")
            .and_then(Value::as_str)
            .is_some_and(|t| t != "0"),
        "explicit TTL"
    );

    let signoz = load(&otel_dir().join("otel-collector-config-signoz.yaml"))?;
    let headers = signoz
        .get("exporters")
        .and_then(|e| e.get("otlp"))
        .and_then(|o| o.get("headers"))
        .ok_or("no headers")?;
    assert!(headers.get("signoz-ingestion-key").is_some());
    Ok(())
}

#[test]
fn secrets_come_from_the_environment_only() -> TestResult {
    for path in configs()? {
        let file = name(&path);
        let doc = load(&path)?;
        let mut stack = vec![(String::new(), doc)];
        let mut secrets = 0;
        while let Some((path, value)) = stack.pop() {
            match value {
                Value::Mapping(m) => {
                    for (k, v) in m {
                        stack.push((format!("{path}.{}", k.as_str().unwrap_or("?")), v));
                    }
                }
                Value::Sequence(s) => stack.extend(s.into_iter().map(|v| (format!("{path}[]"), v))),
                Value::String(s) => {
                    let secret = [".password", ".api.key", ".signoz-ingestion-key", ".token"]
                        .iter()
                        .any(|k| path.ends_with(k));
                    if secret {
                        secrets += 1;
                        assert!(
                            s.starts_with("${env:") && !s.contains(":-"),
                            "{file}: {path} must come from the environment, without a default"
                        );
                    }
                }
                _ => {}
            }
        }
        let text: String = std::fs::read_to_string(&path)?
            .lines()
            .filter(|l| !l.trim_start().starts_with('#'))
            .collect();
        let expected = ["CLICKHOUSE_PASSWORD", "DD_API_KEY", "SIGNOZ_INGESTION_KEY"]
            .iter()
            .filter(|v| text.contains(*v))
            .count();
        assert_eq!(secrets, expected, "{file}: every secret was checked");
    }
    Ok(())
}

#[test]
fn every_variable_is_documented_in_the_readme() -> TestResult {
    let readme = std::fs::read_to_string(otel_dir().join("README.md"))?;
    let script = std::fs::read_to_string(otel_dir().join("start-otel-collector.sh"))?;
    let mut all = BTreeSet::new();
    for path in configs()? {
        all.extend(
            variables(&std::fs::read_to_string(&path)?)
                .into_iter()
                .map(|(v, _)| v),
        );
    }
    assert!(
        all.contains("CLICKHOUSE_PASSWORD") && all.contains("DD_API_KEY"),
        "{all:?}"
    );
    for var in [
        "OTELCOL_BIN",
        "OTELCOL_INSTALL_DIR",
        "OTELCOL_DOWNLOAD_BASE",
        "OTEL_COLLECTOR_CONFIG",
    ] {
        assert!(script.contains(var), "the script no longer reads {var}");
        all.insert(var.to_owned());
    }
    for var in all {
        assert!(
            readme.contains(&format!("| `{var}` |")),
            "otel/README.md does not document {var} in its table"
        );
    }
    Ok(())
}

// ---- the start script -------------------------------------------------------

struct Sandbox {
    dir: tempfile::TempDir,
}

impl Sandbox {
    /// A temporary HOME with a stub collector that prints its arguments and
    /// the endpoint it was given, and a stub `uname`.
    fn new(uname_s: &str, uname_m: &str) -> Result<Self, Box<dyn std::error::Error>> {
        let dir = tempfile::tempdir()?;
        let bin = dir.path().join("stubbin");
        std::fs::create_dir_all(&bin)?;
        write_exec(
            &bin.join("otelcol-stub"),
            "#!/bin/sh\nif [ \"$1\" = --version ]; then echo \"otelcol-contrib version ${STUB_VERSION:-0.165.0}\"; exit 0; fi\n\
             echo \"STUB $*\"\necho \"ENDPOINT=${CLICKHOUSE_ENDPOINT:-}\"\n",
        )?;
        write_exec(
            &bin.join("uname"),
            &format!(
                "#!/bin/sh\ncase \"$1\" in -s) echo {uname_s};; -m) echo {uname_m};; *) echo {uname_s};; esac\n"
            ),
        )?;
        Ok(Self { dir })
    }

    fn stub(&self) -> PathBuf {
        self.dir.path().join("stubbin/otelcol-stub")
    }

    /// Runs the script with a clean environment plus `vars`.
    fn run(&self, args: &[&str], vars: &[(&str, &str)]) -> Result<Output, std::io::Error> {
        let path = format!(
            "{}:/usr/bin:/bin",
            self.dir.path().join("stubbin").display()
        );
        let mut cmd = Command::new("bash");
        cmd.arg(otel_dir().join("start-otel-collector.sh"))
            .args(args)
            .env_clear()
            .env("PATH", path)
            .env("HOME", self.dir.path().join("home"))
            .current_dir(self.dir.path());
        for (k, v) in vars {
            cmd.env(k, v);
        }
        cmd.output()
    }
}

fn write_exec(path: &Path, text: &str) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::write(path, text)?;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755))
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn config_arg(o: &Output) -> Option<String> {
    let out = stdout(o);
    let line = out.lines().find(|l| l.starts_with("STUB "))?;
    let (_, rest) = line.split_once("--config ")?;
    let path = rest.split_whitespace().next()?;
    Some(name(Path::new(path)))
}

#[test]
fn script_picks_file_dev_without_clickhouse_and_clickhouse_dev_with_it() -> TestResult {
    let sb = Sandbox::new("Linux", "x86_64")?;
    let stub = sb.stub();
    let stub = stub.to_str().ok_or("path")?;

    let out = sb.run(&[], &[("OTELCOL_BIN", stub)])?;
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        config_arg(&out).as_deref(),
        Some("otel-collector-config-file-dev.yaml")
    );
    assert!(
        sb.dir.path().join("home/.letta/logs").is_dir(),
        "the logs directory is created"
    );

    // Only one of the two: still the file config.
    let out = sb.run(
        &[],
        &[
            ("OTELCOL_BIN", stub),
            ("CLICKHOUSE_ENDPOINT", "https://ch:8443"),
        ],
    )?;
    assert_eq!(
        config_arg(&out).as_deref(),
        Some("otel-collector-config-file-dev.yaml")
    );

    let out = sb.run(
        &["--", "--feature-gates=-foo"],
        &[
            ("OTELCOL_BIN", stub),
            ("CLICKHOUSE_ENDPOINT", "ch.example.com"),
            ("CLICKHOUSE_PASSWORD", "pw-123"),
        ],
    )?;
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        config_arg(&out).as_deref(),
        Some("otel-collector-config-clickhouse-dev.yaml")
    );
    assert!(
        stdout(&out).contains("--feature-gates=-foo"),
        "extra arguments are passed on"
    );
    // A bare host means TLS on 8443, as for the trace reader.
    assert!(
        stdout(&out).contains("ENDPOINT=https://ch.example.com:8443"),
        "{}",
        stdout(&out)
    );
    assert!(
        !stderr(&out).contains("pw-123"),
        "the password is never printed"
    );

    let out = sb.run(
        &[],
        &[
            ("OTELCOL_BIN", stub),
            ("CLICKHOUSE_ENDPOINT", "ch:9000"),
            ("CLICKHOUSE_PASSWORD", "pw"),
        ],
    )?;
    assert!(
        stdout(&out).contains("ENDPOINT=https://ch:9000"),
        "{}",
        stdout(&out)
    );
    Ok(())
}

/// A configuration choice, the variables that let it start, and the ones it
/// must name when they are missing.
type Case<'a> = (&'a str, &'a [(&'a str, &'a str)], &'a [&'a str]);

#[test]
fn script_runs_the_explicit_choice_and_checks_its_variables() -> TestResult {
    let sb = Sandbox::new("Linux", "aarch64")?;
    let stub = sb.stub();
    let stub = stub.to_str().ok_or("path")?;
    let ch = [
        ("CLICKHOUSE_ENDPOINT", "https://ch:8443"),
        ("CLICKHOUSE_PASSWORD", "pw"),
    ];
    let cases: &[Case] = &[
        ("file", &[], &[]),
        ("file-dev", &[], &[]),
        (
            "clickhouse",
            &ch,
            &["CLICKHOUSE_ENDPOINT", "CLICKHOUSE_PASSWORD"],
        ),
        (
            "clickhouse-dev",
            &ch,
            &["CLICKHOUSE_ENDPOINT", "CLICKHOUSE_PASSWORD"],
        ),
        (
            "clickhouse-prod",
            &[
                ("CLICKHOUSE_ENDPOINT", "https://ch:8443"),
                ("CLICKHOUSE_PASSWORD", "pw"),
                ("DD_API_KEY", "k"),
            ],
            &["CLICKHOUSE_ENDPOINT", "CLICKHOUSE_PASSWORD", "DD_API_KEY"],
        ),
        (
            "clickhouse-cluster",
            &[
                ("CLICKHOUSE_ENDPOINT", "https://ch:8443"),
                ("CLICKHOUSE_PASSWORD", "pw"),
                ("CLICKHOUSE_CLUSTER", "c1"),
            ],
            &[
                "CLICKHOUSE_CLUSTER",
                "CLICKHOUSE_ENDPOINT",
                "CLICKHOUSE_PASSWORD",
            ],
        ),
        (
            "signoz",
            &[
                ("SIGNOZ_ENDPOINT", "ingest:443"),
                ("SIGNOZ_INGESTION_KEY", "k"),
            ],
            &["SIGNOZ_ENDPOINT", "SIGNOZ_INGESTION_KEY"],
        ),
        ("datadog", &[("DD_API_KEY", "k")], &["DD_API_KEY"]),
    ];
    for (choice, vars, required) in cases {
        let file = format!("otel-collector-config-{choice}.yaml");
        // With its variables: starts with that file.
        let mut with: Vec<(&str, &str)> = vars.to_vec();
        with.push(("OTELCOL_BIN", stub));
        let out = sb.run(&[choice], &with)?;
        assert!(out.status.success(), "{choice}: {}", stderr(&out));
        assert_eq!(config_arg(&out).as_deref(), Some(file.as_str()), "{choice}");

        // Chosen through OTEL_COLLECTOR_CONFIG as well.
        with.push(("OTEL_COLLECTOR_CONFIG", choice));
        let out = sb.run(&[], &with)?;
        assert_eq!(
            config_arg(&out).as_deref(),
            Some(file.as_str()),
            "{choice} via OTEL_COLLECTOR_CONFIG"
        );

        // Without them: refuses, naming each missing variable, starts nothing.
        let out = sb.run(&[choice], &[("OTELCOL_BIN", stub)])?;
        if required.is_empty() {
            assert!(out.status.success(), "{choice}: {}", stderr(&out));
            continue;
        }
        assert_eq!(out.status.code(), Some(2), "{choice}: {}", stderr(&out));
        assert!(
            !stdout(&out).contains("STUB"),
            "{choice}: the collector must not start"
        );
        let err = stderr(&out);
        assert!(err.contains(&format!("configuration '{choice}'")), "{err}");
        for var in *required {
            assert!(
                err.contains(&format!("  {var}: ")),
                "{choice}: {var} not named in:\n{err}"
            );
        }
        // The variables the file needs are exactly those without a default.
        let needed: BTreeSet<String> = variables(&std::fs::read_to_string(otel_dir().join(&file))?)
            .into_iter()
            .filter(|(_, has_default)| !has_default)
            .map(|(v, _)| v)
            .filter(|v| v != "HOME")
            .collect();
        let listed: BTreeSet<String> = required.iter().map(|s| (*s).to_owned()).collect();
        assert_eq!(needed, listed, "{choice}");
    }
    Ok(())
}

#[test]
fn script_refuses_unknown_choices_windows_and_a_missing_binary() -> TestResult {
    let sb = Sandbox::new("Linux", "x86_64")?;
    let stub = sb.stub();
    let stub = stub.to_str().ok_or("path")?;
    let out = sb.run(&["elasticsearch"], &[("OTELCOL_BIN", stub)])?;
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("unknown configuration 'elasticsearch'"),
        "{}",
        stderr(&out)
    );

    let out = sb.run(&["file"], &[("OTELCOL_BIN", "/nonexistent/otelcol")])?;
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("OTELCOL_BIN=/nonexistent/otelcol is not an executable"),
        "{}",
        stderr(&out)
    );

    let win = Sandbox::new("MINGW64_NT-10.0", "x86_64")?;
    let stub = win.stub();
    let out = win.run(&["file"], &[("OTELCOL_BIN", stub.to_str().ok_or("path")?)])?;
    assert_eq!(out.status.code(), Some(3));
    assert!(
        stderr(&out).contains("Windows is not supported"),
        "{}",
        stderr(&out)
    );

    let odd = Sandbox::new("Linux", "riscv64")?;
    let out = odd.run(&["file"], &[])?;
    assert_eq!(out.status.code(), Some(3));
    assert!(
        stderr(&out).contains("unsupported architecture 'riscv64'"),
        "{}",
        stderr(&out)
    );
    Ok(())
}

#[test]
fn script_says_clearly_when_the_download_cannot_be_made() -> TestResult {
    let sb = Sandbox::new("Linux", "x86_64")?;
    let install = sb.dir.path().join("install");
    let base = format!("file://{}", sb.dir.path().join("no-mirror-here").display());
    let out = sb.run(
        &["file"],
        &[
            ("OTELCOL_INSTALL_DIR", install.to_str().ok_or("path")?),
            ("OTELCOL_DOWNLOAD_BASE", &base),
        ],
    )?;
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("cannot download otelcol-contrib 0.165.0"),
        "{err}"
    );
    assert!(
        err.contains("otelcol-contrib_0.165.0_linux_amd64.tar.gz"),
        "{err}"
    );
    assert!(
        err.contains("OTELCOL_BIN"),
        "the message says how to proceed: {err}"
    );
    assert!(!install.join("otelcol-contrib").exists());
    Ok(())
}

#[test]
fn script_installs_the_pinned_version_when_missing_or_different() -> TestResult {
    let sb = Sandbox::new("Darwin", "arm64")?;
    // A mirror holding a release tarball whose binary is the stub.
    let mirror = sb.dir.path().join("mirror/v0.165.0");
    std::fs::create_dir_all(&mirror)?;
    let staging = sb.dir.path().join("staging");
    std::fs::create_dir_all(&staging)?;
    std::fs::copy(sb.stub(), staging.join("otelcol-contrib"))?;
    let tar = Command::new("tar")
        .arg("-czf")
        .arg(mirror.join("otelcol-contrib_0.165.0_darwin_arm64.tar.gz"))
        .arg("-C")
        .arg(&staging)
        .arg("otelcol-contrib")
        .status()?;
    assert!(tar.success());
    let install = sb.dir.path().join("install");
    let base = format!("file://{}", sb.dir.path().join("mirror").display());
    let vars = [
        ("OTELCOL_INSTALL_DIR", install.to_str().ok_or("path")?),
        ("OTELCOL_DOWNLOAD_BASE", base.as_str()),
    ];

    let out = sb.run(&["file"], &vars)?;
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("installing otelcol-contrib 0.165.0 (darwin_arm64)"),
        "{}",
        stderr(&out)
    );
    assert_eq!(
        config_arg(&out).as_deref(),
        Some("otel-collector-config-file.yaml")
    );

    // Present and of the pinned version: not installed again.
    let out = sb.run(&["file"], &vars)?;
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(!stderr(&out).contains("installing"), "{}", stderr(&out));

    // Another version: replaced.
    write_exec(
        &install.join("otelcol-contrib"),
        "#!/bin/sh\necho otelcol-contrib version 0.100.0\n",
    )?;
    let out = sb.run(&["file"], &vars)?;
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("is version 0.100.0, want 0.165.0"),
        "{}",
        stderr(&out)
    );
    assert_eq!(
        config_arg(&out).as_deref(),
        Some("otel-collector-config-file.yaml")
    );
    Ok(())
}
