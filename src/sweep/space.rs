//! The parameter space of a `[sweep]`: each parameter checked for its method (grid values or
//! ranges, distributions and their parameters, one-at-a-time low/high), the number of samples
//! against the cap, and the value of every parameter in every sample.
//!
//! Sample `i`'s values depend only on the scenario seed, the sweep settings and `i`, never on
//! which machine or thread computes them: shards and resumed runs draw the same values.

use super::value::SweepValue;
use crate::scenario::raw::SweepParameter;
use crate::scenario::schema::{self, Kind};
use crate::scenario::{Plan, ScenarioError, ScenarioErrorKind, SourceText};
use crate::seed;
use rand::{Rng, SeedableRng};

use crate::scenario::choice::Distribution as DistName;
/// How samples are drawn (`sweep.method`): grid (the last parameter varies fastest), Monte
/// Carlo, Latin hypercube (each range cut into `n` equal-probability strata, one draw in each,
/// strata paired at random across parameters [McKay, Beckman, Conover 1979]) or one at a time
/// (the scenario as written, then each parameter alone at its low and high value).
pub use crate::scenario::choice::SweepMethod as Method;

/// A distribution of a random parameter.
#[derive(Debug, Clone, PartialEq)]
pub enum Distribution {
    /// Uniform on `[min, max]`.
    Uniform {
        /// Lower end.
        min: f64,
        /// Upper end.
        max: f64,
    },
    /// Normal.
    Normal {
        /// Mean.
        mean: f64,
        /// Standard deviation.
        sd: f64,
    },
    /// Triangular on `[min, max]` with its mode.
    Triangular {
        /// Lower end.
        min: f64,
        /// Mode.
        mode: f64,
        /// Upper end.
        max: f64,
    },
    /// Lognormal: `median × exp(sigma × z)`, `z` standard normal.
    Lognormal {
        /// Median.
        median: f64,
        /// Standard deviation of the logarithm.
        sigma: f64,
    },
    /// One of the listed values, each equally likely.
    Discrete(Vec<SweepValue>),
}

/// One swept parameter, checked.
#[derive(Debug, Clone, PartialEq)]
pub enum Axis {
    /// A list of grid values.
    Values(Vec<SweepValue>),
    /// A random draw.
    Random(Distribution),
    /// One-at-a-time low and high values.
    LowHigh(SweepValue, SweepValue),
}

/// A parameter: its scenario key, the key's type, and its axis.
#[derive(Debug, Clone, PartialEq)]
pub struct Parameter {
    /// Scenario key path (`market.contract_price_yuan_per_kwh`).
    pub key: String,
    /// The key's type and range, from [`schema::KEYS`].
    pub kind: Kind,
    /// Unit of the key.
    pub unit: &'static str,
    /// What is swept.
    pub axis: Axis,
}

/// The whole space.
#[derive(Debug, Clone, PartialEq)]
pub struct Space {
    /// Method.
    pub method: Method,
    /// Parameters in file order.
    pub parameters: Vec<Parameter>,
    /// Number of samples.
    pub n_samples: u64,
    seed: u64,
    /// Latin hypercube strata per parameter: `strata[j][i]` is sample `i`'s stratum.
    strata: Vec<Vec<u32>>,
    /// Target rank correlations `(j, k, rho)` between parameters (`sweep.correlation`).
    pub correlations: Vec<(usize, usize, f64)>,
    /// With correlations: every sample's cumulative probabilities, rearranged by Iman-Conover
    /// (`uniforms[i][j]`).
    uniforms: Vec<Vec<f64>>,
}

