//! NREL TMY3 CSV reader.
//!
//! Line 1: `USAF,"name",state,TZ,lat,lon,elev`; line 2: column names; then one line per hour with
//! `MM/DD/YYYY,HH:MM` where HH:MM (01:00-24:00) is the *end* of the hour in local standard time.
//!
//! # References
//! S. Wilcox and W. Marion, "Users Manual for TMY3 Data Sets," NREL/TP-581-43156, 2008.
//! <https://doi.org/10.2172/928611>

use super::epw::next_hour;
use super::{
    IRRADIANCE_RANGE_W_PER_M2, Site, SourceInfo, TEMPERATURE_RANGE_C, TYPICAL_YEAR,
    WIND_RANGE_M_PER_S, WeatherError, WeatherYear, check_range, distinct_years, parse_f64,
};
use std::path::Path;

/// Read a TMY3 CSV file.
///
/// # Errors
/// [`WeatherError`] naming the file and line: bad station header, missing column (`GHI (W/m^2)`,
/// `DNI (W/m^2)`, `DHI (W/m^2)`, `Dry-bulb (C)`, `Wspd (m/s)`, date and time), a gap or non-hourly
/// step, a value out of range, or not 8760 records.
pub fn read_tmy3(path: impl AsRef<Path>) -> Result<WeatherYear, WeatherError> {
    let path = path.as_ref();
    let text = super::read_to_string(path)?;
    parse_tmy3(&text, &path.display().to_string())
}

