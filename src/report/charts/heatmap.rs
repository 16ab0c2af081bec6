//! Two-parameter map (双参数分析): a grid of an output over two swept parameters, coloured on a
//! viridis scale with a colour bar, the border of the region where the claim holds drawn as a
//! contour along the cell edges and its cells marked with dots.

use super::{ChartError, Format, Label, Lang, Mark, Plot, Text, Unit, colour, size, text_style};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters_backend::text_anchor::{HPos, VPos};
use std::path::Path;

/// Where the claim holds: at or above (or at or below) a threshold of the output.
#[derive(serde::Serialize, serde::Deserialize, Debug, Clone, Copy, PartialEq)]
pub struct HeatClaim {
    /// The claimed value [unit of the chart].
    pub threshold: f64,
    /// True when the claim holds for values at or above the threshold, false for at or below.
    pub at_least: bool,
}

impl HeatClaim {
    fn holds(&self, v: f64) -> bool {
        if self.at_least {
            v >= self.threshold
        } else {
            v <= self.threshold
        }
    }
}

/// Data of the heat map.
#[derive(serde::Serialize, serde::Deserialize, Debug, Clone, PartialEq)]
pub struct HeatmapChart {
    /// The output shown by colour (e.g. `Label::ParkSaving`).
    pub output: Text,
    /// Unit of the output values.
    pub unit: Unit,
    /// The parameter on x, with its unit in the text (e.g. `pv.capacity_kw`).
    pub x_name: Text,
    /// The x parameter's values, one per column, in drawing order.
    pub x_values: Vec<f64>,
    /// The parameter on y.
    pub y_name: Text,
    /// The y parameter's values, one per row, bottom to top.
    pub y_values: Vec<f64>,
    /// The output per cell, row by row: `values[iy * x_values.len() + ix]` [unit].
    pub values: Vec<f64>,
    /// The claim, if any.
    pub claim: Option<HeatClaim>,
}

/// Draw the heat map to `path` in `format` with text in `lang`.
///
/// # Errors
/// [`ChartError::InvalidData`] for an empty axis, a value count that is not the product of the
/// axis lengths, or a non-finite number; and drawing or file errors.
pub fn draw(
    data: &HeatmapChart,
    lang: Lang,
    path: &Path,
    format: Format,
) -> Result<(), ChartError> {
    super::check_non_empty("x_values", &data.x_values)?;
    super::check_non_empty("y_values", &data.y_values)?;
    let cells = data.x_values.len() * data.y_values.len();
    if data.values.len() != cells {
        return Err(super::invalid(
            "values",
            format!("{} values", data.values.len()),
            &format!("must hold x_values.len() × y_values.len() = {cells}"),
        ));
    }
    super::check_all_finite("x_values", &data.x_values, "parameter unit")?;
    super::check_all_finite("y_values", &data.y_values, "parameter unit")?;
    super::check_all_finite("values", &data.values, "unit of the chart")?;
    if let Some(c) = data.claim {
        super::check_finite("claim.threshold", c.threshold, "unit of the chart")?;
    }
    super::render(&(data, lang), path, format)
}

/// The viridis colour map at `t` in 0..=1 (9 stops, linear between them).
pub(crate) fn viridis(t: f64) -> RGBColor {
    const STOPS: [(u8, u8, u8); 9] = [
        (68, 1, 84),
        (71, 44, 122),
        (59, 81, 139),
        (44, 113, 142),
        (33, 144, 141),
        (39, 173, 129),
        (92, 200, 99),
        (170, 220, 50),
        (253, 231, 37),
    ];
    let x = t.clamp(0.0, 1.0) * 8.0;
    let i = (x.floor() as usize).min(7);
    let f = x - i as f64;
    let (a, b) = (STOPS[i], STOPS[i + 1]);
    let mix = |p: u8, q: u8| (p as f64 + (q as f64 - p as f64) * f).round() as u8;
    RGBColor(mix(a.0, b.0), mix(a.1, b.1), mix(a.2, b.2))
}

/// A parameter value as a short text: integers grouped, others with up to 3 decimals.
fn plain(v: f64) -> String {
    if (v - v.round()).abs() < 1e-9 {
        super::group(v, 0)
    } else {
        let s = format!("{v:.3}");
        s.trim_end_matches('0').to_string()
    }
}

