//! Distribution of a saving (节省比例分布): a histogram of the saving per enterprise, or the
//! histogram and the cumulative distribution of the park saving over the samples of a sweep,
//! against the claim.

use super::{
    ChartError, Format, Label, Lang, Mark, Plot, check_all_finite, check_non_empty, colour, frame,
    size,
};
use plotters::coord::Shift;
use plotters::prelude::*;
use std::path::Path;

/// Which picture of the distribution to draw.
#[derive(serde::Serialize, serde::Deserialize, Debug, Clone, Copy, PartialEq, Eq)]
pub enum DistributionKind {
    /// Histogram of the saving per enterprise (y: number of enterprises).
    Histogram,
    /// Empirical cumulative distribution over sweep samples (y: share of samples).
    Cdf,
    /// Histogram of the park saving over sweep samples (y: number of samples).
    SampleHistogram,
}

/// Data of the distribution chart.
#[derive(serde::Serialize, serde::Deserialize, Debug, Clone, PartialEq)]
pub struct DistributionChart {
    /// The savings, one per enterprise or per sample [fraction].
    pub savings_fraction: Vec<f64>,
    /// The picture to draw.
    pub kind: DistributionKind,
    /// The claimed saving, drawn as a vertical line with the share meeting it [fraction].
    pub claim_fraction: Option<f64>,
    /// Bins to draw as they are, (low [fraction], high [fraction], count), instead of bins
    /// chosen here: the sweep's histogram draws the bins of its `saving_histogram.csv`, so
    /// that picture and table agree. Empty: about √n bins of a round width.
    #[serde(default)]
    pub bins: Vec<(f64, f64, usize)>,
    /// The saving of the base case (a sweep's scenario as written), drawn as a solid vertical
    /// line [fraction]. Left out of `chart-data.json` when absent, as in a run's charts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base_fraction: Option<f64>,
}

/// Draw the distribution chart to `path` in `format` with text in `lang`.
///
/// # Errors
/// [`ChartError::InvalidData`] for no value or a non-finite one, and drawing or file errors.
pub fn draw(
    data: &DistributionChart,
    lang: Lang,
    path: &Path,
    format: Format,
) -> Result<(), ChartError> {
    check_non_empty("savings_fraction", &data.savings_fraction)?;
    check_all_finite("savings_fraction", &data.savings_fraction, "fraction")?;
    if let Some(c) = data.claim_fraction {
        super::check_finite("claim_fraction", c, "fraction")?;
    }
    if let Some(b) = data.base_fraction {
        super::check_finite("base_fraction", b, "fraction")?;
    }
    for (i, (lo, hi, _)) in data.bins.iter().enumerate() {
        super::check_finite(format!("bins[{i}].low"), *lo, "fraction")?;
        super::check_finite(format!("bins[{i}].high"), *hi, "fraction")?;
        if hi < lo {
            return Err(super::invalid(
                format!("bins[{i}]"),
                format!("{lo}..{hi}"),
                "high must not be below low [fraction]",
            ));
        }
    }
    super::render(&(data, lang), path, format)
}

/// A "nice" bin width (1, 2 or 5 × 10^n) giving about `target` bins over `span`.
pub(crate) fn nice_width(span: f64, target: usize) -> f64 {
    let raw = (span / target.max(1) as f64).max(1e-9);
    let mag = 10f64.powf(raw.log10().floor());
    let m = raw / mag;
    let nice = if m <= 1.0 {
        1.0
    } else if m <= 2.0 {
        2.0
    } else if m <= 5.0 {
        5.0
    } else {
        10.0
    };
    nice * mag
}

/// Histogram bins: (left edge, width, counts) over `values`, about √n bins (5 to 30).
pub(crate) fn bins(values: &[f64]) -> (f64, f64, Vec<usize>) {
    let (lo, hi) = super::min_max(values.iter().copied());
    let target = ((values.len() as f64).sqrt().round() as usize).clamp(5, 30);
    let width = nice_width((hi - lo).max(1e-6), target);
    let start = (lo / width).floor() * width;
    let n = (((hi - start) / width).floor() as usize + 1).max(1);
    let mut counts = vec![0; n];
    for v in values {
        let i = (((v - start) / width).floor() as usize).min(n - 1);
        counts[i] += 1;
    }
    (start, width, counts)
}

/// Share of `values` at or above `claim` [fraction].
pub(crate) fn share_meeting(values: &[f64], claim: f64) -> f64 {
    values.iter().filter(|v| **v >= claim).count() as f64 / values.len() as f64
}

