//! Tariff data files (`data/tariffs/*.toml`): schema, built-in versions, deep-merge overrides and
//! validation into a [`Tariff`].
//!
//! Owns the file layout documented in `docs/tariffs.md`. Every key path in an error is the path
//! in the (merged) TOML, e.g. `energy.purchase.yuan_per_kwh[3]`. Knows nothing of calendars or
//! series.

use super::TariffError;
use serde::Deserialize;
use std::collections::BTreeMap;

/// The built-in tariff versions: (name, file name, text).
const BUILTIN: &[(&str, &str, &str)] = &[
    (
        "hunan-2025",
        "data/tariffs/hunan-2025.toml",
        include_str!("../../data/tariffs/hunan-2025.toml"),
    ),
    (
        "hunan-2023",
        "data/tariffs/hunan-2023.toml",
        include_str!("../../data/tariffs/hunan-2023.toml"),
    ),
];

pub use crate::provenance::Confidence;

/// Supply voltage level (电压等级), which selects the T&D and basic-charge prices.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize)]
pub enum VoltageLevel {
    /// Below 1 kV (不满1千伏), key `below_1kv`.
    #[serde(rename = "below_1kv")]
    Below1kv,
    /// 1-10 kV (1-10千伏), key `kv1_10`.
    #[serde(rename = "kv1_10")]
    Kv1To10,
    /// 35 kV (35千伏), key `kv35`.
    #[serde(rename = "kv35")]
    Kv35,
    /// 110 kV and above (110千伏及以上), key `kv110_plus`.
    #[serde(rename = "kv110_plus")]
    Kv110Plus,
}

impl VoltageLevel {
    /// The key of this level in the data file, e.g. `kv1_10`.
    pub fn key(self) -> &'static str {
        match self {
            VoltageLevel::Below1kv => "below_1kv",
            VoltageLevel::Kv1To10 => "kv1_10",
            VoltageLevel::Kv35 => "kv35",
            VoltageLevel::Kv110Plus => "kv110_plus",
        }
    }
}

/// A time-of-use period (分时时段), the one type for it in the crate: tariffs, price signals,
/// the rule dispatch of storage and the typical-day chart all use it. The discriminant is the
/// index used in per-period arrays.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, Deserialize,
)]
#[repr(u8)]
pub enum TouPeriod {
    /// Critical peak 尖峰, code `C`.
    Critical = 0,
    /// Peak 高峰, code `P`.
    Peak = 1,
    /// Flat 平段, code `F`.
    Flat = 2,
    /// Valley 低谷, code `V`.
    Valley = 3,
}

impl TouPeriod {
    /// All periods in index order.
    pub const ALL: [TouPeriod; 4] = [
        TouPeriod::Critical,
        TouPeriod::Peak,
        TouPeriod::Flat,
        TouPeriod::Valley,
    ];
    /// Index into per-period arrays (0 critical, 1 peak, 2 flat, 3 valley).
    pub fn index(self) -> usize {
        self as usize
    }
    /// True for peak and critical-peak steps, when the rule dispatch of storage discharges.
    pub fn is_peak(self) -> bool {
        matches!(self, TouPeriod::Peak | TouPeriod::Critical)
    }
    fn from_code(c: char) -> Option<TouPeriod> {
        match c {
            'C' => Some(TouPeriod::Critical),
            'P' => Some(TouPeriod::Peak),
            'F' => Some(TouPeriod::Flat),
            'V' => Some(TouPeriod::Valley),
            _ => None,
        }
    }
}

/// A per-kWh price component (电度电价 component). Government funds are not a member: they never
/// follow TOU.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Component {
    /// Purchase energy price (代理购电 上网电价, or the market price).
    Purchase = 0,
    /// Line-loss fee (上网环节线损费用).
    LineLoss = 1,
    /// Transmission & distribution energy rate (输配电价).
    Transmission = 2,
    /// System operation fee (系统运行费用).
    SystemOperation = 3,
}

impl Component {
    /// All components in index order.
    pub const ALL: [Component; 4] = [
        Component::Purchase,
        Component::LineLoss,
        Component::Transmission,
        Component::SystemOperation,
    ];
}

