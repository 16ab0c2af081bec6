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

/// The summary JSON of a sweep: sample count and claim statistics.
pub fn summary_json(
    t: &Table,
    claimed: &BTreeMap<String, f64>,
    meta: &serde_json::Value,
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
    format!("{}\n", serde_json::to_string_pretty(&v).unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

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
