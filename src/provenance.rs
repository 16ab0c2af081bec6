//! Provenance of the numbers a run rests on (数据来源): which data files and tables it used, and
//! the source, date and confidence each gives.
//!
//! Data files carry their provenance beside the values, in one of two forms:
//! - a table with `source` (and usually `date` and `confidence`) keys: the tariffs, market
//!   rules, holidays, archetypes, compensation costs, and the `[provenance]` table of the PV
//!   defaults, roof types and weather normals;
//! - a key `NAME_source` beside the value `NAME`, whose text ends with `; DATE; CONFIDENCE`
//!   (the storage defaults).
//!
//! [`used_by`] lists the files a plan uses and why; [`entries`] reads the provenance of one
//! file's text. The confidence scale is that of the reference compilation: HIGH, MED-HIGH, MED,
//! LOW-MED, LOW, EST ([`Confidence`]).

use crate::scenario::{LoadSource, Normals, Plan, WeatherPlan};
use serde::{Deserialize, Serialize};

/// Confidence of a number, on the scale of the reference compilation (`hunan.md`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Confidence {
    /// Two or more independent sources agree, or an official text is reproduced.
    #[serde(rename = "HIGH")]
    High,
    /// Between HIGH and MED.
    #[serde(rename = "MED-HIGH")]
    MedHigh,
    /// One credible source, or an indirect check.
    #[serde(rename = "MED")]
    Med,
    /// Between MED and LOW.
    #[serde(rename = "LOW-MED")]
    LowMed,
    /// One unverified source, or the data shows internal errors.
    #[serde(rename = "LOW")]
    Low,
    /// An estimate or typical range, not taken from a source.
    #[serde(rename = "EST")]
    Est,
}

impl Confidence {
    /// Every level, strongest first.
    pub const ALL: [Confidence; 6] = [
        Confidence::High,
        Confidence::MedHigh,
        Confidence::Med,
        Confidence::LowMed,
        Confidence::Low,
        Confidence::Est,
    ];

    /// The data files' word (`HIGH` … `EST`).
    pub fn word(self) -> &'static str {
        match self {
            Confidence::High => "HIGH",
            Confidence::MedHigh => "MED-HIGH",
            Confidence::Med => "MED",
            Confidence::LowMed => "LOW-MED",
            Confidence::Low => "LOW",
            Confidence::Est => "EST",
        }
    }

    /// Whether results resting on it are a sensitivity rather than a verdict: LOW-MED, LOW or
    /// EST.
    pub fn is_weak(self) -> bool {
        self >= Confidence::LowMed
    }

    /// The weakest level a free text names (`"HIGH (rule exists); Hunan application EST"` is
    /// EST), or `None` when it names none.
    pub fn weakest_in(text: &str) -> Option<Confidence> {
        let words: Vec<&str> = text
            .split(|c: char| !(c.is_ascii_alphabetic() || c == '-'))
            .collect();
        Confidence::ALL
            .into_iter()
            .rev()
            .find(|c| words.contains(&c.word()))
    }
}

/// One table's (or value's) provenance.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Entry {
    /// The table or value it covers, as a TOML path (`energy.purchase`, `archetype[2]`,
    /// `economics.capex_per_kwh`); empty for the file's top level.
    pub table: String,
    /// The source as the file states it.
    pub source: String,
    /// The date as the file states it, when it does.
    pub date: Option<String>,
    /// The confidence, when the file states one.
    pub confidence: Option<Confidence>,
}

/// A data file a run used.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DataFile {
    /// The file: `data/...` for the built-in data, the path for a user's file.
    pub file: String,
    /// What the run takes from it.
    pub used_for: String,
    /// The provenance of its tables (empty for a user's input file, whose provenance is the
    /// user's).
    pub entries: Vec<Entry>,
}

impl DataFile {
    /// The weakest confidence among its entries.
    pub fn weakest(&self) -> Option<Confidence> {
        self.entries.iter().filter_map(|e| e.confidence).max()
    }
}

/// The provenance entries of a data file's text: every table with a `source` string (an
/// element of an array of tables named by its `name` or `year`, a `[provenance]` table as the
/// file's), and every `NAME_source` string. A text that does not parse gives none (the model's own reader
/// reports the error).
pub fn entries(text: &str) -> Vec<Entry> {
    let mut out = Vec::new();
    if let Ok(v) = text.parse::<toml::Table>() {
        walk(&v, "", &mut out);
    }
    out
}