/// T&D energy rates and basic-charge prices of one voltage level.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct VoltagePrices {
    /// Single-part (单一制) T&D energy rate [yuan/kWh].
    pub single_part_yuan_per_kwh: f64,
    /// Two-part (两部制) T&D energy rate [yuan/kWh].
    pub two_part_yuan_per_kwh: f64,
    /// Capacity price 容量电价 [yuan/kVA-month].
    pub capacity_yuan_per_kva_month: f64,
    /// Demand price 需量电价 [yuan/kW-month].
    pub demand_yuan_per_kw_month: f64,
    /// Confidence of these four numbers.
    pub confidence: Confidence,
}

/// The national two-part billing rules as parameters (发改价格〔2023〕526号, 发改办价格〔2016〕1583号).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rules {
    /// Two-part is optional from this transformer capacity [kVA] (100).
    pub two_part_optional_from_kva: f64,
    /// Two-part is compulsory from this transformer capacity [kVA] (315).
    pub two_part_mandatory_from_kva: f64,
    /// Declared demand is at least this fraction of capacity (0.4).
    pub declared_demand_floor_fraction: f64,
    /// Demand above this fraction of the declared value is the excess (1.05).
    pub demand_excess_threshold_fraction: f64,
    /// The excess is billed at this multiple of the demand price (2).
    pub demand_excess_price_multiplier: f64,
    /// Billed actual maximum demand is at least this fraction of capacity (0: no floor).
    pub actual_demand_floor_fraction: f64,
}

/// A validated tariff version: TOU pattern, price components, voltage-level prices, export price
/// and rules. Built only by [`from_toml_value`] or [`builtin`].
#[derive(Debug, Clone, PartialEq)]
pub struct Tariff {
    name: String,
    title: String,
    policy: String,
    confidence: Confidence,
    hours: [[TouPeriod; 24]; 12],
    multipliers: [f64; 4],
    floats: [bool; 4],
    purchase: [f64; 12],
    line_loss: [f64; 12],
    system_operation: [f64; 12],
    funds: f64,
    voltage: BTreeMap<VoltageLevel, VoltagePrices>,
    export: f64,
    rules: Rules,
}

