//! Every key a scenario file accepts, declared once: its type, unit, valid range and meaning.
//!
//! This table drives three things, so they cannot drift apart: the checks of a scenario file
//! (unknown keys with "did you mean", types, ranges), the generated reference
//! `docs/scenario.md`, and a test that the serde structs of [`super::raw`] accept exactly these
//! keys. Default values are not here: they live in `src/scenario/defaults.toml`.
//!
//! Paths use `[]` for "any element" of an array of tables: `enterprise[].transformer_kva`.
//! In error messages the element index is filled in, counting from 0: `enterprise[3]`.

/// The value a key takes.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Kind {
    /// A section (`[pv]`), or a table nested in one.
    Table,
    /// An array of tables (`[[enterprise]]`).
    TableArray,
    /// Free-form table passed whole to a model that checks it (e.g. `tariff.override`).
    FreeTable,
    /// Any text.
    Str,
    /// A name: letters, digits, `-`, `_` and `.`, 1-64 characters, no spaces; used in file names.
    Name,
    /// A file path, relative to the scenario file's folder unless absolute.
    Path,
    /// `true` or `false`.
    Bool,
    /// An integer in `min..=max`.
    Int {
        /// Smallest valid value.
        min: i64,
        /// Largest valid value.
        max: i64,
    },
    /// A finite number in `min..=max` (integers are accepted).
    Float {
        /// Smallest valid value.
        min: f64,
        /// Largest valid value.
        max: f64,
    },
    /// One of a fixed set of strings.
    Choice(&'static [&'static str]),
    /// A finite number in `min..=max`, or the word `word` (e.g. `"none"` for no limit).
    FloatOrWord {
        /// Smallest valid value.
        min: f64,
        /// Largest valid value.
        max: f64,
        /// The word accepted instead of a number.
        word: &'static str,
    },
    /// One of a fixed set of integers.
    IntOneOf(&'static [i64]),
    /// One of a fixed set of numbers.
    FloatOneOf(&'static [f64]),
    /// A column of a data file: its header text (string) or its position from 1 (integer).
    Column,
    /// A list of finite numbers, each in `min..=max`.
    FloatList {
        /// Smallest valid element.
        min: f64,
        /// Largest valid element.
        max: f64,
    },
    /// A list of strings, each one of a fixed set (empty set: any string).
    ChoiceList(&'static [&'static str]),
    /// A list of numbers or strings (sweep values).
    ScalarList,
}

/// Whether a key must be present.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Presence {
    /// Must be given in the scenario file (no default).
    Required,
    /// Has a default in `defaults.toml`, or is optional.
    Optional,
}

/// One accepted key.
#[derive(Debug, Clone, Copy)]
pub struct KeySpec {
    /// Dotted path, `[]` for array elements.
    pub path: &'static str,
    /// Type and valid range.
    pub kind: Kind,
    /// Unit of the value, empty when it has none.
    pub unit: &'static str,
    /// Required or optional.
    pub presence: Presence,
    /// What the key means, in a sentence or two.
    pub doc: &'static str,
}

use super::choice::*;
use Kind::*;
use Presence::*;

const fn k(
    path: &'static str,
    kind: Kind,
    unit: &'static str,
    presence: Presence,
    doc: &'static str,
) -> KeySpec {
    KeySpec {
        path,
        kind,
        unit,
        presence,
        doc,
    }
}

const F: f64 = f64::MAX;

/// Strategy measures, in their canonical order.
pub const MEASURES: &[&str] = &["tariff", "market", "pv", "storage"];

/// Voltage levels of the tariff tables.
pub const VOLTAGE_LEVELS: &[&str] = &["below_1kv", "kv1_10", "kv35", "kv110_plus"];

/// Roof types of `data/pv/roof_types.toml` (a test checks they agree).
pub const ROOF_TYPES: &[&str] = &[
    "metal_flush",
    "concrete_flat_tilted",
    "concrete_flat_low_tilt",
];

/// Archetype names known to the load model.
pub const ARCHETYPES: &[&str] = &[
    "equipment_manufacturing",
    "magnetic_electronics",
    "battery_materials",
    "general_manufacturing",
];

