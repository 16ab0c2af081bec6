//! PVGIS typical-meteorological-year readers (CSV and JSON outputs of the PVGIS `tmy` tool).
//!
//! PVGIS gives hourly records stamped `YYYYMMDD:HHMM` in **UTC**; they are moved to local
//! standard time by rotating the typical year by the UTC offset (the year wraps around).
//! Columns used: `G(h)` GHI, `Gb(n)` DNI, `Gd(h)` DHI [W/m²], `T2m` [°C], `WS10m` [m/s].
//!
//! # References
//! European Commission JRC, "PVGIS user manual: TMY," 2022.
//! <https://joint-research-centre.ec.europa.eu/pvgis-online-tool/getting-started-pvgis/pvgis-user-manual_en>

use super::{
    IRRADIANCE_RANGE_W_PER_M2, Site, SourceInfo, TEMPERATURE_RANGE_C, TYPICAL_YEAR,
    WIND_RANGE_M_PER_S, WeatherError, WeatherYear, check_range, distinct_years,
};
use crate::calendar::stamp;
use std::path::Path;

/// One PVGIS record before time conversion.
struct Rec {
    year: i32,
    month: u8,
    day: u8,
    hour: u8,
    vals: [f64; 5],
}

const FIELDS: [(&str, &str, (f64, f64)); 5] = [
    ("G(h)", "W/m²", IRRADIANCE_RANGE_W_PER_M2),
    ("Gb(n)", "W/m²", IRRADIANCE_RANGE_W_PER_M2),
    ("Gd(h)", "W/m²", IRRADIANCE_RANGE_W_PER_M2),
    ("T2m", "°C", TEMPERATURE_RANGE_C),
    ("WS10m", "m/s", WIND_RANGE_M_PER_S),
];

/// Year, month, day and hour of PVGIS's `YYYYMMDD:HHMM` (see [`stamp::parse_compact_hour`]).
fn parse_time(s: &str) -> Option<(i32, u8, u8, u8)> {
    let (d, hour) = stamp::parse_compact_hour(s)?;
    Some((d.year(), d.month(), d.day(), hour))
}

/// Read a PVGIS TMY CSV file.
///
/// # Arguments
/// * `path`; `utc_offset_hours`: local standard time offset [h], a whole number (+8 for China).
///
/// # Errors
/// [`WeatherError`] naming the file and line: missing latitude/longitude/elevation header or column,
/// unparsable time or value, non-hourly or out-of-order records, values out of range, or not 8760
/// records.
pub fn read_pvgis_tmy_csv(
    path: impl AsRef<Path>,
    utc_offset_hours: f64,
) -> Result<WeatherYear, WeatherError> {
    let path = path.as_ref();
    let text = super::read_to_string(path)?;
    parse_pvgis_tmy_csv(&text, &path.display().to_string(), utc_offset_hours)
}

/// Parse PVGIS TMY CSV text; `path` is used in messages only. See [`read_pvgis_tmy_csv`].
///
/// # Errors
/// As [`read_pvgis_tmy_csv`].
pub fn parse_pvgis_tmy_csv(
    text: &str,
    path: &str,
    utc_offset_hours: f64,
) -> Result<WeatherYear, WeatherError> {
    let mut lat = None;
    let mut lon = None;
    let mut elev = None;
    let mut time_offset_h = None;
    let mut header: Option<(usize, Vec<String>)> = None;
    let mut recs = Vec::with_capacity(8760);
    for (i, l) in text.lines().enumerate() {
        let line = i + 1;
        let t = l.trim();
        if let Some((k, v)) = t.split_once(':').filter(|_| header.is_none()) {
            let num = v.trim().trim_matches(',').trim().parse::<f64>().ok();
            if k.starts_with("Latitude") {
                lat = num;
            } else if k.starts_with("Longitude") {
                lon = num;
            } else if k.starts_with("Elevation") {
                elev = num;
            } else if k.starts_with("Irradiance Time Offset") {
                time_offset_h = Some(num.filter(|h| (0.0..1.0).contains(h)).ok_or_else(|| {
                    WeatherError::Format {
                        path: path.into(),
                        line,
                        message: format!(
                            "`{t}`: expected an irradiance time offset in hours, 0 to under 1"
                        ),
                    }
                })?);
            }
        }
        if t.starts_with("time(UTC)") {
            header = Some((line, t.split(',').map(|s| s.trim().to_string()).collect()));
            continue;
        }
        let Some((_, names)) = &header else { continue };
        if !t.starts_with(|c: char| c.is_ascii_digit()) {
            if recs.is_empty() {
                continue;
            }
            break; // footer
        }
        let f: Vec<&str> = t.split(',').collect();
        let Some((year, month, day, hour)) = parse_time(f[0]) else {
            return Err(WeatherError::Format {
                path: path.into(),
                line,
                message: format!("time `{}` is not `YYYYMMDD:HHMM`", f[0]),
            });
        };
        let mut vals = [0.0; 5];
        for (k, (name, unit, range)) in FIELDS.iter().enumerate() {
            let c = names.iter().position(|n| n == name).ok_or_else(|| {
                WeatherError::MissingColumn {
                    path: path.into(),
                    column: (*name).into(),
                    hint:
                        "PVGIS TMY columns time(UTC),T2m,RH,G(h),Gb(n),Gd(h),IR(h),WS10m,WD10m,SP"
                            .into(),
                }
            })?;
            let s = f.get(c).copied().unwrap_or("");
            vals[k] = check_range(
                path,
                line,
                name,
                super::parse_f64(path, line, name, s)?,
                unit,
                *range,
            )?;
        }
        recs.push((
            line,
            Rec {
                year,
                month,
                day,
                hour,
                vals,
            },
        ));
    }
    let (Some(latitude_deg), Some(longitude_deg)) = (lat, lon) else {
        return Err(WeatherError::MissingColumn {
            path: path.into(),
            column: "Latitude/Longitude".into(),
            hint: "PVGIS header lines `Latitude (decimal degrees): …`".into(),
        });
    };
    let site = Site {
        name: format!("PVGIS TMY {latitude_deg:.3}N {longitude_deg:.3}E"),
        latitude_deg,
        longitude_deg,
        elevation_m: elev.unwrap_or(0.0),
        utc_offset_hours,
    };
    // PVGIS labels each hour by its start in UTC; the irradiance holds at the label plus the
    // stated offset (the satellite's scan time), otherwise at the middle of the hour.
    let sun_minutes = time_offset_h.map_or(30.0, |h| h * 60.0);
    build(recs, site, path, "PVGIS TMY CSV", sun_minutes)
}

