//! Continuous CPU profiling: the `pprof` crate samples the process on
//! `SIGPROF` (its own signal handler: no `unsafe` here); every upload
//! period a background thread takes the samples, starts a fresh sampling
//! window, symbolises the stacks off the hot path, builds the pprof with
//! `libdd-profiling` and uploads it to the agent.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant, SystemTime};

use super::config::DatadogConfig;
use super::profile::{encode, stacks_of};
use super::upload::Uploader;

const TARGET: &str = "letta_telemetry::datadog";

/// Samples per second (99, not 100, so sampling does not run in lockstep
/// with periodic work).
pub const SAMPLING_FREQUENCY_HZ: i32 = 99;

/// Libraries whose frames are not unwound from the signal handler (their
/// unwind tables are where sampling profilers deadlock or crash).
const BLOCKLIST: [&str; 4] = ["libc", "libgcc", "pthread", "vdso"];

/// Only one sampling profiler can run in a process.
static RUNNING: AtomicBool = AtomicBool::new(false);

/// Why the CPU profiler did not start.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ProfilerError {
    /// A profiler already runs in this process.
    #[error("a CPU profiler is already running in this process")]
    AlreadyRunning,
    /// The agent address is not usable.
    #[error("cannot upload profiles to the Datadog agent at {host}:{port}: {reason}")]
    Agent {
        /// `datadog_agent_host`.
        host: String,
        /// `datadog_agent_port`.
        port: u16,
        /// What is wrong.
        reason: String,
    },
    /// The profiler thread could not be started.
    #[error("could not start the profiler thread: {0}")]
    Thread(#[source] std::io::Error),
}

/// Counters of the profiler's work.
#[derive(Debug, Default)]
struct Counters {
    uploaded: AtomicU64,
    failed: AtomicU64,
}

#[derive(Debug, Default)]
struct Stop {
    requested: Mutex<bool>,
    wake: Condvar,
}

/// A running CPU profiler; stopped by [`CpuProfiler::stop`] or on drop.
#[derive(Debug)]
pub struct CpuProfiler {
    stop: Arc<Stop>,
    counters: Arc<Counters>,
    thread: Option<JoinHandle<()>>,
}

impl CpuProfiler {
    /// Starts sampling and uploads a profile every `config.profiling_upload_period`
    /// to the agent of `config`, tagged with its service, env, version and
    /// Git tags.
    pub fn start(config: &DatadogConfig) -> Result<Self, ProfilerError> {
        if RUNNING.swap(true, Ordering::AcqRel) {
            return Err(ProfilerError::AlreadyRunning);
        }
        let result = Self::spawn(config);
        if result.is_err() {
            RUNNING.store(false, Ordering::Release);
        }
        result
    }

    fn spawn(config: &DatadogConfig) -> Result<Self, ProfilerError> {
        let uploader =
            Uploader::new(config, config.timeout).map_err(|reason| ProfilerError::Agent {
                host: config.agent_host.clone(),
                port: config.agent_port,
                reason,
            })?;
        let stop = Arc::new(Stop::default());
        let counters = Arc::new(Counters::default());
        let period = config
            .profiling_upload_period
            .max(Duration::from_millis(100));
        let thread = {
            let stop = stop.clone();
            let counters = counters.clone();
            std::thread::Builder::new()
                .name("letta-dd-profiler".into())
                .spawn(move || run(&uploader, period, &stop, &counters))
                .map_err(ProfilerError::Thread)?
        };
        Ok(CpuProfiler {
            stop,
            counters,
            thread: Some(thread),
        })
    }

    /// Profiles the agent accepted so far.
    pub fn uploaded(&self) -> u64 {
        self.counters.uploaded.load(Ordering::Relaxed)
    }

    /// Profiles lost to failed uploads (or to encoding errors) so far.
    pub fn failed(&self) -> u64 {
        self.counters.failed.load(Ordering::Relaxed)
    }

