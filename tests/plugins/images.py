"""What the tests read back from the images the platform draws."""

from __future__ import annotations

import io

import zxingcpp
from PIL import Image


def qr_text(png: bytes) -> str:
    """The text of the one QR code in a PNG, as a phone's scanner reads it (zxing-cpp)."""
    with Image.open(io.BytesIO(png)) as image:
        results = zxingcpp.read_barcodes(image.convert("L"))
    assert len(results) == 1, f"{len(results)} codes found"
    return str(results[0].text)
