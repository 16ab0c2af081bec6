//! Global sensitivity of a random sweep (全局敏感性分析): for each parameter, one horizontal bar
//! per output giving its partial rank correlation coefficient (PRCC, −1 to 1) with the
//! bootstrap 95% interval as a whisker; the parameter with the largest |PRCC| on top. The
//! numbers are the sweep's `sensitivity.csv`; the chart computes none.
//!
//! # References
//! S. Marino et al., "A methodology for performing global uncertainty and sensitivity analysis
//! in systems biology," *J. Theor. Biol.*, vol. 254, pp. 178-196, 2008.
//! <https://doi.org/10.1016/j.jtbi.2008.04.011>

use super::{ChartError, Format, Label, Lang, Mark, Plot, Text, colour, size, text_style};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters_backend::text_anchor::{HPos, VPos};
use std::path::Path;

/// One output's indices.
#[derive(serde::Serialize, serde::Deserialize, Debug, Clone, PartialEq)]
pub struct SensitivityOutput {
    /// The output (e.g. "Park saving").
    pub label: Text,
    /// PRCC of each parameter, in the order of [`SensitivityChart::parameters`] [-].
    pub prcc: Vec<f64>,
    /// Bootstrap 95% interval of each PRCC, when there is one [-].
    pub ci95: Vec<Option<[f64; 2]>>,
}

/// Data of the sensitivity chart.
#[derive(serde::Serialize, serde::Deserialize, Debug, Clone, PartialEq)]
pub struct SensitivityChart {
    /// The parameters (scenario keys).
    pub parameters: Vec<Text>,
    /// The outputs, one bar colour each.
    pub outputs: Vec<SensitivityOutput>,
    /// Number of samples behind the indices.
    pub samples: usize,
}

/// Draw the sensitivity chart to `path` in `format` with text in `lang`.
///
/// # Errors
/// [`ChartError::InvalidData`] for no parameter or output, a length mismatch, a PRCC outside
/// −1..=1 or not finite, and drawing or file errors.
pub fn draw(
    data: &SensitivityChart,
    lang: Lang,
    path: &Path,
    format: Format,
) -> Result<(), ChartError> {
    super::check_non_empty("parameters", &data.parameters)?;
    super::check_non_empty("outputs", &data.outputs)?;
    for (k, o) in data.outputs.iter().enumerate() {
        if o.prcc.len() != data.parameters.len() || o.ci95.len() != data.parameters.len() {
            return Err(super::invalid(
                format!("outputs[{k}].prcc"),
                o.prcc.len(),
                "must hold one value per parameter",
            ));
        }
        for (j, v) in o.prcc.iter().enumerate() {
            if !(v.is_finite() && (-1.0..=1.0).contains(v)) {
                return Err(super::invalid(
                    format!("outputs[{k}].prcc[{j}]"),
                    v,
                    "must be a correlation in -1..=1",
                ));
            }
        }
    }
    super::render(&(data, lang), path, format)
}

/// Parameter indices by their largest |PRCC| over the outputs, smallest first (drawn bottom
/// to top).
fn order(data: &SensitivityChart) -> Vec<usize> {
    let strength = |j: usize| {
        data.outputs
            .iter()
            .map(|o| o.prcc[j].abs())
            .fold(0.0, f64::max)
    };
    let mut v: Vec<usize> = (0..data.parameters.len()).collect();
    v.sort_by(|&a, &b| strength(a).total_cmp(&strength(b)).then(b.cmp(&a)));
    v
}

