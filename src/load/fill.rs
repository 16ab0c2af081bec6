//! Gap filling and resampling of meter series (缺数补全, 15分钟/小时 换算).
//!
//! Owns the rules that turn an interval series with missing values (NaN) into a complete one, and
//! the energy-conserving conversions between 15-minute and hourly steps. Knows nothing of files.
//!
//! # Gap rule
//! A run of missing intervals of length `L`:
//! 1. `L <= max_interpolation_steps`: linear interpolation between the observed neighbours (the
//!    nearest observed value when the run touches the start or end of the year);
//! 2. longer: same-weekday profile. Each missing interval takes the mean of the observed values at
//!    the same time of day exactly `k` weeks before and after, for the smallest `k` in 1..=8 where
//!    at least one is observed; if none, the mean of that time of day over all observed days; if
//!    the series has no observed value at all, 0.
//!
//! Only originally observed values are used as donors, never filled ones.
//!
//! # References
//! A. Moritz and T. Bartz-Beielstein, "imputeTS: Time Series Missing Value Imputation in R," *The
//! R Journal*, vol. 9, no. 1, pp. 207-218, 2017 (linear and seasonal imputation).
//! doi: 10.32614/RJ-2017-009

/// How hourly values are split into four 15-minute values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Upsample {
    /// Each quarter hour takes the hourly mean power (a step function).
    #[default]
    Repeat,
    /// Piecewise-linear within each hour, with a slope limited by the monotonised-central limiter
    /// so that the four values average exactly to the hourly value and stay >= 0 when the input
    /// is >= 0.
    Smooth,
}

/// What filling did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct FillCounts {
    /// Missing intervals.
    pub missing: usize,
    /// Runs of missing intervals.
    pub n_gaps: usize,
    /// Length of the longest run.
    pub longest: usize,
    /// Index of the first interval of the longest run (0 when there is none).
    pub longest_start: usize,
    /// Intervals filled by linear interpolation.
    pub interpolated: usize,
    /// Intervals filled from the same-weekday profile.
    pub profile_filled: usize,
}

/// Runs of NaN in a series: (start, length).
pub fn missing_runs(values: &[f64]) -> Vec<(usize, usize)> {
    let mut runs = Vec::new();
    let mut i = 0;
    while i < values.len() {
        if values[i].is_nan() {
            let start = i;
            while i < values.len() && values[i].is_nan() {
                i += 1;
            }
            runs.push((start, i - start));
        } else {
            i += 1;
        }
    }
    runs
}

/// Fill the NaN values of `values` in place by the module's gap rule.
///
/// # Arguments
/// * `values` - one value per interval of whole days; NaN marks a missing interval
/// * `steps_per_day` - intervals per day (24 or 96)
/// * `max_interpolation_steps` - longest run filled by linear interpolation [intervals]
///
/// # Returns
/// The counts of what was filled.
pub fn fill_gaps(
    values: &mut [f64],
    steps_per_day: usize,
    max_interpolation_steps: usize,
) -> FillCounts {
    let runs = missing_runs(values);
    let mut counts = FillCounts {
        n_gaps: runs.len(),
        ..FillCounts::default()
    };
    if runs.is_empty() {
        return counts;
    }
    let observed: Vec<bool> = values.iter().map(|v| !v.is_nan()).collect();
    let week = 7 * steps_per_day.max(1);
    let mut tod_mean: Option<Vec<f64>> = None;
    for &(start, len) in &runs {
        counts.missing += len;
        if len > counts.longest {
            counts.longest = len;
            counts.longest_start = start;
        }
        let left = start.checked_sub(1).map(|i| values[i]);
        let right = values.get(start + len).copied();
        if len <= max_interpolation_steps {
            let line = match (left, right) {
                (Some(a), Some(b)) => Some((a, b)),
                (Some(a), None) | (None, Some(a)) => Some((a, a)),
                (None, None) => None,
            };
            if let Some((a, b)) = line {
                counts.interpolated += len;
                for k in 0..len {
                    values[start + k] = a + (b - a) * (k + 1) as f64 / (len + 1) as f64;
                }
                continue;
            }
        }
        counts.profile_filled += len;
        for i in start..start + len {
            values[i] = same_weekday(values, &observed, i, week).unwrap_or_else(|| {
                let t = tod_mean
                    .get_or_insert_with(|| time_of_day_mean(values, &observed, steps_per_day));
                t[i % steps_per_day.max(1)]
            });
        }
    }
    counts
}