impl Plot for (&DistributionChart, Lang) {
    fn plot<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), ChartError> {
        let (data, lang) = *self;
        let v = &data.savings_fraction;
        let mut entries = vec![];
        let (title, share_label, main) = match data.kind {
            DistributionKind::Histogram => (
                Label::HistogramTitle,
                Label::ShareEnterprisesMeetingClaim,
                Mark::Box(colour::BLUE.mix(0.8)),
            ),
            DistributionKind::Cdf => (
                Label::CdfTitle,
                Label::ShareMeetingClaim,
                Mark::Line(colour::BLUE),
            ),
            DistributionKind::SampleHistogram => (
                Label::SampleHistogramTitle,
                Label::ShareMeetingClaim,
                Mark::Box(colour::BLUE.mix(0.8)),
            ),
        };
        let main_label = match data.kind {
            DistributionKind::Histogram => Label::Enterprises,
            DistributionKind::Cdf => Label::Cdf,
            DistributionKind::SampleHistogram => Label::Samples,
        };
        entries.push((main_label.text(lang).to_string(), main));
        if let Some(c) = data.claim_fraction {
            entries.push((
                Label::ClaimValue.fill(lang, &[&super::percent(c, 0)]),
                Mark::Dashed(colour::CLAIM),
            ));
            let share = super::percent(share_meeting(v, c), 0);
            entries.push((share_label.fill(lang, &[&share]), Mark::Note));
        }
        if let Some(b) = data.base_fraction {
            entries.push((
                Label::BaseCase.fill(lang, &[&super::percent(b, 1)]),
                Mark::Line(colour::INK),
            ));
        }
        let area = frame(root, title.text(lang), &entries)?;
        let (lo, hi) = super::min_max(
            v.iter()
                .copied()
                .chain(data.claim_fraction)
                .chain(data.base_fraction),
        );
        match data.kind {
            DistributionKind::Histogram | DistributionKind::SampleHistogram => {
                histogram(&area, data, lang, lo, hi)
            }
            DistributionKind::Cdf => cdf(&area, data, lang, lo, hi),
        }
    }
}

/// Axis styling shared by both pictures.
fn mesh<
    DB: DrawingBackend,
    Y: plotters::coord::ranged1d::Ranged<ValueType = f64>
        + plotters::coord::ranged1d::ValueFormatter<f64>,
>(
    chart: &mut ChartContext<'_, DB, Cartesian2d<plotters::coord::types::RangedCoordf64, Y>>,
    lang: Lang,
    y_desc: &str,
    y_fmt: &dyn Fn(&f64) -> String,
    x_dec: usize,
) -> Result<(), ChartError> {
    chart
        .configure_mesh()
        .x_labels(10)
        .x_label_formatter(&|x| super::group(x * 100.0, x_dec))
        .x_desc(Label::SavingPercent.text(lang))
        .y_labels(8)
        .y_label_formatter(y_fmt)
        .y_desc(y_desc)
        .label_style(("sans-serif", size::TICK))
        .axis_desc_style(("sans-serif", size::AXIS_DESC))
        .bold_line_style(RGBColor(225, 225, 225))
        .light_line_style(TRANSPARENT)
        .draw()?;
    Ok(())
}

/// Decimals of percent ticks over a span of fractions.
fn pct_decimals(span: f64) -> usize {
    if span >= 0.2 {
        0
    } else if span >= 0.02 {
        1
    } else {
        2
    }
}

/// A tick of a count axis: whole numbers only (a tick at 0.5 would read "1" or "0" and
/// repeat its neighbours).
pub(crate) fn count_tick(y: &f64) -> String {
    if (y - y.round()).abs() < 1e-9 {
        super::group(*y, 0)
    } else {
        String::new()
    }
}

/// (low, high, count) of each bar of a histogram: the given bins, else bins of a round width.
fn bars(data: &DistributionChart) -> Vec<(f64, f64, usize)> {
    if data.bins.is_empty() {
        let (start, width, counts) = bins(&data.savings_fraction);
        counts
            .iter()
            .enumerate()
            .map(|(i, c)| {
                let x0 = start + width * i as f64;
                (x0, x0 + width, *c)
            })
            .collect()
    } else {
        data.bins.clone()
    }
}

