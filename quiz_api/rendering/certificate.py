"""Certificates of a passed attempt, and the WeChat share card: PNG images drawn with Pillow
in the participant's language (dates by Babel), with a QR code back to the challenge.

A PNG in an ``<img>`` is what WeChat lets people long-press to save or forward."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from babel.dates import format_date
from PIL import Image, ImageDraw

from quiz_api.core.languages import LOCALES
from quiz_api.rendering.raster import (
    BLUE,
    CERTIFICATE_INK,
    GOLD,
    PAPER,
    WHITE,
    Font,
    font,
    png_bytes,
    qr_tile,
    wrap,
)

TEXTS: dict[str, dict[str, str]] = {
    "zh": {
        "title": "荣誉证书",
        "awarded": "授予",
        "body": "在{campaign}{track}中成绩合格，特发此证。",
        "score": "成绩：{score} / {max} 分",
        "date": "日期：{date}",
        "scan": "扫码参加禁毒知识挑战",
        "adult": "成人赛道",
        "student": "学生赛道",
        "anonymous": "参赛者",
        "share_call": "扫码参加",
    },
    "en": {
        "title": "Certificate",
        "awarded": "awarded to",
        "body": "for passing the {track} of the {campaign}.",
        "score": "Score: {score} / {max}",
        "date": "Date: {date}",
        "scan": "Scan to take the anti-drug knowledge challenge",
        "adult": "adult track",
        "student": "student track",
        "anonymous": "Participant",
        "share_call": "Scan to take part",
    },
    "ko": {
        "title": "수료증",
        "awarded": "받는 사람",
        "body": "위 사람은 {campaign} {track}에서 합격 점수를 받았기에 이 증서를 드립니다.",
        "score": "점수: {score} / {max}점",
        "date": "날짜: {date}",
        "scan": "QR 코드를 스캔해 마약 예방 지식 챌린지에 참여하세요",
        "adult": "성인부",
        "student": "학생부",
        "anonymous": "참가자",
        "share_call": "스캔해서 참여하기",
    },
    "ja": {
        "title": "修了証",
        "awarded": "授与",
        "body": "{campaign}{track}に合格したことを証します。",
        "score": "得点：{score} / {max}点",
        "date": "日付：{date}",
        "scan": "QRコードを読み取って薬物乱用防止知識チャレンジに参加",
        "adult": "一般の部",
        "student": "生徒の部",
        "anonymous": "参加者",
        "share_call": "読み取って参加",
    },
}

WIDTH, HEIGHT = 900, 1272
INK = CERTIFICATE_INK
ACCENT = BLUE


def _centered(
    draw: ImageDraw.ImageDraw,
    y: int,
    text: str,
    face: Font,
    fill: tuple[int, int, int],
    width: int = WIDTH - 160,
    spacing: int = 12,
) -> int:
    for line in wrap(text, face, width):
        draw.text((WIDTH // 2, y), line, font=face, fill=fill, anchor="ma")
        y = int(draw.textbbox((WIDTH // 2, y), line, font=face, anchor="ma")[3]) + spacing
    return y


@dataclass(frozen=True)
class CertificateData:
    lang: str
    nickname: str | None
    track: str
    score: int
    max_score: int
    day: date
    campaign_name: str
    url: str  # the challenge, for the QR code


def render_certificate(data: CertificateData) -> bytes:
    lang = data.lang if data.lang in TEXTS else "zh"
    text = TEXTS[lang]
    image = Image.new("RGB", (WIDTH, HEIGHT), PAPER)
    draw = ImageDraw.Draw(image)
    draw.rectangle((24, 24, WIDTH - 25, HEIGHT - 25), outline=ACCENT, width=6)
    draw.rectangle((44, 44, WIDTH - 45, HEIGHT - 45), outline=GOLD, width=2)
    y = _centered(draw, 110, text["title"], font(lang, 76, bold=True), ACCENT)
    y = _centered(draw, y + 30, data.campaign_name, font(lang, 34), INK)
    y = _centered(draw, y + 40, text["awarded"], font(lang, 28), INK)
    nickname = data.nickname or text["anonymous"]
    y = _centered(draw, y + 10, nickname, font(lang, 60, bold=True), INK)
    draw.line((WIDTH // 2 - 200, y + 4, WIDTH // 2 + 200, y + 4), fill=GOLD, width=2)
    body = text["body"].format(campaign=data.campaign_name, track=text.get(data.track, data.track))
    y = _centered(draw, y + 40, body, font(lang, 30), INK)
    score = text["score"].format(score=data.score, max=data.max_score)
    y = _centered(draw, y + 30, score, font(lang, 40, bold=True), ACCENT)
    when = format_date(data.day, "long", locale=LOCALES[lang])
    _centered(draw, y + 20, text["date"].format(date=when), font(lang, 28), INK)
    qr_size = 240
    image.paste(qr_tile(data.url, qr_size), ((WIDTH - qr_size) // 2, HEIGHT - 130 - qr_size - 60))
    _centered(draw, HEIGHT - 150, text["scan"], font(lang, 24), INK)
    return png_bytes(image)


def render_share_image(lang: str, campaign_name: str, url: str) -> bytes:
    """The square thumbnail of the WeChat share card: the campaign's name and its QR code."""
    lang = lang if lang in TEXTS else "zh"
    size = 400
    image = Image.new("RGB", (size, size), ACCENT)
    draw = ImageDraw.Draw(image)
    face = font(lang, 30, bold=True)
    lines = wrap(campaign_name, face, size - 48)[:3]
    y = 28
    for line in lines:
        draw.text((size // 2, y), line, font=face, fill=WHITE, anchor="ma")
        y += 40
    qr_size = min(200, size - y - 60)
    image.paste(qr_tile(url, qr_size), ((size - qr_size) // 2, y + 12))
    draw.text(
        (size // 2, size - 36),
        TEXTS[lang]["share_call"],
        font=font(lang, 22),
        fill=WHITE,
        anchor="ma",
    )
    return png_bytes(image)
