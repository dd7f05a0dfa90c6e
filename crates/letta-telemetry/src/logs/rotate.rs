//! A size-based rotating file, as Python's `RotatingFileHandler`:
//! `Letta.log` is renamed `Letta.log.1` (and `.1` to `.2`, ...) when the next
//! write would take it past the limit; the oldest copy is deleted.
//!
//! The limit is a hard bound: a line longer than it is dropped and counted
//! ([`super::dropped_log_lines`]), so the log uses at most
//! `(backups + 1) × max_bytes` of disk. Files are created private (`0600`,
//! their directory `0700`).

use std::fs::{self, File};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

struct State {
    file: Option<File>,
    size: u64,
}

/// A file that rotates itself at `max_bytes`, keeping `backups` copies.
///
/// Cloning shares the file. Writes are meant to be whole lines (as the log
/// layers write them): a write is never split across two files.
#[derive(Clone)]
pub struct RotatingFileWriter {
    inner: Arc<Inner>,
}

struct Inner {
    path: PathBuf,
    max_bytes: u64,
    backups: usize,
    state: Mutex<State>,
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

fn open_append(path: &Path) -> io::Result<File> {
    crate::private_file::open_private_append(path)
}

/// Lines dropped because they alone were longer than the file's limit.
static TOO_LONG: AtomicU64 = AtomicU64::new(0);

/// Log lines dropped so far for being longer than the log file's limit.
pub(crate) fn lines_too_long() -> u64 {
    TOO_LONG.load(Ordering::Relaxed)
}

impl RotatingFileWriter {
    /// Opens (creating the directory if needed) `path` for appending.
    pub fn open(path: impl Into<PathBuf>, max_bytes: u64, backups: usize) -> io::Result<Self> {
        let path = path.into();
        let file = open_append(&path)?;
        let size = file.metadata()?.len();
        Ok(RotatingFileWriter {
            inner: Arc::new(Inner {
                path,
                max_bytes,
                backups,
                state: Mutex::new(State {
                    file: Some(file),
                    size,
                }),
            }),
        })
    }

    /// The path of the live file.
    pub fn path(&self) -> &Path {
        &self.inner.path
    }

    fn backup_path(&self, n: usize) -> PathBuf {
        let mut p = self.inner.path.clone().into_os_string();
        p.push(format!(".{n}"));
        PathBuf::from(p)
    }

    fn rotate(&self, state: &mut State) -> io::Result<()> {
        state.file = None;
        if self.inner.backups == 0 {
            let _ = fs::remove_file(&self.inner.path);
        } else {
            let _ = fs::remove_file(self.backup_path(self.inner.backups));
            for n in (1..self.inner.backups).rev() {
                let from = self.backup_path(n);
                if from.exists() {
                    fs::rename(&from, self.backup_path(n + 1))?;
                }
            }
            if self.inner.path.exists() {
                fs::rename(&self.inner.path, self.backup_path(1))?;
            }
        }
        state.file = Some(open_append(&self.inner.path)?);
        state.size = 0;
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

impl Write for &RotatingFileWriter {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let mut state = self
            .inner
            .state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let len = buf.len() as u64;
        if self.inner.max_bytes > 0 && len > self.inner.max_bytes {
            TOO_LONG.fetch_add(1, Ordering::Relaxed);
            return Ok(buf.len());
        }
        if self.inner.max_bytes > 0
            && state.size > 0
            && state.size.saturating_add(len) > self.inner.max_bytes
        {
            self.rotate(&mut state)?;
        }
        if state.file.is_none() {
            state.file = Some(open_append(&self.inner.path)?);
        }
        let size = state.size;
        let file = state
            .file
            .as_mut()
            .ok_or_else(|| io::Error::other("log file is not open"))?;
        if let Err(e) = file.write_all(buf) {
            // A full disk: cut the partial line back off, so the file holds
            // whole lines only.
            let _ = file.set_len(size);
            return Err(e);
        }
        state.size = state.size.saturating_add(len);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        let mut state = self
            .inner
            .state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        match state.file.as_mut() {
            Some(f) => f.flush(),
            None => Ok(()),
        }
    }
}