impl Space {
    /// Check the plan's `[sweep]` for its method and build the space. `samples` overrides
    /// `sweep.samples` of a Monte Carlo or Latin hypercube sweep.
    ///
    /// # Errors
    /// [`ScenarioError`] naming the file, line and key of the first problem, including a
    /// sampled value outside its key's range and a sample count above `sweep.max_samples`.
    pub fn new(
        plan: &Plan,
        src: &SourceText,
        samples: Option<u32>,
    ) -> Result<Space, ScenarioError> {
        let doc = toml_edit::ImDocument::parse(src.text().to_string()).map_err(|e| {
            src.error(
                None,
                ScenarioErrorKind::Syntax {
                    message: e.message().to_string(),
                    key: None,
                },
            )
        })?;
        let rule = |key: &str, message: String| {
            // The key's line, or its table's when the key is missing.
            let mut path = key;
            let mut offset = crate::scenario::resolve::span_of(doc.as_table(), path);
            while offset.is_none() {
                let Some(i) = path.rfind('.') else { break };
                path = &path[..i];
                offset = crate::scenario::resolve::span_of(doc.as_table(), path);
            }
            src.error(
                offset,
                ScenarioErrorKind::Rule {
                    key: key.to_string(),
                    message,
                },
            )
        };
        let sw = &plan.sweep;
        let method = sw.method;
        if sw.parameters.is_empty() {
            return Err(rule(
                "sweep",
                "the sweep has no parameter; add a `[[sweep.parameter]]` with a `key`".into(),
            ));
        }
        let mut parameters = Vec::with_capacity(sw.parameters.len());
        for (j, p) in sw.parameters.iter().enumerate() {
            let at = |leaf: &str| format!("sweep.parameter[{j}].{leaf}");
            let spec = schema::spec(&schema::pattern_of(&p.key))
                .ok_or_else(|| rule(&at("key"), format!("`{}` is not a scenario key", p.key)))?;
            let axis = axis(method, p, spec.kind, &at).map_err(|(k, m)| rule(&k, m))?;
            for dup in &parameters {
                let d: &Parameter = dup;
                if d.key == p.key {
                    return Err(rule(&at("key"), format!("`{}` is swept twice", p.key)));
                }
            }
            parameters.push(Parameter {
                key: p.key.clone(),
                kind: spec.kind,
                unit: spec.unit,
                axis,
            });
        }
        if samples.is_some() && matches!(method, Method::Grid | Method::OneAtATime) {
            return Err(rule(
                "sweep.method",
                format!(
                    "--samples sets the sample count of `monte_carlo` and `latin_hypercube` sweeps and the base rows of a `sobol` sweep; this one is `{}`, whose samples follow from its parameters",
                    sw.method
                ),
            ));
        }
        let n_samples: u64 = match method {
            Method::Grid => parameters
                .iter()
                .map(|p| match &p.axis {
                    Axis::Values(v) => v.len() as u64,
                    _ => 1,
                })
                .try_fold(1u64, u64::checked_mul)
                .unwrap_or(u64::MAX),
            Method::MonteCarlo | Method::LatinHypercube => u64::from(samples.unwrap_or(sw.samples)),
            // Saltelli's design: `samples` rows of A and of B, and per parameter A with that
            // parameter's column from B.
            Method::Sobol => {
                u64::from(samples.unwrap_or(sw.samples)).saturating_mul(parameters.len() as u64 + 2)
            }
            Method::OneAtATime => 1 + 2 * parameters.len() as u64,
        };
        if n_samples > u64::from(sw.max_samples) {
            let why = match (method, samples) {
                (Method::Grid, _) => "the product of the grid's value counts".to_string(),
                (Method::OneAtATime, _) => "1 + 2 × parameters".to_string(),
                (Method::Sobol, Some(_)) => "--samples × (parameters + 2)".to_string(),
                (Method::Sobol, None) => "`sweep.samples` × (parameters + 2)".to_string(),
                (_, Some(_)) => "--samples".to_string(),
                (_, None) => "`sweep.samples`".to_string(),
            };
            return Err(rule(
                "sweep.max_samples",
                format!(
                    "the sweep has {n_samples} samples ({why}), more than `sweep.max_samples` = {}; raise the cap or make the sweep smaller",
                    sw.max_samples
                ),
            ));
        }
        if n_samples == 0 {
            return Err(rule("sweep.samples", "the sweep has no sample".into()));
        }
        let seed = seed::derive(plan.seed, &[seed::streams::SWEEP]);
        let strata = if method == Method::LatinHypercube {
            (0..parameters.len())
                .map(|j| permutation(n_samples as u32, seed::derive(seed, &[1, j as u64])))
                .collect()
        } else {
            Vec::new()
        };
        let mut space = Space {
            method,
            parameters,
            n_samples,
            seed,
            strata,
            correlations: Vec::new(),
            uniforms: Vec::new(),
        };
        space.correlate(&sw.correlations, &rule)?;
        for (i, b) in sw.breakevens.iter().enumerate() {
            let at = |leaf: &str| format!("sweep.breakeven[{i}].{leaf}");
            match schema::spec(&schema::pattern_of(&b.key)) {
                Some(s) if matches!(s.kind, Kind::Float { .. }) => {
                    for (leaf, v) in [("min", b.min), ("max", b.max)] {
                        SweepValue::Float(v).check(s.kind).map_err(|expected| {
                            rule(&at(leaf), format!("`{}` = {v}: expected {expected}", b.key))
                        })?;
                    }
                }
                Some(s) => {
                    return Err(rule(
                        &at("key"),
                        format!(
                            "`{}` is {}; a break-even value is searched over a number key",
                            b.key,
                            s.kind.describe(s.unit)
                        ),
                    ));
                }
                None => {
                    return Err(rule(
                        &at("key"),
                        format!("`{}` is not a scenario key", b.key),
                    ));
                }
            }
            if b.min.partial_cmp(&b.max) != Some(std::cmp::Ordering::Less) {
                return Err(rule(
                    &at("max"),
                    format!("`max` = {} must be above `min` = {}", b.max, b.min),
                ));
            }
        }
        space.check_ranges(&rule)?;
        Ok(space)
    }

