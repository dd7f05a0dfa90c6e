//! The settings registry: one table with every setting — its key in
//! [`Settings::render`](super::Settings::render), the variables that set it
//! (aliases in precedence order), the form and default of its value, whether
//! it can hold a secret, its documentation line and its builder method.
//!
//! Everything that lists settings reads this table: the [`Field`] enum, the
//! builder's `with_*` methods, the resolver (which variables a field reads,
//! which method a code value came from), `render`, "did you mean", and the
//! variable tables of `docs/configuration.md` ([`docs_table`], held equal to
//! the file by a test). The model is dd-trace-rs's `supported_configurations`.
//!
//! To add a setting: a field of [`Settings`](super::Settings) with its
//! default, an entry here, a line in `SettingsBuilder::build_from` that
//! resolves it, and a case in `render::shown_value`.

mod docs;
#[macro_use]
mod macros;
mod table;

use super::vars as v;

pub use docs::docs_table;
pub(super) use table::Code;
pub use table::{Field, SETTINGS};

/// The documentation group of a setting (a table of `docs/configuration.md`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Group {
    /// Switches, logging and Datadog.
    Switches,
    /// The OTLP exporter, generic and per signal.
    Otlp,
    /// The standard SDK variables beyond the OTLP exporter.
    Sdk,
    /// Service identity and resource.
    Identity,
    /// Export limits.
    Limits,
}

impl Group {
    /// Every group, in document order.
    pub const ALL: &'static [Group] = &[
        Group::Switches,
        Group::Otlp,
        Group::Sdk,
        Group::Identity,
        Group::Limits,
    ];

    /// The name of the group's table in `docs/configuration.md`.
    pub fn name(self) -> &'static str {
        match self {
            Group::Switches => "switches",
            Group::Otlp => "otlp",
            Group::Sdk => "sdk",
            Group::Identity => "identity",
            Group::Limits => "limits",
        }
    }
}

/// One setting of the registry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct SettingSpec {
    /// The setting.
    pub field: Field,
    /// The field path, e.g. `otlp.endpoint`.
    pub key: &'static str,
    /// The variables that set it, in precedence order (empty: code only).
    pub variables: &'static [&'static str],
    /// Variables read with it that are not aliases (a sampler's argument).
    pub also: &'static [&'static str],
    /// The accepted form of a value.
    pub form: &'static str,
    /// The default, as documented.
    pub default: &'static str,
    /// Whether the value can hold a secret (shown masked).
    pub secret: bool,
    /// What the setting does.
    pub doc: &'static str,
    /// The documentation table it belongs to.
    pub group: Group,
    /// The [`SettingsBuilder`](super::SettingsBuilder) method that sets it in code, if any.
    pub method: Option<&'static str>,
}

/// A variable read without a setting of its own: accepted, documented, and
/// only warned about (see [`UNMAPPED`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct VariableDoc {
    /// The variable.
    pub variable: &'static str,
    /// The accepted form of a value.
    pub form: &'static str,
    /// The default, as documented.
    pub default: &'static str,
    /// What it does.
    pub doc: &'static str,
    /// The documentation table it belongs to.
    pub group: Group,
}

/// Variables read that set no field.
pub const UNMAPPED: &[VariableDoc] = &[VariableDoc {
    variable: v::OTEL_BSP_MAX_CONCURRENT_EXPORTS,
    form: "positive integer",
    default: "`1`",
    doc: "spans are exported one batch at a time; a value above 1 gets an \"ignored\" warning",
    group: Group::Sdk,
}];

impl Field {
    /// The registry entry of the setting.
    pub fn spec(self) -> &'static SettingSpec {
        &SETTINGS[self as usize]
    }

    /// The field path, e.g. `otlp.endpoint`.
    pub fn key(self) -> &'static str {
        self.spec().key
    }

    /// The variables that set it, in precedence order.
    pub fn variables(self) -> &'static [&'static str] {
        self.spec().variables
    }

    /// The builder method that sets it in code, as a problem names it.
    pub(crate) fn method(self) -> &'static str {
        self.spec().method.unwrap_or("build")
    }
}

/// Every variable the settings read, the candidates of "did you mean".
pub(crate) fn known_variables() -> impl Iterator<Item = &'static str> {
    SETTINGS
        .iter()
        .flat_map(|s| s.variables.iter().chain(s.also))
        .copied()
        .chain(UNMAPPED.iter().map(|u| u.variable))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_and_entries_line_up() {
        assert_eq!(Field::ALL.len(), SETTINGS.len());
        for (i, field) in Field::ALL.iter().enumerate() {
            assert_eq!(*field as usize, i);
            assert_eq!(field.spec().field, *field);
        }
        let mut keys: Vec<_> = SETTINGS.iter().map(|s| s.key).collect();
        keys.sort_unstable();
        keys.dedup();
        assert_eq!(keys.len(), SETTINGS.len(), "keys are unique");
    }

    #[test]
    fn every_variable_constant_is_read_by_a_setting() {
        // The constants of `vars.rs`, read from its source: a constant that
        // no registry entry lists would be documented but never read.
        let source = include_str!("../vars.rs");
        let known: Vec<&str> = known_variables().collect();
        let mut checked = 0;
        for item in source.split("pub const ").skip(1) {
            let Some(name) = item.split('"').nth(1) else {
                continue;
            };
            if name == v::PREFIX {
                continue;
            }
            checked += 1;
            assert!(
                known.contains(&name),
                "{name} is in vars.rs but in no entry"
            );
        }
        assert!(checked > 90, "read {checked} constants");
    }

    #[test]
    fn a_variable_belongs_to_one_setting() {
        let mut seen = std::collections::HashMap::new();
        for spec in SETTINGS {
            for var in spec.variables {
                // The general attribute limits feed several span limits.
                if var.starts_with("OTEL_ATTRIBUTE_") {
                    continue;
                }
                if let Some(other) = seen.insert(*var, spec.key) {
                    panic!("{var} sets both {other} and {}", spec.key);
                }
            }
        }
    }
}
