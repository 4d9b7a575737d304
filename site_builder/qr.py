"""QR codes as files (SVG for pages, PNG for print), for `<img>` elements."""

from __future__ import annotations

import io

import qrcode
import qrcode.constants
import qrcode.image.svg
from PIL import Image


def _code(url: str, border: int = 4) -> qrcode.QRCode:
    code = qrcode.QRCode(
        error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=10, border=border
    )
    code.add_data(url)
    code.make(fit=True)
    return code


def svg(url: str) -> bytes:
    """A compact SVG (one path) of the QR code of url."""
    image = _code(url).make_image(image_factory=qrcode.image.svg.SvgPathImage)
    buf = io.BytesIO()
    image.save(buf)
    return buf.getvalue()


def png_image(url: str, size: int) -> Image.Image:
    """A black-on-white QR code of url, scaled to about size x size pixels (1-bit)."""
    code = _code(url)
    modules = code.modules_count + 2 * code.border
    code.box_size = max(1, size // modules)
    image: Image.Image = code.make_image(fill_color="black", back_color="white").get_image()
    return image.convert("1")


def png(url: str, box: int = 6) -> bytes:
    """A small 1-bit PNG of the QR code of url (box pixels a module, 4-module quiet zone).

    PNG rather than SVG: WeChat's long-press recognition reads raster `<img>` reliably.
    Every page has one, so this is the fast path: a fixed mask pattern (the best-mask search
    costs 8 encodings; any mask is valid) and the image built straight from the matrix.
    """
    code = qrcode.QRCode(
        error_correction=qrcode.constants.ERROR_CORRECT_M, border=4, mask_pattern=0
    )
    code.add_data(url)
    code.make(fit=True)
    matrix = code.get_matrix()  # includes the quiet zone
    size = len(matrix)
    small = Image.new("1", (size, size))
    small.putdata([0 if dark else 1 for row in matrix for dark in row])
    image = small.resize((size * box, size * box), Image.Resampling.NEAREST)
    buf = io.BytesIO()
    image.save(buf, format="PNG", optimize=True)
    return buf.getvalue()