impl Plot for (&HeatmapChart, Lang) {
    fn plot<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), ChartError> {
        let (data, lang) = *self;
        let output = data.output.get(lang);
        let mut entries = vec![];
        if let Some(c) = data.claim {
            let sign = if c.at_least { "≥" } else { "≤" };
            let text = format!(
                "{} ({sign} {})",
                Label::ClaimHolds.text(lang),
                data.unit.format(c.threshold, lang)
            );
            entries.push((text, Mark::Line(colour::CLAIM)));
        }
        let title = Label::HeatmapTitle.fill(lang, &[&super::capitalise(&output)]);
        let area = super::frame(root, &title, &entries)?;
        let (w, _) = area.dim_in_pixel();
        let (main, bar) = area.split_horizontally(w - 150);
        let (vmin, vmax) = super::min_max(data.values.iter().copied());
        let span = if vmax > vmin { vmax - vmin } else { 1.0 };
        let t = |v: f64| (v - vmin) / span;
        let (nx, ny) = (data.x_values.len(), data.y_values.len());
        let xs: Vec<String> = data.x_values.iter().map(|v| plain(*v)).collect();
        let ys: Vec<String> = data.y_values.iter().map(|v| plain(*v)).collect();
        let y_w = ys
            .iter()
            .map(|s| super::text_backend::text_size(s, size::TICK).0)
            .max()
            .unwrap_or(0);
        let mut chart = ChartBuilder::on(&main)
            .margin(16)
            .x_label_area_size(60)
            .y_label_area_size(y_w + 50)
            .build_cartesian_2d(-0.5..(nx as f64 - 0.5), -0.5..(ny as f64 - 0.5))?;
        chart
            .configure_mesh()
            .disable_mesh()
            .x_labels(nx)
            .x_label_formatter(&super::category_ticks(xs))
            .y_labels(ny)
            .y_label_formatter(&super::category_ticks(ys))
            .x_desc(data.x_name.get(lang))
            .y_desc(data.y_name.get(lang))
            .label_style(("sans-serif", size::TICK))
            .axis_desc_style(("sans-serif", size::AXIS_DESC))
            .draw()?;
        let value = |ix: usize, iy: usize| data.values[iy * nx + ix];
        chart.draw_series((0..ny).flat_map(|iy| (0..nx).map(move |ix| (ix, iy))).map(
            |(ix, iy)| {
                let (x, y) = (ix as f64, iy as f64);
                Rectangle::new(
                    [(x - 0.5, y - 0.5), (x + 0.5, y + 0.5)],
                    viridis(t(value(ix, iy))).filled(),
                )
            },
        ))?;
        // Values in the cells when they fit.
        let (pw, ph) = chart.plotting_area().dim_in_pixel();
        let cell_w = pw as f64 / nx as f64;
        let sample_text = data.unit.short(vmax, lang);
        let fits = cell_w > super::text_backend::text_size(&sample_text, size::NOTE).0 as f64 + 8.0
            && ph as f64 / ny as f64 > 24.0;
        if fits {
            for iy in 0..ny {
                for ix in 0..nx {
                    let v = value(ix, iy);
                    let ink = if t(v) > 0.6 { colour::INK } else { WHITE };
                    let style = text_style(size::NOTE, ink, HPos::Center, VPos::Center);
                    chart.draw_series(std::iter::once(plotters::element::Text::new(
                        data.unit.short(v, lang),
                        (ix as f64, iy as f64),
                        style,
                    )))?;
                }
            }
        }
        if let Some(c) = data.claim {
            let holds = |ix: usize, iy: usize| c.holds(value(ix, iy));
            chart.draw_series(
                contour(nx, ny, &holds)
                    .into_iter()
                    .map(|seg| PathElement::new(vec![seg.0, seg.1], colour::CLAIM.stroke_width(4))),
            )?;
            let corner = (0.36, 0.30);
            chart.draw_series(
                (0..ny)
                    .flat_map(|iy| (0..nx).map(move |ix| (ix, iy)))
                    .filter(|(ix, iy)| holds(*ix, *iy))
                    .map(|(ix, iy)| {
                        Circle::new(
                            (ix as f64 + corner.0, iy as f64 + corner.1),
                            4,
                            colour::CLAIM.filled(),
                        )
                    }),
            )?;
        }
        colour_bar(&bar, vmin, vmax, data.unit, lang)
    }
}

