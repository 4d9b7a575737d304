"""School kits for staff: the school's and each class's link to the quiz page, and the
poster, the letter to parents and the class sheet to print. Scoped like the reports: a
school account its own school, a district its schools, the city all."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Path, Response
from pydantic import BaseModel

from quiz_api.api.deps import CurrentScope, NowDep, ResourcesDep, SessionDep
from quiz_api.api.downloads import LangQ
from quiz_api.api.problems import problem_responses
from quiz_api.content.kits import load_letter
from quiz_api.core.languages import Lang
from quiz_api.rendering.kit import classes_pdf, file_name, letter_pdf, poster_png
from quiz_api.services.campaigns import resolve_campaign
from quiz_api.services.kits import Kit, school_kit
from quiz_api.services.scope import StaffScope

router = APIRouter(prefix="/reports/schools/{code}/kit", tags=["kits"])
PROBLEMS = problem_responses(401, 403, 404, 409, 422)
Code = Annotated[str, Path(max_length=32)]


class ClassLinkOut(BaseModel):
    grade: int
    class_name: str
    key: str  # <grade>-<class name>: stable across roster re-imports
    link: str


class KitOut(BaseModel):
    school_code: str
    school_name: str
    lang: Lang
    link: str
    classes: list[ClassLinkOut]
    poster: str  # the downloads, relative to the API
    letter: str
    class_sheet: str


def _kit(
    session: SessionDep,
    resources: ResourcesDep,
    scope: StaffScope,
    now: NowDep,
    code: str,
    lang: Lang,
) -> Kit:
    campaign = resolve_campaign(resources.content.campaigns, session, None, now)
    return school_kit(session, scope, code, campaign, lang, resources.settings.site_url)


@router.get("", response_model=KitOut, responses=PROBLEMS, summary="A school's kit: its links")
def kit(
    session: SessionDep,
    resources: ResourcesDep,
    scope: CurrentScope,
    now: NowDep,
    code: Code,
    lang: LangQ = Lang.zh,
) -> KitOut:
    found = _kit(session, resources, scope, now, code, lang)
    base = f"/api/v1/reports/schools/{found.school_code}/kit"
    return KitOut(
        school_code=found.school_code,
        school_name=found.school_name,
        lang=lang,
        link=found.link,
        classes=[ClassLinkOut(**vars(c)) for c in found.classes],
        poster=f"{base}/poster.png?lang={lang}",
        letter=f"{base}/letter.pdf?lang={lang}",
        class_sheet=f"{base}/classes.pdf?lang={lang}",
    )


KitFile = Literal["poster.png", "letter.pdf", "classes.pdf"]
MEDIA = {"png": "image/png", "pdf": "application/pdf"}


@router.get(
    "/{file}",
    response_class=Response,
    responses={200: {"content": {media: {} for media in MEDIA.values()}}, **PROBLEMS},
    summary=(
        "A printed piece of the kit: poster.png (A4, 300 dpi, the school's name, the dates, "
        "one QR code), letter.pdf (the letter to parents in `lang`), classes.pdf (one QR code "
        "per class)"
    ),
)
def kit_file(
    session: SessionDep,
    resources: ResourcesDep,
    scope: CurrentScope,
    now: NowDep,
    code: Code,
    file: KitFile,
    lang: LangQ = Lang.zh,
) -> Response:
    found = _kit(session, resources, scope, now, code, lang)
    kind, suffix = file.split(".")
    if kind == "poster":
        body = poster_png(found)
    elif kind == "letter":
        body = letter_pdf(found, load_letter(resources.settings.content_dir).text(lang))
    else:
        body = classes_pdf(found)
    return Response(
        body,
        media_type=MEDIA[suffix],
        headers={
            "Content-Disposition": f'attachment; filename="{file_name(kind, found)}"',
            "Cache-Control": "private, no-store",
        },
    )
