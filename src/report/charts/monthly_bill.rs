//! Monthly park bill by component (园区月度电费构成): for each month two stacked bars side by
//! side, the baseline (light) and the bill with all measures.

use super::{
    ChartError, Format, Label, Lang, Mark, Plot, Unit, category_ticks, colour, frame, size,
};
use plotters::coord::Shift;
use plotters::prelude::*;
use std::path::Path;

/// The components of a monthly bill, all [yuan] for the month.
#[derive(serde::Serialize, serde::Deserialize, Debug, Clone, Copy, PartialEq, Default)]
pub struct BillComponents {
    /// Energy charge (电度电费) [yuan].
    pub energy_yuan: f64,
    /// Basic charge, capacity or demand (基本电费) [yuan].
    pub basic_yuan: f64,
    /// Power-factor adjustment (功率因数调整电费), negative for a credit [yuan].
    pub power_factor_yuan: f64,
    /// Government funds and surcharges (政府性基金及附加) [yuan].
    pub funds_yuan: f64,
    /// Market deviation settlement (偏差考核费用); drawn only when not zero somewhere [yuan].
    pub market_deviation_yuan: f64,
    /// Payments to the EMC investor for PV energy (合同能源管理付费) [yuan].
    #[serde(default)]
    pub emc_payment_yuan: f64,
    /// Annualized reactive-compensation cost (无功补偿) [yuan].
    #[serde(default)]
    pub compensation_yuan: f64,
    /// Payments to a storage investor under shared savings (收益分成) [yuan].
    #[serde(default)]
    pub shared_savings_yuan: f64,
    /// Export credit the enterprises keep, negative (上网电费) [yuan].
    #[serde(default)]
    pub export_credit_yuan: f64,
}

impl BillComponents {
    /// The components in drawing order.
    fn values(&self) -> [f64; N] {
        [
            self.energy_yuan,
            self.basic_yuan,
            self.power_factor_yuan,
            self.funds_yuan,
            self.market_deviation_yuan,
            self.emc_payment_yuan,
            self.compensation_yuan,
            self.shared_savings_yuan,
            self.export_credit_yuan,
        ]
    }

    /// The month's whole payment: the sum of the components [yuan].
    pub fn total_yuan(&self) -> f64 {
        self.values().iter().sum()
    }
}

/// Data of the monthly bill chart: one entry per month, January first.
#[derive(serde::Serialize, serde::Deserialize, Debug, Clone, PartialEq)]
pub struct MonthlyBillChart {
    /// Bills without measures, one per month (1 to 12 months) [yuan].
    pub baseline: Vec<BillComponents>,
    /// Bills with all measures, as many as `baseline` [yuan].
    pub all_measures: Vec<BillComponents>,
}

/// Number of components.
const N: usize = 9;
const LABELS: [Label; N] = [
    Label::Energy,
    Label::BasicCharge,
    Label::PowerFactor,
    Label::Funds,
    Label::MarketDeviation,
    Label::EmcPayment,
    Label::Compensation,
    Label::StorageSharedSavings,
    Label::ExportCredit,
];
const COLOURS: [RGBColor; N] = [
    colour::BLUE,
    colour::ORANGE,
    colour::PURPLE,
    colour::SKY,
    colour::VERMILLION,
    colour::GREEN,
    colour::INK,
    RGBColor(240, 228, 66),
    colour::GREY,
];

/// Draw the monthly bill chart to `path` in `format` with text in `lang`.
///
/// # Errors
/// [`ChartError::InvalidData`] for 0 or more than 12 months, lists of different lengths or a
/// non-finite number, and drawing or file errors.
pub fn draw(
    data: &MonthlyBillChart,
    lang: Lang,
    path: &Path,
    format: Format,
) -> Result<(), ChartError> {
    let n = data.baseline.len();
    if !(1..=12).contains(&n) {
        return Err(super::invalid(
            "baseline",
            format!("{n} months"),
            "must hold 1 to 12 months",
        ));
    }
    if data.all_measures.len() != n {
        return Err(super::invalid(
            "all_measures",
            format!("{} months", data.all_measures.len()),
            &format!("must hold as many months as baseline ({n})"),
        ));
    }
    for (name, list) in [
        ("baseline", &data.baseline),
        ("all_measures", &data.all_measures),
    ] {
        for (i, b) in list.iter().enumerate() {
            for (j, v) in b.values().iter().enumerate() {
                super::check_finite(format!("{name}[{i}].{}", FIELD[j]), *v, "yuan")?;
            }
        }
    }
    super::render(&(data, lang), path, format)
}

