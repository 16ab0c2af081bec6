//! Summary figures of a load series: annual energy, peak, load factor (负荷率), and typical-day
//! profiles per day kind (典型日负荷曲线) for charts.
//!
//! Owns no model; pure reductions over a series on a calendar.

use super::error::LoadError;
use crate::calendar::{Calendar, DayKind};

/// Annual energy, peak and load factor of a series.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LoadStats {
    /// Energy over the series [kWh].
    pub annual_kwh: f64,
    /// Largest step value [kW].
    pub peak_kw: f64,
    /// Mean over peak (年负荷率) [fraction]; 0 for an all-zero series.
    pub load_factor: f64,
}

/// Annual energy, peak and load factor of a power series.
///
/// # Arguments
/// * `p_kw` - mean power of each step [kW]
/// * `step_hours` - step length [h], 1 or 0.25
///
/// # Returns
/// `annual_kwh = Σ p · Δt`, `peak_kw = max p`, `load_factor = mean p / peak`.
pub fn load_stats(p_kw: &[f64], step_hours: f64) -> LoadStats {
    let sum: f64 = p_kw.iter().sum();
    let peak_kw = p_kw.iter().copied().fold(0.0_f64, f64::max);
    let mean = if p_kw.is_empty() {
        0.0
    } else {
        sum / p_kw.len() as f64
    };
    LoadStats {
        annual_kwh: sum * step_hours,
        peak_kw,
        load_factor: if peak_kw > 0.0 { mean / peak_kw } else { 0.0 },
    }
}

/// Mean daily profiles per kind of day, one value per step of the day [kW].
#[derive(Debug, Clone, PartialEq)]
pub struct TypicalDays {
    /// Working days, including adjusted working days (工作日, 调休上班).
    pub workday_kw: Vec<f64>,
    /// Ordinary Saturdays and Sundays (周末).
    pub weekend_kw: Vec<f64>,
    /// Public holidays (法定节假日); empty when the calendar has none.
    pub holiday_kw: Vec<f64>,
    /// Number of days averaged into each profile: workday, weekend, holiday.
    pub n_days: [usize; 3],
}

/// Typical-day profiles: the mean of each step of the day over the days of each kind.
///
/// # Arguments
/// * `cal` - calendar of the series
/// * `p_kw` - power per step [kW], `cal.n_steps()` values
///
/// # Errors
/// [`LoadError::LengthMismatch`] when `p_kw` is not on the calendar.
pub fn typical_days(cal: &Calendar, p_kw: &[f64]) -> Result<TypicalDays, LoadError> {
    if p_kw.len() != cal.n_steps() {
        return Err(LoadError::LengthMismatch {
            what: "p_kw".into(),
            found: p_kw.len(),
            expected: cal.n_steps(),
        });
    }
    let spd = cal.steps_per_day();
    let mut sums = [vec![0.0; spd], vec![0.0; spd], vec![0.0; spd]];
    let mut n = [0usize; 3];
    for (d, day) in p_kw.chunks_exact(spd).enumerate() {
        let k = match cal.day_kind_of_day(d) {
            DayKind::Workday | DayKind::AdjustedWorkday => 0,
            DayKind::Weekend => 1,
            DayKind::Holiday => 2,
        };
        n[k] += 1;
        for (s, &v) in sums[k].iter_mut().zip(day) {
            *s += v;
        }
    }
    let [w, e, h] = sums;
    let mean = |v: Vec<f64>, n: usize| -> Vec<f64> {
        if n == 0 {
            Vec::new()
        } else {
            v.into_iter().map(|s| s / n as f64).collect()
        }
    };
    Ok(TypicalDays {
        workday_kw: mean(w, n[0]),
        weekend_kw: mean(e, n[1]),
        holiday_kw: mean(h, n[2]),
        n_days: n,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::{HolidayTable, StepLength};
    use approx::assert_relative_eq;

    #[test]
    fn stats_of_a_square_wave() {
        // 12 h at 100 kW, 12 h at 50 kW: 1800 kWh, peak 100, load factor 0.75.
        let p: Vec<f64> = (0..24).map(|h| if h < 12 { 100.0 } else { 50.0 }).collect();
        let s = load_stats(&p, 1.0);
        assert_relative_eq!(s.annual_kwh, 1800.0);
        assert_relative_eq!(s.peak_kw, 100.0);
        assert_relative_eq!(s.load_factor, 0.75);
        let q = load_stats(&p, 0.25);
        assert_relative_eq!(q.annual_kwh, 450.0);
        assert_relative_eq!(load_stats(&[], 1.0).load_factor, 0.0);
    }

    #[test]
    fn typical_days_split_by_kind() {
        let cal = Calendar::new(2025, StepLength::Hourly, 8.0, &HolidayTable::embedded()).unwrap();
        // Value = 1 on working days, 2 on weekends, 3 on holidays, plus the hour/100.
        let p: Vec<f64> = (0..cal.n_steps())
            .map(|i| {
                let k = match cal.day_kind(i) {
                    DayKind::Workday | DayKind::AdjustedWorkday => 1.0,
                    DayKind::Weekend => 2.0,
                    DayKind::Holiday => 3.0,
                };
                k + f64::from(cal.hour(i)) / 100.0
            })
            .collect();
        let t = typical_days(&cal, &p).unwrap();
        assert_eq!(t.n_days.iter().sum::<usize>(), 365);
        assert_relative_eq!(t.workday_kw[5], 1.05, epsilon = 1e-12);
        assert_relative_eq!(t.weekend_kw[23], 2.23, epsilon = 1e-12);
        assert_relative_eq!(t.holiday_kw[0], 3.0);
        assert!(typical_days(&cal, &p[1..]).is_err());
    }
}
