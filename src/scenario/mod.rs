//! Scenario files (TOML): the schema, the defaults, the checks with file/line/key in every error,
//! and resolution into a [`Plan`].
//!
//! Loading has two phases [ripgrep LowArgs→HiArgs; nextest config]: first the file is checked
//! on its syntax tree against the key table [`schema::KEYS`] (unknown keys, types, ranges:
//! errors carry the exact line and column), then the defaults of `defaults.toml` are merged in,
//! serde builds the [`raw`] structs, and [`resolve`] checks the rules across keys and builds the
//! plan. Knows nothing of simulation.

pub mod check;
pub mod choice;
pub mod docs;
pub mod error;
pub mod inputs;
pub mod plan;
mod plausible;
pub mod raw;
pub mod resolve;
pub mod schema;
mod sources;

pub use error::{Location, ScenarioError, ScenarioErrorKind, SourceText};
pub use plan::{
    EnterprisePlan, LoadSource, MeterData, Normals, Plan, Premises, SweepPlan, TariffSwitch,
    WeatherData, WeatherPlan,
};

use std::path::Path;

/// The defaults of every optional key, embedded.
pub const DEFAULTS_TOML: &str = include_str!("defaults.toml");

/// Read, check and resolve a scenario file.
///
/// # Errors
/// [`ScenarioError`] naming the file, line, column and key of the first problem found.
pub fn load(path: &Path) -> Result<Plan, ScenarioError> {
    let text = std::fs::read_to_string(path).map_err(|e| ScenarioError {
        location: Box::new(Location {
            file: path.to_path_buf(),
            ..Location::default()
        }),
        kind: ScenarioErrorKind::Io(e.to_string()),
    })?;
    load_str(&text, path)
}

/// Check and resolve scenario text as if read from `path` (relative paths resolve against its
/// folder).
///
/// # Errors
/// [`ScenarioError`] naming the file, line, column and key of the first problem found.
pub fn load_str(text: &str, path: &Path) -> Result<Plan, ScenarioError> {
    let src = SourceText::new(path.to_path_buf(), text.to_string());
    let doc = parse_document(&src)?;
    check::check_document(&src, doc.as_table(), true)?;
    let mut user: toml::Table =
        toml::from_str(text).map_err(|e| syntax_error(&src, e.span(), e.message()))?;
    let defaults: toml::Table =
        toml::from_str(DEFAULTS_TOML).expect("defaults.toml is checked by a unit test");
    let claims_judged = user.contains_key("claims");
    resolve::merge_meter_defaults(&mut user);
    resolve::merge_defaults(&mut user, &defaults);
    let raw: raw::RawScenario = serde_path_to_error::deserialize(toml::Value::Table(user))
        .map_err(|e| {
            let key = e.path().to_string();
            src.error(
                resolve::span_of(doc.as_table(), &key),
                ScenarioErrorKind::Rule {
                    key,
                    message: e.inner().to_string(),
                },
            )
        })?;
    let dir = path
        .parent()
        .map(|p| {
            if p.as_os_str().is_empty() {
                Path::new(".")
            } else {
                p
            }
        })
        .unwrap_or(Path::new("."))
        .to_path_buf();
    let resolver = resolve::Resolver {
        src: &src,
        doc: doc.as_table(),
        dir,
        warnings: Default::default(),
    };
    let mut plan = resolver.resolve(raw, fnv1a(text.as_bytes()))?;
    plan.claims_judged = claims_judged;
    plan.warnings = resolver.warnings.take();
    Ok(plan)
}

fn parse_document(src: &SourceText) -> Result<toml_edit::ImDocument<String>, ScenarioError> {
    toml_edit::ImDocument::parse(src.text().to_string())
        .map_err(|e| syntax_error(src, e.span(), e.message()))
}

fn syntax_error(
    src: &SourceText,
    span: Option<std::ops::Range<usize>>,
    message: &str,
) -> ScenarioError {
    let offset = span.map(|s| s.start);
    src.error(
        offset,
        ScenarioErrorKind::Syntax {
            message: first_line(message),
            key: offset.and_then(|o| src.key_context(o)),
        },
    )
}

fn first_line(s: &str) -> String {
    s.lines().next().unwrap_or("").trim().to_string()
}

