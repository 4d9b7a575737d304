"""Certificates drawn: a CJK font in every language and a QR code back to the challenge."""

from __future__ import annotations

from datetime import date

import pytest
from PIL import ImageFont

from quiz_api.rendering.certificate import CertificateData, render_certificate
from quiz_api.rendering.raster import font
from tests.plugins.images import qr_text


@pytest.mark.parametrize("lang", ["zh", "en", "ko", "ja"])
def test_certificate_draws_with_a_cjk_font_in_every_language(lang: str) -> None:
    face = font(lang, 30)
    assert isinstance(face, ImageFont.FreeTypeFont), "no CJK font: Pillow's default is used"
    family = face.getname()[0] or ""
    assert "CJK" in family or "WenQuanYi" in family
    png = render_certificate(
        CertificateData(
            lang=lang,
            nickname="さくら 민수 阿明 Sam",
            track="student",
            score=85,
            max_score=100,
            day=date(2026, 6, 26),
            campaign_name="2026 City Anti-Drug Knowledge Challenge",
            url="https://quiz.example.cn/quiz/",
        )
    )
    assert qr_text(png) == "https://quiz.example.cn/quiz/"