    /// Stops sampling and uploads the last window if `deadline` allows;
    /// returns by `deadline` (the thread is left to finish on its own when
    /// an upload is still in flight then).
    pub fn stop(&mut self, deadline: Instant) {
        if let Ok(mut requested) = self.stop.requested.lock() {
            *requested = true;
        }
        self.stop.wake.notify_all();
        let Some(thread) = self.thread.take() else {
            return;
        };
        while !thread.is_finished() {
            if Instant::now() >= deadline {
                tracing::warn!(target: TARGET, "the CPU profiler did not stop before the shutdown deadline; its last profile may be lost");
                return;
            }
            std::thread::sleep(Duration::from_millis(5));
        }
        let _ = thread.join();
    }
}

impl Drop for CpuProfiler {
    fn drop(&mut self) {
        self.stop(Instant::now() + Duration::from_secs(2));
    }
}

/// The profiler thread: one sampling window per upload period.
fn run(uploader: &Uploader, period: Duration, stop: &Stop, counters: &Counters) {
    let builder = pprof::ProfilerGuardBuilder::default()
        .frequency(SAMPLING_FREQUENCY_HZ)
        .blocklist(&BLOCKLIST);
    let sample_period = Duration::from_secs(1) / SAMPLING_FREQUENCY_HZ.unsigned_abs();
    let mut guard = match builder.clone().build() {
        Ok(g) => Some(g),
        Err(e) => {
            tracing::warn!(target: TARGET, "could not start CPU sampling: {e}; Datadog CPU profiling is off");
            RUNNING.store(false, Ordering::Release);
            return;
        }
    };
    let mut failing = false;
    let mut window_start = SystemTime::now();
    while let Some(current) = guard.take() {
        let stopping = wait(stop, period);
        let report = current.report().build_unresolved();
        let window_end = SystemTime::now();
        // Dropping the guard stops sampling and clears its data; the next
        // window starts at once (symbolisation and upload run outside it).
        drop(current);
        if !stopping {
            match builder.clone().build() {
                Ok(g) => guard = Some(g),
                Err(e) => {
                    tracing::warn!(target: TARGET, "could not restart CPU sampling: {e}; Datadog CPU profiling stops");
                }
            }
        }
        let outcome = report
            .map_err(|e| format!("could not read the samples: {e}"))
            .and_then(|report| {
                let resolved = pprof::Report {
                    data: report
                        .data
                        .into_iter()
                        .map(|(frames, count)| (pprof::Frames::from(frames), count))
                        .collect(),
                    timing: report.timing,
                };
                let stacks = stacks_of(&resolved);
                let profile = encode(&stacks, sample_period, window_start, window_end)
                    .map_err(|e| format!("could not encode the profile: {e}"))?;
                uploader.upload(profile)
            });
        window_start = window_end;
        match outcome {
            Ok(()) => {
                counters.uploaded.fetch_add(1, Ordering::Relaxed);
                if failing {
                    failing = false;
                    tracing::info!(target: TARGET, url = uploader.url(), "profiles reach the Datadog agent again");
                }
                tracing::debug!(target: TARGET, signal = "profiles", outcome = "ok", url = uploader.url(), "datadog profile upload");
            }
            Err(reason) => {
                counters.failed.fetch_add(1, Ordering::Relaxed);
                // One line per outage, not one per upload.
                if !failing {
                    failing = true;
                    tracing::warn!(target: TARGET, url = uploader.url(), "could not upload a CPU profile to the Datadog agent: {reason}; profiles are dropped until it is reachable");
                }
            }
        }
        if stopping {
            break;
        }
    }
    RUNNING.store(false, Ordering::Release);
}

/// Waits for `period` or a stop request; `true` when stopping.
fn wait(stop: &Stop, period: Duration) -> bool {
    let deadline = Instant::now() + period;
    let Ok(mut requested) = stop.requested.lock() else {
        return true;
    };
    loop {
        if *requested {
            return true;
        }
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return false;
        }
        match stop.wake.wait_timeout(requested, left) {
            Ok((r, _)) => requested = r,
            Err(_) => return true,
        }
    }
}
