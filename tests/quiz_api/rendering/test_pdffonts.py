"""Noto Sans CJK parsed once per process and language (quiz_api/rendering/pdffonts.py): the
PDFs read the same as with fpdf2's own add_font, embed only their own glyphs, and report their
own missing characters."""

from __future__ import annotations

import io
import logging
from typing import Any

import pytest
from fontTools.cffLib import CFFFontSet
from fpdf import FPDF
from pypdf import PdfReader

from quiz_api.rendering import pdffonts

SAMPLES = {
    "zh": "各位家长：禁毒知识挑战，扫码参加。",
    "en": "Dear parents: scan the code to take part.",
    "ko": "학부모님께: 코드를 스캔해 참여하세요.",
    "ja": "保護者の皆さまへ：コードを読み取って参加。",
}


def _pdf(lang: str, text: str, *, parsed_once: bool = True) -> bytes:
    pdf = FPDF()
    pdffonts.add_noto(pdf, lang, parsed_once=parsed_once)
    pdf.add_page()
    pdf.set_font("noto", "B", 16)
    pdf.cell(0, 10, text[:6], new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("noto", "", 11)
    pdf.multi_cell(0, 6, text)
    return bytes(pdf.output())


def _text(body: bytes) -> str:
    reader = PdfReader(io.BytesIO(body))
    return "".join(page.extract_text() for page in reader.pages).replace("\x00", "")


def _embedded_glyphs(body: bytes) -> dict[str, int]:
    """Glyphs in each embedded font program, by the font's base name."""
    reader = PdfReader(io.BytesIO(body))
    found = {}
    resources: Any = reader.pages[0]["/Resources"]
    for ref in resources["/Font"].values():
        font = ref.get_object()
        descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"].get_object()
        program = descriptor["/FontFile3"].get_object().get_data()
        cff = CFFFontSet()
        cff.decompile(io.BytesIO(program), None)
        found[str(font["/BaseFont"])] = len(cff[cff.fontNames[0]].charset)
    return found


@pytest.mark.parametrize("lang", list(SAMPLES))
def test_same_text_and_glyphs_as_fpdf2s_add_font(lang: str) -> None:
    reference = _pdf(lang, SAMPLES[lang], parsed_once=False)
    ours = _pdf(lang, SAMPLES[lang])
    assert _text(ours) == _text(reference)
    assert "".join(SAMPLES[lang].split()) in "".join(_text(ours).split())
    assert _embedded_glyphs(ours) == _embedded_glyphs(reference)


def test_each_document_embeds_and_reports_only_its_own_characters(
    caplog: pytest.LogCaptureFixture,
) -> None:
    pdffonts.cache_clear()
    many = "甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳午未申酉戌亥"
    with caplog.at_level(logging.WARNING, logger="fpdf"):
        first = _pdf("zh", many + " โรงเรียน")  # Thai: not in Noto Sans CJK
        second = _pdf("zh", "一")
    assert pdffonts._parsed.cache_info().misses == 1  # the face was parsed once
    missing = [r.getMessage() for r in caplog.records if "missing" in r.getMessage()]
    assert len(missing) == 1 and "โ" in missing[0]  # only the first document lacked glyphs
    # The regular font carries the long line; the second document embeds a handful of glyphs.
    assert max(_embedded_glyphs(first).values()) > len(many)
    assert max(_embedded_glyphs(second).values()) < 5
    assert "一" in _text(second) and "甲" not in _text(second)