fn walk(t: &toml::Table, path: &str, out: &mut Vec<Entry>) {
    let join = |k: &str| {
        if path.is_empty() {
            k.to_string()
        } else {
            format!("{path}.{k}")
        }
    };
    if let Some(source) = t.get("source").and_then(|v| v.as_str()) {
        let confidence = t.get("confidence").and_then(|v| v.as_str());
        // A `[provenance]` table speaks for the whole file.
        let table = if path == "provenance" { "" } else { path };
        out.push(Entry {
            table: table.to_string(),
            source: source.to_string(),
            date: t.get("date").and_then(|v| v.as_str()).map(str::to_string),
            confidence: confidence.and_then(Confidence::weakest_in),
        });
    }
    for (k, v) in t {
        match v {
            toml::Value::String(s) if k.ends_with("_source") => {
                out.push(value_entry(&join(k.trim_end_matches("_source")), s));
            }
            toml::Value::Table(inner) => walk(inner, &join(k), out),
            toml::Value::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    if let toml::Value::Table(inner) = item {
                        walk(inner, &format!("{}[{}]", join(k), label(inner, i)), out);
                    }
                }
            }
            _ => {}
        }
    }
}

/// The label of an element of an array of tables: its `name` or `year`, else its index.
fn label(t: &toml::Table, i: usize) -> String {
    match (t.get("name"), t.get("year")) {
        (Some(toml::Value::String(n)), _) => n.clone(),
        (_, Some(toml::Value::Integer(y))) => y.to_string(),
        _ => i.to_string(),
    }
}

/// A `NAME_source` text: `source; date; confidence`, the date and confidence optional.
fn value_entry(table: &str, text: &str) -> Entry {
    let parts: Vec<&str> = text.split(';').map(str::trim).collect();
    let confidence = parts.last().and_then(|p| Confidence::weakest_in(p));
    let date = parts
        .iter()
        .skip(1)
        .find(|p| p.chars().next().is_some_and(|c| c.is_ascii_digit()))
        .map(|p| p.to_string());
    Entry {
        table: table.to_string(),
        source: parts.first().copied().unwrap_or_default().to_string(),
        date,
        confidence,
    }
}

/// A built-in data file. Its entries are read once per process (a sweep runs the park for
/// every sample).
fn builtin(file: &'static str, text: &'static str, used_for: &str) -> DataFile {
    type Read = std::sync::Mutex<std::collections::HashMap<&'static str, Vec<Entry>>>;
    static READ: std::sync::OnceLock<Read> = std::sync::OnceLock::new();
    let map = READ.get_or_init(Default::default);
    // A panic elsewhere cannot leave the map inconsistent (inserts are single calls).
    let mut map = map.lock().unwrap_or_else(|p| p.into_inner());
    DataFile {
        file: file.to_string(),
        used_for: used_for.to_string(),
        entries: map.entry(file).or_insert_with(|| entries(text)).clone(),
    }
}

/// A user's file: its path and what the run takes from it; its provenance is the user's.
fn user(path: &std::path::Path, used_for: &str) -> DataFile {
    DataFile {
        file: path.display().to_string(),
        used_for: used_for.to_string(),
        entries: Vec::new(),
    }
}

/// A tariff's file: the scenario's `tariff.file` when it names one (`file`), else the built-in
/// version `label`, else `label` read as a path (a tariff switch names a file by its path).
fn tariff_file(label: &str, file: Option<&std::path::Path>, used_for: &str) -> DataFile {
    let read = |path: &std::path::Path| DataFile {
        entries: std::fs::read_to_string(path)
            .map(|t| entries(&t))
            .unwrap_or_default(),
        ..user(path, used_for)
    };
    if let Some(path) = file {
        return read(path);
    }
    match crate::tariff::data::builtin_text(label) {
        Some((name, text)) => builtin(name, text, used_for),
        None => read(std::path::Path::new(label)),
    }
}

/// Every data file a run of `plan` uses, and what it takes from each, in the order of the data
/// flow: calendar, loads, weather and PV, tariffs, market, storage.
pub fn used_by(plan: &Plan) -> Vec<DataFile> {
    let any = |f: fn(&crate::strategy::Strategy) -> bool| plan.strategies.iter().any(f);
    let mut out = vec![builtin(
        "data/holidays/china.toml",
        crate::calendar::holidays::EMBEDDED_HOLIDAYS_TOML,
        "holidays and make-up working days of the calendar (loads, TOU day types)",
    )];
    let archetypes = !plan.groups.is_empty()
        || plan
            .enterprises
            .iter()
            .any(|e| matches!(e.load, LoadSource::Archetype { .. }));
    if archetypes {
        out.push(builtin(
            "data/load/archetypes.toml",
            crate::load::archetype::EMBEDDED_ARCHETYPES_TOML,
            "synthetic loads of archetype enterprises, transformer sizes",
        ));
    }
    for e in &plan.enterprises {
        if let LoadSource::Meter { path, .. } = &e.load {
            out.push(user(path, &format!("measured load of `{}`", e.name)));
        }
    }
    if any(|s| s.pv) {
        pv_files(plan, &mut out);
    }
    tariff_files(plan, any(|s| s.tariff), &mut out);
    if any(|s| s.market) || plan.market.returned_user {
        out.push(builtin(
            "data/market/hunan.toml",
            crate::market::rules::HUNAN_MARKET_TOML,
            "market purchase modes: coal benchmark, price band, deviation settlement",
        ));
    }
    if any(|s| s.storage) {
        out.push(builtin(
            "data/storage/defaults.toml",
            crate::storage::sizing::DEFAULTS_TOML,
            "battery efficiency, window, fade, cost and life: storage dispatch and money",
        ));
    }
    out
}

