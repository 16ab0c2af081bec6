//! Plain CSV weather reader with declared columns and units.
//!
//! The file has one header line naming the columns and one line per step. The timestamp column
//! holds `YYYY-MM-DD HH:MM` in local standard time of the site, in any form
//! [`crate::calendar::stamp`] reads (`T` or a space, `/` or `-`, zero seconds); a timestamp that
//! states its UTC offset (`+08:00`, `Z`) is converted to the site's clock. Timestamps label either
//! the start or the end of each interval as declared.

use super::{
    IRRADIANCE_RANGE_W_PER_M2, Site, SourceInfo, TEMPERATURE_RANGE_C, WIND_RANGE_M_PER_S,
    WeatherError, WeatherYear, check_range, parse_f64,
};
use crate::calendar::Date;
use crate::calendar::stamp::parse_timestamp;
use std::path::Path;

/// Unit of the irradiance columns.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum IrradianceUnit {
    /// Watts per square metre.
    #[default]
    WPerM2,
    /// Kilowatts per square metre.
    KwPerM2,
}

/// Unit of the air-temperature column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TemperatureUnit {
    /// Degrees Celsius.
    #[default]
    Celsius,
    /// Kelvin.
    Kelvin,
    /// Degrees Fahrenheit.
    Fahrenheit,
}

/// Unit of the wind-speed column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SpeedUnit {
    /// Metres per second.
    #[default]
    MPerS,
    /// Kilometres per hour.
    KmPerH,
}

/// Which end of the interval a timestamp labels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TimeLabel {
    /// `00:00` labels the step 00:00-01:00.
    #[default]
    IntervalStart,
    /// `01:00` labels the step 00:00-01:00 (EPW/TMY convention).
    IntervalEnd,
}

/// Column names of a plain weather CSV.
#[derive(Debug, Clone, PartialEq)]
pub struct CsvColumns {
    /// Timestamp column.
    pub timestamp: String,
    /// Global horizontal irradiance column.
    pub ghi: String,
    /// Direct normal irradiance column, if any.
    pub dni: Option<String>,
    /// Diffuse horizontal irradiance column, if any.
    pub dhi: Option<String>,
    /// Air temperature column.
    pub temp_air: String,
    /// Wind speed column.
    pub wind_speed: String,
}

impl Default for CsvColumns {
    fn default() -> Self {
        CsvColumns {
            timestamp: "timestamp".into(),
            ghi: "ghi".into(),
            dni: Some("dni".into()),
            dhi: Some("dhi".into()),
            temp_air: "temp_air".into(),
            wind_speed: "wind_speed".into(),
        }
    }
}

/// Everything the reader needs to know about a plain CSV.
#[derive(Debug, Clone, PartialEq)]
pub struct CsvSpec {
    /// The site (a CSV has no header for it).
    pub site: Site,
    /// Column names.
    pub columns: CsvColumns,
    /// Unit of GHI/DNI/DHI.
    pub irradiance_unit: IrradianceUnit,
    /// Unit of air temperature.
    pub temperature_unit: TemperatureUnit,
    /// Unit of wind speed.
    pub wind_unit: SpeedUnit,
    /// What the timestamps label.
    pub time_label: TimeLabel,
    /// Step length [min], 60 or 15.
    pub step_minutes: u32,
}

/// Read a plain CSV weather file.
///
/// # Errors
/// [`WeatherError`] naming the file and line: missing column, unparsable timestamp or number,
/// a step that is not exactly `step_minutes` after the previous one, a first step that is not
/// January 1 00:00, a value out of physical range, or not one full year.
pub fn read_csv(path: impl AsRef<Path>, spec: &CsvSpec) -> Result<WeatherYear, WeatherError> {
    let path = path.as_ref();
    let text = super::read_to_string(path)?;
    parse_csv(&text, &path.display().to_string(), spec)
}

