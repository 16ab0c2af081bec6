//! Weather years for PV simulation (气象数据): readers for EPW, TMY3, PVGIS (CSV and JSON) and a
//! plain CSV with declared columns, and a seeded synthetic typical year from monthly normals.
//!
//! Owns the [`WeatherYear`] type: one year of regular steps (60 or 15 min) in local *standard*
//! time, step `i` covering `[Jan 1 00:00 + i·Δt, Jan 1 00:00 + (i+1)·Δt)` like
//! [`crate::calendar::Calendar`]. Readers convert each format's time convention (hour-ending
//! labels, UTC) to that axis, check every value against physical ranges and refuse, naming the
//! file and line, what they cannot use. Must not know about PV systems, prices or loads.

pub mod csv;
pub mod epw;
pub mod pvgis;
pub mod synthetic;
pub mod tmy3;

use crate::calendar::{Date, is_leap_year};

/// Year on which typical (multi-year) files such as TMY/EPW are placed unless relabelled with
/// [`WeatherYear::with_year`]: a non-leap year.
pub const TYPICAL_YEAR: i32 = 2025;

/// The format of a weather file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Format {
    /// EnergyPlus weather file (`.epw`).
    Epw,
    /// NREL TMY3 CSV (`NNNNNNTYA.CSV`).
    Tmy3,
    /// PVGIS typical year, CSV output.
    PvgisCsv,
    /// PVGIS typical year, JSON output.
    PvgisJson,
}

impl Format {
    /// The format's name, as written in a scenario (`weather.source`) or after `--format`.
    pub fn name(self) -> &'static str {
        match self {
            Format::Epw => "epw",
            Format::Tmy3 => "tmy3",
            Format::PvgisCsv => "pvgis_csv",
            Format::PvgisJson => "pvgis_json",
        }
    }

    /// Read a file of this format; PVGIS times (UTC) are placed on local standard time at
    /// `utc_offset_hours` [h].
    ///
    /// # Errors
    /// The reader's [`WeatherError`], naming the file and line.
    pub fn read(
        self,
        path: &std::path::Path,
        utc_offset_hours: f64,
    ) -> Result<WeatherYear, WeatherError> {
        match self {
            Format::Epw => epw::read_epw(path),
            Format::Tmy3 => tmy3::read_tmy3(path),
            Format::PvgisCsv => pvgis::read_pvgis_tmy_csv(path, utc_offset_hours),
            Format::PvgisJson => pvgis::read_pvgis_tmy_json(path, utc_offset_hours),
        }
    }
}

/// Errors of the weather readers and generators.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum WeatherError {
    /// The file could not be read.
    #[error("{path}: cannot read the file: {source}")]
    Io {
        /// File path.
        path: String,
        /// Underlying error.
        #[source]
        source: std::io::Error,
    },
    /// A line does not have the expected shape or a field is not a number.
    #[error("{path}:{line}: {message}")]
    Format {
        /// File path.
        path: String,
        /// 1-based line number.
        line: usize,
        /// What is wrong.
        message: String,
    },
    /// A required column or header item is missing.
    #[error("{path}: missing column `{column}` ({hint})")]
    MissingColumn {
        /// File path.
        path: String,
        /// Name of the missing column.
        column: String,
        /// What the reader expected.
        hint: String,
    },
    /// A value lies outside its physical range.
    #[error("{path}:{line}: {field} = {value} {unit} is out of range (valid {min}..={max} {unit})")]
    OutOfRange {
        /// File path.
        path: String,
        /// 1-based line number.
        line: usize,
        /// Field name.
        field: String,
        /// Offending value.
        value: f64,
        /// Unit of the field.
        unit: String,
        /// Lowest valid value.
        min: f64,
        /// Highest valid value.
        max: f64,
    },
    /// Time steps are not regular hourly (or 15-min) steps, or there is a gap.
    #[error("{path}:{line}: time step problem: {message}")]
    Step {
        /// File path.
        path: String,
        /// 1-based line number.
        line: usize,
        /// What is wrong.
        message: String,
    },
    /// The file does not hold exactly one year.
    #[error(
        "{path}: {n_records} records, expected {expected} (one full year of {step_minutes}-min steps)"
    )]
    Length {
        /// File path.
        path: String,
        /// Records found.
        n_records: usize,
        /// Records expected.
        expected: usize,
        /// Step length [min].
        step_minutes: u32,
    },
    /// A parameter is invalid.
    #[error("`{field}` = {value} {unit} (must be {range})")]
    Parameter {
        /// Parameter name.
        field: String,
        /// Offending value.
        value: f64,
        /// Unit.
        unit: String,
        /// Valid range in words.
        range: String,
    },
}

/// Physical range of global, direct and diffuse irradiance accepted by the readers [W/m²].
pub const IRRADIANCE_RANGE_W_PER_M2: (f64, f64) = (0.0, 1500.0);
/// Physical range of air temperature accepted by the readers [°C].
pub const TEMPERATURE_RANGE_C: (f64, f64) = (-60.0, 70.0);
/// Physical range of wind speed accepted by the readers [m/s].
pub const WIND_RANGE_M_PER_S: (f64, f64) = (0.0, 60.0);

