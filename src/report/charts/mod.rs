//! Charts of a study (图表): PNG and SVG files drawn with plotters, with English or Chinese text.
//!
//! One file per chart kind; each has a plain data struct (`…Chart`, numbers and labels only) and a
//! `draw(data, lang, path, format)` function that renders the whole file in memory and writes it
//! with [`crate::report::write_atomic`]. Charts compute nothing but what drawing needs (scales,
//! bins, ordering); the metrics come from the park and sweep results.
//!
//! Text needs no system font: [`text_backend`] wraps plotters' bitmap and SVG backends and
//! renders every label with the full Noto Sans CJK SC face of [`crate::report::font`]; a written
//! SVG embeds the subset of the characters it shows. All visible words come from
//! the table in [`labels`], so both languages stay complete.
//!
//! This module must not read results files or compute metrics.

pub mod distribution;
pub mod heatmap;
pub mod labels;
pub mod monthly_bill;
pub mod payback;
pub mod profiles;
pub mod pv_savings;
pub mod sensitivity;
pub mod text_backend;
pub mod tornado;
pub mod typical_day;
pub mod waterfall;

pub use labels::{Label, Lang, Text};
pub use text_backend::missing_glyphs;

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters_backend::text_anchor::{HPos, Pos, VPos};
use std::path::{Path, PathBuf};
use text_backend::{FontBackend, TextMode};

/// Width of every chart [px].
pub const WIDTH_PX: u32 = 1200;
/// Height of every chart [px].
pub const HEIGHT_PX: u32 = 800;

/// The file format of a chart.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    /// A 1200×800 RGB PNG with the text rasterised from the embedded font.
    Png,
    /// An SVG whose text elements name the font family "Noto Sans CJK SC" then `sans-serif`;
    /// a written file embeds that font's subset of its characters (`@font-face`).
    Svg,
}

impl Format {
    /// Both formats.
    pub const ALL: [Format; 2] = [Format::Png, Format::Svg];

    /// The usual file extension, without the dot.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Png => "png",
            Format::Svg => "svg",
        }
    }
}

/// The file name of chart `stem` in `lang` and `format`: `waterfall.png` in English,
/// `waterfall.zh.png` in Chinese, so that both languages' charts can sit in one folder.
pub fn file_name(stem: &str, lang: Lang, format: Format) -> String {
    match lang {
        Lang::En => format!("{stem}.{}", format.extension()),
        Lang::Zh => format!("{stem}.zh.{}", format.extension()),
    }
}

/// Why a chart could not be drawn or written.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ChartError {
    /// A number or list of the chart data is not drawable.
    #[error("chart data `{field}` = {value}: {reason}")]
    InvalidData {
        /// The field, with its index (`steps[2].saving_yuan`).
        field: String,
        /// The offending value.
        value: String,
        /// What was expected, with the unit.
        reason: String,
    },
    /// plotters reported a drawing error.
    #[error("drawing the chart failed: {0}")]
    Draw(String),
    /// The font subset of an SVG could not be made.
    #[error("embedding the font in the chart failed: {0}")]
    Font(#[from] crate::report::font::FontError),
    /// The PNG encoder failed.
    #[error("encoding the PNG failed: {0}")]
    Encode(String),
    /// Writing the file failed.
    #[error("writing chart {}: {source}", path.display())]
    Io {
        /// The chart file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
}

impl<E: std::error::Error + Send + Sync> From<DrawingAreaErrorKind<E>> for ChartError {
    fn from(e: DrawingAreaErrorKind<E>) -> Self {
        ChartError::Draw(e.to_string())
    }
}

/// A chart that can draw itself on any plotters drawing area.
pub(crate) trait Plot {
    /// Draw on `root` (already filled white).
    fn plot<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), ChartError>;
}

