//! The variable tables of `docs/configuration.md`, written from the registry.
//! `tests/settings_docs.rs` fails when the file and these tables disagree
//! (and rewrites the file with `UPDATE_DOCS=1`).

use std::fmt::Write as _;

use super::{Group, SETTINGS, UNMAPPED};

/// The markdown table of `group`: one row per setting that has a variable
/// (aliases in parentheses, in precedence order), its form, default and
/// meaning, with a note when the value is a secret.
///
/// ```
/// use letta_telemetry::settings::{docs_table, Group};
///
/// let table = docs_table(Group::Limits);
/// assert!(table.contains("| `OTEL_BSP_MAX_QUEUE_SIZE` | positive integer | `8192` |"));
/// ```
pub fn docs_table(group: Group) -> String {
    let mut out =
        String::from("| variable (aliases) | form | default | meaning |\n|---|---|---|---|\n");
    for spec in SETTINGS.iter().filter(|s| s.group == group) {
        let Some((first, aliases)) = spec.variables.split_first() else {
            continue;
        };
        let mut name = format!("`{first}`");
        if !aliases.is_empty() {
            let aliases: Vec<String> = aliases.iter().map(|a| format!("`{a}`")).collect();
            let _ = write!(name, " ({})", aliases.join(", "));
        }
        let secret = if spec.secret {
            " (can hold a secret: masked when shown)"
        } else {
            ""
        };
        let _ = writeln!(
            out,
            "| {name} | {} | {} | {}{secret} |",
            spec.form, spec.default, spec.doc
        );
    }
    for var in UNMAPPED.iter().filter(|u| u.group == group) {
        let _ = writeln!(
            out,
            "| `{}` | {} | {} | {} |",
            var.variable, var.form, var.default, var.doc
        );
    }
    out
}
