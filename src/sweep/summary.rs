//! The data of a finished sweep's charts, computed from `sweep.csv` (so that a merged sweep and
//! an unsharded one give the same): the distribution (sorted values with their empirical CDF,
//! and a histogram) of the park's cost reduction with the claim's probability of holding; the
//! PV savings of each sample against the claimed yearly saving; a tornado from a one-at-a-time
//! sweep; a heat map from a two-parameter grid. Plain data and CSV text; drawing is the report
//! module's.

use super::rows::{CLAIM_KEYS, split};
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// Statistics of one claim over the samples.
#[derive(Debug, Clone, PartialEq)]
pub struct ClaimStats {
    /// Claim key.
    pub key: String,
    /// Claimed value.
    pub claimed: f64,
    /// Samples where the claim's strategy was simulated.
    pub n: usize,
    /// Share of those samples where the claim holds [fraction].
    pub probability_holds: f64,
    /// 95% Wilson score interval of that share [fraction].
    pub probability_ci95: [f64; 2],
    /// Mean of the simulated value.
    pub mean: f64,
    /// 5th, 50th and 95th percentile of the simulated value (nearest rank).
    pub p05_p50_p95: [f64; 3],
}

/// A parsed `sweep.csv`.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    /// Column names.
    pub header: Vec<String>,
    /// Rows, in sample order.
    pub rows: Vec<Vec<String>>,
}

impl Table {
    /// Parse CSV text.
    pub fn parse(text: &str) -> Table {
        let mut lines = text.lines();
        let header = lines.next().map(split).unwrap_or_default();
        let rows = lines.filter(|l| !l.is_empty()).map(split).collect();
        Table { header, rows }
    }

