//! One-at-a-time sensitivity (单因素敏感性分析, tornado chart): for each parameter, horizontal
//! bars from the base value of the output to its value with the parameter low and high, the
//! widest swing on top.

use super::{ChartError, Format, Label, Lang, Mark, Plot, Text, Unit, colour, size, text_style};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters_backend::text_anchor::{HPos, VPos};
use std::path::Path;

/// One parameter of the sensitivity.
#[derive(serde::Serialize, serde::Deserialize, Debug, Clone, PartialEq)]
pub struct TornadoBar {
    /// The parameter (a scenario key or a label).
    pub parameter: Text,
    /// The parameter's low value as written beside its bar end (e.g. `0.55 yuan/kWh`).
    pub low_text: String,
    /// The parameter's high value as written beside its bar end.
    pub high_text: String,
    /// The output with the parameter at its low value [unit of the chart].
    pub output_at_low: f64,
    /// The output with the parameter at its high value [unit of the chart].
    pub output_at_high: f64,
}

/// Data of the tornado chart.
#[derive(serde::Serialize, serde::Deserialize, Debug, Clone, PartialEq)]
pub struct TornadoChart {
    /// The output (e.g. `Label::ParkSaving`).
    pub output: Text,
    /// Unit of the output values.
    pub unit: Unit,
    /// The output with every parameter at its base value [unit].
    pub base_value: f64,
    /// The parameters, in any order (drawn by swing, widest on top).
    pub bars: Vec<TornadoBar>,
}

/// Draw the tornado chart to `path` in `format` with text in `lang`.
///
/// # Errors
/// [`ChartError::InvalidData`] for no parameter or a non-finite number, and drawing or file
/// errors.
pub fn draw(
    data: &TornadoChart,
    lang: Lang,
    path: &Path,
    format: Format,
) -> Result<(), ChartError> {
    super::check_non_empty("bars", &data.bars)?;
    super::check_finite("base_value", data.base_value, "unit of the chart")?;
    for (i, b) in data.bars.iter().enumerate() {
        super::check_finite(
            format!("bars[{i}].output_at_low"),
            b.output_at_low,
            "unit of the chart",
        )?;
        super::check_finite(
            format!("bars[{i}].output_at_high"),
            b.output_at_high,
            "unit of the chart",
        )?;
    }
    super::render(&(data, lang), path, format)
}

/// Bars sorted by swing, narrowest first (drawn bottom to top).
fn by_swing(bars: &[TornadoBar]) -> Vec<&TornadoBar> {
    let mut v: Vec<&TornadoBar> = bars.iter().collect();
    v.sort_by(|a, b| {
        let sa = (a.output_at_high - a.output_at_low).abs();
        let sb = (b.output_at_high - b.output_at_low).abs();
        sa.total_cmp(&sb)
    });
    v
}

impl Plot for (&TornadoChart, Lang) {
    fn plot<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), ChartError> {
        let (data, lang) = *self;
        let unit = data.unit;
        let output = data.output.get(lang);
        let entries = vec![
            (
                Label::LowValue.text(lang).to_string(),
                Mark::Box(colour::BLUE.mix(0.85)),
            ),
            (
                Label::HighValue.text(lang).to_string(),
                Mark::Box(colour::ORANGE.mix(0.9)),
            ),
            (
                Label::BaseCase.fill(lang, &[&unit.format(data.base_value, lang)]),
                Mark::Line(colour::INK),
            ),
        ];
        let area = super::frame(root, &Label::TornadoTitle.fill(lang, &[&output]), &entries)?;
        let bars = by_swing(&data.bars);
        let n = bars.len();
        let (lo, hi) = super::min_max(
            bars.iter()
                .flat_map(|b| [b.output_at_low, b.output_at_high])
                .chain([data.base_value]),
        );
        // Room for the value texts at the bar ends.
        let (lo, hi) = super::padded(lo, hi, 0.18);
        let names: Vec<String> = bars
            .iter()
            .map(|b| b.parameter.get(lang).into_owned())
            .collect();
        let name_w = names
            .iter()
            .map(|s| super::text_backend::text_size(s, size::TICK).0)
            .max()
            .unwrap_or(0);
        let dec = unit.decimals_for_span(lo, hi, lang);
        let mut chart = ChartBuilder::on(&area)
            .margin(16)
            .margin_right(30)
            .x_label_area_size(60)
            .y_label_area_size(name_w + 24)
            .build_cartesian_2d(lo..hi, -0.5..(n as f64 - 0.5))?;
        chart
            .configure_mesh()
            .disable_y_mesh()
            .y_labels(n)
            .y_label_formatter(&super::category_ticks(names))
            .x_labels(10)
            .x_label_formatter(&|x| unit.number(*x, lang, dec))
            .x_desc(super::with_unit(
                &super::capitalise(&output),
                unit.caption(lang),
            ))
            .label_style(("sans-serif", size::TICK))
            .axis_desc_style(("sans-serif", size::AXIS_DESC))
            .bold_line_style(RGBColor(225, 225, 225))
            .light_line_style(TRANSPARENT)
            .draw()?;
        let base = data.base_value;
        for (i, b) in bars.iter().enumerate() {
            let y = i as f64;
            // When both ends lie on the same side of the base case their texts would start at
            // the same height and overprint: the low text goes up, the high text down.
            let same_side = (b.output_at_low - base) * (b.output_at_high - base) > 0.0;
            let shift = if same_side { 0.2 } else { 0.0 };
            for (v, c, text, label_y) in [
                (
                    b.output_at_low,
                    colour::BLUE.mix(0.85),
                    &b.low_text,
                    y + shift,
                ),
                (
                    b.output_at_high,
                    colour::ORANGE.mix(0.9),
                    &b.high_text,
                    y - shift,
                ),
            ] {
                chart.draw_series(std::iter::once(Rectangle::new(
                    [(base, y - 0.32), (v, y + 0.32)],
                    c.filled(),
                )))?;
                let (h, dx) = if v >= base {
                    (HPos::Left, 6)
                } else {
                    (HPos::Right, -6)
                };
                let style = text_style(size::NOTE, colour::INK, h, VPos::Center);
                let label = format!("{text} → {}", unit.format(v, lang));
                let label = if v >= base {
                    label
                } else {
                    format!("{} ← {text}", unit.format(v, lang))
                };
                chart.draw_series(std::iter::once(
                    EmptyElement::at((v, label_y))
                        + plotters::element::Text::new(label, (dx, 0), style),
                ))?;
            }
        }
        chart.draw_series(std::iter::once(PathElement::new(
            vec![(base, -0.5), (base, n as f64 - 0.5)],
            colour::INK.stroke_width(2),
        )))?;
        Ok(())
    }
}