    /// Each sample's cumulative probabilities before any correlation is imposed.
    fn independent_uniforms(&self, i: u64) -> Vec<f64> {
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed::derive(self.seed, &[2, i]));
        (0..self.parameters.len())
            .map(|j| {
                let v: f64 = rng.random();
                if self.method == Method::LatinHypercube {
                    (f64::from(self.strata[j][i as usize]) + v) / self.n_samples as f64
                } else {
                    v
                }
            })
            .collect()
    }

    /// The base rows of a Sobol sweep (`n_samples / (parameters + 2)`).
    fn sobol_base_rows(&self) -> u64 {
        self.n_samples / (self.parameters.len() as u64 + 2)
    }

    /// A sample's cumulative probabilities in Saltelli's design: samples `0..N` are the rows of
    /// A, `N..2N` the rows of B (each row of A and B drawn independently from its own stream),
    /// and `(2 + m)N..(3 + m)N` the rows of A with column `m` taken from B's same row.
    fn saltelli_uniforms(&self, i: u64) -> Vec<f64> {
        let n = self.sobol_base_rows().max(1);
        let (block, row) = (i / n, i % n);
        let k = self.parameters.len();
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed::derive(self.seed, &[4, row]));
        let draws: Vec<f64> = (0..2 * k).map(|_| rng.random()).collect();
        let (a, b) = draws.split_at(k);
        match block {
            0 => a.to_vec(),
            1 => b.to_vec(),
            m => {
                let mut ab = a.to_vec();
                let col = (m - 2) as usize;
                if col < k {
                    ab[col] = b[col];
                }
                ab
            }
        }
    }

    /// Check `sweep.correlation` and impose it on the samples by the Iman-Conover method.
    fn correlate(
        &mut self,
        asked: &[crate::scenario::raw::SweepCorrelation],
        rule: &dyn Fn(&str, String) -> ScenarioError,
    ) -> Result<(), ScenarioError> {
        if asked.is_empty() {
            return Ok(());
        }
        if self.method == Method::Sobol {
            return Err(rule(
                "sweep.correlation",
                "Sobol indices decompose the variance of independent inputs; a `sobol` sweep cannot take correlations (use `monte_carlo` or `latin_hypercube`, whose PRCC and SRC allow them)".into(),
            ));
        }
        if !matches!(self.method, Method::MonteCarlo | Method::LatinHypercube) {
            return Err(rule(
                "sweep.correlation",
                format!(
                    "correlations apply to `monte_carlo` and `latin_hypercube` sweeps; this one is `{}`",
                    self.method
                ),
            ));
        }
        let p = self.parameters.len();
        let mut target = nalgebra::DMatrix::<f64>::identity(p, p);
        for (c, a) in asked.iter().enumerate() {
            let find = |leaf: &str, key: &str| {
                self.parameters
                    .iter()
                    .position(|q| q.key == key)
                    .ok_or_else(|| {
                        rule(
                            &format!("sweep.correlation[{c}].{leaf}"),
                            format!("`{key}` is not a parameter of this sweep; correlations are between `[[sweep.parameter]]` keys"),
                        )
                    })
            };
            let (j, k) = (find("first", &a.first)?, find("second", &a.second)?);
            if j == k {
                return Err(rule(
                    &format!("sweep.correlation[{c}].second"),
                    format!("`{}` is correlated with itself", a.first),
                ));
            }
            if self
                .correlations
                .iter()
                .any(|&(x, y, _)| (x, y) == (j, k) || (x, y) == (k, j))
            {
                return Err(rule(
                    &format!("sweep.correlation[{c}]"),
                    format!(
                        "`{}` and `{}` are given a correlation twice",
                        a.first, a.second
                    ),
                ));
            }
            target[(j, k)] = a.rank_correlation;
            target[(k, j)] = a.rank_correlation;
            self.correlations.push((j, k, a.rank_correlation));
        }
        let n = self.n_samples as usize;
        let independent: Vec<Vec<f64>> = (0..self.n_samples)
            .map(|i| self.independent_uniforms(i))
            .collect();
        let perm_seed = seed::derive(self.seed, &[3]);
        self.uniforms = iman_conover(&independent, &target, perm_seed).map_err(|e| {
            let message = match e {
                ImanConoverError::NotPositiveDefinite => format!(
                    "the rank correlation matrix of the sweep's parameters is not positive definite (no set of samples can have these correlations together); lower the correlations that contradict each other. The matrix, in parameter order: {}",
                    matrix_text(&target)
                ),
                ImanConoverError::TooFewSamples => format!(
                    "{n} samples are too few to impose correlations between {p} parameters; take more samples"
                ),
            };
            rule("sweep.correlation", message)
        })?;
        Ok(())
    }

    /// The values of sample `i` (`None`: the parameter keeps the scenario's value, in the base
    /// sample of a one-at-a-time sweep).
    pub fn values(&self, i: u64) -> Vec<Option<SweepValue>> {
        match self.method {
            Method::Grid => {
                let mut rest = i;
                let mut out = vec![None; self.parameters.len()];
                for (j, p) in self.parameters.iter().enumerate().rev() {
                    if let Axis::Values(v) = &p.axis {
                        let n = v.len() as u64;
                        out[j] = Some(v[(rest % n) as usize].clone());
                        rest /= n;
                    }
                }
                out
            }
            Method::OneAtATime => self
                .parameters
                .iter()
                .enumerate()
                .map(|(j, p)| match &p.axis {
                    Axis::LowHigh(lo, hi) => {
                        if i == 2 * j as u64 + 1 {
                            Some(lo.clone())
                        } else if i == 2 * j as u64 + 2 {
                            Some(hi.clone())
                        } else {
                            None
                        }
                    }
                    _ => None,
                })
                .collect(),
            Method::MonteCarlo | Method::LatinHypercube | Method::Sobol => {
                let us = match self.uniforms.get(i as usize) {
                    Some(u) => u.clone(),
                    None if self.method == Method::Sobol => self.saltelli_uniforms(i),
                    None => self.independent_uniforms(i),
                };
                self.parameters
                    .iter()
                    .zip(us)
                    .map(|(p, u)| match &p.axis {
                        Axis::Random(d) => Some(quantile(d, u, p.kind)),
                        _ => None,
                    })
                    .collect()
            }
        }
    }

    /// Every value a parameter takes must pass its key's own type and range check.
    fn check_ranges(
        &self,
        rule: &dyn Fn(&str, String) -> ScenarioError,
    ) -> Result<(), ScenarioError> {
        let check = |j: usize, v: &SweepValue, what: &str| -> Result<(), ScenarioError> {
            let p = &self.parameters[j];
            v.check(p.kind).map_err(|expected| {
                rule(
                    &format!("sweep.parameter[{j}].{what}"),
                    format!(
                        "`{}` = {v}{}: expected {expected}",
                        p.key,
                        if what == "distribution" {
                            " (a draw of the distribution)"
                        } else {
                            ""
                        }
                    ),
                )
            })
        };
        for (j, p) in self.parameters.iter().enumerate() {
            match &p.axis {
                Axis::Values(vs) => {
                    for v in vs {
                        check(j, v, "values")?;
                    }
                }
                Axis::LowHigh(lo, hi) => {
                    check(j, lo, "low")?;
                    check(j, hi, "high")?;
                }
                Axis::Random(Distribution::Discrete(vs)) => {
                    for v in vs {
                        check(j, v, "values")?;
                    }
                }
                Axis::Random(_) => {}
            }
        }
        if matches!(
            self.method,
            Method::MonteCarlo | Method::LatinHypercube | Method::Sobol
        ) {
            for i in 0..self.n_samples {
                for (j, v) in self.values(i).iter().enumerate() {
                    if let Some(v) = v {
                        check(j, v, "distribution").map_err(|mut e| {
                            if let ScenarioErrorKind::Rule { message, .. } = &mut e.kind {
                                message.push_str(&format!(
                                    " (sample {i}); bound the distribution (`uniform`, `triangular`) or narrow it"
                                ));
                            }
                            e
                        })?;
                    }
                }
            }
        }
        Ok(())
    }
}

