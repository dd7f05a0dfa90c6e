//! Telemetry files are private: they hold request bodies, parameters and
//! log lines. The directory that holds them is created `0700` and every file
//! in it (traces, metrics, logs and their rotated backups, which keep the
//! mode of the file they were renamed from) is created `0600`; an existing
//! directory or file is narrowed to those modes when it is opened.

use std::fs::{File, OpenOptions};
use std::io;
use std::path::Path;

/// Mode of the telemetry directory.
#[cfg(unix)]
const DIR_MODE: u32 = 0o700;
/// Mode of every telemetry file.
#[cfg(unix)]
const FILE_MODE: u32 = 0o600;

/// Creates `dir` and its missing parents; `dir` itself ends up `0700`.
pub(crate) fn create_private_dir_all(dir: &Path) -> io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(DIR_MODE);
        builder.create(dir)?;
        narrow(dir, DIR_MODE)
    }
    #[cfg(not(unix))]
    builder.create(dir)
}

/// Opens `path` for appending, creating it `0600` (and its directory `0700`).
pub(crate) fn open_private_append(path: &Path) -> io::Result<File> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        create_private_dir_all(dir)?;
    }
    let mut options = OpenOptions::new();
    options.create(true).append(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
        options.mode(FILE_MODE);
        let file = options.open(path)?;
        let mode = file.metadata()?.permissions().mode() & 0o777;
        if mode & !FILE_MODE != 0 {
            file.set_permissions(std::fs::Permissions::from_mode(FILE_MODE))?;
        }
        Ok(file)
    }
    #[cfg(not(unix))]
    options.open(path)
}

/// Removes the bits of `path`'s mode that `mode` does not allow.
#[cfg(unix)]
fn narrow(path: &Path, mode: u32) -> io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    let current = std::fs::metadata(path)?.permissions().mode() & 0o777;
    if current & !mode != 0 {
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(current & mode))?;
    }
    Ok(())
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    fn mode(path: &Path) -> io::Result<u32> {
        Ok(std::fs::metadata(path)?.permissions().mode() & 0o777)
    }

    #[test]
    fn new_directory_and_file_are_private() -> io::Result<()> {
        let root = tempfile::tempdir()?;
        let file = root.path().join("a/logs/traces.json");
        open_private_append(&file)?;
        assert_eq!(mode(&root.path().join("a/logs"))?, 0o700);
        assert_eq!(mode(&file)?, 0o600);
        Ok(())
    }

    #[test]
    fn existing_wide_modes_are_narrowed() -> io::Result<()> {
        let root = tempfile::tempdir()?;
        let dir = root.path().join("logs");
        std::fs::create_dir(&dir)?;
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755))?;
        let file = dir.join("metrics.json");
        std::fs::write(&file, b"")?;
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644))?;
        open_private_append(&file)?;
        assert_eq!(mode(&dir)?, 0o700);
        assert_eq!(mode(&file)?, 0o600);
        Ok(())
    }
}
