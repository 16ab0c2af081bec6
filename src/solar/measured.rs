//! Measured PV production (实测光伏出力) as an alternative to the model: an hourly or 15-minute CSV
//! of power [kW] or energy per interval [kWh].
//!
//! Timestamps are `YYYY-MM-DD HH:MM` in local standard time (any form [`crate::calendar::stamp`]
//! reads; a stated UTC offset is converted) labelling the interval start or end;
//! the series must cover one full calendar year without gaps (the same axis as
//! [`crate::calendar::Calendar`]).

use super::SolarError;
use crate::calendar::Date;
use crate::calendar::stamp::parse_timestamp;
use crate::weather::csv::TimeLabel;
use std::path::Path;

/// Whether the value column is power or energy per interval.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MeasuredUnit {
    /// Mean power over the interval [kW].
    Kw,
    /// Energy in the interval [kWh].
    Kwh,
}

/// How to read a measured PV CSV.
#[derive(Debug, Clone, PartialEq)]
pub struct MeasuredSpec {
    /// Timestamp column name.
    pub timestamp_column: String,
    /// Value column name.
    pub value_column: String,
    /// Unit of the value column.
    pub unit: MeasuredUnit,
    /// What the timestamps label.
    pub time_label: TimeLabel,
    /// UTC offset of the local standard time the series is read in [h] (+8 for China); a
    /// timestamp that states its own offset is converted to it.
    pub utc_offset_hours: f64,
}

/// A measured PV series on the calendar's steps.
#[derive(Debug, Clone, PartialEq)]
pub struct MeasuredPv {
    /// Calendar year.
    pub year: i32,
    /// Step length [min], 60 or 15 (inferred from the first two timestamps).
    pub step_minutes: u32,
    /// Mean AC power per step [kW].
    pub ac_kw: Vec<f64>,
    /// Source file.
    pub path: String,
}

impl MeasuredPv {
    /// The series per kWp DC of the measured plant [kW/kWp].
    ///
    /// # Errors
    /// [`SolarError::Parameter`] unless `dc_kwp` > 0.
    pub fn per_kwp(&self, dc_kwp: f64) -> Result<Vec<f64>, SolarError> {
        super::check_param("dc_kwp", dc_kwp, "kWp", 1e-9, 1e7)?;
        Ok(self.ac_kw.iter().map(|p| p / dc_kwp).collect())
    }

    /// Annual energy [kWh].
    pub fn annual_kwh(&self) -> f64 {
        self.ac_kw.iter().sum::<f64>() * f64::from(self.step_minutes) / 60.0
    }
}

/// A measured AC series of an enterprise's array (`pv_file`: columns `timestamp` and `value`
/// in kW, interval start) on a calendar of `n_steps` steps; hourly data on a 15-min calendar
/// repeat each hour's value. Returns the series and the year of its timestamps.
///
/// # Errors
/// The reader's [`SolarError`], or a message when the series does not fit the calendar.
pub fn read_on_calendar(
    path: &Path,
    cal: &crate::calendar::Calendar,
) -> Result<(Vec<f64>, i32), String> {
    let n_steps = cal.n_steps();
    let spec = MeasuredSpec {
        utc_offset_hours: cal.utc_offset_hours(),
        timestamp_column: "timestamp".into(),
        value_column: "value".into(),
        unit: MeasuredUnit::Kw,
        time_label: crate::weather::csv::TimeLabel::IntervalStart,
    };
    let m = read_measured_pv(path, &spec).map_err(|e| e.to_string())?;
    let per_step = n_steps / m.ac_kw.len().max(1);
    let ac_kw: Vec<f64> = if per_step > 1 {
        m.ac_kw
            .iter()
            .flat_map(|&x| std::iter::repeat_n(x, per_step))
            .collect()
    } else {
        m.ac_kw.clone()
    };
    if ac_kw.len() != n_steps {
        return Err(format!(
            "{}: {} PV values, the calendar has {n_steps} steps",
            path.display(),
            m.ac_kw.len(),
        ));
    }
    Ok((ac_kw, m.year))
}

/// Read a measured PV CSV.
///
/// # Errors
/// [`SolarError::File`] naming the file and line: missing column, bad timestamp or number, a step
/// other than 60 or 15 min, a gap, a first step that is not 1 January 00:00, a negative value
/// below −1 % of the series maximum (smaller negatives, night-time inverter draw, become 0), or not
/// one full year.
pub fn read_measured_pv(
    path: impl AsRef<Path>,
    spec: &MeasuredSpec,
) -> Result<MeasuredPv, SolarError> {
    let path = path.as_ref();
    let p = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|e| SolarError::File {
        path: p.clone(),
        line: 0,
        message: format!("cannot read the file: {e}"),
    })?;
    parse_measured_pv(&text, &p, spec)
}

