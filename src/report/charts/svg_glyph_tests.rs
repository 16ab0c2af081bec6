//! Every chart's SVG file, laid out by an independent renderer (usvg, the parser of resvg) that
//! is given no font but the one the file embeds (no system font): no character may lack a glyph,
//! with enterprise and archetype names in Chinese as a user would give them, rare ideographs
//! included.

use super::labels::Text;
use super::{Format, Lang, render_file_bytes};

/// The texts of `svg` whose characters resolve to no glyph (glyph 0) in usvg's layout, with
/// only the font embedded in `svg` available; and the number of glyphs laid out.
pub(crate) fn missing_in(svg: &str) -> (Vec<String>, usize) {
    let font = crate::report::font::embedded_font(svg).expect("the SVG embeds a font");
    missing_with(svg, font)
}

/// As [`missing_in`], with `font` the only font.
fn missing_with(svg: &str, font: Vec<u8>) -> (Vec<String>, usize) {
    let mut db = usvg::fontdb::Database::new();
    db.load_font_data(font);
    let opt = usvg::Options {
        fontdb: std::sync::Arc::new(db),
        font_family: "Noto Sans CJK SC".into(),
        ..Default::default()
    };
    let tree = usvg::Tree::from_str(svg, &opt).expect("the SVG parses");
    let (mut missing, mut glyphs) = (Vec::new(), 0);
    walk(tree.root(), &mut missing, &mut glyphs);
    (missing, glyphs)
}

fn walk(g: &usvg::Group, missing: &mut Vec<String>, glyphs: &mut usize) {
    for node in g.children() {
        match node {
            usvg::Node::Group(g) => walk(g, missing, glyphs),
            usvg::Node::Text(t) => {
                for span in t.layouted() {
                    for pg in &span.positioned_glyphs {
                        *glyphs += 1;
                        if pg.id.0 == 0 {
                            missing.push(pg.text.clone());
                        }
                    }
                }
            }
            _ => {}
        }
    }
}

/// Every chart kind in both languages, with user names in Chinese where a chart shows names
/// (rare ideographs outside the 3,755 common hanzi of GB 2312 level 1 among them).
fn all_svgs() -> Vec<(String, String)> {
    let mut out = Vec::new();
    let name = Text::Plain("燚犇龘永州精密机械 (tariff+market+pv+storage)".into());
    for lang in Lang::ALL {
        let mut push = |kind: &str, bytes: Vec<u8>| {
            out.push((
                format!("{kind} {lang:?}"),
                String::from_utf8(bytes).expect("SVG is UTF-8"),
            ));
        };
        let svg = |b: Result<Vec<u8>, super::ChartError>| b.expect("renders");
        push(
            "waterfall",
            svg(render_file_bytes(
                &(&super::waterfall::sample(), lang),
                Format::Svg,
            )),
        );
        push(
            "monthly_bill",
            svg(render_file_bytes(
                &(&super::monthly_bill::sample(), lang),
                Format::Svg,
            )),
        );
        push(
            "payback",
            svg(render_file_bytes(
                &(&super::payback::sample(), lang),
                Format::Svg,
            )),
        );
        push(
            "pv_savings",
            svg(render_file_bytes(
                &(&super::pv_savings::sample(), lang),
                Format::Svg,
            )),
        );
        push(
            "tornado",
            svg(render_file_bytes(
                &(&super::tornado::sample(), lang),
                Format::Svg,
            )),
        );
        push(
            "sensitivity",
            svg(render_file_bytes(
                &(&super::sensitivity::sample(), lang),
                Format::Svg,
            )),
        );
        push(
            "heatmap",
            svg(render_file_bytes(
                &(&super::heatmap::sample(), lang),
                Format::Svg,
            )),
        );
        let mut profiles = super::profiles::sample();
        if let Some(p) = profiles.archetypes.first_mut() {
            p.archetype = Text::Plain("磁性材料烧结 鑫淼".into());
        }
        push(
            "profiles",
            svg(render_file_bytes(&(&profiles, lang), Format::Svg)),
        );
        let mut day = super::typical_day::sample(24);
        day.enterprise = name.clone();
        push(
            "typical_day",
            svg(render_file_bytes(&(&day, lang), Format::Svg)),
        );
        for kind in [
            super::distribution::DistributionKind::Histogram,
            super::distribution::DistributionKind::SampleHistogram,
            super::distribution::DistributionKind::Cdf,
        ] {
            let d = super::distribution::sample(kind, 60);
            push(
                "distribution",
                svg(render_file_bytes(&(&d, lang), Format::Svg)),
            );
        }
    }
    out
}

#[test]
fn every_chart_svg_has_a_glyph_for_every_character_without_system_fonts() {
    for (what, svg) in all_svgs() {
        let (missing, glyphs) = missing_in(&svg);
        assert!(glyphs > 20, "{what}: only {glyphs} glyphs laid out");
        assert!(missing.is_empty(), "{what}: no glyph for {missing:?}");
    }
}

/// The check finds a character the embedded font lacks (it is not vacuous): a subset made for
/// other text leaves out the rare ideographs of the name.
#[test]
fn a_character_outside_the_font_is_found_missing() {
    let svg = r#"<svg xmlns="http://www.w3.org/2000/svg" width="200" height="50"><text x="5" y="30" font-family="Noto Sans CJK SC" font-size="16">ab燚龘</text></svg>"#;
    let other = crate::report::font::subset_for("永州").expect("subset");
    let (missing, glyphs) = missing_with(svg, other);
    assert_eq!(glyphs, 4);
    assert_eq!(missing, ["燚", "龘"]);
    let (missing, _) = missing_in(&crate::report::font::embed_in_svg(svg).expect("embeds"));
    assert!(missing.is_empty(), "{missing:?}");
}

/// The rare ideographs of the test names lie outside the 3,755 level-1 hanzi of GB 2312 (GBK
/// bytes B0A1–D7F9), which with the labels made the subset shipped before: the glyph test above
/// fails with that subset.
#[test]
fn the_test_names_need_more_than_the_common_hanzi() {
    for c in ['燚', '犇', '龘', '鑫', '淼'] {
        let text = c.to_string();
        let (bytes, _, unmappable) = encoding_rs::GBK.encode(&text);
        let level1 = !unmappable && bytes.len() == 2 && (0xB0..=0xD7).contains(&bytes[0]);
        assert!(!level1, "{c} is a level-1 hanzi ({bytes:02X?})");
    }
    // And a common one is level 1, so the check can tell.
    let (bytes, _, _) = encoding_rs::GBK.encode("永");
    assert!((0xB0..=0xD7).contains(&bytes[0]), "{bytes:02X?}");
}
