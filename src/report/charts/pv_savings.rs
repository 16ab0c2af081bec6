//! PV savings of the enterprises (企业光伏节省电费) by case, against the claimed yearly saving.

use super::{
    ChartError, Format, Label, Lang, Mark, Plot, Text, Unit, category_ticks, check_finite,
    check_non_empty, colour, frame, size, text_style,
};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters_backend::text_anchor::{HPos, VPos};
use std::path::Path;

/// One case: a strategy or an ownership model.
#[derive(serde::Serialize, serde::Deserialize, Debug, Clone, PartialEq)]
pub struct PvCase {
    /// Name of the case (e.g. `Label::SelfOwned`).
    pub label: Text,
    /// Yearly saving of the enterprises from PV [yuan/yr].
    pub saving_yuan_per_year: f64,
}

/// Data of the PV savings chart.
#[derive(serde::Serialize, serde::Deserialize, Debug, Clone, PartialEq)]
pub struct PvSavingsChart {
    /// The cases, drawn left to right.
    pub cases: Vec<PvCase>,
    /// The claimed yearly saving, e.g. 6,000,000 [yuan/yr].
    pub claim_yuan_per_year: f64,
}

/// Draw the PV savings chart to `path` in `format` with text in `lang`.
///
/// # Errors
/// [`ChartError::InvalidData`] for no case or a non-finite number, and drawing or file errors.
pub fn draw(
    data: &PvSavingsChart,
    lang: Lang,
    path: &Path,
    format: Format,
) -> Result<(), ChartError> {
    check_non_empty("cases", &data.cases)?;
    for (i, c) in data.cases.iter().enumerate() {
        check_finite(
            format!("cases[{i}].saving_yuan_per_year"),
            c.saving_yuan_per_year,
            "yuan/yr",
        )?;
    }
    check_finite("claim_yuan_per_year", data.claim_yuan_per_year, "yuan/yr")?;
    super::render(&(data, lang), path, format)
}

impl Plot for (&PvSavingsChart, Lang) {
    fn plot<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), ChartError> {
        let (data, lang) = *self;
        let unit = Unit::YuanPerYear;
        let claim =
            Label::ClaimPvSaving.fill(lang, &[&unit.format(data.claim_yuan_per_year, lang)]);
        let entries = vec![
            (
                Label::PvSaving.text(lang).to_string(),
                Mark::Box(colour::ORANGE.mix(0.9)),
            ),
            (claim, Mark::Dashed(colour::CLAIM)),
        ];
        let area = frame(root, Label::PvSavingsTitle.text(lang), &entries)?;
        let values = data.cases.iter().map(|c| c.saving_yuan_per_year);
        let (lo, hi) = super::min_max(values.chain([data.claim_yuan_per_year, 0.0]));
        // Room for the value labels: below a negative bar as much as above a positive one.
        let span = hi - lo;
        let (lo, hi) = (
            if lo < 0.0 { lo - 0.08 * span } else { lo },
            hi + 0.08 * span,
        );
        let n = data.cases.len();
        let dec = unit.decimals_for_span(lo, hi, lang);
        let mut chart = ChartBuilder::on(&area)
            .margin(16)
            .margin_right(30)
            .x_label_area_size(50)
            .y_label_area_size(95)
            .build_cartesian_2d(-0.5..(n as f64 - 0.5), lo..hi.max(1.0))?;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .x_labels(n)
            .x_label_formatter(&category_ticks(
                data.cases
                    .iter()
                    .map(|c| c.label.get(lang).into_owned())
                    .collect(),
            ))
            .x_desc(Label::Case.text(lang))
            .y_labels(8)
            .y_label_formatter(&|v| unit.number(*v, lang, dec))
            .y_desc(super::with_unit(
                Label::PvSaving.text(lang),
                unit.caption(lang),
            ))
            .label_style(("sans-serif", size::TICK))
            .axis_desc_style(("sans-serif", size::AXIS_DESC))
            .bold_line_style(RGBColor(225, 225, 225))
            .light_line_style(TRANSPARENT)
            .draw()?;
        let half = (0.3f64).min(0.9 / 2.0 * (1.0 + 1.0 / n as f64));
        chart.draw_series(data.cases.iter().enumerate().map(|(i, c)| {
            let x = i as f64;
            Rectangle::new(
                [(x - half, 0.0), (x + half, c.saving_yuan_per_year)],
                colour::ORANGE.mix(0.9).filled(),
            )
        }))?;
        let above = text_style(size::NOTE, colour::INK, HPos::Center, VPos::Bottom);
        let below = text_style(size::NOTE, colour::INK, HPos::Center, VPos::Top);
        chart.draw_series(data.cases.iter().enumerate().map(|(i, c)| {
            let v = c.saving_yuan_per_year;
            let (style, dy) = if v >= 0.0 {
                (above.clone(), -6)
            } else {
                (below.clone(), 6)
            };
            EmptyElement::at((i as f64, v))
                + plotters::element::Text::new(unit.short(v, lang), (0, dy), style)
        }))?;
        chart.draw_series(DashedLineSeries::new(
            vec![
                (-0.5, data.claim_yuan_per_year),
                (n as f64 - 0.5, data.claim_yuan_per_year),
            ],
            12,
            8,
            colour::CLAIM.stroke_width(3),
        ))?;
        Ok(())
    }
}

/// Sample data for tests: three ownership cases against the 6 million yuan/yr claim.
#[cfg(test)]
pub(crate) fn sample() -> PvSavingsChart {
    let case = |l: Label, v: f64| PvCase {
        label: l.into(),
        saving_yuan_per_year: v,
    };
    PvSavingsChart {
        cases: vec![
            case(Label::SelfOwned, 7.35e6),
            case(Label::Emc, 2.1e6),
            case(Label::SharedSavings, 3.05e6),
        ],
        claim_yuan_per_year: 6.0e6,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_in_both_languages_and_formats() {
        super::super::test_util::check_renders("pv_savings", &sample(), draw, |l| {
            Label::PvSavingsTitle.text(l).to_string()
        });
    }

    #[test]
    fn rejects_no_case_and_infinite_values() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("pv.svg");
        let mut d = sample();
        d.cases.clear();
        assert!(
            draw(&d, Lang::Zh, &p, Format::Svg)
                .unwrap_err()
                .to_string()
                .contains("cases")
        );
        let mut d = sample();
        d.claim_yuan_per_year = f64::INFINITY;
        let e = draw(&d, Lang::Zh, &p, Format::Svg).unwrap_err();
        assert!(e.to_string().contains("claim_yuan_per_year"), "{e}");
    }
}
