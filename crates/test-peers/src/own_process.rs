//! Runs a test in a process of its own, whichever runner started it.
//!
//! Tests that install process-wide telemetry (the global tracer provider,
//! the `tracing` subscriber, the panic hook, environment variables) cannot
//! share a process: the first one to install wins, and the others see its
//! state. `cargo nextest` already runs every test in its own process. Under
//! plain `cargo test`, libtest runs all the tests of a binary as threads of
//! one process; [`own_process!`](crate::own_process!) then re-runs the
//! calling test alone, in a child process of the same binary, and reports
//! its result as the caller's.
//!
//! libtest names each test's thread after the test (`module::name`), which
//! is how the child is told which test to run.

use std::process::Command;

/// Set in the child, so that it runs the test instead of delegating again.
const CHILD_MARKER: &str = "LETTA_TEST_OWN_PROCESS";

/// Re-runs the calling test in a child process unless it already has a
/// process of its own; returns `true` when the child ran it (the caller then
/// returns at once) and `false` when the caller should run the test itself.
///
/// # Panics
///
/// When the child fails, or does not run exactly one test: the panic carries
/// the child's output, so the failure reads as if the test had run here.
pub fn delegate() -> bool {
    if has_own_process() {
        return false;
    }
    let Some(name) = test_name() else {
        // Not on a libtest thread (a test run on the main thread): nothing
        // names the test to re-run, so it runs here.
        return false;
    };
    let exe = std::env::current_exe().expect("the test binary's path");
    let output = Command::new(exe)
        .args([
            name.as_str(),
            "--exact",
            "--include-ignored",
            "--test-threads=1",
        ])
        .env(CHILD_MARKER, "1")
        .output()
        .expect("start the test binary for one test");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let ran_one = stdout.contains("test result: ok. 1 passed");
    assert!(
        output.status.success() && ran_one,
        "`{name}` in its own process: {}\n--- stdout ---\n{stdout}\n--- stderr ---\n{}",
        output.status,
        String::from_utf8_lossy(&output.stderr),
    );
    true
}

/// Whether this process runs only the calling test: a nextest process, or a
/// child started by [`delegate`].
fn has_own_process() -> bool {
    // The marker and nextest's own variable are test-runner facts, not
    // telemetry settings, so they are read here directly.
    #[allow(clippy::disallowed_methods)]
    let set = |name: &str| std::env::var_os(name).is_some_and(|v| !v.is_empty());
    set(CHILD_MARKER) || set("NEXTEST")
}

/// The running test's name, from the name libtest gives its thread.
fn test_name() -> Option<String> {
    let thread = std::thread::current();
    let name = thread.name()?;
    (name != "main" && !name.is_empty()).then(|| name.to_owned())
}

/// Runs the enclosing test in a process of its own (see
/// [`own_process`](crate::own_process) for why): under plain `cargo test`
/// the test is re-run in a child and the enclosing function returns here.
///
/// The first statement of a test that installs process-wide state. A test
/// that returns a value passes it: `own_process!(Ok(()))`. Not for a
/// `#[should_panic]` test: the child's expected panic would not reach the
/// parent.
///
/// ```ignore
/// #[test]
/// fn installs_global_telemetry() {
///     test_peers::own_process!();
///     let _guard = letta_telemetry::init(settings).expect("init");
///     // …
/// }
/// ```
#[macro_export]
macro_rules! own_process {
    () => {
        $crate::own_process!(())
    };
    ($ret:expr) => {
        if $crate::own_process::delegate() {
            return $ret;
        }
    };
}