/// Sample data for tests: park saving around 13.2% for five parameters.
#[cfg(test)]
pub(crate) fn sample() -> TornadoChart {
    let bar = |p: &str, lt: &str, ht: &str, l: f64, h: f64| TornadoBar {
        parameter: p.into(),
        low_text: lt.into(),
        high_text: ht.into(),
        output_at_low: l,
        output_at_high: h,
    };
    TornadoChart {
        output: Label::ParkSaving.into(),
        unit: Unit::Fraction,
        base_value: 0.132,
        bars: vec![
            bar("pv.capacity_kw", "2,000", "8,000", 0.118, 0.151),
            bar("tariff.peak_ratio", "1.5", "1.8", 0.121, 0.139),
            bar("market.discount_per_kwh", "0.01", "0.04", 0.109, 0.147),
            bar("storage.capex_per_kwh", "1,400", "800", 0.129, 0.135),
            bar("load.growth_fraction", "−5%", "+5%", 0.136, 0.128),
        ],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_in_both_languages_and_formats() {
        let d = sample();
        super::super::test_util::check_renders("tornado", &d, draw, |l| {
            Label::TornadoTitle.fill(l, &[&d.output.get(l)])
        });
    }

    /// No two value texts overlap, also where both ends of a bar lie on one side of the base
    /// case (they started at the same point before).
    #[test]
    fn value_texts_do_not_overlap() {
        let mut d = sample();
        // Both ends above the base case, far apart and close together.
        d.bars.push(TornadoBar {
            parameter: "finance.discount_rate_fraction".into(),
            low_text: "0.04".into(),
            high_text: "0.10".into(),
            output_at_low: 0.140,
            output_at_high: 0.145,
        });
        let svg =
            String::from_utf8(super::super::render_bytes(&(&d, Lang::En), Format::Svg).unwrap())
                .unwrap();
        let attr = |t: &str, name: &str| -> f64 {
            let k = t.find(&format!(" {name}=\"")).unwrap() + name.len() + 3;
            t[k..].split('"').next().unwrap().parse().unwrap()
        };
        let mut boxes = Vec::new();
        for t in svg.split("<text").skip(1) {
            let (head, rest) = t.split_once('>').unwrap();
            let text = rest.split("</text>").next().unwrap().trim();
            if !(text.contains('→') || text.contains('←')) {
                continue;
            }
            let (x, y) = (attr(head, "x"), attr(head, "y"));
            let (w, h) = super::super::text_backend::text_size(text, size::NOTE);
            let (w, h) = (f64::from(w), f64::from(h));
            let x0 = if head.contains("text-anchor=\"end\"") {
                x - w
            } else {
                x
            };
            boxes.push((text.to_string(), x0, x0 + w, y - h / 2.0, y + h / 2.0));
        }
        assert_eq!(boxes.len(), 2 * d.bars.len());
        for (i, a) in boxes.iter().enumerate() {
            for b in &boxes[i + 1..] {
                let overlap = a.1 < b.2 && b.1 < a.2 && a.3 < b.4 && b.3 < a.4;
                assert!(!overlap, "{} overlaps {}", a.0, b.0);
            }
        }
    }

    #[test]
    fn widest_swing_is_drawn_last_that_is_on_top() {
        let d = sample();
        let order: Vec<_> = by_swing(&d.bars)
            .iter()
            .map(|b| b.parameter.get(Lang::En).into_owned())
            .collect();
        assert_eq!(order.first().unwrap(), "storage.capex_per_kwh");
        assert_eq!(order.last().unwrap(), "market.discount_per_kwh");
    }
}
