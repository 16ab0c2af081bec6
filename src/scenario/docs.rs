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
    out.push_str(PLAUSIBILITY);
    out
}

/// The rules that check a scenario's values against each other and against physics, beyond
/// each key's own range (src/scenario/plausible.rs, src/weather/quality.rs).
const PLAUSIBILITY: &str = r#"
## Plausibility rules

Beyond each key's range above, `check` and `run` compare the inputs with each other and with
physics. An *error* (exit 2, naming the file, line and key) is what cannot be real; a *warning*
is what a real case can show: printed as `warning: KEY: ...` by `check` and `run`, and written
to `summary.json` `warnings`.

| what | error | warning |
|---|---|---|
| load peak vs transformer (`meter_file`, or the synthetic load of `annual_kwh`/`peak_kw`) | peak above 1.3 × `transformer_kva` × `power_factor` (short-time emergency loading, GB/T 1094.7 / IEC 60076-7); `peak_kw` above `transformer_kva` | |
| an all-zero meter file | refused | |
| `pv_kw` vs roof | above `roof_area_m2` × 0.3 kW/m² (modules over the whole roof) | above the roof type's usable share × packing (`data/pv/roof_types.toml`) |
| `pv_kw` vs transformer | AC output (`pv_kw` / DC-AC ratio) above 1.3 × `transformer_kva` | above `pv.max_dc_per_transformer_kva` × `transformer_kva` |
| `storage_kw` | above 1.3 × `transformer_kva` × `power_factor` (it charges through the transformer); 0 | above the enterprise's peak |
| `storage_kwh` | above 10 days of the enterprise's consumption; 0 | above one day's consumption |
| `pv_file` (measured PV) | night output (sun below the horizon at `[site]` for the whole step) above 1% of the year's energy | any night output above 1% of its peak; a series of another year |
| weather file irradiance | GHI above 1.5 · E0 · μ^1.2 + 100 W/m² or DHI above 0.95 · E0 · μ^1.2 + 50 W/m² with the sun at its highest in the step (BSRN physically possible limits, Long and Shi 2008); DHI above 1.1 × GHI + 10 W/m²; under 300 kWh/m² of GHI in the year | GHI above 10 W/m² with the sun below the horizon |
| weather file station vs `[site]` | more than 10° of arc apart | more than 2° apart; another UTC offset than `scenario.utc_offset_hours` |
| `site.latitude_deg` with `weather.source = "synthetic"` | beyond ±66° | |
| the synthetic year's normals (`weather.normals`: their station) vs `[site]` (the year is drawn at `[site]` from the station's climate) | more than 10° of arc apart | more than 2° apart |
| `scenario.utc_offset_hours` vs `site.longitude_deg` | | more than 3.5 h from the mean solar time (longitude / 15; China's UTC+8 is at most 3.1 h from it, at its western border) |
| `annual_kwh` or `peak_kw` with `meter_file` | refused: they size a synthetic load, and the meter data is the load as measured | |
| tariff prices (`tariff.override`, tariff files) | above 1,000 yuan per unit; TOU multipliers above 10 | |
| results | any value that is not finite (the run stops, naming enterprise, strategy and field) | |
"#;
