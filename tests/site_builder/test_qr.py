"""QR codes: decoded with zxing-cpp, their URLs checked; posters are A4 at 300 dpi."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import zxingcpp
from PIL import Image

from site_builder.poster import A4_300DPI

SITE_URL = "https://jd.example.org/"


def decode(path: Path) -> str:
    with Image.open(path) as image:
        results = zxingcpp.read_barcodes(image.convert("L"))
    assert len(results) == 1, f"{path}: {len(results)} codes found"
    assert results[0].format == zxingcpp.BarcodeFormat.QRCode
    return str(results[0].text)


@pytest.mark.parametrize(
    ("rel", "url"),
    [
        ("qr.png", SITE_URL),
        ("en/qr.png", SITE_URL + "en/"),
        ("knowledge/drugs/qr.png", SITE_URL + "knowledge/drugs/"),
        (
            "ja/posts/2026-06-26-international-day/qr.png",
            SITE_URL + "ja/posts/2026-06-26-international-day/",
        ),
        ("ko/quiz/qr.png", SITE_URL + "ko/quiz/"),
    ],
)
def test_page_qr_code_is_the_canonical_url(sample_site: Path, rel: str, url: str) -> None:
    assert decode(sample_site / rel) == url
    page = (sample_site / rel).parent / "index.html"
    text = page.read_text("utf-8")
    assert re.search(r'<img src="qr\.png"[^>]*alt="[^"]+"', text), "QR code must be an <img>"
    assert f'<link rel="canonical" href="{url}">' in text


def test_every_page_has_a_decodable_code(sample_site: Path) -> None:
    codes = list(sample_site.rglob("qr.png"))
    assert len(codes) > 40
    for path in codes[::7]:
        rel = path.parent.relative_to(sample_site).as_posix()
        expected = SITE_URL + (rel + "/" if rel != "." else "")
        assert decode(path) == expected


@pytest.mark.parametrize(
    ("lang", "prefix"), [("zh", ""), ("en", "en/"), ("ko", "ko/"), ("ja", "ja/")]
)
@pytest.mark.parametrize("kind", ["school", "community", "workplace"])
def test_poster_codes_lead_to_the_quiz_with_source_tag(
    sample_site: Path, lang: str, prefix: str, kind: str
) -> None:
    folder = sample_site / prefix / "posters" / "challenge-2026"
    expected = f"{SITE_URL}{prefix}quiz/?campaign=challenge-2026&src=poster-{kind}"
    assert decode(folder / f"qr-{kind}.png") == expected
    page = (folder / "index.html").read_text("utf-8")
    assert f'<img src="qr-{kind}.png"' in page
    assert f'href="poster-challenge-2026-{kind}-a4.png" download' in page
    if kind == "school":
        poster = folder / f"poster-challenge-2026-{kind}-a4.png"
        with Image.open(poster) as image:
            assert image.size == A4_300DPI
            dpi = image.info.get("dpi")
            assert dpi is not None and round(dpi[0]) == 300
        assert decode(poster) == expected