/// Parse measured PV CSV text; `path` is used in messages only. See [`read_measured_pv`].
///
/// # Errors
/// As [`read_measured_pv`].
pub fn parse_measured_pv(
    text: &str,
    path: &str,
    spec: &MeasuredSpec,
) -> Result<MeasuredPv, SolarError> {
    let err = |line: usize, message: String| SolarError::File {
        path: path.into(),
        line,
        message,
    };
    let mut lines = text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty());
    let (_, header) = lines
        .next()
        .ok_or_else(|| err(1, "empty file, expected a header".into()))?;
    let names: Vec<&str> = header
        .split(',')
        .map(|s| s.trim().trim_matches('"'))
        .collect();
    let col = |n: &str| {
        names
            .iter()
            .position(|x| x.eq_ignore_ascii_case(n))
            .ok_or_else(|| {
                err(
                    1,
                    format!("missing column `{n}` (header has: {})", names.join(", ")),
                )
            })
    };
    let (it, iv) = (col(&spec.timestamp_column)?, col(&spec.value_column)?);
    let zone_min = (spec.utc_offset_hours * 60.0).round() as i64;
    let mut times = Vec::with_capacity(35_136);
    let mut vals = Vec::with_capacity(35_136);
    for (i, l) in lines {
        let f: Vec<&str> = l.split(',').collect();
        let line = i + 1;
        let (Some(ts), Some(vs)) = (f.get(it), f.get(iv)) else {
            return Err(err(
                line,
                format!("{} fields, expected {}", f.len(), names.len()),
            ));
        };
        let t = parse_timestamp(ts, zone_min)
            .map_err(|why| err(line, format!("timestamp `{}` {why}", ts.trim())))?;
        let v: f64 = vs.trim().parse().map_err(|_| {
            err(
                line,
                format!("`{}` = `{}` is not a number", spec.value_column, vs.trim()),
            )
        })?;
        times.push((line, t));
        vals.push(v);
    }
    if times.len() < 2 {
        return Err(err(2, "fewer than two records".into()));
    }
    let step = times[1].1 - times[0].1;
    if step != 60 && step != 15 {
        return Err(err(
            times[1].0,
            format!("step of {step} min; only 60 or 15 min are supported"),
        ));
    }
    let offset = match spec.time_label {
        TimeLabel::IntervalStart => 0,
        TimeLabel::IntervalEnd => step,
    };
    let first = times[0].1 - offset;
    let year = Date::from_days_since_epoch(first.div_euclid(1440)).year();
    let jan1 = Date::new(year, 1, 1)
        .expect("Jan 1 exists")
        .days_since_epoch()
        * 1440;
    if first != jan1 {
        return Err(err(
            times[0].0,
            "the first interval does not start on 1 January 00:00".into(),
        ));
    }
    for w in times.windows(2) {
        if w[1].1 - w[0].1 != step {
            return Err(err(
                w[1].0,
                format!(
                    "{} min after the previous record, expected {step} (gap or duplicate)",
                    w[1].1 - w[0].1
                ),
            ));
        }
    }
    let expected = crate::weather::steps_in_year(year, step as u32);
    if vals.len() != expected {
        return Err(err(
            times.last().map(|t| t.0).unwrap_or(0),
            format!(
                "{} records, expected {expected} for one year of {step}-min steps",
                vals.len()
            ),
        ));
    }
    let to_kw = match spec.unit {
        MeasuredUnit::Kw => 1.0,
        MeasuredUnit::Kwh => 60.0 / step as f64,
    };
    let max = vals.iter().cloned().fold(0.0, f64::max) * to_kw;
    let mut ac_kw = Vec::with_capacity(vals.len());
    for (k, v) in vals.iter().enumerate() {
        let p = v * to_kw;
        if p.is_nan() || p < -0.01 * max {
            return Err(err(
                times[k].0,
                format!(
                    "`{}` = {v} is negative beyond 1 % of the maximum {max:.3} kW",
                    spec.value_column
                ),
            ));
        }
        ac_kw.push(p.max(0.0));
    }
    Ok(MeasuredPv {
        year,
        step_minutes: step as u32,
        ac_kw,
        path: path.into(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(step: i64, label_end: bool, n: usize) -> String {
        let mut s = String::from("time,energy_kwh\n");
        let start = Date::new(2025, 1, 1).unwrap().days_since_epoch() * 1440;
        for i in 0..n as i64 {
            let t = start + (i + i64::from(label_end)) * step;
            let d = Date::from_days_since_epoch(t.div_euclid(1440));
            let m = t.rem_euclid(1440);
            let e = if (m / 60) == 12 {
                2.5
            } else if m / 60 == 2 {
                -0.001
            } else {
                0.0
            };
            s.push_str(&format!(
                "{:04}-{:02}-{:02} {:02}:{:02},{e}\n",
                d.year(),
                d.month(),
                d.day(),
                m / 60,
                m % 60
            ));
        }
        s
    }

    fn spec(label: TimeLabel) -> MeasuredSpec {
        MeasuredSpec {
            utc_offset_hours: 8.0,
            timestamp_column: "time".into(),
            value_column: "energy_kwh".into(),
            unit: MeasuredUnit::Kwh,
            time_label: label,
        }
    }

    #[test]
    fn reads_quarter_hour_energy_as_power() {
        let m = parse_measured_pv(
            &text(15, true, 35_040),
            "m.csv",
            &spec(TimeLabel::IntervalEnd),
        )
        .unwrap();
        assert_eq!(m.step_minutes, 15);
        // 2.5 kWh per 15 min = 10 kW, 4 quarter hours at noon each day
        approx::assert_relative_eq!(m.ac_kw[48], 10.0);
        approx::assert_relative_eq!(m.annual_kwh(), 2.5 * 4.0 * 365.0, epsilon = 1e-6);
        approx::assert_relative_eq!(m.ac_kw[8], 0.0); // small negative at night clamped
        approx::assert_relative_eq!(m.per_kwp(5.0).unwrap()[48], 2.0);
    }

    #[test]
    fn refuses_gaps_and_partial_years() {
        let t = text(60, false, 8760).replacen("2025-01-01 05:00", "2025-01-01 05:15", 1);
        let e = parse_measured_pv(&t, "m.csv", &spec(TimeLabel::IntervalStart))
            .unwrap_err()
            .to_string();
        assert!(e.contains("m.csv:7:") && e.contains("gap"), "{e}");
        let e = parse_measured_pv(
            &text(60, false, 100),
            "m.csv",
            &spec(TimeLabel::IntervalStart),
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains("100 records"), "{e}");
    }
}