/// Parse TMY3 text; `path` is used in messages only. See [`read_tmy3`].
///
/// # Errors
/// As [`read_tmy3`].
pub fn parse_tmy3(text: &str, path: &str) -> Result<WeatherYear, WeatherError> {
    let fmt = |line: usize, message: String| WeatherError::Format {
        path: path.into(),
        line,
        message,
    };
    let mut lines = text.lines().enumerate();
    let (_, head) = lines.next().ok_or_else(|| fmt(1, "empty file".into()))?;
    let h: Vec<&str> = head.split(',').collect();
    if h.len() < 7 {
        return Err(fmt(
            1,
            format!("expected `USAF,name,state,TZ,lat,lon,elev`, found `{head}`"),
        ));
    }
    let site = Site {
        name: h[1].trim().trim_matches('"').to_string(),
        utc_offset_hours: check_range(
            path,
            1,
            "TZ",
            parse_f64(path, 1, "TZ", h[3])?,
            "h",
            (-12.0, 14.0),
        )?,
        latitude_deg: check_range(
            path,
            1,
            "latitude",
            parse_f64(path, 1, "latitude", h[4])?,
            "deg",
            (-90.0, 90.0),
        )?,
        longitude_deg: check_range(
            path,
            1,
            "longitude",
            parse_f64(path, 1, "longitude", h[5])?,
            "deg",
            (-180.0, 180.0),
        )?,
        elevation_m: check_range(
            path,
            1,
            "elevation",
            parse_f64(path, 1, "elevation", h[6])?,
            "m",
            (-500.0, 9000.0),
        )?,
    };
    super::check_zone_against_longitude(path, 1, site.utc_offset_hours, site.longitude_deg)?;
    let (_, names) = lines
        .next()
        .ok_or_else(|| fmt(2, "missing the column-name line".into()))?;
    let names: Vec<&str> = names.split(',').map(str::trim).collect();
    let col = |prefix: &str| {
        names
            .iter()
            .position(|n| n.starts_with(prefix))
            .ok_or_else(|| WeatherError::MissingColumn {
                path: path.into(),
                column: prefix.into(),
                hint: "TMY3 line 2 column names".into(),
            })
    };
    let (id, it) = (col("Date")?, col("Time")?);
    let (ig, ib, idf) = (
        col("GHI (W/m^2)")?,
        col("DNI (W/m^2)")?,
        col("DHI (W/m^2)")?,
    );
    let (itemp, iw) = (col("Dry-bulb (C)")?, col("Wspd (m/s)")?);
    let need = [id, it, ig, ib, idf, itemp, iw]
        .into_iter()
        .max()
        .unwrap_or(0);
    // Zero-copy row scan: each line is split in place and only the 7 columns read are kept
    // (a TMY3 row has 68); no allocation per row.
    let wanted = [id, it, ig, ib, idf, itemp, iw];
    let mut slot_of = vec![usize::MAX; need + 1];
    for (slot, &k) in wanted.iter().enumerate() {
        slot_of[k] = slot;
    }
    let cap = 8784;
    let (mut ghi, mut dni, mut dhi, mut temp, mut wind, mut years) = (
        Vec::with_capacity(cap),
        Vec::with_capacity(cap),
        Vec::with_capacity(cap),
        Vec::with_capacity(cap),
        Vec::with_capacity(cap),
        Vec::with_capacity(cap),
    );
    let mut prev: Option<(u8, u8, u8)> = None;
    let mut f = [""; 7];
    for (i, l) in lines {
        let line = i + 1;
        if l.trim().is_empty() {
            continue;
        }
        let mut n_fields = 0;
        for (k, field) in super::fields(l).enumerate() {
            n_fields = k + 1;
            if k > need {
                break;
            }
            if slot_of[k] != usize::MAX {
                f[slot_of[k]] = field;
            }
        }
        if n_fields <= need {
            return Err(fmt(
                line,
                format!("{n_fields} fields, expected at least {}", need + 1),
            ));
        }
        let parsed = (|| {
            let mut d = f[0].trim().splitn(3, '/');
            let mut t = f[1].trim().splitn(2, ':');
            Some((
                d.next()?.parse::<u8>().ok()?,
                d.next()?.parse::<u8>().ok()?,
                d.next()?.parse::<i32>().ok()?,
                t.next()?.parse::<u8>().ok()?,
                t.next()?.parse::<u8>().ok()?,
            ))
        })();
        let Some((m, day, y, hh, mm)) = parsed else {
            return Err(fmt(
                line,
                format!("date/time `{} {}` is not `MM/DD/YYYY,HH:MM`", f[0], f[1]),
            ));
        };
        let cur = (m, day, hh);
        let expected = prev.map(next_hour).unwrap_or((1, 1, 1));
        let skipped_feb29 = expected == (2, 29, 1) && cur == (3, 1, 1);
        if mm != 0 || (cur != expected && !skipped_feb29) {
            return Err(WeatherError::Step {
                path: path.into(),
                line,
                message: format!(
                    "{:02}/{:02} {:02}:{:02} where {:02}/{:02} {:02}:00 was expected (gap or non-hourly step)",
                    m, day, hh, mm, expected.0, expected.1, expected.2
                ),
            });
        }
        prev = Some(cur);
        if years.last() != Some(&y) {
            years.push(y);
        }
        let v = |slot: usize, name: &str, unit: &str, r| {
            let x = match f[slot].trim().parse::<f64>() {
                Ok(x) => x,
                Err(_) => parse_f64(path, line, name, f[slot])?,
            };
            check_range(path, line, name, x, unit, r)
        };
        ghi.push(v(2, "GHI", "W/m²", IRRADIANCE_RANGE_W_PER_M2)?);
        dni.push(v(3, "DNI", "W/m²", IRRADIANCE_RANGE_W_PER_M2)?);
        dhi.push(v(4, "DHI", "W/m²", IRRADIANCE_RANGE_W_PER_M2)?);
        temp.push(v(5, "dry-bulb temperature", "°C", TEMPERATURE_RANGE_C)?);
        wind.push(v(6, "wind speed", "m/s", WIND_RANGE_M_PER_S)?);
    }
    let n = ghi.len();
    let years_found = distinct_years(years);
    let year = if years_found.len() == 1 {
        years_found[0]
    } else {
        TYPICAL_YEAR
    };
    if n != super::steps_in_year(year, 60) {
        return Err(WeatherError::Length {
            path: path.into(),
            n_records: n,
            expected: super::steps_in_year(year, 60),
            step_minutes: 60,
        });
    }
    Ok(WeatherYear {
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
            path: path.into(),
            format: "TMY3".into(),
            years_found,
            n_records: n,
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tmy3(hours: usize) -> String {
        let mut s = String::from("723170,\"GREENSBORO\",NC,-5.0,36.100,-79.950,273\n");
        s.push_str("Date (MM/DD/YYYY),Time (HH:MM),GHI (W/m^2),DNI (W/m^2),DHI (W/m^2),Dry-bulb (C),Wspd (m/s)\n");
        let mut t = (1u8, 1u8, 1u8);
        for i in 0..hours {
            let y = if i < 744 { 1988 } else { 1997 };
            s.push_str(&format!(
                "{:02}/{:02}/{y},{:02}:00,100,200,50,10.0,2.0\n",
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
    fn reads_typical_year() {
        let w = parse_tmy3(&tmy3(8760), "g.csv").unwrap();
        assert_eq!(w.year, TYPICAL_YEAR);
        assert_eq!(w.source.years_found, vec![1988, 1997]);
        approx::assert_relative_eq!(w.site.utc_offset_hours, -5.0);
        approx::assert_relative_eq!(w.dhi_w_per_m2.as_ref().unwrap()[10], 50.0);
    }

    #[test]
    fn refuses_missing_column_and_gap() {
        let e = parse_tmy3(&tmy3(10).replace("Wspd (m/s)", "Wind"), "g.csv")
            .unwrap_err()
            .to_string();
        assert!(e.contains("missing column `Wspd (m/s)`"), "{e}");
        let e = parse_tmy3(
            &tmy3(8760).replacen("01/01/1988,03:00", "01/01/1988,04:00", 1),
            "g.csv",
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains("g.csv:5:") && e.contains("gap"), "{e}");
    }
}