/// A place on earth for the weather and the sun.
#[derive(Debug, Clone, PartialEq)]
pub struct Site {
    /// Name, e.g. the station name.
    pub name: String,
    /// Latitude, north positive [deg].
    pub latitude_deg: f64,
    /// Longitude, east positive [deg].
    pub longitude_deg: f64,
    /// Elevation above sea level [m].
    pub elevation_m: f64,
    /// Offset of local standard time from UTC [h] (+8 for China).
    pub utc_offset_hours: f64,
}

/// What a reader found in its source, for reporting.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SourceInfo {
    /// File path or generator description.
    pub path: String,
    /// Format name ("EPW", "TMY3", "PVGIS TMY CSV", …).
    pub format: String,
    /// Distinct calendar years found in the records, ascending.
    pub years_found: Vec<i32>,
    /// Number of data records read.
    pub n_records: usize,
}

/// One year of weather on regular steps in local standard time.
#[derive(Debug, Clone, PartialEq)]
pub struct WeatherYear {
    /// Where.
    pub site: Site,
    /// Calendar year the steps are placed on.
    pub year: i32,
    /// Step length [min], 60 or 15.
    pub step_minutes: u32,
    /// Global horizontal irradiance, mean over each step [W/m²].
    pub ghi_w_per_m2: Vec<f64>,
    /// Direct normal irradiance [W/m²], if the source has it.
    pub dni_w_per_m2: Option<Vec<f64>>,
    /// Diffuse horizontal irradiance [W/m²], if the source has it.
    pub dhi_w_per_m2: Option<Vec<f64>>,
    /// Air temperature [°C].
    pub temp_air_c: Vec<f64>,
    /// Wind speed [m/s].
    pub wind_speed_m_per_s: Vec<f64>,
    /// Where the data came from.
    pub source: SourceInfo,
}

/// Steps in a year of `step_minutes` steps.
pub fn steps_in_year(year: i32, step_minutes: u32) -> usize {
    let days = if is_leap_year(year) { 366 } else { 365 };
    days * (24 * 60 / step_minutes as usize)
}

impl WeatherYear {
    /// Number of steps.
    pub fn n_steps(&self) -> usize {
        self.ghi_w_per_m2.len()
    }

    /// Step length [h].
    pub fn step_hours(&self) -> f64 {
        f64::from(self.step_minutes) / 60.0
    }

    /// Start of step 0, January 1 00:00 local standard time, as Unix seconds (UTC) [s].
    pub fn start_unix_s(&self) -> f64 {
        let d = Date::new(self.year, 1, 1)
            .expect("January 1 exists in every year")
            .days_since_epoch();
        d as f64 * 86400.0 - self.site.utc_offset_hours * 3600.0
    }

    /// Check lengths, step and value ranges; every reader's output passes this.
    ///
    /// # Errors
    /// [`WeatherError::Length`] or [`WeatherError::OutOfRange`] (line = step index + 1).
    pub fn validate(&self) -> Result<(), WeatherError> {
        let path = &self.source.path;
        if self.step_minutes != 60 && self.step_minutes != 15 {
            return Err(WeatherError::Parameter {
                field: "step_minutes".into(),
                value: f64::from(self.step_minutes),
                unit: "min".into(),
                range: "60 or 15".into(),
            });
        }
        let n = steps_in_year(self.year, self.step_minutes);
        type Check<'a> = (&'a str, Option<&'a Vec<f64>>, &'a str, (f64, f64));
        let series: [Check; 5] = [
            (
                "ghi",
                Some(&self.ghi_w_per_m2),
                "W/m²",
                IRRADIANCE_RANGE_W_PER_M2,
            ),
            (
                "dni",
                self.dni_w_per_m2.as_ref(),
                "W/m²",
                IRRADIANCE_RANGE_W_PER_M2,
            ),
            (
                "dhi",
                self.dhi_w_per_m2.as_ref(),
                "W/m²",
                IRRADIANCE_RANGE_W_PER_M2,
            ),
            (
                "temp_air",
                Some(&self.temp_air_c),
                "°C",
                TEMPERATURE_RANGE_C,
            ),
            (
                "wind_speed",
                Some(&self.wind_speed_m_per_s),
                "m/s",
                WIND_RANGE_M_PER_S,
            ),
        ];
        for (name, s, unit, range) in series {
            let Some(s) = s else { continue };
            if s.len() != n {
                return Err(WeatherError::Length {
                    path: format!("{path} ({name})"),
                    n_records: s.len(),
                    expected: n,
                    step_minutes: self.step_minutes,
                });
            }
            for (i, &v) in s.iter().enumerate() {
                check_range(path, i + 1, name, v, unit, range)?;
            }
        }
        Ok(())
    }

    /// Place the same weather on another calendar year: a 29 February is added (a copy of the
    /// 28th) or dropped as needed. Used to align a typical year with the simulation calendar.
    pub fn with_year(mut self, year: i32) -> WeatherYear {
        let spd = (24 * 60 / self.step_minutes) as usize;
        let feb29 = 59 * spd; // first step of day 60 (Feb 29 in a leap year)
        let from_leap = is_leap_year(self.year);
        let to_leap = is_leap_year(year);
        let fix = |v: &mut Vec<f64>| {
            if from_leap && !to_leap && v.len() >= feb29 + spd {
                v.drain(feb29..feb29 + spd);
            } else if !from_leap && to_leap && v.len() >= feb29 {
                let copy: Vec<f64> = v[feb29 - spd..feb29].to_vec();
                v.splice(feb29..feb29, copy);
            }
        };
        fix(&mut self.ghi_w_per_m2);
        fix(&mut self.temp_air_c);
        fix(&mut self.wind_speed_m_per_s);
        if let Some(v) = self.dni_w_per_m2.as_mut() {
            fix(v);
        }
        if let Some(v) = self.dhi_w_per_m2.as_mut() {
            fix(v);
        }
        self.year = year;
        self
    }

    /// Month (1-12) of each step.
    pub fn months(&self) -> Vec<u8> {
        let spd = (24 * 60 / self.step_minutes) as usize;
        let start = Date::new(self.year, 1, 1)
            .expect("January 1 exists")
            .days_since_epoch();
        (0..self.n_steps())
            .map(|i| Date::from_days_since_epoch(start + (i / spd) as i64).month())
            .collect()
    }

    /// Monthly global horizontal irradiation [kWh/m²] for months 1..=12.
    pub fn monthly_ghi_kwh_per_m2(&self) -> [f64; 12] {
        let mut out = [0.0; 12];
        for (m, g) in self.months().iter().zip(&self.ghi_w_per_m2) {
            out[usize::from(*m) - 1] += g * self.step_hours() / 1000.0;
        }
        out
    }
}

