//! Meter data (计量数据): read and write an enterprise's interval load as CSV, either one row per
//! interval (timestamp, value) or one row per day with 24 or 96 point columns (96点负荷曲线, the
//! layout Chinese utilities export), in kW or kWh per interval as the caller declares.
//!
//! Owns parsing, checking, gap filling (rule in [`super::fill`]) and resampling to the calendar's
//! step. Every file error names the file and the line (1-based, counting the header as line 1;
//! a spreadsheet's row), and the column where one is involved. CSV files are UTF-8 (a
//! byte-order mark is accepted) or GBK/GB18030 as declared, with RFC 4180 quoting; spreadsheets
//! (`.xlsx` and kin) are read from their first or a named sheet ([`super::table`]). Columns are
//! named by header text or by position. Interval files may carry reactive columns (kvar or kvarh,
//! lagging and leading), read into a reactive series beside the active one.
//!
//! Timestamps are local standard time of the calendar: `YYYY-MM-DD HH:MM[:SS]`,
//! `YYYY-MM-DDTHH:MM[:SS][+08:00|Z]` (an explicit offset is converted to the calendar's),
//! `YYYY/MM/DD HH:MM[:SS]`; month, day and hour may have one digit; `24:00` is the end of a day.
//! A point `k` (1-based) of a daily row covers `[(k−1)·Δt, k·Δt)` of that day.

use super::error::LoadError;
use super::fill::{self, Upsample};
use super::table::{self, Column, Encoding};
use crate::calendar::stamp::{parse_day, parse_timestamp};
use crate::calendar::{Calendar, Date, StepLength};
use std::borrow::Cow;
use std::path::{Path, PathBuf};

/// Which instant of an interval a timestamp names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Stamp {
    /// The start of the interval (`00:00` is the first interval of the day).
    #[default]
    IntervalStart,
    /// The end of the interval (`00:15` or `01:00` is the first; `24:00` or next-day `00:00` the last).
    IntervalEnd,
}

/// The layout of a meter CSV file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MeterLayout {
    /// One row per interval: a timestamp column and a value column (other columns are ignored).
    Interval {
        /// The timestamp column.
        timestamp_column: Column,
        /// The value column.
        value_column: Column,
        /// Interval length of the rows (hourly or 15-minute).
        interval: StepLength,
        /// Whether timestamps name the start or the end of the interval.
        stamp: Stamp,
    },
    /// One row per day: a date column followed by exactly `points` value columns (columns before
    /// the date column, such as 户号, are ignored).
    DailyPoints {
        /// The date column.
        date_column: Column,
        /// 24 (hourly) or 96 (15-minute).
        points: usize,
    },
}

/// Unit of the values in a meter file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MeterUnit {
    /// Mean power over the interval [kW] (负荷).
    Kw,
    /// Energy in the interval [kWh] (电量).
    KwhPerInterval,
}

impl MeterUnit {
    fn label(self) -> &'static str {
        match self {
            MeterUnit::Kw => "kW",
            MeterUnit::KwhPerInterval => "kWh",
        }
    }
}

/// Reactive columns of an interval meter file.
#[derive(Debug, Clone, PartialEq)]
pub struct ReactiveSpec {
    /// The reactive columns, summed: lagging (感性, 正向无功) and, where the meter records it
    /// apart, leading (容性, 反向无功), which the power-factor adjustment counts as well.
    pub columns: Vec<Column>,
    /// Their unit: mean kvar over the interval ([`MeterUnit::Kw`]) or kvarh per interval
    /// ([`MeterUnit::KwhPerInterval`]).
    pub unit: MeterUnit,
}

/// How to read (or write) a meter file.
#[derive(Debug, Clone, PartialEq)]
pub struct MeterSpec {
    /// Layout of the file.
    pub layout: MeterLayout,
    /// Unit of the values, declared by the caller (never guessed).
    pub unit: MeterUnit,
    /// Field delimiter of a CSV file, `,` by default (`;`, tab and `|` are common too).
    pub delimiter: char,
    /// Text encoding of a CSV file; default UTF-8.
    pub encoding: Encoding,
    /// Sheet of a spreadsheet; `None` for the first.
    pub sheet: Option<String>,
    /// Reactive columns of an interval file; `None` for none.
    pub reactive: Option<ReactiveSpec>,
    /// Longest run of missing intervals filled by linear interpolation [h]; default 4 h.
    pub max_interpolation_hours: f64,
    /// Largest share of missing intervals accepted [fraction]; default 0.10.
    pub max_missing_fraction: f64,
    /// How hourly data is split onto a 15-minute calendar; default [`Upsample::Repeat`].
    pub upsample: Upsample,
}

impl MeterSpec {
    /// A spec with the default delimiter, gap limits and upsampling.
    pub fn new(layout: MeterLayout, unit: MeterUnit) -> MeterSpec {
        MeterSpec {
            layout,
            unit,
            delimiter: ',',
            encoding: Encoding::Utf8,
            sheet: None,
            reactive: None,
            max_interpolation_hours: 4.0,
            max_missing_fraction: 0.10,
            upsample: Upsample::Repeat,
        }
    }