/// The PV files: weather (a file or the normals of a synthetic year), PV defaults, roof types,
/// measured PV series.
fn pv_files(plan: &Plan, out: &mut Vec<DataFile>) {
    match &plan.weather {
        WeatherPlan::File { path, .. } => out.push(user(path, "weather of the PV model")),
        WeatherPlan::Synthetic { normals } => out.push(match normals {
            Normals::Yongzhou => builtin(
                "data/weather/yongzhou-normals.toml",
                crate::weather::synthetic::YONGZHOU_NORMALS_TOML,
                "monthly normals of the synthetic weather year (PV output)",
            ),
            Normals::File(path) => user(path, "monthly normals of the synthetic weather year"),
        }),
    }
    out.push(builtin(
        "data/pv/pvwatts_defaults.toml",
        crate::solar::chain::PVWATTS_DEFAULTS_TOML,
        "PV system defaults (losses, inverter, temperature coefficient) and degradation",
    ));
    if plan.pv.model == Some(crate::scenario::choice::PvModel::PvwattsV8) {
        out.push(builtin(
            "data/pv/pvwatts_v8.toml",
            crate::solar::chain::PVWATTS_V8_TOML,
            "PVWatts v8's module, cell temperature, cover and inverter (`pv.model = \"pvwatts_v8\"`)",
        ));
    }
    out.push(builtin(
        "data/pv/roof_types.toml",
        crate::solar::array::ROOF_TYPES_TOML,
        "PV size on each roof (packing, usable share) and the transformer limit",
    ));
    for e in &plan.enterprises {
        if let Some(path) = &e.premises.pv_file {
            out.push(user(path, &format!("measured PV output of `{}`", e.name)));
        }
    }
}

/// The tariff files: the scenario's, a later one of a switch, those the claims are judged
/// under, and the compensation costs of the tariff measure.
fn tariff_files(plan: &Plan, tariff_measure: bool, out: &mut Vec<DataFile>) {
    let overridden = if plan.tariff.override_table.is_some() {
        " (with the scenario's `tariff.override`)"
    } else {
        ""
    };
    out.push(tariff_file(
        &plan.tariff.version,
        plan.tariff_file.as_deref(),
        &format!("every bill: TOU periods, price components, basic charges{overridden}"),
    ));
    if let Some(sw) = &plan.tariff_switch {
        out.push(tariff_file(
            &sw.label,
            None,
            &format!("bills from project year {} on", sw.year),
        ));
    }
    for (v, _) in &plan.claim_tariffs {
        if *v != plan.tariff.version {
            out.push(tariff_file(v, None, "the claims judged under this version"));
        }
    }
    if tariff_measure {
        out.push(builtin(
            "data/tariffs/reactive_compensation.toml",
            crate::tariff::optimize::REACTIVE_COMPENSATION_TOML,
            "capacitor-bank costs of the tariff measure's reactive compensation",
        ));
    }
}

