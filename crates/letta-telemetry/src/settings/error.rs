//! [`SettingsError`]: every invalid value found, reported together.

use std::fmt;

/// One invalid value: the variable (or builder method) that set it, the value
/// it had (masked when it is a secret) and the form that was expected.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct SettingProblem {
    /// The environment variable, as spelled in the environment, or the builder
    /// method (`Settings::builder().with_…`) when the value came from code.
    pub variable: String,
    /// The value it had (secrets masked).
    pub value: String,
    /// The form that was expected.
    pub expected: String,
}

impl SettingProblem {
    /// A problem of `variable` having `value` when `expected` was expected.
    pub fn new(
        variable: impl Into<String>,
        value: impl Into<String>,
        expected: impl Into<String>,
    ) -> Self {
        Self {
            variable: variable.into(),
            value: value.into(),
            expected: expected.into(),
        }
    }
}

impl fmt::Display for SettingProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}={:?}: expected {}",
            self.variable, self.value, self.expected
        )
    }
}

/// Invalid settings: every problem found, each naming its variable, its value
/// and the expected form. Displayed one problem per line.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub struct SettingsError {
    /// Every problem, in the order the settings are read.
    pub problems: Vec<SettingProblem>,
}

impl SettingsError {
    /// An error made of `problems`.
    pub fn new(problems: Vec<SettingProblem>) -> Self {
        Self { problems }
    }

    /// The problem of `variable` (case-insensitive), if any.
    pub fn problem(&self, variable: &str) -> Option<&SettingProblem> {
        self.problems
            .iter()
            .find(|p| p.variable.eq_ignore_ascii_case(variable))
    }
}

impl fmt::Display for SettingsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.problems.len();
        write!(
            f,
            "invalid telemetry settings ({n} problem{}):",
            if n == 1 { "" } else { "s" }
        )?;
        for p in &self.problems {
            write!(f, "\n  {p}")?;
        }
        Ok(())
    }
}
