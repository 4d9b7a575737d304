"""The school kit's printed pieces: the classroom poster (an A4 PNG at 300 dpi, drawn with the
raster toolkit), the letter to parents and the sheet of class QR codes (A4 PDFs with real,
searchable text in Noto Sans CJK, fpdf2 embedding only the glyphs used).

fpdf2 rather than Pillow's PDF output: Pillow writes each page as one picture, so a parent
could not copy the link from the letter, and a screen reader would read nothing."""

from __future__ import annotations

from datetime import date

from babel.dates import format_date
from fpdf import FPDF
from fpdf.enums import WrapMode, XPos, YPos
from PIL import Image, ImageDraw

from quiz_api.content.kits import LetterText
from quiz_api.core.languages import LOCALES, Lang
from quiz_api.rendering.pdffonts import add_noto
from quiz_api.rendering.raster import (
    GREY,
    INK,
    TEAL,
    TEAL_DARK,
    WHITE,
    font,
    palette_image,
    png_bytes,
    qr_image,
    wrap,
)
from quiz_api.services.kits import Kit

# A class is named with its grade: "3班" alone is in every grade.
GRADE_LABEL = {
    "zh": "{grade}年级 {name}",
    "en": "Grade {grade}, {name}",
    "ko": "{grade}학년 {name}",
    "ja": "{grade}年 {name}",
}
A4_300DPI = (2480, 3508)  # 210 x 297 mm at 300 dots per inch
TEXTS: dict[str, dict[str, str]] = {
    "zh": {"scan": "微信扫码，参加挑战", "dates": "{starts} 至 {ends}", "sheet": "各班二维码"},
    "en": {
        "scan": "Scan with WeChat to take part",
        "dates": "{starts} to {ends}",
        "sheet": "Class QR codes",
    },
    "ko": {
        "scan": "위챗으로 스캔해 참여하세요",
        "dates": "{starts} ~ {ends}",
        "sheet": "반별 QR 코드",
    },
    "ja": {
        "scan": "WeChatで読み取って参加",
        "dates": "{starts}～{ends}",
        "sheet": "クラス別QRコード",
    },
}


def _date(day: date, lang: Lang) -> str:
    return format_date(day, "long", locale=LOCALES[lang.value])


def dates_line(kit: Kit) -> str:
    return TEXTS[kit.lang.value]["dates"].format(
        starts=_date(kit.starts_on, kit.lang), ends=_date(kit.ends_on, kit.lang)
    )


