//! A size-rotated JSON-lines file, shared by the local trace, metric and log
//! outputs (`traces.json`, `metrics.json`, …).
//!
//! Rotation follows the collector's file exporter and Python's
//! `RotatingFileHandler`: when a line would push the file past `max_bytes`,
//! `name` becomes `name.1`, `name.1` becomes `name.2`, … and the oldest backup
//! beyond `backups` is removed (with `backups = 0` the file is emptied).
//!
//! The bound is hard: a line longer than `max_bytes` is refused
//! ([`io::ErrorKind::FileTooLarge`]), so each file stays within `max_bytes`
//! and the disk use of one output is at most `(backups + 1) × max_bytes`.
//! A write that fails half-way (a full disk) is cut back off the file, so no
//! torn line is left behind. Files are private (see `private_file`).
//!
//! A file that cannot be opened (an unwritable or vanished directory) does
//! not stop the host: [`JsonLinesFile::open_degraded`] returns a file whose
//! writes fail (and are counted by the exporter) until opening it again
//! succeeds, tried at most every [`REOPEN_INTERVAL`].

use std::fs::File;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use serde::Serialize;

use crate::private_file::open_private_append;
use crate::settings::Settings;

/// Least time between two attempts to open a file that could not be opened.
pub const REOPEN_INTERVAL: Duration = Duration::from_secs(5);

/// An append-only JSON-lines file rotated by size, safe to share between
/// threads (writes of one line are atomic with respect to each other).
#[derive(Debug)]
pub struct JsonLinesFile {
    path: PathBuf,
    max_bytes: u64,
    backups: usize,
    state: Mutex<State>,
}

#[derive(Debug)]
struct State {
    /// `None` while the file cannot be opened.
    out: Option<File>,
    size: u64,
    last_open_attempt: Instant,
    /// The line and its newline, written with one call.
    scratch: Vec<u8>,
}

impl JsonLinesFile {
    /// Opens (creating it and its directory if needed) `path` for appending.
    ///
    /// `max_bytes` is the size at which the file is rotated (0 means never);
    /// `backups` is the number of rotated files kept (`path.1` … `path.N`).
    pub fn open(path: impl Into<PathBuf>, max_bytes: u64, backups: usize) -> io::Result<Self> {
        let path = path.into();
        let file = open_private_append(&path)?;
        let size = file.metadata()?.len();
        Ok(Self::with_state(path, max_bytes, backups, Some(file), size))
    }