/// Check a value against a range, naming the file and line.
pub(crate) fn check_range(
    path: &str,
    line: usize,
    field: &str,
    value: f64,
    unit: &str,
    (min, max): (f64, f64),
) -> Result<f64, WeatherError> {
    if value.is_nan() || value < min || value > max {
        return Err(WeatherError::OutOfRange {
            path: path.to_string(),
            line,
            field: field.to_string(),
            value,
            unit: unit.to_string(),
            min,
            max,
        });
    }
    Ok(value)
}

/// Parse a number field, naming the file, line and field on failure.
pub(crate) fn parse_f64(
    path: &str,
    line: usize,
    field: &str,
    s: &str,
) -> Result<f64, WeatherError> {
    s.trim().parse::<f64>().map_err(|_| WeatherError::Format {
        path: path.to_string(),
        line,
        message: format!("field `{field}` = `{}` is not a number", s.trim()),
    })
}

/// Read a whole file, mapping the error to [`WeatherError::Io`].
pub(crate) fn read_to_string(path: &std::path::Path) -> Result<String, WeatherError> {
    std::fs::read_to_string(path).map_err(|source| WeatherError::Io {
        path: path.display().to_string(),
        source,
    })
}

/// Sorted distinct years.
pub(crate) fn distinct_years(mut years: Vec<i32>) -> Vec<i32> {
    years.sort_unstable();
    years.dedup();
    years
}

#[cfg(test)]
mod tests {
    use super::*;

    fn flat_year(year: i32) -> WeatherYear {
        let n = steps_in_year(year, 60);
        WeatherYear {
            site: Site {
                name: "t".into(),
                latitude_deg: 26.4,
                longitude_deg: 111.6,
                elevation_m: 100.0,
                utc_offset_hours: 8.0,
            },
            year,
            step_minutes: 60,
            ghi_w_per_m2: (0..n).map(|i| (i % 24) as f64).collect(),
            dni_w_per_m2: None,
            dhi_w_per_m2: None,
            temp_air_c: vec![20.0; n],
            wind_speed_m_per_s: vec![1.0; n],
            source: SourceInfo::default(),
        }
    }

    #[test]
    fn with_year_inserts_and_drops_feb29() {
        let w = flat_year(2025).with_year(2024);
        assert_eq!(w.n_steps(), 8784);
        assert!(w.validate().is_ok());
        let back = w.with_year(2023);
        assert_eq!(back.n_steps(), 8760);
        assert_eq!(back.ghi_w_per_m2, flat_year(2023).ghi_w_per_m2);
    }

    #[test]
    fn validate_names_the_step_out_of_range() {
        let mut w = flat_year(2025);
        w.temp_air_c[100] = 80.0;
        let e = w.validate().unwrap_err().to_string();
        assert!(
            e.contains(":101:") && e.contains("temp_air") && e.contains("-60..=70"),
            "{e}"
        );
        approx::assert_relative_eq!(w.start_unix_s(), 1_735_660_800.0);
    }
}
