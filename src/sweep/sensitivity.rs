//! Global sensitivity of a random sweep's outputs to its parameters: standardized regression
//! coefficients (SRC) with the regression's R², and partial rank correlation coefficients
//! (PRCC), each with a bootstrap 95% interval. Plain numbers in, plain numbers out: the
//! columns come from `sweep.csv` (so a merged sweep and an unsharded one agree), the caller
//! writes them.
//!
//! Least squares are solved by Householder QR (nalgebra); a design whose columns are linearly
//! dependent (a parameter that does not vary, two parameters that move together exactly) gives
//! `None` for the indices that need it rather than a number.
//!
//! # References
//! S. Marino, I. B. Hogue, C. J. Ray and D. E. Kirschner, "A methodology for performing global
//! uncertainty and sensitivity analysis in systems biology," *J. Theor. Biol.*, vol. 254,
//! no. 1, pp. 178-196, 2008. <https://doi.org/10.1016/j.jtbi.2008.04.011>
//!
//! A. Saltelli, M. Ratto, T. Andres, F. Campolongo, J. Cariboni, D. Gatelli, M. Saisana and
//! S. Tarantola, *Global Sensitivity Analysis: The Primer*, Wiley, 2008, §1.2.5 (SRC).
//! <https://doi.org/10.1002/9780470725184>
//!
//! B. Efron and R. J. Tibshirani, *An Introduction to the Bootstrap*, Chapman & Hall, 1993,
//! ch. 13 (percentile intervals).

use crate::seed;
use nalgebra::{DMatrix, DVector};
use rand::{Rng, SeedableRng};
use rayon::prelude::*;

/// Number of bootstrap resamples behind each interval.
pub const BOOTSTRAP_RESAMPLES: usize = 1000;

/// Relative size of a diagonal element of R below which a design is taken as rank-deficient.
const RANK_TOLERANCE: f64 = 1e-10;

/// The indices of one parameter for one output.
#[derive(Debug, Clone, PartialEq)]
pub struct ParameterIndices {
    /// Standardized regression coefficient [-].
    pub src: Option<f64>,
    /// Bootstrap 95% interval of the SRC (2.5th and 97.5th percentiles) [-].
    pub src_ci95: Option<[f64; 2]>,
    /// Partial rank correlation coefficient, in -1..=1 [-].
    pub prcc: Option<f64>,
    /// Bootstrap 95% interval of the PRCC [-].
    pub prcc_ci95: Option<[f64; 2]>,
}

/// The sensitivity of one output to every parameter.
#[derive(Debug, Clone, PartialEq)]
pub struct OutputSensitivity {
    /// Samples used (those with a value of the output).
    pub n: usize,
    /// R² of the linear regression behind the SRC [-]: how much of the output's variance a
    /// linear model in the parameters explains (the SRC are meaningful above about 0.7).
    pub r2: Option<f64>,
    /// Per parameter, in the order given.
    pub parameters: Vec<ParameterIndices>,
}

/// Ranks from 1 to n, ties given their average rank (as `scipy.stats.rankdata`).
pub fn ranks(x: &[f64]) -> Vec<f64> {
    let mut idx: Vec<usize> = (0..x.len()).collect();
    idx.sort_by(|&a, &b| x[a].total_cmp(&x[b]).then(a.cmp(&b)));
    let mut r = vec![0.0; x.len()];
    let mut i = 0;
    while i < idx.len() {
        let mut j = i;
        while j + 1 < idx.len() && x[idx[j + 1]].total_cmp(&x[idx[i]]).is_eq() {
            j += 1;
        }
        let avg = (i + j) as f64 / 2.0 + 1.0;
        for &k in &idx[i..=j] {
            r[k] = avg;
        }
        i = j + 1;
    }
    r
}

fn mean(x: &[f64]) -> f64 {
    x.iter().sum::<f64>() / x.len() as f64
}

/// Centred values and their root sum of squares (`None` for a constant column).
fn centred(x: &[f64]) -> Option<(Vec<f64>, f64)> {
    let m = mean(x);
    let c: Vec<f64> = x.iter().map(|v| v - m).collect();
    let ss = c.iter().map(|v| v * v).sum::<f64>().sqrt();
    (ss > 0.0 && ss.is_finite()).then_some((c, ss))
}