fn histogram<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    data: &DistributionChart,
    lang: Lang,
    lo: f64,
    hi: f64,
) -> Result<(), ChartError> {
    let rects = bars(data);
    let first = rects.first().map_or(lo, |r| r.0);
    let last = rects.last().map_or(hi, |r| r.1);
    let width = rects
        .iter()
        .map(|r| r.1 - r.0)
        .fold(0.0f64, f64::max)
        .max((hi - lo).abs() * 0.02)
        .max(1e-4);
    let x_lo = first.min(lo) - width * 0.5;
    let x_hi = last.max(hi) + width * 0.5;
    let top = rects.iter().map(|r| r.2).max().unwrap_or(1) as f64 * 1.12;
    let mut chart = ChartBuilder::on(area)
        .margin(16)
        .margin_right(30)
        .x_label_area_size(60)
        .y_label_area_size(80)
        .build_cartesian_2d(x_lo..x_hi, 0.0..top.max(1.0))?;
    let count_label = if data.kind == DistributionKind::SampleHistogram {
        Label::Samples
    } else {
        Label::Enterprises
    };
    mesh(
        &mut chart,
        lang,
        count_label.text(lang),
        &count_tick,
        pct_decimals(x_hi - x_lo),
    )?;
    chart.draw_series(rects.iter().map(|(x0, x1, c)| {
        Rectangle::new(
            [(*x0, 0.0), (*x1, *c as f64)],
            colour::BLUE.mix(0.8).filled(),
        )
    }))?;
    chart.draw_series(rects.iter().map(|(x0, x1, c)| {
        Rectangle::new([(*x0, 0.0), (*x1, *c as f64)], WHITE.stroke_width(1))
    }))?;
    if let Some(c) = data.claim_fraction {
        claim_line(&mut chart, c, top)?;
    }
    if let Some(b) = data.base_fraction {
        base_line(&mut chart, b, top)?;
    }
    Ok(())
}

fn cdf<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    data: &DistributionChart,
    lang: Lang,
    lo: f64,
    hi: f64,
) -> Result<(), ChartError> {
    let mut sorted = data.savings_fraction.clone();
    sorted.sort_by(f64::total_cmp);
    let pad = ((hi - lo) * 0.05).max(0.005);
    let (x_lo, x_hi) = (lo - pad, hi + pad);
    let mut chart = ChartBuilder::on(area)
        .margin(16)
        .margin_right(30)
        .x_label_area_size(60)
        .y_label_area_size(80)
        .build_cartesian_2d(x_lo..x_hi, 0.0..1.02)?;
    mesh(
        &mut chart,
        lang,
        Label::CumulativeShare.text(lang),
        &|y| super::group(y * 100.0, 0),
        pct_decimals(x_hi - x_lo),
    )?;
    // Empirical step function: F jumps by 1/n at each sorted value.
    let n = sorted.len() as f64;
    let mut pts = vec![(x_lo, 0.0)];
    for (i, x) in sorted.iter().enumerate() {
        pts.push((*x, i as f64 / n));
        pts.push((*x, (i + 1) as f64 / n));
    }
    pts.push((x_hi, 1.0));
    chart.draw_series(std::iter::once(PathElement::new(
        pts,
        colour::BLUE.stroke_width(3),
    )))?;
    if let Some(c) = data.claim_fraction {
        claim_line(&mut chart, c, 1.02)?;
    }
    if let Some(b) = data.base_fraction {
        base_line(&mut chart, b, 1.02)?;
    }
    Ok(())
}

/// The vertical claim line.
fn claim_line<DB: DrawingBackend>(
    chart: &mut ChartContext<
        '_,
        DB,
        Cartesian2d<plotters::coord::types::RangedCoordf64, plotters::coord::types::RangedCoordf64>,
    >,
    claim: f64,
    top: f64,
) -> Result<(), ChartError> {
    chart.draw_series(DashedLineSeries::new(
        vec![(claim, 0.0), (claim, top)],
        12,
        8,
        colour::CLAIM.stroke_width(3),
    ))?;
    Ok(())
}

/// The vertical base-case line.
fn base_line<DB: DrawingBackend>(
    chart: &mut ChartContext<
        '_,
        DB,
        Cartesian2d<plotters::coord::types::RangedCoordf64, plotters::coord::types::RangedCoordf64>,
    >,
    base: f64,
    top: f64,
) -> Result<(), ChartError> {
    chart.draw_series(std::iter::once(PathElement::new(
        vec![(base, 0.0), (base, top)],
        colour::INK.stroke_width(2),
    )))?;
    Ok(())
}

