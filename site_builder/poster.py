"""Printable A4 posters (PNG, 300 dpi) carrying the QR code of the quiz entry."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from site_builder import qr

A4_300DPI = (2480, 3508)
NOTO = Path("/usr/share/fonts/opentype/noto")
WQY = Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")
# Face index inside the Noto Sans CJK collection: JP, KR, SC, TC, HK.
NOTO_INDEX = {"ja": 0, "ko": 1, "zh": 2, "en": 2}
TEAL = (0, 105, 92)


Font = ImageFont.FreeTypeFont | ImageFont.ImageFont


@lru_cache(maxsize=32)
def font(lang: str, size: int, bold: bool = False) -> Font:
    """A CJK-capable font: Noto Sans CJK (fonts-noto-cjk), else WenQuanYi Micro Hei."""
    name = "NotoSansCJK-Bold.ttc" if bold else "NotoSansCJK-Regular.ttc"
    for path, index in ((NOTO / name, NOTO_INDEX.get(lang, 2)), (WQY, 0)):
        if path.exists():
            return ImageFont.truetype(str(path), size, index=index)
    return ImageFont.load_default(size)


def _wrap(draw: ImageDraw.ImageDraw, text: str, fnt: Font, width: int) -> list[str]:
    """Wrap text to width: by words where there are spaces, else by characters (CJK)."""
    lines: list[str] = []
    for paragraph in text.split("\n"):
        units = paragraph.split(" ") if " " in paragraph else list(paragraph)
        sep = " " if " " in paragraph else ""
        line = ""
        for unit in units:
            candidate = f"{line}{sep}{unit}" if line else unit
            if draw.textlength(candidate, font=fnt) <= width or not line:
                line = candidate
            else:
                lines.append(line)
                line = unit
        if line:
            lines.append(line)
    return lines


def render(
    path: Path,
    *,
    lang: str,
    title: str,
    subtitle: str,
    call: str,
    url: str,
    footer: str,
) -> Path:
    """Draw an A4 portrait poster at 300 dpi with a large QR code of url; save as PNG."""
    width, height = A4_300DPI
    image = Image.new("RGB", A4_300DPI, "white")
    draw = ImageDraw.Draw(image)
    margin = 200
    draw.rectangle((0, 0, width, 720), fill=TEAL)
    title_font = font(lang, 150, bold=True)
    title_lines = _wrap(draw, title, title_font, width - 2 * margin)[:3]
    y = (720 - 185 * len(title_lines)) // 2 + 15  # centred in the band
    for line in title_lines:
        draw.text((width // 2, y), line, font=title_font, fill="white", anchor="mt")
        y += 185
    y = max(y, 720) + 110
    sub_font = font(lang, 80)
    for line in _wrap(draw, subtitle, sub_font, width - 2 * margin)[:4]:
        draw.text((width // 2, y), line, font=sub_font, fill=(33, 33, 33), anchor="mt")
        y += 110
    code = qr.png_image(url, 1500)
    y += 60
    image.paste(code.convert("RGB"), ((width - code.width) // 2, y))
    y += code.height + 70
    call_font = font(lang, 96, bold=True)
    for line in _wrap(draw, call, call_font, width - 2 * margin)[:2]:
        draw.text((width // 2, y), line, font=call_font, fill=TEAL, anchor="mt")
        y += 130
    url_font = font("en", 44)
    draw.text((width // 2, y + 20), url, font=url_font, fill=(80, 80, 80), anchor="mt")
    draw.rectangle((0, height - 260, width, height), fill=TEAL)
    foot_font = font(lang, 64)
    draw.text((width // 2, height - 130), footer, font=foot_font, fill="white", anchor="mm")
    path.parent.mkdir(parents=True, exist_ok=True)
    image.quantize(palette=_palette(), dither=Image.Dither.NONE).save(
        path, format="PNG", dpi=(300, 300)
    )
    return path


@lru_cache(maxsize=1)
def _palette() -> Image.Image:
    """A fixed 16-colour palette (white, greys, teal and its tints): quantizing to it takes
    0.1 s where an adaptive palette takes seconds, and keeps the PNG small."""
    colours: list[tuple[int, int, int]] = [(255, 255, 255), (0, 0, 0)]
    colours += [(v, v, v) for v in (33, 64, 80, 128, 176, 224)]
    for mix in (1.0, 0.75, 0.5, 0.25, 0.12):
        colours.append(
            (
                round(TEAL[0] * mix + 255 * (1 - mix)),
                round(TEAL[1] * mix + 255 * (1 - mix)),
                round(TEAL[2] * mix + 255 * (1 - mix)),
            )
        )
    colours += [(0, 52, 46), (16, 80, 72), (0, 80, 70)]
    palette = Image.new("P", (1, 1))
    flat = [c for colour in colours for c in colour]
    palette.putpalette(flat + [0] * (768 - len(flat)))
    return palette
