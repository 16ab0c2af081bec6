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
pub mod quality;
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
    /// EnergyPlus weather file (`.epw`): first line `LOCATION,…`.
    Epw,
    /// NREL TMY3 CSV (`NNNNNNTYA.CSV`): `USAF,name,state,TZ,lat,lon,elev`, then
    /// `Date (MM/DD/YYYY),Time (HH:MM),…`.
    Tmy3,
    /// PVGIS typical year, CSV output: `Latitude (decimal degrees): …` lines, then
    /// `time(UTC),…`.
    PvgisCsv,
    /// PVGIS typical year, JSON output (`{"inputs": …, "outputs": …}`).
    PvgisJson,
    /// Plain CSV with declared columns: a header naming them, rows starting with a timestamp.
    Csv,
}

impl Format {
    /// Every format, in the order [`Format::detect`] tries them.
    pub const ALL: [Format; 5] = [
        Format::PvgisJson,
        Format::Epw,
        Format::PvgisCsv,
        Format::Tmy3,
        Format::Csv,
    ];

    /// The format's name, as written in a scenario (`weather.source`) or after `--format`.
    pub fn name(self) -> &'static str {
        match self {
            Format::Epw => "epw",
            Format::Tmy3 => "tmy3",
            Format::PvgisCsv => "pvgis_csv",
            Format::PvgisJson => "pvgis_json",
            Format::Csv => "csv",
        }
    }

    /// How a file of this format begins, for messages.
    pub fn signature(self) -> &'static str {
        match self {
            Format::Epw => {
                "EPW: first line `LOCATION,city,state,country,source,WMO,lat,lon,tz,elev`"
            }
            Format::Tmy3 => {
                "TMY3: first line `USAF,name,state,TZ,lat,lon,elev`, second `Date (MM/DD/YYYY),Time (HH:MM),…`"
            }
            Format::PvgisCsv => {
                "PVGIS CSV: `Latitude (decimal degrees): …` header lines, then `time(UTC),…`"
            }
            Format::PvgisJson => "PVGIS JSON: a JSON object `{\"inputs\": …, \"outputs\": …}`",
            Format::Csv => {
                "plain CSV: a header naming the columns, then rows starting with `YYYY-MM-DD HH:MM`"
            }
        }
    }

    /// Recognise the format from a file's first lines; `None` when none fits.
    ///
    /// # Arguments
    /// * `text` - the file's text (only its first lines are looked at)
    pub fn detect(text: &str) -> Option<Format> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        if text.trim_start().starts_with('{') {
            return Some(Format::PvgisJson);
        }
        let head: Vec<&str> = text
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .take(40)
            .collect();
        let first = *head.first()?;
        let field0 = first.split(',').next().unwrap_or("").trim();
        if field0.eq_ignore_ascii_case("LOCATION") {
            return Some(Format::Epw);
        }
        if first.starts_with("Latitude") || head.iter().any(|l| l.starts_with("time(UTC)")) {
            return Some(Format::PvgisCsv);
        }
        let usaf = !field0.is_empty() && field0.chars().all(|c| c.is_ascii_digit());
        let tmy3_columns = head
            .get(1)
            .is_some_and(|l| l.starts_with("Date (MM/DD/YYYY)"));
        if tmy3_columns || (usaf && first.split(',').count() >= 7) {
            return Some(Format::Tmy3);
        }
        let named = first.split(',').count() >= 2
            && first
                .split(',')
                .all(|h| h.trim().trim_matches('"').parse::<f64>().is_err());
        let stamped = head.get(1).is_some_and(|l| {
            crate::calendar::stamp::parse_timestamp(l.split(',').next().unwrap_or(""), 0).is_ok()
        });
        (named && stamped).then_some(Format::Csv)
    }
}