type AxisError = (String, String);

/// Check one parameter's keys for the method and build its axis.
fn axis(
    method: Method,
    p: &SweepParameter,
    kind: Kind,
    at: &dyn Fn(&str) -> String,
) -> Result<Axis, AxisError> {
    let numeric = matches!(
        kind,
        Kind::Float { .. }
            | Kind::FloatOrWord { .. }
            | Kind::Int { .. }
            | Kind::IntOneOf(_)
            | Kind::FloatOneOf(_)
    );
    let given: Vec<(&str, bool)> = vec![
        ("values", p.values.is_some()),
        ("min", p.min.is_some()),
        ("max", p.max.is_some()),
        ("steps", p.steps.is_some()),
        ("distribution", p.distribution.is_some()),
        ("mean", p.mean.is_some()),
        ("sd", p.sd.is_some()),
        ("mode", p.mode.is_some()),
        ("median", p.median.is_some()),
        ("sigma", p.sigma.is_some()),
        ("low", p.low.is_some()),
        ("high", p.high.is_some()),
    ];
    let allowed: &[&str] = match method {
        Method::Grid => &["values", "min", "max", "steps"],
        Method::OneAtATime => &["low", "high"],
        Method::MonteCarlo | Method::LatinHypercube | Method::Sobol => match p.distribution {
            Some(DistName::Uniform) => &["distribution", "min", "max"],
            Some(DistName::Normal) => &["distribution", "mean", "sd"],
            Some(DistName::Triangular) => &["distribution", "min", "mode", "max"],
            Some(DistName::Lognormal) => &["distribution", "median", "sigma"],
            Some(DistName::Discrete) => &["distribution", "values"],
            None => &["distribution"],
        },
    };
    if matches!(
        method,
        Method::MonteCarlo | Method::LatinHypercube | Method::Sobol
    ) && p.distribution.is_none()
    {
        return Err((
            at("key"),
            format!(
                "`{}` needs a `distribution` (uniform, normal, triangular, lognormal or discrete) in a random sweep",
                p.key
            ),
        ));
    }
    let method_name = method.name();
    for (k, present) in &given {
        if *present && !allowed.contains(k) {
            let ctx = match (method, p.distribution) {
                (Method::MonteCarlo | Method::LatinHypercube | Method::Sobol, Some(d)) => {
                    format!("a `{d}` distribution")
                }
                _ => format!("a `{method_name}` sweep"),
            };
            return Err((
                at(k),
                format!("`{k}` has no meaning for {ctx}; it takes {}", list(allowed)),
            ));
        }
    }
    let need = |k: &str, v: Option<f64>| -> Result<f64, AxisError> {
        v.ok_or_else(|| (at(k), format!("missing `{k}` for `{}`", p.key)))
    };
    let only_numeric = |what: &str| -> Result<(), AxisError> {
        if numeric {
            Ok(())
        } else {
            Err((
                at(what),
                format!(
                    "`{}` is {}; it can only be swept through a list of `values`",
                    p.key,
                    kind.describe("")
                ),
            ))
        }
    };
    let values = || -> Result<Vec<SweepValue>, AxisError> {
        let vs = p.values.as_deref().unwrap_or_default();
        if vs.is_empty() {
            return Err((at("values"), "the list of values is empty".into()));
        }
        vs.iter()
            .map(|v| SweepValue::from_toml(v, kind).map_err(|m| (at("values"), m)))
            .collect()
    };
    match method {
        Method::Grid => {
            if p.values.is_some() {
                if p.min.is_some() || p.max.is_some() || p.steps.is_some() {
                    return Err((
                        at("values"),
                        "give either `values` or `min`, `max` and `steps`, not both".into(),
                    ));
                }
                return Ok(Axis::Values(values()?));
            }
            if p.min.is_none() && p.max.is_none() && p.steps.is_none() {
                return Err((
                    at("key"),
                    format!(
                        "a grid parameter needs `values` or `min`, `max` and `steps` (`{}`)",
                        p.key
                    ),
                ));
            }
            only_numeric("min")?;
            let (lo, hi) = (need("min", p.min)?, need("max", p.max)?);
            let steps = p
                .steps
                .ok_or_else(|| (at("steps"), format!("missing `steps` for `{}`", p.key)))?;
            if steps == 1 && (hi - lo).abs() > 0.0 {
                return Err((
                    at("steps"),
                    "`steps` = 1 with `min` ≠ `max`: use 2 or more".into(),
                ));
            }
            if hi < lo {
                return Err((at("max"), format!("`max` = {hi} is below `min` = {lo}")));
            }
            let n = steps.max(1);
            let mut out: Vec<SweepValue> = Vec::with_capacity(n as usize);
            for s in 0..n {
                let x = if n == 1 {
                    lo
                } else {
                    lo + (hi - lo) * f64::from(s) / f64::from(n - 1)
                };
                let v = SweepValue::number(x, kind);
                if out.last() != Some(&v) {
                    out.push(v);
                }
            }
            Ok(Axis::Values(out))
        }
        Method::OneAtATime => {
            only_numeric("low")?;
            let (lo, hi) = (need("low", p.low)?, need("high", p.high)?);
            Ok(Axis::LowHigh(
                SweepValue::number(lo, kind),
                SweepValue::number(hi, kind),
            ))
        }
        Method::MonteCarlo | Method::LatinHypercube | Method::Sobol => {
            let d = p.distribution.ok_or_else(|| {
                (
                    at("key"),
                    format!(
                        "`{}` needs a `distribution` (uniform, normal, triangular, lognormal or discrete) in a `{method_name}` sweep",
                        p.key
                    ),
                )
            })?;
            if d != DistName::Discrete {
                only_numeric("distribution")?;
            }
            let dist = match d {
                DistName::Uniform => {
                    let (min, max) = (need("min", p.min)?, need("max", p.max)?);
                    if max <= min {
                        return Err((
                            at("max"),
                            format!("`max` = {max} must be above `min` = {min}"),
                        ));
                    }
                    Distribution::Uniform { min, max }
                }
                DistName::Normal => {
                    let (mean, sd) = (need("mean", p.mean)?, need("sd", p.sd)?);
                    if sd <= 0.0 {
                        return Err((at("sd"), format!("`sd` = {sd} must be above 0")));
                    }
                    Distribution::Normal { mean, sd }
                }
                DistName::Triangular => {
                    let (min, mode, max) = (
                        need("min", p.min)?,
                        need("mode", p.mode)?,
                        need("max", p.max)?,
                    );
                    if max <= min {
                        return Err((
                            at("max"),
                            format!("`max` = {max} must be above `min` = {min}"),
                        ));
                    }
                    if !(min..=max).contains(&mode) {
                        return Err((
                            at("mode"),
                            format!("`mode` = {mode} must be in {min}..={max}"),
                        ));
                    }
                    Distribution::Triangular { min, mode, max }
                }
                DistName::Lognormal => {
                    let (median, sigma) = (need("median", p.median)?, need("sigma", p.sigma)?);
                    if median <= 0.0 {
                        return Err((at("median"), format!("`median` = {median} must be above 0")));
                    }
                    if sigma <= 0.0 {
                        return Err((at("sigma"), format!("`sigma` = {sigma} must be above 0")));
                    }
                    Distribution::Lognormal { median, sigma }
                }
                DistName::Discrete => Distribution::Discrete(values()?),
            };
            Ok(Axis::Random(dist))
        }
    }
}

