//! [`SettingWarning`]: things worth telling the operator that do not stop
//! telemetry, chiefly misspelt variables ("did you mean …").

use std::fmt;

use super::env::EnvSource;
use super::vars;

/// The kind of a [`SettingWarning`]: what happened to the variable, which
/// decides how to fix it ([`SettingWarning::fix`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum WarningKind {
    /// A telemetry-prefixed variable that matches no setting.
    Unknown,
    /// A known variable that letta-telemetry deliberately does not read.
    Unsupported,
    /// An alias that loses to another name of the same setting.
    Shadowed,
    /// A variable that has no effect with the rest of the configuration.
    Ignored,
}

/// A configuration oddity that does not invalidate the settings.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum SettingWarning {
    /// A variable with a telemetry prefix that matches no setting.
    Unknown {
        /// The variable, as spelled in the environment.
        variable: String,
        /// The valid name it is a likely misspelling of (a few edits away),
        /// if any.
        suggestion: Option<&'static str>,
    },
    /// A variable that letta-telemetry does not read (a standard
    /// OpenTelemetry one, or a likely guess at a setting's name).
    Unsupported {
        /// The variable, as spelled in the environment.
        variable: String,
        /// What happens to it and what to use instead.
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

    /// The kind of the warning.
    pub fn kind(&self) -> WarningKind {
        match self {
            Self::Unknown { .. } => WarningKind::Unknown,
            Self::Unsupported { .. } => WarningKind::Unsupported,
            Self::Shadowed { .. } => WarningKind::Shadowed,
            Self::Ignored { .. } => WarningKind::Ignored,
        }
    }

    /// How to fix it, for `letta-otel doctor` and the like.
    ///
    /// ```
    /// use letta_telemetry::settings::{Settings, WarningKind};
    ///
    /// let s = Settings::from_vars([
    ///     ("LETTA_TELEMETRY_DISABLE_TRACING", "true"),
    ///     ("LETTA_DISABLE_TRACING", "false"),
    /// ])?;
    /// let w = &s.warnings()[0];
    /// assert_eq!(w.kind(), WarningKind::Shadowed);
    /// assert!(w.fix().starts_with("remove LETTA_DISABLE_TRACING"));
    /// # Ok::<(), letta_telemetry::SettingsError>(())
    /// ```
    pub fn fix(&self) -> String {
        match self {
            Self::Unknown {
                variable,
                suggestion: Some(suggestion),
            } => format!(
                "rename {variable} to {suggestion} if that is what you meant, else remove it: \
                 an unknown variable is ignored, so its setting keeps its default"
            ),
            Self::Unknown {
                variable,
                suggestion: None,
            } => format!(
                "remove {variable}, or rename it to a documented variable \
                 (letta_telemetry::settings::vars): no setting has this name"
            ),
            Self::Unsupported { variable, hint } => format!(
                "remove {variable}: {}",
                hint.strip_prefix("ignored; ").unwrap_or(hint)
            ),
            Self::Shadowed { variable, used } => format!(
                "remove {variable}, or set it to the same value as {used}: both name one \
                 setting and {used} takes precedence"
            ),
            Self::Ignored { variable, reason } => {
                format!("remove {variable}, which has no effect: {reason}")
            }
        }
    }
}

impl fmt::Display for SettingWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Unknown {
                variable,
                suggestion: Some(suggestion),
            } => write!(
                f,
                "unknown telemetry variable {variable} is ignored; did you mean {suggestion}?"
            ),
            Self::Unknown {
                variable,
                suggestion: None,
            } => write!(f, "unknown telemetry variable {variable} is ignored"),
            Self::Unsupported { variable, hint } => {
                write!(f, "{variable} is not supported by letta-telemetry: {hint}")
            }
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
        if super::registry::known_variables().any(|k| k == upper) {
            continue;
        }
        if let Some(hint) = unsupported_hint(&upper) {
            out.push(SettingWarning::Unsupported {
                variable: name.to_string(),
                hint,
            });
            continue;
        }
        out.push(SettingWarning::Unknown {
            variable: name.to_string(),
            suggestion: closest(&upper),
        });
    }
    out.sort_by(|a, b| a.variable().cmp(b.variable()));
    out
}

/// What to say about a variable letta-telemetry does not read, if it is one
/// of those.
fn unsupported_hint(upper: &str) -> Option<&'static str> {
    vars::UNSUPPORTED
        .iter()
        .find(|(n, _)| *n == upper)
        .map(|(_, hint)| *hint)
}

/// Most edits between a misspelt name and the name it is taken for; further
/// away, the variable is not a typo of that name and no name is suggested.
const MAX_TYPO_EDITS: usize = 3;

/// The known variable closest to `upper` by edit distance (ties: the first),
/// if it is close enough to be a typo.
fn closest(upper: &str) -> Option<&'static str> {
    super::registry::known_variables()
        .filter(|k| vars::WATCHED_PREFIXES.iter().any(|p| k.starts_with(p)))
        .map(|k| (strsim::levenshtein(upper, k), k))
        .min_by_key(|(d, _)| *d)
        .filter(|(d, _)| *d <= MAX_TYPO_EDITS)
        .map(|(_, k)| k)
}