/// Read a weather file, its format recognised from its first lines unless declared.
///
/// # Arguments
/// * `path` - the file
/// * `declared` - the format the user gave, or `None` to recognise it
/// * `csv_spec` - columns, units and site of a plain CSV (unused for other formats)
/// * `utc_offset_hours` - local standard time offset, for PVGIS files (in UTC) [h]
///
/// # Returns
/// The year and the format it was read as.
///
/// # Errors
/// [`WeatherError::FormatMismatch`] when the declared format is not what the file looks like
/// (naming the likely one), [`WeatherError::UnknownFormat`] when nothing fits, or the reader's
/// error naming the file and line.
pub fn read_file(
    path: &std::path::Path,
    declared: Option<Format>,
    csv_spec: &csv::CsvSpec,
    utc_offset_hours: f64,
) -> Result<(WeatherYear, Format), WeatherError> {
    let text = read_to_string(path)?;
    let shown = path.display().to_string();
    let detected = Format::detect(&text);
    let format = match (declared, detected) {
        (Some(d), Some(f)) if d != f => {
            return Err(WeatherError::FormatMismatch {
                path: shown,
                declared: d.name(),
                found: f.name(),
                signature: f.signature(),
            });
        }
        (Some(d), _) => d,
        (None, Some(f)) => f,
        (None, None) => {
            return Err(WeatherError::UnknownFormat {
                path: shown,
                first_line: text.lines().next().unwrap_or("").chars().take(80).collect(),
                expected: Format::ALL
                    .iter()
                    .map(|f| f.signature())
                    .collect::<Vec<_>>()
                    .join("; "),
            });
        }
    };
    let year = match format {
        Format::Epw => epw::parse_epw(&text, &shown),
        Format::Tmy3 => tmy3::parse_tmy3(&text, &shown),
        Format::PvgisCsv => pvgis::parse_pvgis_tmy_csv(&text, &shown, utc_offset_hours),
        Format::PvgisJson => pvgis::parse_pvgis_tmy_json(&text, &shown, utc_offset_hours),
        Format::Csv => csv::parse_csv(&text, &shown, csv_spec),
    }?;
    Ok((year, format))
}

/// Errors of the weather readers and generators.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum WeatherError {
    /// The file is not in the declared format.
    #[error(
        "{path}: read as `{declared}`, but its first lines are those of `{found}` ({signature}); give `{found}` or leave the format out to have it recognised"
    )]
    FormatMismatch {
        /// File path.
        path: String,
        /// The format given.
        declared: &'static str,
        /// The format its first lines show.
        found: &'static str,
        /// How that format begins.
        signature: &'static str,
    },
    /// No format fits the file's first lines.
    #[error(
        "{path}: the format is not recognised from the first lines (line 1: `{first_line}`); expected one of: {expected}"
    )]
    UnknownFormat {
        /// File path.
        path: String,
        /// The first line, cut to 80 characters.
        first_line: String,
        /// The formats and how each begins.
        expected: String,
    },
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

/// Largest difference between a file's stated time zone and the solar time of its longitude
/// (`longitude/15`) that is accepted [h]: legal zones stay within about 1.5 h of it; a larger
/// one is a file whose rows are not in the zone it states (PVGIS's EPW export writes UTC rows
/// under a local `TZ`).
pub const ZONE_LONGITUDE_TOLERANCE_HOURS: f64 = 2.0;