/// FNV-1a, 64 bit: a stable fingerprint of a scenario text.
pub fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_pass_the_checks_with_no_unknown_key() {
        let src = SourceText::new("defaults.toml".into(), DEFAULTS_TOML.into());
        let doc = parse_document(&src).unwrap();
        check::check_document(&src, doc.as_table(), false).unwrap();
    }

    #[test]
    fn minimal_scenario_resolves_with_defaults() {
        let text = "[scenario]\nname = \"t\"\n[[enterprise]]\nname = \"a\"\narchetype = \"general_manufacturing\"\nannual_kwh = 1e6\ntransformer_kva = 800\n";
        let plan = load_str(text, Path::new("t.toml")).unwrap();
        assert_eq!(plan.year, 2025);
        assert_eq!(plan.enterprises[0].premises.voltage_level, "kv1_10");
        assert!((plan.pv.tilt_deg - 15.0).abs() < 1e-12);
        assert_eq!(plan.strategies[0], crate::strategy::Strategy::BASELINE);
        assert_eq!(plan.enterprise_count(), 1);
    }

    #[test]
    fn reference_strategies_are_added_for_investments() {
        let text = "[scenario]\nname = \"t\"\n[strategies]\nlist = [\"baseline\", \"tariff+market+pv+storage\"]\n[claims]\ncost_reduction_strategy = \"tariff+market+pv+storage\"\npv_saving_strategy = \"baseline\"\n[[enterprise]]\nname = \"a\"\narchetype = \"general_manufacturing\"\nannual_kwh = 1e6\ntransformer_kva = 800\n";
        let plan = load_str(text, Path::new("t.toml")).unwrap();
        let names: Vec<String> = plan.strategies.iter().map(|s| s.to_string()).collect();
        assert_eq!(
            names,
            [
                "baseline",
                "tariff+market+pv+storage",
                "tariff+market+pv",
                "tariff+market"
            ]
        );
    }

    #[test]
    fn battery_keys_reach_the_plan() {
        let base = "[scenario]\nname = \"t\"\n[[enterprise]]\nname = \"a\"\narchetype = \"general_manufacturing\"\nannual_kwh = 1e6\ntransformer_kva = 800\n";
        let plan = load_str(base, Path::new("t.toml")).unwrap();
        // Defaults of data/storage/defaults.toml: 5-95 %, starting at the bottom, 2 cycles/day.
        approx::assert_relative_eq!(plan.battery.soc_min_fraction, 0.05);
        approx::assert_relative_eq!(plan.battery.initial_soc_fraction, 0.05);
        approx::assert_relative_eq!(plan.battery.max_cycles_per_day, 2.0);
        let text = format!(
            "[storage]\nsoc_min_fraction = 0.2\nmax_cycles_per_day = \"none\"\nround_trip_efficiency_fraction = 0.81\n{base}"
        );
        let plan = load_str(&text, Path::new("t.toml")).unwrap();
        // The start follows a raised floor; the round trip splits into two one-way 0.9.
        approx::assert_relative_eq!(plan.battery.initial_soc_fraction, 0.2);
        assert!(plan.battery.max_cycles_per_day.is_infinite());
        assert!((plan.battery.charge_efficiency_fraction - 0.9).abs() < 1e-12);
        assert!((plan.battery.discharge_efficiency_fraction - 0.9).abs() < 1e-12);
        let text = format!("[storage]\ninitial_soc_fraction = 0.5\nmax_cycles_per_day = 1\n{base}");
        let plan = load_str(&text, Path::new("t.toml")).unwrap();
        approx::assert_relative_eq!(plan.battery.initial_soc_fraction, 0.5);
        approx::assert_relative_eq!(plan.battery.max_cycles_per_day, 1.0);
    }

    #[test]
    fn export_price_key_reaches_the_tariff() {
        let text = "[scenario]\nname = \"t\"\n[pv]\nexport_price_yuan_per_kwh = 0.3\n[[enterprise]]\nname = \"a\"\narchetype = \"general_manufacturing\"\nannual_kwh = 1e6\ntransformer_kva = 800\n";
        let plan = load_str(text, Path::new("t.toml")).unwrap();
        assert!((plan.tariff_model.export_yuan_per_kwh() - 0.3).abs() < 1e-12);
        let text = text.replace("export_price_yuan_per_kwh = 0.3\n", "");
        let plan = load_str(&text, Path::new("t.toml")).unwrap();
        assert!((plan.tariff_model.export_yuan_per_kwh() - 0.45).abs() < 1e-12);
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(300))]

        /// Any edit of a valid scenario either loads or gives an error; it never panics.
        #[test]
        fn never_panics_on_edited_scenarios(
            line in 0usize..120,
            junk in "[\\PC\\[\\]=\"\n]{0,16}",
            replace_value in proptest::bool::ANY,
        ) {
            let mut lines: Vec<String> =
                crate::cli::TEMPLATE_TOML.lines().map(String::from).collect();
            let i = line % lines.len();
            if replace_value && lines[i].contains('=') {
                let key = lines[i].split('=').next().unwrap_or("").to_string();
                lines[i] = format!("{key}= {junk}");
            } else {
                lines.insert(i, junk);
            }
            let _ = load_str(&lines.join("\n"), Path::new("edited.toml"));
        }

        /// Arbitrary text never panics either.
        #[test]
        fn never_panics_on_arbitrary_text(text in "\\PC{0,300}") {
            let _ = load_str(&text, Path::new("random.toml"));
        }
    }
}
