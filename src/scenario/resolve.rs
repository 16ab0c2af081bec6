//! Second phase: merge the defaults, deserialize, check the rules that span several keys, and
//! build the [`Plan`].

use super::choice::{
    MeterEncoding, MeterLayout, MeterStamp, MeterUnit, ReactiveUnit, WeatherSource,
};
use super::error::{ScenarioError, ScenarioErrorKind, SourceText};
use super::plan::{
    EnterprisePlan, LoadSource, MeterData, Normals, Plan, SweepPlan, TariffSwitch, WeatherPlan,
};
use super::raw::{self, RawScenario};
use super::schema::{self, Kind};
use crate::calendar::{Calendar, HolidayTable, StepLength};
use crate::strategy::Strategy;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// Fill every key the user left out from the defaults: sections key by key, and each element of
/// an array of tables from the single default element.
pub fn merge_defaults(user: &mut toml::Table, defaults: &toml::Table) {
    for (section, dv) in defaults {
        match (dv, user.get_mut(section)) {
            (toml::Value::Table(dt), Some(toml::Value::Table(ut))) => {
                for (k, v) in dt {
                    ut.entry(k.clone()).or_insert_with(|| v.clone());
                }
            }
            (toml::Value::Table(_), None) => {
                user.insert(section.clone(), dv.clone());
            }
            (toml::Value::Array(da), Some(toml::Value::Array(ua))) => {
                if let Some(toml::Value::Table(dt)) = da.first() {
                    for elem in ua.iter_mut() {
                        if let toml::Value::Table(et) = elem {
                            for (k, v) in dt {
                                et.entry(k.clone()).or_insert_with(|| v.clone());
                            }
                        }
                    }
                }
            }
            _ => {}
        }
    }
}

/// Give every `[[enterprise]]` the `[meter]` keys it does not set itself, as `meter_<key>`
/// (before the defaults of `defaults.toml`, so that an enterprise's key beats `[meter]`, which
/// beats the built-in default).
pub fn merge_meter_defaults(user: &mut toml::Table) {
    let Some(toml::Value::Table(meter)) = user.get("meter").cloned() else {
        return;
    };
    if let Some(toml::Value::Array(es)) = user.get_mut("enterprise") {
        for e in es.iter_mut() {
            if let toml::Value::Table(t) = e {
                for (k, v) in &meter {
                    t.entry(format!("meter_{k}")).or_insert_with(|| v.clone());
                }
            }
        }
    }
}

/// Byte span of a concrete key path (`enterprise[3].name`) in the user's document, or of the
/// nearest enclosing table that is there.
pub fn span_of(root: &toml_edit::Table, path: &str) -> Option<usize> {
    let mut best = None;
    let mut cur: Option<&dyn toml_edit::TableLike> = Some(root);
    for seg in path.split('.') {
        let (name, index) = match seg.find('[') {
            Some(i) => (
                &seg[..i],
                seg[i + 1..].trim_end_matches(']').parse::<usize>().ok(),
            ),
            None => (seg, None),
        };
        let t = cur?;
        let (key, item) = t.get_key_value(name)?;
        best = key.span().map(|s| s.start).or(best);
        cur = match (item, index) {
            (toml_edit::Item::ArrayOfTables(a), Some(i)) => {
                let e = a.get(i)?;
                best = e.span().map(|s| s.start).or(best);
                Some(e as &dyn toml_edit::TableLike)
            }
            (toml_edit::Item::Value(toml_edit::Value::Array(a)), Some(i)) => {
                let e = a.get(i)?;
                best = e.span().map(|s| s.start).or(best);
                e.as_inline_table().map(|t| t as &dyn toml_edit::TableLike)
            }
            (item, None) => item.as_table_like(),
            _ => None,
        };
    }
    best
}

pub(crate) struct Resolver<'a> {
    pub src: &'a SourceText,
    pub doc: &'a toml_edit::Table,
    pub dir: PathBuf,
}

