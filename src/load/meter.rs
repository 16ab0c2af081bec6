//! Meter data (计量数据): read and write an enterprise's interval load as CSV, either one row per
//! interval (timestamp, value) or one row per day with 24 or 96 point columns (96点负荷曲线, the
//! layout Chinese utilities export), in kW or kWh per interval as the caller declares.
//!
//! Owns parsing, checking, gap filling (rule in [`super::fill`]) and resampling to the calendar's
//! step. Every file error names the file and the line (1-based, counting the header as line 1),
//! and the column where one is involved. Files must be UTF-8 (a byte-order mark is accepted);
//! fields may be quoted with `"` (a doubled `""` is a literal quote).
//!
//! Timestamps are local standard time of the calendar: `YYYY-MM-DD HH:MM[:SS]`,
//! `YYYY-MM-DDTHH:MM[:SS][+08:00|Z]` (an explicit offset is converted to the calendar's),
//! `YYYY/MM/DD HH:MM[:SS]`; month, day and hour may have one digit; `24:00` is the end of a day.
//! A point `k` (1-based) of a daily row covers `[(k−1)·Δt, k·Δt)` of that day.

use super::error::LoadError;
use super::fill::{self, Upsample};
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
        /// Header name of the timestamp column.
        timestamp_column: String,
        /// Header name of the value column.
        value_column: String,
        /// Interval length of the rows (hourly or 15-minute).
        interval: StepLength,
        /// Whether timestamps name the start or the end of the interval.
        stamp: Stamp,
    },
    /// One row per day: a date column followed by exactly `points` value columns (columns before
    /// the date column, such as 户号, are ignored).
    DailyPoints {
        /// Header name of the date column.
        date_column: String,
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

/// How to read (or write) a meter file.
#[derive(Debug, Clone, PartialEq)]
pub struct MeterSpec {
    /// Layout of the file.
    pub layout: MeterLayout,
    /// Unit of the values, declared by the caller (never guessed).
    pub unit: MeterUnit,
    /// Field delimiter, `,` by default (`;` and tab are common too).
    pub delimiter: char,
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
        if matches!(self.delimiter, '"' | '\n' | '\r') {
            return Err(bad(
                "delimiter",
                format!("{:?}", self.delimiter),
                "not a quote or line break",
            ));
        }
        self.meter_step()
    }
}

/// What was missing in a meter file and how it was filled (counts at the meter's resolution).
#[derive(Debug, Clone, PartialEq)]
pub struct GapReport {
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
}

/// A meter series on the calendar's steps with its gap report.
#[derive(Debug, Clone, PartialEq)]
pub struct MeterSeries {
    /// Mean active power of each calendar step [kW].
    pub p_kw: Vec<f64>,
    /// What was missing and filled.
    pub report: GapReport,
}

/// Split one CSV line into fields, honouring `"` quoting.
fn split_fields<'a>(line: &'a str, delim: char, out: &mut Vec<Cow<'a, str>>) {
    out.clear();
    let mut rest = line;
    loop {
        if let Some(q) = rest.trim_start_matches(' ').strip_prefix('"') {
            let mut s = String::new();
            let mut chars = q.char_indices();
            let mut end = q.len();
            while let Some((i, c)) = chars.next() {
                if c == '"' {
                    if q[i + 1..].starts_with('"') {
                        s.push('"');
                        chars.next();
                    } else {
                        end = i + 1;
                        break;
                    }
                } else {
                    s.push(c);
                }
            }
            out.push(Cow::Owned(s));
            rest = &q[end..];
            match rest.find(delim) {
                Some(i) => rest = &rest[i + delim.len_utf8()..],
                None => return,
            }
        } else {
            match rest.find(delim) {
                Some(i) => {
                    out.push(Cow::Borrowed(rest[..i].trim()));
                    rest = &rest[i + delim.len_utf8()..];
                }
                None => {
                    out.push(Cow::Borrowed(rest.trim()));
                    return;
                }
            }
        }
    }
}

/// Quote a field for writing when it contains the delimiter, a quote or a line break.
fn quote(field: &str, delim: char) -> Cow<'_, str> {
    if field.contains(delim) || field.contains('"') || field.contains('\n') {
        Cow::Owned(format!("\"{}\"", field.replace('"', "\"\"")))
    } else {
        Cow::Borrowed(field)
    }
}

fn parse_date(s: &str) -> Option<Date> {
    let sep = if s.contains('/') { '/' } else { '-' };
    let mut it = s.split(sep);
    let y = it.next()?.parse().ok()?;
    let m = it.next()?.parse().ok()?;
    let d = it.next()?.parse().ok()?;
    if it.next().is_some() {
        return None;
    }
    Date::new(y, m, d)
}

