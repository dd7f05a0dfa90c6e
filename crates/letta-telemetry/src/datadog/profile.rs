//! CPU samples (stacks and counts from the `pprof` sampler) → a pprof
//! profile, built and compressed by Datadog's `libdd-profiling`.

use std::collections::HashMap;
use std::time::{Duration, SystemTime};

use libdd_profiling::api::{Function, Label, Location, Period, Sample, ValueType};
use libdd_profiling::internal::{EncodedProfile, Profile};

/// The sample types of the CPU profile: the number of samples and the CPU
/// time they stand for (each sample is one sampling period of CPU time).
pub(crate) const SAMPLE_TYPES: [ValueType<'static>; 2] = [
    ValueType::new("samples", "count"),
    ValueType::new("cpu-time", "nanoseconds"),
];

/// One symbolised stack frame.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct Frame {
    /// Demangled function name.
    pub(crate) name: String,
    /// Raw (mangled) symbol name.
    pub(crate) system_name: String,
    /// Source file, empty when unknown.
    pub(crate) file: String,
    /// Line, 0 when unknown.
    pub(crate) line: i64,
}

/// One sampled stack, leaf first, with the thread it ran on.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct Stack {
    pub(crate) frames: Vec<Frame>,
    pub(crate) thread_name: String,
    pub(crate) thread_id: u64,
}

/// Converts a `pprof` report (already symbolised) into stacks and counts.
pub(crate) fn stacks_of(report: &pprof::Report) -> HashMap<Stack, i64> {
    let mut out: HashMap<Stack, i64> = HashMap::new();
    for (frames, count) in &report.data {
        let stack = Stack {
            frames: frames
                .frames
                .iter()
                .flatten()
                .map(|s| Frame {
                    name: s.name(),
                    system_name: s.sys_name().into_owned(),
                    file: s
                        .filename
                        .as_ref()
                        .map(|p| p.to_string_lossy().into_owned())
                        .unwrap_or_default(),
                    line: i64::from(s.lineno()),
                })
                .collect(),
            thread_name: frames.thread_name.clone(),
            thread_id: frames.thread_id,
        };
        *out.entry(stack).or_insert(0) += i64::try_from(*count).unwrap_or(0);
    }
    out
}

/// Builds and compresses the pprof profile of `stacks`, sampled every
/// `period` between `start` and `end`.
pub(crate) fn encode(
    stacks: &HashMap<Stack, i64>,
    period: Duration,
    start: SystemTime,
    end: SystemTime,
) -> Result<EncodedProfile, String> {
    let period_ns = i64::try_from(period.as_nanos()).unwrap_or(i64::MAX);
    let mut profile = Profile::try_new(
        &SAMPLE_TYPES,
        Some(Period {
            r#type: SAMPLE_TYPES[1],
            value: period_ns,
        }),
    )
    .map_err(|e| e.to_string())?
    .with_start_time(start)
    .map_err(|e| format!("{e:#}"))?;
    for (stack, count) in stacks {
        let values = [*count, count.saturating_mul(period_ns)];
        let locations = stack
            .frames
            .iter()
            .map(|f| Location {
                function: Function {
                    name: &f.name,
                    system_name: &f.system_name,
                    filename: &f.file,
                },
                line: f.line,
                ..Location::default()
            })
            .collect();
        let thread_id = i64::try_from(stack.thread_id).unwrap_or(i64::MAX);
        let mut labels = vec![Label {
            key: "thread id",
            num: thread_id,
            ..Label::default()
        }];
        if !stack.thread_name.is_empty() {
            labels.push(Label {
                key: "thread name",
                str: &stack.thread_name,
                ..Label::default()
            });
        }
        profile
            .try_add_sample(
                Sample {
                    locations,
                    values: &values,
                    labels,
                },
                None,
            )
            .map_err(|e| format!("{e:#}"))?;
    }
    let duration = end.duration_since(start).ok();
    profile
        .serialize_into_compressed_pprof(Some(end), duration)
        .map_err(|e| format!("{e:#}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stacks_become_a_compressed_pprof() {
        let stack = Stack {
            frames: vec![Frame {
                name: "app::busy".into(),
                system_name: "_ZN3app4busy".into(),
                file: "src/app.rs".into(),
                line: 7,
            }],
            thread_name: "main".into(),
            thread_id: 1,
        };
        let stacks = HashMap::from([(stack, 3)]);
        let start = SystemTime::now();
        let end = start + Duration::from_secs(1);
        let encoded =
            encode(&stacks, Duration::from_millis(10), start, end).expect("profile encodes");
        assert!(!encoded.buffer.is_empty());
        assert_eq!(encoded.start, start);
        assert_eq!(encoded.end, end);
    }
}
