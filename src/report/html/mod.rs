//! `report.html` (报告): one self-contained page a planner can e-mail. It holds the claims with
//! their margins and assumptions, the savings waterfall, the savings account by measure and bill
//! component, the park's monthly bill, a sortable and filterable table of the enterprises with a
//! ranked "install PV first" list, and a section per enterprise (monthly bills, cash flows, and
//! the typical days where the run kept them).
//!
//! Self-contained: no network and no other file. The charts are the run's own charts inlined as
//! SVG; the subset of the shipped font for the page's characters is inlined as a `data:` URL
//! in an `@font-face` rule; the styles
//! and the small script (sorting, filtering; no library) are inlined too. The page is a
//! minijinja template (`report.html.j2`) filled from a serializable [`Page`]; every value is
//! autoescaped except the charts, the style and the script, which this program makes.
//!
//! Money is shown in yuan in English and in 万元 (10,000 yuan) in Chinese; each number carries
//! its exact value in a `data-v` attribute for sorting. Nothing is recomputed: every figure
//! comes from [`crate::park::ParkResult`], [`crate::report::tables`] and the chart data.
//!
//! This module must not compute metrics or know models' internals.

mod page;
pub mod sweep;
pub mod words;

pub use page::{Page, add_other_pv_ownership, full_stack, page, pv_strategy};

use crate::report::charts::{self, Format, Lang};

/// Name of the page written beside the CSV files.
pub const FILE_NAME: &str = "report.html";

/// The page template.
const TEMPLATE: &str = include_str!("report.html.j2");
/// The page's styles.
const CSS: &str = include_str!("report.css");
/// The page's script: sorting and filtering of tables, no library.
const JS: &str = include_str!("report.js");

/// Why the page could not be made.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum HtmlReportError {
    /// The template failed to render (a bug in the template or its data).
    #[error("rendering report.html failed: {0}")]
    Template(#[from] minijinja::Error),
    /// An output of the run or sweep the page reads could not be read.
    #[error("reading the results for report.html: {0}")]
    Input(String),
    /// The font subset of the page could not be made.
    #[error("embedding the font in report.html failed: {0}")]
    Font(#[from] crate::report::font::FontError),
    /// A chart failed to draw.
    #[error("drawing a chart of report.html failed: {0}")]
    Chart(#[from] charts::ChartError),
}

/// Render a page to HTML text.
///
/// # Errors
/// [`HtmlReportError::Template`] when the template cannot be rendered.
pub fn render(page: &Page) -> Result<String, HtmlReportError> {
    let mut env = minijinja::Environment::new();
    env.set_auto_escape_callback(|_| minijinja::AutoEscape::Html);
    env.add_template("report.html", TEMPLATE)?;
    let t = env.get_template("report.html")?;
    embed_font(&t.render(minijinja::context! { p => page, css => CSS, js => JS })?)
}

/// Where a page's `@font-face` rule goes: the template writes this in the page's style, and
/// [`embed_font`] replaces it with the subset of the page's characters once the page is made.
pub(crate) const FONT_SLOT: &str = "/*@font-face*/";

/// `html` with its [`FONT_SLOT`] replaced by the `@font-face` rule of the font subset of every
/// character the page holds (its text, its inline charts and its script's words), so the page
/// draws with the shipped font on a machine without CJK fonts.
///
/// # Errors
/// [`HtmlReportError::Font`] when the subset cannot be made.
pub(crate) fn embed_font(html: &str) -> Result<String, HtmlReportError> {
    let css = crate::report::font::font_face_css(html)?;
    Ok(html.replacen(FONT_SLOT, &css, 1))
}

/// Standard base64 (RFC 4648, with padding) of `bytes`.
pub fn base64(bytes: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(A[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// A chart as inline SVG markup: the XML declaration removed, a `viewBox` so that it scales
/// with the page, and a role and title for screen readers.
pub(crate) fn inline_svg<P: charts::Plot>(
    chart: &P,
    title: &str,
) -> Result<String, HtmlReportError> {
    let bytes = charts::render_bytes(chart, Format::Svg)?;
    let text = String::from_utf8_lossy(&bytes);
    let start = text.find("<svg").unwrap_or(0);
    let mut svg = text[start..].to_string();
    if !svg[..svg.find('>').unwrap_or(0)].contains("viewBox") {
        svg = svg.replacen(
            "<svg",
            &format!(
                "<svg viewBox=\"0 0 {} {}\"",
                charts::WIDTH_PX,
                charts::HEIGHT_PX
            ),
            1,
        );
    }
    let title = title
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;");
    Ok(svg.replacen(
        "<svg",
        &format!("<svg role=\"img\" aria-label=\"{title}\""),
        1,
    ))
}

/// Money for the page: yuan with thousands separators in English, 万元 with two decimals in
/// Chinese.
pub fn money(x: f64, lang: Lang) -> String {
    match lang {
        Lang::Zh => grouped(x / 1e4, 2),
        Lang::En => grouped(x, 0),
    }
}

/// `x` with `decimals` decimals and a comma every three digits ("-0" shown as "0").
pub fn grouped(x: f64, decimals: usize) -> String {
    if !x.is_finite() {
        return String::new();
    }
    let s = format!("{:.decimals$}", x.abs());
    let (int, frac) = s.split_once('.').map_or((s.as_str(), ""), |(a, b)| (a, b));
    let mut g = String::new();
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            g.push(',');
        }
        g.push(c);
    }
    let zero = s.chars().all(|c| c == '0' || c == '.');
    let sign = if x < 0.0 && !zero { "-" } else { "" };
    if frac.is_empty() {
        format!("{sign}{g}")
    } else {
        format!("{sign}{g}.{frac}")
    }
}

/// A fraction as a percentage with `decimals` decimals, or empty.
pub fn pct(x: Option<f64>, decimals: usize) -> String {
    x.filter(|x| x.is_finite())
        .map_or(String::new(), |x| grouped(x * 100.0, decimals))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_the_rfc_examples() {
        for (i, o) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(base64(i.as_bytes()), o);
        }
    }

    #[test]
    fn money_is_yuan_in_english_and_wan_yuan_in_chinese() {
        assert_eq!(money(61_234_567.0, Lang::En), "61,234,567");
        assert_eq!(money(61_234_567.0, Lang::Zh), "6,123.46");
        assert_eq!(money(-1234.4, Lang::En), "-1,234");
        assert_eq!(money(-0.2, Lang::En), "0");
        assert_eq!(grouped(999.0, 0), "999");
        assert_eq!(grouped(1000.0, 1), "1,000.0");
        assert_eq!(pct(Some(0.1523), 1), "15.2");
        assert_eq!(pct(None, 1), "");
    }
}
