#!/usr/bin/env python3
"""Make the font shipped with parkenergy (src/report/font.rs): data/fonts/NotoSansCJKsc-Regular.otf.br.

Source: Noto Sans CJK SC Regular, version 2.004 (SIL Open Font License 1.1), face 2 of
NotoSansCJK-Regular.ttc as packaged by Debian (fonts-noto-cjk 1:20220127). The face is written
whole (65,535 glyphs) as a standalone OpenType font and compressed with Brotli (quality 11,
window 2^24); the program decompresses it once per process and subsets it per file.

Run (from the repository root; about two minutes):
    apt-get install fonts-noto-cjk && pip install fonttools brotli
    python3 tools/make_font.py
"""
import hashlib
import io
import pathlib

import brotli
from fontTools.ttLib import TTCollection

ROOT = pathlib.Path(__file__).resolve().parent.parent
SOURCE = pathlib.Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
FACE_SC = 2  # index of "Noto Sans CJK SC" in the collection
OUT = ROOT / "data" / "fonts" / "NotoSansCJKsc-Regular.otf.br"


def main():
    face = TTCollection(str(SOURCE)).fonts[FACE_SC]
    assert face["name"].getDebugName(4) == "Noto Sans CJK SC", face["name"].getDebugName(4)
    buf = io.BytesIO()
    face.save(buf)
    otf = buf.getvalue()
    OUT.write_bytes(brotli.compress(otf, quality=11, lgwin=24))
    print(f"{OUT}: {OUT.stat().st_size} bytes; the OpenType font: {len(otf)} bytes, "
          f"SHA-256 {hashlib.sha256(otf).hexdigest()}")


if __name__ == "__main__":
    main()
