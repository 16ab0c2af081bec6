//! Savings waterfall (节省瀑布图): from the baseline park bill, one floating bar per measure
//! step, down to the bill with all measures, against the claimed reduction.

use super::{
    ChartError, Format, Label, Lang, Mark, Plot, Text, Unit, category_ticks, check_finite, colour,
    frame, size, text_style,
};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters_backend::text_anchor::{HPos, VPos};
use std::path::Path;

/// One measure step of the waterfall.
#[derive(serde::Serialize, serde::Deserialize, Debug, Clone, PartialEq)]
pub struct WaterfallStep {
    /// The measure (e.g. `Label::Tariff`).
    pub label: Text,
    /// Yearly saving of the step, positive when the bill falls [yuan/yr].
    pub saving_yuan: f64,
}

/// Data of the savings waterfall.
#[derive(serde::Serialize, serde::Deserialize, Debug, Clone, PartialEq)]
pub struct WaterfallChart {
    /// Yearly park bill with no measure (基准电费) [yuan/yr].
    pub baseline_bill_yuan: f64,
    /// The measure steps in order of application.
    pub steps: Vec<WaterfallStep>,
    /// Yearly park bill with all measures (全部措施) [yuan/yr]. When it differs from the baseline
    /// less the steps by more than 0.1% of the baseline, an "interaction" step closes the gap.
    pub all_measures_bill_yuan: f64,
    /// The claimed reduction of the bill, e.g. 0.15 [fraction].
    pub claim_reduction_fraction: f64,
    /// The same stack under other tariff versions (`claims.tariff_versions`): (version, saving
    /// of all measures against that version's baseline [fraction]), noted in the legend.
    #[serde(default)]
    pub other_tariffs: Vec<(String, f64)>,
}

/// Draw the savings waterfall to `path` in `format` with text in `lang`.
///
/// # Errors
/// [`ChartError::InvalidData`] for a non-finite number or a claim outside 0..1, and drawing or
/// file errors.
pub fn draw(
    data: &WaterfallChart,
    lang: Lang,
    path: &Path,
    format: Format,
) -> Result<(), ChartError> {
    check_finite("baseline_bill_yuan", data.baseline_bill_yuan, "yuan/yr")?;
    check_finite(
        "all_measures_bill_yuan",
        data.all_measures_bill_yuan,
        "yuan/yr",
    )?;
    for (i, s) in data.steps.iter().enumerate() {
        check_finite(format!("steps[{i}].saving_yuan"), s.saving_yuan, "yuan/yr")?;
    }
    for (i, (_, x)) in data.other_tariffs.iter().enumerate() {
        check_finite(format!("other_tariffs[{i}]"), *x, "fraction")?;
    }
    let c = data.claim_reduction_fraction;
    if !(0.0..1.0).contains(&c) {
        return Err(super::invalid(
            "claim_reduction_fraction",
            c,
            "must be in 0..1 [fraction]",
        ));
    }
    super::render(&(data, lang), path, format)
}

/// A bar of the waterfall: label, bottom and top [yuan/yr], kind.
struct Bar {
    label: String,
    from: f64,
    to: f64,
    total: bool,
}

/// The bars: baseline, each step, interaction if needed, all measures.
fn bars(data: &WaterfallChart, lang: Lang) -> Vec<Bar> {
    let mut out = vec![Bar {
        label: Label::Baseline.text(lang).into(),
        from: 0.0,
        to: data.baseline_bill_yuan,
        total: true,
    }];
    let mut level = data.baseline_bill_yuan;
    for s in &data.steps {
        out.push(Bar {
            label: s.label.get(lang).into(),
            from: level,
            to: level - s.saving_yuan,
            total: false,
        });
        level -= s.saving_yuan;
    }
    let residual = level - data.all_measures_bill_yuan;
    if residual.abs() > 1e-3 * data.baseline_bill_yuan.abs() {
        out.push(Bar {
            label: Label::Interaction.text(lang).into(),
            from: level,
            to: data.all_measures_bill_yuan,
            total: false,
        });
    }
    out.push(Bar {
        label: Label::AllMeasures.text(lang).into(),
        from: 0.0,
        to: data.all_measures_bill_yuan,
        total: true,
    });
    out
}

