"""The raster toolkit: one wrapping rule for every language, QR codes that decode, fonts that
have the glyphs of each language."""

from __future__ import annotations

import io

import pytest
import zxingcpp
from PIL import Image

from quiz_api.core.languages import LANGUAGES
from quiz_api.rendering import raster

# A character no font of the platform has: what the font draws for a missing glyph.
MISSING = "\ue000"
SAMPLES = {
    "zh": "禁毒知识挑战赛，扫码参加。",
    "en": "Drug prevention challenge",
    "ko": "마약 예방 지식 챌린지",
    "ja": "薬物乱用防止知識チャレンジ、参加",
}


def width_in_chars(lang: str, chars: int) -> float:
    """A line width of about ``chars`` full-width characters."""
    return raster.font(lang, 30).getlength("国" * chars)


def test_chinese_breaks_between_characters_but_never_before_closing_punctuation() -> None:
    text = "各街镇挂牌设立禁毒教育基地，按比例配备社工。"
    lines = raster.wrap(text, raster.font("zh", 30), width_in_chars("zh", 10))
    assert "".join(lines) == text
    # ten characters fit; the comma that would start line two is taken with its character
    assert lines == ["各街镇挂牌设立禁毒教", "育基地，按比例配备社", "工。"]
    assert not any(line[0] in raster.NO_LINE_START for line in lines)


def test_chinese_opening_punctuation_never_ends_a_line() -> None:
    lines = raster.wrap(
        "依照禁毒法《中华人民共和国禁毒法》", raster.font("zh", 30), width_in_chars("zh", 6)
    )
    assert not any(line[-1] in raster.NO_LINE_END for line in lines)
    assert lines[1].startswith("《")


def test_japanese_keeps_small_kana_and_long_vowel_marks_off_the_line_start() -> None:
    text = "コードを読み取ってチャレンジに参加しよう。ポスターはこちら"
    lines = raster.wrap(text, raster.font("ja", 30), width_in_chars("ja", 5))
    assert "".join(lines) == text
    assert not any(line[0] in "ーッャュョっゃゅょ。" for line in lines), lines


def test_korean_breaks_at_spaces_only() -> None:
    text = "코드를 스캔해 VR 전시관에 들어오세요"
    fnt = raster.font("ko", 30)
    lines = raster.wrap(text, fnt, width_in_chars("ko", 7))
    assert " ".join(lines) == text  # every break is at a space, no word cut
    assert len(lines) > 1 and all(fnt.getlength(line) <= width_in_chars("ko", 7) for line in lines)


def test_latin_breaks_at_spaces_and_cuts_only_a_word_longer_than_the_line() -> None:
    fnt = raster.font("en", 30)
    lines = raster.wrap("Seal carving as therapy helps people", fnt, 200)
    assert " ".join(lines) == "Seal carving as therapy helps people"
    assert all(fnt.getlength(line) <= 200 for line in lines)
    long = "Antidisestablishmentarianism"
    cut = raster.wrap(f"an {long}", fnt, 200)
    assert cut[0] == "an" and "".join(cut[1:]) == long and len(cut) > 2
    assert all(fnt.getlength(line) <= 200 for line in cut)


def test_newlines_start_new_lines() -> None:
    assert raster.wrap("一\n二 three", raster.font("zh", 30), 1000) == ["一", "二 three"]


@pytest.mark.parametrize(
    "url",
    [
        "https://jd.example.org/",
        "https://jd.example.org/quiz/?campaign=challenge-2026&src=poster-school",
    ],
)
def test_qr_codes_decode_to_their_text(url: str) -> None:
    image = raster.qr_image(url, 300)
    assert image.width == image.height <= 300
    results = zxingcpp.read_barcodes(image.convert("L"))
    assert [r.text for r in results] == [url]
    with Image.open(io.BytesIO(raster.qr_png(url))) as small:
        assert [r.text for r in zxingcpp.read_barcodes(small.convert("L"))] == [url]


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("bold", [False, True])
def test_the_font_of_each_language_has_its_glyphs(lang: str, bold: bool) -> None:
    fnt = raster.font(lang, 40, bold)
    missing = bytes(fnt.getmask(MISSING))
    for char in SAMPLES[lang].replace(" ", ""):
        assert bytes(fnt.getmask(char)) != missing, f"{lang}: no glyph for {char!r}"


def test_palette_holds_every_shade_of_its_ramps() -> None:
    palette = raster.palette_image([(raster.TEAL, raster.WHITE)], steps=3)
    colours = palette.getpalette()
    assert colours is not None
    assert colours[:9] == [*raster.TEAL, 128, 180, 174, *raster.WHITE]
