//! The generated scenario reference, `docs/scenario.md`: one row per key of
//! [`super::schema::KEYS`] with its type and range, unit, default (from `defaults.toml`) and
//! meaning. A test regenerates it and fails when the committed file differs.

use super::DEFAULTS_TOML;
use super::schema::{KEYS, Kind, Presence};

fn default_of(path: &str, defaults: &toml::Table) -> Option<String> {
    let mut cur = toml::Value::Table(defaults.clone());
    for seg in path.split('.') {
        let (name, elem) = match seg.strip_suffix("[]") {
            Some(n) => (n, true),
            None => (seg, false),
        };
        cur = cur.get(name)?.clone();
        if elem {
            cur = cur.get(0)?.clone();
        }
    }
    match cur {
        toml::Value::Table(_) => None,
        toml::Value::Array(a) if a.len() > 4 => Some(format!(
            "[{}, …] ({} items)",
            a.iter()
                .take(2)
                .map(|v| v.to_string())
                .collect::<Vec<_>>()
                .join(", "),
            a.len()
        )),
        v => Some(v.to_string()),
    }
}

/// Render the reference as Markdown.
pub fn scenario_reference() -> String {
    let defaults: toml::Table =
        toml::from_str(DEFAULTS_TOML).expect("defaults.toml is checked by a unit test");
    let mut out = String::new();
    out.push_str("# Scenario file reference\n\n");
    out.push_str("<!-- Generated from src/scenario/schema.rs and src/scenario/defaults.toml by `parkenergy docs`; a test fails when this file is stale. Do not edit by hand. -->\n\n");
    out.push_str("A scenario is one TOML file describing a whole study. Every key below is accepted; any other key is an error (with a suggestion of the closest known key). Keys marked *required* have no default; every other key takes the default shown when it is left out. Relative paths resolve against the scenario file's folder. Indices of `[[enterprise]]`, `[[enterprise_group]]` and `[[sweep.parameter]]` count from 0 in messages and in sweep keys (`enterprise_group[2].count`).\n\n");
    out.push_str("Units: power kW, energy kWh, money yuan, angles degrees (azimuth clockwise from north, 180 = south), rates and shares as fractions (0.15, never 15%).\n");
    for spec in KEYS {
        if matches!(spec.kind, Kind::Table | Kind::TableArray) && !spec.path.contains('.') {
            let header = if spec.kind == Kind::TableArray {
                format!("[[{}]]", spec.path)
            } else {
                format!("[{}]", spec.path)
            };
            out.push_str(&format!("\n## `{header}`\n\n{}\n\n", spec.doc));
            out.push_str(
                "| key | type and range | unit | default | meaning |\n|---|---|---|---|---|\n",
            );
            continue;
        }
        let default = if spec.presence == Presence::Required {
            "*required*".to_string()
        } else if matches!(spec.kind, Kind::TableArray | Kind::Table) {
            "".to_string()
        } else {
            default_of(spec.path, &defaults).map_or("—".to_string(), |d| format!("`{d}`"))
        };
        let key = spec.path;
        out.push_str(&format!(
            "| `{key}` | {} | {} | {} | {} |\n",
            spec.kind.describe("").replace('|', "\\|"),
            spec.unit,
            default.replace('|', "\\|"),
            spec.doc.replace('|', "\\|")
        ));
    }
    out
}
