//! `otel/clickhouse/create-users.sh` and `users.sql`: the writer may only
//! insert into the tables the schema creates, the reader may only select;
//! the passwords leave the script only as SHA-256 hashes; every statement
//! parses on the ClickHouse engine (`EXPLAIN AST`). The in-process engine
//! has no access control, so enforcement itself is documented
//! (docs/security.md), not tested here.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use test_peers::ClickHouse;
use test_peers::clickhouse::split_statements;

type TestResult = Result<(), Box<dyn std::error::Error>>;

const WRITER_PASSWORD: &str = "writer-canary-pw";
const READER_PASSWORD: &str = "reader-canary-pw";

fn clickhouse_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../otel/clickhouse")
}

fn create_users(vars: &[(&str, &str)]) -> std::process::Output {
    let mut command = Command::new(clickhouse_dir().join("create-users.sh"));
    for name in [
        "CLICKHOUSE_WRITER_PASSWORD",
        "CLICKHOUSE_READER_PASSWORD",
        "CLICKHOUSE_DATABASE",
    ] {
        command.env_remove(name);
    }
    command.envs(vars.iter().copied());
    command.output().expect("run create-users.sh")
}

/// The tables `schema.sql` creates (materialised views excluded).
fn schema_tables() -> Result<BTreeSet<String>, std::io::Error> {
    let schema = std::fs::read_to_string(clickhouse_dir().join("schema.sql"))?;
    Ok(schema
        .lines()
        .filter_map(|l| l.strip_prefix("CREATE TABLE IF NOT EXISTS "))
        .filter_map(|rest| rest.split_whitespace().next())
        .map(str::to_owned)
        .collect())
}

#[test]
fn the_writer_inserts_into_every_table_and_the_reader_only_selects() -> TestResult {
    let out = create_users(&[
        ("CLICKHOUSE_WRITER_PASSWORD", WRITER_PASSWORD),
        ("CLICKHOUSE_READER_PASSWORD", READER_PASSWORD),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let sql = String::from_utf8(out.stdout)?;
    assert!(!sql.contains(WRITER_PASSWORD) && !sql.contains(READER_PASSWORD));
    let sha = |p: &str| {
        let out = Command::new("sha256sum")
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .spawn()
            .and_then(|mut child| {
                use std::io::Write as _;
                child.stdin.take().expect("stdin").write_all(p.as_bytes())?;
                child.wait_with_output()
            })
            .expect("sha256sum");
        String::from_utf8_lossy(&out.stdout)[..64].to_owned()
    };
    assert!(sql.contains(&sha(WRITER_PASSWORD)), "{sql}");
    assert!(sql.contains(&sha(READER_PASSWORD)), "{sql}");

    let mut writer_tables = BTreeSet::new();
    for grant in sql.lines().filter(|l| l.starts_with("GRANT ")) {
        if grant.ends_with(" TO otel_writer;") {
            let table = grant
                .strip_prefix("GRANT INSERT ON otel.")
                .and_then(|rest| rest.strip_suffix(" TO otel_writer;"))
                .ok_or_else(|| format!("the writer gets more than INSERT on a table: {grant}"))?;
            writer_tables.insert(table.to_owned());
        } else {
            assert_eq!(grant, "GRANT SELECT ON otel.* TO otel_reader;");
        }
    }
    assert_eq!(
        writer_tables,
        schema_tables()?,
        "one INSERT grant per table"
    );

    let ch = ClickHouse::start()?;
    for statement in split_statements(&sql) {
        let statement = statement.trim().trim_end_matches(';');
        let ast = ch.query(&format!("EXPLAIN AST {statement}"))?;
        assert!(!ast.trim().is_empty(), "no AST for {statement}");
    }
    Ok(())
}

#[test]
fn missing_passwords_are_named_and_a_bad_database_refused() {
    let out = create_users(&[("CLICKHOUSE_WRITER_PASSWORD", WRITER_PASSWORD)]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("CLICKHOUSE_READER_PASSWORD"), "{err}");
    assert!(!err.contains(WRITER_PASSWORD), "{err}");

    let out = create_users(&[
        ("CLICKHOUSE_WRITER_PASSWORD", WRITER_PASSWORD),
        ("CLICKHOUSE_READER_PASSWORD", READER_PASSWORD),
        ("CLICKHOUSE_DATABASE", "otel; DROP TABLE x"),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("CLICKHOUSE_DATABASE"));
}
