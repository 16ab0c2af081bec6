//! The resolved study: every default filled in, every path resolved against the scenario's
//! folder and checked, every cross-field rule satisfied. Only [`super::load`] builds a `Plan`.

use super::raw;
use crate::calendar::{HolidayTable, StepLength};
use crate::strategy::Strategy;
use std::path::PathBuf;

/// Where the weather comes from.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum WeatherPlan {
    /// A typical year generated from monthly normals (a built-in name or a file).
    Synthetic {
        /// The monthly normals.
        normals: Normals,
    },
    /// A weather file.
    File {
        /// Its format, as declared or recognised.
        format: crate::weather::Format,
        /// The file, resolved.
        path: PathBuf,
        /// The year read from it when the scenario was loaded.
        data: WeatherData,
    },
}

/// A weather file's year, read with the scenario, shared between the plans of a sweep.
#[derive(Clone, PartialEq)]
pub struct WeatherData {
    /// The year as read (its own calendar year and site).
    pub year: std::sync::Arc<crate::weather::WeatherYear>,
    /// FNV-1a of the file's bytes, standing for it in cache keys and debug output.
    pub hash: u64,
}

impl std::fmt::Debug for WeatherData {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "WeatherData({:016x})", self.hash)
    }
}

/// The monthly normals of a synthetic weather year (`weather.normals`).
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Normals {
    /// The built-in Yongzhou normals (`data/weather/`).
    Yongzhou,
    /// A normals file, resolved.
    File(PathBuf),
}

/// Where an enterprise's load comes from.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum LoadSource {
    /// A synthetic load from an industry archetype.
    Archetype {
        /// Archetype name.
        name: String,
        /// Annual consumption to scale to [kWh].
        annual_kwh: Option<f64>,
        /// Annual peak to scale to [kW].
        peak_kw: Option<f64>,
    },
    /// Measured interval data, read when the scenario is loaded.
    Meter {
        /// The file, resolved.
        path: PathBuf,
        /// How it was read.
        spec: crate::load::MeterSpec,
        /// What was read: the series on the scenario's calendar and the gap report.
        data: MeterData,
    },
}

/// A meter file's series and gap report, shared between the plans of a sweep.
#[derive(Clone, PartialEq)]
pub struct MeterData {
    /// The series and its gap report.
    pub series: std::sync::Arc<crate::load::MeterSeries>,
    /// FNV-1a of the series' bits, standing for it in cache keys and debug output.
    pub hash: u64,
}

impl MeterData {
    /// Wrap a series read from a file.
    pub fn new(series: crate::load::MeterSeries) -> MeterData {
        let bytes: Vec<u8> = series
            .p_kw
            .iter()
            .chain(series.q_kvar.iter().flatten())
            .flat_map(|x| x.to_bits().to_le_bytes())
            .collect();
        MeterData {
            hash: super::fnv1a(&bytes),
            series: std::sync::Arc::new(series),
        }
    }
}

impl std::fmt::Debug for MeterData {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "MeterData({:016x})", self.hash)
    }
}

/// One enterprise named in the scenario.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct EnterprisePlan {
    /// Unique name.
    pub name: String,
    /// Index of the `[[enterprise]]` entry, for messages.
    pub index: usize,
    /// Load source.
    pub load: LoadSource,
    /// Grid connection, roof and equipment overrides.
    pub premises: Premises,
}

/// An enterprise's premises (用电户信息): grid connection (受电变压器容量, 电压等级, 功率因数),
/// roof and equipment overrides, the part of an enterprise that the scenario's
/// [`EnterprisePlan`] and the park's roster (`park::EnterpriseSpec`) share.
#[derive(Debug, Clone, PartialEq)]
pub struct Premises {
    /// Transformer capacity [kVA].
    pub transformer_kva: f64,
    /// Supply voltage level key (`kv1_10`, ...).
    pub voltage_level: String,
    /// Power-factor standard (0.90, 0.85 or 0.80).
    pub pf_standard: f64,
    /// Mean power factor before compensation.
    pub power_factor: f64,
    /// Roof area before the usable fraction [m²].
    pub roof_area_m2: f64,
    /// Roof type.
    pub roof_type: String,
    /// Module tilt [deg].
    pub tilt_deg: f64,
    /// Module azimuth, 180 = south [deg].
    pub azimuth_deg: f64,
    /// Measured PV series, resolved.
    pub pv_file: Option<PathBuf>,
    /// PV DC size override [kW].
    pub pv_kw: Option<f64>,
    /// Battery energy override [kWh].
    pub storage_kwh: Option<f64>,
    /// Battery power override [kW].
    pub storage_kw: Option<f64>,
}

