//! `Letta.log` rotation by size.

use std::io::Write;

use letta_telemetry::logs::RotatingFileWriter;

#[test]
fn rotates_at_the_limit_and_keeps_the_backups() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("logs").join("Letta.log");
    let mut w = RotatingFileWriter::open(&path, 100, 3).expect("open");
    let line = |i: usize| format!("line {i:03} {}\n", "x".repeat(30)); // 40 bytes
    for i in 0..12 {
        w.write_all(line(i).as_bytes()).expect("write");
    }
    w.flush().expect("flush");
    let read = |p: &std::path::Path| std::fs::read_to_string(p).unwrap_or_default();
    let backup = |n: usize| path.with_file_name(format!("Letta.log.{n}"));
    // 2 lines (80 bytes) fit per file; 12 lines = 6 files, of which the live
    // one and 3 backups are kept.
    assert_eq!(read(&path), format!("{}{}", line(10), line(11)));
    assert_eq!(read(&backup(1)), format!("{}{}", line(8), line(9)));
    assert_eq!(read(&backup(2)), format!("{}{}", line(6), line(7)));
    assert_eq!(read(&backup(3)), format!("{}{}", line(4), line(5)));
    assert!(!backup(4).exists());
    for p in [&path, &backup(1), &backup(2), &backup(3)] {
        assert!(std::fs::metadata(p).expect("exists").len() <= 100);
    }
}

#[test]
fn appends_to_an_existing_file_and_counts_its_size() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("Letta.log");
    std::fs::write(&path, "a".repeat(90)).expect("seed");
    let mut w = RotatingFileWriter::open(&path, 100, 1).expect("open");
    w.write_all(b"0123456789\n").expect("write");
    assert_eq!(
        std::fs::read_to_string(&path).expect("live"),
        "0123456789\n"
    );
    assert_eq!(
        std::fs::read_to_string(path.with_file_name("Letta.log.1")).expect("backup"),
        "a".repeat(90)
    );
}

#[test]
fn a_line_larger_than_the_limit_is_dropped_so_the_bound_holds() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("Letta.log");
    let mut w = RotatingFileWriter::open(&path, 10, 2).expect("open");
    w.write_all(b"a\n").expect("write");
    let big = "y".repeat(50);
    // Not an error for the writer thread: the line is dropped and counted.
    w.write_all(big.as_bytes()).expect("write");
    w.write_all(b"z\n").expect("write");
    assert_eq!(std::fs::read_to_string(&path).expect("live"), "a\nz\n");
    assert!(!path.with_file_name("Letta.log.1").exists());
    assert_eq!(w.records_refused(), 1);
}
