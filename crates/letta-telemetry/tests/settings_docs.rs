//! The variable tables of `docs/configuration.md` are the settings registry:
//! each table sits between `<!-- settings-table:<group> -->` and
//! `<!-- /settings-table -->` and must equal `docs_table(group)`.
//! `UPDATE_DOCS=1 cargo test --test settings_docs` rewrites them.

use letta_telemetry::settings::{Group, docs_table};

const END: &str = "<!-- /settings-table -->";

fn docs_path() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/configuration.md")
}

/// The text with the table of `group` replaced by `table`, and the table
/// that was there.
fn replace_table(text: &str, group: Group, table: &str) -> (String, String) {
    let start = format!("<!-- settings-table:{} -->\n", group.name());
    let Some(begin) = text.find(&start).map(|i| i + start.len()) else {
        panic!("docs/configuration.md has no {start:?} marker");
    };
    let Some(len) = text[begin..].find(END) else {
        panic!("the {} table has no {END:?} marker", group.name());
    };
    let old = text[begin..begin + len].to_string();
    let new = format!("{}{table}{}", &text[..begin], &text[begin + len..]);
    (new, old)
}

#[test]
fn configuration_md_tables_match_the_registry() {
    let path = docs_path();
    let mut text = std::fs::read_to_string(&path).expect("docs/configuration.md");
    let mut stale = Vec::new();
    for &group in Group::ALL {
        let table = docs_table(group);
        let (new, old) = replace_table(&text, group, &table);
        if old != table {
            stale.push(group.name());
        }
        text = new;
    }
    // A test switch, not a telemetry setting.
    #[allow(clippy::disallowed_methods)]
    let update = std::env::var_os("UPDATE_DOCS").is_some();
    if update {
        std::fs::write(&path, text).expect("write docs/configuration.md");
        return;
    }
    assert!(
        stale.is_empty(),
        "the tables {stale:?} of docs/configuration.md differ from the settings registry; \
         run `UPDATE_DOCS=1 cargo test -p letta-telemetry --test settings_docs`"
    );
}

#[test]
fn every_setting_with_a_variable_is_in_a_table() {
    let all: String = Group::ALL.iter().map(|g| docs_table(*g)).collect();
    for spec in letta_telemetry::settings::SETTINGS {
        if let Some(var) = spec.variables.first() {
            assert!(all.contains(&format!("| `{var}`")), "{var} is in no table");
        }
    }
}