/// Render `chart` in memory in `format` and write it atomically to `path`. An SVG file embeds
/// the font subset of its characters.
pub(crate) fn render<P: Plot>(chart: &P, path: &Path, format: Format) -> Result<(), ChartError> {
    let bytes = render_file_bytes(chart, format)?;
    crate::report::write_atomic(path, &bytes).map_err(|source| ChartError::Io {
        path: path.to_path_buf(),
        source,
    })
}

/// The bytes of a chart file: PNG, or SVG text with the font subset of its characters embedded.
pub(crate) fn render_file_bytes<P: Plot>(chart: &P, format: Format) -> Result<Vec<u8>, ChartError> {
    let bytes = render_bytes(chart, format)?;
    match format {
        Format::Png => Ok(bytes),
        Format::Svg => {
            let svg = String::from_utf8(bytes).map_err(|e| ChartError::Draw(e.to_string()))?;
            Ok(crate::report::font::embed_in_svg(&svg)?.into_bytes())
        }
    }
}

/// Render `chart` in memory: PNG bytes or SVG text (without an embedded font: a page that
/// inlines several charts embeds one subset for all).
pub(crate) fn render_bytes<P: Plot>(chart: &P, format: Format) -> Result<Vec<u8>, ChartError> {
    let size = (WIDTH_PX, HEIGHT_PX);
    match format {
        Format::Png => {
            let mut buf = vec![0u8; (WIDTH_PX * HEIGHT_PX * 3) as usize];
            {
                let backend = BitMapBackend::with_buffer(&mut buf, size);
                let root = FontBackend::new(backend, TextMode::Raster).into_drawing_area();
                root.fill(&WHITE)?;
                chart.plot(&root)?;
                root.present()?;
            }
            encode_png(&buf, WIDTH_PX, HEIGHT_PX)
        }
        Format::Svg => {
            let mut svg = String::new();
            {
                let backend = SVGBackend::with_string(&mut svg, size);
                let root = FontBackend::new(backend, TextMode::Vector).into_drawing_area();
                root.fill(&WHITE)?;
                chart.plot(&root)?;
                root.present()?;
            }
            Ok(svg.into_bytes())
        }
    }
}

/// Encode an RGB buffer as PNG.
fn encode_png(rgb: &[u8], width: u32, height: u32) -> Result<Vec<u8>, ChartError> {
    let mut out = Vec::new();
    let mut enc = png::Encoder::new(&mut out, width, height);
    enc.set_color(png::ColorType::Rgb);
    enc.set_depth(png::BitDepth::Eight);
    let mut w = enc
        .write_header()
        .map_err(|e| ChartError::Encode(e.to_string()))?;
    w.write_image_data(rgb)
        .map_err(|e| ChartError::Encode(e.to_string()))?;
    w.finish().map_err(|e| ChartError::Encode(e.to_string()))?;
    Ok(out)
}

// ---------------------------------------------------------------------------------------------
// Checks of chart data.

/// An `InvalidData` error.
pub(crate) fn invalid(field: impl Into<String>, value: impl ToString, reason: &str) -> ChartError {
    ChartError::InvalidData {
        field: field.into(),
        value: value.to_string(),
        reason: reason.to_string(),
    }
}

/// Check that `v` is finite.
pub(crate) fn check_finite(field: impl Into<String>, v: f64, unit: &str) -> Result<(), ChartError> {
    if v.is_finite() {
        Ok(())
    } else {
        Err(invalid(
            field,
            v,
            &format!("must be a finite number [{unit}]"),
        ))
    }
}

/// Check that every value of `vs` is finite.
pub(crate) fn check_all_finite(field: &str, vs: &[f64], unit: &str) -> Result<(), ChartError> {
    vs.iter()
        .enumerate()
        .try_for_each(|(i, v)| check_finite(format!("{field}[{i}]"), *v, unit))
}

/// Check that a list is not empty.
pub(crate) fn check_non_empty<T>(field: &str, vs: &[T]) -> Result<(), ChartError> {
    if vs.is_empty() {
        Err(invalid(field, "[]", "must hold at least one entry"))
    } else {
        Ok(())
    }
}