fn list(keys: &[&str]) -> String {
    let v: Vec<String> = keys.iter().map(|k| format!("`{k}`")).collect();
    v.join(", ")
}

/// A random permutation of `0..n` (Fisher-Yates).
/// Why correlations cannot be imposed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImanConoverError {
    /// The target matrix has no Cholesky factor.
    NotPositiveDefinite,
    /// The scores of the samples are collinear (fewer samples than parameters, about).
    TooFewSamples,
}

fn matrix_text(m: &nalgebra::DMatrix<f64>) -> String {
    let rows: Vec<String> = m
        .row_iter()
        .map(|r| {
            let c: Vec<String> = r.iter().map(|x| format!("{x}")).collect();
            format!("[{}]", c.join(", "))
        })
        .collect();
    format!("[{}]", rows.join(", "))
}

/// Rearrange each column of `samples` (`samples[i][j]`, sample `i`, parameter `j`) so that the
/// columns' rank correlations approach `target`, keeping every column's values (so marginal
/// distributions and Latin hypercube strata are unchanged).
///
/// # Arguments
/// * `samples` - `n` rows of `p` values.
/// * `target` - `p × p` symmetric matrix of rank correlations, ones on the diagonal.
/// * `seed` - seeds the random pairing of the van der Waerden scores of each column.
///
/// # Errors
/// [`ImanConoverError::NotPositiveDefinite`] when `target` has no Cholesky factor,
/// [`ImanConoverError::TooFewSamples`] when the scores' own correlation matrix has none.
///
/// # Notes
/// Scores `a_i = Φ⁻¹(i/(n+1))`, randomly permuted per column, form `R`; with `T = corr(R) =
/// Q Qᵀ` and `target = P Pᵀ` (Cholesky), `R* = R (P Q⁻¹)ᵀ` has correlation `target`; each
/// column of `samples` is then sorted into the rank order of the same column of `R*`.
///
/// # References
/// R. L. Iman and W. J. Conover, "A distribution-free approach to inducing rank correlation
/// among input variables," *Commun. Stat. Simul. Comput.*, vol. 11, no. 3, pp. 311-334, 1982.
/// <https://doi.org/10.1080/03610918208812265>
pub fn iman_conover(
    samples: &[Vec<f64>],
    target: &nalgebra::DMatrix<f64>,
    seed: u64,
) -> Result<Vec<Vec<f64>>, ImanConoverError> {
    use nalgebra::DMatrix;
    let n = samples.len();
    let p = target.nrows();
    let p_chol = target
        .clone()
        .cholesky()
        .ok_or(ImanConoverError::NotPositiveDefinite)?
        .l();
    let scores: Vec<f64> = (1..=n)
        .map(|i| inverse_normal_cdf(i as f64 / (n as f64 + 1.0)))
        .collect();
    let mut r = DMatrix::<f64>::zeros(n, p);
    for j in 0..p {
        let perm = permutation(n as u32, seed::derive(seed, &[j as u64]));
        for (i, &k) in perm.iter().enumerate() {
            r[(i, j)] = scores[k as usize];
        }
    }
    // Correlation of the scores' columns (each has mean 0 and the same variance).
    let ss: f64 = scores.iter().map(|s| s * s).sum();
    if ss <= 0.0 {
        return Err(ImanConoverError::TooFewSamples);
    }
    let t = (r.transpose() * &r) / ss;
    let q_chol = t.cholesky().ok_or(ImanConoverError::TooFewSamples)?.l();
    let q_inv = q_chol
        .try_inverse()
        .ok_or(ImanConoverError::TooFewSamples)?;
    let r_star = &r * (p_chol * q_inv).transpose();
    let mut out = samples.to_vec();
    for j in 0..p {
        let mut sorted: Vec<f64> = samples.iter().map(|s| s[j]).collect();
        sorted.sort_by(f64::total_cmp);
        let mut order: Vec<usize> = (0..n).collect();
        order.sort_by(|&a, &b| r_star[(a, j)].total_cmp(&r_star[(b, j)]).then(a.cmp(&b)));
        for (rank, &i) in order.iter().enumerate() {
            out[i][j] = sorted[rank];
        }
    }
    Ok(out)
}

