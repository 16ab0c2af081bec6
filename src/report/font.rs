//! The font of charts and pages (字体): a full CJK face shipped with the program, and the subset
//! of it that each written SVG chart and each `report.html` embeds.
//!
//! The full face is Noto Sans CJK SC Regular (SIL OFL 1.1, 65,535 glyphs: every CJK ideograph of
//! the Unified block and Extension A, kana, hangul, Latin, Greek, Cyrillic), stored
//! Brotli-compressed in `data/fonts/` and decompressed once per process. PNG charts rasterise
//! from it directly, so no character a user gives draws as a box.
//!
//! A file that is read elsewhere embeds only the glyphs it uses: [`subset_for`] keeps printable
//! ASCII and every other character of a text, [`font_face_css`] wraps that subset in an
//! `@font-face` rule, and [`embed_in_svg`] adds the rule to an SVG. The subset is an OpenType
//! font with CFF outlines and a Unicode `cmap` (made with the `allsorts` subsetter), the same
//! bytes for the same text whatever the thread count.
//!
//! This module must not know about charts' contents or models.

use ab_glyph::{Font, FontRef};
use std::collections::BTreeSet;
use std::io::Read;
use std::sync::OnceLock;

/// Noto Sans CJK SC Regular 2.004 (OpenType, CFF outlines) compressed with Brotli; see
/// `data/fonts/README.md`.
static FULL_FONT_BR: &[u8] = include_bytes!("../../data/fonts/NotoSansCJKsc-Regular.otf.br");

/// The family name under which the subset is declared in `@font-face` rules: the first family
/// of the charts' and the page's font lists.
pub const FAMILY: &str = "Noto Sans CJK SC";

/// Why a font subset could not be made (a bug: the shipped font is checked by tests).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum FontError {
    /// The subsetter failed.
    #[error("making the font subset failed: {0}")]
    Subset(String),
}

/// The full face, decompressed once per process.
pub(crate) fn full_font_bytes() -> &'static [u8] {
    static BYTES: OnceLock<Vec<u8>> = OnceLock::new();
    BYTES.get_or_init(|| {
        let mut out = Vec::with_capacity(16 << 20);
        brotli_decompressor::Decompressor::new(FULL_FONT_BR, 1 << 16)
            .read_to_end(&mut out)
            .expect("the shipped font decompresses (checked by a test)");
        out
    })
}

/// The parsed full face.
pub(crate) fn full_font() -> &'static FontRef<'static> {
    static FONT: OnceLock<FontRef<'static>> = OnceLock::new();
    FONT.get_or_init(|| {
        FontRef::try_from_slice(full_font_bytes())
            .expect("the shipped font parses (checked by a test)")
    })
}

/// The characters a subset for `text` covers: printable ASCII (digits and signs that numbers
/// need) and every character of `text` that is not a control character.
pub fn characters_for(text: &str) -> BTreeSet<char> {
    (' '..='~')
        .chain(text.chars().filter(|c| !c.is_control()))
        .collect()
}

/// An OpenType font with the glyphs of [`characters_for`]`(text)` and `.notdef`, and a Unicode
/// `cmap` for them.
///
/// # Errors
/// [`FontError::Subset`] when the subsetter fails (not expected for the shipped font).
pub fn subset_for(text: &str) -> Result<Vec<u8>, FontError> {
    use allsorts::binary::read::ReadScope;
    use allsorts::font_data::FontData;
    use allsorts::subset::{CmapTarget, SubsetProfile, subset};
    let font = full_font();
    let mut ids: Vec<u16> = characters_for(text)
        .into_iter()
        .map(|c| font.glyph_id(c).0)
        .filter(|&id| id != 0)
        .collect();
    ids.sort_unstable();
    ids.dedup();
    ids.insert(0, 0);
    let data = ReadScope::new(full_font_bytes())
        .read::<FontData<'_>>()
        .map_err(|e| FontError::Subset(e.to_string()))?;
    let provider = data
        .table_provider(0)
        .map_err(|e| FontError::Subset(e.to_string()))?;
    subset(
        &provider,
        &ids,
        &SubsetProfile::Minimal,
        CmapTarget::Unicode,
    )
    .map_err(|e| FontError::Subset(e.to_string()))
}

/// An `@font-face` rule declaring [`FAMILY`] with the subset for `text` inlined as a `data:` URL.
///
/// # Errors
/// [`FontError::Subset`] when the subset cannot be made.
pub fn font_face_css(text: &str) -> Result<String, FontError> {
    Ok(format!(
        "@font-face{{font-family:\"{FAMILY}\";src:url(data:font/otf;base64,{}) format(\"opentype\");}}",
        crate::report::html::base64(&subset_for(text)?)
    ))
}