// ---------------------------------------------------------------------------------------------
// Look: sizes, colours, fonts.

/// Text sizes in plotters units (the em is size / 1.24 px).
pub(crate) mod size {
    /// Chart title.
    pub const TITLE: f64 = 34.0;
    /// Panel title of small multiples.
    pub const PANEL: f64 = 24.0;
    /// Axis descriptions.
    pub const AXIS_DESC: f64 = 22.0;
    /// Tick labels.
    pub const TICK: f64 = 19.0;
    /// Legend entries.
    pub const LEGEND: f64 = 20.0;
    /// Value labels on bars and annotations.
    pub const NOTE: f64 = 18.0;
}

/// The colour-blind safe palette of Okabe and Ito.
pub(crate) mod colour {
    use plotters::style::RGBColor;
    /// Blue.
    pub const BLUE: RGBColor = RGBColor(0, 114, 178);
    /// Orange.
    pub const ORANGE: RGBColor = RGBColor(230, 159, 0);
    /// Bluish green.
    pub const GREEN: RGBColor = RGBColor(0, 158, 115);
    /// Vermillion.
    pub const VERMILLION: RGBColor = RGBColor(213, 94, 0);
    /// Sky blue.
    pub const SKY: RGBColor = RGBColor(86, 180, 233);
    /// Reddish purple.
    pub const PURPLE: RGBColor = RGBColor(204, 121, 167);
    /// Dark grey for neutral bars and text.
    pub const GREY: RGBColor = RGBColor(110, 110, 110);
    /// Text.
    pub const INK: RGBColor = RGBColor(30, 30, 30);
    /// Claim lines.
    pub const CLAIM: RGBColor = RGBColor(200, 0, 40);
    /// Series colours in order.
    pub const SERIES: [RGBColor; 6] = [BLUE, ORANGE, GREEN, VERMILLION, PURPLE, SKY];
}

/// A text style of `size` in colour `c`, anchored at `pos`.
pub(crate) fn text_style(size: f64, c: RGBColor, h: HPos, v: VPos) -> TextStyle<'static> {
    ("sans-serif", size)
        .into_font()
        .color(&c)
        .pos(Pos::new(h, v))
}

/// Draw the chart title at the top of `root` and return the area below it.
pub(crate) fn titled<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    title: &str,
) -> Result<DrawingArea<DB, Shift>, ChartError> {
    let (w, _) = root.dim_in_pixel();
    let style = text_style(size::TITLE, colour::INK, HPos::Center, VPos::Top);
    root.draw(&plotters::element::Text::new(
        title.to_string(),
        (w as i32 / 2, 14),
        style,
    ))?;
    let (_, below) = root.split_vertically(14 + (size::TITLE / 1.24) as u32 + 16);
    Ok(below)
}

/// What a legend entry shows beside its text.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Mark {
    /// A filled box.
    Box(RGBAColor),
    /// A solid line.
    Line(RGBColor),
    /// A dashed line.
    Dashed(RGBColor),
    /// No mark: a note in the legend row.
    Note,
}