/// Minutes of a `HH:MM[:SS]` time, allowing `24:00`; seconds must be zero.
fn parse_time(s: &str) -> Result<i64, &'static str> {
    let mut it = s.split(':');
    let h: i64 = it
        .next()
        .and_then(|x| x.parse().ok())
        .ok_or("has no hour")?;
    let m: i64 = it
        .next()
        .and_then(|x| x.parse().ok())
        .ok_or("has no minute")?;
    let sec: f64 = match it.next() {
        Some(x) => x.parse().map_err(|_| "has unreadable seconds")?,
        None => 0.0,
    };
    if it.next().is_some() || !(0..=24).contains(&h) || !(0..60).contains(&m) {
        return Err("is not a valid time of day");
    }
    if h == 24 && m != 0 {
        return Err("is not a valid time of day");
    }
    if sec != 0.0 {
        return Err("is not on a whole minute");
    }
    Ok(h * 60 + m)
}

/// Minutes since 1970-01-01 00:00 in the calendar's local standard time.
fn parse_timestamp(s: &str, cal_offset_min: i64) -> Result<i64, &'static str> {
    let s = s.trim();
    let split = s
        .find(['T', ' '])
        .ok_or("has no time (expected YYYY-MM-DD HH:MM)")?;
    let date =
        parse_date(&s[..split]).ok_or("has no valid date (expected YYYY-MM-DD or YYYY/MM/DD)")?;
    let mut time = s[split + 1..].trim();
    let mut offset = None;
    if let Some(t) = time.strip_suffix('Z') {
        time = t;
        offset = Some(0);
    } else if let Some(i) = time.rfind(['+', '-']) {
        let (t, off) = time.split_at(i);
        let sign = if off.starts_with('-') { -1 } else { 1 };
        let digits: String = off[1..].chars().filter(|c| *c != ':').collect();
        if digits.len() != 4 {
            return Err("has an offset that is not ±HH:MM");
        }
        let hh: i64 = digits[..2]
            .parse()
            .map_err(|_| "has an offset that is not ±HH:MM")?;
        let mm: i64 = digits[2..]
            .parse()
            .map_err(|_| "has an offset that is not ±HH:MM")?;
        offset = Some(sign * (hh * 60 + mm));
        time = t.trim_end();
    }
    let local = date.days_since_epoch() * 1440 + parse_time(time)?;
    Ok(match offset {
        Some(off) => local - off + cal_offset_min,
        None => local,
    })
}

