//! Typical days of one enterprise (典型日运行曲线): a summer day above a winter day, with load,
//! PV output, battery power and grid import over the hours, on the time-of-use periods
//! (分时电价时段: 低谷, 平段, 高峰, 尖峰) shaded as background bands.

use super::{ChartError, Format, Label, Lang, Mark, Plot, Text, colour, size};
use plotters::coord::Shift;
use plotters::prelude::*;
use std::path::Path;

pub use crate::tariff::TouPeriod;

/// The periods in the legend's order, cheapest first.
const LEGEND_ORDER: [TouPeriod; 4] = [
    TouPeriod::Valley,
    TouPeriod::Flat,
    TouPeriod::Peak,
    TouPeriod::Critical,
];

fn label(p: TouPeriod) -> Label {
    match p {
        TouPeriod::Valley => Label::Valley,
        TouPeriod::Flat => Label::Flat,
        TouPeriod::Peak => Label::Peak,
        TouPeriod::Critical => Label::Critical,
    }
}

/// Band colour: green valley, grey flat, orange peak, red critical peak, all light.
fn band(p: TouPeriod) -> RGBAColor {
    match p {
        TouPeriod::Valley => colour::GREEN.mix(0.14),
        TouPeriod::Flat => RGBColor(160, 160, 160).mix(0.10),
        TouPeriod::Peak => colour::ORANGE.mix(0.22),
        TouPeriod::Critical => colour::CLAIM.mix(0.20),
    }
}

/// One typical day; every series has the same number of equal steps over 24 h (24 or 96).
#[derive(serde::Serialize, serde::Deserialize, Debug, Clone, PartialEq)]
pub struct DayProfile {
    /// Load of the enterprise [kW].
    pub load_kw: Vec<f64>,
    /// PV output [kW]; empty when the enterprise has no PV.
    pub pv_kw: Vec<f64>,
    /// Battery power, discharge positive, charge negative [kW]; empty without storage.
    pub battery_kw: Vec<f64>,
    /// Import from the grid [kW].
    pub grid_import_kw: Vec<f64>,
    /// Time-of-use period of each step (as many as `load_kw`, or 24 for hourly periods).
    pub tou: Vec<TouPeriod>,
}

/// Data of the typical-day chart.
#[derive(serde::Serialize, serde::Deserialize, Debug, Clone, PartialEq)]
pub struct TypicalDayChart {
    /// The enterprise, shown in the title.
    pub enterprise: Text,
    /// A typical summer day (夏季典型日).
    pub summer: DayProfile,
    /// A typical winter day (冬季典型日).
    pub winter: DayProfile,
}

/// Draw the typical-day chart to `path` in `format` with text in `lang`.
///
/// # Errors
/// [`ChartError::InvalidData`] for a series whose length is not that of the load (or 0 for PV
/// and battery), a load that does not divide the day evenly, time-of-use periods that are neither
/// per step nor 24, or a non-finite number; and drawing or file errors.
pub fn draw(
    data: &TypicalDayChart,
    lang: Lang,
    path: &Path,
    format: Format,
) -> Result<(), ChartError> {
    for (name, d) in [("summer", &data.summer), ("winter", &data.winter)] {
        check_day(name, d)?;
    }
    super::render(&(data, lang), path, format)
}

fn check_day(name: &str, d: &DayProfile) -> Result<(), ChartError> {
    let n = d.load_kw.len();
    if n == 0 || 1440 % n != 0 {
        return Err(super::invalid(
            format!("{name}.load_kw"),
            format!("{n} values"),
            "must hold a whole number of equal steps per day (24 or 96)",
        ));
    }
    for (field, s, optional) in [
        ("pv_kw", &d.pv_kw, true),
        ("battery_kw", &d.battery_kw, true),
        ("grid_import_kw", &d.grid_import_kw, false),
    ] {
        if s.len() != n && !(optional && s.is_empty()) {
            return Err(super::invalid(
                format!("{name}.{field}"),
                format!("{} values", s.len()),
                &format!(
                    "must hold {n} values like load_kw{}",
                    if optional { " or none" } else { "" }
                ),
            ));
        }
        super::check_all_finite(&format!("{name}.{field}"), s, "kW")?;
    }
    super::check_all_finite(&format!("{name}.load_kw"), &d.load_kw, "kW")?;
    if d.tou.len() != n && d.tou.len() != 24 {
        return Err(super::invalid(
            format!("{name}.tou"),
            format!("{} periods", d.tou.len()),
            &format!("must hold {n} (one per step) or 24 (hourly) periods"),
        ));
    }
    Ok(())
}