/// Draw a legend: entries in rows, centred in `area`, starting at its top. Returns the height
/// used [px].
pub(crate) fn legend<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    entries: &[(String, Mark)],
) -> Result<u32, ChartError> {
    const SWATCH: i32 = 26;
    const GAP: i32 = 8;
    const SPACING: i32 = 30;
    let (w, _) = area.dim_in_pixel();
    let line_h = (size::LEGEND / 1.24 * 1.6) as i32;
    let widths: Vec<i32> = entries
        .iter()
        .map(|(t, m)| {
            let swatch = if matches!(m, Mark::Note) {
                0
            } else {
                SWATCH + GAP
            };
            swatch + text_backend::text_size(t, size::LEGEND).0 as i32
        })
        .collect();
    // Pack entries into rows.
    let mut rows: Vec<Vec<usize>> = vec![vec![]];
    let mut row_w = 0;
    for (i, ew) in widths.iter().enumerate() {
        let add = if row_w == 0 { *ew } else { SPACING + ew };
        if row_w > 0 && row_w + add > w as i32 - 40 {
            rows.push(vec![]);
            row_w = 0;
        }
        row_w += if row_w == 0 { *ew } else { SPACING + ew };
        rows.last_mut().expect("rows is never empty").push(i);
    }
    let style = text_style(size::LEGEND, colour::INK, HPos::Left, VPos::Center);
    for (r, row) in rows.iter().enumerate() {
        let total: i32 =
            row.iter().map(|&i| widths[i]).sum::<i32>() + SPACING * (row.len() as i32 - 1);
        let mut x = (w as i32 - total) / 2;
        let y = line_h / 2 + r as i32 * line_h;
        for &i in row {
            let (text, mark) = &entries[i];
            draw_mark(area, *mark, x, y, SWATCH)?;
            let tx = if matches!(mark, Mark::Note) {
                x
            } else {
                x + SWATCH + GAP
            };
            area.draw(&plotters::element::Text::new(
                text.clone(),
                (tx, y),
                style.clone(),
            ))?;
            x += widths[i] + SPACING;
        }
    }
    Ok((rows.len() as i32 * line_h) as u32)
}

/// Draw a legend mark of width `w` centred vertically on `y`, starting at `x`.
fn draw_mark<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    mark: Mark,
    x: i32,
    y: i32,
    w: i32,
) -> Result<(), ChartError> {
    match mark {
        Mark::Box(c) => {
            area.draw(&Rectangle::new([(x, y - 8), (x + w, y + 8)], c.filled()))?;
            area.draw(&Rectangle::new(
                [(x, y - 8), (x + w, y + 8)],
                colour::GREY.mix(0.6),
            ))?;
        }
        Mark::Line(c) => {
            area.draw(&PathElement::new(
                vec![(x, y), (x + w, y)],
                c.stroke_width(3),
            ))?;
        }
        Mark::Dashed(c) => {
            area.draw(&PathElement::new(
                vec![(x, y), (x + 10, y)],
                c.stroke_width(3),
            ))?;
            area.draw(&PathElement::new(
                vec![(x + 16, y), (x + w, y)],
                c.stroke_width(3),
            ))?;
        }
        Mark::Note => {}
    }
    Ok(())
}

/// Title, legend strip and plotting area of a chart: returns the area left for the plot.
pub(crate) fn frame<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    title: &str,
    entries: &[(String, Mark)],
) -> Result<DrawingArea<DB, Shift>, ChartError> {
    let below = titled(root, title)?;
    if entries.is_empty() {
        return Ok(below);
    }
    let h = legend(&below, entries)?;
    let (_, plot) = below.split_vertically(h + 6);
    Ok(plot)
}

// ---------------------------------------------------------------------------------------------
// Numbers.

/// `v` with `decimals` decimals and thin grouping of thousands by commas (`1,234.5`).
pub(crate) fn group(v: f64, decimals: usize) -> String {
    let s = format!("{:.*}", decimals, v.abs());
    let (int, frac) = s
        .split_once('.')
        .map_or((s.as_str(), None), |(a, b)| (a, Some(b)));
    let mut out = String::new();
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if let Some(f) = frac {
        out.push('.');
        out.push_str(f);
    }
    let negative = v < 0.0 && s.chars().any(|c| c.is_ascii_digit() && c != '0');
    if negative { format!("−{out}") } else { out }
}

/// The money scale of a language: million yuan in English, 万元 (10⁴ yuan) in Chinese.
pub(crate) fn money_divisor(lang: Lang) -> f64 {
    match lang {
        Lang::En => 1e6,
        Lang::Zh => 1e4,
    }
}