const FIELD: [&str; N] = [
    "energy_yuan",
    "basic_yuan",
    "power_factor_yuan",
    "funds_yuan",
    "market_deviation_yuan",
    "emc_payment_yuan",
    "compensation_yuan",
    "shared_savings_yuan",
    "export_credit_yuan",
];

/// Stacked segments (component index, from, to) of one bar: positives up from 0, negatives down.
fn stack(b: &BillComponents, shown: &[usize]) -> Vec<(usize, f64, f64)> {
    let (mut up, mut down) = (0.0, 0.0);
    let mut out = vec![];
    for &k in shown {
        let v = b.values()[k];
        if v >= 0.0 {
            out.push((k, up, up + v));
            up += v;
        } else {
            out.push((k, down, down + v));
            down += v;
        }
    }
    out
}

/// Index of the power-factor adjustment among the components.
const PF: usize = 2;

/// The power-factor panel below the bars: the adjustment of each month on its own scale (it
/// is a few per mille of the bill, a sliver in the stacked bars), with the yearly sums.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct PfPanel {
    /// The baseline's adjustment per month [yuan], as in the data.
    pub baseline_yuan: Vec<f64>,
    /// The adjustment with all measures per month [yuan], as in the data.
    pub all_measures_yuan: Vec<f64>,
    /// The panel's value range, zero included [yuan].
    pub range_yuan: (f64, f64),
    /// Yearly sums: baseline, all measures [yuan].
    pub year_yuan: (f64, f64),
}

/// The power-factor panel of `data`, or `None` when the adjustment is zero in every month.
pub(crate) fn pf_panel(data: &MonthlyBillChart) -> Option<PfPanel> {
    let b: Vec<f64> = data.baseline.iter().map(|m| m.power_factor_yuan).collect();
    let a: Vec<f64> = data
        .all_measures
        .iter()
        .map(|m| m.power_factor_yuan)
        .collect();
    if b.iter().chain(&a).all(|v| *v == 0.0) {
        return None;
    }
    let lo = b.iter().chain(&a).fold(0.0f64, |m, v| m.min(*v));
    let hi = b.iter().chain(&a).fold(0.0f64, |m, v| m.max(*v));
    let pad = 0.12 * (hi - lo);
    Some(PfPanel {
        year_yuan: (b.iter().sum(), a.iter().sum()),
        baseline_yuan: b,
        all_measures_yuan: a,
        range_yuan: (
            if lo < 0.0 { lo - pad } else { 0.0 },
            if hi > 0.0 { hi + pad } else { 0.0 },
        ),
    })
}

/// Share of the plot height the power-factor panel takes.
const PF_PANEL_FRACTION: f64 = 0.26;

impl Plot for (&MonthlyBillChart, Lang) {
    fn plot<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), ChartError> {
        let (data, lang) = *self;
        let all = data.baseline.iter().chain(&data.all_measures);
        // The four grid components always; the others where they are not zero somewhere.
        let shown: Vec<usize> = (0..N)
            .filter(|&k| k < 4 || all.clone().any(|b| b.values()[k] != 0.0))
            .collect();
        let mut entries: Vec<(String, Mark)> = shown
            .iter()
            .map(|&k| {
                (
                    LABELS[k].text(lang).to_string(),
                    Mark::Box(COLOURS[k].mix(0.95)),
                )
            })
            .collect();
        entries.push((Label::PairNote.text(lang).to_string(), Mark::Note));
        let area = frame(root, Label::MonthlyTitle.text(lang), &entries)?;
        match pf_panel(data) {
            Some(pf) => {
                let (_, h) = area.dim_in_pixel();
                let (top, bottom) =
                    area.split_vertically((f64::from(h) * (1.0 - PF_PANEL_FRACTION)) as u32);
                bars(&top, data, &shown, lang)?;
                pf_bars(&bottom, &pf, lang)
            }
            None => bars(&area, data, &shown, lang),
        }
    }
}

