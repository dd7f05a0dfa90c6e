//! Profiling a server under test: `perf record` attached for the measured
//! run, and callgrind's counters driven through `callgrind_control`.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// `perf record` attached to a server for the measured run.
pub struct Profiler(Child);

impl Profiler {
    pub fn attach(pid: u32, out: &Path) -> anyhow::Result<Self> {
        if let Some(dir) = out.parent() {
            std::fs::create_dir_all(dir)?;
        }
        let child = Command::new("perf")
            .args([
                "record",
                "-e",
                "cpu-clock",
                "-F",
                "1999",
                "--call-graph",
                "dwarf,32768",
            ])
            .arg("-p")
            .arg(pid.to_string())
            .arg("-o")
            .arg(out)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| anyhow::anyhow!("perf record: {e} (Debian: linux-perf)"))?;
        // perf needs a moment to attach
        std::thread::sleep(Duration::from_millis(300));
        Ok(Self(child))
    }

    /// Stops the recording (SIGINT, which perf ends cleanly on).
    pub fn finish(mut self) -> anyhow::Result<()> {
        Command::new("kill")
            .args(["-INT", &self.0.id().to_string()])
            .status()?;
        self.0.wait()?;
        Ok(())
    }
}

/// `callgrind_control <action> <pid>`.
pub fn callgrind_control(pid: u32, action: &str) -> anyhow::Result<()> {
    let status = Command::new("callgrind_control")
        .arg(action)
        .arg(pid.to_string())
        .stdout(Stdio::null())
        .status()?;
    anyhow::ensure!(status.success(), "callgrind_control {action}: {status}");
    Ok(())
}

/// The first dump callgrind wrote next to `out` (`<out>.<pid>.1`, or
/// `<out>.1`).
pub fn callgrind_dump(out: &Path) -> anyhow::Result<PathBuf> {
    let dir = out.parent().unwrap_or(Path::new("."));
    let stem = out.file_name().and_then(|n| n.to_str()).unwrap_or_default();
    let mut dumps: Vec<PathBuf> = std::fs::read_dir(dir)?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with(stem) && n.ends_with(".1"))
        })
        .collect();
    dumps.sort();
    dumps
        .pop()
        .ok_or_else(|| anyhow::anyhow!("callgrind wrote no dump in {}", dir.display()))
}

/// The instruction total of a callgrind dump (`summary:` or `totals:`).
pub fn callgrind_total(dump: &str) -> Option<u64> {
    dump.lines()
        .find_map(|l| {
            l.strip_prefix("summary:")
                .or_else(|| l.strip_prefix("totals:"))
        })
        .and_then(|v| v.split_whitespace().next()?.parse().ok())
}