/// Decimals that show a scaled sum with about three significant digits.
pub(crate) fn money_decimals(v: f64) -> usize {
    match v.abs() {
        a if a >= 100.0 => 0,
        a if a >= 10.0 => 1,
        _ => 2,
    }
}

/// A fraction as a percentage: `0.153` → `15.3%`.
pub(crate) fn percent(fraction: f64, decimals: usize) -> String {
    format!("{}%", group(fraction * 100.0, decimals))
}

/// `s` with its first letter in upper case (for English labels used at the start of a caption).
pub(crate) fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map_or(String::new(), |f| f.to_uppercase().chain(c).collect())
}

/// An axis caption with a unit: `Park bill [million yuan]`.
pub(crate) fn with_unit(name: &str, unit: &str) -> String {
    format!("{name} [{unit}]")
}

/// Range `lo..hi` padded by `pad_fraction` of its span, and widened if empty.
pub(crate) fn padded(lo: f64, hi: f64, pad_fraction: f64) -> (f64, f64) {
    let (lo, hi) = if hi > lo {
        (lo, hi)
    } else {
        (lo - 0.5, hi + 0.5)
    };
    let pad = (hi - lo) * pad_fraction;
    (lo - pad, hi + pad)
}

/// Minimum and maximum of the values (`(0, 0)` when there are none).
pub(crate) fn min_max(values: impl IntoIterator<Item = f64>) -> (f64, f64) {
    let mut it = values.into_iter();
    let Some(first) = it.next() else {
        return (0.0, 0.0);
    };
    it.fold((first, first), |(lo, hi), v| (lo.min(v), hi.max(v)))
}

/// The unit of a plotted quantity, which decides how its numbers are written.
#[derive(serde::Serialize, serde::Deserialize, Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Unit {
    /// A fraction, written as a percentage [-].
    Fraction,
    /// Money [yuan], written in million yuan (English) or 万元 (Chinese).
    Yuan,
    /// Money per year [yuan/yr], written in million yuan/yr or 万元/年.
    YuanPerYear,
    /// Years [yr].
    Years,
    /// Power [kW].
    Kw,
    /// Energy [kWh].
    Kwh,
}

impl Unit {
    /// The unit as written in an axis caption.
    pub fn caption(self, lang: Lang) -> &'static str {
        match self {
            Unit::Fraction => "%",
            Unit::Yuan => Label::MoneyUnit.text(lang),
            Unit::YuanPerYear => Label::MoneyPerYearUnit.text(lang),
            Unit::Years => Label::Years.text(lang),
            Unit::Kw => "kW",
            Unit::Kwh => "kWh",
        }
    }

    /// The number `v` in display units (percent, million yuan or 万元, …) [display unit].
    pub(crate) fn scaled(self, v: f64, lang: Lang) -> f64 {
        match self {
            Unit::Fraction => v * 100.0,
            Unit::Yuan | Unit::YuanPerYear => v / money_divisor(lang),
            Unit::Years | Unit::Kw | Unit::Kwh => v,
        }
    }

    /// Decimals for numbers on an axis spanning `lo..hi` (in this unit).
    pub(crate) fn decimals_for_span(self, lo: f64, hi: f64, lang: Lang) -> usize {
        let span = (self.scaled(hi, lang) - self.scaled(lo, lang)).abs();
        match span {
            s if s >= 20.0 => 0,
            s if s >= 2.0 => 1,
            s if s >= 0.2 => 2,
            _ => 3,
        }
    }

    /// `v` written with `decimals` decimals and no unit (for ticks).
    pub(crate) fn number(self, v: f64, lang: Lang, decimals: usize) -> String {
        group(self.scaled(v, lang), decimals)
    }

    /// `v` in display units with about three significant digits and no unit (for value labels).
    pub(crate) fn short(self, v: f64, lang: Lang) -> String {
        let s = self.scaled(v, lang);
        match self {
            Unit::Fraction => group(s, 1),
            _ => group(s, money_decimals(s)),
        }
    }

    /// `v` written with its unit, about three significant digits (for annotations).
    pub fn format(self, v: f64, lang: Lang) -> String {
        let s = self.scaled(v, lang);
        let d = money_decimals(s);
        match (self, lang) {
            (Unit::Fraction, _) => format!("{}%", group(s, 1)),
            (Unit::Yuan | Unit::YuanPerYear, Lang::Zh) | (Unit::Years, Lang::Zh) => {
                format!("{}{}", group(s, d), self.caption(lang))
            }
            _ => format!("{} {}", group(s, d), self.caption(lang)),
        }
    }
}