/// Refuse a stated time zone that contradicts the file's longitude by more than
/// [`ZONE_LONGITUDE_TOLERANCE_HOURS`].
///
/// # Errors
/// [`WeatherError::Format`] naming the file and line and saying why.
pub fn check_zone_against_longitude(
    path: &str,
    line: usize,
    utc_offset_hours: f64,
    longitude_deg: f64,
) -> Result<(), WeatherError> {
    let solar = longitude_deg / 15.0;
    if (utc_offset_hours - solar).abs() > ZONE_LONGITUDE_TOLERANCE_HOURS {
        return Err(WeatherError::Format {
            path: path.into(),
            line,
            message: format!(
                "the stated time zone UTC{utc_offset_hours:+} contradicts the longitude {longitude_deg}° (solar time UTC{solar:+.1}, more than {ZONE_LONGITUDE_TOLERANCE_HOURS} h apart): its rows would be read {:.0} h off the sun. A file with UTC rows under a local zone (as PVGIS writes EPW files) must state TZ = 0; otherwise correct the zone",
                (utc_offset_hours - solar).abs()
            ),
        });
    }
    Ok(())
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
    /// Minutes after the start of each step at which its irradiance holds, where the sun is
    /// computed [min]: half a step for interval means; PVGIS states its own ("Irradiance Time
    /// Offset"); a conversion by a fraction of a step moves it.
    pub sun_minutes_into_step: f64,
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

    /// The same weather in another time zone: each series rotated by the difference of the
    /// offsets (what the file calls 12:00 at UTC−5 is 01:00 the next day at UTC+8), the year's
    /// end wrapping to its start as for a typical year.
    ///
    /// # Arguments
    /// * `utc_offset_hours`: the offset of local standard time wanted [h], −12..=14.
    ///
    /// # Notes
    /// A difference that is not a whole number of steps (e.g. +5.5 h on hourly data) rotates by
    /// the nearest whole number of steps and moves [`WeatherYear::sun_minutes_into_step`] by the
    /// rest, so that the sun is still computed at the data's true time.
    ///
    /// # Errors
    /// [`WeatherError::Parameter`] for an offset out of range or not finite.
    pub fn to_utc_offset(mut self, utc_offset_hours: f64) -> Result<WeatherYear, WeatherError> {
        if !(-12.0..=14.0).contains(&utc_offset_hours) {
            return Err(WeatherError::Parameter {
                field: "utc_offset_hours".into(),
                value: utc_offset_hours,
                unit: "h".into(),
                range: "in -12..=14".into(),
            });
        }
        let diff_steps =
            (utc_offset_hours - self.site.utc_offset_hours) * 60.0 / f64::from(self.step_minutes);
        let whole = diff_steps.round();
        let n = self.n_steps() as i64;
        if n > 0 && whole != 0.0 {
            let k = (whole as i64).rem_euclid(n) as usize;
            let rot = |v: &mut Vec<f64>| v.rotate_right(k);
            rot(&mut self.ghi_w_per_m2);
            rot(&mut self.temp_air_c);
            rot(&mut self.wind_speed_m_per_s);
            if let Some(v) = self.dni_w_per_m2.as_mut() {
                rot(v);
            }
            if let Some(v) = self.dhi_w_per_m2.as_mut() {
                rot(v);
            }
        }
        self.sun_minutes_into_step += (diff_steps - whole) * f64::from(self.step_minutes);
        self.site.utc_offset_hours = utc_offset_hours;
        Ok(self)
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
#[inline]
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
#[inline]
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

/// The comma-separated fields of a line, found by a byte scan (no allocation, no UTF-8
/// decoding: a comma is one byte and never part of a multi-byte character).
#[inline]
pub(crate) fn fields(line: &str) -> impl Iterator<Item = &str> {
    let bytes = line.as_bytes();
    let mut start = 0;
    let mut done = false;
    std::iter::from_fn(move || {
        if done {
            return None;
        }
        let rest = &bytes[start..];
        match rest.iter().position(|&b| b == b',') {
            Some(p) => {
                let f = &line[start..start + p];
                start += p + 1;
                Some(f)
            }
            None => {
                done = true;
                Some(&line[start..])
            }
        }
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

    fn ramp_year(utc_offset_hours: f64) -> WeatherYear {
        let n = steps_in_year(2025, 60);
        WeatherYear {
            site: Site {
                name: "t".into(),
                latitude_deg: 36.1,
                longitude_deg: -79.95,
                elevation_m: 0.0,
                utc_offset_hours,
            },
            year: 2025,
            step_minutes: 60,
            ghi_w_per_m2: (0..n).map(|i| (i % 1000) as f64).collect(),
            dni_w_per_m2: None,
            dhi_w_per_m2: Some((0..n).map(|i| (i % 7) as f64).collect()),
            temp_air_c: vec![10.0; n],
            wind_speed_m_per_s: vec![1.0; n],
            sun_minutes_into_step: 30.0,
            source: SourceInfo::default(),
        }
    }

    #[test]
    fn conversion_to_another_zone_rotates_by_the_offset_difference() {
        let w = ramp_year(-5.0);
        let e = w.clone().to_utc_offset(8.0).unwrap();
        // 00:00 at UTC-5 is 13:00 at UTC+8
        assert!((e.ghi_w_per_m2[13] - w.ghi_w_per_m2[0]).abs() < 1e-12);
        assert!((e.ghi_w_per_m2[0] - w.ghi_w_per_m2[8760 - 13]).abs() < 1e-12);
        assert!(
            (e.dhi_w_per_m2.as_ref().unwrap()[20] - w.dhi_w_per_m2.as_ref().unwrap()[7]).abs()
                < 1e-12
        );
        assert!((e.site.utc_offset_hours - 8.0).abs() < 1e-12);
        // the same instants: the start moves by 13 h
        assert!((e.start_unix_s() - (w.start_unix_s() - 13.0 * 3600.0)).abs() < 1e-6);
        // back again is the identity
        assert_eq!(e.to_utc_offset(-5.0).unwrap(), w);
        // half an hour: rotate by the nearest step, the sun moves by the rest
        let h = ramp_year(8.0).to_utc_offset(5.5).unwrap();
        assert!(
            (h.sun_minutes_into_step - 60.0).abs() < 1e-9
                || (h.sun_minutes_into_step - 0.0).abs() < 1e-9,
            "{}",
            h.sun_minutes_into_step
        );
        assert!(ramp_year(8.0).to_utc_offset(15.0).is_err());
    }

    #[test]
    fn fields_split_like_str_split() {
        for l in ["a,b,,c", "", ",", "x", "1,2,3,", "é,ü,中,文"] {
            assert_eq!(
                fields(l).collect::<Vec<_>>(),
                l.split(',').collect::<Vec<_>>(),
                "{l:?}"
            );
        }
    }

    #[test]
    fn a_zone_far_from_the_longitude_is_refused() {
        assert!(check_zone_against_longitude("a.epw", 1, 8.0, 112.9).is_ok());
        assert!(check_zone_against_longitude("a.epw", 1, -5.0, -79.95).is_ok());
        let e = check_zone_against_longitude("changsha_pvgis.epw", 1, 1.0, 112.9)
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with("changsha_pvgis.epw:1:")
                && e.contains("UTC+1")
                && e.contains("112.9")
                && e.contains("PVGIS"),
            "{e}"
        );
    }

    #[test]
    fn formats_are_recognised_from_their_first_lines() {
        let cases = [
            (
                "LOCATION,Changsha,HN,CHN,CSWD,576870,28.22,112.92,8.0,68.0\nDESIGN CONDITIONS,0\n",
                Some(Format::Epw),
            ),
            (
                "723170,\"GREENSBORO\",NC,-5.0,36.100,-79.950,273\nDate (MM/DD/YYYY),Time (HH:MM),ETR (W/m^2)\n01/01/1988,01:00,0\n",
                Some(Format::Tmy3),
            ),
            (
                "Latitude (decimal degrees):\t26.420\nLongitude (decimal degrees):\t111.610\n",
                Some(Format::PvgisCsv),
            ),
            (
                "month,year\n1,2012\ntime(UTC),T2m,RH,G(h)\n20120101:0000,10.0,80,0\n",
                Some(Format::PvgisCsv),
            ),
            ("\u{feff}  {\"inputs\": {}}", Some(Format::PvgisJson)),
            (
                "timestamp,ghi,temp_air,wind_speed\n2025-01-01 00:00,0,10.0,2.0\n",
                Some(Format::Csv),
            ),
            ("# notes\nnothing tabular here\n", None),
            ("a,b\n1,2\n", None),
            ("", None),
        ];
        for (text, want) in cases {
            assert_eq!(Format::detect(text), want, "{text:?}");
        }
    }

    #[test]
    fn declared_format_must_match_the_content() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("723170TYA.CSV");
        std::fs::write(
            &p,
            "723170,\"GREENSBORO\",NC,-5.0,36.100,-79.950,273\nDate (MM/DD/YYYY),Time (HH:MM)\n",
        )
        .unwrap();
        let spec = csv::CsvSpec {
            site: Site {
                name: "x".into(),
                latitude_deg: 26.0,
                longitude_deg: 111.0,
                elevation_m: 100.0,
                utc_offset_hours: 8.0,
            },
            columns: csv::CsvColumns::default(),
            irradiance_unit: Default::default(),
            temperature_unit: Default::default(),
            wind_unit: Default::default(),
            time_label: Default::default(),
            step_minutes: 60,
        };
        let e = read_file(&p, Some(Format::Epw), &spec, 8.0).unwrap_err();
        assert!(
            matches!(
                e,
                WeatherError::FormatMismatch {
                    declared: "epw",
                    found: "tmy3",
                    ..
                }
            ),
            "{e}"
        );
        assert!(e.to_string().contains("give `tmy3`"), "{e}");
        std::fs::write(&p, "just text\n").unwrap();
        let e = read_file(&p, None, &spec, 8.0).unwrap_err();
        assert!(matches!(e, WeatherError::UnknownFormat { .. }), "{e}");
        assert!(e.to_string().contains("line 1: `just text`"), "{e}");
    }

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
            sun_minutes_into_step: 30.0,
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
