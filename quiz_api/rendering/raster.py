"""The platform's one raster toolkit: fonts, line wrapping, QR codes and colours.

Posters and exhibition rooms (site_builder) and certificates and share cards (quiz_api) all
draw with these, so a title wraps the same way on a poster, a certificate and a wall.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

import qrcode
import qrcode.constants
from PIL import Image, ImageFont

from quiz_api.core.languages import DEFAULT_LANG

Font = ImageFont.FreeTypeFont | ImageFont.ImageFont
RGB = tuple[int, int, int]

# ------------------------------------------------------------------------------- palette
# The platform's colours. Site (teal) and certificates (blue and gold) keep their own
# accents, but every image names its colours here.
WHITE: RGB = (255, 255, 255)
BLACK: RGB = (0, 0, 0)
TEAL: RGB = (0, 105, 92)
TEAL_DARK: RGB = (0, 77, 64)
INK: RGB = (33, 33, 33)
GREY: RGB = (90, 90, 90)
GREY_LIGHT: RGB = (200, 200, 200)
BLUE: RGB = (11, 92, 173)
GOLD: RGB = (176, 132, 36)
PAPER: RGB = (255, 253, 247)
CERTIFICATE_INK: RGB = (29, 35, 41)
WALL: RGB = (244, 240, 232)
WALL_DARK: RGB = (226, 220, 208)
WALL_SHADOW: RGB = (210, 204, 192)
WALL_EDGE: RGB = (200, 192, 178)
FLOOR: RGB = (120, 104, 88)
FLOOR_LINE: RGB = (104, 90, 76)
CEILING: RGB = (250, 250, 248)
LAMP: RGB = (255, 252, 235)
LAMP_RING: RGB = (225, 225, 220)


def palette_image(ramps: Iterable[tuple[RGB, RGB]], steps: int = 8) -> Image.Image:
    """A fixed palette for ``Image.quantize``: ``steps`` shades from each start colour to its
    end colour (the anti-aliased edges between two colours drawn side by side).

    Quantizing to a fixed palette takes a tenth of a second where an adaptive one takes
    seconds on an A4 poster, and flat colours stay exact."""
    colours: dict[RGB, None] = {}
    for start, end in ramps:
        for k in range(steps):
            r, g, b = (
                round(a + (z - a) * k / (steps - 1)) for a, z in zip(start, end, strict=True)
            )
            colours.setdefault((r, g, b), None)
    flat = [value for colour in list(colours)[:256] for value in colour]
    palette = Image.new("P", (1, 1))
    palette.putpalette(flat + [0] * (768 - len(flat)))
    return palette


# --------------------------------------------------------------------------------- fonts
NOTO_DIR = Path("/usr/share/fonts/opentype/noto")
WQY = Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")
# Face of the Noto Sans CJK collections by language: JP 0, KR 1, SC 2. Each face has every
# CJK glyph, but in its own country's forms (骨 or 直 differ between China and Japan).
NOTO_FACE = {"ja": 0, "ko": 1, "zh": 2, "en": 2}


@lru_cache(maxsize=128)
def font(lang: str, size: int, bold: bool = False) -> Font:
    """The font of a language: Noto Sans CJK (fonts-noto-cjk), else WenQuanYi Micro Hei,
    else Pillow's default (Latin only)."""
    name = "NotoSansCJK-Bold.ttc" if bold else "NotoSansCJK-Regular.ttc"
    face = NOTO_FACE.get(lang, NOTO_FACE[DEFAULT_LANG])
    for path, index in ((NOTO_DIR / name, face), (WQY, 0)):
        if path.is_file():
            return ImageFont.truetype(str(path), size, index=index)
    return ImageFont.load_default(size)


# ------------------------------------------------------------------------------ wrapping
# Kinsoku: these never start a line (closing punctuation, small kana, the prolonged sound
# mark) or never end one (opening punctuation). They are glued to their neighbour.
NO_LINE_START = (
    "，。、；：？！）》」』】〕〉”’,.;:?!)]}%·・ー…‥ぁぃぅぇぉっゃゅょゎァィゥェォッャュョヮヵヶ々"
)
NO_LINE_END = "（《「『【〔〈“‘([{"
# A run of Latin letters, digits or Hangul is a word (kept whole, broken at spaces);
# any other visible character (Han, kana, symbols) is a unit of its own.
_WORD = r"[0-9A-Za-z\u00c0-\u024f\u1100-\u11ff\u3130-\u318f\uac00-\ud7af'’\-–/&+_@#]"
_UNIT = re.compile(
    rf"\s+|[{re.escape(NO_LINE_END)}]*(?:{_WORD}+(?:[.,:]{_WORD}+)*|\S)[{re.escape(NO_LINE_START)}]*"
)