/// A tick formatter for category axes: integer positions get their label, others nothing.
pub(crate) fn category_ticks(labels: Vec<String>) -> impl Fn(&f64) -> String {
    move |v: &f64| {
        let i = v.round();
        if (v - i).abs() < 1e-6 && i >= 0.0 && (i as usize) < labels.len() {
            labels[i as usize].clone()
        } else {
            String::new()
        }
    }
}

#[cfg(test)]
mod svg_glyph_tests;
#[cfg(test)]
pub(crate) mod test_util;

#[cfg(test)]
mod tests {
    use super::*;
    use test_util::decode_png;

    #[test]
    fn every_label_has_glyphs_in_the_embedded_font() {
        for lang in Lang::ALL {
            for l in Label::ALL {
                let text = l.text(lang);
                let missing = missing_glyphs(text);
                assert!(
                    missing.is_empty(),
                    "{l:?} ({lang:?}) `{text}` lacks {missing:?}"
                );
            }
        }
        // And the symbols used by number formatting.
        assert!(missing_glyphs("0123456789,.−%¥°²·…×±").is_empty());
        // Rare ideographs are in the full face; a character of CJK Extension G (U+30000, not
        // in Noto Sans CJK 2.004) is reported.
        assert!(missing_glyphs("龘燚犇").is_empty());
        assert_eq!(missing_glyphs("a\u{30000}b"), vec!['\u{30000}']);
    }

    #[test]
    fn every_character_of_the_chart_sources_has_a_glyph() {
        // Literals outside the label table (arrows, separators, sample names) are covered too.
        let sources = [
            include_str!("mod.rs"),
            include_str!("labels.rs"),
            include_str!("text_backend.rs"),
            include_str!("waterfall.rs"),
            include_str!("pv_savings.rs"),
            include_str!("distribution.rs"),
            include_str!("monthly_bill.rs"),
            include_str!("typical_day.rs"),
            include_str!("payback.rs"),
            include_str!("tornado.rs"),
            include_str!("sensitivity.rs"),
            include_str!("heatmap.rs"),
            include_str!("profiles.rs"),
        ];
        for (i, s) in sources.iter().enumerate() {
            let missing = missing_glyphs(&s.replace(['\n', '\r', '\t'], ""));
            assert!(missing.is_empty(), "source {i}: {missing:?}");
        }
    }

    #[test]
    fn the_embedded_font_is_noto_sans_cjk_with_the_em_box_used_for_layout() {
        let f = text_backend::font();
        assert_relative_eq!(f.units_per_em().unwrap(), 1000.0);
        // An ideograph's outline lies within the em box 880 above to 120 below the baseline.
        use ab_glyph::Font;
        let b = f.outline(f.glyph_id('节')).unwrap().bounds;
        assert!(b.max.y <= 880.0 && b.min.y >= -120.0, "{b:?}");
        // Advance of an ideograph is one em, of a digit about half.
        let (w, h) = text_backend::text_size("节省", 124.0);
        assert_eq!((w, h), (200, 100));
        let (w, _) = text_backend::text_size("0", 124.0);
        assert!((50..=60).contains(&w), "digit width {w}");
    }

    use approx::assert_relative_eq;