    fn meter_step(&self) -> Result<StepLength, LoadError> {
        match &self.layout {
            MeterLayout::Interval { interval, .. } => Ok(*interval),
            MeterLayout::DailyPoints { points: 96, .. } => Ok(StepLength::QuarterHourly),
            MeterLayout::DailyPoints { points: 24, .. } => Ok(StepLength::Hourly),
            MeterLayout::DailyPoints { points, .. } => Err(LoadError::InvalidParameter {
                field: "meter.points".into(),
                value: points.to_string(),
                valid: "24 or 96".into(),
            }),
        }
    }

    fn validate(&self) -> Result<StepLength, LoadError> {
        let bad = |field: &str, value: String, valid: &str| LoadError::InvalidParameter {
            field: format!("meter.{field}"),
            value,
            valid: valid.into(),
        };
        if !(self.max_interpolation_hours.is_finite() && self.max_interpolation_hours >= 0.0) {
            return Err(bad(
                "max_interpolation_hours",
                format!("{} h", self.max_interpolation_hours),
                ">= 0 h",
            ));
        }
        if !(0.0..=1.0).contains(&self.max_missing_fraction) {
            return Err(bad(
                "max_missing_fraction",
                self.max_missing_fraction.to_string(),
                "in 0..=1",
            ));
        }
        if matches!(self.delimiter, '"' | '\n' | '\r') || !self.delimiter.is_ascii() {
            return Err(bad(
                "delimiter",
                format!("{:?}", self.delimiter),
                "one ASCII character, not a quote or line break",
            ));
        }
        if self.reactive.is_some() && matches!(self.layout, MeterLayout::DailyPoints { .. }) {
            return Err(bad(
                "reactive",
                "reactive columns with a daily layout".into(),
                "reactive columns in an interval layout only",
            ));
        }
        self.meter_step()
    }
}

/// What was missing in a meter file and how it was filled (counts at the meter's resolution).
#[derive(Debug, Clone, PartialEq)]
pub struct GapReport {
    /// Data rows read (blank rows left out).
    pub rows: usize,
    /// Interval length of the file [min].
    pub interval_minutes: u32,
    /// Intervals in the calendar year.
    pub total_intervals: usize,
    /// Intervals missing (absent rows or empty cells).
    pub missing_intervals: usize,
    /// missing / total [fraction].
    pub missing_fraction: f64,
    /// Number of runs of missing intervals.
    pub n_gaps: usize,
    /// Longest run [intervals].
    pub longest_gap_intervals: usize,
    /// Start of the longest run, local ISO timestamp; `None` without gaps.
    pub longest_gap_start: Option<String>,
    /// Intervals filled by linear interpolation.
    pub interpolated_intervals: usize,
    /// Intervals filled from the same-weekday profile.
    pub profile_filled_intervals: usize,
    /// Intervals of the reactive series missing and filled (absent rows included); `None`
    /// without reactive columns.
    pub reactive_missing_intervals: Option<usize>,
}

impl GapReport {
    /// One line for a planner: rows, gaps, filled intervals and the longest gap.
    pub fn summary(&self) -> String {
        let reactive = match self.reactive_missing_intervals {
            Some(n) if n > self.missing_intervals => {
                format!("; reactive columns: {n} intervals missing, filled likewise")
            }
            _ => String::new(),
        };
        let longest = match &self.longest_gap_start {
            Some(s) => format!(
                ", longest {} × {} min from {s}",
                self.longest_gap_intervals, self.interval_minutes
            ),
            None => String::new(),
        };
        if self.missing_intervals == 0 {
            return format!(
                "{} rows, {} intervals of {} min, no gap{reactive}",
                self.rows, self.total_intervals, self.interval_minutes
            );
        }
        format!(
            "{} rows, {} of {} intervals of {} min missing ({:.2} % of the year) in {} gaps, filled ({} interpolated, {} from the same weekday){longest}{reactive}",
            self.rows,
            self.missing_intervals,
            self.total_intervals,
            self.interval_minutes,
            self.missing_fraction * 100.0,
            self.n_gaps,
            self.interpolated_intervals,
            self.profile_filled_intervals,
        )
    }
}

/// A meter series on the calendar's steps with its gap report.
#[derive(Debug, Clone, PartialEq)]
pub struct MeterSeries {
    /// Mean active power of each calendar step [kW].
    pub p_kw: Vec<f64>,
    /// Mean reactive power of each calendar step [kvar], when the file has reactive columns
    /// (its gaps filled like the active series').
    pub q_kvar: Option<Vec<f64>>,
    /// What was missing and filled.
    pub report: GapReport,
}

/// Quote a field for writing when it contains the delimiter, a quote or a line break.
fn quote(field: &str, delim: char) -> Cow<'_, str> {
    if field.contains(delim) || field.contains('"') || field.contains('\n') {
        Cow::Owned(format!("\"{}\"", field.replace('"', "\"\"")))
    } else {
        Cow::Borrowed(field)
    }
}