impl Tariff {
    /// Version name, e.g. `hunan-2025`.
    pub fn name(&self) -> &str {
        &self.name
    }
    /// One-line title.
    pub fn title(&self) -> &str {
        &self.title
    }
    /// The policy document.
    pub fn policy(&self) -> &str {
        &self.policy
    }
    /// Overall confidence of the file.
    pub fn confidence(&self) -> Confidence {
        self.confidence
    }
    /// TOU period of a clock hour (0-23) in a month (1-12); out-of-range inputs are clamped.
    pub fn period(&self, month: u8, hour: u8) -> TouPeriod {
        let m = usize::from(month.clamp(1, 12)) - 1;
        self.hours[m][usize::from(hour.min(23))]
    }
    /// Multiplier of a period relative to the flat price [-].
    pub fn multiplier(&self, p: TouPeriod) -> f64 {
        self.multipliers[p.index()]
    }
    /// Whether the TOU multipliers apply to a component.
    pub fn floats(&self, c: Component) -> bool {
        self.floats[c as usize]
    }
    /// Flat-period base price of a component in a month (1-12) [yuan/kWh]. For
    /// [`Component::Transmission`] give the energy rate with `two_part`.
    pub fn base_price(&self, c: Component, month: u8, vp: &VoltagePrices, two_part: bool) -> f64 {
        let m = usize::from(month.clamp(1, 12)) - 1;
        match c {
            Component::Purchase => self.purchase[m],
            Component::LineLoss => self.line_loss[m],
            Component::Transmission if two_part => vp.two_part_yuan_per_kwh,
            Component::Transmission => vp.single_part_yuan_per_kwh,
            Component::SystemOperation => self.system_operation[m],
        }
    }
    /// Government funds and surcharges 政府性基金及附加 [yuan/kWh].
    pub fn funds_yuan_per_kwh(&self) -> f64 {
        self.funds
    }
    /// Export price for PV surplus [yuan/kWh].
    pub fn export_yuan_per_kwh(&self) -> f64 {
        self.export
    }
    /// Two-part billing rules.
    pub fn rules(&self) -> &Rules {
        &self.rules
    }
    /// Prices of a voltage level.
    ///
    /// # Errors
    /// [`TariffError::MissingVoltage`] when the file has no table for `level`.
    pub fn voltage(&self, level: VoltageLevel) -> Result<&VoltagePrices, TariffError> {
        self.voltage
            .get(&level)
            .ok_or_else(|| TariffError::MissingVoltage {
                tariff: self.name.clone(),
                level: level.key().to_string(),
                known: self
                    .voltage
                    .keys()
                    .map(|k| k.key())
                    .collect::<Vec<_>>()
                    .join(", "),
            })
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTariff {
    name: String,
    title: String,
    policy: String,
    #[allow(dead_code)]
    source: String,
    #[allow(dead_code)]
    date: String,
    confidence: Confidence,
    tou: RawTou,
    energy: RawEnergy,
    voltage: BTreeMap<VoltageLevel, RawVoltage>,
    export: RawScalar,
    rules: RawRules,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct RawTou {
    source: String,
    date: String,
    confidence: Confidence,
    applies_to: Vec<Component>,
    applies_to_confidence: Confidence,
    multipliers: RawMultipliers,
    hours: RawHours,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMultipliers {
    critical: f64,
    peak: f64,
    flat: f64,
    valley: f64,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawHours {
    jan: String,
    feb: String,
    mar: String,
    apr: String,
    may: String,
    jun: String,
    jul: String,
    aug: String,
    sep: String,
    oct: String,
    nov: String,
    dec: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEnergy {
    purchase: RawMonthly,
    line_loss: RawMonthly,
    system_operation: RawMonthly,
    funds: RawScalar,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct RawMonthly {
    yuan_per_kwh: Vec<f64>,
    source: String,
    date: String,
    confidence: Confidence,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct RawScalar {
    yuan_per_kwh: f64,
    source: String,
    date: String,
    confidence: Confidence,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct RawVoltage {
    single_part_yuan_per_kwh: f64,
    two_part_yuan_per_kwh: f64,
    capacity_yuan_per_kva_month: f64,
    demand_yuan_per_kw_month: f64,
    source: String,
    date: String,
    confidence: Confidence,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct RawRules {
    two_part_optional_from_kva: f64,
    two_part_mandatory_from_kva: f64,
    declared_demand_floor_fraction: f64,
    demand_excess_threshold_fraction: f64,
    demand_excess_price_multiplier: f64,
    actual_demand_floor_fraction: f64,
    source: String,
    date: String,
    confidence: Confidence,
}

/// Names of the built-in tariff versions, e.g. `["hunan-2025", "hunan-2023"]`.
pub fn builtin_names() -> Vec<&'static str> {
    BUILTIN.iter().map(|(n, _, _)| *n).collect()
}

/// The built-in tariff file `name` as a TOML value, for merging a scenario's override over it.
///
/// # Errors
/// [`TariffError::UnknownBuiltin`] for an unknown name; [`TariffError::Parse`] (with file and
/// line) if the embedded file is not valid TOML.
pub fn builtin_value(name: &str) -> Result<toml::Value, TariffError> {
    let (_, file, text) =
        BUILTIN
            .iter()
            .find(|(n, _, _)| *n == name)
            .ok_or_else(|| TariffError::UnknownBuiltin {
                name: name.to_string(),
                known: builtin_names().join(", "),
            })?;
    text.parse::<toml::Table>()
        .map(toml::Value::Table)
        .map_err(|e| TariffError::Parse {
            file: (*file).to_string(),
            message: e.to_string(),
        })
}

/// The built-in tariff version `name`, validated.
///
/// # Errors
/// As [`builtin_value`] and [`from_toml_value`].
pub fn builtin(name: &str) -> Result<Tariff, TariffError> {
    from_toml_value(builtin_value(name)?)
}

/// The file name and text of a built-in tariff version.
pub fn builtin_text(name: &str) -> Option<(&'static str, &'static str)> {
    BUILTIN
        .iter()
        .find(|(n, _, _)| *n == name)
        .map(|(_, file, text)| (*file, *text))
}

/// Deep-merge `over` into `base`: where both are tables, keys merge recursively; anything else
/// (numbers, strings, arrays, arrays of tables) in `over` replaces the value in `base`.
///
/// So `[tariff.override.voltage.kv1_10] demand_yuan_per_kw_month = 30.6` changes one price, and
/// `[tariff.override.tou.hours] jul = "..."` replaces one month's TOU pattern.
pub fn merge_override(base: &mut toml::Value, over: &toml::Value) {
    match (base, over) {
        (toml::Value::Table(b), toml::Value::Table(o)) => {
            for (k, v) in o {
                match b.get_mut(k) {
                    Some(bv) => merge_override(bv, v),
                    None => {
                        b.insert(k.clone(), v.clone());
                    }
                }
            }
        }
        (b, o) => *b = o.clone(),
    }
}

/// Build and validate a [`Tariff`] from a TOML value in the layout of `data/tariffs/*.toml`.
///
/// # Errors
/// [`TariffError::Schema`] for missing, unknown or mistyped keys (with the key path);
/// [`TariffError::OutOfRange`] for a price that is negative, above 1,000 yuan or not finite, a
/// multiplier <= 0 or above 10, or
/// a rule outside its range; [`TariffError::WrongLength`] for a monthly array without 12 values;
/// [`TariffError::BadTouHours`] for an hour pattern that is not 24 letters of C/P/F/V.
pub fn from_toml_value(v: toml::Value) -> Result<Tariff, TariffError> {
    let raw: RawTariff = serde_path_to_error::deserialize(v).map_err(|e| TariffError::Schema {
        key: e.path().to_string(),
        message: e.inner().to_string(),
    })?;
    validate(raw)
}

/// Highest price a tariff file may state per unit (kWh, kVA-month or kW-month) [yuan]: Chinese
/// prices are below 2 yuan/kWh and 50 yuan/kVA-month; a larger value is a typo or a unit error,
/// and values near the floating-point limit make the bills overflow.
const MAX_PRICE_YUAN: f64 = 1000.0;

/// Highest TOU multiplier (ratio to the flat price) a tariff file may state: Chinese schedules
/// stay below 5 (critical peak about 2 x flat, peak/valley spreads up to 4:1).
const MAX_MULTIPLIER: f64 = 10.0;

fn price(key: String, v: f64) -> Result<f64, TariffError> {
    if v.is_finite() && (0.0..=MAX_PRICE_YUAN).contains(&v) {
        Ok(v)
    } else {
        Err(TariffError::OutOfRange {
            key,
            value: v,
            unit: "yuan",
            range: "finite, >= 0 and <= 1000 (per kWh, kVA-month or kW-month)",
        })
    }
}

fn monthly(key: &str, m: &RawMonthly) -> Result<[f64; 12], TariffError> {
    let key = format!("{key}.yuan_per_kwh");
    if m.yuan_per_kwh.len() != 12 {
        return Err(TariffError::WrongLength {
            key,
            len: m.yuan_per_kwh.len(),
        });
    }
    let mut out = [0.0; 12];
    for (i, &v) in m.yuan_per_kwh.iter().enumerate() {
        out[i] = price(format!("{key}[{i}]"), v)?;
    }
    Ok(out)
}

fn ranged(
    key: &str,
    v: f64,
    lo: f64,
    hi: f64,
    unit: &'static str,
    range: &'static str,
) -> Result<f64, TariffError> {
    if v.is_finite() && v >= lo && v <= hi {
        Ok(v)
    } else {
        Err(TariffError::OutOfRange {
            key: key.to_string(),
            value: v,
            unit,
            range,
        })
    }
}

fn hours(raw: &RawHours) -> Result<[[TouPeriod; 24]; 12], TariffError> {
    let months = [
        ("jan", &raw.jan),
        ("feb", &raw.feb),
        ("mar", &raw.mar),
        ("apr", &raw.apr),
        ("may", &raw.may),
        ("jun", &raw.jun),
        ("jul", &raw.jul),
        ("aug", &raw.aug),
        ("sep", &raw.sep),
        ("oct", &raw.oct),
        ("nov", &raw.nov),
        ("dec", &raw.dec),
    ];
    let mut out = [[TouPeriod::Flat; 24]; 12];
    for (m, (name, s)) in months.iter().enumerate() {
        let bad = || TariffError::BadTouHours {
            key: format!("tou.hours.{name}"),
            value: (*s).clone(),
        };
        if s.chars().count() != 24 {
            return Err(bad());
        }
        for (h, c) in s.chars().enumerate() {
            out[m][h] = TouPeriod::from_code(c).ok_or_else(bad)?;
        }
    }
    Ok(out)
}

fn validate_multipliers(mp: &RawMultipliers) -> Result<[f64; 4], TariffError> {
    let mut multipliers = [0.0; 4];
    for (i, (k, v)) in [
        ("critical", mp.critical),
        ("peak", mp.peak),
        ("flat", mp.flat),
        ("valley", mp.valley),
    ]
    .into_iter()
    .enumerate()
    {
        if !(v.is_finite() && v > 0.0 && v <= MAX_MULTIPLIER) {
            return Err(TariffError::OutOfRange {
                key: format!("tou.multipliers.{k}"),
                value: v,
                unit: "(ratio to flat)",
                range: "finite, > 0 and <= 10",
            });
        }
        multipliers[i] = v;
    }
    // A time-of-use schedule prices its periods in one order by definition (尖峰 ≥ 高峰 ≥ 平段 ≥
    // 低谷): a critical period cheaper than the peak, or a valley dearer than the flat, is a
    // swapped or mistyped value, and would turn every dispatch and tariff choice around.
    let names = ["critical", "peak", "flat", "valley"];
    for i in 0..3 {
        if multipliers[i] < multipliers[i + 1] {
            return Err(TariffError::Schema {
                key: format!("tou.multipliers.{}", names[i]),
                message: format!(
                    "{} = {} is below {} = {}: the periods must be priced critical >= peak >= flat >= valley (尖峰 >= 高峰 >= 平段 >= 低谷); equal values make a flat schedule",
                    names[i],
                    multipliers[i],
                    names[i + 1],
                    multipliers[i + 1]
                ),
            });
        }
    }
    Ok(multipliers)
}

fn validate_voltage(
    raw: &BTreeMap<VoltageLevel, RawVoltage>,
) -> Result<BTreeMap<VoltageLevel, VoltagePrices>, TariffError> {
    let mut voltage = BTreeMap::new();
    if raw.is_empty() {
        return Err(TariffError::Schema {
            key: "voltage".into(),
            message:
                "at least one voltage level table is required (below_1kv, kv1_10, kv35, kv110_plus)"
                    .into(),
        });
    }
    for (level, rv) in raw {
        let k = format!("voltage.{}", level.key());
        voltage.insert(
            *level,
            VoltagePrices {
                single_part_yuan_per_kwh: price(
                    format!("{k}.single_part_yuan_per_kwh"),
                    rv.single_part_yuan_per_kwh,
                )?,
                two_part_yuan_per_kwh: price(
                    format!("{k}.two_part_yuan_per_kwh"),
                    rv.two_part_yuan_per_kwh,
                )?,
                capacity_yuan_per_kva_month: price(
                    format!("{k}.capacity_yuan_per_kva_month"),
                    rv.capacity_yuan_per_kva_month,
                )?,
                demand_yuan_per_kw_month: price(
                    format!("{k}.demand_yuan_per_kw_month"),
                    rv.demand_yuan_per_kw_month,
                )?,
                confidence: rv.confidence,
            },
        );
    }
    Ok(voltage)
}

fn validate_rules(r: &RawRules) -> Result<Rules, TariffError> {
    let inf = f64::MAX;
    let optional = ranged(
        "rules.two_part_optional_from_kva",
        r.two_part_optional_from_kva,
        0.0,
        inf,
        "kVA",
        "finite and >= 0",
    )?;
    Ok(Rules {
        two_part_optional_from_kva: optional,
        two_part_mandatory_from_kva: ranged(
            "rules.two_part_mandatory_from_kva",
            r.two_part_mandatory_from_kva,
            optional,
            inf,
            "kVA",
            "finite and >= rules.two_part_optional_from_kva",
        )?,
        declared_demand_floor_fraction: ranged(
            "rules.declared_demand_floor_fraction",
            r.declared_demand_floor_fraction,
            0.0,
            1.0,
            "(fraction of capacity)",
            "in 0..=1",
        )?,
        demand_excess_threshold_fraction: ranged(
            "rules.demand_excess_threshold_fraction",
            r.demand_excess_threshold_fraction,
            1.0,
            10.0,
            "(fraction of declared demand)",
            "in 1..=10",
        )?,
        demand_excess_price_multiplier: ranged(
            "rules.demand_excess_price_multiplier",
            r.demand_excess_price_multiplier,
            1.0,
            100.0,
            "(multiple of the demand price)",
            "in 1..=100",
        )?,
        actual_demand_floor_fraction: ranged(
            "rules.actual_demand_floor_fraction",
            r.actual_demand_floor_fraction,
            0.0,
            1.0,
            "(fraction of capacity)",
            "in 0..=1",
        )?,
    })
}

fn validate(raw: RawTariff) -> Result<Tariff, TariffError> {
    let multipliers = validate_multipliers(&raw.tou.multipliers)?;
    let mut floats = [false; 4];
    for c in &raw.tou.applies_to {
        floats[*c as usize] = true;
    }
    let voltage = validate_voltage(&raw.voltage)?;
    let rules = validate_rules(&raw.rules)?;
    Ok(Tariff {
        hours: hours(&raw.tou.hours)?,
        multipliers,
        floats,
        purchase: monthly("energy.purchase", &raw.energy.purchase)?,
        line_loss: monthly("energy.line_loss", &raw.energy.line_loss)?,
        system_operation: monthly("energy.system_operation", &raw.energy.system_operation)?,
        funds: price(
            "energy.funds.yuan_per_kwh".into(),
            raw.energy.funds.yuan_per_kwh,
        )?,
        voltage,
        export: price("export.yuan_per_kwh".into(), raw.export.yuan_per_kwh)?,
        rules,
        name: raw.name,
        title: raw.title,
        policy: raw.policy,
        confidence: raw.confidence,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use approx::assert_relative_eq;

    fn over(text: &str) -> Result<Tariff, TariffError> {
        let mut v = builtin_value("hunan-2025").unwrap();
        let o: toml::Value = toml::Value::Table(text.parse::<toml::Table>().unwrap());
        merge_override(&mut v, &o);
        from_toml_value(v)
    }

    #[test]
    fn builtins_parse_with_no_unknown_keys() {
        for n in builtin_names() {
            let t = builtin(n).unwrap();
            assert_eq!(t.name(), n);
        }
        let t = builtin("hunan-2023").unwrap();
        assert_eq!(t.confidence(), Confidence::Low);
        // tip 19-22, peak 08-11 and 15-19, flat 07-08, 11-15, 22-23, valley 23-07 (hunan.md 1b).
        assert_eq!(t.period(3, 19), TouPeriod::Critical);
        assert_eq!(t.period(11, 21), TouPeriod::Critical);
        assert_eq!(t.period(3, 22), TouPeriod::Flat);
        assert_eq!(t.period(3, 23), TouPeriod::Valley);
        assert_eq!(t.period(3, 6), TouPeriod::Valley);
        assert_eq!(t.period(3, 7), TouPeriod::Flat);
        assert_eq!(t.period(3, 10), TouPeriod::Peak);
        assert_eq!(t.period(3, 18), TouPeriod::Peak);
    }

    #[test]
    fn hunan_2025_periods_and_ratios() {
        let t = builtin("hunan-2025").unwrap();
        // Valley 00-06 and 12-14, flat 06-12 and 14-16, peak 16-24 (hunan.md 1a).
        assert_eq!(t.period(3, 0), TouPeriod::Valley);
        assert_eq!(t.period(3, 12), TouPeriod::Valley);
        assert_eq!(t.period(3, 6), TouPeriod::Flat);
        assert_eq!(t.period(3, 15), TouPeriod::Flat);
        assert_eq!(t.period(3, 23), TouPeriod::Peak);
        // Critical peak Jul/Aug 20-24, Jan/Dec 18-22.
        assert_eq!(t.period(7, 19), TouPeriod::Peak);
        assert_eq!(t.period(7, 20), TouPeriod::Critical);
        assert_eq!(t.period(8, 23), TouPeriod::Critical);
        assert_eq!(t.period(1, 18), TouPeriod::Critical);
        assert_eq!(t.period(12, 21), TouPeriod::Critical);
        assert_eq!(t.period(12, 22), TouPeriod::Peak);
        assert_eq!(t.period(6, 21), TouPeriod::Peak);
        assert_relative_eq!(
            t.multiplier(TouPeriod::Critical),
            t.multiplier(TouPeriod::Peak) * 1.2,
            epsilon = 1e-12
        );
        assert_relative_eq!(t.multiplier(TouPeriod::Valley), 0.4);
        // Each month: 8 valley hours, mean multiplier for a flat load 1.000 or 1.053 (hunan.md 1a).
        for m in 1..=12u8 {
            let mean: f64 = (0..24u8).map(|h| t.multiplier(t.period(m, h))).sum::<f64>() / 24.0;
            let expect = if matches!(m, 1 | 7 | 8 | 12) {
                1.0 + 4.0 * 0.32 / 24.0
            } else {
                1.0
            };
            assert_relative_eq!(mean, expect, epsilon = 1e-12);
        }
        assert!(!t.floats(Component::SystemOperation));
        assert!(t.floats(Component::Purchase));
    }

    #[test]
    fn override_merges_one_number_and_keeps_the_rest() {
        let t = over("[voltage.kv1_10]\ndemand_yuan_per_kw_month = 30.6\n").unwrap();
        let vp = t.voltage(VoltageLevel::Kv1To10).unwrap();
        assert_relative_eq!(vp.demand_yuan_per_kw_month, 30.6);
        assert_relative_eq!(vp.capacity_yuan_per_kva_month, 22.1);
    }

    #[test]
    fn override_replaces_a_tou_pattern() {
        let t = over("[tou.hours]\nmar = \"CCCCCCCCCCCCCCCCCCCCCCCC\"\n").unwrap();
        assert_eq!(t.period(3, 5), TouPeriod::Critical);
        assert_eq!(t.period(4, 5), TouPeriod::Valley);
    }

    #[test]
    fn errors_name_the_key_path_and_range() {
        let e = over("[energy.purchase]\nyuan_per_kwh = [0.4,0.4,0.4,-0.1,0.4,0.4,0.4,0.4,0.4,0.4,0.4,0.4]\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("energy.purchase.yuan_per_kwh[3]"), "{e}");
        assert!(e.contains(">= 0"), "{e}");
        let e = over("[energy.purchase]\nyuan_per_kwh = [0.4]\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("has 1 values"), "{e}");
        let e = over("[tou.multipliers]\npeak = 0.0\n")
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("tou.multipliers.peak") && e.contains("> 0"),
            "{e}"
        );
        let e = over("[tou.multipliers]\ncritical = 1.5\n")
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("tou.multipliers.critical")
                && e.contains("critical = 1.5 is below peak = 1.6"),
            "{e}"
        );
        let e = over("[tou.multipliers]\nvalley = 1.2\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("flat = 1 is below valley = 1.2"), "{e}");
        // Equal multipliers are a flat schedule, which is allowed.
        over("[tou.multipliers]\ncritical = 1.0\npeak = 1.0\nvalley = 1.0\n").unwrap();
        let e = over("[tou.hours]\njul = \"VVVV\"\n")
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("tou.hours.jul") && e.contains("24 letters"),
            "{e}"
        );
        let e = over("[tou.hours]\njul = \"VVVVVVFFFFFFVVFFPPPPCCCX\"\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("tou.hours.jul"), "{e}");
        let e = over("[export]\nyuan_per_kwh_typo = 0.4\n")
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("export") && e.contains("yuan_per_kwh_typo"),
            "{e}"
        );
        let e = over("[voltage.kv66]\nsingle_part_yuan_per_kwh = 0.1\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("voltage"), "{e}");
        let e = over("[rules]\ndeclared_demand_floor_fraction = 1.5\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("rules.declared_demand_floor_fraction"), "{e}");
        assert!(matches!(
            builtin("hunan-1999"),
            Err(TariffError::UnknownBuiltin { .. })
        ));
    }

    #[test]
    fn missing_voltage_level_is_reported() {
        let mut v = builtin_value("hunan-2025").unwrap();
        v.as_table_mut()
            .unwrap()
            .get_mut("voltage")
            .unwrap()
            .as_table_mut()
            .unwrap()
            .remove("kv35");
        let t = from_toml_value(v).unwrap();
        let e = t.voltage(VoltageLevel::Kv35).unwrap_err().to_string();
        assert!(e.contains("voltage.kv35") && e.contains("kv1_10"), "{e}");
    }
}
