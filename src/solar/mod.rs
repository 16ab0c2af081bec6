//! Rooftop PV output (屋顶光伏发电) per kWp from a weather year: sun position, decomposition,
//! transposition, incidence-angle loss, cell temperature, DC and AC power, degradation, and the
//! DC size of arrays on roofs.
//!
//! Three layers as in pvlib: one function per published model (`position`, `decomposition`,
//! `transposition`, `iam`, `temperature`, `pv_power`, `inverter`), the chain [`pv_per_kwp`]
//! that runs them for one orientation, and helpers for roofs ([`array`]) and measured series
//! ([`measured`]). Angles are degrees in every public API; azimuth is clockwise from north,
//! 180° = south (see `docs/nomenclature.md`). Must not know about prices, loads or files other
//! than the measured-PV reader.

pub mod array;
pub mod chain;
pub mod decomposition;
pub mod dirint_coefficients;
#[cfg(test)]
mod golden_tests;
pub mod iam;
pub mod inverter;
pub mod measured;
pub mod perez_coefficients;
pub mod position;
#[cfg(test)]
mod preset_golden_tests;
pub mod pv_power;
pub mod single_diode;
pub mod spa_coefficients;
pub mod temperature;
pub mod transposition;

pub use chain::{ModuleModel, Mounting, Preset, PvSeries, PvSystem, pv_per_kwp};

/// Errors of the PV models and the PV helpers.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SolarError {
    /// A parameter is outside its valid range.
    #[error("`{field}` = {value} {unit} (must be {range})")]
    Parameter {
        /// Parameter name, e.g. `pv.tilt_deg`.
        field: String,
        /// Offending value.
        value: f64,
        /// Unit.
        unit: String,
        /// Valid range in words.
        range: String,
    },
    /// A choice that the model cannot honour.
    #[error("`{field}` = \"{value}\" (expected {expected})")]
    Choice {
        /// Parameter name, e.g. `pv.mounting`.
        field: String,
        /// Offending value.
        value: String,
        /// What is accepted, in words.
        expected: String,
    },
    /// The weather year is not usable.
    #[error("weather: {0}")]
    Weather(#[from] crate::weather::WeatherError),
    /// A data file could not be read or parsed.
    #[error("{path}:{line}: {message}")]
    File {
        /// File path.
        path: String,
        /// 1-based line (0 when not tied to a line).
        line: usize,
        /// What is wrong.
        message: String,
    },
}

/// Check `min <= value <= max`, else a [`SolarError::Parameter`].
pub(crate) fn check_param(
    field: &str,
    value: f64,
    unit: &str,
    min: f64,
    max: f64,
) -> Result<f64, SolarError> {
    if value.is_nan() || value < min || value > max {
        return Err(SolarError::Parameter {
            field: field.to_string(),
            value,
            unit: unit.to_string(),
            range: format!("in {min}..={max}"),
        });
    }
    Ok(value)
}

/// Cosine of an angle in degrees.
#[inline]
pub(crate) fn cosd(x: f64) -> f64 {
    x.to_radians().cos()
}

/// Sine of an angle in degrees.
#[inline]
pub(crate) fn sind(x: f64) -> f64 {
    x.to_radians().sin()
}