impl Plot for (&WaterfallChart, Lang) {
    fn plot<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), ChartError> {
        let (data, lang) = *self;
        let bars = bars(data, lang);
        let claim_level = data.baseline_bill_yuan * (1.0 - data.claim_reduction_fraction);
        let claim_text = Label::ClaimReduction.fill(
            lang,
            &[
                &super::percent(data.claim_reduction_fraction, 0),
                &Unit::YuanPerYear.format(claim_level, lang),
            ],
        );
        let entries = vec![
            (
                Label::ParkBill.text(lang).to_string(),
                Mark::Box(colour::BLUE.mix(0.85)),
            ),
            (
                Label::Saving.text(lang).to_string(),
                Mark::Box(colour::GREEN.mix(0.85)),
            ),
            (
                Label::Increase.text(lang).to_string(),
                Mark::Box(colour::VERMILLION.mix(0.85)),
            ),
            (claim_text, Mark::Dashed(colour::CLAIM)),
        ];
        let mut entries = entries;
        for (version, fraction) in &data.other_tariffs {
            entries.push((
                Label::UnderTariff.fill(lang, &[version, &super::percent(*fraction, 2)]),
                Mark::Note,
            ));
        }
        let area = frame(root, Label::WaterfallTitle.text(lang), &entries)?;
        let top = bars.iter().map(|b| b.from.max(b.to)).fold(0.0, f64::max) * 1.1;
        let bottom = bars.iter().map(|b| b.from.min(b.to)).fold(0.0, f64::min);
        let n = bars.len();
        let unit = Unit::YuanPerYear;
        let dec = unit.decimals_for_span(bottom, top, lang);
        let mut chart = ChartBuilder::on(&area)
            .margin(16)
            .margin_right(30)
            .x_label_area_size(50)
            .y_label_area_size(95)
            .build_cartesian_2d(-0.5..(n as f64 - 0.5), bottom..top.max(1.0))?;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .x_labels(n)
            .x_label_formatter(&category_ticks(
                bars.iter().map(|b| b.label.clone()).collect(),
            ))
            .y_labels(8)
            .y_label_formatter(&|v| unit.number(*v, lang, dec))
            .y_desc(super::with_unit(
                Label::ParkBill.text(lang),
                unit.caption(lang),
            ))
            .label_style(("sans-serif", size::TICK))
            .axis_desc_style(("sans-serif", size::AXIS_DESC))
            .bold_line_style(RGBColor(225, 225, 225))
            .light_line_style(TRANSPARENT)
            .draw()?;
        let note = text_style(size::NOTE, colour::INK, HPos::Center, VPos::Bottom);
        for (i, b) in bars.iter().enumerate() {
            let x = i as f64;
            let fill = if b.total {
                colour::BLUE.mix(0.85)
            } else if b.to <= b.from {
                colour::GREEN.mix(0.85)
            } else {
                colour::VERMILLION.mix(0.85)
            };
            chart.draw_series(std::iter::once(Rectangle::new(
                [(x - 0.32, b.from), (x + 0.32, b.to)],
                fill.filled(),
            )))?;
            // Numbers in the axis unit, which the y caption names.
            let text = if b.total {
                unit.short(b.to, lang)
            } else {
                let d = b.from - b.to;
                let sign = if d >= 0.0 { "−" } else { "+" };
                format!(
                    "{sign}{} ({sign}{})",
                    unit.short(d.abs(), lang),
                    super::percent(d.abs() / data.baseline_bill_yuan.abs().max(1.0), 1)
                )
            };
            let y = b.from.max(b.to);
            chart.draw_series(std::iter::once(
                EmptyElement::at((x, y))
                    + plotters::element::Text::new(text, (0, -6), note.clone()),
            ))?;
            if i + 1 < n {
                // Connector from this bar's end level to the next bar.
                let level = b.to;
                chart.draw_series(std::iter::once(PathElement::new(
                    vec![(x + 0.32, level), (x + 0.68, level)],
                    colour::GREY.stroke_width(1),
                )))?;
            }
        }
        chart.draw_series(DashedLineSeries::new(
            vec![(-0.5, claim_level), (n as f64 - 0.5, claim_level)],
            12,
            8,
            colour::CLAIM.stroke_width(3),
        ))?;
        Ok(())
    }
}

/// Sample data for tests and examples: a park bill of 56.4 million yuan/yr.
#[cfg(test)]
pub(crate) fn sample() -> WaterfallChart {
    let step = |l: Label, s: f64| WaterfallStep {
        label: l.into(),
        saving_yuan: s,
    };
    WaterfallChart {
        baseline_bill_yuan: 56.4e6,
        steps: vec![
            step(Label::Tariff, 1.9e6),
            step(Label::Market, 2.6e6),
            step(Label::Pv, 3.4e6),
            step(Label::Storage, 1.1e6),
        ],
        all_measures_bill_yuan: 47.9e6,
        claim_reduction_fraction: 0.15,
        other_tariffs: vec![("hunan-2023".into(), 0.1574)],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_in_both_languages_and_formats() {
        super::super::test_util::check_renders("waterfall", &sample(), draw, |l| {
            Label::WaterfallTitle.text(l).to_string()
        });
    }

    #[test]
    fn a_gap_between_steps_and_total_becomes_an_interaction_bar() {
        let d = sample();
        let b = bars(&d, Lang::En);
        // 56.4 − 9.0 = 47.4 ≠ 47.9: baseline, 4 steps, interaction (+0.5 M), total.
        assert_eq!(b.len(), 7);
        assert_eq!(b[5].label, "Interaction");
        approx::assert_relative_eq!(b[5].to - b[5].from, 0.5e6, max_relative = 1e-9);
        let mut exact = d.clone();
        exact.all_measures_bill_yuan = 47.4e6;
        assert_eq!(bars(&exact, Lang::Zh).len(), 6);
        assert_eq!(bars(&exact, Lang::Zh)[5].label, "全部措施");
    }

    #[test]
    fn rejects_nan_and_bad_claim() {
        let dir = tempfile::tempdir().unwrap();
        let mut d = sample();
        d.steps[1].saving_yuan = f64::NAN;
        let e = draw(&d, Lang::En, &dir.path().join("w.png"), Format::Png).unwrap_err();
        assert!(e.to_string().contains("steps[1].saving_yuan"), "{e}");
        let mut d = sample();
        d.claim_reduction_fraction = 15.0;
        assert!(draw(&d, Lang::En, &dir.path().join("w.png"), Format::Png).is_err());
        assert!(!dir.path().join("w.png").exists());
    }
}