/// The whole table. Sections first, then their keys, in the order of `docs/scenario.md`.
#[rustfmt::skip]
pub static KEYS: &[KeySpec] = &[
    // ---------------------------------------------------------------- [scenario]
    k("scenario", Table, "", Required, "The study: its name, year, time step and random seed."),
    k("scenario.name", Name, "", Required, "Name of the study; outputs go to `output/<name>/` unless `--out` says otherwise."),
    k("scenario.description", Str, "", Optional, "Free text shown in reports."),
    k("scenario.year", Int { min: 2000, max: 2100 }, "", Optional, "Calendar year simulated (weekdays, leap day, public holidays). The holiday table must cover it (2023-2027 built in)."),
    k("scenario.step_minutes", IntOneOf(&[60, 15]), "min", Optional, "Time step of every series: 60 (8760 steps a year) or 15 (35040; the interval of Chinese demand metering)."),
    k("scenario.seed", Int { min: 0, max: i64::MAX }, "", Optional, "Seed of every random stream (load noise, enterprise groups, synthetic weather, Monte Carlo). Same seed, same bytes."),
    k("scenario.utc_offset_hours", Float { min: -12.0, max: 14.0 }, "h", Optional, "Offset of local standard time from UTC; China Standard Time is +8. A weather file in another zone is converted to this one: EPW and TMY3 files by the offset they state (a stated zone more than 2 h from the file's longitude/15 is refused: such rows are not in the zone they claim, as in PVGIS's EPW export), PVGIS files from UTC; a plain CSV (weather or `pv_file`) is read as in this zone unless its timestamps state an offset (`+08:00`, `Z`), which is converted. The sun is computed at each step's true time (PVGIS: its irradiance time offset)."),
    k("scenario.load_growth_fraction", Float { min: -0.9, max: 10.0 }, "fraction", Optional, "Growth of every enterprise's consumption over the scenario's figures: annual kWh and peak targets (and measured loads) are multiplied by (1 + this). Transformers stay as sized; an enterprise that outgrows its own gets the next standard size. Sweeps vary it for load-growth uncertainty."),
    k("scenario.holidays_file", Path, "", Optional, "A public-holiday table in the layout of `data/holidays/china.toml`, replacing the built-in one (for years it does not cover)."),
    // ---------------------------------------------------------------- [site]
    k("site", Table, "", Optional, "Where the park is."),
    k("site.name", Str, "", Optional, "Name of the site, shown in reports."),
    k("site.latitude_deg", Float { min: -90.0, max: 90.0 }, "deg", Optional, "Latitude, north positive; -66..=66 with `weather.source = \"synthetic\"` (beyond the polar circles a day may have no sunrise). Used by the synthetic year and a plain-CSV weather file; an EPW, TMY3 or PVGIS file brings its station's latitude and longitude, which replace `[site]`'s for the sun (a station more than 2° away is warned about, more than 10° refused)."),
    k("site.longitude_deg", Float { min: -180.0, max: 180.0 }, "deg", Optional, "Longitude, east positive. Replaced by the weather file's station like `site.latitude_deg`."),
    k("site.elevation_m", Float { min: -500.0, max: 9000.0 }, "m", Optional, "Elevation above sea level. Replaced by the weather file's station like `site.latitude_deg`."),
    // ---------------------------------------------------------------- [weather]
    k("weather", Table, "", Optional, "Solar and temperature input of the PV model."),
    k("weather.source", Choice(WeatherSource::NAMES), "", Optional, "`synthetic`: a typical year generated from monthly normals; `auto`: `weather.file`, its format (EPW, TMY3, PVGIS CSV or JSON, plain CSV) recognised from its first lines; otherwise the format of `weather.file`, checked against its first lines."),
    k("weather.file", Path, "", Optional, "Weather file; required unless `weather.source = \"synthetic\"`."),
    k("weather.csv_timestamp_column", Str, "", Optional, "Plain CSV weather: the timestamp column (`YYYY-MM-DD HH:MM`, `T` or a space, `/` or `-`; local standard time, or converted from an offset it states)."),
    k("weather.csv_ghi_column", Str, "", Optional, "Plain CSV weather: the global horizontal irradiance column [W/m²]."),
    k("weather.csv_dni_column", Str, "", Optional, "Plain CSV weather: the direct normal irradiance column [W/m²], if the file has one (otherwise DNI and DHI come from a decomposition of GHI)."),
    k("weather.csv_dhi_column", Str, "", Optional, "Plain CSV weather: the diffuse horizontal irradiance column [W/m²], if the file has one."),
    k("weather.csv_temperature_column", Str, "", Optional, "Plain CSV weather: the air temperature column [°C]."),
    k("weather.csv_wind_column", Str, "", Optional, "Plain CSV weather: the wind speed column [m/s]."),
    k("weather.csv_stamp", Choice(MeterStamp::NAMES), "", Optional, "Plain CSV weather: whether a timestamp names the `start` or the `end` of its interval."),
    k("weather.csv_step_minutes", IntOneOf(&[60, 15]), "min", Optional, "Plain CSV weather: the interval of the rows."),
    k("weather.normals", Str, "", Optional, "Monthly normals for the synthetic year: a built-in name (`yongzhou`) or a path to a normals file."),
    // ---------------------------------------------------------------- [tariff]
    k("tariff", Table, "", Optional, "The electricity tariff (电价政策) and the tariff category optimization (分类优化)."),
    k("tariff.version", Str, "", Optional, "Built-in tariff version from `data/tariffs/` (`hunan-2025`: 湘发改价调〔2025〕385号; `hunan-2023`: the earlier schedule, low confidence)."),
    k("tariff.file", Path, "", Optional, "A tariff file in the layout of `data/tariffs/*.toml`, used instead of `tariff.version`."),
    k("tariff.choice_period", Choice(ChoicePeriod::NAMES), "", Optional, "How often an enterprise may change its billing option (基本电费计费方式变更周期) in the optimization."),
    k("tariff.baseline_basic_charge", Choice(BaselineBasicCharge::NAMES), "", Optional, "Basic charge (基本电费) of two-part enterprises in the baseline, before optimization: by transformer capacity (按容量) or by actual maximum demand (按实际最大需量)."),
    k("tariff.override", FreeTable, "", Optional, "Any part of the tariff file to replace, with the tariff file's own keys (e.g. `[tariff.override.funds] yuan_per_kwh = 0.05`); checked by the tariff model."),
    // ---------------------------------------------------------------- [market]
    k("market", Table, "", Optional, "Market trading (市场化交易): how an enterprise buys its energy when the `market` measure is on."),
    k("market.mode", Choice(MarketMode::NAMES), "", Optional, "Purchase mode under the market measure: `cheapest` picks the cheapest of the others per enterprise; `agency` is grid agency purchase (电网代理购电)."),
    k("market.returned_user", Bool, "", Optional, "Baseline enterprises that left the market and returned pay 1.5 times the agency price."),
    k("market.retail_fixed_price_yuan_per_kwh", Float { min: 0.0, max: 2.0 }, "yuan/kWh", Optional, "Energy price of a fixed-price retail package (售电公司固定价格套餐)."),
    k("market.retail_discount_yuan_per_kwh", Float { min: 0.0, max: 1.0 }, "yuan/kWh", Optional, "Fixed discount off the agency price of a discount retail package."),
    k("market.retail_share_fraction", Float { min: 0.0, max: 1.0 }, "fraction", Optional, "Retailer's share of the price difference (价差分成) between agency price and its purchase price."),
    k("market.wholesale_discount_fraction", Float { min: -0.2, max: 0.2 }, "fraction", Optional, "Market price below the agency price, as a fraction of it: the market-price scenario that sweeps vary."),
    k("market.contract_price_yuan_per_kwh", Float { min: 0.0, max: 2.0 }, "yuan/kWh", Optional, "Price of a direct medium/long-term contract (中长期合同); must lie within the ±20% band around the coal benchmark."),
    k("market.contract_banded", Bool, "", Optional, "Whether the contract is split into TOU bands (分时段合同) with volumes per band."),
    k("market.deviation_band_fraction", Float { min: 0.0, max: 1.0 }, "fraction", Optional, "Tolerance band around the contracted volume within which deviations are free (偏差考核免考核范围)."),
    k("market.over_use_price_factor", Float { min: 0.0, max: 10.0 }, "fraction", Optional, "Energy used above the band is settled at this multiple of the contract price."),
    k("market.under_use_price_factor", Float { min: 0.0, max: 10.0 }, "fraction", Optional, "Contracted energy not used beyond the band costs this multiple of the contract price."),
    k("market.forecast", Choice(Forecast::NAMES), "", Optional, "What the contract volume is sized on: last year's load, or the model's load with a forecast error."),
    k("market.forecast_error_fraction", Float { min: 0.0, max: 1.0 }, "fraction", Optional, "Standard deviation of the annual forecast error of the contracted volume."),
    // ---------------------------------------------------------------- [pv]
    k("pv", Table, "", Optional, "Rooftop distributed PV (屋顶分布式光伏) under the `pv` measure."),
    k("pv.tilt_deg", Float { min: 0.0, max: 90.0 }, "deg", Optional, "Module tilt from horizontal, unless an enterprise sets its own."),
    k("pv.azimuth_deg", Float { min: 0.0, max: 360.0 }, "deg", Optional, "Module azimuth, clockwise from north: 180 = south."),
    k("pv.roof_type", Choice(ROOF_TYPES), "", Optional, "Default roof type of `data/pv/roof_types.toml`: `metal_flush` (彩钢瓦, modules flush), `concrete_flat_tilted` (混凝土平屋面, tilted rows) or `concrete_flat_low_tilt`."),
    k("pv.usable_roof_fraction", Float { min: 0.0, max: 1.0 }, "fraction", Optional, "Share of an enterprise's roof area usable for modules (setbacks, skylights, equipment). Default: the roof type's share in `data/pv/roof_types.toml`."),
    k("pv.max_dc_per_transformer_kva", Float { min: 0.0, max: 10.0 }, "kW/kVA", Optional, "Cap on an array's DC size per kVA of the enterprise's transformer (grid-connection rule). Default: `transformer_limit_fraction` of `data/pv/roof_types.toml`."),
    k("pv.dc_ac_ratio", Float { min: 0.5, max: 3.0 }, "", Optional, "DC nameplate over inverter AC rating (容配比). Default: PVWatts v8 (`data/pv/pvwatts_defaults.toml`)."),
    k("pv.losses_fraction", Float { min: 0.0, max: 0.99 }, "fraction", Optional, "System losses before the inverter (soiling, wiring, mismatch, availability), PVWatts style. Default: PVWatts v8 (14.08%)."),
    k("pv.inverter_efficiency_fraction", Float { min: 0.5, max: 1.0 }, "fraction", Optional, "Nominal inverter efficiency. Default: PVWatts v8 (0.96)."),
    k("pv.gamma_pdc_per_c", Float { min: -0.02, max: 0.0 }, "1/°C", Optional, "Temperature coefficient of DC power. Default: PVWatts v8 standard module (-0.0037)."),
    k("pv.albedo_fraction", Float { min: 0.0, max: 1.0 }, "fraction", Optional, "Ground reflectance. Default: `data/pv/pvwatts_defaults.toml` (0.2)."),
    k("pv.model", Choice(PvModel::NAMES), "", Optional, "Which published configuration the PV chain reproduces: `pvwatts_fuentes` (default: PVWatts DC and inverter, Fuentes cell temperature, PVWatts v8's glass cover and spectral modifier, see docs/pv.md), `pvwatts_v8` (PVWatts v8 as NREL SAM implements it: single-diode module, NOCT cell temperature, anti-reflective cover, Sandia inverter; `gamma_pdc_per_c` does not apply) or `pvlib` (a pvlib ModelChain: SAPM cell temperature, physical IAM on the beam, no spectral loss)."),
    k("pv.mounting", Choice(PvMounting::NAMES), "", Optional, "How the modules are mounted, which sets the cell-temperature parameters: `roof` (default; PVWatts roof mount, installed NOCT 49 °C; SAPM close mount with `pvlib`), `open_rack` (installed NOCT 45 °C; SAPM open rack) or `close_roof` (flush, SAPM insulated back; `pv.model = \"pvlib\"` only)."),
    k("pv.transposition_model", Choice(TranspositionModel::NAMES), "", Optional, "Sky-diffuse transposition model. Default: Perez 1990."),
    k("pv.temperature_model", Choice(TemperatureModel::NAMES), "", Optional, "Cell temperature model, replacing the one of `pv.model`, with the parameters of `pv.mounting` (`fuentes`: installed NOCT 45 °C open rack, else 49 °C; `sapm`: open rack glass/polymer, close mount glass/glass on `roof`, insulated back on `close_roof`). Default: the model's (Fuentes, roof mount, for `pvwatts_fuentes`)."),
    k("pv.degradation_first_year_fraction", Float { min: 0.0, max: 0.2 }, "fraction", Optional, "Loss of output in the first year. Default: `data/pv/pvwatts_defaults.toml`."),
    k("pv.degradation_annual_fraction", Float { min: 0.0, max: 0.1 }, "fraction/yr", Optional, "Loss of output per year after the first. Default: `data/pv/pvwatts_defaults.toml`."),
    k("pv.grid_connection", Choice(GridConnection::NAMES), "", Optional, "自发自用、余电上网 (self-consumption, surplus exported) or 全额上网 (all output exported)."),
    k("pv.export_price_yuan_per_kwh", Float { min: 0.0, max: 2.0 }, "yuan/kWh", Optional, "Price of exported PV energy: a mechanism price (机制电价) for projects under the 2025 reform (发改价格〔2025〕136号). Default: the tariff file's export price (the coal benchmark, 0.45 yuan/kWh in Hunan)."),
    k("pv.ownership", Choice(PvOwnership::NAMES), "", Optional, "Who owns the array: the enterprise (`self`) or an investor under an energy-management contract (`emc`, 合同能源管理)."),
    k("pv.emc_discount_fraction", Float { min: 0.0, max: 1.0 }, "fraction", Optional, "Under EMC, the discount off the enterprise's tariff for PV energy used on site (0.15 = 8.5折)."),
    k("pv.capex_yuan_per_w", Float { min: 0.0, max: 20.0 }, "yuan/W", Optional, "Installed cost per W DC."),
    k("pv.om_yuan_per_w_year", Float { min: 0.0, max: 1.0 }, "yuan/W/yr", Optional, "Operation and maintenance cost per W DC and year."),
    k("pv.life_years", Int { min: 1, max: 50 }, "yr", Optional, "Project life."),
    // ---------------------------------------------------------------- [storage]
    k("storage", Table, "", Optional, "User-side battery storage (用户侧储能) under the `storage` measure."),
    k("storage.dispatch", Choice(DispatchMode::NAMES), "", Optional, "`rule`: charge in valley, discharge in peak (两充两放); `optimal`: perfect-foresight minimum cost including demand charges."),
    k("storage.sizing", Choice(SizingMode::NAMES), "", Optional, "`optimize`: choose each enterprise's size for the best NPV; `fixed`: `duration_hours` and `power_fraction_of_peak`."),
    k("storage.duration_hours", Float { min: 0.25, max: 12.0 }, "h", Optional, "Usable energy over rated power, for fixed sizing."),
    k("storage.power_fraction_of_peak", Float { min: 0.0, max: 2.0 }, "fraction", Optional, "Rated power as a fraction of the enterprise's peak load, for fixed sizing."),
    k("storage.charge_efficiency_fraction", Float { min: 0.5, max: 1.0 }, "fraction", Optional, "One-way charge efficiency. Default: `data/storage/defaults.toml`."),
    k("storage.discharge_efficiency_fraction", Float { min: 0.5, max: 1.0 }, "fraction", Optional, "One-way discharge efficiency. Default: `data/storage/defaults.toml`."),
    k("storage.round_trip_efficiency_fraction", Float { min: 0.25, max: 1.0 }, "fraction", Optional, "AC-to-AC round-trip efficiency as a datasheet gives it, split evenly into charge and discharge (each its square root). Excludes `charge_efficiency_fraction` and `discharge_efficiency_fraction`. Default: `data/storage/defaults.toml`."),
    k("storage.soc_min_fraction", Float { min: 0.0, max: 0.99 }, "fraction", Optional, "Lowest state of charge, as a fraction of nameplate energy. Default: `data/storage/defaults.toml`."),
    k("storage.soc_max_fraction", Float { min: 0.01, max: 1.0 }, "fraction", Optional, "Highest state of charge; must exceed `soc_min_fraction`. Default: `data/storage/defaults.toml`."),
    k("storage.initial_soc_fraction", Float { min: 0.0, max: 1.0 }, "fraction", Optional, "State of charge at the start of the year, to which the dispatch returns at the end of every billing period (month), so that no month borrows energy from the next; within `soc_min_fraction..=soc_max_fraction`. Default: `soc_min_fraction`."),
    k("storage.max_cycles_per_day", FloatOrWord { min: 0.01, max: 10.0, word: "none" }, "cycles/day", Optional, "Warranty cap on full equivalent cycles per day (discharged energy over usable energy), or `\"none\"` for no cap. Default: `data/storage/defaults.toml`."),
    k("storage.auxiliary_kw_per_kwh", Float { min: 0.0, max: 0.1 }, "kW/kWh", Optional, "Auxiliary consumption (cooling, BMS) per kWh of nameplate energy."),
    k("storage.degradation_cost_yuan_per_kwh", Float { min: 0.0, max: 2.0 }, "yuan/kWh", Optional, "Wear cost per kWh discharged, charged to the dispatch. Default: `data/storage/defaults.toml`."),
    k("storage.allow_export", Bool, "", Optional, "Whether the battery may export to the grid (otherwise anti-backflow, 防逆流)."),
    k("storage.grid_charging", Bool, "", Optional, "Whether the battery may charge from the grid (otherwise PV surplus only)."),
    k("storage.capex_yuan_per_kwh", Float { min: 0.0, max: 10_000.0 }, "yuan/kWh", Optional, "Installed cost per kWh of nameplate energy. Default: `data/storage/defaults.toml`."),
    k("storage.capex_yuan_per_kw", Float { min: 0.0, max: 10_000.0 }, "yuan/kW", Optional, "Installed cost per kW of rated power (PCS). Default: `data/storage/defaults.toml`."),
    k("storage.om_fraction_of_capex", Float { min: 0.0, max: 0.5 }, "fraction/yr", Optional, "Operation and maintenance per year as a fraction of capital cost. Default: `data/storage/defaults.toml`."),
    k("storage.life_years", Int { min: 1, max: 30 }, "yr", Optional, "Project life. Default: `data/storage/defaults.toml`."),
    k("storage.cycle_life", Float { min: 100.0, max: 100_000.0 }, "cycles", Optional, "Full equivalent cycles to end of life (`replacement_soh_fraction`). Default: `data/storage/defaults.toml`."),
    k("storage.calendar_fade_fraction_per_year", Float { min: 0.0, max: 0.2 }, "fraction/yr", Optional, "Capacity lost per year from calendar ageing. Default: `data/storage/defaults.toml`."),
    k("storage.replacement_soh_fraction", Float { min: 0.0, max: 1.0 }, "fraction", Optional, "State of health at which the battery is replaced. Default: `data/storage/defaults.toml`."),
    k("storage.ownership", Choice(StorageOwnership::NAMES), "", Optional, "Owned by the enterprise, or by an investor sharing the savings (收益分成)."),
    k("storage.enterprise_share_fraction", Float { min: 0.0, max: 1.0 }, "fraction", Optional, "Under shared savings, the enterprise's share of the saving."),
    // ---------------------------------------------------------------- [finance]
    k("finance", Table, "", Optional, "Lifetime economics."),
    k("finance.discount_rate_fraction", Float { min: 0.0, max: 1.0 }, "fraction/yr", Optional, "Nominal discount rate."),
    k("finance.buy_escalation_fraction", Float { min: -0.2, max: 0.5 }, "fraction/yr", Optional, "Yearly change of the prices the enterprise buys at."),
    k("finance.sell_escalation_fraction", Float { min: -0.2, max: 0.5 }, "fraction/yr", Optional, "Yearly change of export prices."),
    k("finance.om_escalation_fraction", Float { min: -0.2, max: 0.5 }, "fraction/yr", Optional, "Yearly change of O&M costs."),
    k("finance.include_taxes", Bool, "", Optional, "Whether VAT and income tax (with straight-line depreciation) enter the cash flows."),
    k("finance.vat_fraction", Float { min: 0.0, max: 0.5 }, "fraction", Optional, "VAT rate on electricity sales and equipment."),
    k("finance.income_tax_fraction", Float { min: 0.0, max: 0.6 }, "fraction", Optional, "Enterprise income tax rate."),
    k("finance.depreciation_years", Int { min: 1, max: 50 }, "yr", Optional, "Straight-line depreciation period."),
    k("finance.subsidy_yuan_per_w", Float { min: 0.0, max: 10.0 }, "yuan/W", Optional, "One-off capital subsidy per W DC of PV."),
    k("finance.inverter_replacement_year", Int { min: 0, max: 50 }, "yr", Optional, "Project year in which inverters are replaced (0: never)."),
    k("finance.inverter_replacement_yuan_per_w", Float { min: 0.0, max: 5.0 }, "yuan/W", Optional, "Cost of the inverter replacement per W DC."),
    k("finance.tariff_switch_year", Int { min: 1, max: 50 }, "yr", Optional, "First project year billed under a later tariff (`tariff_switch_version` or `tariff_switch_file`); years before it use `[tariff]`. The strategies with PV or storage and their reference strategies are simulated again under the later tariff (same loads and sizes; billing options and dispatch chosen again). Must not exceed the longest project life (`pv.life_years`, `storage.life_years`). Unset: one tariff for the whole life."),
    k("finance.tariff_switch_version", Str, "", Optional, "Built-in tariff version in force from `tariff_switch_year` on (e.g. `hunan-2025`); needs `tariff_switch_year`. Excludes `tariff_switch_file`."),
    k("finance.tariff_switch_file", Path, "", Optional, "A tariff file in the layout of `data/tariffs/*.toml` in force from `tariff_switch_year` on; needs `tariff_switch_year`. Excludes `tariff_switch_version`. `pv.export_price_yuan_per_kwh` applies to it too; `tariff.override` does not."),
    k("finance.resimulate_years", FloatList { min: 2.0, max: 50.0 }, "yr", Optional, "Project years simulated again with the PV output scaled by that year's degradation factor and the battery's usable energy by its state of health; the savings of the years between are interpolated linearly (see `docs/finance.md`) instead of scaled. Whole numbers, increasing, within the project life. Each year costs one more simulation of the investment strategies."),
    // ---------------------------------------------------------------- [[enterprise]]
    k("enterprise", TableArray, "", Optional, "One enterprise, named explicitly. Every key not given takes the default of `[[enterprise]]` in defaults.toml."),
    k("enterprise[].name", Name, "", Required, "Unique name of the enterprise (no real company's name)."),
    k("enterprise[].archetype", Choice(ARCHETYPES), "", Optional, "Industry archetype of the synthetic load; required unless `meter_file` is given."),
    k("enterprise[].annual_kwh", Float { min: 1.0, max: 1e11 }, "kWh", Optional, "Annual consumption the synthetic load is scaled to; not with `meter_file` (the meter data is the load)."),
    k("enterprise[].peak_kw", Float { min: 1.0, max: 1e7 }, "kW", Optional, "Annual peak the synthetic load is scaled to (with `annual_kwh`, the shape adapts); not with `meter_file`."),
    k("enterprise[].transformer_kva", Float { min: 1.0, max: 1e7 }, "kVA", Required, "Installed transformer capacity (受电变压器容量): decides single/two-part eligibility and the capacity charge."),
    k("enterprise[].voltage_level", Choice(VOLTAGE_LEVELS), "", Optional, "Supply voltage (电压等级) for the T&D and basic-charge prices."),
    k("enterprise[].pf_standard", FloatOneOf(&[0.9, 0.85, 0.8]), "", Optional, "Power-factor standard of the adjustment (力调标准): 0.90, 0.85 or 0.80."),
    k("enterprise[].power_factor", Float { min: 0.3, max: 1.0 }, "", Optional, "Mean power factor of the load before compensation."),
    k("enterprise[].roof_area_m2", Float { min: 0.0, max: 1e7 }, "m²", Optional, "Roof area available to PV before the usable fraction."),
    k("enterprise[].roof_type", Choice(ROOF_TYPES), "", Optional, "Roof type; default `pv.roof_type`."),
    k("enterprise[].tilt_deg", Float { min: 0.0, max: 90.0 }, "deg", Optional, "Module tilt of this roof; default `pv.tilt_deg`."),
    k("enterprise[].azimuth_deg", Float { min: 0.0, max: 360.0 }, "deg", Optional, "Module azimuth of this roof; default `pv.azimuth_deg`."),
    k("enterprise[].meter_file", Path, "", Optional, "Measured load (meter data) instead of an archetype."),
    k("enterprise[].meter_layout", Choice(MeterLayout::NAMES), "", Optional, "Layout of `meter_file`: timestamp + value rows, or one row per day with 96 or 24 points (96点负荷曲线)."),
    k("enterprise[].meter_unit", Choice(MeterUnit::NAMES), "", Optional, "Unit of the meter values: mean kW over the interval, or kWh per interval. Never guessed."),
    k("enterprise[].meter_step_minutes", IntOneOf(&[60, 15]), "min", Optional, "Interval of `meter_file`: 15 or 60."),
    k("enterprise[].meter_timestamp_column", Column, "", Optional, "Timestamp column of an `interval` meter file, by header text (`\"时间\"`) or position (`1`)."),
    k("enterprise[].meter_value_column", Column, "", Optional, "Active power or energy column of an `interval` meter file, by header text (`\"有功功率(kW)\"`) or position."),
    k("enterprise[].meter_date_column", Column, "", Optional, "Date column of a `daily_96` or `daily_24` meter file; the 96 or 24 point columns follow it."),
    k("enterprise[].meter_stamp", Choice(MeterStamp::NAMES), "", Optional, "Whether a timestamp names the `start` or the `end` of its interval (many utility exports stamp the end: `00:15` is the first quarter hour, `24:00` or next-day `00:00` the last)."),
    k("enterprise[].meter_delimiter", Str, "", Optional, "Field delimiter of a CSV meter file: one character, e.g. `\",\"`, `\";\"`, `\"\\t\"`, `\"|\"`."),
    k("enterprise[].meter_encoding", Choice(MeterEncoding::NAMES), "", Optional, "Text encoding of a CSV meter file: `utf-8`, or `gbk`/`gb18030` as Chinese Excel and utility portals export."),
    k("enterprise[].meter_sheet", Str, "", Optional, "Sheet of a workbook `meter_file` (`.xlsx`, `.xls`, `.ods`); default the first sheet."),
    k("enterprise[].meter_reactive_column", Column, "", Optional, "Reactive column (lagging, 正向无功) of an `interval` meter file; its kvarh give the monthly power factor kWh/sqrt(kWh² + kvarh²) of the adjustment (力调电费) instead of `power_factor`. Needs `meter_reactive_unit`."),
    k("enterprise[].meter_leading_reactive_column", Column, "", Optional, "Leading reactive column (容性, 反向无功), where the meter records it apart; added to the lagging reactive energy, as the adjustment counts both."),
    k("enterprise[].meter_reactive_file", Path, "", Optional, "A second meter export of the same layout and columns as `meter_file` holding the reactive values (as 96-point portals export the 有功 and 无功 curves apart); gives the monthly power factor like `meter_reactive_column`, which it excludes. Needs `meter_reactive_unit`."),
    k("enterprise[].meter_reactive_unit", Choice(ReactiveUnit::NAMES), "", Optional, "Unit of the reactive columns: mean kvar over the interval, or kvarh per interval. Never guessed."),
    k("enterprise[].meter_max_missing_fraction", Float { min: 0.0, max: 0.5 }, "fraction", Optional, "Largest share of the year's intervals that may be missing from `meter_file`; gaps are filled (interpolated up to 4 h, longer ones from the same weekday) and reported. Above it the scenario is refused, naming the gaps."),
    k("enterprise[].pv_file", Path, "", Optional, "Measured or externally modelled PV output of an existing array, instead of the PV model."),
    k("enterprise[].pv_kw", Float { min: 0.0, max: 1e7 }, "kW", Optional, "PV DC size, instead of the size from the roof area."),
    k("enterprise[].storage_kwh", Float { min: 0.0, max: 1e7 }, "kWh", Optional, "Battery energy, instead of the sizing rule; above 0 (0 is refused: leave the key out to let the sizing decide)."),
    k("enterprise[].storage_kw", Float { min: 0.0, max: 1e7 }, "kW", Optional, "Battery power, instead of the sizing rule; above 0 (0 is refused: a battery without power is paid for and never used)."),
    // ---------------------------------------------------------------- [meter]
    k("meter", Table, "", Optional, "Meter-file format shared by the enterprises: each key is the default of the `[[enterprise]]` key `meter_<key>` (an enterprise's own key wins), so that one utility portal's export format is written once."),
    k("meter.layout", Choice(MeterLayout::NAMES), "", Optional, "Default of `enterprise[].meter_layout`."),
    k("meter.unit", Choice(MeterUnit::NAMES), "", Optional, "Default of `enterprise[].meter_unit`."),
    k("meter.step_minutes", IntOneOf(&[60, 15]), "min", Optional, "Default of `enterprise[].meter_step_minutes`."),
    k("meter.timestamp_column", Column, "", Optional, "Default of `enterprise[].meter_timestamp_column`."),
    k("meter.value_column", Column, "", Optional, "Default of `enterprise[].meter_value_column`."),
    k("meter.date_column", Column, "", Optional, "Default of `enterprise[].meter_date_column`."),
    k("meter.stamp", Choice(MeterStamp::NAMES), "", Optional, "Default of `enterprise[].meter_stamp`."),
    k("meter.delimiter", Str, "", Optional, "Default of `enterprise[].meter_delimiter`."),
    k("meter.encoding", Choice(MeterEncoding::NAMES), "", Optional, "Default of `enterprise[].meter_encoding`."),
    k("meter.sheet", Str, "", Optional, "Default of `enterprise[].meter_sheet`."),
    k("meter.reactive_column", Column, "", Optional, "Default of `enterprise[].meter_reactive_column`."),
    k("meter.leading_reactive_column", Column, "", Optional, "Default of `enterprise[].meter_leading_reactive_column`."),
    k("meter.reactive_unit", Choice(ReactiveUnit::NAMES), "", Optional, "Default of `enterprise[].meter_reactive_unit`."),
    k("meter.max_missing_fraction", Float { min: 0.0, max: 0.5 }, "fraction", Optional, "Default of `enterprise[].meter_max_missing_fraction`."),
    // ---------------------------------------------------------------- [[enterprise_group]]
    k("enterprise_group", TableArray, "", Optional, "A group of similar enterprises generated from an archetype and size distributions."),
    k("enterprise_group[].name", Name, "", Required, "Group name; its enterprises are named `<name>-001`, `<name>-002`, ..."),
    k("enterprise_group[].count", Int { min: 1, max: 100_000 }, "", Required, "Number of enterprises in the group."),
    k("enterprise_group[].archetype", Choice(ARCHETYPES), "", Required, "Industry archetype of the group's loads."),
    k("enterprise_group[].annual_kwh_median", Float { min: 1.0, max: 1e11 }, "kWh", Optional, "Median annual consumption (lognormal)."),
    k("enterprise_group[].annual_kwh_sigma", Float { min: 0.0, max: 3.0 }, "", Optional, "Standard deviation of ln(annual kWh)."),
    k("enterprise_group[].transformer_loading_fraction", Float { min: 0.2, max: 1.0 }, "fraction", Optional, "Peak kW over transformer kVA, used to size each transformer (rounded up to a standard size)."),
    k("enterprise_group[].roof_m2_per_mwh", Float { min: 0.0, max: 1000.0 }, "m²/MWh", Optional, "Median roof area per MWh of annual consumption."),
    k("enterprise_group[].roof_sigma", Float { min: 0.0, max: 2.0 }, "", Optional, "Standard deviation of ln(roof area) around that median."),
    k("enterprise_group[].power_factor_min", Float { min: 0.3, max: 1.0 }, "", Optional, "Lowest power factor drawn (uniform)."),
    k("enterprise_group[].power_factor_max", Float { min: 0.3, max: 1.0 }, "", Optional, "Highest power factor drawn (uniform)."),
    k("enterprise_group[].voltage_level", Choice(VOLTAGE_LEVELS), "", Optional, "Supply voltage of the group's enterprises."),
    k("enterprise_group[].pf_standard", FloatOneOf(&[0.9, 0.85, 0.8]), "", Optional, "Power-factor standard of the group's enterprises."),
    k("enterprise_group[].roof_type", Choice(ROOF_TYPES), "", Optional, "Roof type of the group's enterprises; default `pv.roof_type`."),
    // ---------------------------------------------------------------- [strategies]
    k("strategies", Table, "", Optional, "Which combinations of measures to simulate."),
    k("strategies.list", ChoiceList(&[]), "", Optional, "Strategy names: `baseline`, or measures joined by `+` in the order tariff, market, pv, storage (e.g. `pv`, `tariff+market+pv+storage`). Default: baseline, each measure alone, the cumulative stack. A strategy with PV or storage is valued against the same strategy without them; such reference strategies are added when missing."),
    // ---------------------------------------------------------------- [claims]
    k("claims", Table, "", Optional, "The zone report's claims that the run checks. A scenario without a `[claims]` table is not judged against any claim; with one, the claimed values not given take the defaults (the Yongzhou report's 15% and 6 million yuan/yr)."),
    k("claims.cost_reduction_fraction", Float { min: 0.0, max: 1.0 }, "fraction", Optional, "Claimed reduction of the comprehensive electricity cost by all measures together (about 15%)."),
    k("claims.cost_reduction_strategy", Str, "", Optional, "Strategy whose saving is compared with `cost_reduction_fraction`."),
    k("claims.pv_saving_yuan_per_year", Float { min: 0.0, max: 1e12 }, "yuan/yr", Optional, "Claimed yearly saving of the enterprises from the whole-zone PV project (over 6 million yuan)."),
    k("claims.pv_saving_strategy", Str, "", Optional, "Strategy whose saving is compared with `pv_saving_yuan_per_year`."),
    k("claims.cost_reduction_kind", Choice(ClaimKind::NAMES), "", Optional, "How the cost claim is stated: `about` (holds within `cost_reduction_tolerance_fraction` of the claimed value; the report's \"about 15%\"), `at_least` or `at_most`."),
    k("claims.cost_reduction_tolerance_fraction", Float { min: 0.0, max: 1.0 }, "fraction", Optional, "Half-width of `about` for the cost claim, in fraction points (0.01: ±1 percentage point)."),
    k("claims.pv_saving_kind", Choice(ClaimKind::NAMES), "", Optional, "How the PV claim is stated: `at_least` (the report's \"over 6 million\"), `about` (within `pv_saving_tolerance_fraction`) or `at_most`."),
    k("claims.pv_saving_tolerance_fraction", Float { min: 0.0, max: 1.0 }, "fraction", Optional, "Half-width of `about` for the PV claim, relative to the claimed amount (0.10: ±10%)."),
    k("claims.tariff_versions", ChoiceList(&[]), "", Optional, "Built-in tariff versions (e.g. `[\"hunan-2023\", \"hunan-2025\"]`) under which the claims are also judged: a full park run per version on the same loads, PV and sizes; reported beside the main run's. A claim dates from its report: judge it under the tariff of its year too. Empty: only the scenario's tariff."),
    k("claims.cost_reduction_description", Str, "", Optional, "How reports name the cost claim in English (report.html, the text summary, summary.json, report.xlsx)."),
    k("claims.cost_reduction_description_zh", Str, "", Optional, "How reports name the cost claim in Chinese (`--lang zh`; summary.json `description_zh`)."),
    k("claims.pv_saving_description", Str, "", Optional, "How reports name the PV claim in English."),
    k("claims.pv_saving_description_zh", Str, "", Optional, "How reports name the PV claim in Chinese (`--lang zh`)."),
    // ---------------------------------------------------------------- [sweep]
    k("sweep", Table, "", Optional, "A parameter sweep or Monte Carlo study run by `parkenergy sweep`."),
    k("sweep.method", Choice(SweepMethod::NAMES), "", Optional, "How samples are drawn: every combination (`grid`), random draws (`monte_carlo`, `latin_hypercube`), each parameter low and high (`one_at_a_time`), or Saltelli's design for Sobol indices (`sobol`)."),
    k("sweep.samples", Int { min: 1, max: 1_000_000 }, "", Optional, "Number of samples of a Monte Carlo or Latin hypercube sweep; the base rows `N` of a Sobol sweep, which runs `N × (parameters + 2)` samples."),
    k("sweep.max_samples", Int { min: 1, max: 10_000_000 }, "", Optional, "Refuse sweeps with more samples than this."),
    k("sweep.storage_dispatch", Choice(DispatchMode::NAMES), "", Optional, "Storage dispatch of the samples when it is not the scenario's (e.g. `rule` for speed); the base case is run both ways and the difference reported. Absent: the scenario's `storage.dispatch`."),
    k("sweep.correlation", TableArray, "", Optional, "A rank correlation between two random parameters, imposed by the Iman-Conover method."),
    k("sweep.correlation[].first", Str, "", Required, "Key of the first parameter (one of the `sweep.parameter` keys)."),
    k("sweep.correlation[].second", Str, "", Required, "Key of the second parameter."),
    k("sweep.correlation[].rank_correlation", Float { min: -1.0, max: 1.0 }, "", Required, "Target Spearman rank correlation of the two; the matrix of all pairs must be positive definite."),
    k("sweep.breakeven", TableArray, "", Optional, "A break-even value to find after the sweep (as `parkenergy solve`), written to `breakeven.json`."),
    k("sweep.breakeven[].claim", Choice(&["cost_reduction_fraction", "pv_saving_yuan_per_year"]), "", Required, "The claim whose margin must cross zero."),
    k("sweep.breakeven[].key", Str, "", Required, "The number key varied, e.g. `pv.emc_discount_fraction`."),
    k("sweep.breakeven[].min", Float { min: -F, max: F }, "", Required, "Start of the values searched, in the key's unit."),
    k("sweep.breakeven[].max", Float { min: -F, max: F }, "", Required, "End of the values searched, above `min`."),
    k("sweep.parameter", TableArray, "", Optional, "One swept parameter."),
    k("sweep.parameter[].key", Str, "", Required, "Scenario key path of the parameter, e.g. `pv.capex_yuan_per_w` or `enterprise_group[2].count`."),
    k("sweep.parameter[].values", ScalarList, "", Optional, "Values of a grid, or the choices of a `discrete` distribution."),
    k("sweep.parameter[].min", Float { min: -F, max: F }, "", Optional, "Lower end of a grid range or of a `uniform`/`triangular` distribution."),
    k("sweep.parameter[].max", Float { min: -F, max: F }, "", Optional, "Upper end of a grid range or of a `uniform`/`triangular` distribution."),
    k("sweep.parameter[].steps", Int { min: 1, max: 100_000 }, "", Optional, "Number of grid points from `min` to `max`."),
    k("sweep.parameter[].distribution", Choice(Distribution::NAMES), "", Optional, "Distribution of a Monte Carlo or Latin hypercube parameter."),
    k("sweep.parameter[].mean", Float { min: -F, max: F }, "", Optional, "Mean of a `normal` distribution."),
    k("sweep.parameter[].sd", Float { min: 0.0, max: F }, "", Optional, "Standard deviation of a `normal` distribution."),
    k("sweep.parameter[].mode", Float { min: -F, max: F }, "", Optional, "Mode of a `triangular` distribution."),
    k("sweep.parameter[].median", Float { min: -F, max: F }, "", Optional, "Median of a `lognormal` distribution."),
    k("sweep.parameter[].sigma", Float { min: 0.0, max: F }, "", Optional, "Standard deviation of the logarithm for `lognormal`."),
    k("sweep.parameter[].low", Float { min: -F, max: F }, "", Optional, "Low value of a one-at-a-time sensitivity."),
    k("sweep.parameter[].high", Float { min: -F, max: F }, "", Optional, "High value of a one-at-a-time sensitivity."),
];

