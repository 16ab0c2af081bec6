#!/usr/bin/env python3
"""Make the font subset embedded by parkenergy's charts (src/report/charts/text_backend.rs).

Source: Noto Sans CJK SC Regular, version 2.004 (SIL Open Font License 1.1), face 2 of
NotoSansCJK-Regular.ttc as packaged by Debian (fonts-noto-cjk 1:20220127).

The subset holds:
  * printable ASCII, Latin-1 punctuation and signs, and a few symbols used in charts
    (%, ¥, °, ², −, ·, …, –, —, ×, ±, ≥, ≤, ‰, full-width punctuation);
  * every non-ASCII character that appears in the source files of src/report/charts/
    (the label table labels.rs and any literal), so no chart label renders as a box;
  * with --common (not the default: it makes the file 1.5 MB instead of about 90 kB), the 3,755
    level-1 hanzi of GB 2312, so that most enterprise and place names given by a user also render.

Run (from the repository root):
    apt-get install fonts-noto-cjk && pip install fonttools
    python3 tools/make_font_subset.py
Writes data/fonts/NotoSansSC-subset.ttf (an uncompressed OpenType font with CFF outlines).
"""
import argparse
import pathlib
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
SOURCE = pathlib.Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
FACE_SC = 2  # index of "Noto Sans CJK SC" in the collection
OUT = ROOT / "data" / "fonts" / "NotoSansSC-subset.ttf"
CHART_SOURCES = ROOT / "src" / "report" / "charts"

ASCII = "U+0020-007E"
LATIN1 = "U+00A0-00BF,U+00D7,U+00F7"  # NBSP..inverted ?, incl. ¥ ° ² · ±, and × ÷
SYMBOLS = "U+2010-2027,U+2030,U+2190-2193,U+2032,U+2033,U+2212,U+2264,U+2265,U+2103,U+25A0-25CF,U+3000-303F,U+FF01-FF5E"


def gb2312_level1():
    """The 3,755 level-1 (most common) hanzi of GB 2312: rows 16 to 55."""
    chars = []
    for row in range(0xB0, 0xD8):
        for cell in range(0xA1, 0xFF):
            try:
                chars.append(bytes([row, cell]).decode("gb2312"))
            except UnicodeDecodeError:
                pass
    return chars


def chart_characters():
    chars = set()
    for path in sorted(CHART_SOURCES.glob("*.rs")):
        chars.update(c for c in path.read_text(encoding="utf-8") if ord(c) > 0x7E)
    return chars


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--source", type=pathlib.Path, default=SOURCE)
    ap.add_argument("--common", action="store_true", help="add the GB 2312 level-1 hanzi")
    args = ap.parse_args()
    chars = chart_characters()
    if args.common:
        chars.update(gb2312_level1())
    text = "".join(sorted(chars))
    cmd = [
        "pyftsubset", str(args.source), f"--font-number={FACE_SC}",
        f"--unicodes={ASCII},{LATIN1},{SYMBOLS}", f"--text={text}",
        "--layout-features=kern,liga,locl", "--name-IDs=*", "--name-languages=*",
        "--no-hinting", f"--output-file={OUT}",
    ]
    subprocess.run(cmd, check=True)
    print(f"{OUT.relative_to(ROOT)}: {OUT.stat().st_size} bytes, {len(chars)} non-ASCII characters",
          file=sys.stderr)


if __name__ == "__main__":
    main()