/// Parse plain CSV text; `path` is used in messages only. See [`read_csv`].
///
/// # Errors
/// As [`read_csv`].
pub fn parse_csv(text: &str, path: &str, spec: &CsvSpec) -> Result<WeatherYear, WeatherError> {
    if spec.step_minutes != 60 && spec.step_minutes != 15 {
        return Err(WeatherError::Parameter {
            field: "step_minutes".into(),
            value: f64::from(spec.step_minutes),
            unit: "min".into(),
            range: "60 or 15".into(),
        });
    }
    let mut lines = text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty());
    let (_, header) = lines.next().ok_or_else(|| WeatherError::Format {
        path: path.into(),
        line: 1,
        message: "empty file, expected a header line".into(),
    })?;
    let names: Vec<&str> = header
        .split(',')
        .map(|s| s.trim().trim_matches('"'))
        .collect();
    let col = |name: &str| -> Result<usize, WeatherError> {
        names
            .iter()
            .position(|n| n.eq_ignore_ascii_case(name))
            .ok_or_else(|| WeatherError::MissingColumn {
                path: path.into(),
                column: name.into(),
                hint: format!("header has: {}", names.join(", ")),
            })
    };
    let c = &spec.columns;
    let it = col(&c.timestamp)?;
    let ig = col(&c.ghi)?;
    let ib = c.dni.as_deref().map(col).transpose()?;
    let id = c.dhi.as_deref().map(col).transpose()?;
    let itemp = col(&c.temp_air)?;
    let iw = col(&c.wind_speed)?;
    let irr = match spec.irradiance_unit {
        IrradianceUnit::WPerM2 => 1.0,
        IrradianceUnit::KwPerM2 => 1000.0,
    };
    let to_c = |v: f64| match spec.temperature_unit {
        TemperatureUnit::Celsius => v,
        TemperatureUnit::Kelvin => v - 273.15,
        TemperatureUnit::Fahrenheit => (v - 32.0) / 1.8,
    };
    let wind = match spec.wind_unit {
        SpeedUnit::MPerS => 1.0,
        SpeedUnit::KmPerH => 1.0 / 3.6,
    };
    let step = i64::from(spec.step_minutes);
    // Whole minutes east of UTC of the site's clock; a timestamp with an offset is converted to it.
    let zone_min = (spec.site.utc_offset_hours * 60.0).round() as i64;
    let offset = match spec.time_label {
        TimeLabel::IntervalStart => 0,
        TimeLabel::IntervalEnd => step,
    };
    let (mut ghi, mut dni, mut dhi, mut temp, mut ws) = (vec![], vec![], vec![], vec![], vec![]);
    let mut prev: Option<i64> = None;
    let mut year = 0;
    for (i, l) in lines {
        let line = i + 1;
        let f: Vec<&str> = l.split(',').collect();
        let need = [it, ig, itemp, iw]
            .into_iter()
            .chain(ib)
            .chain(id)
            .max()
            .unwrap_or(0);
        if f.len() <= need {
            return Err(WeatherError::Format {
                path: path.into(),
                line,
                message: format!("{} fields, the header declares {}", f.len(), names.len()),
            });
        }
        let t = parse_timestamp(f[it], zone_min).map_err(|why| WeatherError::Format {
            path: path.into(),
            line,
            message: format!("timestamp `{}` {why}", f[it].trim()),
        })?;
        let t = t - offset;
        match prev {
            None => {
                year = Date::from_days_since_epoch(t.div_euclid(1440)).year();
                let jan1 = Date::new(year, 1, 1)
                    .expect("Jan 1 exists")
                    .days_since_epoch()
                    * 1440;
                if t != jan1 {
                    return Err(WeatherError::Step {
                        path: path.into(),
                        line,
                        message: format!(
                            "first step `{}` is not the start of 1 January",
                            f[it].trim()
                        ),
                    });
                }
            }
            Some(p) if t != p + step => {
                return Err(WeatherError::Step {
                    path: path.into(),
                    line,
                    message: format!(
                        "`{}` is {} min after the previous record, expected {} (gap or wrong step)",
                        f[it].trim(),
                        t - p,
                        step
                    ),
                });
            }
            _ => {}
        }
        prev = Some(t);
        let num = |k: usize, name: &str| parse_f64(path, line, name, f[k]);
        ghi.push(check_range(
            path,
            line,
            &c.ghi,
            num(ig, &c.ghi)? * irr,
            "W/m²",
            IRRADIANCE_RANGE_W_PER_M2,
        )?);
        if let (Some(k), Some(n)) = (ib, &c.dni) {
            dni.push(check_range(
                path,
                line,
                n,
                num(k, n)? * irr,
                "W/m²",
                IRRADIANCE_RANGE_W_PER_M2,
            )?);
        }
        if let (Some(k), Some(n)) = (id, &c.dhi) {
            dhi.push(check_range(
                path,
                line,
                n,
                num(k, n)? * irr,
                "W/m²",
                IRRADIANCE_RANGE_W_PER_M2,
            )?);
        }
        temp.push(check_range(
            path,
            line,
            &c.temp_air,
            to_c(num(itemp, &c.temp_air)?),
            "°C",
            TEMPERATURE_RANGE_C,
        )?);
        ws.push(check_range(
            path,
            line,
            &c.wind_speed,
            num(iw, &c.wind_speed)? * wind,
            "m/s",
            WIND_RANGE_M_PER_S,
        )?);
    }
    let n = ghi.len();
    let expected = super::steps_in_year(year, spec.step_minutes);
    if n != expected {
        return Err(WeatherError::Length {
            path: path.into(),
            n_records: n,
            expected,
            step_minutes: spec.step_minutes,
        });
    }
    Ok(WeatherYear {
        site: spec.site.clone(),
        year,
        step_minutes: spec.step_minutes,
        sun_minutes_into_step: f64::from(spec.step_minutes) / 2.0,
        ghi_w_per_m2: ghi,
        dni_w_per_m2: ib.map(|_| dni),
        dhi_w_per_m2: id.map(|_| dhi),
        temp_air_c: temp,
        wind_speed_m_per_s: ws,
        source: SourceInfo {
            path: path.into(),
            format: "CSV".into(),
            years_found: vec![year],
            n_records: n,
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec() -> CsvSpec {
        CsvSpec {
            site: Site {
                name: "t".into(),
                latitude_deg: 26.4,
                longitude_deg: 111.6,
                elevation_m: 100.0,
                utc_offset_hours: 8.0,
            },
            columns: CsvColumns {
                dni: None,
                dhi: None,
                ..CsvColumns::default()
            },
            irradiance_unit: IrradianceUnit::KwPerM2,
            temperature_unit: TemperatureUnit::Kelvin,
            wind_unit: SpeedUnit::KmPerH,
            time_label: TimeLabel::IntervalEnd,
            step_minutes: 60,
        }
    }

    fn text(n: usize) -> String {
        let mut s = String::from("timestamp,ghi,temp_air,wind_speed\n");
        let start = Date::new(2025, 1, 1).unwrap().days_since_epoch() * 1440;
        for i in 0..n as i64 {
            let t = start + (i + 1) * 60;
            let d = Date::from_days_since_epoch(t.div_euclid(1440));
            let m = t.rem_euclid(1440);
            s.push_str(&format!(
                "{:04}-{:02}-{:02} {:02}:{:02},0.5,293.15,3.6\n",
                d.year(),
                d.month(),
                d.day(),
                m / 60,
                m % 60
            ));
        }
        s
    }

    #[test]
    fn reads_with_unit_conversion_and_end_labels() {
        let w = parse_csv(&text(8760), "w.csv", &spec()).unwrap();
        assert_eq!(w.year, 2025);
        approx::assert_relative_eq!(w.ghi_w_per_m2[0], 500.0);
        approx::assert_relative_eq!(w.temp_air_c[0], 20.0, epsilon = 1e-9);
        approx::assert_relative_eq!(w.wind_speed_m_per_s[0], 1.0, epsilon = 1e-12);
        assert!(w.dni_w_per_m2.is_none());
    }

    #[test]
    fn refuses_missing_column_gaps_and_ranges() {
        let mut s = spec();
        s.columns.ghi = "GHI_x".into();
        let e = parse_csv(&text(10), "w.csv", &s).unwrap_err().to_string();
        assert!(e.contains("missing column `GHI_x`"), "{e}");
        let t = text(8760).replacen("2025-01-01 05:00", "2025-01-01 05:30", 1);
        let e = parse_csv(&t, "w.csv", &spec()).unwrap_err().to_string();
        assert!(e.contains("w.csv:6:") && e.contains("gap"), "{e}");
        let t = text(8760).replacen("0.5,", "1.6,", 1);
        let e = parse_csv(&t, "w.csv", &spec()).unwrap_err().to_string();
        assert!(e.contains("w.csv:2:") && e.contains("1600"), "{e}");
    }

    #[test]
    fn timestamps_with_an_offset_are_converted_to_the_site_clock() {
        // Every row written on UTC time with `Z`: 8 h behind the site's clock, so the file
        // starts at 2024-12-31 16:00Z (= 2025-01-01 00:00 at +08:00) and reads as the same year.
        let plain = text(8760);
        let mut utc = String::new();
        for (k, l) in plain.lines().enumerate() {
            if k == 0 {
                utc.push_str(l);
            } else {
                let (ts, rest) = l.split_once(',').unwrap();
                let t = crate::calendar::stamp::parse_timestamp(ts, 480).unwrap() - 480;
                let d = Date::from_days_since_epoch(t.div_euclid(1440));
                let m = t.rem_euclid(1440);
                utc.push_str(&format!(
                    "{:04}-{:02}-{:02}T{:02}:{:02}Z,{rest}",
                    d.year(),
                    d.month(),
                    d.day(),
                    m / 60,
                    m % 60
                ));
            }
            utc.push('\n');
        }
        assert!(utc.contains("2024-12-31T17:00Z"), "{}", &utc[..80]);
        let a = parse_csv(&plain, "w.csv", &spec()).unwrap();
        let b = parse_csv(&utc, "w.csv", &spec()).unwrap();
        assert_eq!(b.year, 2025);
        assert_eq!(a.ghi_w_per_m2, b.ghi_w_per_m2);
        // A timestamp with a seconds part that is not zero says so.
        let t = plain.replacen("2025-01-01 05:00", "2025-01-01 05:00:30", 1);
        let e = parse_csv(&t, "w.csv", &spec()).unwrap_err().to_string();
        assert!(e.contains("w.csv:6:") && e.contains("whole minute"), "{e}");
    }
}