impl Plot for (&SensitivityChart, Lang) {
    fn plot<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), ChartError> {
        let (data, lang) = *self;
        let entries: Vec<(String, Mark)> = data
            .outputs
            .iter()
            .enumerate()
            .map(|(k, o)| {
                (
                    o.label.get(lang).into_owned(),
                    Mark::Box(colour::SERIES[k % colour::SERIES.len()].mix(0.9)),
                )
            })
            .collect();
        let title = Label::SensitivityTitle.fill(lang, &[&data.samples.to_string()]);
        let area = super::frame(root, &title, &entries)?;
        let rows = order(data);
        let n = rows.len();
        let names: Vec<String> = rows
            .iter()
            .map(|&j| data.parameters[j].get(lang).into_owned())
            .collect();
        let name_w = names
            .iter()
            .map(|s| super::text_backend::text_size(s, size::TICK).0)
            .max()
            .unwrap_or(0);
        let mut chart = ChartBuilder::on(&area)
            .margin(16)
            .margin_right(30)
            .x_label_area_size(60)
            .y_label_area_size(name_w + 24)
            // Room beyond ±1 for the value texts of the longest bars.
            .build_cartesian_2d(-1.16..1.16, -0.5..(n as f64 - 0.5))?;
        chart
            .configure_mesh()
            .disable_y_mesh()
            .y_labels(n)
            .y_label_formatter(&super::category_ticks(names))
            .x_labels(11)
            .x_label_formatter(&|x: &f64| {
                if x.abs() > 1.0 + 1e-9 {
                    String::new()
                } else {
                    format!("{x:.1}").replace('-', "−")
                }
            })
            .x_desc(Label::PrccAxis.text(lang))
            .label_style(("sans-serif", size::TICK))
            .axis_desc_style(("sans-serif", size::AXIS_DESC))
            .bold_line_style(RGBColor(225, 225, 225))
            .light_line_style(TRANSPARENT)
            .draw()?;
        let m = data.outputs.len() as f64;
        let band = 0.8 / m;
        for (row, &j) in rows.iter().enumerate() {
            for (k, o) in data.outputs.iter().enumerate() {
                let c = colour::SERIES[k % colour::SERIES.len()];
                // Outputs from top to bottom inside the parameter's row, in legend order.
                let y = row as f64 + 0.4 - band * (k as f64 + 0.5);
                let v = o.prcc[j];
                chart.draw_series(std::iter::once(Rectangle::new(
                    [(0.0, y - band * 0.4), (v, y + band * 0.4)],
                    c.mix(0.9).filled(),
                )))?;
                if let Some([lo, hi]) = o.ci95[j] {
                    let (lo, hi) = (lo.clamp(-1.0, 1.0), hi.clamp(-1.0, 1.0));
                    chart.draw_series(std::iter::once(PathElement::new(
                        vec![(lo, y), (hi, y)],
                        colour::INK.stroke_width(2),
                    )))?;
                    for e in [lo, hi] {
                        chart.draw_series(std::iter::once(PathElement::new(
                            vec![(e, y - band * 0.2), (e, y + band * 0.2)],
                            colour::INK.stroke_width(2),
                        )))?;
                    }
                }
                let (h, dx, at) = if v >= 0.0 {
                    (HPos::Left, 8, o.ci95[j].map_or(v, |c| c[1].max(v)))
                } else {
                    (HPos::Right, -8, o.ci95[j].map_or(v, |c| c[0].min(v)))
                };
                chart.draw_series(std::iter::once(
                    EmptyElement::at((at.clamp(-1.0, 1.0), y))
                        + plotters::element::Text::new(
                            format!("{v:+.2}").replace('-', "−"),
                            (dx, 0),
                            text_style(size::NOTE, colour::INK, h, VPos::Center),
                        ),
                ))?;
            }
        }
        chart.draw_series(std::iter::once(PathElement::new(
            vec![(0.0, -0.5), (0.0, n as f64 - 0.5)],
            colour::INK.stroke_width(2),
        )))?;
        Ok(())
    }
}

/// Sample data for tests: two claims and four parameters.
#[cfg(test)]
pub(crate) fn sample() -> SensitivityChart {
    SensitivityChart {
        parameters: vec![
            "pv.emc_discount_fraction".into(),
            "scenario.load_growth_fraction".into(),
            "market.wholesale_discount_fraction".into(),
            "storage.capex_yuan_per_kwh".into(),
        ],
        outputs: vec![
            SensitivityOutput {
                label: Label::ParkSaving.into(),
                prcc: vec![0.71, -0.70, 0.55, 0.02],
                ci95: vec![
                    Some([0.64, 0.77]),
                    Some([-0.76, -0.62]),
                    Some([0.45, 0.63]),
                    Some([-0.12, 0.15]),
                ],
            },
            SensitivityOutput {
                label: Label::PvSaving.into(),
                prcc: vec![0.998, 0.91, 0.0, 0.19],
                ci95: vec![Some([0.997, 0.999]), Some([0.88, 0.93]), None, None],
            },
        ],
        samples: 200,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_in_both_languages_and_formats() {
        let d = sample();
        super::super::test_util::check_renders("sensitivity", &d, draw, |l| {
            Label::SensitivityTitle.fill(l, &["200"])
        });
    }

    #[test]
    fn strongest_parameter_is_drawn_last_that_is_on_top() {
        assert_eq!(order(&sample()), vec![3, 2, 1, 0]);
    }

    #[test]
    fn a_prcc_outside_minus_one_to_one_is_refused() {
        let mut d = sample();
        d.outputs[0].prcc[1] = 1.2;
        let dir = tempfile::tempdir().unwrap();
        let e = draw(&d, Lang::En, &dir.path().join("s.svg"), Format::Svg).unwrap_err();
        assert!(e.to_string().contains("outputs[0].prcc[1]"), "{e}");
    }
}
