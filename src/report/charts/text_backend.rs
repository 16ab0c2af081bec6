//! A plotters drawing backend that renders text with an embedded font (嵌入字体), so charts need
//! no system font.
//!
//! plotters 0.3.7 built without its `ttf` feature has no font of its own: its default
//! `draw_text` would call a font rasteriser that panics, and its size estimate is a guess. The
//! [`FontBackend`] wraps a `BitMapBackend` or an `SVGBackend`, passes every drawing call through,
//! and replaces the two text calls:
//! * `estimate_text_size` measures the text with the advances of the embedded font;
//! * `draw_text` rasterises the glyphs with `ab_glyph` (bitmaps), honouring colour, anchor and the
//!   90° rotations, or (SVG) writes a `<text>` element whose font-family list starts with the
//!   embedded font's family.
//!
//! Sizes follow plotters' convention: a text style of size `s` has an em of `s / 1.24` pixels
//! (the SVG backend writes `font-size = s / 1.24`). The layout box of a line is one em high, with
//! the baseline at [`ASCENT_EM`] of the em from its top (the ideographic em box of Noto CJK).

use ab_glyph::{Font, FontRef, PxScale, ScaleFont, point};
use plotters_backend::text_anchor::{HPos, Pos, VPos};
use plotters_backend::{
    BackendColor, BackendCoord, BackendStyle, BackendTextStyle, DrawingBackend, DrawingErrorKind,
    FontFamily, FontStyle, FontTransform,
};

/// The font-family list written into SVG text: the embedded font's family first.
pub(crate) const SVG_FONT_FAMILY: &str =
    "Noto Sans CJK SC, Noto Sans SC, Source Han Sans SC, sans-serif";

/// Height of the baseline above the bottom of the em box, as a fraction of the em: OS/2
/// `sTypoAscender` 880 / `unitsPerEm` 1000 of Noto Sans CJK (the em box spans 880 to −120).
pub(crate) const ASCENT_EM: f32 = 0.88;

/// The embedded font: the full Noto Sans CJK SC face of [`crate::report::font`].
pub(crate) fn font() -> &'static FontRef<'static> {
    crate::report::font::full_font()
}

/// The characters of `text` that the embedded font has no glyph for (they would show as boxes).
pub fn missing_glyphs(text: &str) -> Vec<char> {
    let f = font();
    let mut out: Vec<char> = text
        .chars()
        .filter(|c| !c.is_control() && f.glyph_id(*c).0 == 0)
        .collect();
    out.dedup();
    out
}

/// The em of a plotters text size [px].
fn em_px(size: f64) -> f32 {
    (size / 1.24) as f32
}

/// The ab_glyph scale that makes the em `em` pixels.
fn scale_for_em(em: f32) -> PxScale {
    let f = font();
    let upm = f.units_per_em().unwrap_or(1000.0);
    PxScale::from(em * f.height_unscaled() / upm)
}

/// Width and height of `text` at plotters size `size` [px].
pub(crate) fn text_size(text: &str, size: f64) -> (u32, u32) {
    let em = em_px(size);
    let f = font().as_scaled(scale_for_em(em));
    let mut w = 0.0f32;
    let mut prev = None;
    for c in text.chars() {
        let id = f.glyph_id(c);
        if let Some(p) = prev {
            w += f.kern(p, id);
        }
        w += f.h_advance(id);
        prev = Some(id);
    }
    (w.ceil().max(0.0) as u32, em.ceil() as u32)
}

/// How the wrapped backend gets its text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TextMode {
    /// Rasterise glyphs into pixels (bitmap backends).
    Raster,
    /// Let the backend write text elements, with the embedded font's family (SVG).
    Vector,
}

/// A backend that draws through `inner` and renders text with the embedded font.
pub(crate) struct FontBackend<B> {
    inner: B,
    mode: TextMode,
}

impl<B: DrawingBackend> FontBackend<B> {
    /// Wrap `inner`.
    pub(crate) fn new(inner: B, mode: TextMode) -> Self {
        Self { inner, mode }
    }

