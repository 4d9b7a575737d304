"""The daily question's share card: the day's question and its options, with a QR code to
the daily page in the card's language. Never the answer: the card is for asking."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from babel.dates import format_date
from PIL import Image, ImageDraw

from quiz_api.core.languages import DEFAULT_LANG, LOCALES
from quiz_api.rendering.raster import GREY, INK, TEAL, WHITE, font, png_bytes, qr_tile, wrap

TITLES: dict[str, str] = {
    "zh": "每日一问",
    "en": "Question of the day",
    "ko": "오늘의 문제",
    "ja": "今日の一問",
}
SCAN: dict[str, str] = {
    "zh": "扫码作答，查看解析",
    "en": "Scan to answer and see the explanation",
    "ko": "QR 코드를 스캔해 답하고 해설을 보세요",
    "ja": "読み取って答え、解説を見る",
}
WIDTH = 750
MARGIN = 48
QR_SIZE = 220


@dataclass(frozen=True)
class DailyCard:
    lang: str
    day: date
    stem: str
    options: list[tuple[str, str]]  # (id, text)
    url: str  # the daily page in the card's language


def render_daily_card(card: DailyCard) -> bytes:
    lang = card.lang if card.lang in TITLES else DEFAULT_LANG
    title_face, date_face = font(lang, 44, bold=True), font(lang, 26)
    stem_face, option_face = font(lang, 34, bold=True), font(lang, 30)
    text_width = WIDTH - 2 * MARGIN
    stem_lines = wrap(card.stem, stem_face, text_width)
    option_lines = [
        wrap(f"{option_id}. {text}", option_face, text_width - 20)
        for option_id, text in card.options
    ]
    # The height follows the text: a long question gets a taller card, never a cut one.
    height = 170 + 48 * len(stem_lines) + 30
    height += sum(42 * len(lines) + 14 for lines in option_lines)
    height += QR_SIZE + 120
    image = Image.new("RGB", (WIDTH, height), WHITE)
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, WIDTH, 130), fill=TEAL)
    draw.text((MARGIN, 30), TITLES[lang], font=title_face, fill=WHITE)
    when = format_date(card.day, "long", locale=LOCALES[lang])
    draw.text((MARGIN, 88), when, font=date_face, fill=WHITE)
    y = 170
    for line in stem_lines:
        draw.text((MARGIN, y), line, font=stem_face, fill=INK)
        y += 48
    y += 30
    for lines in option_lines:
        for n, line in enumerate(lines):
            draw.text((MARGIN + (20 if n else 0), y), line, font=option_face, fill=INK)
            y += 42
        y += 14
    image.paste(qr_tile(card.url, QR_SIZE), ((WIDTH - QR_SIZE) // 2, y + 10))
    draw.text(
        (WIDTH // 2, y + QR_SIZE + 30), SCAN[lang], font=font(lang, 24), fill=GREY, anchor="ma"
    )
    return png_bytes(image)
