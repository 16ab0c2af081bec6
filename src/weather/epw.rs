//! EnergyPlus weather (EPW) reader.
//!
//! Format: 8 header lines (LOCATION first, DATA PERIODS last) then one line per hour with
//! year, month, day, hour 1-24 (the hour *ending* at that time), minute, flags, dry bulb (field 7),
//! …, GHI (14), DNI (15), DHI (16), …, wind speed (22), 1-based field numbers.
//!
//! # References
//! U.S. DOE, "Auxiliary Programs: EnergyPlus Weather File (EPW) Data Dictionary," EnergyPlus
//! documentation, ch. 2.9.

use super::{
    IRRADIANCE_RANGE_W_PER_M2, Site, SourceInfo, TEMPERATURE_RANGE_C, TYPICAL_YEAR,
    WIND_RANGE_M_PER_S, WeatherError, WeatherYear, check_range, distinct_years, parse_f64,
};
use crate::calendar::days_in_month;
use std::path::Path;

/// Read an hourly EPW file into a [`WeatherYear`].
///
/// # Arguments
/// * `path`: the `.epw` file.
///
/// # Returns
/// The weather on local standard time. A typical year (records from several years) is placed on
/// [`TYPICAL_YEAR`]; a single-year file keeps its year.
///
/// # Errors
/// [`WeatherError`] naming the file and line for: an unreadable file, a bad LOCATION line,
/// sub-hourly data, a record that is not the hour after the previous one (gap), a field that is
/// not a number or is out of range (GHI/DNI/DHI 0..1500 W/m², air temperature −60..70 °C, wind
/// 0..60 m/s; EPW's 9999 "missing" codes fail here), or not one full year of records.
pub fn read_epw(path: impl AsRef<Path>) -> Result<WeatherYear, WeatherError> {
    let path = path.as_ref();
    let text = super::read_to_string(path)?;
    parse_epw(&text, &path.display().to_string())
}