/// Step-line points of a series over 24 h: each value held over its step.
fn steps(values: &[f64]) -> Vec<(f64, f64)> {
    let dt = 24.0 / values.len() as f64;
    values
        .iter()
        .enumerate()
        .flat_map(|(i, v)| [(i as f64 * dt, *v), ((i + 1) as f64 * dt, *v)])
        .collect()
}

/// The four series with their legend label and colour.
fn series(d: &DayProfile) -> [(&[f64], Label, RGBColor, u32); 4] {
    [
        (&d.load_kw, Label::Load, colour::INK, 3),
        (&d.pv_kw, Label::PvOutput, colour::ORANGE, 3),
        (&d.battery_kw, Label::Battery, colour::GREEN, 3),
        (&d.grid_import_kw, Label::GridImport, colour::BLUE, 2),
    ]
}

impl Plot for (&TypicalDayChart, Lang) {
    fn plot<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), ChartError> {
        let (data, lang) = *self;
        let mut entries: Vec<(String, Mark)> = series(&data.summer)
            .iter()
            .map(|(_, l, c, _)| (l.text(lang).to_string(), Mark::Line(*c)))
            .collect();
        for p in LEGEND_ORDER {
            entries.push((label(p).text(lang).to_string(), Mark::Box(band(p))));
        }
        let title = Label::TypicalDayTitle.fill(lang, &[&data.enterprise.get(lang)]);
        let area = super::frame(root, &title, &entries)?;
        let all = [&data.summer, &data.winter];
        let (lo, hi) = super::min_max(all.iter().flat_map(|d| {
            series(d)
                .into_iter()
                .flat_map(|(s, ..)| s.iter().copied())
                .collect::<Vec<_>>()
        }));
        let (lo, hi) = (lo.min(0.0), hi.max(1.0));
        let pad = (hi - lo) * 0.06;
        let (lo, hi) = (if lo < 0.0 { lo - pad } else { 0.0 }, hi + pad);
        let panels = area.split_evenly((2, 1));
        for (panel, (day, name)) in panels.iter().zip([
            (&data.summer, Label::SummerDay),
            (&data.winter, Label::WinterDay),
        ]) {
            day_panel(panel, day, name.text(lang), lang, lo, hi)?;
        }
        Ok(())
    }
}

fn day_panel<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    day: &DayProfile,
    name: &str,
    lang: Lang,
    lo: f64,
    hi: f64,
) -> Result<(), ChartError> {
    let mut chart = ChartBuilder::on(area)
        .caption(name, ("sans-serif", size::PANEL))
        .margin(10)
        .margin_right(30)
        .x_label_area_size(50)
        .y_label_area_size(85)
        .build_cartesian_2d(0.0..24.0, lo..hi)?;
    // Bands first, under the grid and lines.
    let dt = 24.0 / day.tou.len() as f64;
    chart.draw_series(day.tou.iter().enumerate().map(|(i, p)| {
        Rectangle::new(
            [(i as f64 * dt, lo), ((i + 1) as f64 * dt, hi)],
            band(*p).filled(),
        )
    }))?;
    chart
        .configure_mesh()
        .x_labels(13)
        .x_label_formatter(&|x| format!("{x:.0}"))
        .x_desc(Label::Hour.text(lang))
        .y_labels(6)
        .y_label_formatter(&|y| super::group(*y, 0))
        .y_desc(Label::PowerKw.text(lang))
        .label_style(("sans-serif", size::TICK))
        .axis_desc_style(("sans-serif", size::AXIS_DESC))
        .bold_line_style(RGBColor(215, 215, 215).mix(0.6))
        .light_line_style(TRANSPARENT)
        .draw()?;
    if lo < 0.0 {
        chart.draw_series(std::iter::once(PathElement::new(
            vec![(0.0, 0.0), (24.0, 0.0)],
            colour::GREY.stroke_width(1),
        )))?;
    }
    for (s, _, c, w) in series(day) {
        if !s.is_empty() {
            chart.draw_series(std::iter::once(PathElement::new(
                steps(s),
                c.stroke_width(w),
            )))?;
        }
    }
    Ok(())
}