/// Least-squares coefficients of `y ≈ A b` by Householder QR; `None` when `A` is
/// rank-deficient or has no more rows than columns.
fn least_squares(a: &DMatrix<f64>, y: &DVector<f64>) -> Option<DVector<f64>> {
    if a.nrows() <= a.ncols() {
        return None;
    }
    let qr = a.clone().qr();
    let r = qr.r();
    let scale = (0..r.ncols()).map(|i| r[(i, i)].abs()).fold(0.0, f64::max);
    if (0..r.ncols()).any(|i| r[(i, i)].abs() <= RANK_TOLERANCE * scale) {
        return None;
    }
    let qty = qr.q().transpose() * y;
    r.solve_upper_triangular(&qty)
}

/// Standardized regression coefficients and R² of `y` on the columns `x`.
///
/// # Arguments
/// * `x` - one slice per parameter, each of the length of `y`.
/// * `y` - the output.
///
/// # Returns
/// The SRC of each parameter (the coefficients of the regression of `(y - ȳ)/s_y` on the
/// `(x_j - x̄_j)/s_j`, equal to `b_j s_j / s_y` of the regression in natural units) and the
/// R² of that regression; `None` for a constant column or output, or a rank-deficient design.
///
/// # References
/// A. Saltelli et al., *Global Sensitivity Analysis: The Primer*, Wiley, 2008, eq. (1.7).
pub fn src(x: &[&[f64]], y: &[f64]) -> Option<(Vec<f64>, f64)> {
    let n = y.len();
    let (yc, yss) = centred(y)?;
    let cols: Vec<Vec<f64>> = x
        .iter()
        .map(|c| centred(c).map(|(v, ss)| v.iter().map(|e| e / ss).collect()))
        .collect::<Option<_>>()?;
    let a = DMatrix::from_fn(n, cols.len(), |i, j| cols[j][i]);
    let b = DVector::from_iterator(n, yc.iter().map(|v| v / yss));
    let coef = least_squares(&a, &b)?;
    let resid = &b - &a * &coef;
    // b has unit sum of squares.
    let r2 = 1.0 - resid.norm_squared();
    Some((coef.iter().copied().collect(), r2))
}

/// Residuals of `v` after regressing it on an intercept and the columns `others`.
fn residuals(others: &[&[f64]], v: &[f64]) -> Option<Vec<f64>> {
    let n = v.len();
    let a = DMatrix::from_fn(n, others.len() + 1, |i, j| {
        if j == 0 { 1.0 } else { others[j - 1][i] }
    });
    let b = DVector::from_column_slice(v);
    let coef = least_squares(&a, &b)?;
    Some((&b - &a * &coef).iter().copied().collect())
}

fn pearson(a: &[f64], b: &[f64]) -> Option<f64> {
    let (ac, ass) = centred(a)?;
    let (bc, bss) = centred(b)?;
    let dot: f64 = ac.iter().zip(&bc).map(|(x, y)| x * y).sum();
    Some((dot / (ass * bss)).clamp(-1.0, 1.0))
}

/// Partial rank correlation coefficients of `y` with each column of `x`.
///
/// # Arguments
/// * `x` - one slice per parameter, each of the length of `y`.
/// * `y` - the output.
///
/// # Returns
/// For each parameter `j`, the Pearson correlation of the residuals of rank(`x_j`) and of
/// rank(`y`), each regressed (with an intercept) on the ranks of the other parameters; `None`
/// where a regression is rank-deficient or a residual is constant. Ties get average ranks.
///
/// # References
/// S. Marino et al., "A methodology for performing global uncertainty and sensitivity analysis
/// in systems biology," *J. Theor. Biol.*, vol. 254, pp. 178-196, 2008, eqs. (5)-(6) in §2.3.
/// <https://doi.org/10.1016/j.jtbi.2008.04.011>
pub fn prcc(x: &[&[f64]], y: &[f64]) -> Vec<Option<f64>> {
    let rx: Vec<Vec<f64>> = x.iter().map(|c| ranks(c)).collect();
    let ry = ranks(y);
    (0..x.len())
        .map(|j| {
            let others: Vec<&[f64]> = rx
                .iter()
                .enumerate()
                .filter(|(k, _)| *k != j)
                .map(|(_, c)| c.as_slice())
                .collect();
            let ex = residuals(&others, &rx[j])?;
            let ey = residuals(&others, &ry)?;
            pearson(&ex, &ey)
        })
        .collect()
}

/// Spearman's rank correlation of two equally long series (Pearson's on average ranks);
/// `None` when either is constant.
pub fn spearman(a: &[f64], b: &[f64]) -> Option<f64> {
    pearson(&ranks(a), &ranks(b))
}