/// Sample savings for tests: a seeded, skewed spread around 12% for `n` values.
#[cfg(test)]
pub(crate) fn sample(kind: DistributionKind, n: usize) -> DistributionChart {
    use rand::{Rng, SeedableRng};
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(7);
    let savings_fraction = (0..n)
        .map(|_| {
            let u: f64 = rng.random();
            let w: f64 = rng.random();
            0.04 + 0.16 * u * u.sqrt() + 0.06 * w
        })
        .collect();
    DistributionChart {
        base_fraction: None,
        bins: Vec::new(),
        savings_fraction,
        kind,
        claim_fraction: Some(0.15),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sample_histogram_renders_in_both_languages_and_formats() {
        super::super::test_util::check_renders(
            "distribution_sample_histogram",
            &sample(DistributionKind::SampleHistogram, 200),
            draw,
            |l| Label::SampleHistogramTitle.text(l).to_string(),
        );
    }

    /// The texts of the chart's SVG.
    fn svg_texts(d: &DistributionChart) -> Vec<String> {
        let svg = super::super::render_bytes(&(d, Lang::En), Format::Svg).unwrap();
        super::super::test_util::svg_texts(&String::from_utf8(svg).unwrap())
    }

    /// With five enterprises the count axis reads 0, 1, 2: every tick a whole number, none
    /// repeated (ticks at halves read "2, 2, 1, 0, 0" before).
    #[test]
    fn count_ticks_are_whole_and_distinct() {
        let d = DistributionChart {
            base_fraction: None,
            savings_fraction: vec![0.11, 0.12, 0.125, 0.16, 0.19],
            kind: DistributionKind::Histogram,
            claim_fraction: None,
            bins: Vec::new(),
        };
        let numbers: Vec<String> = svg_texts(&d)
            .into_iter()
            .filter(|t| !t.is_empty() && t.chars().all(|c| c.is_ascii_digit()))
            .filter(|t| t.parse::<u32>().is_ok_and(|n| n < 10))
            .collect();
        let mut unique = numbers.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(
            unique.len(),
            numbers.len(),
            "repeated count ticks {numbers:?}"
        );
        assert!(numbers.len() >= 2, "{numbers:?}");
        assert_eq!(count_tick(&0.5), "");
        assert_eq!(count_tick(&2.0), "2");
    }

    /// Given bins (the sweep's CSV) are drawn as they are; the picture used other bins than
    /// its table before.
    #[test]
    fn given_bins_are_drawn_as_given() {
        let mut d = sample(DistributionKind::SampleHistogram, 200);
        let table = vec![(0.08, 0.10, 20), (0.10, 0.12, 130), (0.12, 0.15, 50)];
        assert_ne!(bars(&d), table);
        d.bins = table.clone();
        assert_eq!(bars(&d), table);
        let svg =
            String::from_utf8(super::super::render_bytes(&(&d, Lang::En), Format::Svg).unwrap())
                .unwrap();
        assert!(svg.contains("<rect"));
    }

    /// Histogram of enterprises, histogram of samples and CDF have three titles.
    #[test]
    fn the_three_kinds_have_distinct_titles() {
        let mut titles = std::collections::HashSet::new();
        for kind in [
            DistributionKind::Histogram,
            DistributionKind::SampleHistogram,
            DistributionKind::Cdf,
        ] {
            let texts = svg_texts(&sample(kind, 50));
            // The title is the first text drawn.
            assert!(titles.insert(texts[0].clone()), "{kind:?}: {}", texts[0]);
        }
    }

    #[test]
    fn histogram_renders_in_both_languages_and_formats() {
        super::super::test_util::check_renders(
            "distribution_histogram",
            &sample(DistributionKind::Histogram, 120),
            draw,
            |l| Label::HistogramTitle.text(l).to_string(),
        );
    }

    #[test]
    fn cdf_renders_in_both_languages_and_formats() {
        super::super::test_util::check_renders(
            "distribution_cdf",
            &sample(DistributionKind::Cdf, 500),
            draw,
            |l| Label::CdfTitle.text(l).to_string(),
        );
    }

    #[test]
    fn bins_are_nice_and_count_every_value() {
        let v = [0.01, 0.02, 0.025, 0.05, 0.099, 0.1];
        let (start, width, counts) = bins(&v);
        // √6 ≈ 2 → 5 bins over 0.09 → raw 0.018 → nice 0.02, from 0.00.
        approx::assert_relative_eq!(width, 0.02, max_relative = 1e-12);
        approx::assert_relative_eq!(start, 0.0, epsilon = 1e-12);
        assert_eq!(counts.iter().sum::<usize>(), 6);
        assert_eq!(counts, vec![1, 2, 1, 0, 1, 1]); // 0.1 opens the sixth bin [0.10, 0.12)
    }

    #[test]
    fn share_meeting_counts_values_at_or_above_the_claim() {
        approx::assert_relative_eq!(share_meeting(&[0.1, 0.15, 0.2, 0.05], 0.15), 0.5);
    }
}