    /// A chart with one centred (or rotated) Chinese text.
    struct OneText(FontTransform);
    impl Plot for OneText {
        fn plot<DB: DrawingBackend>(
            &self,
            root: &DrawingArea<DB, Shift>,
        ) -> Result<(), ChartError> {
            let style = text_style(62.0, RGBColor(200, 0, 0), HPos::Center, VPos::Center)
                .transform(self.0.clone());
            root.draw(&plotters::element::Text::new("节省电费", (600, 400), style))?;
            Ok(())
        }
    }

    /// Bounding box of the non-white pixels and the number of reddish ones.
    fn ink_box(rgb: &[u8]) -> ((u32, u32, u32, u32), usize) {
        let (mut x0, mut y0, mut x1, mut y1, mut red) = (u32::MAX, u32::MAX, 0, 0, 0);
        for (i, p) in rgb.chunks(3).enumerate() {
            if p != [255, 255, 255] {
                let (x, y) = (i as u32 % WIDTH_PX, i as u32 / WIDTH_PX);
                (x0, y0, x1, y1) = (x0.min(x), y0.min(y), x1.max(x), y1.max(y));
                if p[0] > 150 && p[1] < 120 {
                    red += 1;
                }
            }
        }
        ((x0, y0, x1, y1), red)
    }

    #[test]
    fn chinese_text_is_rasterised_in_colour_at_its_anchor() {
        let png = render_bytes(&OneText(FontTransform::None), Format::Png).unwrap();
        let (w, h, rgb) = decode_png(&png);
        assert_eq!((w, h), (WIDTH_PX, HEIGHT_PX));
        let ((x0, y0, x1, y1), red) = ink_box(&rgb);
        // Four ideographs of em 50 px: about 200 × 50 px centred on (600, 400).
        assert!(red > 1500, "only {red} red pixels");
        assert!((594..=606).contains(&((x0 + x1) / 2)), "x {x0}..{x1}");
        assert!((394..=406).contains(&((y0 + y1) / 2)), "y {y0}..{y1}");
        assert!((185..=202).contains(&(x1 - x0)), "width {}", x1 - x0 + 1);
        assert!((40..=52).contains(&(y1 - y0)), "height {}", y1 - y0 + 1);
    }

    #[test]
    fn rotated_text_runs_upwards() {
        let png = render_bytes(&OneText(FontTransform::Rotate270), Format::Png).unwrap();
        let (_, _, rgb) = decode_png(&png);
        let ((x0, y0, x1, y1), red) = ink_box(&rgb);
        assert!(red > 1500);
        assert!((185..=202).contains(&(y1 - y0)), "height {}", y1 - y0 + 1);
        assert!((40..=52).contains(&(x1 - x0)), "width {}", x1 - x0 + 1);
        assert!((394..=406).contains(&((y0 + y1) / 2)), "y {y0}..{y1}");
        assert!((594..=606).contains(&((x0 + x1) / 2)), "x {x0}..{x1}");
    }

