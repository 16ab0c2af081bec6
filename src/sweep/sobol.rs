//! Sobol variance-based sensitivity indices from Saltelli's sampling design (`sweep.method =
//! "sobol"`): the first-order index `S_i` (the share of the output's variance that parameter
//! `i` explains alone) and the total index `S_Ti` (its share with every interaction it takes
//! part in), each with a bootstrap 95% interval.
//!
//! With `N` base rows the sweep runs `N (k + 2)` samples for `k` parameters: the rows of two
//! independent random matrices A and B and, per parameter, A with that parameter's column
//! taken from B (`A_B^i`), see [`super::space::Space`]. With `f` the output and
//! `V` the variance of `f(A)` and `f(B)` together:
//!
//! ```text
//! S_i  = (1/N) Σ_j f(B)_j (f(A_B^i)_j − f(A)_j) / V        (Saltelli et al. 2010, table 2 (b))
//! S_Ti = (1/2N) Σ_j (f(A)_j − f(A_B^i)_j)² / V              (Jansen 1999; Saltelli 2010 (f))
//! ```
//!
//! Both are unbiased up to sampling error, which the intervals show: an `S_i` slightly below
//! zero means "no first-order effect". The outputs (bills, savings in yuan) sit far from zero
//! compared with their spread, and the first-order estimator's variance grows with the square
//! of the mean, so `f(B)` is centred on the mean of `f(A)` and `f(B)` first (which leaves the
//! expectation unchanged, since `f(A_B^i)` and `f(A)` have the same mean).
//!
//! # References
//! A. Saltelli, P. Annoni, I. Azzini, F. Campolongo, M. Ratto and S. Tarantola, "Variance based
//! sensitivity analysis of model output. Design and estimator for the total sensitivity index,"
//! *Comput. Phys. Commun.*, vol. 181, no. 2, pp. 259-270, 2010.
//! <https://doi.org/10.1016/j.cpc.2009.09.018>
//!
//! M. J. W. Jansen, "Analysis of variance designs for model output," *Comput. Phys. Commun.*,
//! vol. 117, no. 1-2, pp. 35-43, 1999. <https://doi.org/10.1016/S0010-4655(98)00154-4>
//!
//! I. M. Sobol', "Global sensitivity indices for nonlinear mathematical models and their Monte
//! Carlo estimates," *Math. Comput. Simul.*, vol. 55, no. 1-3, pp. 271-280, 2001.
//! <https://doi.org/10.1016/S0378-4754(00)00270-6>

use crate::seed;
use rand::{Rng, SeedableRng};
use rayon::prelude::*;

/// The Sobol indices of one parameter for one output.
#[derive(Debug, Clone, PartialEq)]
pub struct SobolIndex {
    /// First-order index `S_i` [-].
    pub first: f64,
    /// Bootstrap 95% interval of `S_i` [-].
    pub first_ci95: Option<[f64; 2]>,
    /// Total index `S_Ti` [-].
    pub total: f64,
    /// Bootstrap 95% interval of `S_Ti` [-].
    pub total_ci95: Option<[f64; 2]>,
}

/// Point estimates `(S_i, S_Ti)` per parameter on the base rows `rows`; `None` when the output
/// does not vary.
fn estimate(
    f_a: &[f64],
    f_b: &[f64],
    f_ab: &[Vec<f64>],
    rows: &[usize],
) -> Option<Vec<(f64, f64)>> {
    let n = rows.len() as f64;
    let all = || rows.iter().flat_map(|&j| [f_a[j], f_b[j]]);
    let mean = all().sum::<f64>() / (2.0 * n);
    let var = all().map(|y| (y - mean).powi(2)).sum::<f64>() / (2.0 * n);
    if var.is_nan() || var <= 0.0 {
        return None;
    }
    Some(
        f_ab.iter()
            .map(|ab| {
                let first = rows
                    .iter()
                    .map(|&j| (f_b[j] - mean) * (ab[j] - f_a[j]))
                    .sum::<f64>()
                    / n;
                let total = rows.iter().map(|&j| (f_a[j] - ab[j]).powi(2)).sum::<f64>() / (2.0 * n);
                (first / var, total / var)
            })
            .collect(),
    )
}

