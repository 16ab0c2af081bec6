//! Second phase: merge the defaults, deserialize, check the rules that span several keys, and
//! build the [`Plan`]. The inputs a scenario points at (battery, weather, meter files) are
//! resolved in `sources.rs`.

use super::error::{ScenarioError, ScenarioErrorKind, SourceText};
use super::plan::{EnterprisePlan, LoadSource, Plan, Premises, SweepPlan, TariffSwitch};
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
    /// Plausibility warnings found while resolving, in scenario order.
    pub warnings: std::cell::RefCell<Vec<String>>,
}

impl Resolver<'_> {
    /// Note a plausibility warning: the input is used, and the run says what is doubtful.
    pub(super) fn warn(&self, key: &str, message: impl std::fmt::Display) {
        self.warnings.borrow_mut().push(format!("{key}: {message}"));
    }

    pub(super) fn rule(&self, key: &str, message: impl Into<String>) -> ScenarioError {
        self.src.error(
            span_of(self.doc, key),
            ScenarioErrorKind::Rule {
                key: key.to_string(),
                message: message.into(),
            },
        )
    }

    pub(super) fn path(
        &self,
        key: &str,
        value: &str,
        must_exist: bool,
    ) -> Result<PathBuf, ScenarioError> {
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
                    } else if full.exists() {
                        "is not a regular file (a device, a pipe or a socket); give a file".into()
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
        let (preset, mounting) = pv_preset(&raw.pv);
        if let Err(e) = crate::solar::PvSystem::preset(preset, mounting, 15.0, 180.0) {
            let key = if raw.pv.mounting.is_some() {
                "pv.mounting"
            } else {
                "pv.model"
            };
            return Err(self.rule(key, e.to_string()));
        }
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
        let claim_tariffs = self.claim_tariffs(&raw)?;
        let sweep = self.sweep(&raw)?;
        Ok(Plan {
            warnings: Vec::new(),
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
            claims_judged: true,
            claim_tariffs,
            sweep,
        })
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
    /// The built-in tariffs of `claims.tariff_versions` other than the scenario's own
    /// (`pv.export_price_yuan_per_kwh` applied, `tariff.override` not: a claim's year has its
    /// own schedule).
    fn claim_tariffs(
        &self,
        raw: &RawScenario,
    ) -> Result<Vec<(String, crate::tariff::Tariff)>, ScenarioError> {
        let key = "claims.tariff_versions";
        let versions = crate::tariff::builtin_names();
        let mut out: Vec<(String, crate::tariff::Tariff)> = Vec::new();
        for (i, v) in raw.claims.tariff_versions.iter().enumerate() {
            self.choice(key, v, &versions)?;
            if raw.claims.tariff_versions[..i].contains(v) {
                return Err(self.rule(key, format!("`{v}` is listed twice")));
            }
            if *v == raw.tariff.version && raw.tariff.file.is_none() {
                continue;
            }
            let value =
                crate::tariff::builtin_value(v).map_err(|e| self.rule(key, e.to_string()))?;
            let t = self.with_export_price(key, value, raw.pv.export_price_yuan_per_kwh)?;
            out.push((v.clone(), t));
        }
        Ok(out)
    }

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
                    // Whether the archetype reaches both targets is checked by
                    // `plausible_enterprise`, which synthesizes the run's load.
                    LoadSource::Archetype {
                        name: a.clone(),
                        annual_kwh: e.annual_kwh,
                        peak_kw: e.peak_kw,
                    }
                }
                (None, Some(f)) => {
                    // The meter data is the load: a size given beside it would be ignored,
                    // and a planner who writes one means to scale the data, which is not done.
                    for (k, v) in [("annual_kwh", e.annual_kwh), ("peak_kw", e.peak_kw)] {
                        if v.is_some() {
                            return Err(self.rule(
                                &key(k),
                                format!(
                                    "sizes a synthetic load and cannot be given with `meter_file`: the meter data is the load as measured; remove `{k}` (a load expected to grow is `scenario.load_growth_fraction`)"
                                ),
                            ));
                        }
                    }
                    self.meter(e, i, f, cal)?
                }
            };
            self.plausible_enterprise(raw, i, e, &load, cal)?;
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
            // A battery of zero power is paid for and never used; one of zero energy is
            // silently dropped. Neither is what a planner means.
            for (k, v) in [("storage_kw", e.storage_kw), ("storage_kwh", e.storage_kwh)] {
                if v.is_some_and(|x| x <= 0.0) {
                    return Err(self.rule(
                        &key(k),
                        "is 0: a battery needs power and energy above 0 (a 0 kW battery would be paid for and never used); leave both keys out to let `storage.sizing` decide, which may give no battery",
                    ));
                }
            }
            let pv_file = match &e.pv_file {
                Some(f) => {
                    let p = self.path(&key("pv_file"), f, true)?;
                    // Read now so that `check` refuses an unusable series as `run` would.
                    let (ac_kw, year) = crate::solar::measured::read_on_calendar(&p, cal)
                        .map_err(|m| self.rule(&key("pv_file"), m))?;
                    self.plausible_pv_series(raw, i, &p, &ac_kw, year, cal)?;
                    Some(p)
                }
                None => None,
            };
            out.push(EnterprisePlan {
                name: e.name.clone(),
                index: i,
                load,
                premises: Premises {
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
                },
            });
        }
        Ok(out)
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
            storage_dispatch: sw.storage_dispatch,
            correlations: sw.correlation.clone(),
            breakevens: sw.breakeven.clone(),
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

/// The solar preset and mounting of a `[pv]` section (unset: the default model, roof mount).
pub fn pv_preset(pv: &raw::PvSection) -> (crate::solar::Preset, crate::solar::Mounting) {
    use crate::scenario::choice::{PvModel, PvMounting};
    use crate::solar::{Mounting, Preset};
    let preset = match pv.model.unwrap_or(PvModel::PvwattsFuentes) {
        PvModel::PvwattsFuentes => Preset::PvwattsFuentes,
        PvModel::PvwattsV8 => Preset::PvwattsV8,
        PvModel::Pvlib => Preset::Pvlib,
    };
    let mounting = match pv.mounting.unwrap_or(PvMounting::Roof) {
        PvMounting::OpenRack => Mounting::OpenRack,
        PvMounting::Roof => Mounting::Roof,
        PvMounting::CloseRoof => Mounting::CloseRoof,
    };
    (preset, mounting)
}