/// Sample data for tests: a two-shift factory with 1 MW PV and a 500 kW battery, Hunan-like
/// time-of-use periods (critical peak in summer evenings).
#[cfg(test)]
pub(crate) fn sample(steps_per_day: usize) -> TypicalDayChart {
    use TouPeriod::*;
    let hourly_tou = |summer: bool| -> Vec<TouPeriod> {
        (0..24)
            .map(|h| match h {
                0..=6 | 23 => Valley,
                11..=13 | 15..=17 => Flat,
                20..=21 if summer => Critical,
                _ => Peak,
            })
            .collect()
    };
    let day = |summer: bool| {
        let n = steps_per_day;
        let h = |i: usize| (i as f64 + 0.5) * 24.0 / n as f64;
        let load: Vec<f64> = (0..n)
            .map(|i| {
                let t = h(i);
                let work = if (8.0..20.0).contains(&t) { 1.0 } else { 0.35 };
                (1800.0 * work + if summer { 250.0 } else { 120.0 })
                    * (1.0 + 0.05 * (t * 1.3).sin())
            })
            .collect();
        let pv: Vec<f64> = (0..n)
            .map(|i| {
                let t = h(i);
                let peak = if summer { 820.0 } else { 430.0 };
                if (6.0..19.0).contains(&t) {
                    peak * (std::f64::consts::PI * (t - 6.0) / 13.0).sin().powi(2)
                } else {
                    0.0
                }
            })
            .collect();
        let battery: Vec<f64> = (0..n)
            .map(|i| match h(i) {
                t if t < 6.0 => -450.0,
                t if (9.0..11.0).contains(&t) => 500.0,
                t if (12.0..14.0).contains(&t) => -300.0,
                t if (18.0..22.0).contains(&t) => 420.0,
                _ => 0.0,
            })
            .collect();
        let grid = (0..n)
            .map(|i| (load[i] - pv[i] - battery[i]).max(0.0))
            .collect();
        let tou = hourly_tou(summer);
        DayProfile {
            load_kw: load,
            pv_kw: pv,
            battery_kw: battery,
            grid_import_kw: grid,
            tou,
        }
    };
    TypicalDayChart {
        enterprise: Text::Both {
            en: "Xiangtan motors".into(),
            zh: "电机厂".into(),
        },
        summer: day(true),
        winter: day(false),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_in_both_languages_and_formats() {
        super::super::test_util::check_renders("typical_day", &sample(96), draw, |l| {
            Label::TypicalDayTitle.fill(l, &[&sample(96).enterprise.get(l)])
        });
    }

    #[test]
    fn hourly_days_render_and_mismatched_series_are_rejected() {
        let dir = tempfile::tempdir().unwrap();
        draw(
            &sample(24),
            Lang::Zh,
            &dir.path().join("d.png"),
            Format::Png,
        )
        .unwrap();
        let mut d = sample(24);
        d.winter.pv_kw.pop();
        let e = draw(&d, Lang::Zh, &dir.path().join("d.png"), Format::Png).unwrap_err();
        assert!(
            e.to_string().contains("winter.pv_kw") && e.to_string().contains("23 values"),
            "{e}"
        );
        let mut d = sample(24);
        d.summer.pv_kw.clear(); // no PV is fine
        draw(&d, Lang::En, &dir.path().join("d.svg"), Format::Svg).unwrap();
    }

    #[test]
    fn step_lines_hold_each_value_over_its_step() {
        assert_eq!(
            steps(&[1.0, 2.0]),
            vec![(0.0, 1.0), (12.0, 1.0), (12.0, 2.0), (24.0, 2.0)]
        );
    }
}