fn permutation(n: u32, seed: u64) -> Vec<u32> {
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
    let mut v: Vec<u32> = (0..n).collect();
    for i in (1..v.len()).rev() {
        let j = rng.random_range(0..=i);
        v.swap(i, j);
    }
    v
}

/// The value of a distribution at cumulative probability `u` in `[0, 1)`.
pub fn quantile(d: &Distribution, u: f64, kind: Kind) -> SweepValue {
    let u = u.clamp(1e-12, 1.0 - 1e-12);
    let x = match d {
        Distribution::Uniform { min, max } => min + u * (max - min),
        Distribution::Normal { mean, sd } => mean + sd * inverse_normal_cdf(u),
        Distribution::Triangular { min, mode, max } => {
            let c = (mode - min) / (max - min);
            if u < c {
                min + (u * (max - min) * (mode - min)).sqrt()
            } else {
                max - ((1.0 - u) * (max - min) * (max - mode)).sqrt()
            }
        }
        Distribution::Lognormal { median, sigma } => median * (sigma * inverse_normal_cdf(u)).exp(),
        Distribution::Discrete(vs) => {
            let k = ((u * vs.len() as f64) as usize).min(vs.len() - 1);
            return vs[k].clone();
        }
    };
    SweepValue::number(x, kind)
}