/// Parse EPW text; `path` is used in error messages only. See [`read_epw`].
///
/// # Errors
/// As [`read_epw`].
pub fn parse_epw(text: &str, path: &str) -> Result<WeatherYear, WeatherError> {
    let fmt = |line: usize, message: String| WeatherError::Format {
        path: path.to_string(),
        line,
        message,
    };
    let mut lines = text.lines().enumerate();
    let (_, loc) = lines
        .next()
        .ok_or_else(|| fmt(1, "empty file, expected a LOCATION line".into()))?;
    let f: Vec<&str> = loc.split(',').collect();
    if f.len() < 10 || !f[0].trim().eq_ignore_ascii_case("LOCATION") {
        return Err(fmt(
            1,
            format!(
                "expected `LOCATION,city,state,country,source,WMO,lat,lon,tz,elev`, found `{loc}`"
            ),
        ));
    }
    let site = Site {
        name: f[1].trim().to_string(),
        latitude_deg: check_range(
            path,
            1,
            "latitude",
            parse_f64(path, 1, "latitude", f[6])?,
            "deg",
            (-90.0, 90.0),
        )?,
        longitude_deg: check_range(
            path,
            1,
            "longitude",
            parse_f64(path, 1, "longitude", f[7])?,
            "deg",
            (-180.0, 180.0),
        )?,
        utc_offset_hours: check_range(
            path,
            1,
            "time zone",
            parse_f64(path, 1, "time zone", f[8])?,
            "h",
            (-12.0, 14.0),
        )?,
        elevation_m: check_range(
            path,
            1,
            "elevation",
            parse_f64(path, 1, "elevation", f[9])?,
            "m",
            (-500.0, 9000.0),
        )?,
    };
    super::check_zone_against_longitude(path, 1, site.utc_offset_hours, site.longitude_deg)?;
    let mut data_start = None;
    for (i, l) in lines.by_ref() {
        if l.starts_with("DATA PERIODS") {
            let p: Vec<&str> = l.split(',').collect();
            let per_hour = p.get(2).map(|s| s.trim()).unwrap_or("1");
            if per_hour != "1" {
                return Err(WeatherError::Step {
                    path: path.to_string(),
                    line: i + 1,
                    message: format!(
                        "{per_hour} records per hour; only hourly EPW files are supported"
                    ),
                });
            }
            data_start = Some(i + 1);
            break;
        }
        if i > 20 {
            break;
        }
    }
    let Some(_) = data_start else {
        return Err(fmt(
            8,
            "no `DATA PERIODS` header line found in the first 8 lines".into(),
        ));
    };
    let mut years = Vec::with_capacity(8784);
    let (mut ghi, mut dni, mut dhi, mut temp, mut wind) = (
        Vec::with_capacity(8784),
        Vec::with_capacity(8784),
        Vec::with_capacity(8784),
        Vec::with_capacity(8784),
        Vec::with_capacity(8784),
    );
    let mut prev: Option<(u8, u8, u8)> = None;
    for (i, l) in lines {
        let line = i + 1;
        if l.trim().is_empty() {
            continue;
        }
        // Zero-copy: the first 22 fields split in place, no allocation per row.
        let mut f = [""; 22];
        let mut n_fields = 0;
        for (k, field) in super::fields(l).enumerate() {
            if k >= 22 {
                n_fields = k + 1;
                break;
            }
            f[k] = field;
            n_fields = k + 1;
        }
        if n_fields < 22 {
            return Err(fmt(
                line,
                format!("{n_fields} fields, an EPW data line has at least 22"),
            ));
        }
        let int = |k: usize, name: &str| -> Result<i64, WeatherError> {
            f[k].trim().parse::<i64>().map_err(|_| {
                fmt(
                    line,
                    format!("field `{name}` = `{}` is not an integer", f[k].trim()),
                )
            })
        };
        let year = int(0, "year")? as i32;
        let (month, day, hour) = (int(1, "month")?, int(2, "day")?, int(3, "hour")?);
        if !(1..=12).contains(&month) || !(1..=31).contains(&day) || !(1..=24).contains(&hour) {
            return Err(fmt(
                line,
                format!("invalid date/hour {month}/{day} hour {hour}"),
            ));
        }
        let cur = (month as u8, day as u8, hour as u8);
        let expected = match prev {
            None => (1, 1, 1),
            Some(p) => next_hour(p),
        };
        let skipped_feb29 = expected == (2, 29, 1) && cur == (3, 1, 1);
        if cur != expected && !skipped_feb29 {
            return Err(WeatherError::Step {
                path: path.to_string(),
                line,
                message: format!(
                    "record {:02}-{:02} hour {} follows {}, expected {:02}-{:02} hour {} (gap, repeat or sub-hourly step)",
                    cur.0,
                    cur.1,
                    cur.2,
                    prev.map(|p| format!("{:02}-{:02} hour {}", p.0, p.1, p.2))
                        .unwrap_or_else(|| "the header".into()),
                    expected.0,
                    expected.1,
                    expected.2
                ),
            });
        }
        prev = Some(cur);
        years.push(year);
        let val = |k: usize, name: &str, unit: &str, range| -> Result<f64, WeatherError> {
            check_range(
                path,
                line,
                name,
                parse_f64(path, line, name, f[k])?,
                unit,
                range,
            )
        };
        temp.push(val(6, "dry bulb temperature", "°C", TEMPERATURE_RANGE_C)?);
        ghi.push(val(13, "GHI", "W/m²", IRRADIANCE_RANGE_W_PER_M2)?);
        dni.push(val(14, "DNI", "W/m²", IRRADIANCE_RANGE_W_PER_M2)?);
        dhi.push(val(15, "DHI", "W/m²", IRRADIANCE_RANGE_W_PER_M2)?);
        wind.push(val(21, "wind speed", "m/s", WIND_RANGE_M_PER_S)?);
    }
    let n = ghi.len();
    let distinct = distinct_years(years.clone());
    let leap_records = n == 8784;
    let year = if distinct.len() == 1 {
        distinct[0]
    } else if leap_records {
        2024
    } else {
        TYPICAL_YEAR
    };
    let expected = super::steps_in_year(year, 60);
    if n != expected {
        return Err(WeatherError::Length {
            path: path.to_string(),
            n_records: n,
            expected,
            step_minutes: 60,
        });
    }
    let w = WeatherYear {
        site,
        year,
        step_minutes: 60,
        sun_minutes_into_step: 30.0,
        ghi_w_per_m2: ghi,
        dni_w_per_m2: Some(dni),
        dhi_w_per_m2: Some(dhi),
        temp_air_c: temp,
        wind_speed_m_per_s: wind,
        source: SourceInfo {
            path: path.to_string(),
            format: "EPW".into(),
            years_found: distinct,
            n_records: n,
        },
    };
    Ok(w)
}