/// Cell value: `Ok(None)` for an empty (missing) cell.
fn parse_value(s: &str) -> Result<Option<f64>, ()> {
    let s = s.trim();
    if s.is_empty() || s.eq_ignore_ascii_case("nan") || s.eq_ignore_ascii_case("null") {
        return Ok(None);
    }
    match s.parse::<f64>() {
        Ok(v) if v.is_finite() => Ok(Some(v)),
        _ => Err(()),
    }
}

struct Reader<'a> {
    path: &'a Path,
    spec: &'a MeterSpec,
    cal: &'a Calendar,
    step_min: i64,
    step_h: f64,
    /// Minutes since epoch of January 1, 00:00.
    start_min: i64,
    values: Vec<f64>,
    q_values: Vec<f64>,
    line_of: Vec<usize>,
    prev: Option<(i64, usize)>,
    found: usize,
}

impl Reader<'_> {
    fn pb(&self) -> PathBuf {
        self.path.to_path_buf()
    }

    fn stamp_text(&self, minutes: i64) -> String {
        let d = Date::from_days_since_epoch(minutes.div_euclid(1440));
        let m = minutes.rem_euclid(1440);
        format!("{d} {:02}:{:02}", m / 60, m % 60)
    }

    /// Place the interval starting at `t` (minutes) read at `line`; checks order, year, duplicates.
    fn place(&mut self, t: i64, line: usize) -> Result<usize, LoadError> {
        let rel = t - self.start_min;
        let idx = rel.div_euclid(self.step_min);
        if idx < 0 || idx as usize >= self.values.len() {
            return Err(LoadError::WrongYearLength {
                path: self.pb(),
                line,
                timestamp: self.stamp_text(t),
                year: self.cal.year(),
                found: self.found,
                expected: self.values.len(),
            });
        }
        let idx = idx as usize;
        if self.line_of[idx] != 0 {
            return Err(LoadError::DuplicateTimestamp {
                path: self.pb(),
                line,
                first_line: self.line_of[idx],
                timestamp: self.stamp_text(t),
            });
        }
        if let Some((p, _)) = self.prev
            && t < p
        {
            return Err(LoadError::Unordered {
                path: self.pb(),
                line,
                timestamp: self.stamp_text(t),
                previous: self.stamp_text(p),
            });
        }
        self.prev = Some((t, line));
        self.line_of[idx] = line;
        Ok(idx)
    }

    /// The mean power of a cell [kW or kvar]; `None` for an empty cell.
    fn power(
        &self,
        cell: &str,
        line: usize,
        column: &str,
        unit: MeterUnit,
        reactive: bool,
    ) -> Result<Option<f64>, LoadError> {
        let v = parse_value(cell).map_err(|()| LoadError::NonNumeric {
            path: self.pb(),
            line,
            column: column.to_string(),
            value: cell.to_string(),
        })?;
        let Some(v) = v else { return Ok(None) };
        if v < 0.0 {
            return Err(LoadError::NegativeValue {
                path: self.pb(),
                line,
                column: column.to_string(),
                value: v,
                unit: match (reactive, unit) {
                    (false, u) => u.label().into(),
                    (true, MeterUnit::Kw) => "kvar".into(),
                    (true, MeterUnit::KwhPerInterval) => "kvarh".into(),
                },
            });
        }
        Ok(Some(match unit {
            MeterUnit::Kw => v,
            MeterUnit::KwhPerInterval => v / self.step_h,
        }))
    }

    fn value(
        &mut self,
        idx: usize,
        cell: &str,
        line: usize,
        column: &str,
    ) -> Result<(), LoadError> {
        if let Some(v) = self.power(cell, line, column, self.spec.unit, false)? {
            self.values[idx] = v;
        }
        Ok(())
    }
}