    /// Rasterise `text` with its top-left (before anchor and rotation) at the anchor `pos`.
    fn raster_text<S: BackendTextStyle>(
        &mut self,
        text: &str,
        style: &S,
        pos: BackendCoord,
    ) -> Result<(), DrawingErrorKind<B::ErrorType>> {
        let color = style.color();
        if color.alpha <= 0.0 {
            return Ok(());
        }
        let em = em_px(style.size());
        let (w, h) = text_size(text, style.size());
        let (w, h) = (w as i32, h as i32);
        let dx = match style.anchor().h_pos {
            HPos::Left => 0,
            HPos::Center => -w / 2,
            HPos::Right => -w,
        };
        let dy = match style.anchor().v_pos {
            VPos::Top => 0,
            VPos::Center => -h / 2,
            VPos::Bottom => -h,
        };
        let trans = style.transform();
        let scaled = font().as_scaled(scale_for_em(em));
        let baseline = em * ASCENT_EM;
        let mut caret = 0.0f32;
        let mut prev = None;
        for c in text.chars() {
            let id = scaled.glyph_id(c);
            if let Some(p) = prev {
                caret += scaled.kern(p, id);
            }
            prev = Some(id);
            let glyph = id.with_scale_and_position(scaled.scale(), point(caret, baseline));
            caret += scaled.h_advance(id);
            let Some(outline) = font().outline_glyph(glyph) else {
                continue; // a space
            };
            let b = outline.px_bounds();
            let (x0, y0) = (b.min.x as i32, b.min.y as i32);
            let mut result = Ok(());
            outline.draw(|gx, gy, coverage| {
                if result.is_err() || coverage < 1.0 / 255.0 {
                    return;
                }
                let (lx, ly) = (x0 + gx as i32 + dx, y0 + gy as i32 + dy);
                let (tx, ty) = trans.transform(lx, ly);
                let c = BackendColor {
                    alpha: color.alpha * f64::from(coverage.min(1.0)),
                    rgb: color.rgb,
                };
                result = self.inner.draw_pixel((pos.0 + tx, pos.1 + ty), c);
            });
            result?;
        }
        Ok(())
    }
}

/// A text style whose family is the embedded font's family list (for SVG text).
struct SvgFamily<'a, S>(&'a S);

impl<S: BackendTextStyle> BackendTextStyle for SvgFamily<'_, S> {
    type FontError = S::FontError;
    fn color(&self) -> BackendColor {
        self.0.color()
    }
    fn size(&self) -> f64 {
        self.0.size()
    }
    fn transform(&self) -> FontTransform {
        self.0.transform()
    }
    fn style(&self) -> FontStyle {
        self.0.style()
    }
    fn anchor(&self) -> Pos {
        self.0.anchor()
    }
    fn family(&self) -> FontFamily<'_> {
        FontFamily::Name(SVG_FONT_FAMILY)
    }
    fn layout_box(&self, text: &str) -> Result<((i32, i32), (i32, i32)), Self::FontError> {
        let (w, h) = text_size(text, self.0.size());
        Ok(((0, 0), (w as i32, h as i32)))
    }
    fn draw<E, F: FnMut(i32, i32, BackendColor) -> Result<(), E>>(
        &self,
        text: &str,
        pos: BackendCoord,
        draw: F,
    ) -> Result<Result<(), E>, Self::FontError> {
        self.0.draw(text, pos, draw)
    }
}

impl<B: DrawingBackend> DrawingBackend for FontBackend<B> {
    type ErrorType = B::ErrorType;

    fn get_size(&self) -> (u32, u32) {
        self.inner.get_size()
    }
    fn ensure_prepared(&mut self) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.inner.ensure_prepared()
    }
    fn present(&mut self) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.inner.present()
    }
    fn draw_pixel(
        &mut self,
        point: BackendCoord,
        color: BackendColor,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.inner.draw_pixel(point, color)
    }
    fn draw_line<S: BackendStyle>(
        &mut self,
        from: BackendCoord,
        to: BackendCoord,
        style: &S,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.inner.draw_line(from, to, style)
    }
    fn draw_rect<S: BackendStyle>(
        &mut self,
        upper_left: BackendCoord,
        bottom_right: BackendCoord,
        style: &S,
        fill: bool,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.inner.draw_rect(upper_left, bottom_right, style, fill)
    }
    fn draw_path<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        path: I,
        style: &S,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.inner.draw_path(path, style)
    }
    fn draw_circle<S: BackendStyle>(
        &mut self,
        center: BackendCoord,
        radius: u32,
        style: &S,
        fill: bool,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.inner.draw_circle(center, radius, style, fill)
    }
    fn fill_polygon<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        vert: I,
        style: &S,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.inner.fill_polygon(vert, style)
    }
    fn blit_bitmap(
        &mut self,
        pos: BackendCoord,
        size: (u32, u32),
        src: &[u8],
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.inner.blit_bitmap(pos, size, src)
    }
    fn estimate_text_size<S: BackendTextStyle>(
        &self,
        text: &str,
        style: &S,
    ) -> Result<(u32, u32), DrawingErrorKind<Self::ErrorType>> {
        Ok(text_size(text, style.size()))
    }
    fn draw_text<S: BackendTextStyle>(
        &mut self,
        text: &str,
        style: &S,
        pos: BackendCoord,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        match self.mode {
            TextMode::Raster => self.raster_text(text, style, pos),
            TextMode::Vector => self.inner.draw_text(text, &SvgFamily(style), pos),
        }
    }
}
