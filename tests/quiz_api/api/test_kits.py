"""School kits: class keys, absolute links from the one SITE_URL setting, the role walls,
the join's source counted in the school's report, and the printed pieces (every QR code
decoded, the PDFs opened and read, no missing glyph in any language)."""

from __future__ import annotations

import io
import logging
from dataclasses import replace
from datetime import date
from urllib.parse import parse_qs, urlsplit

import pytest
import zxingcpp
from fastapi.testclient import TestClient
from PIL import Image
from pypdf import PdfReader

from quiz_api.content.kits import load_letter
from quiz_api.core.config import Settings
from quiz_api.core.languages import Lang
from quiz_api.rendering.kit import classes_pdf, letter_pdf, poster_png
from quiz_api.services.kits import ClassLink, Kit, class_key, parse_class_key, quiz_link
from tests.plugins import factories
from tests.plugins.staff import StaffFactory

SITE = "https://jd.example.org/sub/"


def _decode(image: Image.Image) -> list[str]:
    return [found.text for found in zxingcpp.read_barcodes(image)]


def _pdf_text(body: bytes) -> str:
    # pypdf reads fpdf2's two-byte glyph codes with NULs between: compare without them
    # and without whitespace.
    reader = PdfReader(io.BytesIO(body))
    text = "".join(page.extract_text() for page in reader.pages)
    return "".join(text.replace("\x00", "").split())


def _squeezed(text: str) -> str:
    return "".join(text.split())


def _pdf_codes(body: bytes) -> list[str]:
    reader = PdfReader(io.BytesIO(body))
    images = [img.image for page in reader.pages for img in page.images]
    return [text for image in images if image is not None for text in _decode(image)]


def test_class_key_round_trip_and_links() -> None:
    assert class_key(7, "3班") == "7-3班"
    assert parse_class_key("7-3班") == (7, "3班")
    assert parse_class_key("12-A-2") == (12, "A-2")  # only the first dash separates
    for bad in ("", "7", "x-3班", "7-", "-3班"):
        assert parse_class_key(bad) is None, bad
    assert quiz_link(SITE, Lang.zh, "S001") == f"{SITE}quiz/?school=S001"
    link = quiz_link(SITE, Lang.ko, "S001", "7-3班")
    parts = urlsplit(link)
    assert parts.path == "/sub/ko/quiz/"
    assert parse_qs(parts.query) == {"school": ["S001"], "class": ["7-3班"]}


def test_site_url_is_the_one_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    from site_builder import site_url

    monkeypatch.setenv("SITE_URL", "https://jd.example.org/sub")
    assert Settings().site_url == site_url() == SITE


def _kit(lang: Lang) -> Kit:
    def link(key: str | None = None) -> str:
        return quiz_link(SITE, lang, "S001", key)

    return Kit(
        lang=lang,
        school_code="S001",
        school_name={
            "zh": "第一中学",
            "en": "No. 1 Middle School",
            "ko": "제1중학교",
            "ja": "第一中学校",
        }[lang.value],
        district="黄浦区",
        link=link(),
        classes=[
            ClassLink(g, n, class_key(g, n), link(class_key(g, n)))
            for g, n in [(7, "1班"), (8, "2班")]
        ],
        campaign_name="Test",
        starts_on=date(2026, 6, 1),
        ends_on=date(2026, 12, 31),
    )


def _no_missing_glyph(caplog: pytest.LogCaptureFixture) -> None:
    # fpdf2 logs (never raises) the characters its font lacks, then draws empty boxes.
    missing = [
        r.getMessage() for r in caplog.records if "missing the following glyphs" in r.getMessage()
    ]
    assert missing == []


@pytest.mark.parametrize("lang", list(Lang))
def test_letter_in_every_language_has_every_glyph(
    lang: Lang, caplog: pytest.LogCaptureFixture
) -> None:
    kit = _kit(lang)
    letter = load_letter(factories.SHIPPED_CONTENT).text(lang)
    with caplog.at_level(logging.WARNING, logger="fpdf"):
        body = letter_pdf(kit, letter)
    _no_missing_glyph(caplog)
    text = _pdf_text(body)
    assert _squeezed(kit.school_name) in text and kit.link in text
    assert _squeezed(letter.steps[0]) in text
    assert _pdf_codes(body) == [kit.link]


def test_a_missing_glyph_is_caught(caplog: pytest.LogCaptureFixture) -> None:
    """The check above can fail: a character outside Noto Sans CJK (Thai) is reported."""
    kit = replace(_kit(Lang.en), school_name="โรงเรียน")
    with caplog.at_level(logging.WARNING, logger="fpdf"):
        classes_pdf(kit)
    with pytest.raises(AssertionError):
        _no_missing_glyph(caplog)


def test_poster_and_class_sheet_decode(caplog: pytest.LogCaptureFixture) -> None:
    kit = _kit(Lang.en)
    poster = Image.open(io.BytesIO(poster_png(kit)))
    assert poster.size == (2480, 3508) and round(poster.info["dpi"][0]) == 300
    assert _decode(poster) == [kit.link]
    with caplog.at_level(logging.WARNING, logger="fpdf"):
        sheet = classes_pdf(kit)
    _no_missing_glyph(caplog)
    assert sorted(_pdf_codes(sheet)) == sorted(c.link for c in kit.classes)
    assert "Grade7,1班" in _pdf_text(sheet)


def test_kit_api_scoped_like_the_reports(
    client: TestClient, school: str, staff: StaffFactory
) -> None:
    own = staff("school", school="S001")
    assert client.get("/api/v1/reports/schools/S001/kit").status_code == 401
    response = client.get("/api/v1/reports/schools/S001/kit", params={"lang": "ja"}, headers=own)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["link"].endswith("/ja/quiz/?school=S001") and body["link"].startswith("http")
    assert [c["key"] for c in body["classes"]] == ["7-1班", "8-2班"]
    for other in ("S002", "NOPE"):
        for tail in ("", "/poster.png", "/letter.pdf", "/classes.pdf"):
            denied = client.get(f"/api/v1/reports/schools/{other}/kit{tail}", headers=own)
            assert denied.status_code == 404, (other, tail)
            assert denied.json()["type"] == "/problems/unknown-school"
    elsewhere = staff("district", district="徐汇区")
    assert client.get("/api/v1/reports/schools/S001/kit", headers=elsewhere).status_code == 404
    city = staff("city")
    letter = client.get(body["letter"], headers=city)
    assert letter.status_code == 200 and letter.headers["content-type"] == "application/pdf"
    assert "第一中学" in _pdf_text(letter.content) and body["link"] in _pdf_text(letter.content)
    poster = client.get(body["poster"], headers=own)
    assert _decode(Image.open(io.BytesIO(poster.content))) == [body["link"]]
    sheet = client.get(body["class_sheet"], headers=own)
    assert sorted(_pdf_codes(sheet.content)) == sorted(c["link"] for c in body["classes"])


def test_join_source_counted_in_the_school_report(
    client: TestClient, school: str, staff: StaffFactory
) -> None:
    student = {"track": "student", "school_code": "S001", "grade": 7, "class_name": "1班"}
    factories.join(client, **student, nickname="a", source="class_link")
    factories.join(client, **student, nickname="b", source="class_link")
    factories.join(client, **student, nickname="c", source="school_link")
    factories.join(client, **student, nickname="d")
    refused = client.post("/api/v1/participants", json={"track": "adult", "source": "school_link"})
    assert refused.status_code == 422
    report = client.get("/api/v1/reports/schools/S001", headers=staff("school", school="S001"))
    assert report.json()["sources"] == {"school_link": 1, "class_link": 2, "search": 1}
