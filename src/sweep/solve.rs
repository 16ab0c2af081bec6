//! Break-even values: the value of one scenario key at which a claim's margin crosses zero,
//! found by bracketing the range and Brent's method on park runs that share one
//! [`park::Cache`] (what does not change with the key is computed once).
//!
//! A claim's margin is how far it is from failing, in the claim's unit: `simulated − claimed`
//! for "at least", `claimed − simulated` for "at most", `tolerance − |simulated − claimed|`
//! for "about" (it holds where the margin is ≥ 0).

use super::value::SweepValue;
use crate::park::{self, Cache, RunOptions};
use crate::scenario::choice::ClaimKind;
use crate::scenario::{self, Plan, schema};
use std::path::Path;

/// One evaluation of the margin.
#[derive(Debug, Clone, PartialEq)]
pub struct Evaluation {
    /// The key's value [unit of the key].
    pub value: f64,
    /// The claim's simulated value [unit of the claim].
    pub simulated: f64,
    /// The margin [unit of the claim].
    pub margin: f64,
}

/// What [`breakeven`] found.
#[derive(Debug, Clone, PartialEq)]
pub struct Breakeven {
    /// The claim key.
    pub claim: String,
    /// The claimed value.
    pub claimed: f64,
    /// The varied key.
    pub key: String,
    /// The range searched.
    pub range: [f64; 2],
    /// The evaluations at both ends of the range.
    pub ends: [Evaluation; 2],
    /// The value where the margin crosses zero, when the range brackets one [unit of the key].
    pub value: Option<f64>,
    /// Width of the final bracket around `value` [unit of the key].
    pub bracket_width: f64,
    /// Every evaluation, in order.
    pub evaluations: Vec<Evaluation>,
}

impl Breakeven {
    /// Number of park runs it took.
    pub fn runs(&self) -> usize {
        self.evaluations.len()
    }

    /// `breakeven.json`.
    pub fn to_json(&self) -> serde_json::Value {
        let ev = |e: &Evaluation| serde_json::json!({ "value": e.value, "simulated": e.simulated, "margin": e.margin });
        serde_json::json!({
            "claim": self.claim,
            "claimed": self.claimed,
            "key": self.key,
            "range": self.range,
            "value": self.value,
            "bracket_width": self.bracket_width,
            "at_range_start": ev(&self.ends[0]),
            "at_range_end": ev(&self.ends[1]),
            "park_runs": self.runs(),
            "method": "bracketing, then Brent's method (R. P. Brent, Algorithms for Minimization without Derivatives, 1973, ch. 4)",
            "evaluations": self.evaluations.iter().map(ev).collect::<Vec<_>>(),
        })
    }
}

/// The margin of a claim: ≥ 0 where it holds.
pub fn margin(kind: ClaimKind, claimed: f64, simulated: f64, tolerance: f64) -> f64 {
    match kind {
        ClaimKind::AtLeast => simulated - claimed,
        ClaimKind::AtMost => claimed - simulated,
        ClaimKind::About => tolerance - (simulated - claimed).abs(),
    }
}

/// A zero of `f` on `[a, b]` where `f(a)` and `f(b)` have opposite signs (given as `fa`, `fb`),
/// to an absolute tolerance `xtol` on the argument.
///
/// # Returns
/// The zero and the width of the last bracket.
///
/// # References
/// R. P. Brent, *Algorithms for Minimization without Derivatives*, Prentice-Hall, 1973, ch. 4
/// (`zero`); the form of W. H. Press et al., *Numerical Recipes*, 3rd ed., 2007, §9.3.
pub fn brent(
    f: &mut dyn FnMut(f64) -> Result<f64, String>,
    (mut a, mut fa): (f64, f64),
    (mut b, mut fb): (f64, f64),
    xtol: f64,
    max_iter: usize,
) -> Result<(f64, f64), String> {
    let (mut c, mut fc) = (b, fb);
    let (mut d, mut e) = (b - a, b - a);
    for _ in 0..max_iter {
        if (fb > 0.0) == (fc > 0.0) {
            c = a;
            fc = fa;
            d = b - a;
            e = d;
        }
        if fc.abs() < fb.abs() {
            a = b;
            b = c;
            c = a;
            fa = fb;
            fb = fc;
            fc = fa;
        }
        let tol1 = 2.0 * f64::EPSILON * b.abs() + 0.5 * xtol;
        let xm = 0.5 * (c - b);
        if fb.abs() < f64::MIN_POSITIVE {
            // An exact zero: nothing left to bracket.
            return Ok((b, 0.0));
        }
        if xm.abs() <= tol1 {
            return Ok((b, (c - b).abs()));
        }
        if e.abs() >= tol1 && fa.abs() > fb.abs() {
            let s = fb / fa;
            let (mut p, mut q);
            // Only two distinct points: secant; otherwise inverse quadratic interpolation.
            if a.total_cmp(&c).is_eq() {
                p = 2.0 * xm * s;
                q = 1.0 - s;
            } else {
                let qq = fa / fc;
                let r = fb / fc;
                p = s * (2.0 * xm * qq * (qq - r) - (b - a) * (r - 1.0));
                q = (qq - 1.0) * (r - 1.0) * (s - 1.0);
            }
            if p > 0.0 {
                q = -q;
            }
            p = p.abs();
            let min1 = 3.0 * xm * q - (tol1 * q).abs();
            let min2 = (e * q).abs();
            if 2.0 * p < min1.min(min2) {
                e = d;
                d = p / q;
            } else {
                d = xm;
                e = d;
            }
        } else {
            d = xm;
            e = d;
        }
        a = b;
        fa = fb;
        b += if d.abs() > tol1 { d } else { tol1.copysign(xm) };
        fb = f(b)?;
    }
    Ok((b, (c - b).abs()))
}