/// The (month, day, hour 1-24) after a given one, allowing 29 February.
pub(crate) fn next_hour((m, d, h): (u8, u8, u8)) -> (u8, u8, u8) {
    if h < 24 {
        return (m, d, h + 1);
    }
    // days_in_month of a leap year: 29 Feb is allowed, its absence is handled below
    let dim = days_in_month(2024, m);
    if d < dim {
        (m, d + 1, 1)
    } else if m < 12 {
        (m + 1, 1, 1)
    } else {
        (1, 1, 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tiny_epw(hours: usize, bad: Option<(usize, &str)>) -> String {
        let mut s = String::from("LOCATION,Test,HN,CHN,SRC,1,26.4,111.6,8.0,120.0\n");
        for h in [
            "DESIGN",
            "TYPICAL",
            "GROUND",
            "HOLIDAYS",
            "COMMENTS 1",
            "COMMENTS 2",
        ] {
            s.push_str(h);
            s.push('\n');
        }
        s.push_str("DATA PERIODS,1,1,Data,Sunday,1/ 1,12/31\n");
        let mut t = (1u8, 1u8, 1u8);
        for i in 0..hours {
            let ghi = if let Some((k, v)) = bad {
                if k == i { v.to_string() } else { "100".into() }
            } else {
                "100".into()
            };
            s.push_str(&format!(
                "2007,{},{},{},60,?,20.0,10,80,101300,0,0,300,{ghi},200,50,0,0,0,0,180,2.5,5,5\n",
                t.0, t.1, t.2
            ));
            t = next_hour(t);
            if t == (2, 29, 1) {
                t = (3, 1, 1);
            }
        }
        s
    }

    #[test]
    fn reads_a_full_year_and_reports_it() {
        let w = parse_epw(&tiny_epw(8760, None), "t.epw").unwrap();
        assert_eq!(w.n_steps(), 8760);
        assert_eq!(w.year, 2007);
        assert_eq!(w.source.years_found, vec![2007]);
        approx::assert_relative_eq!(w.site.latitude_deg, 26.4);
        approx::assert_relative_eq!(w.dni_w_per_m2.as_ref().unwrap()[5], 200.0);
    }

    #[test]
    fn refuses_out_of_range_gaps_and_short_files() {
        let e = parse_epw(&tiny_epw(8760, Some((30, "9999"))), "t.epw")
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with("t.epw:39:") && e.contains("GHI = 9999"),
            "{e}"
        );
        let e = parse_epw(&tiny_epw(8759, None), "t.epw")
            .unwrap_err()
            .to_string();
        assert!(e.contains("8759 records"), "{e}");
        let mut text = tiny_epw(30, None);
        text = text.replace("2007,1,1,5,", "2007,1,1,6,");
        let e = parse_epw(&text, "t.epw").unwrap_err().to_string();
        assert!(e.contains("t.epw:13:") && e.contains("gap"), "{e}");
    }

    #[test]
    #[ignore = "reads ../shared/reference (not redistributed); .ci/run runs it with --ignored"]
    fn reads_the_changsha_reference() {
        let p = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../shared/reference/weather/CHN_HN_Changsha.576870_TMYx.2007-2021.epw");
        assert!(p.exists(), "{} not found", p.display());
        let w = read_epw(&p).unwrap();
        assert_eq!(w.year, TYPICAL_YEAR);
        assert!(w.source.years_found.len() > 3);
        let annual: f64 = w.monthly_ghi_kwh_per_m2().iter().sum();
        // hunan.md 6b: 1,383 kWh/m²
        approx::assert_relative_eq!(annual, 1383.0, epsilon = 2.0);
    }
}