/// Read a meter file onto the calendar's steps, filling gaps by the rule of [`super::fill`].
///
/// # Arguments
/// * `path` - the CSV file (UTF-8)
/// * `spec` - layout, unit and gap limits
/// * `cal` - the calendar; the file must cover its year at the file's own resolution
///
/// # Returns
/// [`MeterSeries`]: mean power per calendar step [kW] (15-min data are averaged to hourly on an
/// hourly calendar; hourly data are split per `spec.upsample` on a 15-min calendar) and the
/// [`GapReport`].
///
/// # Errors
/// Each naming the file and line: [`LoadError::Io`], [`LoadError::NotUtf8`],
/// [`LoadError::EmptyFile`], [`LoadError::MissingColumn`], [`LoadError::WrongPointCount`],
/// [`LoadError::RaggedRow`], [`LoadError::BadTimestamp`], [`LoadError::NonNumeric`],
/// [`LoadError::NegativeValue`], [`LoadError::DuplicateTimestamp`], [`LoadError::Unordered`],
/// [`LoadError::WrongYearLength`] (an interval outside the calendar year),
/// [`LoadError::TooManyMissing`] (more than `spec.max_missing_fraction` missing);
/// [`LoadError::InvalidParameter`] for a bad spec.
pub fn read_meter(path: &Path, spec: &MeterSpec, cal: &Calendar) -> Result<MeterSeries, LoadError> {
    let meter_step = spec.validate()?;
    let t = table::read_table(
        path,
        spec.delimiter as u8,
        spec.encoding,
        spec.sheet.as_deref(),
    )?;
    let spd = meter_step.steps_per_day();
    let total = cal.n_days() * spd;
    let jan1 = Date::new(cal.year(), 1, 1).expect("January 1 exists");
    let per_row = match spec.layout {
        MeterLayout::DailyPoints { points, .. } => points,
        MeterLayout::Interval { .. } => 1,
    };
    let mut r = Reader {
        path,
        spec,
        cal,
        step_min: i64::from(meter_step.minutes()),
        step_h: meter_step.hours(),
        start_min: jan1.days_since_epoch() * 1440,
        values: vec![f64::NAN; total],
        q_values: if spec.reactive.is_some() {
            vec![f64::NAN; total]
        } else {
            Vec::new()
        },
        line_of: vec![0; total],
        prev: None,
        found: t.rows.len() * per_row,
    };
    let cal_off = (cal.utc_offset_hours() * 60.0).round() as i64;
    let header = &t.header;
    match &spec.layout {
        MeterLayout::Interval {
            timestamp_column,
            value_column,
            stamp,
            ..
        } => {
            let ti = t.index(path, timestamp_column)?;
            let vi = t.index(path, value_column)?;
            let qi: Vec<usize> = match &spec.reactive {
                Some(q) => q
                    .columns
                    .iter()
                    .map(|c| t.index(path, c))
                    .collect::<Result<_, _>>()?,
                None => Vec::new(),
            };
            for (line, fields) in &t.rows {
                let line = *line;
                check_width(path, line, fields.len(), header.len())?;
                let cell = &fields[ti];
                let bad = |reason: &str| LoadError::BadTimestamp {
                    path: path.to_path_buf(),
                    line,
                    column: header[ti].clone(),
                    value: cell.to_string(),
                    reason: reason.to_string(),
                };
                let mut ts = parse_timestamp(cell, cal_off).map_err(bad)?;
                if ts.rem_euclid(r.step_min) != 0 {
                    return Err(bad(&format!("is not on a {}-minute boundary", r.step_min)));
                }
                if *stamp == Stamp::IntervalEnd {
                    ts -= r.step_min;
                }
                let idx = r.place(ts, line)?;
                r.value(idx, &fields[vi], line, &header[vi])?;
                if let Some(q) = &spec.reactive {
                    let mut sum = Some(0.0);
                    for &k in &qi {
                        let v = r.power(&fields[k], line, &header[k], q.unit, true)?;
                        sum = match (sum, v) {
                            (Some(a), Some(b)) => Some(a + b),
                            _ => None,
                        };
                    }
                    if let Some(v) = sum {
                        r.q_values[idx] = v;
                    }
                }
            }
        }
        MeterLayout::DailyPoints {
            date_column,
            points,
        } => {
            let di = t.index(path, date_column)?;
            let found = header.len() - di - 1;
            if found != *points {
                return Err(LoadError::WrongPointCount {
                    path: path.to_path_buf(),
                    line: t.header_line,
                    date_column: header[di].clone(),
                    found,
                    expected: *points,
                });
            }
            for (line, fields) in &t.rows {
                let line = *line;
                check_width(path, line, fields.len(), header.len())?;
                let day = parse_day(&fields[di]).ok_or_else(|| LoadError::BadTimestamp {
                    path: path.to_path_buf(),
                    line,
                    column: header[di].clone(),
                    value: fields[di].to_string(),
                    reason: "is not a date (expected YYYY-MM-DD or YYYY/MM/DD)".into(),
                })?;
                let idx0 = r.place(day.days_since_epoch() * 1440, line)?;
                // Mark the whole day as read so a repeated date is caught as a duplicate.
                for k in 1..*points {
                    r.line_of[idx0 + k] = line;
                }
                for k in 0..*points {
                    r.value(idx0 + k, &fields[di + 1 + k], line, &header[di + 1 + k])?;
                }
            }
        }
    }
    finish(r, spd, meter_step, t.rows.len())
}

fn check_width(path: &Path, line: usize, found: usize, expected: usize) -> Result<(), LoadError> {
    if found == expected {
        Ok(())
    } else {
        Err(LoadError::RaggedRow {
            path: path.to_path_buf(),
            line,
            found,
            expected,
        })
    }
}

