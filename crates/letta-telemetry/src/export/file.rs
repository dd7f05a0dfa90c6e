//! A size-rotated JSON-lines file, shared by the local trace, metric and log
//! outputs (`traces.json`, `metrics.json`, …).
//!
//! Rotation follows the collector's file exporter and Python's
//! `RotatingFileHandler`: when a line would push the file past `max_bytes`,
//! `name` becomes `name.1`, `name.1` becomes `name.2`, … and the oldest backup
//! beyond `backups` is removed.

use std::fs::{File, OpenOptions};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use serde::Serialize;

use crate::settings::Settings;

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
    out: BufWriter<File>,
    size: u64,
}

impl JsonLinesFile {
    /// Opens (creating it and its directory if needed) `path` for appending.
    ///
    /// `max_bytes` is the size at which the file is rotated (0 means never);
    /// `backups` is the number of rotated files kept (`path.1` … `path.N`).
    pub fn open(path: impl Into<PathBuf>, max_bytes: u64, backups: usize) -> io::Result<Self> {
        let path = path.into();
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)?;
        }
        let file = open_append(&path)?;
        let size = file.metadata()?.len();
        Ok(Self {
            path,
            max_bytes,
            backups,
            state: Mutex::new(State {
                out: BufWriter::new(file),
                size,
            }),
        })
    }

    /// Opens `<LETTA_DIR>/logs/<file_name>` with the rotation limits of the
    /// settings (`limits.file_max_bytes`, `limits.file_backups`).
    pub fn for_settings(settings: &Settings, file_name: &str) -> io::Result<Self> {
        Self::open(
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
    /// line is in the OS file when this returns (the buffer is flushed).
    pub fn write_line(&self, line: &[u8]) -> io::Result<()> {
        let mut state = self
            .state
            .lock()
            .map_err(|_| io::Error::other("telemetry file lock poisoned"))?;
        let len = line.len() as u64 + 1;
        if self.max_bytes > 0 && state.size > 0 && state.size + len > self.max_bytes {
            self.rotate(&mut state)?;
        }
        state.out.write_all(line)?;
        state.out.write_all(b"\n")?;
        state.out.flush()?;
        state.size += len;
        Ok(())
    }

    /// Flushes buffered bytes to the OS.
    pub fn flush(&self) -> io::Result<()> {
        let mut state = self
            .state
            .lock()
            .map_err(|_| io::Error::other("telemetry file lock poisoned"))?;
        state.out.flush()
    }

    fn rotate(&self, state: &mut State) -> io::Result<()> {
        state.out.flush()?;
        if self.backups == 0 {
            let file = OpenOptions::new()
                .write(true)
                .truncate(true)
                .open(&self.path)?;
            state.out = BufWriter::new(file);
            state.size = 0;
            return Ok(());
        }
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
        std::fs::rename(&self.path, backup(1))?;
        state.out = BufWriter::new(open_append(&self.path)?);
        state.size = 0;
        Ok(())
    }
}

fn open_append(path: &Path) -> io::Result<File> {
    OpenOptions::new().create(true).append(true).open(path)
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
    fn appends_to_an_existing_file() -> io::Result<()> {
        let dir = tempfile::tempdir()?;
        let path = dir.path().join("t.json");
        JsonLinesFile::open(&path, 0, 1)?.write_line(b"a")?;
        JsonLinesFile::open(&path, 0, 1)?.write_line(b"b")?;
        assert_eq!(std::fs::read_to_string(&path)?, "a\nb\n");
        Ok(())
    }
}