fn same_weekday(values: &[f64], observed: &[bool], i: usize, week: usize) -> Option<f64> {
    for k in 1..=8 {
        let mut sum = 0.0;
        let mut n = 0;
        if let Some(j) = i.checked_sub(k * week)
            && observed[j]
        {
            sum += values[j];
            n += 1;
        }
        let j = i + k * week;
        if j < values.len() && observed[j] {
            sum += values[j];
            n += 1;
        }
        if n > 0 {
            return Some(sum / f64::from(n));
        }
    }
    None
}

fn time_of_day_mean(values: &[f64], observed: &[bool], spd: usize) -> Vec<f64> {
    let spd = spd.max(1);
    let mut sum = vec![0.0; spd];
    let mut n = vec![0usize; spd];
    let (mut all_sum, mut all_n) = (0.0, 0usize);
    for (i, (&v, &o)) in values.iter().zip(observed).enumerate() {
        if o {
            sum[i % spd] += v;
            n[i % spd] += 1;
            all_sum += v;
            all_n += 1;
        }
    }
    let overall = if all_n > 0 {
        all_sum / all_n as f64
    } else {
        0.0
    };
    sum.iter()
        .zip(&n)
        .map(|(&s, &k)| if k > 0 { s / k as f64 } else { overall })
        .collect()
}

/// Hourly mean power from 15-minute mean power: the mean of each group of four [kW].
///
/// Conserves energy exactly; a trailing incomplete hour is averaged over the values it has.
pub fn quarter_hourly_to_hourly(p_kw: &[f64]) -> Vec<f64> {
    p_kw.chunks(4)
        .map(|c| c.iter().sum::<f64>() / c.len() as f64)
        .collect()
}

fn minmod3(a: f64, b: f64, c: f64) -> f64 {
    if a > 0.0 && b > 0.0 && c > 0.0 {
        a.min(b).min(c)
    } else if a < 0.0 && b < 0.0 && c < 0.0 {
        a.max(b).max(c)
    } else {
        0.0
    }
}

