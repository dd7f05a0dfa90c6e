//! A process's CPU time (user + system, every thread, live or exited) from
//! `/proc/<pid>/stat`, in microseconds.

use std::process::Command;
use std::sync::OnceLock;

/// Clock ticks per second of `/proc` times (`getconf CLK_TCK`; 100 on
/// every Linux this runs on, the fallback).
fn ticks_per_second() -> u64 {
    static TICKS: OnceLock<u64> = OnceLock::new();
    *TICKS.get_or_init(|| {
        Command::new("getconf")
            .arg("CLK_TCK")
            .output()
            .ok()
            .and_then(|out| String::from_utf8(out.stdout).ok())
            .and_then(|text| text.trim().parse().ok())
            .filter(|&t| t > 0)
            .unwrap_or(100)
    })
}

/// CPU time used so far by process `pid`, in microseconds.
pub fn cpu_micros(pid: u32) -> anyhow::Result<u64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat"))?;
    parse_stat(&stat)
        .map(|ticks| ticks * 1_000_000 / ticks_per_second())
        .ok_or_else(|| anyhow::anyhow!("unexpected /proc/{pid}/stat: {stat}"))
}

/// utime + stime, in ticks, of a `/proc/<pid>/stat` line. The command
/// name (field 2) is in parentheses and may hold spaces, so fields are
/// counted from the last `)`: state is field 3, utime 14 and stime 15.
fn parse_stat(stat: &str) -> Option<u64> {
    let rest = &stat[stat.rfind(')')? + 1..];
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let utime: u64 = fields.get(11)?.parse().ok()?;
    let stime: u64 = fields.get(12)?.parse().ok()?;
    Some(utime + stime)
}

/// CPU time of each live thread of this process, in nanoseconds, by
/// thread id (`/proc/self/task/<tid>/schedstat`, whose first field is the
/// time spent on a CPU: nanosecond resolution, where `stat` has ticks).
pub fn own_threads_cpu_nanos() -> anyhow::Result<Vec<(u32, u64)>> {
    let mut threads = Vec::new();
    for entry in std::fs::read_dir("/proc/self/task")? {
        let entry = entry?;
        let Some(tid) = entry.file_name().to_str().and_then(|t| t.parse().ok()) else {
            continue;
        };
        // a thread that ended since the listing has no file: skipped
        if let Some(ns) = on_cpu_nanos(&entry.path()) {
            threads.push((tid, ns));
        }
    }
    Ok(threads)
}

/// A thread's time on a CPU in nanoseconds: the first field of
/// `<task dir>/schedstat` (`None` once the thread has ended).
fn on_cpu_nanos(task: &std::path::Path) -> Option<u64> {
    let text = std::fs::read_to_string(task.join("schedstat")).ok()?;
    text.split_whitespace().next()?.parse().ok()
}

/// CPU time of a process's threads in three groups, in nanoseconds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ThreadGroups {
    /// Telemetry's own threads: `letta-telemetry-*` (span export, the
    /// export runtime), `letta-log-*` (log writers) and the SDK's
    /// `OpenTelemetry.*` (the peer's batch processor, the metric reader).
    pub telemetry: u64,
    /// SQLite's worker threads (`sqlx-sqlite-worker-*`), where queries run.
    pub db: u64,
    /// Every other thread: the runtime that serves requests, the main one.
    pub serving: u64,
}

impl ThreadGroups {
    /// `self - earlier`, group by group (0 where a group shrank because a
    /// thread ended between the two readings).
    pub fn since(self, earlier: ThreadGroups) -> ThreadGroups {
        ThreadGroups {
            telemetry: self.telemetry.saturating_sub(earlier.telemetry),
            db: self.db.saturating_sub(earlier.db),
            serving: self.serving.saturating_sub(earlier.serving),
        }
    }
}

/// CPU time so far of the live threads of process `pid`, grouped by
/// thread name (`/proc/<pid>/task/*/comm`, cut to 15 bytes by the kernel)
/// from `schedstat` (nanoseconds on a CPU, user and system). It says on
/// which threads a variant's added time is spent: on the request path, on
/// the export threads, or on the database's.
pub fn thread_groups(pid: u32) -> anyhow::Result<ThreadGroups> {
    let mut groups = ThreadGroups::default();
    for entry in std::fs::read_dir(format!("/proc/{pid}/task"))? {
        let path = entry?.path();
        // a thread that ended since the listing has no files: skipped
        if let (Ok(name), Some(ns)) = (
            std::fs::read_to_string(path.join("comm")),
            on_cpu_nanos(&path),
        ) {
            *group_of(&mut groups, name.trim()) += ns;
        }
    }
    Ok(groups)
}