/// Nearest-rank percentile of sorted values.
fn percentile(sorted: &[f64], p: f64) -> f64 {
    let k = ((p * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    sorted[k - 1]
}

/// 2.5th and 97.5th percentiles of the finite values, `None` when fewer than half the
/// resamples gave a value.
pub(crate) fn interval(mut v: Vec<f64>, resamples: usize) -> Option<[f64; 2]> {
    v.retain(|x| x.is_finite());
    if v.len() * 2 < resamples {
        return None;
    }
    v.sort_by(f64::total_cmp);
    Some([percentile(&v, 0.025), percentile(&v, 0.975)])
}

/// SRC, R² and PRCC of `y` on the columns of `x`, with bootstrap 95% percentile intervals from
/// `resamples` resamples of the rows (with replacement).
///
/// # Arguments
/// * `x` - one slice per parameter, each of the length of `y`.
/// * `y` - the output.
/// * `seed` - resample `b` draws its rows from `seed::derive(seed, [b])`.
/// * `resamples` - number of bootstrap resamples (0: no intervals).
///
/// # Notes
/// Resamples run in parallel (rayon) and are collected in order, so the intervals are the same
/// for any thread count.
///
/// # References
/// B. Efron and R. J. Tibshirani, *An Introduction to the Bootstrap*, 1993, ch. 13.
pub fn analyse(x: &[&[f64]], y: &[f64], seed: u64, resamples: usize) -> OutputSensitivity {
    let n = y.len();
    let p = x.len();
    let point_src = src(x, y);
    let point_prcc = prcc(x, y);
    let boot: Vec<(Vec<f64>, Vec<f64>)> = (0..resamples)
        .into_par_iter()
        .map(|b| {
            let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed::derive(seed, &[b as u64]));
            let idx: Vec<usize> = (0..n).map(|_| rng.random_range(0..n)).collect();
            let xs: Vec<Vec<f64>> = x
                .iter()
                .map(|c| idx.iter().map(|&i| c[i]).collect())
                .collect();
            let xr: Vec<&[f64]> = xs.iter().map(Vec::as_slice).collect();
            let ys: Vec<f64> = idx.iter().map(|&i| y[i]).collect();
            let s = src(&xr, &ys).map_or_else(|| vec![f64::NAN; p], |(c, _)| c);
            let r = prcc(&xr, &ys)
                .into_iter()
                .map(|v| v.unwrap_or(f64::NAN))
                .collect();
            (s, r)
        })
        .collect();
    let parameters = (0..p)
        .map(|j| {
            let src_j = point_src.as_ref().map(|(c, _)| c[j]);
            ParameterIndices {
                src: src_j,
                src_ci95: src_j
                    .and_then(|_| interval(boot.iter().map(|(s, _)| s[j]).collect(), resamples)),
                prcc: point_prcc[j],
                prcc_ci95: point_prcc[j]
                    .and_then(|_| interval(boot.iter().map(|(_, r)| r[j]).collect(), resamples)),
            }
        })
        .collect();
    OutputSensitivity {
        n,
        r2: point_src.map(|(_, r2)| r2),
        parameters,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use approx::assert_relative_eq;

    #[test]
    fn ranks_average_ties() {
        assert_eq!(ranks(&[3.0, 1.0, 3.0, 2.0]), vec![3.5, 1.0, 3.5, 2.0]);
    }

    /// Two orthogonal inputs, `y = 2 x1 + x2` exactly: by hand, s_x1 = s_x2 = 2/√3,
    /// s_y = √(20/3), so SRC = (2·(2/√3)/√(20/3), 1·(2/√3)/√(20/3)) = (2/√5, 1/√5), R² = 1.
    /// Ranks: x1 → (3.5, 1.5, 3.5, 1.5), x2 → (3.5, 3.5, 1.5, 1.5), y = (3, −1, 1, −3) →
    /// (4, 2, 3, 1). Residual of rank(x1) on rank(x2): (1, −1, 1, −1); of rank(y) on rank(x2):
    /// (1.5, −0.5, 0.5, −1.5) − 0.5·(1, 1, −1, −1) = (1, −1, 1, −1): PRCC₁ = 1, likewise PRCC₂ = 1.
    #[test]
    fn hand_computed_case() {
        let x1 = [1.0, -1.0, 1.0, -1.0];
        let x2 = [1.0, 1.0, -1.0, -1.0];
        let y: Vec<f64> = x1.iter().zip(&x2).map(|(a, b)| 2.0 * a + b).collect();
        let (c, r2) = src(&[&x1, &x2], &y).unwrap();
        assert_relative_eq!(c[0], 2.0 / 5f64.sqrt(), epsilon = 1e-12);
        assert_relative_eq!(c[1], 1.0 / 5f64.sqrt(), epsilon = 1e-12);
        assert_relative_eq!(r2, 1.0, epsilon = 1e-12);
        let p = prcc(&[&x1, &x2], &y);
        assert_relative_eq!(p[0].unwrap(), 1.0, epsilon = 1e-12);
        assert_relative_eq!(p[1].unwrap(), 1.0, epsilon = 1e-12);
    }

    #[test]
    fn a_constant_parameter_gives_no_index() {
        let x1 = [1.0, 2.0, 3.0, 4.0, 5.0];
        let x2 = [1.0; 5];
        let y = [2.0, 4.1, 5.9, 8.2, 9.9];
        assert!(src(&[&x1, &x2], &y).is_none());
        let p = prcc(&[&x1, &x2], &y);
        assert!(p[0].is_none() && p[1].is_none());
        let a = analyse(&[&x1, &x2], &y, 1, 50);
        assert!(a.r2.is_none() && a.parameters[0].src_ci95.is_none());
    }

    // `tests/data/sensitivity/sample.csv` (x1, x2, x3, y) and `expected.csv`
    // (parameter, src, prcc, r2), both written by `tools/make_sensitivity_golden.py` with
    // numpy's `lstsq` and `scipy.stats.rankdata`.
    type Expected = Vec<(String, f64, f64, f64)>;

    /// Reads the golden sample and expectations.
    fn golden() -> (Vec<Vec<f64>>, Vec<f64>, Expected) {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/sensitivity");
        let sample = std::fs::read_to_string(dir.join("sample.csv")).unwrap();
        let mut cols = vec![Vec::new(); 3];
        let mut y = Vec::new();
        for l in sample.lines().filter(|l| !l.starts_with('#')).skip(1) {
            let v: Vec<f64> = l.split(',').map(|c| c.parse().unwrap()).collect();
            for j in 0..3 {
                cols[j].push(v[j]);
            }
            y.push(v[3]);
        }
        let expected = std::fs::read_to_string(dir.join("expected.csv")).unwrap();
        let rows = expected
            .lines()
            .filter(|l| !l.starts_with('#'))
            .skip(1)
            .map(|l| {
                let v: Vec<&str> = l.split(',').collect();
                (
                    v[0].to_string(),
                    v[1].parse().unwrap(),
                    v[2].parse().unwrap(),
                    v[3].parse().unwrap(),
                )
            })
            .collect();
        (cols, y, rows)
    }

    /// A known linear function plus noise: SRC, R² and PRCC equal numpy/scipy's on the
    /// committed sample. Tolerance 1e-9 (absolute, indices are O(1)): two least-squares
    /// solvers (LAPACK gelsd, Householder QR) on a well-conditioned 200 × 3 design agree to
    /// about 1e-14.
    #[test]
    fn matches_numpy_and_scipy_on_the_golden_sample() {
        let (cols, y, expected) = golden();
        let x: Vec<&[f64]> = cols.iter().map(Vec::as_slice).collect();
        let (s, r2) = src(&x, &y).unwrap();
        let p = prcc(&x, &y);
        assert_eq!(expected.len(), 3);
        for (j, (name, e_src, e_prcc, e_r2)) in expected.iter().enumerate() {
            assert_relative_eq!(s[j], *e_src, epsilon = 1e-9);
            assert_relative_eq!(p[j].unwrap(), *e_prcc, epsilon = 1e-9);
            assert_relative_eq!(r2, *e_r2, epsilon = 1e-9);
            assert!(name.starts_with('x'));
        }
        // The noise is small: the SRC ordering follows the coefficients × spreads.
        assert!(s[0] > 0.5 && s[1] < -0.3 && s[2].abs() < s[1].abs());
    }

    /// The bootstrap intervals are reproducible with the seed and identical on 1 and 2 threads.
    #[test]
    fn bootstrap_is_reproducible_and_thread_count_independent() {
        let (cols, y, _) = golden();
        let x: Vec<&[f64]> = cols.iter().map(Vec::as_slice).collect();
        let run = |threads: usize, seed: u64| {
            rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap()
                .install(|| analyse(&x, &y, seed, 200))
        };
        let one = run(1, 7);
        let two = run(2, 7);
        assert_eq!(one, two);
        assert_eq!(one, run(2, 7));
        assert_ne!(one, run(1, 8));
        for pi in &one.parameters {
            let [lo, hi] = pi.prcc_ci95.unwrap();
            assert!(lo <= pi.prcc.unwrap() && pi.prcc.unwrap() <= hi, "{pi:?}");
            let [lo, hi] = pi.src_ci95.unwrap();
            assert!(lo <= pi.src.unwrap() && pi.src.unwrap() <= hi, "{pi:?}");
        }
    }
}
