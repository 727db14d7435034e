#!/usr/bin/env python3
"""Makes the bundled fallback fonts from Debian's Noto packages, reproducibly.

Run once when the set changes, and commit the result:
    apt-get install fonts-noto-core fonts-noto-cjk && pip install fonttools
    python3 assets/fonts/bundle.py

Liberation Sans stays the default face; these cover what it does not, so that a summary
in a community language or a name in any script prints instead of failing the build:
Arabic (and Urdu), Bengali, Devanagari, Gujarati, Gurmukhi (Punjabi), Tamil, Sinhala,
Hebrew, Thai, Armenian, Georgian, Ethiopic (Tigrinya, Amharic), extended Latin, Greek and
Cyrillic, symbols, monochrome emoji, and Chinese, cut to the characters of GB 2312 and Big5's common set
(plus kana and CJK punctuation) to keep the binary within its font budget. All are under
the SIL Open Font Licence (LICENSE-Noto.txt)."""
import shutil, sys
from pathlib import Path
from fontTools.ttLib import TTCollection
from fontTools import subset

HERE = Path(__file__).resolve().parent
NOTO = Path("/usr/share/fonts/truetype/noto")
CJK = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
WHOLE = [
    "NotoSans-Regular.ttf", "NotoSans-Bold.ttf",
    "NotoSansArabic-Regular.ttf", "NotoSansArabic-Bold.ttf",
    "NotoSansBengali-Regular.ttf", "NotoSansBengali-Bold.ttf",
    "NotoSansDevanagari-Regular.ttf", "NotoSansDevanagari-Bold.ttf",
    "NotoSansGujarati-Regular.ttf", "NotoSansGujarati-Bold.ttf",
    "NotoSansGurmukhi-Regular.ttf", "NotoSansGurmukhi-Bold.ttf",
    "NotoSansTamil-Regular.ttf", "NotoSansSinhala-Regular.ttf",
    "NotoSansHebrew-Regular.ttf", "NotoSansThai-Regular.ttf",
    "NotoSansArmenian-Regular.ttf", "NotoSansGeorgian-Regular.ttf",
    "NotoSansEthiopic-Regular.ttf",
    "NotoSansSymbols-Regular.ttf", "NotoSansSymbols2-Regular.ttf",
]

def cjk_characters():
    chars = set()
    # GB 2312: rows 0xB0-0xF7 (hanzi) and 0xA1-0xA9 (punctuation, kana, Greek...).
    for hi in list(range(0xA1, 0xAA)) + list(range(0xB0, 0xF8)):
        for lo in range(0xA1, 0xFF):
            try:
                chars.add(bytes([hi, lo]).decode("gb2312"))
            except UnicodeDecodeError:
                pass
    # Big5 level 1, the frequent traditional characters (0xA440-0xC67E), and its symbols.
    for hi in list(range(0xA1, 0xA4)) + list(range(0xA4, 0xC7)):
        for lo in list(range(0x40, 0x7F)) + list(range(0xA1, 0xFF)):
            if (hi, lo) > (0xC6, 0x7E):
                continue
            try:
                chars.add(bytes([hi, lo]).decode("big5"))
            except UnicodeDecodeError:
                pass
    chars.update(chr(c) for c in range(0x3000, 0x3100))   # CJK punctuation, kana
    chars.update(chr(c) for c in range(0xFF00, 0xFFF0))   # full-width forms
    return "".join(sorted(chars))

def to_truetype(font):
    """CFF outlines to TrueType quadratics. Widths then come from one table (hmtx), as
    PDF/A-2b's check of embedded widths wants; CID-keyed CFF subsets failed it."""
    from fontTools.pens.cu2quPen import Cu2QuPen
    from fontTools.pens.ttGlyphPen import TTGlyphPen
    from fontTools.ttLib import newTable
    order = font.getGlyphOrder()
    glyphs = font.getGlyphSet()
    glyf = newTable("glyf")
    glyf.glyphOrder = order
    glyf.glyphs = {}
    for name in order:
        pen = TTGlyphPen(glyphs)
        glyphs[name].draw(Cu2QuPen(pen, max_err=1.0, reverse_direction=True))
        glyf[name] = pen.glyph()
    for name in order:
        if glyf[name].numberOfContours:
            glyf[name].recalcBounds(glyf)
    font["glyf"] = glyf
    font["loca"] = newTable("loca")
    maxp = font["maxp"]
    maxp.tableVersion = 0x00010000
    for attr in ("maxPoints", "maxContours", "maxCompositePoints", "maxCompositeContours", "maxComponentDepth", "maxZones", "maxTwilightPoints", "maxStorage", "maxFunctionDefs", "maxInstructionDefs", "maxStackElements", "maxSizeOfInstructions", "maxComponentElements"):
        setattr(maxp, attr, 0)
    maxp.maxZones = 1
    font["head"].indexToLocFormat = 0
    font["head"].glyphDataFormat = 0
    del font["CFF "]
    if "VORG" in font:
        del font["VORG"]
    font.sfntVersion = "\x00\x01\x00\x00"
    # CID-keyed fonts name glyphs cid00001...; give post no names (format 3).
    font["post"].formatType = 3.0

def noto_emoji():
    """Monochrome Noto Emoji (OFL), from the npm registry's @expo-google-fonts/noto-emoji,
    which ships the Google Fonts TTF: emoji print as black-and-white symbols."""
    import subprocess, tarfile, tempfile
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(["npm", "pack", "@expo-google-fonts/noto-emoji@0.4.7", "--silent"], cwd=tmp, check=True)
        tgz = next(Path(tmp).glob("*.tgz"))
        with tarfile.open(tgz) as t:
            data = t.extractfile("package/400Regular/NotoEmoji_400Regular.ttf").read()
    (HERE / "NotoEmoji-Regular.ttf").write_bytes(data)

def main():
    noto_emoji()
    for name in WHOLE:
        shutil.copyfile(NOTO / name, HERE / name)
    face = TTCollection(str(CJK)).fonts[2]  # Noto Sans CJK SC
    face.save(str(Path("/tmp") / "NotoSansCJKsc-Regular.otf"))
    opts = subset.Options()
    opts.layout_features = ["*"]
    opts.name_IDs = ["*"]
    opts.notdef_outline = True
    font = subset.load_font("/tmp/NotoSansCJKsc-Regular.otf", opts)
    s = subset.Subsetter(opts)
    s.populate(text=cjk_characters())
    s.subset(font)
    to_truetype(font)
    out = HERE / "NotoSansCJKsc-Regular-subset.ttf"
    font.save(str(out))
    old = HERE / "NotoSansCJKsc-Regular-subset.otf"
    if old.exists():
        old.unlink()
    total = sum(p.stat().st_size for p in HERE.glob("*.[ot]tf"))
    print(f"bundled fonts: {total / 1e6:.1f} MB")

if __name__ == "__main__":
    sys.exit(main())
