"""The school kit's PDFs (letter to parents, class QR sheet) in each language: CPU seconds per
PDF with Noto Sans CJK parsed by fpdf2 for every document (its own ``add_font``) and parsed
once per process and language (``quiz_api.rendering.pdffonts.add_noto``), in one process.

    .venv/bin/python -m loadtests.bench_kit_pdf             # 3 runs of each
    .venv/bin/python -m loadtests.bench_kit_pdf --runs 5

For each language: the median of the runs through add_font, the first PDF parsed once (it
pays for the parsing) and the median of the following ones. Exits 1 when the two ways give
PDFs with different text.
"""

from __future__ import annotations

import io
import statistics
import time
from collections.abc import Callable
from datetime import date
from functools import partial
from typing import Annotated
from unittest import mock

import typer
from pypdf import PdfReader

from quiz_api.content.kits import load_letter
from quiz_api.core.languages import Lang
from quiz_api.rendering import kit as kit_pdf
from quiz_api.rendering import pdffonts
from quiz_api.services.kits import ClassLink, Kit, class_key, quiz_link
from site_builder import REPO_ROOT

SITE = "https://jd.example.org/"
SCHOOL = {"zh": "第一中学", "en": "No. 1 Middle School", "ko": "제1중학교", "ja": "第一中学校"}

app = typer.Typer(add_completion=False, pretty_exceptions_enable=False)


def sample_kit(lang: Lang) -> Kit:
    """A school of twelve classes (two grades of six)."""
    classes = [(grade, f"{n}班") for grade in (7, 8) for n in range(1, 7)]
    return Kit(
        lang=lang,
        school_code="S001",
        school_name=SCHOOL[lang.value],
        district="黄浦区",
        link=quiz_link(SITE, lang, "S001"),
        classes=[
            ClassLink(
                g, name, class_key(g, name), quiz_link(SITE, lang, "S001", class_key(g, name))
            )
            for g, name in classes
        ],
        campaign_name="Test",
        starts_on=date(2026, 6, 1),
        ends_on=date(2026, 12, 31),
    )


def cpu_seconds(make: Callable[[], bytes]) -> tuple[float, bytes]:
    start = time.process_time()
    body = make()
    return time.process_time() - start, body


def text_of(body: bytes) -> str:
    reader = PdfReader(io.BytesIO(body))
    return "".join(page.extract_text() for page in reader.pages)


@app.command()
def main(runs: Annotated[int, typer.Option(help="PDFs of each kind and way")] = 3) -> None:
    letter = load_letter(REPO_ROOT / "content")
    print(f"{'PDF':<12} {'add_font':>9} {'once: 1st':>10} {'once: next':>11}  (CPU s per PDF)")
    differ = []
    for lang in Lang:
        kit = sample_kit(lang)
        makers: dict[str, Callable[[], bytes]] = {
            "letter": partial(kit_pdf.letter_pdf, kit, letter.text(lang)),
            "classes": partial(kit_pdf.classes_pdf, kit),
        }
        for kind, make in makers.items():
            every_time = partial(pdffonts.add_noto, parsed_once=False)
            with mock.patch.object(kit_pdf, "add_noto", every_time):
                base = [cpu_seconds(make) for _ in range(runs)]
            pdffonts.cache_clear()
            once = [cpu_seconds(make) for _ in range(runs + 1)]
            if text_of(base[0][1]) != text_of(once[0][1]):
                differ.append(f"{lang.value} {kind}")
            print(
                f"{lang.value + ' ' + kind:<12} {statistics.median(t for t, _ in base):>9.2f} "
                f"{once[0][0]:>10.2f} {statistics.median(t for t, _ in once[1:]):>11.2f}",
                flush=True,
            )
    if differ:
        print("DIFFERENT TEXT:", ", ".join(differ))
        raise typer.Exit(1)


if __name__ == "__main__":
    app()
