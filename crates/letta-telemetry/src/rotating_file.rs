//! The one size-rotated file behind every local output: `traces.json`,
//! `metrics.json` and `Letta.log`.
//!
//! Rotation follows Python's `RotatingFileHandler` and the collector's file
//! exporter: when a record would push the file past `max_bytes`, `name`
//! becomes `name.1`, `name.1` becomes `name.2`, … and the oldest backup beyond
//! `backups` is removed; with `backups = 0` the file is removed and started
//! afresh. `max_bytes = 0` never rotates.
//!
//! The bound is hard: a record longer than `max_bytes` is refused and
//! counted ([`RotatingFileWriter::records_refused`]), so one output uses at
//! most `(backups + 1) × max_bytes` of disk. A write that fails half-way (a
//! full disk) is cut back off, so no torn record is left behind. Files are
//! private (`0600`, their directory `0700`).
//!
//! A file that cannot be opened (an unwritable or vanished directory) does
//! not stop the host: [`RotatingFileWriter::open_degraded`] returns a writer
//! whose writes fail until opening succeeds, tried at most every
//! [`REOPEN_INTERVAL`]. A panic while the lock was held cannot leave the
//! state half written (every write is cut back on error), so a poisoned lock
//! is recovered, never reported.

use std::fs::File;
use std::io::{self, IoSlice, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use crate::private_file::open_private_append;

/// Least time between two attempts to open a file that could not be opened.
pub const REOPEN_INTERVAL: Duration = Duration::from_secs(5);

/// An append-only file that rotates itself at `max_bytes`, keeping
/// `backups` copies; shared between threads (records never interleave).
///
/// Cloning shares the file. Records are written whole: a record is never
/// split across two files.
///
/// ```
/// use std::io::Write;
/// use letta_telemetry::logs::RotatingFileWriter;
///
/// let dir = tempfile::tempdir()?;
/// let mut log = RotatingFileWriter::open(dir.path().join("app.log"), 1 << 20, 3)?;
/// writeln!(log, "one whole line")?; // the Write face: a record per write
/// log.write_line(b"{\"a\":1}")?; // the line face: the newline is added
/// # Ok::<(), std::io::Error>(())
/// ```
#[derive(Clone)]
pub struct RotatingFileWriter {
    inner: Arc<Inner>,
}

struct Inner {
    path: PathBuf,
    max_bytes: u64,
    backups: usize,
    refused: AtomicU64,
    state: Mutex<State>,
}

struct State {
    /// `None` while the file cannot be opened.
    out: Option<File>,
    size: u64,
    last_open_attempt: Instant,
}

impl std::fmt::Debug for RotatingFileWriter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RotatingFileWriter")
            .field("path", &self.inner.path)
            .field("max_bytes", &self.inner.max_bytes)
            .field("backups", &self.inner.backups)
            .finish()
    }
}

impl RotatingFileWriter {
    /// Opens `path` for appending, creating it and its directory if needed.
    ///
    /// `max_bytes` is the size at which the file is rotated (0: never);
    /// `backups` the number of rotated copies kept (`path.1` … `path.N`).
    pub fn open(path: impl Into<PathBuf>, max_bytes: u64, backups: usize) -> io::Result<Self> {
        let path = path.into();
        let file = open_private_append(&path)?;
        let size = file.metadata()?.len();
        Ok(Self::with_state(path, max_bytes, backups, Some(file), size))
    }

    /// [`RotatingFileWriter::open`], or, when the file cannot be opened, a
    /// writer whose writes fail until a later attempt opens it; the error is
    /// returned beside it, to be reported once.
    pub fn open_degraded(
        path: impl Into<PathBuf>,
        max_bytes: u64,
        backups: usize,
    ) -> (Self, Option<io::Error>) {
        let path = path.into();
        match Self::open(path.clone(), max_bytes, backups) {
            Ok(file) => (file, None),
            Err(e) => (Self::with_state(path, max_bytes, backups, None, 0), Some(e)),
        }
    }

    fn with_state(
        path: PathBuf,
        max_bytes: u64,
        backups: usize,
        out: Option<File>,
        size: u64,
    ) -> Self {
        Self {
            inner: Arc::new(Inner {
                path,
                max_bytes,
                backups,
                refused: AtomicU64::new(0),
                state: Mutex::new(State {
                    out,
                    size,
                    last_open_attempt: Instant::now(),
                }),
            }),
        }
    }

    /// The path of the live file.
    pub fn path(&self) -> &Path {
        &self.inner.path
    }

    /// Records refused so far for being longer than `max_bytes`.
    pub fn records_refused(&self) -> u64 {
        self.inner.refused.load(Ordering::Relaxed)
    }

    /// Serialises `value` as one JSON line and appends it.
    pub fn write_json<T: serde::Serialize + ?Sized>(&self, value: &T) -> io::Result<()> {
        let line = serde_json::to_vec(value).map_err(io::Error::other)?;
        self.write_line(&line)
    }