    /// A column's numbers by sample (`None` for empty or non-numeric cells).
    pub fn column(&self, name: &str) -> Vec<Option<f64>> {
        let Some(j) = self.header.iter().position(|h| h == name) else {
            return vec![None; self.rows.len()];
        };
        self.rows
            .iter()
            .map(|r| r.get(j).and_then(|c| c.parse::<f64>().ok()))
            .collect()
    }
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let k = ((p * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    sorted[k - 1]
}

/// Two-sided 95% Wilson score interval of a proportion `k` of `n` [fraction]; NaN for `n = 0`.
///
/// # Notes
/// `(p̂ + z²/2n ± z √(p̂(1 − p̂)/n + z²/4n²)) / (1 + z²/n)` with `z` = 1.959964, which stays
/// inside 0..=1 and keeps a sensible width when `k` is 0 or `n` (unlike the Wald interval).
///
/// # References
/// E. B. Wilson, "Probable inference, the law of succession, and statistical inference,"
/// *J. Am. Stat. Assoc.*, vol. 22, no. 158, pp. 209-212, 1927.
/// <https://doi.org/10.1080/01621459.1927.10502953>
pub fn wilson(k: usize, n: usize) -> [f64; 2] {
    if n == 0 {
        return [f64::NAN; 2];
    }
    const Z: f64 = 1.959_963_984_540_054;
    let (n, p) = (n as f64, k as f64 / n as f64);
    let denom = 1.0 + Z * Z / n;
    let centre = (p + Z * Z / (2.0 * n)) / denom;
    let half = Z / denom * (p * (1.0 - p) / n + Z * Z / (4.0 * n * n)).sqrt();
    [(centre - half).max(0.0), (centre + half).min(1.0)]
}

/// Statistics of each claim. `claimed` maps claim keys to the claimed values.
pub fn claim_stats(t: &Table, claimed: &BTreeMap<String, f64>) -> Vec<ClaimStats> {
    CLAIM_KEYS
        .iter()
        .map(|k| {
            let sim: Vec<f64> = t
                .column(&format!("claim.{k}.simulated"))
                .into_iter()
                .flatten()
                .collect();
            let holds = t
                .column(&format!("claim.{k}.holds"))
                .into_iter()
                .flatten()
                .filter(|&h| h > 0.5)
                .count();
            let mut sorted = sim.clone();
            sorted.sort_by(f64::total_cmp);
            let n = sim.len();
            ClaimStats {
                key: (*k).to_string(),
                claimed: claimed.get(*k).copied().unwrap_or(f64::NAN),
                n,
                probability_holds: if n > 0 {
                    holds as f64 / n as f64
                } else {
                    f64::NAN
                },
                probability_ci95: wilson(holds, n),
                mean: if n > 0 {
                    sim.iter().sum::<f64>() / n as f64
                } else {
                    f64::NAN
                },
                p05_p50_p95: [0.05, 0.5, 0.95].map(|p| percentile(&sorted, p)),
            }
        })
        .collect()
}

/// The chart data files of a sweep, as (relative path, CSV text). `method` and `keys` are the
/// sweep's; `claimed` the claimed values by claim key.
pub fn chart_files(
    t: &Table,
    method: Option<crate::scenario::choice::SweepMethod>,
    keys: &[String],
    claimed: &BTreeMap<String, f64>,
) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let samples = t.column("sample");
    let cost = t.column("claim.cost_reduction_fraction.simulated");
    let pv = t.column("claim.pv_saving_yuan_per_year.simulated");
    // Distribution of the cost reduction: sorted values with their CDF, and a histogram.
    let mut pairs: Vec<(f64, f64)> = samples
        .iter()
        .zip(&cost)
        .filter_map(|(s, c)| Some(((*s)?, (*c)?)))
        .collect();
    pairs.sort_by(|a, b| a.1.total_cmp(&b.1).then(a.0.total_cmp(&b.0)));
    let n = pairs.len();
    let claim = claimed
        .get("cost_reduction_fraction")
        .copied()
        .unwrap_or(f64::NAN);
    let mut dist = String::from("sample,saving_fraction,cdf,claim_fraction\n");
    for (k, (s, c)) in pairs.iter().enumerate() {
        let _ = writeln!(dist, "{s},{c},{},{claim}", (k + 1) as f64 / n as f64);
    }
    out.push(("charts/saving_distribution.csv".into(), dist));
    out.push(("charts/saving_histogram.csv".into(), histogram(&pairs, 20)));
    let pv_claim = claimed
        .get("pv_saving_yuan_per_year")
        .copied()
        .unwrap_or(f64::NAN);
    let mut pvs = String::from("sample,pv_saving_yuan_per_year,claim_yuan_per_year\n");
    for (s, p) in samples.iter().zip(&pv) {
        if let (Some(s), Some(p)) = (s, p) {
            let _ = writeln!(pvs, "{s},{p},{pv_claim}");
        }
    }
    out.push(("charts/pv_savings.csv".into(), pvs));
    use crate::scenario::choice::SweepMethod;
    if method == Some(SweepMethod::OneAtATime) && !t.rows.is_empty() {
        out.push(("charts/tornado.csv".into(), tornado(t, keys, &cost, &pv)));
    }
    if method == Some(SweepMethod::Grid) && keys.len() == 2 {
        let x = t.column(&keys[0]);
        let y = t.column(&keys[1]);
        let mut h = format!(
            "{},{},saving_fraction,pv_saving_yuan_per_year\n",
            keys[0], keys[1]
        );
        for i in 0..t.rows.len() {
            let cell = |v: Option<f64>| v.map_or(String::new(), |x| x.to_string());
            let _ = writeln!(
                h,
                "{},{},{},{}",
                cell(x[i]),
                cell(y[i]),
                cell(cost[i]),
                cell(pv[i])
            );
        }
        out.push(("charts/heatmap.csv".into(), h));
    }
    out
}

fn histogram(pairs: &[(f64, f64)], bins: usize) -> String {
    let mut s = String::from("bin_low_fraction,bin_high_fraction,count\n");
    if pairs.is_empty() {
        return s;
    }
    let lo = pairs.first().map_or(0.0, |p| p.1);
    let hi = pairs.last().map_or(0.0, |p| p.1);
    let (bins, width) = if hi > lo {
        (bins, (hi - lo) / bins as f64)
    } else {
        (1, 0.0)
    };
    let mut counts = vec![0usize; bins];
    for (_, v) in pairs {
        let k = if width > 0.0 {
            (((v - lo) / width) as usize).min(bins - 1)
        } else {
            0
        };
        counts[k] += 1;
    }
    for (k, c) in counts.iter().enumerate() {
        let a = lo + width * k as f64;
        let b = if k + 1 == bins {
            hi
        } else {
            lo + width * (k + 1) as f64
        };
        let _ = writeln!(s, "{a},{b},{c}");
    }
    s
}

/// One-at-a-time: sample 0 is the base, samples `2j+1`/`2j+2` parameter `j` low/high.
fn tornado(t: &Table, keys: &[String], cost: &[Option<f64>], pv: &[Option<f64>]) -> String {
    let cell = |v: Option<f64>| v.map_or(String::new(), |x| x.to_string());
    let get = |v: &[Option<f64>], i: usize| v.get(i).copied().flatten();
    let mut s =
        String::from("output,parameter,low,high,output_at_low,output_at_high,base_output\n");
    for (name, col) in [("saving_fraction", cost), ("pv_saving_yuan_per_year", pv)] {
        for (j, k) in keys.iter().enumerate() {
            let (lo, hi) = (2 * j + 1, 2 * j + 2);
            let par = |i: usize| t.column(k).get(i).copied().flatten();
            let _ = writeln!(
                s,
                "{name},{k},{},{},{},{},{}",
                cell(par(lo)),
                cell(par(hi)),
                cell(get(col, lo)),
                cell(get(col, hi)),
                cell(get(col, 0))
            );
        }
    }
    s
}

/// The global sensitivity of one output: its column, the parameters analysed and the indices.
#[derive(Debug, Clone, PartialEq)]
pub struct Sensitivity {
    /// The output's column in `sweep.csv` (`claim.<key>.simulated` or `<strategy>.saving_yuan`).
    pub output: String,
    /// The parameters analysed (the numeric ones), in column order.
    pub parameters: Vec<String>,
    /// The indices.
    pub indices: super::sensitivity::OutputSensitivity,
}

/// SRC and PRCC of each output of a random sweep (each claim's simulated value, each
/// strategy's saving) to its numeric parameters, with bootstrap intervals seeded from `seed`
/// (output `k` resamples from `seed::derive(seed, [SENSITIVITY, k])`). Outputs that do not
/// vary (the baseline's saving) are left out. Empty for a sweep with no numeric parameter.
pub fn sensitivity(t: &Table, keys: &[String], seed: u64) -> Vec<Sensitivity> {
    let params: Vec<(String, Vec<f64>)> = keys
        .iter()
        .filter_map(|k| {
            let c: Option<Vec<f64>> = t.column(k).into_iter().collect();
            c.map(|c| (k.clone(), c))
        })
        .collect();
    if params.is_empty() || t.rows.is_empty() {
        return Vec::new();
    }
    let mut out = Vec::new();
    for (k, name) in outputs(t).iter().enumerate() {
        let col = t.column(name);
        let rows: Vec<usize> = (0..t.rows.len()).filter(|&i| col[i].is_some()).collect();
        let y: Vec<f64> = rows.iter().filter_map(|&i| col[i]).collect();
        if y.len() < 3 || y.iter().all(|v| v.total_cmp(&y[0]).is_eq()) {
            continue;
        }
        let xs: Vec<Vec<f64>> = params
            .iter()
            .map(|(_, c)| rows.iter().map(|&i| c[i]).collect())
            .collect();
        let x: Vec<&[f64]> = xs.iter().map(Vec::as_slice).collect();
        let s = crate::seed::derive(seed, &[crate::seed::streams::SENSITIVITY, k as u64]);
        out.push(Sensitivity {
            output: name.clone(),
            parameters: params.iter().map(|(k, _)| k.clone()).collect(),
            indices: super::sensitivity::analyse(
                &x,
                &y,
                s,
                super::sensitivity::BOOTSTRAP_RESAMPLES,
            ),
        });
    }
    out
}

/// The outputs whose sensitivity a sweep reports: each claim's simulated value and each
/// strategy's saving.
fn outputs(t: &Table) -> Vec<String> {
    let mut outputs: Vec<String> = CLAIM_KEYS
        .iter()
        .map(|k| format!("claim.{k}.simulated"))
        .collect();
    outputs.extend(
        t.header
            .iter()
            .filter(|h| h.ends_with(".saving_yuan"))
            .cloned(),
    );
    outputs
}

/// The Sobol indices of one output of a `sobol` sweep.
#[derive(Debug, Clone, PartialEq)]
pub struct SobolOutput {
    /// The output's column in `sweep.csv`.
    pub output: String,
    /// Base rows `N` of the design (the sweep ran `N (k + 2)` samples).
    pub base_rows: usize,
    /// Per parameter, in column order: its key and indices.
    pub parameters: Vec<(String, super::sobol::SobolIndex)>,
}

/// First-order and total Sobol indices of each output of a complete `sobol` sweep (every
/// sample `0..N (k + 2)` in `t`, in Saltelli's layout, see `Space`), with bootstrap intervals
/// seeded as [`sensitivity`]'s. Empty when samples are missing (a shard on its own) or the
/// sample count does not fit the design; outputs that do not vary are left out.
pub fn sobol(t: &Table, keys: &[String], seed: u64) -> Vec<SobolOutput> {
    let k = keys.len();
    let rows = t.rows.len();
    if k == 0 || rows == 0 || !rows.is_multiple_of(k + 2) {
        return Vec::new();
    }
    let n = rows / (k + 2);
    // Row of each sample index; the design needs all of them.
    let mut at = vec![usize::MAX; rows];
    for (r, s) in t.column("sample").iter().enumerate() {
        match s {
            Some(s) if *s >= 0.0 && (*s as usize) < rows && s.fract() == 0.0 => at[*s as usize] = r,
            _ => return Vec::new(),
        }
    }
    if at.contains(&usize::MAX) {
        return Vec::new();
    }
    let mut out = Vec::new();
    for (o, name) in outputs(t).iter().enumerate() {
        let col = t.column(name);
        let block = |b: usize| -> Option<Vec<f64>> { (0..n).map(|j| col[at[b * n + j]]).collect() };
        let (Some(f_a), Some(f_b)) = (block(0), block(1)) else {
            continue;
        };
        let Some(f_ab) = (0..k).map(|i| block(2 + i)).collect::<Option<Vec<_>>>() else {
            continue;
        };
        let s = crate::seed::derive(seed, &[crate::seed::streams::SENSITIVITY, o as u64]);
        if let Some(ix) = super::sobol::sobol_indices(
            &f_a,
            &f_b,
            &f_ab,
            s,
            super::sensitivity::BOOTSTRAP_RESAMPLES,
        ) {
            out.push(SobolOutput {
                output: name.clone(),
                base_rows: n,
                parameters: keys.iter().cloned().zip(ix).collect(),
            });
        }
    }
    out
}

/// `sobol.csv`: one line per output and parameter.
pub fn sobol_csv(s: &[SobolOutput]) -> String {
    let mut out = String::from(
        "output,parameter,base_rows,first_order,first_order_low,first_order_high,total,total_low,total_high\n",
    );
    let pair = |c: Option<[f64; 2]>| c.map_or(",".to_string(), |[a, b]| format!("{a},{b}"));
    for o in s {
        for (p, ix) in &o.parameters {
            let _ = writeln!(
                out,
                "{},{p},{},{},{},{},{}",
                o.output,
                o.base_rows,
                ix.first,
                pair(ix.first_ci95),
                ix.total,
                pair(ix.total_ci95)
            );
        }
    }
    out
}

/// A bootstrap interval in JSON: `[low, high]`, or null without one.
fn ci_json(c: Option<[f64; 2]>) -> serde_json::Value {
    match c {
        Some([a, b]) => serde_json::json!([a, b]),
        None => serde_json::Value::Null,
    }
}

fn sobol_json(s: &[SobolOutput]) -> serde_json::Value {
    let outputs: Vec<serde_json::Value> = s
        .iter()
        .map(|o| {
            let ps: Vec<serde_json::Value> = o
                .parameters
                .iter()
                .map(|(k, ix)| {
                    serde_json::json!({
                        "key": k,
                        "first_order": ix.first,
                        "first_order_ci95": ci_json(ix.first_ci95),
                        "total": ix.total,
                        "total_ci95": ci_json(ix.total_ci95),
                    })
                })
                .collect();
            serde_json::json!({"output": o.output, "base_rows": o.base_rows, "parameters": ps})
        })
        .collect();
    serde_json::json!({
        "methods": "first-order index: Saltelli et al. 2010 (doi:10.1016/j.cpc.2009.09.018), table 2 (b); total index: Jansen 1999 (doi:10.1016/S0010-4655(98)00154-4); 95% intervals: bootstrap percentiles over the base rows",
        "bootstrap_resamples": super::sensitivity::BOOTSTRAP_RESAMPLES,
        "outputs": outputs,
    })
}

/// `sensitivity.csv`: one line per output and parameter.
pub fn sensitivity_csv(s: &[Sensitivity]) -> String {
    let mut out =
        String::from("output,parameter,samples,r2,src,src_low,src_high,prcc,prcc_low,prcc_high\n");
    let cell = |v: Option<f64>| v.map_or(String::new(), |x| x.to_string());
    for o in s {
        for (p, ix) in o.parameters.iter().zip(&o.indices.parameters) {
            let _ = writeln!(
                out,
                "{},{p},{},{},{},{},{},{},{},{}",
                o.output,
                o.indices.n,
                cell(o.indices.r2),
                cell(ix.src),
                cell(ix.src_ci95.map(|c| c[0])),
                cell(ix.src_ci95.map(|c| c[1])),
                cell(ix.prcc),
                cell(ix.prcc_ci95.map(|c| c[0])),
                cell(ix.prcc_ci95.map(|c| c[1])),
            );
        }
    }
    out
}

fn sensitivity_json(s: &[Sensitivity]) -> serde_json::Value {
    let num = |x: Option<f64>| match x {
        Some(x) if x.is_finite() => serde_json::json!(x),
        _ => serde_json::Value::Null,
    };
    let outputs: Vec<serde_json::Value> = s
        .iter()
        .map(|o| {
            let ps: Vec<serde_json::Value> = o
                .parameters
                .iter()
                .zip(&o.indices.parameters)
                .map(|(k, ix)| {
                    serde_json::json!({
                        "key": k,
                        "prcc": num(ix.prcc),
                        "prcc_ci95": ci_json(ix.prcc_ci95),
                        "src": num(ix.src),
                        "src_ci95": ci_json(ix.src_ci95),
                    })
                })
                .collect();
            serde_json::json!({
                "output": o.output,
                "samples": o.indices.n,
                "r2": num(o.indices.r2),
                "parameters": ps,
            })
        })
        .collect();
    serde_json::json!({
        "methods": "PRCC: partial rank correlation (Marino et al. 2008, doi:10.1016/j.jtbi.2008.04.011); SRC: standardized regression coefficients with the regression's R2 (Saltelli et al. 2008); 95% intervals: bootstrap percentiles",
        "bootstrap_resamples": super::sensitivity::BOOTSTRAP_RESAMPLES,
        "outputs": outputs,
    })
}

/// The summary JSON of a sweep: sample count, claim statistics (with Wilson intervals), the
/// base case from the metadata, and the sensitivity indices of a random sweep.
pub fn summary_json(
    t: &Table,
    claimed: &BTreeMap<String, f64>,
    meta: &serde_json::Value,
    sensitivity: &[Sensitivity],
    sobol: &[SobolOutput],
) -> String {
    let stats = claim_stats(t, claimed);
    let num = |x: f64| {
        if x.is_finite() {
            serde_json::json!(x)
        } else {
            serde_json::Value::Null
        }
    };
    let claims: Vec<serde_json::Value> = stats
        .iter()
        .map(|c| {
            serde_json::json!({
                "key": c.key,
                "claimed": num(c.claimed),
                "samples": c.n,
                "probability_holds": num(c.probability_holds),
                "probability_ci95_wilson": [num(c.probability_ci95[0]), num(c.probability_ci95[1])],
                "mean": num(c.mean),
                "p05": num(c.p05_p50_p95[0]),
                "p50": num(c.p05_p50_p95[1]),
                "p95": num(c.p05_p50_p95[2]),
            })
        })
        .collect();
    let v = serde_json::json!({
        "scenario": meta.get("scenario"),
        "method": meta.get("method"),
        "samples": t.rows.len(),
        "parameters": meta.get("parameters"),
        "claims": claims,
    });
    let mut v = v;
    let asked = meta
        .get("correlations")
        .and_then(serde_json::Value::as_array)
        .cloned()
        .unwrap_or_default();
    if !asked.is_empty() {
        let achieved: Vec<serde_json::Value> = asked
            .iter()
            .map(|c| {
                let col = |k: &str| -> Vec<f64> {
                    c.get(k)
                        .and_then(serde_json::Value::as_str)
                        .map(|k| t.column(k).into_iter().flatten().collect())
                        .unwrap_or_default()
                };
                let (a, b) = (col("first"), col("second"));
                let r = (a.len() == b.len() && a.len() > 2)
                    .then(|| super::sensitivity::spearman(&a, &b))
                    .flatten();
                serde_json::json!({
                    "first": c.get("first"),
                    "second": c.get("second"),
                    "asked": c.get("rank_correlation"),
                    "achieved": r,
                })
            })
            .collect();
        v["rank_correlations"] = serde_json::Value::Array(achieved);
    }
    if let Some(b) = meta.get("base_case") {
        v["base_case"] = b.clone();
    }
    if !sensitivity.is_empty() {
        v["sensitivity"] = sensitivity_json(sensitivity);
    }
    if !sobol.is_empty() {
        v["sobol"] = sobol_json(sobol);
    }
    format!("{}\n", serde_json::to_string_pretty(&v).unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 4 of 40 (the "10% of 40 samples" of a small sweep): 95% Wilson interval 3.96% to
    /// 23.05% (by the formula of Wilson 1927, as `statsmodels.stats.proportion_confint(4, 40,
    /// method="wilson")`); 0 of 40 still has an upper end.
    #[test]
    fn wilson_interval() {
        let [lo, hi] = wilson(4, 40);
        approx::assert_relative_eq!(lo, 0.039_579_528_682_606, epsilon = 1e-12);
        approx::assert_relative_eq!(hi, 0.230_517_752_275_223, epsilon = 1e-12);
        let [lo, hi] = wilson(0, 40);
        approx::assert_relative_eq!(lo, 0.0, epsilon = 1e-12);
        approx::assert_relative_eq!(hi, 0.087_621_601_197_287, epsilon = 1e-12);
        assert!(wilson(0, 0)[0].is_nan());
    }

    #[test]
    fn claim_probability_and_percentiles() {
        let text = "sample,claim.cost_reduction_fraction.holds,claim.cost_reduction_fraction.simulated\n0,0,0.1\n1,1,0.2\n2,1,0.16\n3,0,0.05\n";
        let t = Table::parse(text);
        let claimed = BTreeMap::from([("cost_reduction_fraction".to_string(), 0.15)]);
        let s = &claim_stats(&t, &claimed)[0];
        assert_eq!(s.n, 4);
        approx::assert_relative_eq!(s.probability_holds, 0.5);
        approx::assert_relative_eq!(s.mean, 0.1275);
        // Nearest rank: p50 of 4 values is the 2nd smallest.
        approx::assert_relative_eq!(s.p05_p50_p95[1], 0.1);
        let files = chart_files(
            &t,
            Some(crate::scenario::choice::SweepMethod::MonteCarlo),
            &[],
            &claimed,
        );
        let dist = &files
            .iter()
            .find(|f| f.0.ends_with("saving_distribution.csv"))
            .unwrap()
            .1;
        assert!(dist.lines().nth(1).unwrap().starts_with("3,0.05,0.25,"));
    }
}