/// 15-minute mean power from hourly mean power [kW], conserving each hour's energy.
///
/// # Arguments
/// * `p_kw` - hourly mean power [kW]
/// * `method` - [`Upsample::Repeat`] or [`Upsample::Smooth`]
///
/// # Notes
/// Smooth: with the limited slope `s_i = minmod((P_{i+1} − P_{i−1})/2, 2(P_{i+1} − P_i),
/// 2(P_i − P_{i−1}))` [kW/h], the quarters are `P_i + s_i · {−3/8, −1/8, 1/8, 3/8}`, whose mean is
/// `P_i` (B. van Leer, "Towards the ultimate conservative difference scheme. IV," *J. Comput.
/// Phys.*, vol. 23, no. 3, pp. 276-299, 1977, doi: 10.1016/0021-9991(77)90095-X).
pub fn hourly_to_quarter_hourly(p_kw: &[f64], method: Upsample) -> Vec<f64> {
    let mut out = Vec::with_capacity(p_kw.len() * 4);
    let n = p_kw.len();
    for (i, &p) in p_kw.iter().enumerate() {
        let s = match method {
            Upsample::Repeat => 0.0,
            Upsample::Smooth => {
                let prev = if i > 0 { p_kw[i - 1] } else { p };
                let next = if i + 1 < n { p_kw[i + 1] } else { p };
                minmod3(0.5 * (next - prev), 2.0 * (next - p), 2.0 * (p - prev))
            }
        };
        for off in [-0.375, -0.125, 0.125, 0.375] {
            out.push(s.mul_add(off, p));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use approx::assert_relative_eq;

    #[test]
    fn short_gap_is_interpolated_linearly() {
        let mut v = vec![1.0, f64::NAN, f64::NAN, f64::NAN, 5.0, 6.0];
        let c = fill_gaps(&mut v, 24, 4);
        assert_eq!(v, vec![1.0, 2.0, 3.0, 4.0, 5.0, 6.0]);
        assert_eq!(
            (c.missing, c.n_gaps, c.longest, c.interpolated),
            (3, 1, 3, 3)
        );
        let mut v = vec![f64::NAN, 2.0, 3.0, f64::NAN];
        fill_gaps(&mut v, 24, 4);
        assert_eq!(v, vec![2.0, 2.0, 3.0, 3.0]);
    }

    #[test]
    fn long_gap_takes_the_same_weekday() {
        // Three weeks of hourly data, day d hour h = 100 d + h; day 8 (week 2) missing.
        let spd = 24;
        let mut v: Vec<f64> = (0..21 * spd)
            .map(|i| (100 * (i / spd) + i % spd) as f64)
            .collect();
        for x in &mut v[8 * spd..9 * spd] {
            *x = f64::NAN;
        }
        let c = fill_gaps(&mut v, spd, 4);
        assert_eq!(
            (c.missing, c.profile_filled, c.longest_start),
            (24, 24, 8 * spd)
        );
        // Mean of day 1 and day 15 at the same hour: 100 * 8 + h.
        for h in 0..spd {
            assert_relative_eq!(v[8 * spd + h], (800 + h) as f64);
        }
    }

    proptest::proptest! {
        #[test]
        fn filling_keeps_observed_values_and_leaves_no_gap(
            v in proptest::collection::vec(proptest::option::weighted(0.8, 0.0..500.0f64), 24 * 21),
            max_interp in 0usize..6,
        ) {
            let mut x: Vec<f64> = v.iter().map(|o| o.unwrap_or(f64::NAN)).collect();
            let c = fill_gaps(&mut x, 24, max_interp);
            proptest::prop_assert!(x.iter().all(|y| y.is_finite() && *y >= 0.0));
            let n_missing = v.iter().filter(|o| o.is_none()).count();
            proptest::prop_assert_eq!(c.missing, n_missing);
            proptest::prop_assert_eq!(c.interpolated + c.profile_filled, n_missing);
            for (a, b) in v.iter().zip(&x) {
                if let Some(a) = a {
                    proptest::prop_assert!((a - b).abs() < 1e-12);
                }
            }
        }

        #[test]
        fn smooth_split_conserves_each_hour(h in proptest::collection::vec(0.0..1000.0f64, 1..60)) {
            let q = hourly_to_quarter_hourly(&h, Upsample::Smooth);
            proptest::prop_assert!(q.iter().all(|&y| y >= -1e-9));
            for (a, b) in quarter_hourly_to_hourly(&q).iter().zip(&h) {
                proptest::prop_assert!((a - b).abs() <= 1e-9 * (1.0 + b));
            }
        }
    }

    #[test]
    fn resampling_conserves_energy() {
        let q = [1.0, 2.0, 3.0, 6.0, 0.0, 0.0, 4.0, 4.0];
        assert_eq!(quarter_hourly_to_hourly(&q), vec![3.0, 2.0]);
        let h = [0.0, 10.0, 30.0, 5.0, 0.0];
        for m in [Upsample::Repeat, Upsample::Smooth] {
            let q = hourly_to_quarter_hourly(&h, m);
            assert_eq!(q.len(), 20);
            assert!(q.iter().all(|&x| x >= 0.0), "{m:?} {q:?}");
            for (a, b) in quarter_hourly_to_hourly(&q).iter().zip(&h) {
                assert_relative_eq!(a, b, epsilon = 1e-12);
            }
        }
        // Smooth rises inside a rising hour: 10 between 0 and 30 has the central slope 15 kW/h
        // (the limits 2 * 20 and 2 * 10 are larger), so its quarters are 10 + 15 * (±3/8, ±1/8).
        let q = hourly_to_quarter_hourly(&h, Upsample::Smooth);
        assert_relative_eq!(q[4], 10.0 - 5.625);
        assert_relative_eq!(q[7], 10.0 + 5.625);
        // At a local maximum (30 between 10 and 5) the limiter flattens the hour.
        assert_relative_eq!(q[8], 30.0);
    }
}