    /// Appends `line` (which must not contain a newline) and a `\n`. The
    /// line is in the OS file when this returns, or not at all: one longer
    /// than the limit is refused ([`io::ErrorKind::FileTooLarge`]) and a
    /// failed write is cut back off.
    pub fn write_line(&self, line: &[u8]) -> io::Result<()> {
        self.write_record(line, true)
    }

    /// Appends `record` as it is, rotating first when the file would grow
    /// past its limit; with `newline`, a `\n` is appended in the same write.
    fn write_record(&self, record: &[u8], newline: bool) -> io::Result<()> {
        let len = record.len() as u64 + u64::from(newline);
        let max = self.inner.max_bytes;
        if max > 0 && len > max {
            self.inner.refused.fetch_add(1, Ordering::Relaxed);
            return Err(io::Error::new(
                io::ErrorKind::FileTooLarge,
                format!("a record of {len} bytes is larger than the file limit of {max} bytes"),
            ));
        }
        let mut state = self.lock();
        let state = &mut *state;
        if state.out.is_none() {
            self.reopen(state)?;
        }
        if max > 0 && state.size > 0 && state.size.saturating_add(len) > max {
            self.rotate(state)?;
        }
        let Some(out) = state.out.as_mut() else {
            return Err(unavailable(&self.inner.path));
        };
        // The line and its newline in one system call, without copying the
        // line (a batch of spans is hundreds of kilobytes).
        let mut parts = [IoSlice::new(record), IoSlice::new(b"\n")];
        let parts = &mut parts[..if newline { 2 } else { 1 }];
        if let Err(e) = write_all_vectored(out, parts) {
            // Cut a partial record back off; if even that fails, the next
            // write starts a line of its own after the torn one.
            if out.set_len(state.size).is_err() {
                let _ = out.write_all(b"\n");
                state.size = out.metadata().map_or(state.size, |m| m.len());
            }
            return Err(e);
        }
        state.size = state.size.saturating_add(len);
        Ok(())
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.inner
            .state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Tries to open the file again, at most every [`REOPEN_INTERVAL`].
    fn reopen(&self, state: &mut State) -> io::Result<()> {
        if state.last_open_attempt.elapsed() < REOPEN_INTERVAL {
            return Err(unavailable(&self.inner.path));
        }
        state.last_open_attempt = Instant::now();
        let file = open_private_append(&self.inner.path)?;
        state.size = file.metadata()?.len();
        state.out = Some(file);
        Ok(())
    }

    fn backup_path(&self, n: usize) -> PathBuf {
        let mut name = self.inner.path.clone().into_os_string();
        name.push(format!(".{n}"));
        PathBuf::from(name)
    }

    fn rotate(&self, state: &mut State) -> io::Result<()> {
        state.out = None;
        let backups = self.inner.backups;
        if backups == 0 {
            remove_if_present(&self.inner.path)?;
        } else {
            remove_if_present(&self.backup_path(backups))?;
            for n in (1..backups).rev() {
                let from = self.backup_path(n);
                if from.exists() {
                    std::fs::rename(&from, self.backup_path(n + 1))?;
                }
            }
            if self.inner.path.exists() {
                std::fs::rename(&self.inner.path, self.backup_path(1))?;
            }
        }
        state.last_open_attempt = Instant::now();
        state.out = Some(open_private_append(&self.inner.path)?);
        state.size = 0;
        Ok(())
    }
}

/// Writes every byte of `parts` in order, in as few calls as the OS takes
/// (`Write::write_all_vectored`, which is not stable yet).
fn write_all_vectored(out: &mut File, mut parts: &mut [IoSlice<'_>]) -> io::Result<()> {
    // (empty parts first: writing nothing is not "wrote zero")
    IoSlice::advance_slices(&mut parts, 0);
    while !parts.is_empty() {
        match out.write_vectored(parts) {
            Ok(0) => return Err(io::ErrorKind::WriteZero.into()),
            Ok(n) => IoSlice::advance_slices(&mut parts, n),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

/// The log face: each `write` is one whole record (the log writers hand
/// over one formatted event per call). A record longer than the limit is
/// dropped and counted ([`RotatingFileWriter::records_refused`]), not an
/// error, so the writer thread goes on.
impl Write for &RotatingFileWriter {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self.write_record(buf, false) {
            Err(e) if e.kind() == io::ErrorKind::FileTooLarge => Ok(buf.len()),
            Err(e) => Err(e),
            Ok(()) => Ok(buf.len()),
        }
    }

    /// Writes are unbuffered: every record is in the OS file on return.
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl Write for RotatingFileWriter {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        (&*self).write(buf)
    }
    fn flush(&mut self) -> io::Result<()> {
        (&*self).flush()
    }
}

fn unavailable(path: &Path) -> io::Error {
    io::Error::new(
        io::ErrorKind::NotFound,
        format!(
            "{} cannot be opened (retried every {}s)",
            path.display(),
            REOPEN_INTERVAL.as_secs()
        ),
    )
}

fn remove_if_present(path: &Path) -> io::Result<()> {
    match std::fs::remove_file(path) {
        Err(e) if e.kind() != io::ErrorKind::NotFound => Err(e),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(p: &Path) -> String {
        std::fs::read_to_string(p).unwrap_or_default()
    }

    #[test]
    fn rotates_by_size_and_keeps_the_configured_backups() -> io::Result<()> {
        let dir = tempfile::tempdir()?;
        let path = dir.path().join("sub").join("t.json");
        let f = RotatingFileWriter::open(&path, 25, 2)?;
        for i in 0..10 {
            f.write_json(&serde_json::json!({ "i": i }))?;
        }
        let current = read(&path);
        assert!(current.len() <= 25, "{current:?}");
        assert!(current.ends_with("{\"i\":9}\n"), "{current:?}");
        assert!(read(&dir.path().join("sub/t.json.1")).contains("{\"i\":7}"));
        assert!(!read(&dir.path().join("sub/t.json.2")).is_empty());
        assert!(!dir.path().join("sub/t.json.3").exists());
        Ok(())
    }

    #[test]
    fn lines_and_records_are_written_whole_in_order() -> io::Result<()> {
        let dir = tempfile::tempdir()?;
        let path = dir.path().join("t.json");
        let mut f = RotatingFileWriter::open(&path, 0, 1)?;
        let big: Vec<u8> = (0..600_000u32).map(|i| b'a' + (i % 26) as u8).collect();
        f.write_line(&big)?;
        f.write_line(b"")?;
        assert_eq!(f.write(b"")?, 0);
        f.write_all(b"rec")?;
        f.write_line(b"end")?;
        let mut expected = big;
        expected.extend_from_slice(b"\n\nrecend\n");
        assert_eq!(std::fs::read(&path)?, expected);
        Ok(())
    }

    #[test]
    fn a_line_longer_than_the_limit_is_refused_and_the_bound_holds() -> io::Result<()> {
        let dir = tempfile::tempdir()?;
        let path = dir.path().join("t.json");
        let f = RotatingFileWriter::open(&path, 100, 1)?;
        f.write_line(b"small")?;
        let err = f.write_line(&[b'x'; 200]).err();
        assert_eq!(err.map(|e| e.kind()), Some(io::ErrorKind::FileTooLarge));
        assert_eq!(f.records_refused(), 1);
        f.write_line(&[b'y'; 99])?;
        for p in [path.clone(), dir.path().join("t.json.1")] {
            assert!(std::fs::metadata(&p)?.len() <= 100, "{}", p.display());
        }
        assert_eq!(read(&dir.path().join("t.json.1")), "small\n");
        Ok(())
    }

    #[test]
    fn with_no_backups_the_file_starts_afresh() -> io::Result<()> {
        let dir = tempfile::tempdir()?;
        let path = dir.path().join("t.json");
        let f = RotatingFileWriter::open(&path, 10, 0)?;
        f.write_line(b"aaaa")?;
        f.write_line(b"bbbbbb")?;
        assert_eq!(read(&path), "bbbbbb\n");
        assert!(!dir.path().join("t.json.1").exists());
        Ok(())
    }

    #[cfg(unix)]
    #[test]
    fn a_file_that_cannot_be_opened_degrades_instead_of_failing() -> io::Result<()> {
        let dir = tempfile::tempdir()?;
        // A regular file where the directory should be: nothing can be
        // created under it, even as root.
        let blocker = dir.path().join("logs");
        std::fs::write(&blocker, b"")?;
        let (f, error) = RotatingFileWriter::open_degraded(blocker.join("t.json"), 0, 1);
        assert!(error.is_some());
        assert!(
            f.write_line(b"lost").is_err(),
            "writes fail, counted by the caller"
        );
        assert!((&f).write(b"lost\n").is_err(), "the Write face fails too");
        Ok(())
    }

    #[test]
    fn appends_to_an_existing_file() -> io::Result<()> {
        let dir = tempfile::tempdir()?;
        let path = dir.path().join("t.json");
        RotatingFileWriter::open(&path, 0, 1)?.write_line(b"a")?;
        RotatingFileWriter::open(&path, 0, 1)?.write_line(b"b")?;
        assert_eq!(read(&path), "a\nb\n");
        Ok(())
    }

    #[test]
    fn a_poisoned_lock_is_recovered() -> io::Result<()> {
        let dir = tempfile::tempdir()?;
        let path = dir.path().join("t.json");
        let f = RotatingFileWriter::open(&path, 0, 1)?;
        let g = f.clone();
        let _ = std::thread::spawn(move || {
            let _held = g.inner.state.lock();
            panic!("poison the lock");
        })
        .join();
        assert!(f.inner.state.is_poisoned());
        f.write_line(b"after")?;
        assert_eq!(read(&path), "after\n");
        Ok(())
    }
}
