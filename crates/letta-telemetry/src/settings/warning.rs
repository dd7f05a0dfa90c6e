//! [`SettingWarning`]: things worth telling the operator that do not stop
//! telemetry, chiefly misspelt variables ("did you mean …").

use std::fmt;

use super::env::EnvSource;
use super::vars;

/// A configuration oddity that does not invalidate the settings.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum SettingWarning {
    /// A variable with a telemetry prefix that matches no setting.
    Unknown {
        /// The variable, as spelled in the environment.
        variable: String,
        /// The closest valid name.
        suggestion: &'static str,
    },
    /// A standard OpenTelemetry variable that letta-telemetry does not read.
    Unsupported {
        /// The variable, as spelled in the environment.
        variable: String,
        /// What to do instead.
        hint: &'static str,
    },
    /// A variable ignored because another one of the same setting wins.
    Shadowed {
        /// The ignored variable.
        variable: String,
        /// The variable that was used.
        used: String,
    },
    /// A variable ignored for another reason.
    Ignored {
        /// The ignored variable.
        variable: String,
        /// Why.
        reason: &'static str,
    },
}

impl SettingWarning {
    /// The variable the warning is about.
    pub fn variable(&self) -> &str {
        match self {
            Self::Unknown { variable, .. }
            | Self::Unsupported { variable, .. }
            | Self::Shadowed { variable, .. }
            | Self::Ignored { variable, .. } => variable,
        }
    }
}

impl fmt::Display for SettingWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Unknown {
                variable,
                suggestion,
            } => write!(
                f,
                "unknown telemetry variable {variable} is ignored; did you mean {suggestion}?"
            ),
            Self::Unsupported { variable, hint } => write!(
                f,
                "{variable} is not supported by letta-telemetry and is ignored: {hint}"
            ),
            Self::Shadowed { variable, used } => {
                write!(f, "{variable} is ignored because {used} is set")
            }
            Self::Ignored { variable, reason } => write!(f, "{variable} is ignored: {reason}"),
        }
    }
}

/// Warnings for the variables of `env` that have a telemetry prefix but match
/// no setting.
pub(crate) fn unknown_variables(env: &EnvSource) -> Vec<SettingWarning> {
    let mut out = Vec::new();
    for name in env.names() {
        let upper = name.to_ascii_uppercase();
        if !vars::WATCHED_PREFIXES.iter().any(|p| upper.starts_with(p)) {
            continue;
        }
        if vars::KNOWN.contains(&upper.as_str()) {
            continue;
        }
        if let Some((_, hint)) = vars::UNSUPPORTED.iter().find(|(n, _)| *n == upper) {
            out.push(SettingWarning::Unsupported {
                variable: name.to_string(),
                hint,
            });
            continue;
        }
        if let Some(suggestion) = closest(&upper) {
            out.push(SettingWarning::Unknown {
                variable: name.to_string(),
                suggestion,
            });
        }
    }
    out.sort_by(|a, b| a.variable().cmp(b.variable()));
    out
}

/// The known variable closest to `upper` by edit distance (ties: the first).
fn closest(upper: &str) -> Option<&'static str> {
    vars::KNOWN
        .iter()
        .map(|k| (strsim::levenshtein(upper, k), *k))
        .min_by_key(|(d, _)| *d)
        .map(|(_, k)| k)
}