/// The lines of the text summary that name the results resting on LOW-MED, LOW or EST data:
/// per file, what the run takes from it and its weak tables.
pub fn weak_lines(files: &[DataFile]) -> Vec<String> {
    let mut out = Vec::new();
    for f in files {
        let weak: Vec<String> = f
            .entries
            .iter()
            .filter(|e| e.confidence.is_some_and(Confidence::is_weak))
            .map(|e| {
                let table = if e.table.is_empty() { "file" } else { &e.table };
                format!("{table} {}", e.confidence.map_or("", |c| c.word()))
            })
            .collect();
        if weak.is_empty() {
            continue;
        }
        const SHOWN: usize = 6;
        let more = weak.len().saturating_sub(SHOWN);
        let mut list = weak.into_iter().take(SHOWN).collect::<Vec<_>>().join(", ");
        if more > 0 {
            list.push_str(&format!(" and {more} more"));
        }
        out.push(format!("{} ({}): {list}", f.used_for, f.file));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_weakest_named_level_is_read_from_free_text() {
        assert_eq!(Confidence::weakest_in("HIGH"), Some(Confidence::High));
        assert_eq!(
            Confidence::weakest_in("HIGH (rule exists); Hunan application EST"),
            Some(Confidence::Est)
        );
        assert_eq!(Confidence::weakest_in("LOW-MED"), Some(Confidence::LowMed));
        assert_eq!(Confidence::weakest_in("MEDIUM"), None);
        assert_eq!(Confidence::weakest_in("derived: a / b"), None);
        assert!(Confidence::Est.is_weak() && Confidence::LowMed.is_weak());
        assert!(!Confidence::Med.is_weak());
    }

    #[test]
    fn tables_and_value_sources_are_read_with_their_paths() {
        let text = r#"
source = "top"
date = "2025-07-02"
confidence = "MED"
[energy.purchase]
source = "a notice"
confidence = "LOW"
yuan_per_kwh = [1.0]
[[archetype]]
name = "x"
source = "estimate"
date = "2026"
confidence = "EST"
[economics]
capex_per_kwh = 700.0
capex_per_kwh_source = "Hunan model default; 2026; LOW-MED"
om_source = "derived: capex / 50"
"#;
        let e = entries(text);
        let got: Vec<(&str, &str, Option<&str>, Option<Confidence>)> = e
            .iter()
            .map(|e| {
                (
                    e.table.as_str(),
                    e.source.as_str(),
                    e.date.as_deref(),
                    e.confidence,
                )
            })
            .collect();
        assert_eq!(
            got,
            vec![
                ("", "top", Some("2025-07-02"), Some(Confidence::Med)),
                (
                    "archetype[x]",
                    "estimate",
                    Some("2026"),
                    Some(Confidence::Est)
                ),
                (
                    "economics.capex_per_kwh",
                    "Hunan model default",
                    Some("2026"),
                    Some(Confidence::LowMed)
                ),
                ("economics.om", "derived: capex / 50", None, None),
                ("energy.purchase", "a notice", None, Some(Confidence::Low)),
            ]
        );
    }

    #[test]
    fn every_builtin_data_file_states_a_source_with_a_confidence_for_each_table() {
        let files = [
            crate::calendar::holidays::EMBEDDED_HOLIDAYS_TOML,
            crate::load::archetype::EMBEDDED_ARCHETYPES_TOML,
            crate::weather::synthetic::YONGZHOU_NORMALS_TOML,
            crate::solar::chain::PVWATTS_DEFAULTS_TOML,
            crate::solar::array::ROOF_TYPES_TOML,
            crate::tariff::optimize::REACTIVE_COMPENSATION_TOML,
            crate::market::rules::HUNAN_MARKET_TOML,
            crate::storage::sizing::DEFAULTS_TOML,
        ];
        for (i, text) in files.into_iter().enumerate() {
            let e = entries(text);
            assert!(!e.is_empty(), "file {i} states no source");
            assert!(
                e.iter().any(|x| x.confidence.is_some()),
                "file {i} states no confidence"
            );
        }
        for v in ["hunan-2025", "hunan-2023"] {
            let (_, text) = crate::tariff::data::builtin_text(v).unwrap();
            assert!(entries(text).len() >= 5, "{v}");
        }
    }

    #[test]
    fn a_tariff_file_the_scenario_names_wins_over_the_version_name() {
        let path =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("data/tariffs/hunan-2023.toml");
        let f = tariff_file("hunan-2025", Some(&path), "bills");
        assert_eq!(f.file, path.display().to_string());
        assert_eq!(f.weakest(), Some(Confidence::Est));
        assert!(
            f.entries
                .iter()
                .any(|e| e.table.is_empty() && e.confidence == Some(Confidence::Low))
        );
        let b = tariff_file("hunan-2025", None, "bills");
        assert_eq!(b.file, "data/tariffs/hunan-2025.toml");
        // A switch names a later tariff by its path.
        let s = tariff_file(path.to_str().unwrap(), None, "later bills");
        assert_eq!(s.entries, f.entries);
    }

    #[test]
    fn weak_lines_name_the_file_what_it_is_for_and_its_weak_tables() {
        let f = DataFile {
            file: "data/x.toml".into(),
            used_for: "bills".into(),
            entries: vec![
                Entry {
                    table: "tou".into(),
                    source: "s".into(),
                    date: None,
                    confidence: Some(Confidence::High),
                },
                Entry {
                    table: "funds".into(),
                    source: "s".into(),
                    date: None,
                    confidence: Some(Confidence::Est),
                },
            ],
        };
        assert_eq!(weak_lines(&[f]), vec!["bills (data/x.toml): funds EST"]);
    }
}