/// Check the missing share, fill gaps, resample to the calendar.
fn finish(
    r: Reader<'_>,
    spd: usize,
    meter_step: StepLength,
    rows: usize,
) -> Result<MeterSeries, LoadError> {
    let Reader {
        path,
        spec,
        cal,
        mut values,
        mut q_values,
        line_of,
        ..
    } = r;
    let stamp_of = |s: usize| {
        let d = cal.date_of_day(s / spd);
        let m = (s % spd) as u32 * meter_step.minutes();
        format!("{d}T{:02}:{:02}", m / 60, m % 60)
    };
    let total = values.len();
    let runs = fill::missing_runs(&values);
    let missing: usize = runs.iter().map(|r| r.1).sum();
    let missing_fraction = missing as f64 / total as f64;
    if missing_fraction > spec.max_missing_fraction {
        let &(start, longest) = runs
            .iter()
            .max_by_key(|r| r.1)
            .expect("missing > 0 implies a run");
        let after_line = line_of[..start]
            .iter()
            .rev()
            .copied()
            .find(|&l| l > 0)
            .unwrap_or(0);
        let mut largest = runs.clone();
        largest.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        let gaps = largest
            .iter()
            .take(5)
            .map(|&(s, n)| (stamp_of(s), n))
            .collect();
        return Err(LoadError::TooManyMissing {
            path: path.to_path_buf(),
            missing,
            total,
            missing_fraction,
            max_missing_fraction: spec.max_missing_fraction,
            longest,
            after_line,
            gaps,
        });
    }
    let max_interp = (spec.max_interpolation_hours / meter_step.hours()).floor() as usize;
    let counts = fill::fill_gaps(&mut values, spd, max_interp);
    let reactive_missing_intervals = (!q_values.is_empty()).then(|| {
        // Reactive cells missing where the active ones are present are filled by the same rule.
        fill::fill_gaps(&mut q_values, spd, max_interp).missing
    });
    let longest_gap_start = (counts.longest > 0).then(|| stamp_of(counts.longest_start));
    let report = GapReport {
        rows,
        interval_minutes: meter_step.minutes(),
        total_intervals: total,
        missing_intervals: counts.missing,
        missing_fraction,
        n_gaps: counts.n_gaps,
        longest_gap_intervals: counts.longest,
        longest_gap_start,
        interpolated_intervals: counts.interpolated,
        profile_filled_intervals: counts.profile_filled,
        reactive_missing_intervals,
    };
    let resample = |v: Vec<f64>| match (meter_step, cal.step()) {
        (StepLength::QuarterHourly, StepLength::Hourly) => fill::quarter_hourly_to_hourly(&v),
        (StepLength::Hourly, StepLength::QuarterHourly) => {
            fill::hourly_to_quarter_hourly(&v, spec.upsample)
        }
        _ => v,
    };
    if values.iter().all(|v| *v == 0.0) {
        return Err(LoadError::AllZero {
            path: path.to_path_buf(),
        });
    }
    let q_kvar = (!q_values.is_empty()).then(|| resample(q_values));
    Ok(MeterSeries {
        p_kw: resample(values),
        q_kvar,
        report,
    })
}