/// The group a thread named `name` counts in.
fn group_of<'a>(groups: &'a mut ThreadGroups, name: &str) -> &'a mut u64 {
    if ["letta-telemetry", "letta-log", "OpenTelemetry"]
        .iter()
        .any(|prefix| name.starts_with(prefix))
    {
        &mut groups.telemetry
    } else if name.starts_with("sqlx-sqlite") {
        &mut groups.db
    } else {
        &mut groups.serving
    }
}

/// Context switches so far (voluntary and involuntary) of every live
/// thread of process `pid`, from `/proc/<pid>/task/*/status`. On the
/// reference server they are most of its CPU (the kernel's part), so a
/// row whose switches per request moved is a row whose CPU moved for
/// scheduling reasons, not for its own work.
pub fn context_switches(pid: u32) -> anyhow::Result<u64> {
    let mut total = 0;
    for entry in std::fs::read_dir(format!("/proc/{pid}/task"))? {
        // a thread that ended since the listing has no file: skipped
        if let Ok(status) = std::fs::read_to_string(entry?.path().join("status")) {
            total += parse_switches(&status);
        }
    }
    Ok(total)
}

/// `voluntary_ctxt_switches` + `nonvoluntary_ctxt_switches` of a
/// `/proc/.../status` text (0 for what is missing).
fn parse_switches(status: &str) -> u64 {
    status
        .lines()
        .filter_map(|line| {
            let value = line
                .strip_prefix("voluntary_ctxt_switches:")
                .or_else(|| line.strip_prefix("nonvoluntary_ctxt_switches:"))?;
            value.trim().parse::<u64>().ok()
        })
        .sum()
}

/// Resident memory (`VmRSS`) of this process, in bytes.
pub fn own_rss_bytes() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        .map(|kib| kib * 1024)
}

/// Peak resident memory (`VmHWM`) of process `pid`, in KiB.
pub fn peak_rss_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_user_and_system_ticks_past_a_name_with_spaces() {
        let line = "4242 (load bench) S 1 2 3 4 5 6 7 8 9 10 120 30 0 0 20 0 4 0";
        assert_eq!(parse_stat(line), Some(150));
        assert_eq!(parse_stat("garbage"), None);
    }

    #[test]
    fn switches_sum_both_kinds() {
        let status = "Name:\tx\nvoluntary_ctxt_switches:\t7\nnonvoluntary_ctxt_switches:\t3\n";
        assert_eq!(parse_switches(status), 10);
        assert_eq!(parse_switches("Name:\tx\n"), 0);
    }

    #[test]
    fn threads_are_grouped_by_name() {
        let mut groups = ThreadGroups::default();
        for (name, ns) in [
            ("letta-telemetry", 1),
            ("OpenTelemetry.T", 1),
            ("letta-log-file", 1),
            ("sqlx-sqlite-wor", 4),
            ("tokio-rt-worker", 8),
            ("load-bench", 16),
        ] {
            *group_of(&mut groups, name) += ns;
        }
        let expected = ThreadGroups {
            telemetry: 3,
            db: 4,
            serving: 24,
        };
        assert_eq!(groups, expected);
        let earlier = ThreadGroups {
            telemetry: 1,
            db: 5,
            serving: 4,
        };
        let since = ThreadGroups {
            telemetry: 2,
            db: 0,
            serving: 20,
        };
        assert_eq!(groups.since(earlier), since);
    }

    #[test]
    fn own_process_time_grows_with_work() {
        let pid = std::process::id();
        let before = cpu_micros(pid).expect("own stat");
        let start = std::time::Instant::now();
        let mut x = 0u64;
        while start.elapsed() < std::time::Duration::from_millis(60) {
            x = std::hint::black_box(x.wrapping_add(1));
        }
        assert!(cpu_micros(pid).expect("own stat") > before);
        let switches = context_switches(pid).expect("own switches");
        std::thread::sleep(std::time::Duration::from_millis(5));
        assert!(context_switches(pid).expect("own switches") > switches);
        assert!(peak_rss_kib(pid).is_some_and(|k| k > 0));
        assert!(own_rss_bytes().is_some_and(|b| b > 0));
        let groups = thread_groups(pid).expect("own thread groups");
        assert!(groups.serving > 0, "{groups:?}");
        let threads = own_threads_cpu_nanos().expect("own threads");
        assert!(
            threads.iter().any(|&(tid, ns)| tid == pid && ns > 0),
            "{threads:?}"
        );
    }
}