/// Read a PVGIS TMY JSON file (`outputs.tmy_hourly`, location from `inputs.location`).
///
/// # Errors
/// As [`read_pvgis_tmy_csv`]; line numbers are record indices + 1.
pub fn read_pvgis_tmy_json(
    path: impl AsRef<Path>,
    utc_offset_hours: f64,
) -> Result<WeatherYear, WeatherError> {
    let path = path.as_ref();
    let text = super::read_to_string(path)?;
    parse_pvgis_tmy_json(&text, &path.display().to_string(), utc_offset_hours)
}

/// Parse PVGIS TMY JSON text. See [`read_pvgis_tmy_json`].
///
/// # Errors
/// As [`read_pvgis_tmy_json`].
pub fn parse_pvgis_tmy_json(
    text: &str,
    path: &str,
    utc_offset_hours: f64,
) -> Result<WeatherYear, WeatherError> {
    let v: serde_json::Value = serde_json::from_str(text).map_err(|e| WeatherError::Format {
        path: path.into(),
        line: e.line(),
        message: e.to_string(),
    })?;
    let missing = |c: &str| WeatherError::MissingColumn {
        path: path.into(),
        column: c.into(),
        hint: "PVGIS TMY JSON".into(),
    };
    let loc = &v["inputs"]["location"];
    let site = Site {
        name: "PVGIS TMY".into(),
        latitude_deg: loc["latitude"]
            .as_f64()
            .ok_or_else(|| missing("inputs.location.latitude"))?,
        longitude_deg: loc["longitude"]
            .as_f64()
            .ok_or_else(|| missing("inputs.location.longitude"))?,
        elevation_m: loc["elevation"].as_f64().unwrap_or(0.0),
        utc_offset_hours,
    };
    let rows = v["outputs"]["tmy_hourly"]
        .as_array()
        .ok_or_else(|| missing("outputs.tmy_hourly"))?;
    let mut recs = Vec::with_capacity(rows.len());
    for (i, r) in rows.iter().enumerate() {
        let line = i + 1;
        let t = r["time(UTC)"]
            .as_str()
            .and_then(parse_time)
            .ok_or_else(|| WeatherError::Format {
                path: path.into(),
                line,
                message: "record has no valid `time(UTC)`".into(),
            })?;
        let mut vals = [0.0; 5];
        for (k, (name, unit, range)) in FIELDS.iter().enumerate() {
            let x = r[*name].as_f64().ok_or_else(|| missing(name))?;
            vals[k] = check_range(path, line, name, x, unit, *range)?;
        }
        recs.push((
            line,
            Rec {
                year: t.0,
                month: t.1,
                day: t.2,
                hour: t.3,
                vals,
            },
        ));
    }
    build(recs, site, path, "PVGIS TMY JSON", 30.0)
}