/// First-order and total Sobol indices of one output, with bootstrap 95% percentile intervals
/// from `resamples` resamples of the base rows (with replacement).
///
/// # Arguments
/// * `f_a`, `f_b` - the output on the rows of A and of B (`N` values each);
/// * `f_ab` - per parameter, the output on the rows of `A_B^i` (`N` values each);
/// * `seed` - resample `b` draws its rows from `seed::derive(seed, [b])`.
///
/// # Returns
/// One index per parameter, or `None` when the output does not vary (or `N < 2`).
///
/// # Notes
/// Resamples run in parallel (rayon) and are collected in order, so the intervals are the same
/// for any thread count.
pub fn sobol_indices(
    f_a: &[f64],
    f_b: &[f64],
    f_ab: &[Vec<f64>],
    seed: u64,
    resamples: usize,
) -> Option<Vec<SobolIndex>> {
    let n = f_a.len();
    if n < 2 || f_b.len() != n || f_ab.iter().any(|v| v.len() != n) {
        return None;
    }
    let all: Vec<usize> = (0..n).collect();
    let point = estimate(f_a, f_b, f_ab, &all)?;
    let boot: Vec<Option<Vec<(f64, f64)>>> = (0..resamples)
        .into_par_iter()
        .map(|b| {
            let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed::derive(seed, &[b as u64]));
            let rows: Vec<usize> = (0..n).map(|_| rng.random_range(0..n)).collect();
            estimate(f_a, f_b, f_ab, &rows)
        })
        .collect();
    let ci = |i: usize, total: bool| {
        let v = boot
            .iter()
            .map(|r| {
                r.as_ref()
                    .map_or(f64::NAN, |e| if total { e[i].1 } else { e[i].0 })
            })
            .collect();
        super::sensitivity::interval(v, resamples)
    };
    Some(
        point
            .iter()
            .enumerate()
            .map(|(i, &(first, total))| SobolIndex {
                first,
                first_ci95: ci(i, false),
                total,
                total_ci95: ci(i, true),
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::f64::consts::PI;

    /// Runs Saltelli's design on `f` with `k` inputs uniform on (−π, π).
    fn design(f: impl Fn(&[f64]) -> f64, k: usize, n: usize, seed: u64) -> Option<Vec<SobolIndex>> {
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
        let mut draw = || -> Vec<f64> {
            (0..k)
                .map(|_| -PI + 2.0 * PI * rng.random::<f64>())
                .collect()
        };
        let a: Vec<Vec<f64>> = (0..n).map(|_| draw()).collect();
        let b: Vec<Vec<f64>> = (0..n).map(|_| draw()).collect();
        let f_a: Vec<f64> = a.iter().map(|x| f(x)).collect();
        let f_b: Vec<f64> = b.iter().map(|x| f(x)).collect();
        let f_ab: Vec<Vec<f64>> = (0..k)
            .map(|i| {
                (0..n)
                    .map(|j| {
                        let mut x = a[j].clone();
                        x[i] = b[j][i];
                        f(&x)
                    })
                    .collect()
            })
            .collect();
        sobol_indices(&f_a, &f_b, &f_ab, 7, 200)
    }

    /// The Ishigami function, `sin x1 + 7 sin² x2 + 0.1 x3⁴ sin x1` on (−π, π)³, whose indices
    /// are known in closed form (Ishigami and Homma 1990; Saltelli et al. 2008, §4.7):
    /// V = a²/8 + b π⁴/5 + b² π⁸/18 + 1/2 with a = 7, b = 0.1; S1 = (1 + bπ⁴/5)²/(2V),
    /// S2 = a²/(8V), S3 = 0; ST1 = S1 + 8b²π⁸/(225V), ST2 = S2, ST3 = 8b²π⁸/(225V).
    #[test]
    fn ishigami_indices_match_the_closed_form() {
        let (a, b) = (7.0, 0.1);
        let f = |x: &[f64]| x[0].sin() + a * x[1].sin().powi(2) + b * x[2].powi(4) * x[0].sin();
        let v = a * a / 8.0 + b * PI.powi(4) / 5.0 + b * b * PI.powi(8) / 18.0 + 0.5;
        let s1 = (1.0 + b * PI.powi(4) / 5.0).powi(2) / (2.0 * v);
        let s2 = a * a / (8.0 * v);
        let s13 = 8.0 * b * b * PI.powi(8) / (225.0 * v);
        let expected = [(s1, s1 + s13), (s2, s2), (0.0, s13)];
        // Closed form: S = (0.3139, 0.4424, 0), ST = (0.5576, 0.4424, 0.2437).
        assert!((s1 - 0.3139).abs() < 1e-4 && (s13 + s1 - 0.5576).abs() < 1e-4);
        let got = design(f, 3, 20_000, 11).unwrap();
        for (i, (g, (s, st))) in got.iter().zip(expected).enumerate() {
            // Sampling error at N = 20,000 is about 0.01; the intervals must cover the truth.
            assert!(
                (g.first - s).abs() < 0.03,
                "S{} = {} vs {s}",
                i + 1,
                g.first
            );
            assert!(
                (g.total - st).abs() < 0.03,
                "ST{} = {} vs {st}",
                i + 1,
                g.total
            );
            // The interval holds the estimate and is as wide as the error it should show
            // (about 4 standard errors; the truth lies within 1.5 widths of the estimate).
            let [lo, hi] = g.total_ci95.unwrap();
            assert!(lo <= g.total && g.total <= hi && hi - lo < 0.1);
            assert!(
                (g.total - st).abs() <= 1.5 * (hi - lo),
                "ST{} interval {lo}..{hi}",
                i + 1
            );
        }
    }

    /// A linear model `y = 3 x1 + x2` with independent equal-variance inputs has no
    /// interactions: S1 = ST1 = 9/10, S2 = ST2 = 1/10 (each input's share of the variance).
    #[test]
    fn additive_model_splits_the_variance_by_coefficient_squared() {
        let got = design(|x| 3.0 * x[0] + x[1], 2, 20_000, 5).unwrap();
        for (g, s) in got.iter().zip([0.9, 0.1]) {
            assert!((g.first - s).abs() < 0.02, "{} vs {s}", g.first);
            assert!((g.total - s).abs() < 0.02, "{} vs {s}", g.total);
        }
    }

    #[test]
    fn a_constant_output_has_no_index_and_intervals_repeat_with_the_seed() {
        assert!(sobol_indices(&[1.0; 4], &[1.0; 4], &[vec![1.0; 4]], 1, 10).is_none());
        let fa = [1.0, 2.0, 3.0, 4.0];
        let fb = [2.0, 1.0, 4.0, 3.0];
        let fab = vec![vec![1.5, 2.5, 3.5, 3.0]];
        assert_eq!(
            sobol_indices(&fa, &fb, &fab, 3, 50),
            sobol_indices(&fa, &fb, &fab, 3, 50)
        );
    }
}
