//! `report.html` of a sweep (参数扫描报告): the probability that each claim holds over the
//! samples, its percentiles, and the sweep's charts (distribution and CDF of the park saving,
//! PV saving against the claim, global sensitivity, tornado, heat map) inlined as SVG. Read from the sweep's own
//! outputs (`sweep-summary.json` and the charts just drawn); nothing is recomputed.

use super::{HtmlReportError, grouped, words};
use crate::report::charts::{self, Format, Lang};
use serde::Serialize;
use std::path::Path;

/// The sweep's charts, in page order (file stems of `charts/`).
const CHARTS: [&str; 6] = [
    "saving_histogram",
    "saving_cdf",
    "pv_savings",
    "sensitivity",
    "tornado",
    "heatmap",
];

/// A claim's statistics as shown.
#[derive(Debug, Serialize)]
struct ClaimRow {
    key: String,
    claimed: String,
    probability: String,
    p05: String,
    p50: String,
    p95: String,
    mean: String,
}

/// A claim's Sobol indices for one parameter, as shown.
#[derive(Debug, Serialize)]
struct SobolRow {
    claim: String,
    parameter: String,
    first: String,
    total: String,
}

#[derive(Debug, Serialize)]
struct SweepPage {
    lang: &'static str,
    t: std::collections::BTreeMap<&'static str, &'static str>,
    scenario: String,
    method: String,
    samples: u64,
    parameters: Vec<String>,
    claims: Vec<ClaimRow>,
    sobol: Vec<SobolRow>,
    charts: Vec<String>,
    font_css: String,
}

/// The page template of a sweep.
const TEMPLATE: &str = include_str!("sweep.html.j2");

/// A claim value in its unit: a fraction in %, an amount in yuan/yr (万元/年 in Chinese).
fn value(key: &str, x: f64, lang: Lang) -> String {
    super::page::claim_value_text(key, x, lang, false)
}

/// The claims' Sobol indices of a `sobol` sweep (`sweep-summary.json`'s `sobol`): an index with
/// its bootstrap interval, to 0.01.
fn sobol_rows(s: &serde_json::Value) -> Vec<SobolRow> {
    let text = |ix: &serde_json::Value, k: &str| {
        let v = ix.get(k).and_then(serde_json::Value::as_f64);
        let ci = ix
            .get(format!("{k}_ci95"))
            .and_then(serde_json::Value::as_array);
        match (
            v,
            ci.and_then(|c| Some((c.first()?.as_f64()?, c.get(1)?.as_f64()?))),
        ) {
            (Some(v), Some((lo, hi))) => format!("{v:.2} ({lo:.2} – {hi:.2})"),
            (Some(v), None) => format!("{v:.2}"),
            _ => String::new(),
        }
    };
    let outputs = s
        .pointer("/sobol/outputs")
        .and_then(serde_json::Value::as_array)
        .cloned()
        .unwrap_or_default();
    let mut rows = Vec::new();
    for o in &outputs {
        let name = o.get("output").and_then(|x| x.as_str()).unwrap_or("");
        let Some(claim) = name
            .strip_prefix("claim.")
            .and_then(|c| c.strip_suffix(".simulated"))
        else {
            continue;
        };
        for p in o
            .get("parameters")
            .and_then(serde_json::Value::as_array)
            .into_iter()
            .flatten()
        {
            rows.push(SobolRow {
                claim: claim.to_string(),
                parameter: p.get("key").and_then(|x| x.as_str()).unwrap_or("").into(),
                first: text(p, "first_order"),
                total: text(p, "total"),
            });
        }
    }
    rows
}

/// The page of the finished sweep in `dir`, whose charts were drawn in `lang`.
///
/// # Errors
/// [`HtmlReportError::Input`] when `sweep-summary.json` cannot be read, and template errors.
pub fn page_html(dir: &Path, lang: Lang) -> Result<String, HtmlReportError> {
    let path = dir.join("sweep-summary.json");
    let text = std::fs::read_to_string(&path)
        .map_err(|e| HtmlReportError::Input(format!("{}: {e}", path.display())))?;
    let s: serde_json::Value = serde_json::from_str(&text)
        .map_err(|e| HtmlReportError::Input(format!("{}: {e}", path.display())))?;
    let num =
        |v: &serde_json::Value, k: &str| v.get(k).and_then(|x| x.as_f64()).unwrap_or(f64::NAN);
    let claims = s
        .get("claims")
        .and_then(|c| c.as_array())
        .map(|a| {
            a.iter()
                .map(|c| {
                    let key = c
                        .get("key")
                        .and_then(|k| k.as_str())
                        .unwrap_or("")
                        .to_string();
                    ClaimRow {
                        claimed: value(&key, num(c, "claimed"), lang),
                        probability: {
                            let ci = c.get("probability_ci95_wilson");
                            let end = |i: usize| {
                                ci.and_then(|v| v.get(i))
                                    .and_then(serde_json::Value::as_f64)
                            };
                            match (end(0), end(1)) {
                                (Some(lo), Some(hi)) => format!(
                                    "{}% ({}-{}%)",
                                    grouped(num(c, "probability_holds") * 100.0, 1),
                                    grouped(lo * 100.0, 0),
                                    grouped(hi * 100.0, 0)
                                ),
                                _ => {
                                    format!("{}%", grouped(num(c, "probability_holds") * 100.0, 1))
                                }
                            }
                        },
                        p05: value(&key, num(c, "p05"), lang),
                        p50: value(&key, num(c, "p50"), lang),
                        p95: value(&key, num(c, "p95"), lang),
                        mean: value(&key, num(c, "mean"), lang),
                        key,
                    }
                })
                .collect()
        })
        .unwrap_or_default();
    let sobol = sobol_rows(&s);
    let mut charts_svg = Vec::new();
    for stem in CHARTS {
        let p = dir
            .join("charts")
            .join(charts::file_name(stem, lang, Format::Svg));
        if let Ok(svg) = std::fs::read_to_string(&p) {
            let start = svg.find("<svg").unwrap_or(0);
            let svg = &svg[start..];
            let svg = if svg[..svg.find('>').unwrap_or(0)].contains("viewBox") {
                svg.to_string()
            } else {
                svg.replacen(
                    "<svg",
                    &format!(
                        "<svg viewBox=\"0 0 {} {}\"",
                        charts::WIDTH_PX,
                        charts::HEIGHT_PX
                    ),
                    1,
                )
            };
            charts_svg.push(svg);
        }
    }
    let page = SweepPage {
        lang: if lang == Lang::Zh { "zh" } else { "en" },
        t: words::words(lang),
        scenario: s
            .get("scenario")
            .and_then(|x| x.as_str())
            .unwrap_or("")
            .into(),
        method: s
            .get("method")
            .and_then(|x| x.as_str())
            .unwrap_or("")
            .into(),
        samples: s.get("samples").and_then(|x| x.as_u64()).unwrap_or(0),
        parameters: s
            .get("parameters")
            .and_then(|x| x.as_array())
            .map(|a| {
                a.iter()
                    .filter_map(|p| p.as_str().map(String::from))
                    .collect()
            })
            .unwrap_or_default(),
        claims,
        sobol,
        charts: charts_svg,
        font_css: super::FONT_SLOT.to_string(),
    };
    let mut env = minijinja::Environment::new();
    env.set_auto_escape_callback(|_| minijinja::AutoEscape::Html);
    env.add_template("sweep.html", TEMPLATE)?;
    super::embed_font(
        &env.get_template("sweep.html")?
            .render(minijinja::context! { p => page, css => super::CSS })?,
    )
}
