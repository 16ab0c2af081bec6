//! The charts of a finished sweep, drawn from its `sweep.csv` and `sweep.json` (so a merged
//! sweep and an unsharded one draw the same): the histogram and the cumulative distribution of
//! the park's saving against the claimed 15% with the share of samples meeting it; the PV saving (5th percentile,
//! median, 95th percentile over the samples) against the claimed yearly saving; a tornado from a
//! one-at-a-time sweep; a heat map from a two-parameter grid. Computes no metric: every number
//! comes from the sweep's rows.

use super::charts::{
    ChartError, Format, Label, Lang, Text, Unit, distribution, heatmap, pv_savings, sensitivity,
    tornado,
};
use crate::sweep::summary::Table;
use std::path::{Path, PathBuf};

fn claimed(meta: &serde_json::Value, key: &str) -> Option<f64> {
    meta.get("claims")?.get(key)?.as_f64()
}

/// The base case's value of a claim (the scenario as written, with its own settings), from
/// `sweep.json`.
fn base_case(meta: &serde_json::Value, key: &str) -> Option<f64> {
    meta.get("base_case")?
        .get("claims")?
        .get(key)?
        .get("simulated")?
        .as_f64()
}

fn draw_both(
    dir: &Path,
    (name, lang): (&str, Lang),
    out: &mut Vec<PathBuf>,
    mut f: impl FnMut(&Path, Format) -> Result<(), ChartError>,
) -> Result<(), ChartError> {
    for format in Format::ALL {
        let p = dir.join(super::charts::file_name(name, lang, format));
        f(&p, format)?;
        out.push(p);
    }
    Ok(())
}

/// The bins of the sweep's `saving_histogram.csv` (low, high, count), so that the drawn
/// histogram is the table's; empty when the file is missing or unreadable (the chart then
/// chooses its own bins).
fn csv_bins(path: &Path) -> Vec<(f64, f64, usize)> {
    let Ok(text) = std::fs::read_to_string(path) else {
        return Vec::new();
    };
    let rows: Option<Vec<(f64, f64, usize)>> = text
        .lines()
        .skip(1)
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let mut f = l.split(',');
            Some((
                f.next()?.parse().ok()?,
                f.next()?.parse().ok()?,
                f.next()?.parse().ok()?,
            ))
        })
        .collect();
    rows.unwrap_or_default()
}

/// The sensitivity chart's data from the sweep's `sensitivity.csv` (beside `charts/`): the PRCC
/// of the two claims' outputs; `None` when the file is missing, unreadable or has no claim.
fn sensitivity_data(path: &Path) -> Option<sensitivity::SensitivityChart> {
    let text = std::fs::read_to_string(path).ok()?;
    let t = Table::parse(&text);
    let col = |n: &str| t.header.iter().position(|h| h == n);
    let (o, p, s, v, lo, hi) = (
        col("output")?,
        col("parameter")?,
        col("samples")?,
        col("prcc")?,
        col("prcc_low")?,
        col("prcc_high")?,
    );
    let outputs = [
        (
            "claim.cost_reduction_fraction.simulated",
            Label::ParkCostReduction,
        ),
        (
            "claim.pv_saving_yuan_per_year.simulated",
            Label::PvSavingClaim,
        ),
    ];
    let mut parameters: Vec<String> = Vec::new();
    for r in &t.rows {
        if outputs
            .iter()
            .any(|(n, _)| r.get(o).map(String::as_str) == Some(*n))
            && !parameters.contains(&r[p])
        {
            parameters.push(r[p].clone());
        }
    }
    let num = |c: Option<&String>| c.and_then(|x| x.parse::<f64>().ok());
    let mut samples = 0;
    let mut series = Vec::new();
    for (name, label) in outputs {
        let rows: Vec<&Vec<String>> = t
            .rows
            .iter()
            .filter(|r| r.get(o).map(String::as_str) == Some(name))
            .collect();
        if rows.is_empty() {
            continue;
        }
        let find = |k: &str| {
            rows.iter()
                .find(|r| r.get(p).map(String::as_str) == Some(k))
        };
        let mut prcc = Vec::new();
        let mut ci95 = Vec::new();
        for k in &parameters {
            let r = find(k);
            prcc.push(r.and_then(|r| num(r.get(v))).unwrap_or(0.0));
            ci95.push(r.and_then(|r| Some([num(r.get(lo))?, num(r.get(hi))?])));
            samples = samples.max(r.and_then(|r| num(r.get(s))).unwrap_or(0.0) as usize);
        }
        series.push(sensitivity::SensitivityOutput {
            label: label.into(),
            prcc,
            ci95,
        });
    }
    (!series.is_empty() && !parameters.is_empty()).then(|| sensitivity::SensitivityChart {
        parameters: parameters.into_iter().map(Text::Plain).collect(),
        outputs: series,
        samples,
    })
}

