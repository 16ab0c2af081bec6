//! Input files read while a scenario is loaded (meter files, weather files), memoised by path,
//! size, modification time and how they are read, so that the plans of a sweep's samples (each
//! loaded from its own scenario text) share one read of each file. Only successful reads are
//! kept; at most [`MAX_ENTRIES`] per kind.

use std::collections::HashMap;
use std::path::Path;
use std::sync::{Mutex, OnceLock};

/// Most reads kept per kind of file; the memo is emptied when full.
pub const MAX_ENTRIES: usize = 64;

type Memo<T> = OnceLock<Mutex<HashMap<String, T>>>;

static METERS: Memo<super::MeterData> = OnceLock::new();
static WEATHER: Memo<(super::WeatherData, crate::weather::Format)> = OnceLock::new();

/// The identity of a file's current content as far as the file system tells: path, size and
/// modification time; `None` when it cannot be read (the reader then reports why).
fn file_key(path: &Path) -> Option<String> {
    let m = std::fs::metadata(path).ok()?;
    Some(format!(
        "{}|{}|{:?}",
        path.display(),
        m.len(),
        m.modified().ok()
    ))
}

fn memo<T: Clone, E>(
    cache: &'static Memo<T>,
    key: Option<String>,
    read: impl FnOnce() -> Result<T, E>,
) -> Result<T, E> {
    let map = cache.get_or_init(|| Mutex::new(HashMap::new()));
    if let Some(k) = &key
        && let Some(v) = map.lock().unwrap_or_else(|p| p.into_inner()).get(k)
    {
        return Ok(v.clone());
    }
    let v = read()?;
    if let Some(k) = key {
        let mut m = map.lock().unwrap_or_else(|p| p.into_inner());
        if m.len() >= MAX_ENTRIES {
            m.clear();
        }
        m.insert(k, v.clone());
    }
    Ok(v)
}

/// A meter file read onto a calendar (see [`crate::load::read_meter`]), memoised.
///
/// # Errors
/// The reader's [`crate::load::LoadError`].
pub fn meter(
    path: &Path,
    spec: &crate::load::MeterSpec,
    cal: &crate::calendar::Calendar,
) -> Result<super::MeterData, crate::load::LoadError> {
    let key = file_key(path).map(|f| {
        format!(
            "{f}|{spec:?}|{}|{}|{}",
            cal.year(),
            cal.step().minutes(),
            cal.utc_offset_hours()
        )
    });
    memo(&METERS, key, || {
        crate::load::read_meter(path, spec, cal).map(super::MeterData::new)
    })
}

/// A weather file read (see [`crate::weather::read_file`]), memoised; the data's hash is that of
/// the file's bytes.
///
/// # Errors
/// The reader's [`crate::weather::WeatherError`].
pub fn weather(
    path: &Path,
    declared: Option<crate::weather::Format>,
    csv_spec: &crate::weather::csv::CsvSpec,
    utc_offset_hours: f64,
) -> Result<(super::WeatherData, crate::weather::Format), crate::weather::WeatherError> {
    let key = file_key(path).map(|f| format!("{f}|{declared:?}|{csv_spec:?}|{utc_offset_hours}"));
    memo(&WEATHER, key, || {
        let bytes = std::fs::read(path).map_err(|source| crate::weather::WeatherError::Io {
            path: path.display().to_string(),
            source,
        })?;
        let (year, format) = crate::weather::read_file(path, declared, csv_spec, utc_offset_hours)?;
        // A file in another zone (EPW, TMY3 state theirs) is converted to the scenario's.
        let year = year.to_utc_offset(utc_offset_hours)?;
        Ok((
            super::WeatherData {
                year: std::sync::Arc::new(year),
                hash: super::fnv1a(&bytes),
            },
            format,
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::{Calendar, HolidayTable, StepLength};

    #[test]
    fn a_file_is_read_once_until_it_changes() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("m.csv");
        let cal = Calendar::new(2025, StepLength::Hourly, 8.0, &HolidayTable::embedded()).unwrap();
        let mut text = String::from("timestamp,value\n");
        for d in 1..=31 {
            for h in 0..24 {
                text.push_str(&format!("2025-01-{d:02} {h:02}:00,10\n"));
            }
        }
        std::fs::write(&p, &text).unwrap();
        let mut spec = crate::load::MeterSpec::new(
            crate::load::MeterLayout::Interval {
                timestamp_column: "timestamp".into(),
                value_column: "value".into(),
                interval: StepLength::Hourly,
                stamp: crate::load::Stamp::IntervalStart,
            },
            crate::load::MeterUnit::Kw,
        );
        spec.max_missing_fraction = 1.0;
        let a = meter(&p, &spec, &cal).unwrap();
        let b = meter(&p, &spec, &cal).unwrap();
        assert!(std::sync::Arc::ptr_eq(&a.series, &b.series));
        // Another way of reading it, or new content, is read again.
        spec.max_missing_fraction = 0.99;
        let c = meter(&p, &spec, &cal).unwrap();
        assert!(!std::sync::Arc::ptr_eq(&a.series, &c.series));
        std::fs::write(&p, text.replace(",10\n", ",20\n") + "2025-02-01 00:00,20\n").unwrap();
        let d = meter(&p, &spec, &cal).unwrap();
        assert!((d.series.p_kw[0] - 20.0).abs() < 1e-12);
    }
}