def units(paragraph: str) -> list[tuple[bool, str]]:
    """The unbreakable units of a paragraph, each with whether a space precedes it."""
    out: list[tuple[bool, str]] = []
    space = False
    for match in _UNIT.finditer(paragraph):
        unit = match.group()
        if unit.isspace():
            space = True
            continue
        out.append((space, unit))
        space = False
    return out


def _by_character(word: str, fnt: Font, width: float) -> list[str]:
    """A word wider than the line, cut where it overflows (at least one character a line)."""
    pieces: list[str] = []
    piece = ""
    for char in word:
        if piece and fnt.getlength(piece + char) > width:
            pieces.append(piece)
            piece = char
        else:
            piece += char
    return [*pieces, piece]


def wrap(text: str, fnt: Font, width: float) -> list[str]:
    """Lines of ``text`` at most ``width`` pixels wide in ``fnt``: the platform's one rule.

    Han and kana may break between any two characters except before closing punctuation and
    after opening punctuation (kinsoku); Latin and Korean break at spaces. A word is cut only
    when it is wider than a whole line. Newlines in ``text`` start new lines.
    """
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line = ""
        for space, unit in units(paragraph):
            joined = f"{line} {unit}" if line and space else line + unit
            if fnt.getlength(joined) <= width:  # (joined is the unit alone on a new line)
                line = joined
                continue
            if line:
                lines.append(line)
            pieces = [unit] if fnt.getlength(unit) <= width else _by_character(unit, fnt, width)
            lines.extend(pieces[:-1])
            line = pieces[-1]
        if line:
            lines.append(line)
    return lines


# ----------------------------------------------------------------------------- QR codes
def qr_matrix(url: str, border: int = 4, fixed_mask: bool = False) -> list[list[bool]]:
    """The modules of the QR code of url (error correction M), quiet zone included.

    ``fixed_mask`` skips the search for the best of the eight masks (any mask is valid, the
    search costs eight encodings): for the QR code on every page of the site."""
    code = qrcode.QRCode(
        error_correction=qrcode.constants.ERROR_CORRECT_M,
        border=border,
        mask_pattern=0 if fixed_mask else None,
    )
    code.add_data(url)
    code.make(fit=True)
    matrix: list[list[bool]] = code.get_matrix()
    return matrix


def _modules_image(matrix: list[list[bool]], box: int) -> Image.Image:
    modules = len(matrix)
    small = Image.new("1", (modules, modules))
    small.putdata([0 if dark else 1 for row in matrix for dark in row])
    return small.resize((modules * box, modules * box), Image.Resampling.NEAREST)


def qr_image(url: str, size: int, border: int = 4, fixed_mask: bool = False) -> Image.Image:
    """A 1-bit black-on-white QR code of url, whole pixels a module, at most ``size`` px
    square (never smaller than one pixel a module)."""
    matrix = qr_matrix(url, border, fixed_mask)
    return _modules_image(matrix, max(1, size // len(matrix)))


def qr_tile(url: str, size: int) -> Image.Image:
    """The QR code as an RGB image of exactly ``size`` px, to paste on a card (a quiet zone
    of two modules: the card around it must be light)."""
    return (
        qr_image(url, size, border=2).convert("RGB").resize((size, size), Image.Resampling.NEAREST)
    )


def png_bytes(image: Image.Image, **options: object) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True, **options)
    return buffer.getvalue()


def qr_png(url: str, box: int = 6) -> bytes:
    """A small 1-bit PNG of the QR code of url, ``box`` pixels a module.

    PNG rather than SVG: WeChat's long-press recognition reads raster ``<img>`` reliably."""
    return png_bytes(_modules_image(qr_matrix(url, fixed_mask=True), box))


__all__ = [
    "Font",
    "font",
    "palette_image",
    "png_bytes",
    "qr_image",
    "qr_png",
    "qr_tile",
    "wrap",
]
