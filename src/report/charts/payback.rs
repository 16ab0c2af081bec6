//! Payback period against size (投资回收期与容量): PV capacity or storage energy on x, payback
//! years on y, one line with markers per series (e.g. simple and discounted payback).

use super::{ChartError, Format, Label, Lang, Mark, Plot, Text, colour, size};
use plotters::coord::Shift;
use plotters::prelude::*;
use std::path::Path;

/// What the size axis measures.
#[derive(serde::Serialize, serde::Deserialize, Debug, Clone, Copy, PartialEq, Eq)]
pub enum SizeKind {
    /// PV capacity [kW] (peak DC).
    PvKw,
    /// Storage energy capacity [kWh].
    StorageKwh,
}

/// One series of the payback chart.
#[derive(serde::Serialize, serde::Deserialize, Debug, Clone, PartialEq)]
pub struct PaybackSeries {
    /// Name of the series (e.g. `Label::SimplePayback`).
    pub label: Text,
    /// Sizes [kW or kWh, per the chart's `size_kind`].
    pub sizes: Vec<f64>,
    /// Payback at each size, `None` when the project does not pay back in its lifetime [years].
    pub payback_years: Vec<Option<f64>>,
}

/// Data of the payback chart.
#[derive(serde::Serialize, serde::Deserialize, Debug, Clone, PartialEq)]
pub struct PaybackChart {
    /// What the sizes are.
    pub size_kind: SizeKind,
    /// The series (two in the usual chart).
    pub series: Vec<PaybackSeries>,
    /// Project lifetime, drawn as a dashed line when given [years].
    pub lifetime_years: Option<f64>,
    /// Whether each point is another enterprise (a scatter: points only, titled by the size
    /// kind) rather than one project at several sizes (a line through the points).
    #[serde(default)]
    pub scatter: bool,
}

impl PaybackChart {
    /// The chart's title: per enterprise and size kind for a scatter, else the generic one.
    pub fn title(&self) -> Label {
        match (self.scatter, self.size_kind) {
            (false, _) => Label::PaybackTitle,
            (true, SizeKind::PvKw) => Label::PaybackPvTitle,
            (true, SizeKind::StorageKwh) => Label::PaybackStorageTitle,
        }
    }
}

/// Draw the payback chart to `path` in `format` with text in `lang`.
///
/// # Errors
/// [`ChartError::InvalidData`] for no series, sizes and paybacks of different lengths, or a
/// non-finite number; and drawing or file errors.
pub fn draw(
    data: &PaybackChart,
    lang: Lang,
    path: &Path,
    format: Format,
) -> Result<(), ChartError> {
    super::check_non_empty("series", &data.series)?;
    for (i, s) in data.series.iter().enumerate() {
        if s.sizes.len() != s.payback_years.len() {
            return Err(super::invalid(
                format!("series[{i}].payback_years"),
                format!("{} values", s.payback_years.len()),
                &format!("must hold one per size ({})", s.sizes.len()),
            ));
        }
        super::check_all_finite(&format!("series[{i}].sizes"), &s.sizes, "kW or kWh")?;
        for (j, p) in s.payback_years.iter().enumerate() {
            if let Some(p) = p {
                super::check_finite(format!("series[{i}].payback_years[{j}]"), *p, "years")?;
            }
        }
    }
    if let Some(l) = data.lifetime_years {
        super::check_finite("lifetime_years", l, "years")?;
    }
    super::render(&(data, lang), path, format)
}

