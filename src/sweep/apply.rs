//! A sample's scenario: the sweep's values written into the scenario text at their key paths,
//! then loaded like any scenario file, so that every rule of the format (ranges, cross-field
//! rules such as a contract price inside the market band) applies to every sample.

use super::value::SweepValue;
use crate::scenario::{self, Plan, ScenarioError};
use std::path::Path;

/// One segment of a key path: a name and, for arrays of tables, an element index.
fn segments(path: &str) -> Vec<(&str, Option<usize>)> {
    path.split('.')
        .map(|seg| match seg.find('[') {
            Some(i) => (
                &seg[..i],
                seg[i + 1..].trim_end_matches(']').parse::<usize>().ok(),
            ),
            None => (seg, None),
        })
        .collect()
}

/// Write `value` at `path` in a document, creating the tables on the way when the file left
/// them out (their keys take their defaults).
///
/// # Errors
/// A message when the path goes through an array element the file does not have, or through
/// a key that is not a table.
pub fn set(doc: &mut toml_edit::DocumentMut, path: &str, value: &SweepValue) -> Result<(), String> {
    let segs = segments(path);
    let Some(((leaf, None), parents)) = segs.split_last() else {
        return Err(format!("`{path}` does not end in a key"));
    };
    let mut cur: &mut dyn toml_edit::TableLike = doc.as_table_mut();
    for &(name, index) in parents {
        if cur.get(name).is_none() {
            match index {
                Some(_) => return Err(format!("`{path}`: the scenario has no `{name}` entries")),
                None => {
                    let mut t = toml_edit::Table::new();
                    t.set_implicit(true);
                    cur.insert(name, toml_edit::Item::Table(t));
                }
            }
        }
        let item = cur
            .get_mut(name)
            .ok_or_else(|| format!("`{path}`: no `{name}`"))?;
        cur = match (item, index) {
            (toml_edit::Item::ArrayOfTables(a), Some(i)) => {
                let n = a.len();
                a.get_mut(i)
                    .map(|t| t as &mut dyn toml_edit::TableLike)
                    .ok_or_else(|| {
                        format!("`{path}`: the scenario has {n} `{name}` entries (indices 0..{n})")
                    })?
            }
            (toml_edit::Item::Value(toml_edit::Value::Array(a)), Some(i)) => a
                .get_mut(i)
                .and_then(|v| v.as_inline_table_mut())
                .map(|t| t as &mut dyn toml_edit::TableLike)
                .ok_or_else(|| format!("`{path}`: no table at `{name}[{i}]`"))?,
            (item, None) => item
                .as_table_like_mut()
                .ok_or_else(|| format!("`{path}`: `{name}` is not a table"))?,
            _ => return Err(format!("`{path}`: `{name}` is not an array of tables")),
        };
    }
    cur.insert(leaf, toml_edit::Item::Value(value.to_toml_edit()));
    Ok(())
}

/// The scenario text of a sample: `values[j]` written at `keys[j]` (`None`: left as is).
///
/// # Errors
/// A message when a path cannot be written (see [`set`]).
pub fn sample_text(
    base: &str,
    keys: &[String],
    values: &[Option<SweepValue>],
) -> Result<String, String> {
    let mut doc: toml_edit::DocumentMut = base.parse().map_err(|e| format!("{e}"))?;
    for (k, v) in keys.iter().zip(values) {
        if let Some(v) = v {
            set(&mut doc, k, v)?;
        }
    }
    Ok(doc.to_string())
}

/// The plan of a sample, loaded from its text as if it were the scenario file.
///
/// # Errors
/// The [`ScenarioError`] of the sample's text, or a message when a path cannot be written.
pub fn sample_plan(
    base: &str,
    file: &Path,
    keys: &[String],
    values: &[Option<SweepValue>],
) -> Result<Plan, Result<ScenarioError, String>> {
    let text = sample_text(base, keys, values).map_err(Err)?;
    scenario::load_str(&text, file).map_err(Ok)
}

/// The value a key has in the scenario (after defaults), as a CSV cell; empty when the key is
/// unset (the model's own default applies).
pub fn base_value(text: &str, path: &str) -> String {
    let Ok(mut user) = toml::from_str::<toml::Table>(text) else {
        return String::new();
    };
    let defaults: toml::Table =
        toml::from_str(scenario::DEFAULTS_TOML).expect("defaults.toml is checked by a unit test");
    scenario::resolve::merge_defaults(&mut user, &defaults);
    let mut cur = toml::Value::Table(user);
    for (name, index) in segments(path) {
        let next = cur.get(name).cloned();
        cur = match (next, index) {
            (Some(toml::Value::Array(a)), Some(i)) => match a.get(i) {
                Some(v) => v.clone(),
                None => return String::new(),
            },
            (Some(v), None) => v,
            _ => return String::new(),
        };
    }
    match cur {
        toml::Value::String(s) => SweepValue::Str(s).csv(),
        toml::Value::Integer(i) => i.to_string(),
        toml::Value::Float(x) => SweepValue::Float(x).to_string(),
        toml::Value::Boolean(b) => b.to_string(),
        _ => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const BASE: &str = "[scenario]\nname = \"t\"\n\n[[enterprise_group]]\nname = \"g\"\ncount = 3\n\n[[enterprise_group]]\nname = \"h\"\ncount = 4\n";

    #[test]
    fn writes_into_arrays_and_creates_missing_sections() {
        let t = sample_text(
            BASE,
            &[
                "enterprise_group[1].count".into(),
                "market.contract_price_yuan_per_kwh".into(),
            ],
            &[Some(SweepValue::Int(9)), Some(SweepValue::Float(0.45))],
        )
        .unwrap();
        let v: toml::Table = toml::from_str(&t).unwrap();
        assert_eq!(v["enterprise_group"][1]["count"].as_integer(), Some(9));
        assert_eq!(v["enterprise_group"][0]["count"].as_integer(), Some(3));
        assert_eq!(
            v["market"]["contract_price_yuan_per_kwh"].as_float(),
            Some(0.45)
        );
    }

    #[test]
    fn missing_element_is_an_error_not_a_panic() {
        let e = sample_text(
            BASE,
            &["enterprise_group[5].count".into()],
            &[Some(SweepValue::Int(1))],
        );
        assert!(e.unwrap_err().contains("indices 0..2"));
    }

    #[test]
    fn base_values_come_from_the_file_or_the_defaults() {
        assert_eq!(base_value(BASE, "enterprise_group[1].count"), "4");
        assert_eq!(base_value(BASE, "scenario.seed"), "20231");
        assert_eq!(base_value(BASE, "pv.albedo_fraction"), "");
    }
}