/// Draw every chart the sweep has data for into `dir` (PNG and SVG); returns the files written.
///
/// # Errors
/// [`ChartError`] when a chart cannot be drawn or written.
pub fn draw_all(
    t: &Table,
    meta: &serde_json::Value,
    dir: &Path,
    lang: Lang,
) -> Result<Vec<PathBuf>, ChartError> {
    let mut out = Vec::new();
    let cost: Vec<f64> = t
        .column("claim.cost_reduction_fraction.simulated")
        .into_iter()
        .flatten()
        .collect();
    if !cost.is_empty() {
        let data = distribution::DistributionChart {
            savings_fraction: cost.clone(),
            kind: distribution::DistributionKind::Cdf,
            claim_fraction: claimed(meta, "cost_reduction_fraction"),
            bins: Vec::new(),
            base_fraction: base_case(meta, "cost_reduction_fraction"),
        };
        draw_both(dir, ("saving_cdf", lang), &mut out, |p, f| {
            distribution::draw(&data, lang, p, f)
        })?;
        let hist = distribution::DistributionChart {
            kind: distribution::DistributionKind::SampleHistogram,
            bins: csv_bins(&dir.join("saving_histogram.csv")),
            ..data
        };
        draw_both(dir, ("saving_histogram", lang), &mut out, |p, f| {
            distribution::draw(&hist, lang, p, f)
        })?;
    }
    let mut pv: Vec<f64> = t
        .column("claim.pv_saving_yuan_per_year.simulated")
        .into_iter()
        .flatten()
        .collect();
    if let (false, Some(claim)) = (pv.is_empty(), claimed(meta, "pv_saving_yuan_per_year")) {
        pv.sort_by(f64::total_cmp);
        let at = |p: f64| pv[((p * pv.len() as f64).ceil() as usize).clamp(1, pv.len()) - 1];
        let case = |en: &str, zh: &str, v: f64| pv_savings::PvCase {
            label: Text::Both {
                en: en.into(),
                zh: zh.into(),
            },
            saving_yuan_per_year: v,
        };
        let mut cases = vec![
            case("5th percentile", "P5", at(0.05)),
            case("Median", "中位数", at(0.5)),
            case("95th percentile", "P95", at(0.95)),
        ];
        if let Some(b) = base_case(meta, "pv_saving_yuan_per_year") {
            cases.insert(0, case("Base case", "基准情景", b));
        }
        let data = pv_savings::PvSavingsChart {
            cases,
            claim_yuan_per_year: claim,
        };
        draw_both(dir, ("pv_savings", lang), &mut out, |p, f| {
            pv_savings::draw(&data, lang, p, f)
        })?;
    }
    if let Some(data) = dir
        .parent()
        .and_then(|d| sensitivity_data(&d.join("sensitivity.csv")))
    {
        draw_both(dir, ("sensitivity", lang), &mut out, |p, f| {
            sensitivity::draw(&data, lang, p, f)
        })?;
    }
    let method = crate::sweep::sweep_method_of(meta);
    let keys: Vec<String> = meta
        .get("parameters")
        .and_then(|a| a.as_array())
        .map(|a| {
            a.iter()
                .filter_map(|v| v.as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default();
    let saving_col = t.column("claim.cost_reduction_fraction.simulated");
    let output = || Text::Both {
        en: "Park saving".into(),
        zh: "园区节省比例".into(),
    };
    if method == Some(crate::scenario::choice::SweepMethod::OneAtATime)
        && saving_col.first().copied().flatten().is_some()
    {
        let base_value = saving_col[0].unwrap_or(f64::NAN);
        let mut bars = Vec::new();
        for (j, k) in keys.iter().enumerate() {
            let (lo, hi) = (2 * j + 1, 2 * j + 2);
            let (Some(Some(a)), Some(Some(b))) = (saving_col.get(lo), saving_col.get(hi)) else {
                continue;
            };
            let cell = |i: usize| {
                let c = t.header.iter().position(|h| h == k);
                c.and_then(|c| t.rows.get(i).and_then(|r| r.get(c)).cloned())
                    .unwrap_or_default()
            };
            bars.push(tornado::TornadoBar {
                parameter: Text::Plain(k.clone()),
                low_text: cell(lo),
                high_text: cell(hi),
                output_at_low: *a,
                output_at_high: *b,
            });
        }
        if !bars.is_empty() {
            let data = tornado::TornadoChart {
                output: output(),
                unit: Unit::Fraction,
                base_value,
                bars,
            };
            draw_both(dir, ("tornado", lang), &mut out, |p, f| {
                tornado::draw(&data, lang, p, f)
            })?;
        }
    }
    if method == Some(crate::scenario::choice::SweepMethod::Grid) && keys.len() == 2 {
        let x = t.column(&keys[0]);
        let y = t.column(&keys[1]);
        let distinct = |v: &[Option<f64>]| {
            let mut d: Vec<f64> = Vec::new();
            for x in v.iter().flatten() {
                if !d.iter().any(|e| (e - x).abs() < 1e-12) {
                    d.push(*x);
                }
            }
            d
        };
        let (xs, ys) = (distinct(&x), distinct(&y));
        let (nx, ny) = (xs.len(), ys.len());
        // Grid rows: the first parameter varies slowest, so row ix × ny + iy is cell (ix, iy).
        let values: Option<Vec<f64>> = (0..nx * ny)
            .map(|c| saving_col.get((c % nx) * ny + c / nx).copied().flatten())
            .collect();
        if let (Some(values), true) = (values, nx * ny == t.rows.len() && nx > 0 && ny > 0) {
            let data = heatmap::HeatmapChart {
                output: output(),
                unit: Unit::Fraction,
                x_name: Text::Plain(keys[0].clone()),
                x_values: xs,
                y_name: Text::Plain(keys[1].clone()),
                y_values: ys,
                values,
                claim: claimed(meta, "cost_reduction_fraction").map(|threshold| {
                    heatmap::HeatClaim {
                        threshold,
                        at_least: true,
                    }
                }),
            };
            draw_both(dir, ("heatmap", lang), &mut out, |p, f| {
                heatmap::draw(&data, lang, p, f)
            })?;
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    #[test]
    fn chinese_labels_are_in_the_embedded_font() {
        for t in ["园区节省比例", "中位数", "P5", "P95"] {
            assert!(crate::report::charts::missing_glyphs(t).is_empty(), "{t}");
        }
    }
}

#[cfg(test)]
mod bin_tests {
    use super::*;

    #[test]
    fn the_histogram_csv_bins_are_read_back() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("saving_histogram.csv");
        std::fs::write(
            &p,
            "bin_low_fraction,bin_high_fraction,count\n0.1,0.11,3\n0.11,0.12,0\n0.12,0.125,9\n",
        )
        .unwrap();
        assert_eq!(
            csv_bins(&p),
            [(0.1, 0.11, 3), (0.11, 0.12, 0), (0.12, 0.125, 9)]
        );
        std::fs::write(&p, "bin_low_fraction,bin_high_fraction,count\n0.1,x,3\n").unwrap();
        assert!(csv_bins(&p).is_empty());
        assert!(csv_bins(&dir.path().join("missing.csv")).is_empty());
    }
}