/// Write a series in a meter layout, so that [`read_meter`] with the same spec reads it back.
///
/// # Arguments
/// * `path` - file to create (overwritten)
/// * `spec` - layout, unit and delimiter (gap settings are ignored)
/// * `cal` - calendar of `p_kw`
/// * `p_kw` - mean power per calendar step [kW]; resampled to the layout's resolution
///   (15-min to hourly by averaging, hourly to 15-min by `spec.upsample`); NaN is written as an
///   empty cell (a missing value)
///
/// # Errors
/// [`LoadError::LengthMismatch`] when `p_kw` is not on the calendar; [`LoadError::Io`];
/// [`LoadError::InvalidParameter`] for a bad spec.
pub fn write_meter(
    path: &Path,
    spec: &MeterSpec,
    cal: &Calendar,
    p_kw: &[f64],
) -> Result<(), LoadError> {
    use std::fmt::Write as _;
    let meter_step = spec.validate()?;
    if p_kw.len() != cal.n_steps() {
        return Err(LoadError::LengthMismatch {
            what: "p_kw".into(),
            found: p_kw.len(),
            expected: cal.n_steps(),
        });
    }
    let values: Cow<'_, [f64]> = match (cal.step(), meter_step) {
        (StepLength::QuarterHourly, StepLength::Hourly) => {
            Cow::Owned(fill::quarter_hourly_to_hourly(p_kw))
        }
        (StepLength::Hourly, StepLength::QuarterHourly) => {
            Cow::Owned(fill::hourly_to_quarter_hourly(p_kw, spec.upsample))
        }
        _ => Cow::Borrowed(p_kw),
    };
    let step_h = meter_step.hours();
    let step_min = i64::from(meter_step.minutes());
    let d = spec.delimiter;
    let cell = |v: f64| -> String {
        if v.is_nan() {
            String::new()
        } else {
            match spec.unit {
                MeterUnit::Kw => v.to_string(),
                MeterUnit::KwhPerInterval => (v * step_h).to_string(),
            }
        }
    };
    let mut out = String::with_capacity(values.len() * 24);
    let jan1 = Date::new(cal.year(), 1, 1)
        .expect("January 1 exists")
        .days_since_epoch();
    match &spec.layout {
        MeterLayout::Interval {
            timestamp_column,
            value_column,
            stamp,
            ..
        } => {
            let _ = writeln!(
                out,
                "{}{d}{}",
                quote(&timestamp_column.to_string(), d),
                quote(&value_column.to_string(), d)
            );
            let shift = if *stamp == Stamp::IntervalEnd {
                step_min
            } else {
                0
            };
            for (i, &v) in values.iter().enumerate() {
                let t = jan1 * 1440 + i as i64 * step_min + shift;
                let day = Date::from_days_since_epoch(t.div_euclid(1440));
                let m = t.rem_euclid(1440);
                let _ = writeln!(out, "{day} {:02}:{:02}{d}{}", m / 60, m % 60, cell(v));
            }
        }
        MeterLayout::DailyPoints {
            date_column,
            points,
        } => {
            out.push_str(&quote(&date_column.to_string(), d));
            for k in 1..=*points as i64 {
                let m = k * step_min;
                let _ = write!(out, "{d}{:02}:{:02}", m / 60, m % 60);
            }
            out.push('\n');
            for (day, row) in values.chunks_exact(*points).enumerate() {
                out.push_str(&cal.date_of_day(day).to_string());
                for &v in row {
                    out.push(d);
                    out.push_str(&cell(v));
                }
                out.push('\n');
            }
        }
    }
    std::fs::write(path, out).map_err(|source| LoadError::Io {
        path: path.to_path_buf(),
        source,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::HolidayTable;
    use crate::load::{ArchetypeLibrary, LoadTarget, synthesize};
    use approx::assert_relative_eq;

    fn cal(step: StepLength) -> Calendar {
        Calendar::new(2025, step, 8.0, &HolidayTable::embedded()).unwrap()
    }

    fn profile(c: &Calendar) -> Vec<f64> {
        let lib = ArchetypeLibrary::embedded();
        let t = LoadTarget {
            annual_kwh: Some(1.5e6),
            peak_kw: None,
        };
        synthesize(c, lib.get("equipment_manufacturing").unwrap(), &t, 5).unwrap()
    }

    fn interval(step: StepLength, stamp: Stamp) -> MeterLayout {
        MeterLayout::Interval {
            timestamp_column: "时间".into(),
            value_column: "有功功率(kW)".into(),
            interval: step,
            stamp,
        }
    }

    #[test]
    fn round_trip_every_layout() {
        let dir = tempfile::tempdir().unwrap();
        let cases = [
            (
                StepLength::Hourly,
                interval(StepLength::Hourly, Stamp::IntervalStart),
                MeterUnit::Kw,
            ),
            (
                StepLength::QuarterHourly,
                interval(StepLength::QuarterHourly, Stamp::IntervalEnd),
                MeterUnit::KwhPerInterval,
            ),
            (
                StepLength::QuarterHourly,
                MeterLayout::DailyPoints {
                    date_column: "日期".into(),
                    points: 96,
                },
                MeterUnit::Kw,
            ),
            (
                StepLength::Hourly,
                MeterLayout::DailyPoints {
                    date_column: "日期".into(),
                    points: 24,
                },
                MeterUnit::KwhPerInterval,
            ),
        ];
        for (i, (step, layout, unit)) in cases.into_iter().enumerate() {
            let c = cal(step);
            let p = profile(&c);
            let mut spec = MeterSpec::new(layout, unit);
            if i == 1 {
                spec.delimiter = ';';
            }
            let path = dir.path().join(format!("m{i}.csv"));
            write_meter(&path, &spec, &c, &p).unwrap();
            let back = read_meter(&path, &spec, &c).unwrap();
            assert_eq!(back.report.missing_intervals, 0);
            assert_eq!(back.p_kw.len(), p.len());
            for (a, b) in back.p_kw.iter().zip(&p) {
                assert_relative_eq!(a, b, max_relative = 1e-14);
            }
        }
    }

    #[test]
    fn resolution_change_conserves_energy() {
        // 15-min series written as an hourly file, read back onto the 15-min calendar.
        let dir = tempfile::tempdir().unwrap();
        let c = cal(StepLength::QuarterHourly);
        let p = profile(&c);
        let path = dir.path().join("h.csv");
        for up in [Upsample::Repeat, Upsample::Smooth] {
            let mut spec = MeterSpec::new(
                interval(StepLength::Hourly, Stamp::IntervalStart),
                MeterUnit::Kw,
            );
            spec.upsample = up;
            write_meter(&path, &spec, &c, &p).unwrap();
            let back = read_meter(&path, &spec, &c).unwrap();
            assert_eq!(back.p_kw.len(), c.n_steps());
            let e0: f64 = p.iter().sum();
            let e1: f64 = back.p_kw.iter().sum();
            assert_relative_eq!(e0, e1, max_relative = 1e-12);
            // Each hour keeps its energy.
            let h0 = fill::quarter_hourly_to_hourly(&p);
            let h1 = fill::quarter_hourly_to_hourly(&back.p_kw);
            for (a, b) in h0.iter().zip(&h1) {
                assert_relative_eq!(a, b, max_relative = 1e-12);
            }
        }
        // The same file read onto an hourly calendar gives the hourly means.
        let spec = MeterSpec::new(
            interval(StepLength::Hourly, Stamp::IntervalStart),
            MeterUnit::Kw,
        );
        let hc = cal(StepLength::Hourly);
        let back = read_meter(&path, &spec, &hc).unwrap();
        assert_relative_eq!(
            back.p_kw[100],
            fill::quarter_hourly_to_hourly(&p)[100],
            max_relative = 1e-12
        );
    }

    #[test]
    fn gaps_are_filled_and_reported() {
        let dir = tempfile::tempdir().unwrap();
        let c = cal(StepLength::Hourly);
        let p = profile(&c);
        let mut holey = p.clone();
        // A 3-hour gap (interpolated) and a whole day (profile-filled): 2025-03-12 is a Wednesday.
        for v in &mut holey[1000..1003] {
            *v = f64::NAN;
        }
        let day = usize::from(Date::new(2025, 3, 12).unwrap().ordinal0());
        for v in &mut holey[day * 24..(day + 1) * 24] {
            *v = f64::NAN;
        }
        let spec = MeterSpec::new(
            interval(StepLength::Hourly, Stamp::IntervalStart),
            MeterUnit::Kw,
        );
        let path = dir.path().join("gaps.csv");
        write_meter(&path, &spec, &c, &holey).unwrap();
        let m = read_meter(&path, &spec, &c).unwrap();
        let r = &m.report;
        assert_eq!(
            (r.missing_intervals, r.n_gaps, r.longest_gap_intervals),
            (27, 2, 24)
        );
        assert_eq!(
            (r.interpolated_intervals, r.profile_filled_intervals),
            (3, 24)
        );
        assert_eq!(r.longest_gap_start.as_deref(), Some("2025-03-12T00:00"));
        assert_relative_eq!(r.missing_fraction, 27.0 / 8760.0);
        // Interpolated: on the line between the neighbours.
        assert_relative_eq!(m.p_kw[1001], 0.5 * (p[999] + p[1003]), max_relative = 1e-12);
        // Profile-filled: the mean of the Wednesdays before and after.
        let h = day * 24 + 10;
        assert_relative_eq!(
            m.p_kw[h],
            0.5 * (p[h - 168] + p[h + 168]),
            max_relative = 1e-12
        );
    }

    fn corpus(name: &str) -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/data/load/bad")
            .join(name)
    }

    #[test]
    fn malformed_corpus_gives_clear_errors() {
        let c = cal(StepLength::Hourly);
        let hourly = MeterSpec::new(
            MeterLayout::Interval {
                timestamp_column: "timestamp".into(),
                value_column: "kw".into(),
                interval: StepLength::Hourly,
                stamp: Stamp::IntervalStart,
            },
            MeterUnit::Kw,
        );
        let daily = MeterSpec::new(
            MeterLayout::DailyPoints {
                date_column: "date".into(),
                points: 96,
            },
            MeterUnit::KwhPerInterval,
        );
        type Check = fn(&LoadError) -> bool;
        let cases: [(&str, &MeterSpec, Check, &str); 11] = [
            (
                "gaps_over_limit.csv",
                &hourly,
                |e| matches!(e, LoadError::TooManyMissing { .. }),
                "",
            ),
            (
                "duplicate_timestamp.csv",
                &hourly,
                |e| {
                    matches!(
                        e,
                        LoadError::DuplicateTimestamp {
                            line: 5,
                            first_line: 4,
                            ..
                        }
                    )
                },
                ":5",
            ),
            (
                "unordered.csv",
                &hourly,
                |e| matches!(e, LoadError::Unordered { line: 5, .. }),
                ":5",
            ),
            (
                "wrong_year_length.csv",
                &hourly,
                |e| {
                    matches!(
                        e,
                        LoadError::WrongYearLength {
                            line: 6,
                            year: 2025,
                            ..
                        }
                    )
                },
                ":6",
            ),
            (
                "non_numeric.csv",
                &hourly,
                |e| matches!(e, LoadError::NonNumeric { line: 4, .. }),
                ":4, column `kw`",
            ),
            (
                "negative_value.csv",
                &hourly,
                |e| matches!(e, LoadError::NegativeValue { line: 3, .. }),
                ":3, column `kw`",
            ),
            (
                "wrong_point_count.csv",
                &daily,
                |e| {
                    matches!(
                        e,
                        LoadError::WrongPointCount {
                            line: 1,
                            found: 95,
                            expected: 96,
                            ..
                        }
                    )
                },
                ":1",
            ),
            (
                "missing_column.csv",
                &hourly,
                |e| matches!(e, LoadError::MissingColumn { line: 1, .. }),
                ":1: column `kw`",
            ),
            (
                "ragged_row.csv",
                &hourly,
                |e| matches!(e, LoadError::RaggedRow { line: 4, .. }),
                ":4",
            ),
            (
                "bad_timestamp.csv",
                &hourly,
                |e| matches!(e, LoadError::BadTimestamp { line: 3, .. }),
                ":3, column `timestamp`",
            ),
            (
                "not_utf8.csv",
                &hourly,
                |e| matches!(e, LoadError::NotUtf8 { line: 1, .. }),
                ":1",
            ),
        ];
        for (file, spec, check, needle) in cases {
            let e = read_meter(&corpus(file), spec, &c).unwrap_err();
            let msg = e.to_string();
            assert!(check(&e), "{file}: unexpected {e:?}");
            assert!(msg.contains(file), "{file}: message lacks the file: {msg}");
            assert!(
                msg.contains(needle),
                "{file}: message lacks `{needle}`: {msg}"
            );
        }
    }

    #[test]
    fn too_many_missing_names_the_gap() {
        let c = cal(StepLength::Hourly);
        let spec = MeterSpec::new(
            MeterLayout::Interval {
                timestamp_column: "timestamp".into(),
                value_column: "kw".into(),
                interval: StepLength::Hourly,
                stamp: Stamp::IntervalStart,
            },
            MeterUnit::Kw,
        );
        let e = read_meter(&corpus("gaps_over_limit.csv"), &spec, &c).unwrap_err();
        match e {
            LoadError::TooManyMissing {
                missing,
                total,
                after_line,
                ..
            } => {
                assert_eq!(total, 8760);
                assert_eq!(missing, 8760 - 48);
                assert_eq!(after_line, 49);
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn reactive_columns_are_summed_scaled_and_their_gaps_reported() {
        let dir = tempfile::tempdir().unwrap();
        let c = cal(StepLength::Hourly);
        let jan1 = Date::new(2025, 1, 1).unwrap().days_since_epoch() * 1440;
        let mut text = String::from("end,kwh,kvarh_lag,kvarh_lead\n");
        for i in 0..8760i64 {
            let t = jan1 + (i + 1) * 60;
            let d = Date::from_days_since_epoch(t.div_euclid(1440));
            let m = t.rem_euclid(1440);
            // Three lagging cells left empty; leading kvarh only at night.
            let lag = if (100..103).contains(&i) {
                String::new()
            } else {
                "30".into()
            };
            let lead = if i % 24 < 6 { "2" } else { "0" };
            text.push_str(&format!(
                "{d} {:02}:{:02},100,{lag},{lead}\n",
                m / 60,
                m % 60
            ));
        }
        let path = dir.path().join("q.csv");
        std::fs::write(&path, text).unwrap();
        let mut spec = MeterSpec::new(
            MeterLayout::Interval {
                timestamp_column: "end".into(),
                value_column: "kwh".into(),
                interval: StepLength::Hourly,
                stamp: Stamp::IntervalEnd,
            },
            MeterUnit::KwhPerInterval,
        );
        spec.reactive = Some(ReactiveSpec {
            columns: vec!["kvarh_lag".into(), "kvarh_lead".into()],
            unit: MeterUnit::KwhPerInterval,
        });
        let m = read_meter(&path, &spec, &c).unwrap();
        let q = m.q_kvar.unwrap();
        assert_relative_eq!(q[0], 32.0);
        assert_relative_eq!(q[10], 30.0);
        // Interpolated between 32 (hour 99, night: 30 + 2 leading) and 30 (hour 103).
        assert_relative_eq!(q[101], 31.0);
        assert_eq!(m.report.missing_intervals, 0);
        assert_eq!(m.report.reactive_missing_intervals, Some(3));
        assert!(
            m.report
                .summary()
                .ends_with("no gap; reactive columns: 3 intervals missing, filled likewise"),
            "{}",
            m.report.summary()
        );
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(200))]

        /// Any bytes, read with any declared encoding and with reactive columns, give a series
        /// or an error; they never panic.
        #[test]
        fn never_panics_on_arbitrary_files(
            lines in proptest::collection::vec("[0-9:\\-/ ,;\"a-z时间.\u{0}-\u{7f}]{0,40}", 0..30),
            raw in proptest::collection::vec(proptest::num::u8::ANY, 0..200),
            gbk in proptest::bool::ANY,
            daily in proptest::bool::ANY,
        ) {
            let dir = tempfile::tempdir().unwrap();
            let c = cal(StepLength::Hourly);
            let mut text = String::from("时间,value,q\n2025-01-01 00:00,1,2\n").into_bytes();
            text.extend(lines.join("\n").into_bytes());
            text.extend(raw);
            let path = dir.path().join("m.csv");
            std::fs::write(&path, &text).unwrap();
            let layout = if daily {
                MeterLayout::DailyPoints { date_column: Column::Position(1), points: 24 }
            } else {
                MeterLayout::Interval {
                    timestamp_column: "时间".into(),
                    value_column: Column::Position(2),
                    interval: StepLength::Hourly,
                    stamp: Stamp::IntervalEnd,
                }
            };
            let mut spec = MeterSpec::new(layout, MeterUnit::KwhPerInterval);
            spec.encoding = if gbk { Encoding::Gb18030 } else { Encoding::Utf8 };
            spec.max_missing_fraction = 1.0;
            if !daily {
                spec.reactive = Some(ReactiveSpec {
                    columns: vec![Column::Position(3), Column::Position(3)],
                    unit: MeterUnit::Kw,
                });
            }
            let _ = read_meter(&path, &spec, &c);
        }
    }
}
