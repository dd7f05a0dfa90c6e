//! `otel/start-otel-collector.sh`: picks the right configuration, refuses to
//! start without the variables it needs, installs the pinned collector when
//! missing, and says clearly what went wrong (run with a stub collector
//! binary).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

mod otel_support;

use otel_support::{TestResult, name, otel_dir, variables};

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
    // What every secured configuration needs beside its own variables.
    let cert = sb.dir.path().join("cert.pem");
    std::fs::write(&cert, "not checked by the script's stub collector")?;
    let cert = cert.to_str().ok_or("path")?;
    let secured = [
        ("COLLECTOR_TLS_CERT_FILE", cert),
        ("COLLECTOR_TLS_KEY_FILE", cert),
        ("COLLECTOR_BEARER_TOKEN", "token-canary-123"),
    ];
    let secured_names = secured.map(|(name, _)| name);
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
        let dev = choice.ends_with("-dev");
        let mut vars: Vec<(&str, &str)> = vars.to_vec();
        let mut required: Vec<&str> = required.to_vec();
        if !dev {
            vars.extend(secured);
            required.extend(secured_names);
        }
        // With its variables: starts with that file.
        let mut with: Vec<(&str, &str)> = vars.clone();
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
        if !dev {
            // The token is set but a certificate is not: the refusal names
            // what is missing and never prints the token.
            let out = sb.run(
                &[choice],
                &[
                    ("OTELCOL_BIN", stub),
                    ("COLLECTOR_BEARER_TOKEN", "token-canary-123"),
                ],
            )?;
            assert_eq!(out.status.code(), Some(2), "{choice}");
            let both = format!("{}{}", stdout(&out), stderr(&out));
            assert!(both.contains("COLLECTOR_TLS_CERT_FILE"), "{both}");
            assert!(
                !both.contains("token-canary-123"),
                "{choice}: the token was printed"
            );
        }
        for var in &required {
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

    let out = sb.run(&["file-dev"], &[("OTELCOL_BIN", "/nonexistent/otelcol")])?;
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("OTELCOL_BIN=/nonexistent/otelcol is not an executable"),
        "{}",
        stderr(&out)
    );

    let win = Sandbox::new("MINGW64_NT-10.0", "x86_64")?;
    let stub = win.stub();
    let out = win.run(
        &["file-dev"],
        &[("OTELCOL_BIN", stub.to_str().ok_or("path")?)],
    )?;
    assert_eq!(out.status.code(), Some(3));
    assert!(
        stderr(&out).contains("Windows is not supported"),
        "{}",
        stderr(&out)
    );

    let odd = Sandbox::new("Linux", "riscv64")?;
    let out = odd.run(&["file-dev"], &[])?;
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
        &["file-dev"],
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

    let out = sb.run(&["file-dev"], &vars)?;
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("installing otelcol-contrib 0.165.0 (darwin_arm64)"),
        "{}",
        stderr(&out)
    );
    assert_eq!(
        config_arg(&out).as_deref(),
        Some("otel-collector-config-file-dev.yaml")
    );

    // Present and of the pinned version: not installed again.
    let out = sb.run(&["file-dev"], &vars)?;
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(!stderr(&out).contains("installing"), "{}", stderr(&out));

    // Another version: replaced.
    write_exec(
        &install.join("otelcol-contrib"),
        "#!/bin/sh\necho otelcol-contrib version 0.100.0\n",
    )?;
    let out = sb.run(&["file-dev"], &vars)?;
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("is version 0.100.0, want 0.165.0"),
        "{}",
        stderr(&out)
    );
    assert_eq!(
        config_arg(&out).as_deref(),
        Some("otel-collector-config-file-dev.yaml")
    );
    Ok(())
}
