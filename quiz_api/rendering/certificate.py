"""Certificates of a passed attempt, and the WeChat share card: PNG images drawn with Pillow
in the participant's language (dates by Babel), with a QR code back to the challenge.

A PNG in an ``<img>`` is what WeChat lets people long-press to save or forward."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

import qrcode
from babel.dates import format_date
from PIL import Image, ImageDraw, ImageFont

from quiz_api.core.languages import LOCALES

FONT_PATHS = (
    Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"),
    Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"),
)
BOLD_FONT_PATH = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc")
# Face of NotoSansCJK-*.ttc per language: JP 0, KR 1, SC 2 (each has the right glyph forms).
NOTO_FACE = {"zh": 2, "en": 2, "ko": 1, "ja": 0}

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

NO_LINE_START = frozenset("，。、；：！？）」』》,.;:!?)")
WIDTH, HEIGHT = 900, 1272
INK = (29, 35, 41)
ACCENT = (11, 92, 173)
GOLD = (176, 132, 36)
PAPER = (255, 253, 247)


@lru_cache(maxsize=64)
def font(size: int, lang: str, bold: bool = False) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    """The CJK font for a language (Noto Sans CJK, else WenQuanYi), else Pillow's default."""
    paths = ((BOLD_FONT_PATH,) if bold else ()) + FONT_PATHS
    for path in paths:
        if path.is_file():
            index = NOTO_FACE.get(lang, 2) if "Noto" in path.name else 0
            return ImageFont.truetype(str(path), size, index=index)
    return ImageFont.load_default(size)


def _wrap(
    draw: ImageDraw.ImageDraw,
    text: str,
    face: ImageFont.FreeTypeFont | ImageFont.ImageFont,
    width: int,
) -> list[str]:
    """Lines no wider than ``width``: by words for spaced scripts, by characters for CJK."""
    words = text.split(" ") if " " in text else list(text)
    joiner = " " if " " in text else ""
    lines: list[str] = []
    line = ""
    for word in words:
        candidate = f"{line}{joiner}{word}" if line else word
        fits = draw.textlength(candidate, font=face) <= width
        # CJK line-breaking rule: closing punctuation never starts a line.
        if fits or not line or word in NO_LINE_START:
            line = candidate
        else:
            lines.append(line)
            line = word
    if line:
        lines.append(line)
    return lines


def _centered(
    draw: ImageDraw.ImageDraw,
    y: int,
    text: str,
    face: ImageFont.FreeTypeFont | ImageFont.ImageFont,
    fill: tuple[int, int, int],
    width: int = WIDTH - 160,
    spacing: int = 12,
) -> int:
    for line in _wrap(draw, text, face, width):
        draw.text((WIDTH // 2, y), line, font=face, fill=fill, anchor="ma")
        y = int(draw.textbbox((WIDTH // 2, y), line, font=face, anchor="ma")[3]) + spacing
    return y


def _qr(url: str, size: int) -> Image.Image:
    code = qrcode.QRCode(border=2, box_size=10, error_correction=qrcode.constants.ERROR_CORRECT_M)
    code.add_data(url)
    code.make(fit=True)
    made = code.make_image(fill_color="black", back_color="white")
    image: Image.Image = made.get_image().convert("RGB")
    return image.resize((size, size), Image.Resampling.NEAREST)


def _png(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


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
    y = _centered(draw, 110, text["title"], font(76, lang, bold=True), ACCENT)
    y = _centered(draw, y + 30, data.campaign_name, font(34, lang), INK)
    y = _centered(draw, y + 40, text["awarded"], font(28, lang), INK)
    nickname = data.nickname or text["anonymous"]
    y = _centered(draw, y + 10, nickname, font(60, lang, bold=True), INK)
    draw.line((WIDTH // 2 - 200, y + 4, WIDTH // 2 + 200, y + 4), fill=GOLD, width=2)
    body = text["body"].format(campaign=data.campaign_name, track=text.get(data.track, data.track))
    y = _centered(draw, y + 40, body, font(30, lang), INK)
    score = text["score"].format(score=data.score, max=data.max_score)
    y = _centered(draw, y + 30, score, font(40, lang, bold=True), ACCENT)
    when = format_date(data.day, "long", locale=LOCALES[lang])
    _centered(draw, y + 20, text["date"].format(date=when), font(28, lang), INK)
    qr_size = 240
    image.paste(_qr(data.url, qr_size), ((WIDTH - qr_size) // 2, HEIGHT - 130 - qr_size - 60))
    _centered(draw, HEIGHT - 150, text["scan"], font(24, lang), INK)
    return _png(image)


def render_share_image(lang: str, campaign_name: str, url: str) -> bytes:
    """The square thumbnail of the WeChat share card: the campaign's name and its QR code."""
    lang = lang if lang in TEXTS else "zh"
    size = 400
    image = Image.new("RGB", (size, size), ACCENT)
    draw = ImageDraw.Draw(image)
    face = font(30, lang, bold=True)
    lines = _wrap(draw, campaign_name, face, size - 48)[:3]
    y = 28
    for line in lines:
        draw.text((size // 2, y), line, font=face, fill=(255, 255, 255), anchor="ma")
        y += 40
    qr_size = min(200, size - y - 60)
    image.paste(_qr(url, qr_size), ((size - qr_size) // 2, y + 12))
    draw.text(
        (size // 2, size - 36),
        TEXTS[lang]["share_call"],
        font=font(22, lang),
        fill=(255, 255, 255),
        anchor="ma",
    )
    return _png(image)
