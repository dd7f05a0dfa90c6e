//! Where each setting came from: [`Source`] says whether the value of a
//! [`Field`] is the default, came from a variable or from code.

use std::fmt;

use super::registry::Field;

/// Where the value of a setting came from.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Source {
    /// The built-in default (possibly computed, like `$HOME/.letta`).
    Default,
    /// An environment variable, as spelled in the environment.
    Environment {
        /// The variable.
        variable: String,
    },
    /// Code: the builder, or a field assigned after the settings were built.
    Code,
}

impl Source {
    /// The variable, for [`Source::Environment`].
    pub fn variable(&self) -> Option<&str> {
        match self {
            Self::Environment { variable } => Some(variable),
            _ => None,
        }
    }
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Default => f.write_str("default"),
            Self::Environment { variable } => write!(f, "environment: {variable}"),
            Self::Code => f.write_str("code"),
        }
    }
}

/// The source of every field and the value it had when the settings were
/// built, so a field changed afterwards is reported as set by code.
#[derive(Debug, Clone, Default)]
pub(crate) struct Provenance {
    entries: Vec<Option<(Source, String)>>,
}

impl Provenance {
    pub(crate) fn record(&mut self, field: Field, source: Source, shown: String) {
        let i = field as usize;
        if self.entries.len() <= i {
            self.entries.resize(Field::ALL.len().max(i + 1), None);
        }
        self.entries[i] = Some((source, shown));
    }

    /// The source of `field`, given how it shows now.
    pub(crate) fn source(&self, field: Field, shown_now: &str) -> Source {
        match self.entries.get(field as usize) {
            Some(Some((source, shown))) if shown == shown_now => source.clone(),
            Some(Some(_)) => Source::Code,
            _ => Source::Default,
        }
    }
}