/// The stacked bars of every component.
fn bars<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    data: &MonthlyBillChart,
    shown: &[usize],
    lang: Lang,
) -> Result<(), ChartError> {
    let (mut lo, mut hi) = (0.0f64, 0.0f64);
    for b in data.baseline.iter().chain(&data.all_measures) {
        for (_, from, to) in stack(b, shown) {
            lo = lo.min(from.min(to));
            hi = hi.max(from.max(to));
        }
    }
    let (lo, hi) = (lo * 1.1, hi * 1.08);
    let n = data.baseline.len();
    let unit = Unit::Yuan;
    let dec = unit.decimals_for_span(lo, hi, lang);
    let months = (1..=n)
        .map(|m| Label::MonthN.fill(lang, &[&m.to_string()]))
        .collect();
    let mut chart = ChartBuilder::on(area)
        .margin(16)
        .margin_right(30)
        .x_label_area_size(60)
        .y_label_area_size(95)
        .build_cartesian_2d(-0.5..(n as f64 - 0.5), lo..hi.max(1.0))?;
    chart
        .configure_mesh()
        .disable_x_mesh()
        .x_labels(n)
        .x_label_formatter(&category_ticks(months))
        .x_desc(Label::Month.text(lang))
        .y_labels(8)
        .y_label_formatter(&|v| unit.number(*v, lang, dec))
        .y_desc(super::with_unit(
            Label::MonthlyBill.text(lang),
            unit.caption(lang),
        ))
        .label_style(("sans-serif", size::TICK))
        .axis_desc_style(("sans-serif", size::AXIS_DESC))
        .bold_line_style(RGBColor(225, 225, 225))
        .light_line_style(TRANSPARENT)
        .draw()?;
    for (i, (base, all)) in data.baseline.iter().zip(&data.all_measures).enumerate() {
        let x = i as f64;
        for (bill, x0, x1, alpha) in [
            (base, x - 0.4, x - 0.02, 0.45),
            (all, x + 0.02, x + 0.4, 0.95),
        ] {
            chart.draw_series(stack(bill, shown).into_iter().map(|(k, from, to)| {
                Rectangle::new([(x0, from), (x1, to)], COLOURS[k].mix(alpha).filled())
            }))?;
        }
    }
    if lo < 0.0 {
        chart.draw_series(std::iter::once(PathElement::new(
            vec![(-0.5, 0.0), (n as f64 - 0.5, 0.0)],
            colour::INK.stroke_width(1),
        )))?;
    }
    Ok(())
}

/// The power-factor panel: each month's adjustment as a pair of bars on its own axis, a zero
/// line, the panel's title and the yearly sums.
fn pf_bars<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    pf: &PfPanel,
    lang: Lang,
) -> Result<(), ChartError> {
    use plotters_backend::text_anchor::{HPos, VPos};
    let unit = Unit::Yuan;
    let (lo, hi) = pf.range_yuan;
    let n = pf.baseline_yuan.len();
    let dec = unit.decimals_for_span(lo, hi, lang);
    let title = format!(
        "{} · {}",
        Label::PowerFactorPanel.text(lang),
        Label::PowerFactorYear.fill(
            lang,
            &[
                &unit.short(pf.year_yuan.0, lang),
                &unit.short(pf.year_yuan.1, lang),
                unit.caption(lang),
            ],
        )
    );
    let (w, _) = area.dim_in_pixel();
    area.draw(&plotters::element::Text::new(
        title,
        (w as i32 / 2, 4),
        super::text_style(size::NOTE, colour::INK, HPos::Center, VPos::Top),
    ))?;
    let mut chart = ChartBuilder::on(area)
        .margin(16)
        .margin_top(30)
        .margin_right(30)
        .x_label_area_size(8)
        .y_label_area_size(95)
        .build_cartesian_2d(-0.5..(n as f64 - 0.5), lo..hi)?;
    chart
        .configure_mesh()
        .disable_x_mesh()
        .x_labels(0)
        .y_labels(4)
        .y_label_formatter(&|v| unit.number(*v, lang, dec))
        .y_desc(unit.caption(lang))
        .label_style(("sans-serif", size::TICK))
        .axis_desc_style(("sans-serif", size::AXIS_DESC))
        .bold_line_style(RGBColor(225, 225, 225))
        .light_line_style(TRANSPARENT)
        .draw()?;
    for (i, (b, a)) in pf
        .baseline_yuan
        .iter()
        .zip(&pf.all_measures_yuan)
        .enumerate()
    {
        let x = i as f64;
        for (v, x0, x1, alpha) in [(b, x - 0.4, x - 0.02, 0.45), (a, x + 0.02, x + 0.4, 0.95)] {
            chart.draw_series(std::iter::once(Rectangle::new(
                [(x0, 0.0), (x1, *v)],
                COLOURS[PF].mix(alpha).filled(),
            )))?;
        }
    }
    chart.draw_series(std::iter::once(PathElement::new(
        vec![(-0.5, 0.0), (n as f64 - 0.5, 0.0)],
        colour::INK.stroke_width(1),
    )))?;
    Ok(())
}

