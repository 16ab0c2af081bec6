//! The scenario file as serde sees it, after the defaults of `defaults.toml` are merged in.
//!
//! Mirrors the file one to one (`deny_unknown_fields`); keys with a default are plain fields,
//! keys without one are `Option`. Ranges and cross-field rules are checked elsewhere
//! ([`super::check`] and [`super::resolve`]); the key table [`super::schema::KEYS`] documents
//! every field, and a test checks that both list the same keys.

#![allow(missing_docs)] // every field is documented in schema::KEYS and docs/scenario.md

use super::choice::*;
use serde::Deserialize;

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawScenario {
    pub scenario: ScenarioSection,
    pub site: SiteSection,
    pub weather: WeatherSection,
    pub tariff: TariffSection,
    pub market: MarketSection,
    pub pv: PvSection,
    pub storage: StorageSection,
    pub finance: FinanceSection,
    #[serde(default)]
    pub enterprise: Vec<EnterpriseEntry>,
    #[serde(default)]
    pub enterprise_group: Vec<GroupEntry>,
    #[serde(default)]
    pub meter: MeterDefaults,
    pub strategies: StrategiesSection,
    pub claims: ClaimsSection,
    pub sweep: SweepSection,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScenarioSection {
    pub name: String,
    pub description: Option<String>,
    pub year: i32,
    pub step_minutes: u32,
    pub seed: u64,
    pub utc_offset_hours: f64,
    pub load_growth_fraction: f64,
    pub holidays_file: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SiteSection {
    pub name: String,
    pub latitude_deg: f64,
    pub longitude_deg: f64,
    pub elevation_m: f64,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WeatherSection {
    pub source: WeatherSource,
    pub file: Option<String>,
    pub csv_timestamp_column: String,
    pub csv_ghi_column: String,
    pub csv_dni_column: Option<String>,
    pub csv_dhi_column: Option<String>,
    pub csv_temperature_column: String,
    pub csv_wind_column: String,
    pub csv_stamp: MeterStamp,
    pub csv_step_minutes: u32,
    pub normals: String,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TariffSection {
    pub version: String,
    pub file: Option<String>,
    pub choice_period: ChoicePeriod,
    pub baseline_basic_charge: BaselineBasicCharge,
    #[serde(rename = "override")]
    pub override_table: Option<toml::Table>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MarketSection {
    pub mode: MarketMode,
    pub returned_user: bool,
    pub retail_fixed_price_yuan_per_kwh: f64,
    pub retail_discount_yuan_per_kwh: f64,
    pub retail_share_fraction: f64,
    pub wholesale_discount_fraction: f64,
    pub contract_price_yuan_per_kwh: f64,
    pub contract_banded: bool,
    pub deviation_band_fraction: f64,
    pub over_use_price_factor: f64,
    pub under_use_price_factor: f64,
    pub forecast: Forecast,
    pub forecast_error_fraction: f64,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PvSection {
    pub tilt_deg: f64,
    pub azimuth_deg: f64,
    pub roof_type: String,
    pub usable_roof_fraction: Option<f64>,
    pub max_dc_per_transformer_kva: Option<f64>,
    pub dc_ac_ratio: Option<f64>,
    pub losses_fraction: Option<f64>,
    pub inverter_efficiency_fraction: Option<f64>,
    pub gamma_pdc_per_c: Option<f64>,
    pub albedo_fraction: Option<f64>,
    pub model: Option<PvModel>,
    pub mounting: Option<PvMounting>,
    pub transposition_model: Option<TranspositionModel>,
    pub temperature_model: Option<TemperatureModel>,
    pub degradation_first_year_fraction: Option<f64>,
    pub degradation_annual_fraction: Option<f64>,
    pub grid_connection: GridConnection,
    pub export_price_yuan_per_kwh: Option<f64>,
    pub ownership: PvOwnership,
    pub emc_discount_fraction: f64,
    pub capex_yuan_per_w: f64,
    pub om_yuan_per_w_year: f64,
    pub life_years: u32,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StorageSection {
    pub dispatch: DispatchMode,
    pub sizing: SizingMode,
    pub duration_hours: f64,
    pub power_fraction_of_peak: f64,
    pub charge_efficiency_fraction: Option<f64>,
    pub discharge_efficiency_fraction: Option<f64>,
    pub round_trip_efficiency_fraction: Option<f64>,
    pub soc_min_fraction: Option<f64>,
    pub soc_max_fraction: Option<f64>,
    pub initial_soc_fraction: Option<f64>,
    pub max_cycles_per_day: Option<CyclesPerDay>,
    pub auxiliary_kw_per_kwh: f64,
    pub degradation_cost_yuan_per_kwh: Option<f64>,
    pub allow_export: bool,
    pub grid_charging: bool,
    pub capex_yuan_per_kwh: Option<f64>,
    pub capex_yuan_per_kw: Option<f64>,
    pub om_fraction_of_capex: Option<f64>,
    pub life_years: Option<u32>,
    pub cycle_life: Option<f64>,
    pub calendar_fade_fraction_per_year: Option<f64>,
    pub replacement_soh_fraction: Option<f64>,
    pub ownership: StorageOwnership,
    pub enterprise_share_fraction: f64,
}

/// A column of a data file: its position from 1, or its header text.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(untagged)]
pub enum ColumnRef {
    /// Position from the left, 1-based.
    Position(u32),
    /// Header text.
    Name(String),
}

/// `storage.max_cycles_per_day`: a cap, or `"none"`.
#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
#[serde(untagged)]
pub enum CyclesPerDay {
    /// At most this many full equivalent cycles a day [cycles/day].
    Cap(f64),
    /// No cap.
    Unlimited(NoLimit),
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FinanceSection {
    pub discount_rate_fraction: f64,
    pub buy_escalation_fraction: f64,
    pub sell_escalation_fraction: f64,
    pub om_escalation_fraction: f64,
    pub include_taxes: bool,
    pub vat_fraction: f64,
    pub income_tax_fraction: f64,
    pub depreciation_years: u32,
    pub subsidy_yuan_per_w: f64,
    pub inverter_replacement_year: u32,
    pub inverter_replacement_yuan_per_w: f64,
    pub tariff_switch_year: Option<u32>,
    pub tariff_switch_version: Option<String>,
    pub tariff_switch_file: Option<String>,
    pub resimulate_years: Vec<f64>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EnterpriseEntry {
    pub name: String,
    pub archetype: Option<String>,
    pub annual_kwh: Option<f64>,
    pub peak_kw: Option<f64>,
    pub transformer_kva: f64,
    pub voltage_level: String,
    pub pf_standard: f64,
    pub power_factor: f64,
    pub roof_area_m2: f64,
    pub roof_type: Option<String>,
    pub tilt_deg: Option<f64>,
    pub azimuth_deg: Option<f64>,
    pub meter_file: Option<String>,
    pub meter_layout: MeterLayout,
    pub meter_unit: Option<MeterUnit>,
    pub meter_step_minutes: Option<u32>,
    pub meter_timestamp_column: ColumnRef,
    pub meter_value_column: ColumnRef,
    pub meter_date_column: ColumnRef,
    pub meter_stamp: MeterStamp,
    pub meter_delimiter: String,
    pub meter_encoding: MeterEncoding,
    pub meter_sheet: Option<String>,
    pub meter_reactive_column: Option<ColumnRef>,
    pub meter_leading_reactive_column: Option<ColumnRef>,
    pub meter_reactive_file: Option<String>,
    pub meter_reactive_unit: Option<ReactiveUnit>,
    pub meter_max_missing_fraction: f64,
    pub pv_file: Option<String>,
    pub pv_kw: Option<f64>,
    pub storage_kwh: Option<f64>,
    pub storage_kw: Option<f64>,
}

/// `[meter]`: defaults of the enterprises' `meter_*` keys, merged into each `[[enterprise]]`
/// by [`super::resolve::merge_meter_defaults`] before serde reads them (checked by the key table).
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MeterDefaults {
    pub layout: Option<toml::Value>,
    pub unit: Option<toml::Value>,
    pub step_minutes: Option<toml::Value>,
    pub timestamp_column: Option<toml::Value>,
    pub value_column: Option<toml::Value>,
    pub date_column: Option<toml::Value>,
    pub stamp: Option<toml::Value>,
    pub delimiter: Option<toml::Value>,
    pub encoding: Option<toml::Value>,
    pub sheet: Option<toml::Value>,
    pub reactive_column: Option<toml::Value>,
    pub leading_reactive_column: Option<toml::Value>,
    pub reactive_unit: Option<toml::Value>,
    pub max_missing_fraction: Option<toml::Value>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GroupEntry {
    pub name: String,
    pub count: u32,
    pub archetype: String,
    pub annual_kwh_median: f64,
    pub annual_kwh_sigma: f64,
    pub transformer_loading_fraction: f64,
    pub roof_m2_per_mwh: f64,
    pub roof_sigma: f64,
    pub power_factor_min: f64,
    pub power_factor_max: f64,
    pub voltage_level: String,
    pub pf_standard: f64,
    pub roof_type: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StrategiesSection {
    pub list: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClaimsSection {
    pub cost_reduction_fraction: f64,
    pub cost_reduction_strategy: String,
    pub pv_saving_yuan_per_year: f64,
    pub pv_saving_strategy: String,
    pub cost_reduction_kind: super::choice::ClaimKind,
    pub cost_reduction_tolerance_fraction: f64,
    pub pv_saving_kind: super::choice::ClaimKind,
    pub pv_saving_tolerance_fraction: f64,
    pub tariff_versions: Vec<String>,
    pub cost_reduction_description: String,
    pub cost_reduction_description_zh: String,
    pub pv_saving_description: String,
    pub pv_saving_description_zh: String,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SweepSection {
    pub method: SweepMethod,
    pub samples: u32,
    pub max_samples: u32,
    pub storage_dispatch: Option<DispatchMode>,
    #[serde(default)]
    pub correlation: Vec<SweepCorrelation>,
    #[serde(default)]
    pub breakeven: Vec<SweepBreakeven>,
    #[serde(default)]
    pub parameter: Vec<SweepParameter>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SweepBreakeven {
    pub claim: String,
    pub key: String,
    pub min: f64,
    pub max: f64,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SweepCorrelation {
    pub first: String,
    pub second: String,
    pub rank_correlation: f64,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SweepParameter {
    pub key: String,
    pub values: Option<Vec<toml::Value>>,
    pub min: Option<f64>,
    pub max: Option<f64>,
    pub steps: Option<u32>,
    pub distribution: Option<Distribution>,
    pub mean: Option<f64>,
    pub sd: Option<f64>,
    pub mode: Option<f64>,
    pub median: Option<f64>,
    pub sigma: Option<f64>,
    pub low: Option<f64>,
    pub high: Option<f64>,
}

#[cfg(test)]
mod tests {
    //! The serde structs accept exactly the keys of `schema::KEYS`.
    use super::*;
    use crate::scenario::schema;
    use serde::de::{self, Visitor};
    use std::collections::BTreeSet;

    /// A deserializer that only records the field names a struct asks for.
    struct Fields(std::cell::RefCell<Vec<&'static str>>);

    #[derive(Debug)]
    struct Stop;
    impl std::fmt::Display for Stop {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("stop")
        }
    }
    impl std::error::Error for Stop {}
    impl de::Error for Stop {
        fn custom<T: std::fmt::Display>(_: T) -> Self {
            Stop
        }
    }

    impl<'de> de::Deserializer<'de> for &Fields {
        type Error = Stop;
        fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Stop> {
            Err(Stop)
        }
        fn deserialize_struct<V: Visitor<'de>>(
            self,
            _: &'static str,
            fields: &'static [&'static str],
            _: V,
        ) -> Result<V::Value, Stop> {
            self.0.borrow_mut().extend_from_slice(fields);
            Err(Stop)
        }
        serde::forward_to_deserialize_any! {
            bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
            bytes byte_buf option unit unit_struct newtype_struct seq tuple
            tuple_struct map enum identifier ignored_any
        }
    }

    fn fields_of<T: for<'de> Deserialize<'de>>() -> BTreeSet<String> {
        let f = Fields(std::cell::RefCell::new(Vec::new()));
        let _ = T::deserialize(&f);
        f.0.into_inner().into_iter().map(String::from).collect()
    }

    fn documented(parent: &str) -> BTreeSet<String> {
        schema::children(parent)
            .map(|s| schema::leaf(s.path).to_string())
            .collect()
    }

    #[test]
    fn serde_structs_and_key_table_list_the_same_keys() {
        let pairs: Vec<(&str, BTreeSet<String>)> = vec![
            ("", fields_of::<RawScenario>()),
            ("scenario", fields_of::<ScenarioSection>()),
            ("site", fields_of::<SiteSection>()),
            ("weather", fields_of::<WeatherSection>()),
            ("tariff", fields_of::<TariffSection>()),
            ("market", fields_of::<MarketSection>()),
            ("pv", fields_of::<PvSection>()),
            ("storage", fields_of::<StorageSection>()),
            ("finance", fields_of::<FinanceSection>()),
            ("enterprise[]", fields_of::<EnterpriseEntry>()),
            ("enterprise_group[]", fields_of::<GroupEntry>()),
            ("meter", fields_of::<MeterDefaults>()),
            ("strategies", fields_of::<StrategiesSection>()),
            ("claims", fields_of::<ClaimsSection>()),
            ("sweep", fields_of::<SweepSection>()),
            ("sweep.parameter[]", fields_of::<SweepParameter>()),
            ("sweep.correlation[]", fields_of::<SweepCorrelation>()),
            ("sweep.breakeven[]", fields_of::<SweepBreakeven>()),
        ];
        for (parent, fields) in pairs {
            assert!(!fields.is_empty(), "{parent}: no fields collected");
            assert_eq!(fields, documented(parent), "section `{parent}`");
        }
    }
}