/// The spec of a path pattern (`enterprise[].name`), if the key exists.
pub fn spec(pattern: &str) -> Option<&'static KeySpec> {
    KEYS.iter().find(|s| s.path == pattern)
}

/// The keys directly below a table pattern (`""` for the top level).
pub fn children(parent: &str) -> impl Iterator<Item = &'static KeySpec> + '_ {
    KEYS.iter().filter(move |s| parent_of(s.path) == parent)
}

/// The pattern of the table holding `path`.
pub fn parent_of(path: &str) -> &str {
    match path.rfind('.') {
        Some(i) => &path[..i],
        None => "",
    }
}

/// The last segment of a pattern.
pub fn leaf(path: &str) -> &str {
    path.rsplit('.').next().unwrap_or(path)
}

/// Turn a concrete path (`enterprise[3].name`) into its pattern (`enterprise[].name`).
pub fn pattern_of(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    let mut in_index = false;
    for c in path.chars() {
        match c {
            '[' => {
                in_index = true;
                out.push('[');
            }
            ']' => {
                in_index = false;
                out.push(']');
            }
            _ if in_index => {}
            _ => out.push(c),
        }
    }
    out
}

impl Kind {
    /// What a value of this kind must be, for error messages and docs.
    pub fn describe(&self, unit: &str) -> String {
        let u = if unit.is_empty() {
            String::new()
        } else {
            format!(" [{unit}]")
        };
        match self {
            Table => "a table".into(),
            TableArray => "an array of tables ([[...]])".into(),
            FreeTable => "a table".into(),
            Str => "a string".into(),
            Name => "a name (letters, digits, '-', '_', '.'; 1-64 characters)".into(),
            Path => "a file path (string)".into(),
            Bool => "true or false".into(),
            Int { min, max } if *max == i64::MAX => format!("an integer >= {min}{u}"),
            Int { min, max } => format!("an integer in {min}..={max}{u}"),
            Float { min, max } => format!("a finite number{}{u}", range_text(*min, *max)),
            Choice(c) => format!("one of {}", quote_list(c)),
            Column => "a column: its header text (string) or its position from 1 (integer)".into(),
            FloatOrWord { min, max, word } => {
                format!(
                    "a finite number{}{u}, or \"{word}\"",
                    range_text(*min, *max)
                )
            }
            IntOneOf(c) => format!(
                "one of {}{u}",
                c.iter()
                    .map(|x| x.to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            FloatOneOf(c) => format!(
                "one of {}{u}",
                c.iter()
                    .map(|x| x.to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            FloatList { min, max } => {
                format!("a list of finite numbers{}{u}", range_text(*min, *max))
            }
            ChoiceList([]) => "a list of strings".into(),
            ChoiceList(c) => format!("a list of {}", quote_list(c)),
            ScalarList => "a list of numbers or strings".into(),
        }
    }
}

fn range_text(min: f64, max: f64) -> String {
    match (min <= -F, max >= F) {
        (true, true) => String::new(),
        (true, false) => format!(" <= {}", fmt_num(max)),
        (false, true) => format!(" >= {}", fmt_num(min)),
        (false, false) => format!(" in {}..={}", fmt_num(min), fmt_num(max)),
    }
}

/// Format a bound compactly (1e7 rather than 10000000).
pub fn fmt_num(x: f64) -> String {
    if x != 0.0 && (x.abs() >= 1e6 || x.abs() < 1e-3) {
        format!("{x:e}")
    } else {
        format!("{x}")
    }
}

fn quote_list(c: &[&str]) -> String {
    c.iter()
        .map(|s| format!("\"{s}\""))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn paths_are_unique_and_parents_exist() {
        let mut seen = HashSet::new();
        for s in KEYS {
            assert!(seen.insert(s.path), "duplicate key {}", s.path);
            let parent = parent_of(s.path);
            if !parent.is_empty() {
                let p = parent.trim_end_matches("[]");
                let ps = spec(p).unwrap_or_else(|| panic!("no parent for {}", s.path));
                assert!(matches!(ps.kind, Table | TableArray), "{}", s.path);
            }
            assert!(!s.doc.is_empty());
        }
    }

    #[test]
    fn choice_lists_agree_with_the_models_data() {
        let roofs: Vec<String> = crate::solar::array::roof_types()
            .into_iter()
            .map(|r| r.name)
            .collect();
        assert_eq!(roofs, ROOF_TYPES);
        let lib = crate::load::ArchetypeLibrary::embedded();
        let mut archetypes: Vec<&str> = lib.names().collect();
        archetypes.sort_unstable();
        let mut ours = ARCHETYPES.to_vec();
        ours.sort_unstable();
        assert_eq!(archetypes, ours);
        for v in VOLTAGE_LEVELS {
            assert!(
                crate::tariff::builtin("hunan-2025")
                    .unwrap()
                    .voltage(
                        toml::Value::String((*v).into())
                            .try_into()
                            .unwrap_or_else(|_| panic!("{v}"))
                    )
                    .is_ok(),
                "{v}"
            );
        }
    }

    #[test]
    fn pattern_strips_indices() {
        assert_eq!(pattern_of("enterprise[3].name"), "enterprise[].name");
        assert_eq!(
            pattern_of("sweep.parameter[12].key"),
            "sweep.parameter[].key"
        );
    }
}
