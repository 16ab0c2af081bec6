//! Typical load profiles by archetype (各行业典型负荷曲线): small multiples, one panel per
//! industry archetype, with the workday, weekend and holiday profiles over the hours of a day.

use super::{ChartError, Format, Label, Lang, Mark, Plot, Text, colour, size};
use plotters::coord::Shift;
use plotters::prelude::*;
use std::path::Path;

/// The profiles of one archetype; each a whole number of equal steps over 24 h (24 or 96).
#[derive(serde::Serialize, serde::Deserialize, Debug, Clone, PartialEq)]
pub struct ArchetypeProfile {
    /// The archetype (e.g. `Text::Both { en: "Machinery".into(), zh: "机械制造".into() }`).
    pub archetype: Text,
    /// Typical workday (工作日) profile [kW, or per unit when the chart says so].
    pub workday_kw: Vec<f64>,
    /// Typical weekend (周末) profile; empty when not modelled [kW or per unit].
    pub weekend_kw: Vec<f64>,
    /// Typical holiday (节假日) profile; empty when not modelled [kW or per unit].
    pub holiday_kw: Vec<f64>,
}

/// Data of the profiles chart.
#[derive(serde::Serialize, serde::Deserialize, Debug, Clone, PartialEq)]
pub struct ProfilesChart {
    /// One entry per archetype (1 to 12), drawn row by row.
    pub archetypes: Vec<ArchetypeProfile>,
    /// True when the profiles are already normalised to their peak (axis in per unit).
    pub per_unit: bool,
}

/// Draw the profiles chart to `path` in `format` with text in `lang`.
///
/// # Errors
/// [`ChartError::InvalidData`] for 0 or more than 12 archetypes, a profile whose length does not
/// divide the day into equal steps, or a non-finite number; and drawing or file errors.
pub fn draw(
    data: &ProfilesChart,
    lang: Lang,
    path: &Path,
    format: Format,
) -> Result<(), ChartError> {
    let n = data.archetypes.len();
    if !(1..=12).contains(&n) {
        return Err(super::invalid(
            "archetypes",
            format!("{n} archetypes"),
            "must hold 1 to 12",
        ));
    }
    for (i, a) in data.archetypes.iter().enumerate() {
        for (name, p, optional) in [
            ("workday_kw", &a.workday_kw, false),
            ("weekend_kw", &a.weekend_kw, true),
            ("holiday_kw", &a.holiday_kw, true),
        ] {
            let len = p.len();
            if (len == 0 && !optional) || (len > 0 && 1440 % len != 0) {
                return Err(super::invalid(
                    format!("archetypes[{i}].{name}"),
                    format!("{len} values"),
                    "must hold a whole number of equal steps per day (24 or 96)",
                ));
            }
            super::check_all_finite(&format!("archetypes[{i}].{name}"), p, "kW")?;
        }
    }
    super::render(&(data, lang), path, format)
}

/// Rows and columns of the panel grid for `n` panels.
fn grid(n: usize) -> (usize, usize) {
    match n {
        1 => (1, 1),
        2 => (1, 2),
        3 => (1, 3),
        4 => (2, 2),
        5 | 6 => (2, 3),
        7..=9 => (3, 3),
        _ => (3, 4),
    }
}

const KINDS: [(Label, RGBColor); 3] = [
    (Label::Workday, colour::BLUE),
    (Label::Weekend, colour::ORANGE),
    (Label::Holiday, colour::GREEN),
];

