"""Noto Sans CJK for fpdf2, parsed once per process and language.

fpdf2's ``add_font`` parses the whole face for every document: the advance widths and the
character map of its 65,535 glyphs, about half a second a face, twice per PDF (regular and
bold). ``add_noto`` parses each face once, keeps it, and gives every document a copy with
its own glyph subset and its own lazily opened font file: fpdf2 subsets that file in place
when it writes the PDF (only the glyphs used are embedded), so the file must not be shared.

Before the subsetting, the copy's file also loses the tables the embedded subset never
carries: the layout tables fpdf2's subsetting drops anyway (read and decompiled first all the
same), and the vertical metrics (fpdf2 writes horizontal text only). The bounding boxes are
not recomputed over the subset's glyphs: the embedded font keeps the whole face's box, which
is the box its PDF font descriptor already states.

This leans on fpdf2's TTFFont internals (checked against fpdf2 2.8): the kit tests compare
the text of these PDFs with that of PDFs made through ``add_font``.
"""

from __future__ import annotations

import copy
from functools import lru_cache
from pathlib import Path

from fontTools import ttLib
from fpdf import FPDF
from fpdf.fonts import SubsetMap, TTFFont

from quiz_api.rendering.raster import NOTO_DIR, NOTO_FACE

STYLES = {"": "NotoSansCJK-Regular.ttc", "B": "NotoSansCJK-Bold.ttc"}
# Never embedded: layout tables (fpdf2's subsetting drops them) and vertical metrics.
UNUSED_TABLES = ("GSUB", "GPOS", "GDEF", "BASE", "vhea", "vmtx", "VORG")


@lru_cache(maxsize=1)
def _parsed(face: int) -> dict[str, TTFFont]:
    """The regular and bold faces, parsed: metrics and character map, no font file kept
    open. One language's faces are kept (about 34 MB): a kit's PDFs come in one language,
    and a command writing a district's kits stays in it."""
    fonts: dict[str, TTFFont] = {}
    for style, name in STYLES.items():
        pdf = FPDF()
        pdf.add_font("noto", style, NOTO_DIR / name, collection_font_number=face)
        font = pdf.fonts["noto" + style]
        assert isinstance(font, TTFFont)
        font.close()
        font.ttfont = ttLib.TTFont()  # frees the parsed tables; each copy opens its own
        fonts[style] = font
    return fonts


def _open(path: Path, face: int) -> ttLib.TTFont:
    ttfont = ttLib.TTFont(
        path, fontNumber=face, lazy=True, recalcTimestamp=False, recalcBBoxes=False
    )
    for tag in UNUSED_TABLES:
        if tag in ttfont:
            del ttfont[tag]
    return ttfont


def add_noto(pdf: FPDF, lang: str, family: str = "noto", *, parsed_once: bool = True) -> None:
    """Add Noto Sans CJK in the forms of lang (regular "" and bold "B") to pdf as family.

    parsed_once=False goes through fpdf2's own add_font (parsing the faces again): the
    reference the tests and the benchmark compare with."""
    face = NOTO_FACE.get(lang, NOTO_FACE["zh"])
    if not parsed_once:
        for style, name in STYLES.items():
            pdf.add_font(family, style, NOTO_DIR / name, collection_font_number=face)
        return
    for style, parsed in _parsed(face).items():
        font = copy.copy(parsed)  # shares the parsed metrics, which nothing writes
        font.i = len(pdf.fonts) + 1
        font.fontkey = family + style
        font.ttfont = _open(Path(parsed.ttffile), face)
        font.subset = SubsetMap(font)
        font.missing_glyphs = []
        font.biggest_size_pt = 0
        font._hbfont = None
        pdf.fonts[font.fontkey] = font
    # What add_font sets for a CID-keyed CFF font such as Noto Sans CJK.
    pdf._set_min_pdf_version("1.6")


def cache_clear() -> None:
    """Forget the parsed faces (for measurements and tests)."""
    _parsed.cache_clear()