/// `svg` with a `<style>` element right after its opening tag that declares the subset of the
/// characters in `svg` (the text of its labels), so the file draws the same on any machine.
/// An SVG without an `<svg` element is returned unchanged.
///
/// # Errors
/// [`FontError::Subset`] when the subset cannot be made.
pub fn embed_in_svg(svg: &str) -> Result<String, FontError> {
    let Some(open) = svg.find("<svg") else {
        return Ok(svg.to_string());
    };
    let Some(end) = svg[open..].find('>').map(|i| open + i + 1) else {
        return Ok(svg.to_string());
    };
    let css = font_face_css(svg)?;
    Ok(format!(
        "{}\n<defs><style>{css}</style></defs>{}",
        &svg[..end],
        &svg[end..]
    ))
}

/// The font embedded in a file by [`embed_in_svg`] or a page's `@font-face` rule: the bytes of
/// the first `data:font/otf;base64,` URL of `text`, or `None`.
pub fn embedded_font(text: &str) -> Option<Vec<u8>> {
    const MARK: &str = "data:font/otf;base64,";
    let start = text.find(MARK)? + MARK.len();
    let len = text[start..].find(|c: char| !(c.is_ascii_alphanumeric() || "+/=".contains(c)))?;
    base64_decode(&text[start..start + len])
}

/// Decode standard base64 (RFC 4648, with padding); `None` on a character outside the alphabet.
fn base64_decode(s: &str) -> Option<Vec<u8>> {
    fn val(c: u8) -> Option<u32> {
        match c {
            b'A'..=b'Z' => Some(u32::from(c - b'A')),
            b'a'..=b'z' => Some(u32::from(c - b'a') + 26),
            b'0'..=b'9' => Some(u32::from(c - b'0') + 52),
            b'+' => Some(62),
            b'/' => Some(63),
            _ => None,
        }
    }
    let bytes = s.trim_end_matches('=').as_bytes();
    let mut out = Vec::with_capacity(bytes.len() * 3 / 4);
    for chunk in bytes.chunks(4) {
        let mut n = 0u32;
        for (i, &c) in chunk.iter().enumerate() {
            n |= val(c)? << (18 - 6 * i);
        }
        let take = chunk.len().saturating_sub(1);
        out.extend_from_slice(&n.to_be_bytes()[1..1 + take]);
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_full_font_is_noto_sans_cjk_sc_with_every_uro_ideograph() {
        let f = full_font();
        assert_eq!(f.glyph_count(), 65_535);
        let missing: Vec<char> = ('\u{4E00}'..='\u{9FA5}')
            .chain('\u{3400}'..='\u{4DB5}')
            .filter(|&c| f.glyph_id(c).0 == 0)
            .collect();
        assert!(
            missing.is_empty(),
            "{} missing: {:?}",
            missing.len(),
            &missing[..missing.len().min(20)]
        );
    }

    #[test]
    fn a_subset_maps_exactly_the_characters_of_its_text() {
        let bytes = subset_for("龘燚犇 永州").expect("subset");
        let f = FontRef::try_from_slice(&bytes).expect("the subset parses");
        for c in "龘燚犇永州0123456789.,%-".chars() {
            assert_ne!(f.glyph_id(c).0, 0, "{c} lost");
        }
        assert_eq!(f.glyph_id('机').0, 0, "a character not in the text is kept");
        // 95 printable ASCII characters (space included), 5 ideographs, .notdef.
        assert_eq!(f.glyph_count(), 95 + 5 + 1);
        assert!(bytes.len() < 60_000, "{} bytes", bytes.len());
    }

    #[test]
    fn a_subset_is_the_same_bytes_for_the_same_text() {
        assert_eq!(subset_for("永州 abc").ok(), subset_for("州永 cba").ok());
    }

    #[test]
    fn an_svg_carries_its_subset_and_it_can_be_read_back() {
        let svg = "<?xml version=\"1.0\"?>\n<svg width=\"10\" height=\"10\" xmlns=\"http://www.w3.org/2000/svg\"><text>犇</text></svg>";
        let out = embed_in_svg(svg).expect("embeds");
        assert!(out.starts_with("<?xml version=\"1.0\"?>\n<svg width"));
        assert!(out.ends_with("<text>犇</text></svg>"));
        let font = embedded_font(&out).expect("a font is embedded");
        let f = FontRef::try_from_slice(&font).expect("parses");
        assert_ne!(f.glyph_id('犇').0, 0);
    }

    #[test]
    fn base64_round_trips() {
        for s in ["", "f", "fo", "foo", "foob", "fooba", "foobar"] {
            let enc = crate::report::html::base64(s.as_bytes());
            assert_eq!(base64_decode(&enc).as_deref(), Some(s.as_bytes()), "{s}");
        }
        assert_eq!(base64_decode("a*=="), None);
    }
}