impl Resolver<'_> {
    fn rule(&self, key: &str, message: impl Into<String>) -> ScenarioError {
        self.src.error(
            span_of(self.doc, key),
            ScenarioErrorKind::Rule {
                key: key.to_string(),
                message: message.into(),
            },
        )
    }

    fn path(&self, key: &str, value: &str, must_exist: bool) -> Result<PathBuf, ScenarioError> {
        let p = Path::new(value);
        let full = if p.is_absolute() {
            p.to_path_buf()
        } else {
            self.dir.join(p)
        };
        if must_exist && !full.is_file() {
            return Err(self.src.error(
                span_of(self.doc, key),
                ScenarioErrorKind::File {
                    key: key.to_string(),
                    path: full.display().to_string(),
                    message: if full.is_dir() {
                        "is a folder, expected a file".into()
                    } else {
                        "file not found (relative paths start from the scenario file's folder)"
                            .into()
                    },
                },
            ));
        }
        Ok(full)
    }

    fn choice(&self, key: &str, value: &str, allowed: &[&str]) -> Result<(), ScenarioError> {
        if allowed.contains(&value) {
            return Ok(());
        }
        Err(self.src.error(
            span_of(self.doc, key),
            ScenarioErrorKind::BadValue {
                key: key.to_string(),
                found: format!("\"{value}\""),
                expected: format!(
                    "one of {}",
                    allowed
                        .iter()
                        .map(|a| format!("\"{a}\""))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            },
        ))
    }

    pub fn resolve(&self, raw: RawScenario, text_hash: u64) -> Result<Plan, ScenarioError> {
        let s = &raw.scenario;
        let step = StepLength::from_minutes(s.step_minutes)
            .ok_or_else(|| self.rule("scenario.step_minutes", "must be 60 or 15"))?;
        let holidays = match &s.holidays_file {
            Some(f) => {
                let p = self.path("scenario.holidays_file", f, true)?;
                let text = std::fs::read_to_string(&p).map_err(|e| {
                    self.rule("scenario.holidays_file", format!("cannot read: {e}"))
                })?;
                HolidayTable::parse(&text).map_err(|e| {
                    self.rule("scenario.holidays_file", format!("{}: {e}", p.display()))
                })?
            }
            None => HolidayTable::embedded(),
        };
        if holidays.year(s.year).is_none() {
            let covered: Vec<String> = holidays.years().map(|y| y.to_string()).collect();
            return Err(self.rule(
                "scenario.year",
                format!(
                    "{} has no public-holiday data (covered: {}); pick a covered year or give `scenario.holidays_file`",
                    s.year,
                    covered.join(", ")
                ),
            ));
        }
        let weather = self.weather(&raw.weather, &raw.site, s.utc_offset_hours, step)?;
        let versions = crate::tariff::builtin_names();
        let tariff_file = match &raw.tariff.file {
            Some(f) => Some(self.path("tariff.file", f, true)?),
            None => {
                self.choice("tariff.version", &raw.tariff.version, &versions)?;
                None
            }
        };
        let tariff = self.tariff(
            &raw.tariff,
            tariff_file.as_deref(),
            raw.pv.export_price_yuan_per_kwh,
        )?;
        let st = &raw.storage;
        let data = crate::storage::sizing::HunanDefaults::embedded()
            .map_err(|e| self.rule("storage", format!("data/storage/defaults.toml: {e}")))?;
        let battery = self.battery(st, &data)?;
        let (lo, hi) = crate::market::MarketRules::embedded().contract_price_range();
        let cp = raw.market.contract_price_yuan_per_kwh;
        if cp < lo - 1e-12 || cp > hi + 1e-12 {
            return Err(self.src.error(
                span_of(self.doc, "market.contract_price_yuan_per_kwh"),
                ScenarioErrorKind::BadValue {
                    key: "market.contract_price_yuan_per_kwh".into(),
                    found: cp.to_string(),
                    expected: format!(
                        "a price within ±20% of the coal benchmark, {lo:.3}..={hi:.3} yuan/kWh (发改价格〔2021〕1439号)"
                    ),
                },
            ));
        }
        let longest_life = raw
            .pv
            .life_years
            .max(st.life_years.unwrap_or(data.sizing.life_years as u32));
        let tariff_switch = self.tariff_switch(&raw, longest_life)?;
        let resimulate_years = self.resimulate_years(&raw.finance, longest_life)?;
        let cal = Calendar::new(s.year, step, s.utc_offset_hours, &holidays)
            .map_err(|e| self.rule("scenario.year", e.to_string()))?;
        let enterprises = self.enterprises(&raw, &cal)?;
        self.groups(&raw)?;
        let strategies = self.strategies(&raw.strategies.list)?;
        let claim_strategies = (
            self.claim_strategy(
                "claims.cost_reduction_strategy",
                &raw.claims.cost_reduction_strategy,
                &strategies,
            )?,
            self.claim_strategy(
                "claims.pv_saving_strategy",
                &raw.claims.pv_saving_strategy,
                &strategies,
            )?,
        );
        let sweep = self.sweep(&raw)?;
        Ok(Plan {
            file: self.src.file().to_path_buf(),
            dir: self.dir.clone(),
            text_hash,
            name: raw.scenario.name.clone(),
            description: raw.scenario.description.clone(),
            year: raw.scenario.year,
            step,
            seed: raw.scenario.seed,
            utc_offset_hours: raw.scenario.utc_offset_hours,
            load_growth_fraction: raw.scenario.load_growth_fraction,
            holidays,
            site: raw.site,
            weather,
            tariff: raw.tariff,
            tariff_file,
            tariff_model: tariff,
            market: raw.market,
            pv: raw.pv,
            storage: raw.storage,
            battery,
            finance: raw.finance,
            tariff_switch,
            resimulate_years,
            enterprises,
            groups: raw.enterprise_group,
            strategies,
            claims: raw.claims,
            claim_strategies,
            sweep,
        })
    }

    /// The battery template (size left at zero) of `[storage]`, keys not given from
    /// `data/storage/defaults.toml`, checked by the storage model itself so that `check` refuses
    /// whatever a run would.
    fn battery(
        &self,
        st: &raw::StorageSection,
        data: &crate::storage::sizing::HunanDefaults,
    ) -> Result<crate::storage::BatteryParams, ScenarioError> {
        let mut b = data.battery;
        if let Some(rt) = st.round_trip_efficiency_fraction {
            for (v, k) in [
                (
                    st.charge_efficiency_fraction,
                    "storage.charge_efficiency_fraction",
                ),
                (
                    st.discharge_efficiency_fraction,
                    "storage.discharge_efficiency_fraction",
                ),
            ] {
                if v.is_some() {
                    return Err(self.rule(
                        k,
                        "give either `round_trip_efficiency_fraction` or the one-way efficiencies, not both",
                    ));
                }
            }
            b.charge_efficiency_fraction = rt.sqrt();
            b.discharge_efficiency_fraction = rt.sqrt();
        }
        if let Some(v) = st.charge_efficiency_fraction {
            b.charge_efficiency_fraction = v;
        }
        if let Some(v) = st.discharge_efficiency_fraction {
            b.discharge_efficiency_fraction = v;
        }
        if let Some(v) = st.soc_min_fraction {
            b.soc_min_fraction = v;
        }
        if let Some(v) = st.soc_max_fraction {
            b.soc_max_fraction = v;
        }
        if b.soc_min_fraction >= b.soc_max_fraction {
            return Err(self.rule(
                "storage.soc_max_fraction",
                format!(
                    "{} must be above `storage.soc_min_fraction` = {}",
                    b.soc_max_fraction, b.soc_min_fraction
                ),
            ));
        }
        b.initial_soc_fraction = st.initial_soc_fraction.unwrap_or(b.soc_min_fraction);
        if !(b.soc_min_fraction..=b.soc_max_fraction).contains(&b.initial_soc_fraction) {
            return Err(self.src.error(
                span_of(self.doc, "storage.initial_soc_fraction"),
                ScenarioErrorKind::BadValue {
                    key: "storage.initial_soc_fraction".into(),
                    found: b.initial_soc_fraction.to_string(),
                    expected: format!(
                        "a state of charge within the window {}..={} (`soc_min_fraction`..=`soc_max_fraction`)",
                        b.soc_min_fraction, b.soc_max_fraction
                    ),
                },
            ));
        }
        match st.max_cycles_per_day {
            Some(raw::CyclesPerDay::Cap(c)) => b.max_cycles_per_day = c,
            Some(raw::CyclesPerDay::Unlimited(_)) => b.max_cycles_per_day = f64::INFINITY,
            None => {}
        }
        // The model's own check, on a unit size (sizes are chosen per enterprise later).
        let probe = crate::storage::BatteryParams {
            capacity_kwh: 1.0,
            charge_power_kw: 1.0,
            discharge_power_kw: 1.0,
            ..b
        };
        crate::storage::Battery::new(probe).map_err(|e| {
            let field = match &e {
                crate::storage::StorageError::OutOfRange { field, .. } => *field,
                _ => "",
            };
            let key = match field {
                "charge_efficiency_fraction" | "discharge_efficiency_fraction"
                    if st.round_trip_efficiency_fraction.is_some() =>
                {
                    "storage.round_trip_efficiency_fraction".to_string()
                }
                "" => "storage".to_string(),
                f => format!("storage.{f}"),
            };
            self.rule(&key, e.to_string())
        })?;
        Ok(b)
    }

    /// Build the tariff (version or file, with the override merged) so that a bad file or
    /// override is reported now, with the key path inside the tariff.
    fn tariff(
        &self,
        t: &raw::TariffSection,
        file: Option<&Path>,
        export_price: Option<f64>,
    ) -> Result<crate::tariff::Tariff, ScenarioError> {
        let (key, mut value) = match file {
            Some(p) => {
                let text = std::fs::read_to_string(p).map_err(|e| {
                    self.rule("tariff.file", format!("cannot read {}: {e}", p.display()))
                })?;
                let v: toml::Value = toml::from_str(&text).map_err(|e| {
                    self.rule("tariff.file", format!("{}: {}", p.display(), e.message()))
                })?;
                ("tariff.file", v)
            }
            None => (
                "tariff.version",
                crate::tariff::builtin_value(&t.version)
                    .map_err(|e| self.rule("tariff.version", e.to_string()))?,
            ),
        };
        let key = match &t.override_table {
            Some(o) => {
                crate::tariff::merge_override(&mut value, &toml::Value::Table(o.clone()));
                "tariff.override"
            }
            None => key,
        };
        self.with_export_price(key, value, export_price)
    }

    /// Apply `pv.export_price_yuan_per_kwh` to a tariff's TOML and build it; errors name `key`.
    fn with_export_price(
        &self,
        key: &str,
        mut value: toml::Value,
        export_price: Option<f64>,
    ) -> Result<crate::tariff::Tariff, ScenarioError> {
        if let Some(p) = export_price {
            let mut export = toml::Table::new();
            export.insert("yuan_per_kwh".into(), toml::Value::Float(p));
            export.insert(
                "source".into(),
                toml::Value::String("scenario key pv.export_price_yuan_per_kwh".into()),
            );
            let mut over = toml::Table::new();
            over.insert("export".into(), toml::Value::Table(export));
            crate::tariff::merge_override(&mut value, &toml::Value::Table(over));
        }
        crate::tariff::from_toml_value(value).map_err(|e| self.rule(key, e.to_string()))
    }

    /// The later tariff of `finance.tariff_switch_*`: year, version or file (exclusive), the
    /// year within the longest project life.
    fn tariff_switch(
        &self,
        raw: &RawScenario,
        longest_life: u32,
    ) -> Result<Option<TariffSwitch>, ScenarioError> {
        let f = &raw.finance;
        let (year, version, file) = (
            f.tariff_switch_year,
            f.tariff_switch_version.as_deref(),
            f.tariff_switch_file.as_deref(),
        );
        if version.is_some() && file.is_some() {
            return Err(self.rule(
                "finance.tariff_switch_file",
                "give either `tariff_switch_version` (built-in) or `tariff_switch_file`, not both",
            ));
        }
        let Some(year) = year else {
            if version.is_some() || file.is_some() {
                let key = if file.is_some() {
                    "finance.tariff_switch_file"
                } else {
                    "finance.tariff_switch_version"
                };
                return Err(self.rule(
                    key,
                    "needs `finance.tariff_switch_year`, the first project year under the later tariff",
                ));
            }
            return Ok(None);
        };
        if year > longest_life {
            return Err(self.src.error(
                span_of(self.doc, "finance.tariff_switch_year"),
                ScenarioErrorKind::BadValue {
                    key: "finance.tariff_switch_year".into(),
                    found: year.to_string(),
                    expected: format!(
                        "a project year in 1..={longest_life} yr (the longest of `pv.life_years` and `storage.life_years`)"
                    ),
                },
            ));
        }
        let (key, label, value) = match (version, file) {
            (Some(v), None) => {
                let versions = crate::tariff::builtin_names();
                self.choice("finance.tariff_switch_version", v, &versions)?;
                let value = crate::tariff::builtin_value(v)
                    .map_err(|e| self.rule("finance.tariff_switch_version", e.to_string()))?;
                ("finance.tariff_switch_version", v.to_string(), value)
            }
            (None, Some(fname)) => {
                let p = self.path("finance.tariff_switch_file", fname, true)?;
                let text = std::fs::read_to_string(&p).map_err(|e| {
                    self.rule(
                        "finance.tariff_switch_file",
                        format!("cannot read {}: {e}", p.display()),
                    )
                })?;
                let value: toml::Value = toml::from_str(&text).map_err(|e| {
                    self.rule(
                        "finance.tariff_switch_file",
                        format!("{}: {}", p.display(), e.message()),
                    )
                })?;
                ("finance.tariff_switch_file", p.display().to_string(), value)
            }
            _ => {
                return Err(self.rule(
                    "finance.tariff_switch_year",
                    "needs the later tariff: `finance.tariff_switch_version` (e.g. \"hunan-2025\") or `finance.tariff_switch_file`",
                ));
            }
        };
        let tariff_model = self.with_export_price(key, value, raw.pv.export_price_yuan_per_kwh)?;
        Ok(Some(TariffSwitch {
            year,
            label,
            tariff_model,
        }))
    }

    /// `finance.resimulate_years`: whole project years, increasing, within the longest life.
    fn resimulate_years(
        &self,
        f: &raw::FinanceSection,
        longest_life: u32,
    ) -> Result<Vec<u32>, ScenarioError> {
        let key = "finance.resimulate_years";
        let mut out: Vec<u32> = Vec::with_capacity(f.resimulate_years.len());
        for &y in &f.resimulate_years {
            if y.fract() != 0.0 || y < 2.0 || y > f64::from(longest_life) {
                return Err(self.src.error(
                    span_of(self.doc, key),
                    ScenarioErrorKind::BadValue {
                        key: key.into(),
                        found: y.to_string(),
                        expected: format!(
                            "whole project years in 2..={longest_life} yr (year 1 is always simulated; the longest of `pv.life_years` and `storage.life_years`)"
                        ),
                    },
                ));
            }
            let y = y as u32;
            if out.last().is_some_and(|&p| p >= y) {
                return Err(self.rule(
                    key,
                    format!(
                        "{y} follows {}: list the years once each, increasing",
                        out[out.len() - 1]
                    ),
                ));
            }
            out.push(y);
        }
        Ok(out)
    }

    /// The weather: the synthetic year's normals, or a file read now (its format recognised
    /// from its first lines, or the declared one checked against them), so that `check` refuses
    /// an unusable file as `run` would.
    fn weather(
        &self,
        w: &raw::WeatherSection,
        site: &raw::SiteSection,
        utc_offset_hours: f64,
        step: StepLength,
    ) -> Result<WeatherPlan, ScenarioError> {
        use crate::weather::Format;
        let declared = match w.source {
            WeatherSource::Synthetic => {
                if w.file.is_some() {
                    return Err(self.rule(
                        "weather.file",
                        "a weather file is given but `weather.source` is \"synthetic\"; set the source to \"auto\" (format recognised from the file) or to the file's format",
                    ));
                }
                let normals = match w.normals.as_str() {
                    "yongzhou" => Normals::Yongzhou,
                    file => {
                        let p = self.path("weather.normals", file, true)?;
                        // Parsed now so that `check` refuses a bad normals file as `run` would.
                        std::fs::read_to_string(&p)
                            .map_err(|e| e.to_string())
                            .and_then(|text| {
                                crate::weather::synthetic::MonthlyNormals::from_toml_str(
                                    &text,
                                    &p.display().to_string(),
                                )
                                .map_err(|e| e.to_string())
                            })
                            .map_err(|m| self.rule("weather.normals", m))?;
                        Normals::File(p)
                    }
                };
                return Ok(WeatherPlan::Synthetic { normals });
            }
            WeatherSource::Auto => None,
            WeatherSource::Epw => Some(Format::Epw),
            WeatherSource::Tmy3 => Some(Format::Tmy3),
            WeatherSource::PvgisCsv => Some(Format::PvgisCsv),
            WeatherSource::PvgisJson => Some(Format::PvgisJson),
            WeatherSource::Csv => Some(Format::Csv),
        };
        let f = w.file.as_deref().ok_or_else(|| {
            self.rule(
                "weather.source",
                format!(
                    "source \"{}\" needs `weather.file`; use source = \"synthetic\" for the built-in typical year",
                    w.source
                ),
            )
        })?;
        let path = self.path("weather.file", f, true)?;
        let csv_spec = crate::weather::csv::CsvSpec {
            site: crate::weather::Site {
                name: site.name.clone(),
                latitude_deg: site.latitude_deg,
                longitude_deg: site.longitude_deg,
                elevation_m: site.elevation_m,
                utc_offset_hours,
            },
            columns: crate::weather::csv::CsvColumns {
                timestamp: w.csv_timestamp_column.clone(),
                ghi: w.csv_ghi_column.clone(),
                dni: w.csv_dni_column.clone(),
                dhi: w.csv_dhi_column.clone(),
                temp_air: w.csv_temperature_column.clone(),
                wind_speed: w.csv_wind_column.clone(),
            },
            irradiance_unit: Default::default(),
            temperature_unit: Default::default(),
            wind_unit: Default::default(),
            time_label: match w.csv_stamp {
                MeterStamp::Start => crate::weather::csv::TimeLabel::IntervalStart,
                MeterStamp::End => crate::weather::csv::TimeLabel::IntervalEnd,
            },
            step_minutes: w.csv_step_minutes,
        };
        let (data, format) = super::inputs::weather(&path, declared, &csv_spec, utc_offset_hours)
            .map_err(|e| {
            let key = match e {
                crate::weather::WeatherError::FormatMismatch { .. } => "weather.source",
                _ => "weather.file",
            };
            self.rule(key, e.to_string())
        })?;
        let year = &data.year;
        // Hourly weather serves a 15-min run (each hour repeated); finer weather than the run's
        // step does not fit.
        if year.step_minutes < step.minutes() {
            return Err(self.rule(
                "weather.file",
                format!(
                    "{}: {}-minute weather steps, but the scenario runs at {} min; set `scenario.step_minutes = {}` or give hourly weather",
                    path.display(),
                    year.step_minutes,
                    step.minutes(),
                    year.step_minutes
                ),
            ));
        }
        Ok(WeatherPlan::File { format, path, data })
    }

    fn enterprises(
        &self,
        raw: &RawScenario,
        cal: &Calendar,
    ) -> Result<Vec<EnterprisePlan>, ScenarioError> {
        if raw.enterprise.is_empty() && raw.enterprise_group.is_empty() {
            return Err(self.src.error(
                span_of(self.doc, "scenario"),
                ScenarioErrorKind::Rule {
                    key: "enterprise".into(),
                    message: "the scenario has no enterprise: add an [[enterprise]] or an [[enterprise_group]] table".into(),
                },
            ));
        }
        let mut names: HashMap<String, String> = HashMap::new();
        for (gi, g) in raw.enterprise_group.iter().enumerate() {
            for k in 1..=g.count {
                names.insert(
                    group_member_name(&g.name, k),
                    format!("enterprise_group[{gi}]"),
                );
            }
        }
        let mut out = Vec::with_capacity(raw.enterprise.len());
        for (i, e) in raw.enterprise.iter().enumerate() {
            let key = |k: &str| format!("enterprise[{i}].{k}");
            if let Some(prev) = names.insert(e.name.clone(), format!("enterprise[{i}]")) {
                return Err(self.rule(
                    &key("name"),
                    format!(
                        "\"{}\" is already the name of {prev}; names must be unique",
                        e.name
                    ),
                ));
            }
            let load = match (&e.archetype, &e.meter_file) {
                (Some(_), Some(_)) => {
                    return Err(self.rule(
                        &key("meter_file"),
                        "give either `archetype` (synthetic load) or `meter_file` (measured load), not both",
                    ));
                }
                (None, None) => {
                    return Err(self.rule(
                        &key("name"),
                        "needs a load: `archetype` (synthetic) or `meter_file` (measured)",
                    ));
                }
                (Some(a), None) => {
                    if let (Some(kwh), Some(peak)) = (e.annual_kwh, e.peak_kw)
                        && kwh > peak * 8784.0
                    {
                        return Err(self.rule(
                            &key("annual_kwh"),
                            format!(
                                "{kwh} kWh cannot be reached with a peak of {peak} kW (at most {} kWh a year)",
                                peak * 8784.0
                            ),
                        ));
                    }
                    if e.annual_kwh.is_none() && e.peak_kw.is_none() {
                        return Err(self.rule(
                            &key("archetype"),
                            "a synthetic load needs `annual_kwh`, `peak_kw` or both to set its size",
                        ));
                    }
                    if let (Some(kwh), Some(peak)) = (e.annual_kwh, e.peak_kw) {
                        self.load_factor_reachable(raw, i, a, kwh, peak, cal)?;
                    }
                    LoadSource::Archetype {
                        name: a.clone(),
                        annual_kwh: e.annual_kwh,
                        peak_kw: e.peak_kw,
                    }
                }
                (None, Some(f)) => self.meter(e, i, f, cal)?,
            };
            if let Some(peak) = e.peak_kw
                && peak > e.transformer_kva
            {
                return Err(self.rule(
                    &key("peak_kw"),
                    format!(
                        "{peak} kW exceeds the transformer's {} kVA; raise `transformer_kva` or lower the peak",
                        e.transformer_kva
                    ),
                ));
            }
            let pv_file = match &e.pv_file {
                Some(f) => {
                    let p = self.path(&key("pv_file"), f, true)?;
                    // Read now so that `check` refuses an unusable series as `run` would.
                    crate::solar::measured::read_on_calendar(&p, cal.n_steps())
                        .map_err(|m| self.rule(&key("pv_file"), m))?;
                    Some(p)
                }
                None => None,
            };
            out.push(EnterprisePlan {
                name: e.name.clone(),
                index: i,
                load,
                transformer_kva: e.transformer_kva,
                voltage_level: e.voltage_level.clone(),
                pf_standard: e.pf_standard,
                power_factor: e.power_factor,
                roof_area_m2: e.roof_area_m2,
                roof_type: e
                    .roof_type
                    .clone()
                    .unwrap_or_else(|| raw.pv.roof_type.clone()),
                tilt_deg: e.tilt_deg.unwrap_or(raw.pv.tilt_deg),
                azimuth_deg: e.azimuth_deg.unwrap_or(raw.pv.azimuth_deg),
                pv_file,
                pv_kw: e.pv_kw,
                storage_kwh: e.storage_kwh,
                storage_kw: e.storage_kw,
            });
        }
        Ok(out)
    }

    /// Whether the archetype reaches the load factor of `annual_kwh` and `peak_kw` together:
    /// the load model's own check, on the seed and the grown targets the run uses, so that
    /// `check` refuses what the run would.
    fn load_factor_reachable(
        &self,
        raw: &RawScenario,
        i: usize,
        archetype: &str,
        kwh: f64,
        peak: f64,
        cal: &Calendar,
    ) -> Result<(), ScenarioError> {
        let key = format!("enterprise[{i}].peak_kw");
        let lib = crate::load::ArchetypeLibrary::embedded();
        let arch = lib
            .get(archetype)
            .map_err(|err| self.rule(&format!("enterprise[{i}].archetype"), err.to_string()))?;
        let g = raw.scenario.load_growth_fraction;
        let grow = |x: f64| if g.abs() > 0.0 { x * (1.0 + g) } else { x };
        let target = crate::load::LoadTarget {
            annual_kwh: Some(grow(kwh)),
            peak_kw: Some(grow(peak)),
        };
        let seed = crate::seed::derive(
            raw.scenario.seed,
            &[crate::seed::streams::LOAD, 0, i as u64],
        );
        crate::load::synthesize(cal, arch, &target, seed)
            .map(|_| ())
            .map_err(|err| self.rule(&key, err.to_string()))
    }

    /// The meter source of `enterprise[i]`: its format keys turned into a reading spec, and the
    /// file read now, so that a bad cell, a missing column or too large gaps are refused by
    /// `check` as by `run`, naming the meter file's line and column.
    fn meter(
        &self,
        e: &raw::EnterpriseEntry,
        i: usize,
        file: &str,
        cal: &Calendar,
    ) -> Result<LoadSource, ScenarioError> {
        let key = |k: &str| format!("enterprise[{i}].{k}");
        let path = self.path(&key("meter_file"), file, true)?;
        let unit = e.meter_unit.ok_or_else(|| {
            self.rule(
                &key("meter_file"),
                "needs `meter_unit` (\"kw\" or \"kwh\"): the unit of meter data is never guessed",
            )
        })?;
        let column = |c: &raw::ColumnRef| match c {
            raw::ColumnRef::Position(p) => crate::load::Column::Position(*p as usize),
            raw::ColumnRef::Name(n) => crate::load::Column::Name(n.clone()),
        };
        let step_minutes = e.meter_step_minutes.unwrap_or(match e.meter_layout {
            MeterLayout::Daily96 => 15,
            MeterLayout::Daily24 => 60,
            MeterLayout::Interval => cal.step().minutes(),
        });
        let interval = StepLength::from_minutes(step_minutes)
            .ok_or_else(|| self.rule(&key("meter_step_minutes"), "must be 60 or 15"))?;
        let layout = match e.meter_layout {
            MeterLayout::Interval => crate::load::MeterLayout::Interval {
                timestamp_column: column(&e.meter_timestamp_column),
                value_column: column(&e.meter_value_column),
                interval,
                stamp: match e.meter_stamp {
                    MeterStamp::Start => crate::load::Stamp::IntervalStart,
                    MeterStamp::End => crate::load::Stamp::IntervalEnd,
                },
            },
            MeterLayout::Daily96 | MeterLayout::Daily24 => {
                let points = if e.meter_layout == MeterLayout::Daily96 {
                    96
                } else {
                    24
                };
                if interval.steps_per_day() != points {
                    return Err(self.rule(
                        &key("meter_step_minutes"),
                        format!(
                            "{step_minutes} min does not match the {points} points a day of `meter_layout` = \"{}\"",
                            e.meter_layout
                        ),
                    ));
                }
                crate::load::MeterLayout::DailyPoints {
                    date_column: column(&e.meter_date_column),
                    points,
                }
            }
        };
        let mut spec = crate::load::MeterSpec::new(
            layout,
            match unit {
                MeterUnit::Kw => crate::load::MeterUnit::Kw,
                MeterUnit::Kwh => crate::load::MeterUnit::KwhPerInterval,
            },
        );
        let mut delim = e.meter_delimiter.chars();
        spec.delimiter = match (delim.next(), delim.next()) {
            (Some(c), None) if c.is_ascii() && !matches!(c, '"' | '\n' | '\r') => c,
            _ => {
                return Err(self.src.error(
                    span_of(self.doc, &key("meter_delimiter")),
                    ScenarioErrorKind::BadValue {
                        key: key("meter_delimiter"),
                        found: format!("{:?}", e.meter_delimiter),
                        expected: "one ASCII character other than a quote or a line break, e.g. \",\", \";\", \"\\t\"".into(),
                    },
                ));
            }
        };
        spec.encoding = match e.meter_encoding {
            MeterEncoding::Utf8 => crate::load::Encoding::Utf8,
            MeterEncoding::Gbk | MeterEncoding::Gb18030 => crate::load::Encoding::Gb18030,
        };
        spec.sheet = e.meter_sheet.clone();
        spec.max_missing_fraction = e.meter_max_missing_fraction;
        spec.reactive = match (&e.meter_reactive_column, &e.meter_leading_reactive_column) {
            (None, None) => None,
            (None, Some(_)) => {
                return Err(self.rule(
                    &key("meter_leading_reactive_column"),
                    "needs `meter_reactive_column`, the lagging reactive column",
                ));
            }
            (Some(lag), lead) => {
                if e.meter_layout != MeterLayout::Interval {
                    return Err(self.rule(
                        &key("meter_reactive_column"),
                        "reactive columns are read from an `interval` meter file only",
                    ));
                }
                let unit = e.meter_reactive_unit.ok_or_else(|| {
                    self.rule(
                        &key("meter_reactive_column"),
                        "needs `meter_reactive_unit` (\"kvar\" or \"kvarh\"): the unit of meter data is never guessed",
                    )
                })?;
                Some(crate::load::ReactiveSpec {
                    columns: std::iter::once(lag).chain(lead).map(column).collect(),
                    unit: match unit {
                        ReactiveUnit::Kvar => crate::load::MeterUnit::Kw,
                        ReactiveUnit::Kvarh => crate::load::MeterUnit::KwhPerInterval,
                    },
                })
            }
        };
        let mut data = super::inputs::meter(&path, &spec, cal)
            .map_err(|err| self.rule(&key("meter_file"), err.to_string()))?;
        if let Some(f) = &e.meter_reactive_file {
            data = self.reactive_file(e, i, f, &spec, data, cal)?;
        }
        Ok(LoadSource::Meter { path, spec, data })
    }

    /// `meter_reactive_file`: a second export of the same layout and columns holding the
    /// reactive values (as 96-point portals export 有功 and 无功 curves apart); its series
    /// becomes the enterprise's reactive series.
    fn reactive_file(
        &self,
        e: &raw::EnterpriseEntry,
        i: usize,
        file: &str,
        spec: &crate::load::MeterSpec,
        active: MeterData,
        cal: &Calendar,
    ) -> Result<MeterData, ScenarioError> {
        let key = |k: &str| format!("enterprise[{i}].{k}");
        if spec.reactive.is_some() {
            return Err(self.rule(
                &key("meter_reactive_file"),
                "give either reactive columns of `meter_file` or `meter_reactive_file`, not both",
            ));
        }
        let unit = e.meter_reactive_unit.ok_or_else(|| {
            self.rule(
                &key("meter_reactive_file"),
                "needs `meter_reactive_unit` (\"kvar\" or \"kvarh\"): the unit of meter data is never guessed",
            )
        })?;
        let path = self.path(&key("meter_reactive_file"), file, true)?;
        let mut q_spec = spec.clone();
        q_spec.unit = match unit {
            ReactiveUnit::Kvar => crate::load::MeterUnit::Kw,
            ReactiveUnit::Kvarh => crate::load::MeterUnit::KwhPerInterval,
        };
        let q = super::inputs::meter(&path, &q_spec, cal)
            .map_err(|err| self.rule(&key("meter_reactive_file"), err.to_string()))?;
        let mut series = (*active.series).clone();
        series.report.reactive_missing_intervals = Some(q.series.report.missing_intervals);
        series.q_kvar = Some(q.series.p_kw.clone());
        Ok(MeterData::new(series))
    }

    fn groups(&self, raw: &RawScenario) -> Result<(), ScenarioError> {
        let mut seen: HashMap<&str, usize> = HashMap::new();
        for (i, g) in raw.enterprise_group.iter().enumerate() {
            if let Some(j) = seen.insert(g.name.as_str(), i) {
                return Err(self.rule(
                    &format!("enterprise_group[{i}].name"),
                    format!(
                        "\"{}\" is already the name of enterprise_group[{j}]",
                        g.name
                    ),
                ));
            }
            if g.power_factor_min > g.power_factor_max {
                return Err(self.rule(
                    &format!("enterprise_group[{i}].power_factor_max"),
                    format!(
                        "{} is below `power_factor_min` = {}",
                        g.power_factor_max, g.power_factor_min
                    ),
                ));
            }
        }
        Ok(())
    }

    fn strategies(&self, list: &[String]) -> Result<Vec<Strategy>, ScenarioError> {
        let mut out = vec![Strategy::BASELINE];
        for (i, name) in list.iter().enumerate() {
            let s = Strategy::parse(name).map_err(|e| {
                self.src.error(
                    span_of(self.doc, "strategies.list"),
                    ScenarioErrorKind::BadValue {
                        key: format!("strategies.list[{i}]"),
                        found: format!("\"{name}\""),
                        expected: format!("a strategy name ({e})"),
                    },
                )
            })?;
            if !out.contains(&s) {
                out.push(s);
            } else if !s.is_baseline() {
                return Err(self.rule(
                    "strategies.list",
                    format!("strategy \"{s}\" is listed twice"),
                ));
            }
        }
        // The investments of a strategy are valued against the same strategy without them:
        // add those reference strategies when the list lacks them (after the listed ones).
        let listed = out.len();
        for k in 0..listed {
            let s = out[k];
            let refs = [
                Strategy {
                    storage: false,
                    ..s
                },
                Strategy {
                    pv: false,
                    storage: false,
                    ..s
                },
            ];
            for r in refs {
                if (s.pv || s.storage) && !out.contains(&r) {
                    out.push(r);
                }
            }
        }
        Ok(out)
    }

    fn claim_strategy(
        &self,
        key: &str,
        name: &str,
        strategies: &[Strategy],
    ) -> Result<Strategy, ScenarioError> {
        let s = Strategy::parse(name).map_err(|e| self.rule(key, format!("\"{name}\": {e}")))?;
        if !strategies.contains(&s) {
            return Err(self.rule(
                key,
                format!("strategy \"{s}\" is not in `strategies.list`; add it there"),
            ));
        }
        Ok(s)
    }

    fn sweep(&self, raw: &RawScenario) -> Result<SweepPlan, ScenarioError> {
        let sw = &raw.sweep;
        for (i, p) in sw.parameter.iter().enumerate() {
            let key = format!("sweep.parameter[{i}].key");
            let pattern = schema::pattern_of(&p.key);
            let spec = schema::spec(&pattern).ok_or_else(|| {
                let (parent, leaf) = match pattern.rfind('.') {
                    Some(j) => (&pattern[..j], &pattern[j + 1..]),
                    None => ("", pattern.as_str()),
                };
                let hint = super::check::suggest(parent, parent, leaf)
                    .map(|s| format!("; did you mean `{s}`?"))
                    .unwrap_or_default();
                self.rule(&key, format!("`{}` is not a scenario key{hint}", p.key))
            })?;
            if !matches!(
                spec.kind,
                Kind::Float { .. }
                    | Kind::FloatOrWord { .. }
                    | Kind::Int { .. }
                    | Kind::IntOneOf(_)
                    | Kind::FloatOneOf(_)
                    | Kind::Choice(_)
                    | Kind::Bool
            ) {
                return Err(self.rule(
                    &key,
                    format!(
                        "`{}` is {}; only numbers, choices and true/false can be swept",
                        p.key,
                        spec.kind.describe(spec.unit)
                    ),
                ));
            }
            self.sweep_index_exists(raw, &key, &p.key)?;
        }
        Ok(SweepPlan {
            method: sw.method,
            samples: sw.samples,
            max_samples: sw.max_samples,
            parameters: sw.parameter.clone(),
        })
    }

    fn sweep_index_exists(
        &self,
        raw: &RawScenario,
        key: &str,
        target: &str,
    ) -> Result<(), ScenarioError> {
        for (array, len) in [
            ("enterprise_group[", raw.enterprise_group.len()),
            ("enterprise[", raw.enterprise.len()),
        ] {
            if let Some(rest) = target.strip_prefix(array) {
                let idx: Option<usize> = rest.split(']').next().and_then(|n| n.parse().ok());
                match idx {
                    Some(i) if i < len => {}
                    _ => {
                        return Err(self.rule(
                            key,
                            format!(
                                "`{target}`: the scenario has {len} {} entries (indices 0..{len})",
                                array.trim_end_matches('[')
                            ),
                        ));
                    }
                }
            }
        }
        Ok(())
    }
}

/// Name of the `k`-th (1-based) enterprise of a group: `<group>-001`.
pub fn group_member_name(group: &str, k: u32) -> String {
    format!("{group}-{k:03}")
}