    /// A chart using plotters' own caption, axes and series legend (which sizes its box with
    /// plotters' built-in font estimate): nothing of plotters' font system may panic or fail.
    struct PlottersLegend;
    impl Plot for PlottersLegend {
        fn plot<DB: DrawingBackend>(
            &self,
            root: &DrawingArea<DB, Shift>,
        ) -> Result<(), ChartError> {
            let mut chart = ChartBuilder::on(root)
                .caption("负荷 Load", ("sans-serif", 40))
                .x_label_area_size(40)
                .y_label_area_size(60)
                .build_cartesian_2d(0.0..24.0, 0.0..10.0)?;
            chart
                .configure_mesh()
                .x_desc("小时")
                .y_desc("负荷 [kW]")
                .draw()?;
            chart
                .draw_series(LineSeries::new((0..24).map(|h| (h as f64, 5.0)), &RED))?
                .label("工作日")
                .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], RED));
            chart
                .configure_series_labels()
                .label_font(("sans-serif", 20))
                .border_style(BLACK)
                .draw()?;
            Ok(())
        }
    }

    #[test]
    fn plotters_caption_axes_and_legend_draw_through_the_embedded_font() {
        for format in Format::ALL {
            let bytes = render_bytes(&PlottersLegend, format).unwrap();
            if format == Format::Png {
                let (_, _, rgb) = decode_png(&bytes);
                assert!(rgb.chunks(3).filter(|p| p[0] > 150 && p[1] < 100).count() > 100);
            } else {
                let svg = String::from_utf8(bytes).unwrap();
                assert!(svg.contains("工作日") && svg.contains("负荷 [kW]"));
            }
        }
    }

    #[test]
    fn degenerate_but_valid_data_renders_without_error() {
        let dir = tempfile::tempdir().unwrap();
        let p = |n: &str| dir.path().join(n);
        // One value, all equal values, zeros, negatives.
        let mut d = distribution::sample(distribution::DistributionKind::Histogram, 1);
        distribution::draw(&d, Lang::Zh, &p("h1.png"), Format::Png).unwrap();
        d.kind = distribution::DistributionKind::Cdf;
        d.savings_fraction = vec![0.1; 5];
        distribution::draw(&d, Lang::En, &p("c.png"), Format::Png).unwrap();
        let mut h = heatmap::sample();
        h.values.iter_mut().for_each(|v| *v = 0.2);
        heatmap::draw(&h, Lang::Zh, &p("hm.png"), Format::Png).unwrap();
        let mut w = waterfall::sample();
        w.baseline_bill_yuan = 0.0;
        w.all_measures_bill_yuan = 0.0;
        w.steps.iter_mut().for_each(|s| s.saving_yuan = 0.0);
        waterfall::draw(&w, Lang::En, &p("w.png"), Format::Png).unwrap();
        let mut v = pv_savings::sample();
        v.cases[1].saving_yuan_per_year = -1.5e6;
        pv_savings::draw(&v, Lang::Zh, &p("pv.svg"), Format::Svg).unwrap();
        let mut t = typical_day::sample(24);
        t.summer.load_kw.iter_mut().for_each(|x| *x = 0.0);
        t.winter.battery_kw.clear();
        typical_day::draw(&t, Lang::Zh, &p("t.png"), Format::Png).unwrap();
        let mut pb = payback::sample();
        pb.series[0]
            .payback_years
            .iter_mut()
            .for_each(|y| *y = None);
        payback::draw(&pb, Lang::En, &p("pb.png"), Format::Png).unwrap();
        let mut pr = profiles::sample();
        pr.archetypes.truncate(1);
        pr.archetypes[0].weekend_kw.clear();
        profiles::draw(&pr, Lang::Zh, &p("pr.png"), Format::Png).unwrap();
    }

    #[test]
    fn svg_text_names_the_embedded_family() {
        let svg =
            String::from_utf8(render_bytes(&OneText(FontTransform::None), Format::Svg).unwrap())
                .unwrap();
        assert!(svg.contains("节省电费"));
        assert!(svg.contains("Noto Sans CJK SC"));
        assert!(svg.contains("sans-serif"));
    }

    #[test]
    fn numbers_are_grouped_and_scaled() {
        assert_eq!(group(1234567.891, 1), "1,234,567.9");
        assert_eq!(group(-0.004, 2), "0.00");
        assert_eq!(group(-1500.0, 0), "−1,500");
        assert_eq!(Unit::Yuan.format(6_000_000.0, Lang::Zh), "600万元");
        assert_eq!(
            Unit::Yuan.format(6_000_000.0, Lang::En),
            "6.00 million yuan"
        );
        assert_eq!(Unit::YuanPerYear.format(4.794e7, Lang::Zh), "4,794万元/年");
        assert_eq!(Unit::Fraction.short(0.081, Lang::En), "8.1");
        assert_eq!(percent(0.153, 1), "15.3%");
    }
}