# ---------------------------------------------------------------------------------- poster
def poster_png(kit: Kit) -> bytes:
    """The classroom poster: the school's name, the challenge and its dates, one QR code."""
    width = A4_300DPI[0]
    lang = kit.lang.value
    image = Image.new("RGB", A4_300DPI, WHITE)
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, width, 900), fill=TEAL)
    margin = 180
    y = 200
    title = font(lang, 130, bold=True)
    for line in wrap(kit.campaign_name, title, width - 2 * margin):
        draw.text((margin, y), line, font=title, fill=WHITE)
        y += 170
    draw.text((margin, y + 30), dates_line(kit), font=font(lang, 80), fill=WHITE)
    y = 1060
    name = font(lang, 140, bold=True)
    for line in wrap(kit.school_name, name, width - 2 * margin):
        draw.text((width // 2, y), line, font=name, fill=TEAL_DARK, anchor="ma")
        y += 180
    code = qr_image(kit.link, 1500)
    image.paste(code, ((width - code.width) // 2, y + 60))
    y += 60 + code.height + 60
    draw.text(
        (width // 2, y), TEXTS[lang]["scan"], font=font(lang, 100, bold=True), fill=INK, anchor="ma"
    )
    link = font(lang, 44)
    for line in wrap(kit.link, link, width - 2 * margin):
        y += 80
        draw.text((width // 2, y + 90), line, font=link, fill=GREY, anchor="ma")
    # A fixed palette keeps the 8.7-megapixel PNG small and quick to write.
    palette = palette_image([(WHITE, TEAL), (WHITE, TEAL_DARK), (WHITE, INK), (WHITE, GREY)])
    return png_bytes(image.quantize(palette=palette, dither=Image.Dither.NONE), dpi=(300, 300))


# ------------------------------------------------------------------------------------ PDFs
def _pdf(lang: Lang) -> FPDF:
    pdf = FPDF(orientation="portrait", unit="mm", format="A4")
    add_noto(pdf, lang.value)  # parsed once per process and language
    pdf.set_margins(20, 18, 20)
    pdf.set_auto_page_break(True, margin=18)
    pdf.set_lang({"zh": "zh-CN", "en": "en", "ko": "ko", "ja": "ja"}[lang.value])
    return pdf


def _wrapmode(lang: Lang) -> WrapMode:
    # Chinese and Japanese have no spaces between words: break between any characters.
    return WrapMode.CHAR if lang in (Lang.zh, Lang.ja) else WrapMode.WORD


def _paragraph(pdf: FPDF, text: str, lang: Lang, size: float = 11, bold: bool = False) -> None:
    pdf.set_font("noto", "B" if bold else "", size)
    pdf.multi_cell(
        0,
        size * 0.55,
        text,
        wrapmode=_wrapmode(lang),
        new_x=XPos.LMARGIN,
        new_y=YPos.NEXT,
    )
    pdf.ln(size * 0.25)


def letter_pdf(kit: Kit, text: LetterText) -> bytes:
    """The A4 letter to parents in the kit's language, with the school's QR code and link."""
    fill = {
        "school": kit.school_name,
        "campaign": kit.campaign_name,
        "starts": _date(kit.starts_on, kit.lang),
        "ends": _date(kit.ends_on, kit.lang),
    }
    lang = kit.lang
    pdf = _pdf(lang)
    pdf.set_title(f"{text.title} - {kit.school_name}")
    pdf.add_page()
    pdf.set_text_color(*TEAL_DARK)
    _paragraph(pdf, text.title, lang, 20, bold=True)
    pdf.set_text_color(*INK)
    _paragraph(pdf, text.greeting.format(**fill), lang)
    _paragraph(pdf, text.what.format(**fill), lang)
    _paragraph(pdf, text.why.format(**fill), lang)
    _paragraph(pdf, text.steps_title, lang, 13, bold=True)
    for number, step in enumerate(text.steps, start=1):
        _paragraph(pdf, f"{number}. {step.format(**fill)}", lang)
    top = pdf.get_y()
    pdf.image(qr_image(kit.link, 600), x=20, y=top, w=40, h=40)
    pdf.set_xy(65, top + 4)
    pdf.set_font("noto", "", 9)
    pdf.multi_cell(0, 5, kit.link, wrapmode=WrapMode.CHAR, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_y(top + 44)
    _paragraph(pdf, text.privacy_title, lang, 13, bold=True)
    _paragraph(pdf, text.privacy.format(**fill), lang)
    _paragraph(pdf, text.closing.format(**fill), lang)
    _paragraph(pdf, text.signature.format(**fill), lang)
    return bytes(pdf.output())


def classes_pdf(kit: Kit) -> bytes:
    """One QR code per class with its name, six to an A4 page, to print and cut."""
    lang = kit.lang
    pdf = _pdf(lang)
    pdf.set_title(f"{TEXTS[lang.value]['sheet']} - {kit.school_name}")
    per_page, cell_w, cell_h = 6, 85, 85
    for index, item in enumerate(kit.classes):
        if index % per_page == 0:
            pdf.add_page()
            pdf.set_font("noto", "B", 12)
            pdf.cell(0, 8, f"{kit.school_name} · {TEXTS[lang.value]['sheet']}")
        column, row = index % 2, (index % per_page) // 2
        x, y = 20 + column * cell_w, 30 + row * cell_h
        pdf.set_draw_color(*GREY)
        pdf.set_dash_pattern(dash=1, gap=1)
        pdf.rect(x, y, cell_w, cell_h)  # the cutting line
        pdf.image(qr_image(item.link, 600), x=x + 15, y=y + 4, w=55, h=55)
        pdf.set_xy(x, y + 62)
        pdf.set_font("noto", "B", 14)
        label = GRADE_LABEL[lang.value].format(grade=item.grade, name=item.class_name)
        pdf.cell(cell_w, 8, label, align="C")
        pdf.set_xy(x + 2, y + 71)
        pdf.set_font("noto", "", 6)
        pdf.multi_cell(cell_w - 4, 3, item.link, wrapmode=WrapMode.CHAR)
    if not kit.classes:
        pdf.add_page()
        _paragraph(pdf, kit.school_name, lang, 14, bold=True)
    return bytes(pdf.output())


def file_name(kind: str, kit: Kit) -> str:
    """The name of a kit's file, the same as a download and from the command line:
    ``poster-S001-zh.png``, ``letter-S001-zh.pdf``, ``classes-S001-zh.pdf``."""
    suffix = "png" if kind == "poster" else "pdf"
    return f"{kind}-{kit.school_code}-{kit.lang.value}.{suffix}"


def kit_files(kit: Kit, text: LetterText) -> dict[str, bytes]:
    """Every printed piece of a school's kit by file name, and its links (one a line, the
    school's first, then each class's after its name)."""
    links = [kit.link] + [f"{c.grade}\t{c.class_name}\t{c.link}" for c in kit.classes]
    return {
        file_name("poster", kit): poster_png(kit),
        file_name("letter", kit): letter_pdf(kit, text),
        file_name("classes", kit): classes_pdf(kit),
        f"links-{kit.school_code}-{kit.lang.value}.txt": ("\n".join(links) + "\n").encode(),
    }
