//! Helpers of the chart tests: render in both languages and formats, decode and inspect.

use super::{ChartError, Format, HEIGHT_PX, Lang, WIDTH_PX};
use std::collections::HashSet;
use std::path::Path;

/// Decode a PNG into (width, height, RGB bytes).
pub(crate) fn decode_png(bytes: &[u8]) -> (u32, u32, Vec<u8>) {
    let decoder = png::Decoder::new(std::io::Cursor::new(bytes));
    let mut reader = decoder.read_info().expect("a PNG header");
    let mut buf = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut buf).expect("a PNG frame");
    assert_eq!(info.color_type, png::ColorType::Rgb);
    buf.truncate(info.buffer_size());
    (info.width, info.height, buf)
}

/// Render `data` with `draw` in both languages and both formats into a temporary folder and
/// check the files: PNG of the chart size, with many colours and enough ink; SVG holding the
/// title. With `PARKENERGY_CHART_SAMPLES=dir` the files are also written to `dir` for viewing.
pub(crate) fn check_renders<T>(
    name: &str,
    data: &T,
    draw: fn(&T, Lang, &Path, Format) -> Result<(), ChartError>,
    title: impl Fn(Lang) -> String,
) {
    let dir = tempfile::tempdir().unwrap();
    let keep = std::env::var_os("PARKENERGY_CHART_SAMPLES").map(std::path::PathBuf::from);
    for lang in Lang::ALL {
        for format in Format::ALL {
            let file = format!("{name}_{lang:?}.{}", format.extension()).to_lowercase();
            let path = dir.path().join(&file);
            draw(data, lang, &path, format).unwrap();
            let bytes = std::fs::read(&path).unwrap();
            if let Some(k) = &keep {
                crate::report::write_atomic(&k.join(&file), &bytes).unwrap();
            }
            match format {
                Format::Png => check_png(&bytes, &file),
                Format::Svg => {
                    let svg = String::from_utf8(bytes).unwrap();
                    let t = title(lang);
                    assert!(svg.contains(&t), "{file}: no title `{t}`");
                    assert!(svg.starts_with("<svg") && svg.trim_end().ends_with("</svg>"));
                }
            }
        }
    }
    // Nothing but the charts is left in the folder (atomic writes clean up).
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 4);
}

/// A chart PNG: the chart size, more than 40 colours, 2% to 70% non-white pixels.
fn check_png(bytes: &[u8], file: &str) {
    let (w, h, rgb) = decode_png(bytes);
    assert_eq!((w, h), (WIDTH_PX, HEIGHT_PX), "{file}");
    let colours: HashSet<&[u8]> = rgb.chunks(3).collect();
    assert!(colours.len() > 40, "{file}: only {} colours", colours.len());
    let ink = rgb.chunks(3).filter(|p| *p != [255, 255, 255]).count();
    let share = ink as f64 / (w * h) as f64;
    assert!((0.02..0.7).contains(&share), "{file}: ink share {share}");
}

/// The texts of an SVG's `<text>` elements, trimmed and unescaped, in drawing order.
pub(crate) fn svg_texts(svg: &str) -> Vec<String> {
    svg.split("<text")
        .skip(1)
        .filter_map(|t| {
            let inner = t.split_once('>')?.1.split("</text>").next()?;
            Some(
                inner
                    .trim()
                    .replace("&lt;", "<")
                    .replace("&gt;", ">")
                    .replace("&apos;", "'")
                    .replace("&#39;", "'")
                    .replace("&quot;", "\"")
                    .replace("&amp;", "&"),
            )
        })
        .collect()
}