impl Plot for (&PaybackChart, Lang) {
    fn plot<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), ChartError> {
        let (data, lang) = *self;
        let mut entries: Vec<(String, Mark)> = data
            .series
            .iter()
            .enumerate()
            .map(|(i, s)| {
                (
                    s.label.get(lang).into_owned(),
                    if data.scatter {
                        Mark::Box(colour::SERIES[i % 6].mix(1.0))
                    } else {
                        Mark::Line(colour::SERIES[i % 6])
                    },
                )
            })
            .collect();
        if let Some(l) = data.lifetime_years {
            entries.push((
                Label::Lifetime.fill(lang, &[&super::group(l, 0)]),
                Mark::Dashed(colour::GREY),
            ));
        }
        let missing: usize = data
            .series
            .iter()
            .map(|s| s.payback_years.iter().filter(|p| p.is_none()).count())
            .sum();
        if missing > 0 {
            entries.push((
                Label::NoPayback.fill(lang, &[&missing.to_string()]),
                Mark::Note,
            ));
        }
        let area = super::frame(root, data.title().text(lang), &entries)?;
        let (x_lo, x_hi) = super::min_max(data.series.iter().flat_map(|s| s.sizes.iter().copied()));
        let (x_lo, x_hi) = super::padded(x_lo.min(0.0), x_hi, 0.03);
        let (_, y_hi) = super::min_max(
            data.series
                .iter()
                .flat_map(|s| s.payback_years.iter().flatten().copied())
                .chain(data.lifetime_years),
        );
        let x_desc = match data.size_kind {
            SizeKind::PvKw => Label::PvSizeKw,
            SizeKind::StorageKwh => Label::StorageSizeKwh,
        };
        let mut chart = ChartBuilder::on(&area)
            .margin(16)
            .margin_right(30)
            .x_label_area_size(60)
            .y_label_area_size(80)
            .build_cartesian_2d(x_lo.max(0.0)..x_hi, 0.0..(y_hi * 1.1).max(1.0))?;
        chart
            .configure_mesh()
            .x_labels(10)
            .x_label_formatter(&|x| super::group(*x, 0))
            .x_desc(x_desc.text(lang))
            .y_labels(8)
            .y_label_formatter(&|y| super::group(*y, if y_hi < 5.0 { 1 } else { 0 }))
            .y_desc(Label::PaybackYears.text(lang))
            .label_style(("sans-serif", size::TICK))
            .axis_desc_style(("sans-serif", size::AXIS_DESC))
            .bold_line_style(RGBColor(225, 225, 225))
            .light_line_style(TRANSPARENT)
            .draw()?;
        if let Some(l) = data.lifetime_years {
            chart.draw_series(DashedLineSeries::new(
                vec![(x_lo.max(0.0), l), (x_hi, l)],
                12,
                8,
                colour::GREY.stroke_width(2),
            ))?;
        }
        for (i, s) in data.series.iter().enumerate() {
            let c = colour::SERIES[i % 6];
            // Lines join consecutive sizes that pay back; a size without payback breaks the line.
            let mut run: Vec<(f64, f64)> = vec![];
            let mut runs = vec![];
            for (x, p) in s.sizes.iter().zip(&s.payback_years) {
                match p {
                    Some(y) => run.push((*x, *y)),
                    None => runs.push(std::mem::take(&mut run)),
                }
            }
            runs.push(run);
            for r in runs.into_iter().filter(|r| !r.is_empty()) {
                if !data.scatter {
                    chart.draw_series(std::iter::once(PathElement::new(
                        r.clone(),
                        c.stroke_width(3),
                    )))?;
                }
                chart.draw_series(r.into_iter().map(|p| Circle::new(p, 5, c.filled())))?;
            }
        }
        Ok(())
    }
}

/// Sample data for tests: PV from 200 to 3,000 kW, simple and discounted payback.
#[cfg(test)]
pub(crate) fn sample() -> PaybackChart {
    let sizes: Vec<f64> = (1..=15).map(|i| 200.0 * i as f64).collect();
    let simple = sizes
        .iter()
        .map(|s| Some(5.2 + 0.0009 * s + 0.35e-6 * s * s))
        .collect();
    let discounted = sizes
        .iter()
        .map(|s| {
            let y = 7.0 + 0.002 * s + 1.5e-6 * s * s;
            (y <= 25.0).then_some(y)
        })
        .collect();
    PaybackChart {
        size_kind: SizeKind::PvKw,
        series: vec![
            PaybackSeries {
                label: Label::SimplePayback.into(),
                sizes: sizes.clone(),
                payback_years: simple,
            },
            PaybackSeries {
                label: Label::DiscountedPayback.into(),
                sizes,
                payback_years: discounted,
            },
        ],
        lifetime_years: Some(25.0),
        scatter: false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_in_both_languages_and_formats() {
        let d = sample();
        // The sample has sizes without payback, so the note is exercised.
        assert!(d.series[1].payback_years.iter().any(Option::is_none));
        super::super::test_util::check_renders("payback", &d, draw, |l| {
            Label::PaybackTitle.text(l).to_string()
        });
    }

    /// Per-enterprise paybacks are points, not a line joining enterprises, and the PV and
    /// storage charts have titles of their own.
    #[test]
    fn per_enterprise_paybacks_are_a_titled_scatter() {
        let mut pv = sample();
        pv.series.truncate(1);
        let line =
            String::from_utf8(super::super::render_bytes(&(&pv, Lang::En), Format::Svg).unwrap())
                .unwrap();
        assert!(line.contains("<polyline"), "the line chart draws a line");
        pv.scatter = true;
        let mut storage = pv.clone();
        storage.size_kind = SizeKind::StorageKwh;
        let svg = |d: &PaybackChart, lang| {
            String::from_utf8(super::super::render_bytes(&(d, lang), Format::Svg).unwrap()).unwrap()
        };
        for lang in Lang::ALL {
            let (a, b) = (svg(&pv, lang), svg(&storage, lang));
            let texts = |s: &str| super::super::test_util::svg_texts(s);
            assert!(texts(&a).iter().any(|t| t == pv.title().text(lang)));
            assert!(texts(&b).iter().any(|t| t == storage.title().text(lang)));
            assert_ne!(pv.title().text(lang), storage.title().text(lang));
            // The lifetime line is dashed (several short segments of 2 points); no path joins
            // the 15 enterprises.
            for s in [&a, &b] {
                for poly in s.split("<polyline").skip(1) {
                    let pts = poly
                        .split("points=\"")
                        .nth(1)
                        .unwrap()
                        .split('"')
                        .next()
                        .unwrap();
                    assert!(
                        pts.split_whitespace().count() <= 2,
                        "a line joins points: {pts}"
                    );
                }
            }
        }
    }

    #[test]
    fn rejects_lengths_that_differ() {
        let mut d = sample();
        d.series[0].payback_years.pop();
        let e = draw(
            &d,
            Lang::En,
            &tempfile::tempdir().unwrap().path().join("p.png"),
            Format::Png,
        )
        .unwrap_err();
        assert!(e.to_string().contains("series[0].payback_years"), "{e}");
    }
}
