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
        let (mut lo, mut hi) = (0.0f64, 0.0f64);
        for b in all {
            for (_, from, to) in stack(b, &shown) {
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
        let mut chart = ChartBuilder::on(&area)
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
                chart.draw_series(stack(bill, &shown).into_iter().map(|(k, from, to)| {
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
