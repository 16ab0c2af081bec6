//! Enterprise electric load (企业负荷): synthetic profiles from industry archetypes (shift
//! patterns, weekends, Chinese public holidays and the Spring Festival shutdown, seasons, seeded
//! noise), reactive power and power factor (功率因数, 无功补偿), meter-data import (including the
//! 96-point daily curves Chinese utilities export, 96点负荷曲线), enterprise-group sampling and
//! summary statistics.
//!
//! Owns the active power series `p_kw` [kW] (mean power over each calendar step) and the reactive
//! series `q_kvar` [kvar] of an enterprise. Must not know tariffs, prices or PV; writes files only
//! in [`meter::write_meter`].
//!
//! Layout: [`archetype`] (synthesis), [`reactive`] (kvar and monthly power factor), [`meter`]
//! (meter-file reader/writer), [`table`] (CSV and spreadsheet cells, encodings), [`fill`] (gap filling and 15-min/hourly resampling), [`group`]
//! (enterprise-group sampling), [`stats`] (annual figures and typical days), [`error`].

pub mod archetype;
pub mod error;
pub mod fill;
pub mod group;
pub mod meter;
pub mod reactive;
pub mod stats;
pub mod table;

pub use archetype::{
    Archetype, ArchetypeLibrary, ArchetypeParams, LoadTarget, load_factor_range, synthesize,
};
pub use error::LoadError;
pub use fill::Upsample;
pub use group::{
    EnterpriseDraw, GroupSpec, RoofRule, TransformerRule, sample_group, transformer_kva,
};
pub use meter::{
    GapReport, MeterLayout, MeterSeries, MeterSpec, MeterUnit, ReactiveSpec, Stamp, read_meter,
    write_meter,
};
pub use reactive::{
    MonthlyPowerFactor, PowerFactorModel, compensate, monthly_power_factor,
    power_factor_from_energy, reactive_kvar, required_compensation_kvar,
};
pub use stats::{LoadStats, TypicalDays, load_stats, typical_days};
pub use table::{Column, Encoding};
