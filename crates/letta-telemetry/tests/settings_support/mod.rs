//! Helpers of the settings tests: settings that must build, settings that
//! must fail, and one rejected value with the message it must carry.

#![allow(dead_code)]

use letta_telemetry::settings::{Settings, SettingsError};

pub fn ok(vars: &[(&str, &str)]) -> Settings {
    match Settings::from_vars(vars.iter().copied()) {
        Ok(s) => s,
        Err(e) => panic!("settings should be valid: {e}"),
    }
}

pub fn err(vars: &[(&str, &str)]) -> SettingsError {
    match Settings::from_vars(vars.iter().copied()) {
        Ok(s) => panic!("settings should be invalid: {s:?}"),
        Err(e) => e,
    }
}

/// Asserts that `var=value` is rejected with a message that names the
/// variable, the value and contains `expected`.
pub fn rejected(var: &str, value: &str, expected: &str) {
    let e = err(&[(var, value)]);
    assert_eq!(e.problems.len(), 1, "{e}");
    let p = &e.problems[0];
    assert_eq!(p.variable, var);
    assert_eq!(p.value, value);
    assert!(
        p.expected.contains(expected),
        "expected form {:?} should contain {expected:?}",
        p.expected
    );
    let msg = e.to_string();
    assert!(msg.contains(var), "{msg}");
    assert!(msg.contains(value), "{msg}");
    assert!(msg.contains(expected), "{msg}");
}