/// Check hourly continuity (UTC, hour-start) and rotate into local standard time.
fn build(
    recs: Vec<(usize, Rec)>,
    site: Site,
    path: &str,
    format: &str,
    sun_minutes: f64,
) -> Result<WeatherYear, WeatherError> {
    if site.utc_offset_hours.fract().abs() > 1e-9 || site.utc_offset_hours.abs() > 14.0 {
        return Err(WeatherError::Parameter {
            field: "utc_offset_hours".into(),
            value: site.utc_offset_hours,
            unit: "h".into(),
            range: "a whole number of hours in -14..=14 for hourly PVGIS data".into(),
        });
    }
    let n = recs.len();
    if n != 8760 {
        return Err(WeatherError::Length {
            path: path.into(),
            n_records: n,
            expected: 8760,
            step_minutes: 60,
        });
    }
    let mut prev: Option<(u8, u8, u8)> = None;
    for (line, r) in &recs {
        // PVGIS hours are 0-23 interval starts; compare as EPW-style 1-24 ends
        let cur = (r.month, r.day, r.hour + 1);
        let expected = prev.map(super::epw::next_hour).unwrap_or((1, 1, 1));
        let skipped_feb29 = expected == (2, 29, 1) && cur == (3, 1, 1);
        if cur != expected && !skipped_feb29 {
            return Err(WeatherError::Step {
                path: path.into(),
                line: *line,
                message: format!(
                    "record {:02}-{:02} {:02}:00 UTC where {:02}-{:02} {:02}:00 was expected (gap or non-hourly step)",
                    r.month,
                    r.day,
                    r.hour,
                    expected.0,
                    expected.1,
                    expected.2 - 1
                ),
            });
        }
        prev = Some(cur);
    }
    let shift = site.utc_offset_hours as i64;
    let mut cols = vec![vec![0.0; n]; 5];
    for (k, (_, r)) in recs.iter().enumerate() {
        let local = (k as i64 + shift).rem_euclid(n as i64) as usize;
        for (col, v) in cols.iter_mut().zip(r.vals) {
            col[local] = v;
        }
    }
    let years_found = distinct_years(recs.iter().map(|(_, r)| r.year).collect());
    let mut it = cols.into_iter();
    let mut next = || it.next().expect("five columns");
    Ok(WeatherYear {
        site,
        year: TYPICAL_YEAR,
        step_minutes: 60,
        sun_minutes_into_step: sun_minutes,
        ghi_w_per_m2: next(),
        dni_w_per_m2: Some(next()),
        dhi_w_per_m2: Some(next()),
        temp_air_c: next(),
        wind_speed_m_per_s: next(),
        source: SourceInfo {
            path: path.into(),
            format: format.into(),
            years_found,
            n_records: n,
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn csv(hours: usize) -> String {
        let mut s = String::from(
            "Latitude (decimal degrees):\t26.420\nLongitude (decimal degrees):\t111.610\nElevation (m):\t110.0\nmonth,year\n1,2012\n2,2016\ntime(UTC),T2m,RH,G(h),Gb(n),Gd(h),IR(h),WS10m,WD10m,SP\n",
        );
        let mut t = (1u8, 1u8, 1u8);
        for i in 0..hours {
            let ghi = if i == 0 { 7.0 } else { 0.0 };
            s.push_str(&format!(
                "2012{:02}{:02}:{:02}00,10.0,80,{ghi},0.0,0.0,300,1.5,90,100000\n",
                t.0,
                t.1,
                t.2 - 1
            ));
            t = super::super::epw::next_hour(t);
            if t == (2, 29, 1) {
                t = (3, 1, 1);
            }
        }
        s.push_str("T2m: 2-m air temperature (degree Celsius)\n");
        s
    }

    #[test]
    fn csv_is_rotated_from_utc_to_local() {
        let w = parse_pvgis_tmy_csv(&csv(8760), "p.csv", 8.0).unwrap();
        // the first UTC hour (00:00-01:00 UTC) is 08:00-09:00 local, step 8
        approx::assert_relative_eq!(w.ghi_w_per_m2[8], 7.0);
        approx::assert_relative_eq!(w.ghi_w_per_m2[0], 0.0);
        approx::assert_relative_eq!(w.site.latitude_deg, 26.42);
        assert_eq!(w.source.years_found, vec![2012]);
    }

    #[test]
    fn json_reads_and_csv_refuses_gaps() {
        let mut rows = vec![];
        let mut t = (1u8, 1u8, 1u8);
        for _ in 0..8760 {
            rows.push(format!(
                "{{\"time(UTC)\":\"2010{:02}{:02}:{:02}00\",\"T2m\":5.0,\"G(h)\":0.0,\"Gb(n)\":0.0,\"Gd(h)\":0.0,\"WS10m\":1.0}}",
                t.0, t.1, t.2 - 1
            ));
            t = super::super::epw::next_hour(t);
            if t == (2, 29, 1) {
                t = (3, 1, 1);
            }
        }
        let j = format!(
            "{{\"inputs\":{{\"location\":{{\"latitude\":26.4,\"longitude\":111.6,\"elevation\":100}}}},\"outputs\":{{\"tmy_hourly\":[{}]}}}}",
            rows.join(",")
        );
        let w = parse_pvgis_tmy_json(&j, "p.json", 8.0).unwrap();
        assert_eq!(w.n_steps(), 8760);
        let bad = csv(8760).replacen("20120101:0300", "20120101:0400", 1);
        let e = parse_pvgis_tmy_csv(&bad, "p.csv", 8.0)
            .unwrap_err()
            .to_string();
        assert!(e.contains("p.csv:11:") && e.contains("gap"), "{e}");
        let e = parse_pvgis_tmy_csv(&csv(8760), "p.csv", 5.5)
            .unwrap_err()
            .to_string();
        assert!(e.contains("utc_offset_hours"), "{e}");
    }
}