/// Cell edges between cells where the claim holds and cells where it does not.
fn contour(
    nx: usize,
    ny: usize,
    holds: &dyn Fn(usize, usize) -> bool,
) -> Vec<((f64, f64), (f64, f64))> {
    let mut out = vec![];
    for iy in 0..ny {
        for ix in 0..nx {
            let (x, y) = (ix as f64, iy as f64);
            if ix + 1 < nx && holds(ix, iy) != holds(ix + 1, iy) {
                out.push(((x + 0.5, y - 0.5), (x + 0.5, y + 0.5)));
            }
            if iy + 1 < ny && holds(ix, iy) != holds(ix, iy + 1) {
                out.push(((x - 0.5, y + 0.5), (x + 0.5, y + 0.5)));
            }
        }
    }
    out
}

/// The colour bar: the scale from `vmin` to `vmax` with ticks in the unit.
fn colour_bar<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    vmin: f64,
    vmax: f64,
    unit: Unit,
    lang: Lang,
) -> Result<(), ChartError> {
    let (lo, hi) = if vmax > vmin {
        (vmin, vmax)
    } else {
        (vmin - 0.5, vmax + 0.5)
    };
    let dec = unit.decimals_for_span(lo, hi, lang);
    let mut chart = ChartBuilder::on(area)
        .margin_top(16)
        .margin_bottom(76)
        .margin_left(10)
        .margin_right(10)
        .right_y_label_area_size(80)
        .build_cartesian_2d(0.0..1.0, lo..hi)?;
    chart
        .configure_mesh()
        .disable_mesh()
        .disable_x_axis()
        .y_labels(8)
        .y_label_formatter(&|v| unit.number(*v, lang, dec))
        .y_desc(unit.caption(lang))
        .label_style(("sans-serif", size::TICK))
        .axis_desc_style(("sans-serif", size::AXIS_DESC))
        .draw()?;
    let n = 120;
    chart.draw_series((0..n).map(|i| {
        let a = lo + (hi - lo) * i as f64 / n as f64;
        let b = lo + (hi - lo) * (i + 1) as f64 / n as f64;
        Rectangle::new(
            [(0.0, a), (1.0, b)],
            viridis((i as f64 + 0.5) / n as f64).filled(),
        )
    }))?;
    Ok(())
}

/// Sample data for tests: park saving over PV capacity and market discount, claim ≥ 15%.
#[cfg(test)]
pub(crate) fn sample() -> HeatmapChart {
    let x_values: Vec<f64> = (0..7).map(|i| 1000.0 * (i + 1) as f64).collect();
    let y_values: Vec<f64> = (0..6).map(|i| 0.01 * i as f64).collect();
    let values = y_values
        .iter()
        .flat_map(|d| {
            x_values
                .iter()
                .map(move |pv| 0.07 + 0.000011 * pv + 1.6 * d)
        })
        .collect();
    HeatmapChart {
        output: Label::ParkSaving.into(),
        unit: Unit::Fraction,
        x_name: "pv.capacity_kw [kW]".into(),
        x_values,
        y_name: "market.discount_per_kwh [yuan/kWh]".into(),
        y_values,
        values,
        claim: Some(HeatClaim {
            threshold: 0.15,
            at_least: true,
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_in_both_languages_and_formats() {
        let d = sample();
        super::super::test_util::check_renders("heatmap", &d, draw, |l| {
            Label::HeatmapTitle.fill(l, &[&super::super::capitalise(&d.output.get(l))])
        });
    }

    #[test]
    fn contour_separates_holding_cells() {
        // 2 × 2 grid where only the top-right cell holds: two edges around it.
        let holds = |ix: usize, iy: usize| ix == 1 && iy == 1;
        let c = contour(2, 2, &holds);
        assert_eq!(c, vec![((0.5, 0.5), (1.5, 0.5)), ((0.5, 0.5), (0.5, 1.5))]);
    }

    #[test]
    fn viridis_ends_and_rejects_wrong_cell_count() {
        assert_eq!(viridis(0.0), RGBColor(68, 1, 84));
        assert_eq!(viridis(1.0), RGBColor(253, 231, 37));
        assert_eq!(viridis(0.5), RGBColor(33, 144, 141));
        let mut d = sample();
        d.values.pop();
        let e = draw(
            &d,
            Lang::En,
            &tempfile::tempdir().unwrap().path().join("h.png"),
            Format::Png,
        )
        .unwrap_err();
        assert!(e.to_string().contains("= 42"), "{e}");
    }
}