/// Sample data for tests: a park of about 4.7 million yuan a month with summer and winter peaks.
#[cfg(test)]
pub(crate) fn sample() -> MonthlyBillChart {
    let month = |m: usize, f: f64| {
        let season = [
            1.15, 1.05, 0.9, 0.85, 0.95, 1.1, 1.3, 1.35, 1.1, 0.9, 0.95, 1.1,
        ][m];
        BillComponents {
            energy_yuan: 3.6e6 * season * f,
            basic_yuan: 0.75e6,
            power_factor_yuan: if m.is_multiple_of(3) { -40e3 } else { 25e3 * f },
            funds_yuan: 0.21e6 * season,
            market_deviation_yuan: if f < 1.0 { 30e3 * season } else { 0.0 },
            emc_payment_yuan: if f < 1.0 { 0.3e6 * season } else { 0.0 },
            export_credit_yuan: if f < 1.0 { -20e3 * season } else { 0.0 },
            ..BillComponents::default()
        }
    };
    MonthlyBillChart {
        baseline: (0..12).map(|m| month(m, 1.0)).collect(),
        all_measures: (0..12).map(|m| month(m, 0.82)).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_in_both_languages_and_formats() {
        super::super::test_util::check_renders("monthly_bill", &sample(), draw, |l| {
            Label::MonthlyTitle.text(l).to_string()
        });
    }

    #[test]
    fn every_payment_component_is_drawn_where_not_zero() {
        // EMC payments and the export credit are parts of the payment: drawn when present.
        let data = sample();
        let shown: Vec<&str> = (0..N)
            .filter(|&k| {
                data.baseline
                    .iter()
                    .chain(&data.all_measures)
                    .any(|b| b.values()[k] != 0.0)
            })
            .map(|k| FIELD[k])
            .collect();
        assert!(shown.contains(&"emc_payment_yuan") && shown.contains(&"export_credit_yuan"));
        let b = &data.all_measures[0];
        let stacked: f64 = stack(b, &(0..N).collect::<Vec<_>>())
            .iter()
            .map(|(_, from, to)| to - from)
            .sum();
        assert!((stacked - b.total_yuan()).abs() < 1e-6);
    }

    #[test]
    fn stacks_positive_up_and_negative_down() {
        let b = BillComponents {
            energy_yuan: 10.0,
            basic_yuan: 5.0,
            power_factor_yuan: -2.0,
            funds_yuan: 1.0,
            ..BillComponents::default()
        };
        let s = stack(&b, &[0, 1, 2, 3]);
        assert_eq!(
            s,
            vec![
                (0, 0.0, 10.0),
                (1, 10.0, 15.0),
                (2, 0.0, -2.0),
                (3, 15.0, 16.0)
            ]
        );
    }

    #[test]
    fn the_power_factor_panel_holds_the_adjustments_unscaled_with_zero_in_range() {
        let data = sample();
        let pf = pf_panel(&data).expect("the sample has an adjustment");
        for (m, (b, a)) in data.baseline.iter().zip(&data.all_measures).enumerate() {
            assert_eq!(pf.baseline_yuan[m].to_bits(), b.power_factor_yuan.to_bits());
            assert_eq!(
                pf.all_measures_yuan[m].to_bits(),
                a.power_factor_yuan.to_bits()
            );
        }
        let (lo, hi) = pf.range_yuan;
        assert!(
            lo < -40e3 && hi > 25e3 && lo < 0.0 && hi > 0.0,
            "{lo}..{hi}"
        );
        // The panel's range is the adjustment's, not the bill's: in the stacked bars the
        // largest adjustment is below 1% of the axis; in the panel it fills most of it.
        let largest = 40e3;
        assert!(largest / (hi - lo) > 0.4, "{}", largest / (hi - lo));
        let base_year: f64 = data.baseline.iter().map(|b| b.power_factor_yuan).sum();
        assert!((pf.year_yuan.0 - base_year).abs() < 1e-6);
        // No panel without an adjustment.
        let mut flat = data.clone();
        for b in flat.baseline.iter_mut().chain(flat.all_measures.iter_mut()) {
            b.power_factor_yuan = 0.0;
        }
        assert_eq!(pf_panel(&flat), None);
    }

    #[test]
    fn the_chart_shows_the_power_factor_panel_with_its_yearly_sums() {
        let svg = String::from_utf8(
            super::super::render_bytes(&(&sample(), Lang::En), Format::Svg).unwrap(),
        )
        .unwrap();
        assert!(
            svg.contains("Power-factor adjustment by month (own scale"),
            "panel title"
        );
        let pf = pf_panel(&sample()).unwrap();
        let year = Unit::Yuan.short(pf.year_yuan.0, Lang::En);
        assert!(
            svg.contains(&format!("year: baseline {year}")),
            "yearly sum {year}"
        );
    }

    #[test]
    fn rejects_mismatched_months() {
        let mut d = sample();
        d.all_measures.pop();
        let e = draw(
            &d,
            Lang::En,
            &tempfile::tempdir().unwrap().path().join("m.png"),
            Format::Png,
        )
        .unwrap_err();
        assert!(
            e.to_string().contains("all_measures") && e.to_string().contains("(12)"),
            "{e}"
        );
    }
}
