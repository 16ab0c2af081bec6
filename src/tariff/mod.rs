//! Hunan industrial & commercial (工商业) electricity tariffs: time-of-use (峰谷分时) periods, price
//! components, single- and two-part billing (单一制 / 两部制), the basic charge (基本电费) by
//! capacity (容量) or demand (需量), the power-factor adjustment (力调电费), and the choice of the
//! cheapest legal billing option (分类优化).
//!
//! Owns: the tariff data files under `data/tariffs/` (one per policy version, embedded), their
//! schema and validation ([`data`]), the per-step price signal that storage dispatch consumes
//! ([`signal`]), the monthly bill ([`bill`]), the power-factor table ([`pf_coefficients`]) and the
//! option optimizer ([`optimize`]). Must not know how load, PV or storage series were made, nor
//! read files: callers pass series on a [`crate::calendar::Calendar`] and TOML values.
//!
//! Flow: `builtin_value(name)` → `merge_override(&mut v, &scenario_override)` →
//! `from_toml_value(v)` → [`Tariff`] → [`PriceSignal::new`] (once per calendar, tariff, energy
//! rate and voltage level) → [`measure_usage`] (one pass over the series) → [`bill_usage`] for any
//! billing option, or [`optimize::optimize`] for the cheapest one.
//!
//! The rules, their sources and the confidence of every number are in `docs/tariffs.md`.

pub mod bill;
pub mod data;
pub mod optimize;
pub mod pf_coefficients;
pub mod signal;

pub use bill::{
    AnnualBill, BasicCharge, BillingOption, Customer, MonthBill, MonthUsage, Reactive, YearUsage,
    allowed_energy_rates, bill_usage, bill_year, measure_usage,
};
pub use data::{
    Component, Confidence, Rules, Tariff, TouPeriod, VoltageLevel, VoltagePrices, builtin,
    builtin_names, builtin_value, from_toml_value, merge_override,
};
pub use optimize::{ChoicePeriod, OptimizationResult, PeriodChoice, optimize};
pub use pf_coefficients::PfStandard;
pub use signal::{EnergyRate, PriceSignal};

/// Errors of the tariff module: data files, overrides, series and billing options.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum TariffError {
    /// A tariff file is not valid TOML (the message carries the line and column).
    #[error("tariff file `{file}`: {message}")]
    Parse {
        /// File name, e.g. `data/tariffs/hunan-2025.toml`.
        file: String,
        /// Parser message with line and column.
        message: String,
    },
    /// A key is missing, unknown or of the wrong type.
    #[error("tariff key `{key}`: {message}")]
    Schema {
        /// Key path, e.g. `energy.purchase.yuan_per_kwh[3]`.
        key: String,
        /// What was wrong.
        message: String,
    },
    /// A number is outside its valid range.
    #[error("tariff key `{key}` = {value} {unit} (must be {range})")]
    OutOfRange {
        /// Key path, e.g. `tou.multipliers.peak`.
        key: String,
        /// The value found.
        value: f64,
        /// Its unit.
        unit: &'static str,
        /// The valid range, in words.
        range: &'static str,
    },
    /// A monthly array does not have 12 values.
    #[error("tariff key `{key}` has {len} values (must have 12, January to December)")]
    WrongLength {
        /// Key path.
        key: String,
        /// Number of values found.
        len: usize,
    },
    /// A TOU hour string is not 24 letters of C, P, F, V.
    #[error(
        "tariff key `{key}` = \"{value}\" (must be 24 letters, one per hour 00-23, each C critical, P peak, F flat or V valley)"
    )]
    BadTouHours {
        /// Key path, e.g. `tou.hours.jul`.
        key: String,
        /// The text found.
        value: String,
    },
    /// No built-in tariff has this name.
    #[error("unknown built-in tariff `{name}` (known: {known})")]
    UnknownBuiltin {
        /// Requested name.
        name: String,
        /// Known names, comma separated.
        known: String,
    },
    /// The tariff has no prices for the requested voltage level.
    #[error("tariff `{tariff}` has no `voltage.{level}` table (has: {known})")]
    MissingVoltage {
        /// Tariff name.
        tariff: String,
        /// Requested level.
        level: String,
        /// Levels present.
        known: String,
    },
    /// A series does not have one value per calendar step.
    #[error("series `{name}` has {len} values, the calendar has {expected} steps")]
    SeriesLength {
        /// Series name, e.g. `import_kw`.
        name: &'static str,
        /// Length found.
        len: usize,
        /// Steps in the calendar.
        expected: usize,
    },
    /// A series value is negative or not finite.
    #[error("series `{name}` at step {step} = {value} {unit} (must be finite and >= 0)")]
    BadSeriesValue {
        /// Series name.
        name: &'static str,
        /// Step index.
        step: usize,
        /// Value found.
        value: f64,
        /// Unit of the series.
        unit: &'static str,
    },
    /// A parameter (customer, option, cost assumption) is outside its valid range.
    #[error("`{name}` = {value} {unit} (must be {range})")]
    InvalidParameter {
        /// Parameter name, e.g. `customer.transformer_kva`.
        name: &'static str,
        /// Value found.
        value: f64,
        /// Unit.
        unit: &'static str,
        /// Valid range, in words.
        range: String,
    },
    /// The billing option is not allowed for this customer under the tariff's rules.
    #[error(
        "billing option {option} is not allowed for a {kva} kVA customer: {reason} (tariff rules: two-part optional from {optional_kva} kVA, compulsory from {mandatory_kva} kVA)"
    )]
    IllegalOption {
        /// The option, in words.
        option: String,
        /// Transformer capacity [kVA].
        kva: f64,
        /// Why it is not allowed.
        reason: &'static str,
        /// Two-part optional threshold [kVA].
        optional_kva: f64,
        /// Two-part compulsory threshold [kVA].
        mandatory_kva: f64,
    },
}