/// Inverse of the standard normal CDF, relative error below 1.2e-9.
///
/// # References
/// P. J. Acklam, "An algorithm for computing the inverse normal cumulative distribution
/// function," 2003 (rational approximation with one Halley refinement omitted).
pub fn inverse_normal_cdf(p: f64) -> f64 {
    const A: [f64; 6] = [
        -3.969_683_028_665_376e1,
        2.209_460_984_245_205e2,
        -2.759_285_104_469_687e2,
        1.383_577_518_672_69e2,
        -3.066_479_806_614_716e1,
        2.506_628_277_459_239,
    ];
    const B: [f64; 5] = [
        -5.447_609_879_822_406e1,
        1.615_858_368_580_409e2,
        -1.556_989_798_598_866e2,
        6.680_131_188_771_972e1,
        -1.328_068_155_288_572e1,
    ];
    const C: [f64; 6] = [
        -7.784_894_002_430_293e-3,
        -3.223_964_580_411_365e-1,
        -2.400_758_277_161_838,
        -2.549_732_539_343_734,
        4.374_664_141_464_968,
        2.938_163_982_698_783,
    ];
    const D: [f64; 4] = [
        7.784_695_709_041_462e-3,
        3.224_671_290_700_398e-1,
        2.445_134_137_142_996,
        3.754_408_661_907_416,
    ];
    const P_LOW: f64 = 0.024_25;
    if p < P_LOW {
        let q = (-2.0 * p.ln()).sqrt();
        (((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5])
            / ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1.0)
    } else if p <= 1.0 - P_LOW {
        let q = p - 0.5;
        let r = q * q;
        (((((A[0] * r + A[1]) * r + A[2]) * r + A[3]) * r + A[4]) * r + A[5]) * q
            / (((((B[0] * r + B[1]) * r + B[2]) * r + B[3]) * r + B[4]) * r + 1.0)
    } else {
        let q = (-2.0 * (1.0 - p).ln()).sqrt();
        -(((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5])
            / ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use approx::assert_relative_eq;

    #[test]
    fn inverse_normal_matches_tables() {
        // z of 0.975 = 1.959964 (any normal table); of 0.5 = 0; of 0.01 = -2.326348.
        assert_relative_eq!(inverse_normal_cdf(0.975), 1.959_963_985, epsilon = 1e-8);
        assert_relative_eq!(inverse_normal_cdf(0.5), 0.0, epsilon = 1e-12);
        assert_relative_eq!(inverse_normal_cdf(0.01), -2.326_347_874, epsilon = 1e-8);
    }

    #[test]
    fn triangular_quantile_at_mode_probability() {
        // F(mode) = (mode - min) / (max - min) = 0.25 for min 0, mode 1, max 4.
        let d = Distribution::Triangular {
            min: 0.0,
            mode: 1.0,
            max: 4.0,
        };
        let k = Kind::Float {
            min: -10.0,
            max: 10.0,
        };
        assert_eq!(quantile(&d, 0.25, k), SweepValue::Float(1.0));
        // F(2) = 1 - (4-2)²/(4·3) = 2/3.
        let SweepValue::Float(x) = quantile(&d, 2.0 / 3.0, k) else {
            panic!()
        };
        assert_relative_eq!(x, 2.0, epsilon = 1e-12);
    }

    fn spearman(a: &[f64], b: &[f64]) -> f64 {
        let (ra, rb) = (
            crate::sweep::sensitivity::ranks(a),
            crate::sweep::sensitivity::ranks(b),
        );
        let m = (a.len() as f64 + 1.0) / 2.0;
        let (mut sab, mut saa, mut sbb) = (0.0, 0.0, 0.0);
        for (x, y) in ra.iter().zip(&rb) {
            sab += (x - m) * (y - m);
            saa += (x - m) * (x - m);
            sbb += (y - m) * (y - m);
        }
        sab / (saa * sbb).sqrt()
    }

    /// A 3 × 3 target on 500 samples: achieved rank correlations within 0.05; each column
    /// keeps its values.
    #[test]
    fn iman_conover_reaches_a_3x3_target() {
        let target = nalgebra::DMatrix::from_row_slice(
            3,
            3,
            &[1.0, 0.7, -0.3, 0.7, 1.0, 0.0, -0.3, 0.0, 1.0],
        );
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(11);
        let samples: Vec<Vec<f64>> = (0..500)
            .map(|_| (0..3).map(|_| rng.random::<f64>()).collect())
            .collect();
        let out = iman_conover(&samples, &target, 5).unwrap();
        let col = |s: &[Vec<f64>], j: usize| s.iter().map(|r| r[j]).collect::<Vec<f64>>();
        for j in 0..3 {
            let (mut a, mut b) = (col(&samples, j), col(&out, j));
            a.sort_by(f64::total_cmp);
            b.sort_by(f64::total_cmp);
            assert_eq!(a, b);
            for k in 0..3 {
                let got = spearman(&col(&out, j), &col(&out, k));
                assert!((got - target[(j, k)]).abs() < 0.05, "({j},{k}): {got}");
            }
        }
        let bad = nalgebra::DMatrix::from_row_slice(
            3,
            3,
            &[1.0, 0.9, -0.9, 0.9, 1.0, 0.9, -0.9, 0.9, 1.0],
        );
        assert_eq!(
            iman_conover(&samples, &bad, 5),
            Err(ImanConoverError::NotPositiveDefinite)
        );
    }

    #[test]
    fn permutation_is_a_permutation() {
        let mut p = permutation(100, 7);
        p.sort_unstable();
        assert_eq!(p, (0..100).collect::<Vec<u32>>());
    }
}