/// A sweep, checked.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct SweepPlan {
    /// How samples are drawn.
    pub method: super::choice::SweepMethod,
    /// Samples of a random sweep.
    pub samples: u32,
    /// Cap on the number of samples.
    pub max_samples: u32,
    /// The swept parameters.
    pub parameters: Vec<raw::SweepParameter>,
    /// Storage dispatch of the samples, when not the scenario's.
    pub storage_dispatch: Option<super::choice::DispatchMode>,
    /// Target rank correlations between parameters (checked by the sweep's space).
    pub correlations: Vec<raw::SweepCorrelation>,
    /// Break-even values to find after the sweep.
    pub breakevens: Vec<raw::SweepBreakeven>,
}

/// A tariff that replaces the scenario's `[tariff]` from a project year on
/// (`finance.tariff_switch_*`).
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct TariffSwitch {
    /// First project year under the later tariff (1 = the whole life) [yr].
    pub year: u32,
    /// The later tariff's name for reports: its version, or the file's path.
    pub label: String,
    /// The later tariff, built and checked (with `pv.export_price_yuan_per_kwh` applied).
    pub tariff_model: crate::tariff::Tariff,
}

/// The resolved study.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Plan {
    /// Plausibility warnings about the inputs (used, but doubtful): printed by `check` and
    /// `run`, and written to `summary.json` `warnings`.
    pub warnings: Vec<String>,
    /// The scenario file.
    pub file: PathBuf,
    /// Its folder: relative paths resolve against it.
    pub dir: PathBuf,
    /// FNV-1a hash of the scenario text, to tell runs of different scenarios apart.
    pub text_hash: u64,
    /// Study name.
    pub name: String,
    /// Description.
    pub description: Option<String>,
    /// Simulated year.
    pub year: i32,
    /// Step length.
    pub step: StepLength,
    /// Base seed.
    pub seed: u64,
    /// Offset of local standard time from UTC [h].
    pub utc_offset_hours: f64,
    /// Growth of every enterprise's consumption over the scenario's figures [fraction].
    pub load_growth_fraction: f64,
    /// Public holidays.
    pub holidays: HolidayTable,
    /// Site.
    pub site: raw::SiteSection,
    /// Weather.
    pub weather: WeatherPlan,
    /// Tariff section (version or file resolved).
    pub tariff: raw::TariffSection,
    /// A tariff file replacing the version, resolved.
    pub tariff_file: Option<PathBuf>,
    /// The tariff, built and checked (version or file, with the override merged).
    pub tariff_model: crate::tariff::Tariff,
    /// Market.
    pub market: raw::MarketSection,
    /// PV.
    pub pv: raw::PvSection,
    /// Storage.
    pub storage: raw::StorageSection,
    /// The battery of `[storage]` with every default filled in and checked; its size is zero
    /// (chosen per enterprise by the park model).
    pub battery: crate::storage::BatteryParams,
    /// Finance.
    pub finance: raw::FinanceSection,
    /// The later tariff and its first project year, when the scenario switches tariff during
    /// the project life.
    pub tariff_switch: Option<TariffSwitch>,
    /// Project years re-simulated with aged PV and battery (`finance.resimulate_years`),
    /// increasing, each in `2..=longest life` [yr].
    pub resimulate_years: Vec<u32>,
    /// Enterprises named one by one.
    pub enterprises: Vec<EnterprisePlan>,
    /// Enterprise groups (expanded by the park model).
    pub groups: Vec<raw::GroupEntry>,
    /// Strategies to simulate; the baseline is always first.
    pub strategies: Vec<Strategy>,
    /// Claims.
    pub claims: raw::ClaimsSection,
    /// Claim strategies, parsed.
    pub claim_strategies: (Strategy, Strategy),
    /// Whether the scenario states claims (a `[claims]` table): without one nothing is judged.
    pub claims_judged: bool,
    /// The tariffs of `claims.tariff_versions` other than the scenario's own, built: (version,
    /// tariff) in the listed order.
    pub claim_tariffs: Vec<(String, crate::tariff::Tariff)>,
    /// Sweep.
    pub sweep: SweepPlan,
}

impl Plan {
    /// Number of enterprises, explicit plus generated by groups.
    pub fn enterprise_count(&self) -> usize {
        self.enterprises.len() + self.groups.iter().map(|g| g.count as usize).sum::<usize>()
    }
}