    /// [`JsonLinesFile::open`], or, when the file cannot be opened, a file
    /// whose writes fail until a later attempt opens it; the error is
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
            path,
            max_bytes,
            backups,
            state: Mutex::new(State {
                out,
                size,
                last_open_attempt: Instant::now(),
                scratch: Vec::new(),
            }),
        }
    }

    /// Opens `<LETTA_DIR>/logs/<file_name>` with the rotation limits of the
    /// settings (`limits.file_max_bytes`, `limits.file_backups`), degraded
    /// as [`JsonLinesFile::open_degraded`] when it cannot be opened.
    pub fn for_settings(settings: &Settings, file_name: &str) -> (Self, Option<io::Error>) {
        Self::open_degraded(
            settings.logs_dir().join(file_name),
            settings.limits.file_max_bytes,
            settings.limits.file_backups,
        )
    }

    /// The path of the current file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Serialises `value` as one JSON line and appends it.
    pub fn write_json<T: Serialize + ?Sized>(&self, value: &T) -> io::Result<()> {
        let line = serde_json::to_vec(value).map_err(io::Error::other)?;
        self.write_line(&line)
    }

    /// Appends `line` (which must not contain a newline) followed by `\n`,
    /// rotating first when the file would grow past its maximum size. The
    /// line is in the OS file when this returns, or not at all: a line longer
    /// than the maximum is refused, and a failed write is cut back off.
    pub fn write_line(&self, line: &[u8]) -> io::Result<()> {
        let len = line.len() as u64 + 1;
        if self.max_bytes > 0 && len > self.max_bytes {
            return Err(io::Error::new(
                io::ErrorKind::FileTooLarge,
                format!(
                    "a line of {len} bytes is larger than the file limit of {} bytes",
                    self.max_bytes
                ),
            ));
        }
        // A panic while the lock was held cannot leave the state half
        // written (every write is cut back on error): recover it.
        let mut state = self.state.lock().unwrap_or_else(|p| p.into_inner());
        let state = &mut *state;
        if state.out.is_none() {
            self.reopen(state)?;
        }
        if self.max_bytes > 0 && state.size > 0 && state.size + len > self.max_bytes {
            self.rotate(state)?;
        }
        let Some(out) = state.out.as_mut() else {
            return Err(unavailable(&self.path));
        };
        state.scratch.clear();
        state.scratch.extend_from_slice(line);
        state.scratch.push(b'\n');
        if let Err(e) = out.write_all(&state.scratch) {
            // Cut a partial line back off; if even that fails, the next
            // write starts a line of its own after the torn one.
            if out.set_len(state.size).is_err() {
                let _ = out.write_all(b"\n");
                state.size = out.metadata().map_or(state.size, |m| m.len());
            }
            return Err(e);
        }
        state.size += len;
        if state.scratch.capacity() > 1 << 20 {
            state.scratch = Vec::new();
        }
        Ok(())
    }

    /// Flushes buffered bytes to the OS (writes are unbuffered: a no-op kept
    /// for the exporters' `force_flush`).
    pub fn flush(&self) -> io::Result<()> {
        Ok(())
    }

    /// Tries to open the file again, at most every [`REOPEN_INTERVAL`].
    fn reopen(&self, state: &mut State) -> io::Result<()> {
        if state.last_open_attempt.elapsed() < REOPEN_INTERVAL {
            return Err(unavailable(&self.path));
        }
        state.last_open_attempt = Instant::now();
        let file = open_private_append(&self.path)?;
        state.size = file.metadata()?.len();
        state.out = Some(file);
        Ok(())
    }

    fn rotate(&self, state: &mut State) -> io::Result<()> {
        state.out = None;
        if self.backups == 0 {
            remove_if_present(&self.path)?;
        } else {
            let backup = |n: usize| {
                let mut name = self.path.clone().into_os_string();
                name.push(format!(".{n}"));
                PathBuf::from(name)
            };
            remove_if_present(&backup(self.backups))?;
            for n in (1..self.backups).rev() {
                let from = backup(n);
                if from.exists() {
                    std::fs::rename(&from, backup(n + 1))?;
                }
            }
            if self.path.exists() {
                std::fs::rename(&self.path, backup(1))?;
            }
        }
        state.last_open_attempt = Instant::now();
        state.out = Some(open_private_append(&self.path)?);
        state.size = 0;
        Ok(())
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

    #[test]
    fn rotates_by_size_and_keeps_the_configured_backups() -> io::Result<()> {
        let dir = tempfile::tempdir()?;
        let path = dir.path().join("sub").join("t.json");
        let f = JsonLinesFile::open(&path, 25, 2)?;
        for i in 0..10 {
            f.write_json(&serde_json::json!({ "i": i }))?;
        }
        let read = |p: PathBuf| std::fs::read_to_string(p).unwrap_or_default();
        let current = read(path.clone());
        assert!(current.len() <= 25, "{current:?}");
        assert!(current.ends_with("{\"i\":9}\n"), "{current:?}");
        assert!(read(dir.path().join("sub/t.json.1")).contains("{\"i\":7}"));
        assert!(!read(dir.path().join("sub/t.json.2")).is_empty());
        assert!(!dir.path().join("sub/t.json.3").exists());
        Ok(())
    }

    #[test]
    fn a_line_longer_than_the_limit_is_refused_and_the_bound_holds() -> io::Result<()> {
        let dir = tempfile::tempdir()?;
        let path = dir.path().join("t.json");
        let f = JsonLinesFile::open(&path, 100, 1)?;
        f.write_line(b"small")?;
        let err = f.write_line(&[b'x'; 200]).err();
        assert_eq!(err.map(|e| e.kind()), Some(io::ErrorKind::FileTooLarge));
        f.write_line(&[b'y'; 99])?;
        for p in [path.clone(), dir.path().join("t.json.1")] {
            assert!(std::fs::metadata(&p)?.len() <= 100, "{}", p.display());
        }
        assert_eq!(
            std::fs::read_to_string(dir.path().join("t.json.1"))?,
            "small\n"
        );
        Ok(())
    }

    #[test]
    fn with_no_backups_the_file_is_emptied() -> io::Result<()> {
        let dir = tempfile::tempdir()?;
        let path = dir.path().join("t.json");
        let f = JsonLinesFile::open(&path, 10, 0)?;
        f.write_line(b"aaaa")?;
        f.write_line(b"bbbbbb")?;
        assert_eq!(std::fs::read_to_string(&path)?, "bbbbbb\n");
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
        let (f, error) = JsonLinesFile::open_degraded(blocker.join("t.json"), 0, 1);
        assert!(error.is_some());
        assert!(
            f.write_line(b"lost").is_err(),
            "writes fail, and are counted by the caller"
        );
        Ok(())
    }

    #[test]
    fn appends_to_an_existing_file() -> io::Result<()> {
        let dir = tempfile::tempdir()?;
        let path = dir.path().join("t.json");
        JsonLinesFile::open(&path, 0, 1)?.write_line(b"a")?;
        JsonLinesFile::open(&path, 0, 1)?.write_line(b"b")?;
        assert_eq!(std::fs::read_to_string(&path)?, "a\nb\n");
        Ok(())
    }
}
