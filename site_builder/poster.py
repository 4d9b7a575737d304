"""Printable A4 posters (PNG, 300 dpi) carrying the QR code of the quiz entry."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from PIL import Image, ImageDraw

from quiz_api.rendering.raster import (
    BLACK,
    GREY,
    INK,
    TEAL,
    WHITE,
    font,
    palette_image,
    qr_image,
    wrap,
)

A4_300DPI = (2480, 3508)


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
    image = Image.new("RGB", A4_300DPI, WHITE)
    draw = ImageDraw.Draw(image)
    margin = 200
    draw.rectangle((0, 0, width, 720), fill=TEAL)
    title_font = font(lang, 150, bold=True)
    title_lines = wrap(title, title_font, width - 2 * margin)[:3]
    y = (720 - 185 * len(title_lines)) // 2 + 15  # centred in the band
    for line in title_lines:
        draw.text((width // 2, y), line, font=title_font, fill=WHITE, anchor="mt")
        y += 185
    y = max(y, 720) + 110
    sub_font = font(lang, 80)
    for line in wrap(subtitle, sub_font, width - 2 * margin)[:4]:
        draw.text((width // 2, y), line, font=sub_font, fill=INK, anchor="mt")
        y += 110
    code = qr_image(url, 1500)
    y += 60
    image.paste(code.convert("RGB"), ((width - code.width) // 2, y))
    y += code.height + 70
    call_font = font(lang, 96, bold=True)
    for line in wrap(call, call_font, width - 2 * margin)[:2]:
        draw.text((width // 2, y), line, font=call_font, fill=TEAL, anchor="mt")
        y += 130
    url_font = font("en", 44)
    draw.text((width // 2, y + 20), url, font=url_font, fill=GREY, anchor="mt")
    draw.rectangle((0, height - 260, width, height), fill=TEAL)
    foot_font = font(lang, 64)
    draw.text((width // 2, height - 130), footer, font=foot_font, fill=WHITE, anchor="mm")
    path.parent.mkdir(parents=True, exist_ok=True)
    image.quantize(palette=_palette(), dither=Image.Dither.NONE).save(
        path, format="PNG", dpi=(300, 300)
    )
    return path


@lru_cache(maxsize=1)
def _palette() -> Image.Image:
    """The poster's colours and the anti-aliased shades between them and their ground."""
    return palette_image([(WHITE, BLACK), (WHITE, INK), (WHITE, GREY), (WHITE, TEAL)])