/// What to search.
#[derive(Debug, Clone, PartialEq)]
pub struct Search<'a> {
    /// `cost_reduction_fraction` or `pv_saving_yuan_per_year`.
    pub claim: &'a str,
    /// A numeric scenario key (as a sweep parameter).
    pub key: &'a str,
    /// The values searched [unit of the key]; `None`: the key's own valid range.
    pub range: Option<(f64, f64)>,
    /// Absolute tolerance on the value [unit of the key].
    pub xtol: f64,
}

/// Find the value of a key in a range at which a claim's margin crosses zero.
///
/// # Arguments
/// * `text`, `path` - the scenario file's text and path.
/// * `search` - claim, key, range and tolerance.
/// * `cache` - shared by every run.
///
/// # Notes
/// Only the two ends are compared for a sign change: a margin that crosses zero twice inside
/// the range (not monotone in the key) is reported as not crossing; narrow the range.
///
/// # Errors
/// A scenario error (bad key, a value the scenario refuses) or a message.
pub fn breakeven(
    text: &str,
    path: &Path,
    search: &Search<'_>,
    cache: &Cache,
) -> Result<Breakeven, String> {
    let Search {
        claim,
        key,
        range,
        xtol,
    } = *search;
    // The scenario as written must load before any value is tried.
    let _: Plan = scenario::load_str(text, path).map_err(|e| e.to_string())?;
    let spec = schema::spec(&schema::pattern_of(key))
        .ok_or_else(|| format!("--vary: `{key}` is not a scenario key"))?;
    let (lo, hi) = match (range, spec.kind) {
        (Some(r), _) => r,
        (None, schema::Kind::Float { min, max }) if min.is_finite() && max.is_finite() => {
            (min, max)
        }
        _ => {
            return Err(format!(
                "--vary `{key}`: give the values to search with --range a..b"
            ));
        }
    };
    if !matches!(spec.kind, schema::Kind::Float { .. }) {
        return Err(format!(
            "--vary `{key}` is {}; solve varies a number key",
            spec.kind.describe(spec.unit)
        ));
    }
    if lo.partial_cmp(&hi) != Some(std::cmp::Ordering::Less) {
        return Err(format!(
            "--range {lo}..{hi}: the start must be below the end"
        ));
    }
    let keys = [key.to_string()];
    let mut evaluations = Vec::new();
    let mut claimed = f64::NAN;
    let mut eval = |x: f64| -> Result<f64, String> {
        let v = SweepValue::number(x, spec.kind);
        v.check(spec.kind)
            .map_err(|expected| format!("`{key}` = {x}: expected {expected}"))?;
        let plan =
            super::apply::sample_plan(text, path, &keys, &[Some(v)]).map_err(|e| match e {
                Ok(se) => se.to_string(),
                Err(m) => m,
            })?;
        let r = park::run_cached(&plan, &RunOptions::default(), cache)
            .map_err(|e| format!("`{key}` = {x}: {e}"))?;
        let c = r.claims.iter().find(|c| c.key == claim).ok_or_else(|| {
            format!("--claim `{claim}`: the scenario checks no such claim (its claims: cost_reduction_fraction, pv_saving_yuan_per_year, when their strategies are listed)")
        })?;
        claimed = c.claimed;
        let m = margin(c.kind, c.claimed, c.simulated, c.tolerance);
        evaluations.push(Evaluation {
            value: x,
            simulated: c.simulated,
            margin: m,
        });
        Ok(m)
    };
    let fa = eval(lo)?;
    let fb = eval(hi)?;
    let (value, width) = if fa.abs() < f64::MIN_POSITIVE {
        (Some(lo), 0.0)
    } else if fb.abs() < f64::MIN_POSITIVE {
        (Some(hi), 0.0)
    } else if (fa > 0.0) != (fb > 0.0) {
        let (x, w) = brent(&mut eval, (lo, fa), (hi, fb), xtol, 60)?;
        (Some(x), w)
    } else {
        (None, hi - lo)
    };
    Ok(Breakeven {
        claim: claim.to_string(),
        claimed,
        key: key.to_string(),
        range: [lo, hi],
        ends: [evaluations[0].clone(), evaluations[1].clone()],
        value,
        bracket_width: width,
        evaluations,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn brent_finds_a_cubic_root_in_few_evaluations() {
        let mut n = 0;
        let mut f = |x: f64| -> Result<f64, String> {
            n += 1;
            Ok(x * x * x - 2.0 * x - 5.0)
        };
        let (a, b) = (2.0, 3.0);
        let (fa, fb) = (f(a).unwrap(), f(b).unwrap());
        let (x, w) = brent(&mut f, (a, fa), (b, fb), 1e-10, 100).unwrap();
        // The root of Wallis's equation: 2.0945514815423265.
        approx::assert_relative_eq!(x, 2.094_551_481_542_326_5, epsilon = 1e-9);
        assert!(w <= 1e-9, "{w}");
        assert!(n < 15, "{n} evaluations");
    }

    #[test]
    fn margins_by_kind() {
        approx::assert_relative_eq!(margin(ClaimKind::AtLeast, 6.0, 7.0, 0.0), 1.0);
        approx::assert_relative_eq!(margin(ClaimKind::AtMost, 6.0, 7.0, 0.0), -1.0);
        approx::assert_relative_eq!(margin(ClaimKind::About, 0.15, 0.145, 0.01), 0.005);
    }
}