/// The day date of a daily row: `YYYY-MM-DD` or `YYYY/MM/DD`, optionally followed by ` 00:00[:00]`.
fn parse_day(s: &str) -> Option<Date> {
    let s = s.trim();
    match s.split_once([' ', 'T']) {
        Some((d, t)) if parse_time(t.trim()) == Ok(0) => parse_date(d),
        Some(_) => None,
        None => parse_date(s),
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

    fn value(
        &mut self,
        idx: usize,
        cell: &str,
        line: usize,
        column: &str,
    ) -> Result<(), LoadError> {
        let v = parse_value(cell).map_err(|()| LoadError::NonNumeric {
            path: self.pb(),
            line,
            column: column.to_string(),
            value: cell.to_string(),
        })?;
        if let Some(v) = v {
            if v < 0.0 {
                return Err(LoadError::NegativeValue {
                    path: self.pb(),
                    line,
                    column: column.to_string(),
                    value: v,
                    unit: self.spec.unit.label().into(),
                });
            }
            self.values[idx] = match self.spec.unit {
                MeterUnit::Kw => v,
                MeterUnit::KwhPerInterval => v / self.step_h,
            };
        }
        Ok(())
    }
}

fn find_column(path: &Path, header: &[Cow<'_, str>], name: &str) -> Result<usize, LoadError> {
    header
        .iter()
        .position(|h| h == name)
        .ok_or_else(|| LoadError::MissingColumn {
            path: path.to_path_buf(),
            line: 1,
            column: name.to_string(),
            found: header.join(", "),
        })
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
    let bytes = std::fs::read(path).map_err(|source| LoadError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let text = String::from_utf8(bytes).map_err(|e| {
        let upto = e.utf8_error().valid_up_to();
        LoadError::NotUtf8 {
            path: path.to_path_buf(),
            line: e.as_bytes()[..upto].iter().filter(|&&b| b == b'\n').count() + 1,
        }
    })?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    let spd = meter_step.steps_per_day();
    let total = cal.n_days() * spd;
    let jan1 = Date::new(cal.year(), 1, 1).expect("January 1 exists");
    let mut lines = text
        .lines()
        .enumerate()
        .map(|(i, l)| (i + 1, l))
        .filter(|(_, l)| !l.trim().is_empty());
    let Some((header_line, header_text)) = lines.next() else {
        return Err(LoadError::EmptyFile {
            path: path.to_path_buf(),
            what: "no header line".into(),
        });
    };
    let mut header = Vec::new();
    split_fields(header_text, spec.delimiter, &mut header);
    let data: Vec<(usize, &str)> = lines.collect();
    if data.is_empty() {
        return Err(LoadError::EmptyFile {
            path: path.to_path_buf(),
            what: "a header but no data rows".into(),
        });
    }
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
        line_of: vec![0; total],
        prev: None,
        found: data.len() * per_row,
    };
    let cal_off = (cal.utc_offset_hours() * 60.0).round() as i64;
    let mut fields = Vec::new();
    match &spec.layout {
        MeterLayout::Interval {
            timestamp_column,
            value_column,
            stamp,
            ..
        } => {
            let ti = find_column(path, &header, timestamp_column)?;
            let vi = find_column(path, &header, value_column)?;
            for &(line, l) in &data {
                split_fields(l, spec.delimiter, &mut fields);
                check_width(path, line, fields.len(), header.len())?;
                let cell = &fields[ti];
                let bad = |reason: &str| LoadError::BadTimestamp {
                    path: path.to_path_buf(),
                    line,
                    column: timestamp_column.clone(),
                    value: cell.to_string(),
                    reason: reason.to_string(),
                };
                let mut t = parse_timestamp(cell, cal_off).map_err(bad)?;
                if t.rem_euclid(r.step_min) != 0 {
                    return Err(bad(&format!("is not on a {}-minute boundary", r.step_min)));
                }
                if *stamp == Stamp::IntervalEnd {
                    t -= r.step_min;
                }
                let idx = r.place(t, line)?;
                r.value(idx, &fields[vi], line, value_column)?;
            }
        }
        MeterLayout::DailyPoints {
            date_column,
            points,
        } => {
            let di = find_column(path, &header, date_column)?;
            let found = header.len() - di - 1;
            if found != *points {
                return Err(LoadError::WrongPointCount {
                    path: path.to_path_buf(),
                    line: header_line,
                    date_column: date_column.clone(),
                    found,
                    expected: *points,
                });
            }
            for &(line, l) in &data {
                split_fields(l, spec.delimiter, &mut fields);
                check_width(path, line, fields.len(), header.len())?;
                let day = parse_day(&fields[di]).ok_or_else(|| LoadError::BadTimestamp {
                    path: path.to_path_buf(),
                    line,
                    column: date_column.clone(),
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
    finish(r, spd, meter_step)
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
fn finish(r: Reader<'_>, spd: usize, meter_step: StepLength) -> Result<MeterSeries, LoadError> {
    let Reader {
        path,
        spec,
        cal,
        mut values,
        line_of,
        ..
    } = r;
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
        return Err(LoadError::TooManyMissing {
            path: path.to_path_buf(),
            missing,
            total,
            missing_fraction,
            max_missing_fraction: spec.max_missing_fraction,
            longest,
            after_line,
        });
    }
    let max_interp = (spec.max_interpolation_hours / meter_step.hours()).floor() as usize;
    let counts = fill::fill_gaps(&mut values, spd, max_interp);
    let longest_gap_start = (counts.longest > 0).then(|| {
        let s = counts.longest_start;
        let d = cal.date_of_day(s / spd);
        let m = (s % spd) as u32 * meter_step.minutes();
        format!("{d}T{:02}:{:02}", m / 60, m % 60)
    });
    let report = GapReport {
        interval_minutes: meter_step.minutes(),
        total_intervals: total,
        missing_intervals: counts.missing,
        missing_fraction,
        n_gaps: counts.n_gaps,
        longest_gap_intervals: counts.longest,
        longest_gap_start,
        interpolated_intervals: counts.interpolated,
        profile_filled_intervals: counts.profile_filled,
    };
    let p_kw = match (meter_step, cal.step()) {
        (StepLength::QuarterHourly, StepLength::Hourly) => fill::quarter_hourly_to_hourly(&values),
        (StepLength::Hourly, StepLength::QuarterHourly) => {
            fill::hourly_to_quarter_hourly(&values, spec.upsample)
        }
        _ => values,
    };
    Ok(MeterSeries { p_kw, report })
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
                quote(timestamp_column, d),
                quote(value_column, d)
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
            out.push_str(&quote(date_column, d));
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
    fn timestamps_in_every_accepted_form() {
        let base = Date::new(2025, 3, 4).unwrap().days_since_epoch() * 1440 + 13 * 60 + 15;
        for s in [
            "2025-03-04 13:15",
            "2025-03-04 13:15:00",
            "2025-03-04T13:15",
            "2025-03-04T13:15:00+08:00",
            "2025-03-04T05:15:00Z",
            "2025/03/04 13:15",
            "2025/3/4 13:15",
        ] {
            assert_eq!(parse_timestamp(s, 480), Ok(base), "{s}");
        }
        assert_eq!(
            parse_timestamp("2025-03-04 24:00", 480),
            Ok(base - 13 * 60 - 15 + 1440)
        );
        assert!(parse_timestamp("2025-03-04", 480).is_err());
        assert!(parse_timestamp("2025-02-30 10:00", 480).is_err());
        assert!(parse_timestamp("2025-03-04 10:00:30", 480).is_err());
        assert_eq!(parse_day("2025/3/4"), Date::new(2025, 3, 4));
        assert_eq!(parse_day("2025-03-04 00:00:00"), Date::new(2025, 3, 4));
    }

    #[test]
    fn quoted_fields_split() {
        let mut f = Vec::new();
        split_fields(r#"a, "b,c" ,"say ""hi""",,d"#, ',', &mut f);
        assert_eq!(f, vec!["a", "b,c", r#"say "hi""#, "", "d"]);
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
}