impl Plot for (&ProfilesChart, Lang) {
    fn plot<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), ChartError> {
        let (data, lang) = *self;
        let entries: Vec<(String, Mark)> = KINDS
            .iter()
            .map(|(l, c)| (l.text(lang).to_string(), Mark::Line(*c)))
            .collect();
        let area = super::frame(root, Label::ProfilesTitle.text(lang), &entries)?;
        let (rows, cols) = grid(data.archetypes.len());
        let y_desc = if data.per_unit {
            Label::LoadPerUnit
        } else {
            Label::LoadKw
        };
        let panels = area.split_evenly((rows, cols));
        for (i, (panel, a)) in panels.iter().zip(&data.archetypes).enumerate() {
            // Axis names only on the left column and the bottom row, to save room.
            let left = i % cols == 0;
            let bottom = i / cols == rows - 1 || i + cols >= data.archetypes.len();
            let series = [&a.workday_kw, &a.weekend_kw, &a.holiday_kw];
            let (_, hi) = super::min_max(series.iter().flat_map(|s| s.iter().copied()));
            let hi = if hi > 0.0 { hi * 1.1 } else { 1.0 };
            let mut chart = ChartBuilder::on(panel)
                .caption(a.archetype.get(lang), ("sans-serif", size::PANEL))
                .margin(8)
                .margin_right(18)
                .x_label_area_size(if bottom { 52 } else { 30 })
                .y_label_area_size(if left { 88 } else { 62 })
                .build_cartesian_2d(0.0..24.0, 0.0..hi)?;
            let dec = if hi < 5.0 { 1 } else { 0 };
            let x_fmt = |x: &f64| format!("{x:.0}");
            let y_fmt = |y: &f64| super::group(*y, dec);
            let mut mesh = chart.configure_mesh();
            mesh.x_labels(7)
                .x_label_formatter(&x_fmt)
                .y_labels(5)
                .y_label_formatter(&y_fmt)
                .label_style(("sans-serif", size::TICK - 1.0))
                .axis_desc_style(("sans-serif", size::AXIS_DESC - 2.0))
                .bold_line_style(RGBColor(225, 225, 225))
                .light_line_style(TRANSPARENT);
            if bottom {
                mesh.x_desc(Label::Hour.text(lang));
            }
            if left {
                mesh.y_desc(y_desc.text(lang));
            }
            mesh.draw()?;
            for (s, (_, c)) in series.iter().zip(KINDS) {
                if s.is_empty() {
                    continue;
                }
                let dt = 24.0 / s.len() as f64;
                // Each value is the mean over its step, drawn at the step's middle.
                let pts: Vec<(f64, f64)> = s
                    .iter()
                    .enumerate()
                    .map(|(k, v)| ((k as f64 + 0.5) * dt, *v))
                    .collect();
                chart.draw_series(std::iter::once(PathElement::new(pts, c.stroke_width(3))))?;
            }
        }
        Ok(())
    }
}

/// Sample data for tests: five archetypes, hourly and 15-minute profiles.
#[cfg(test)]
pub(crate) fn sample() -> ProfilesChart {
    let shape = |n: usize, start: f64, end: f64, base: f64, peak: f64| -> Vec<f64> {
        (0..n)
            .map(|k| {
                let t = (k as f64 + 0.5) * 24.0 / n as f64;
                let on = 1.0 / (1.0 + (-(t - start) * 2.0).exp()) * 1.0
                    / (1.0 + ((t - end) * 2.0).exp());
                base + (peak - base) * on
            })
            .collect()
    };
    let arch =
        |en: &str, zh: &str, n: usize, s: f64, e: f64, base: f64, peak: f64| ArchetypeProfile {
            archetype: Text::Both {
                en: en.into(),
                zh: zh.into(),
            },
            workday_kw: shape(n, s, e, base, peak),
            weekend_kw: shape(n, s, e, base, peak * 0.6),
            holiday_kw: shape(n, s, e, base, base * 1.1),
        };
    ProfilesChart {
        archetypes: vec![
            arch("Machinery", "机械制造", 24, 8.0, 18.0, 120.0, 900.0),
            arch("Electronics", "电子", 96, 8.0, 22.0, 300.0, 1400.0),
            arch("Food", "食品", 24, 6.0, 16.0, 80.0, 420.0),
            arch(
                "Materials (3 shifts)",
                "建材（三班）",
                24,
                0.0,
                24.0,
                2000.0,
                2100.0,
            ),
            arch("Logistics", "物流", 96, 7.0, 21.0, 60.0, 260.0),
        ],
        per_unit: false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_in_both_languages_and_formats() {
        super::super::test_util::check_renders("profiles", &sample(), draw, |l| {
            Label::ProfilesTitle.text(l).to_string()
        });
    }

    #[test]
    fn grids_fit_the_panels() {
        for n in 1..=12 {
            let (r, c) = grid(n);
            assert!(r * c >= n && r * c < n + c, "{n}: {r}×{c}");
        }
    }

    #[test]
    fn rejects_a_profile_that_does_not_divide_the_day() {
        let mut d = sample();
        d.archetypes[2].weekend_kw.truncate(7);
        let e = draw(
            &d,
            Lang::En,
            &tempfile::tempdir().unwrap().path().join("p.png"),
            Format::Png,
        )
        .unwrap_err();
        assert!(e.to_string().contains("archetypes[2].weekend_kw"), "{e}");
    }
}
