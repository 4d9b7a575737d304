"""School kits for staff: the school's and each class's link to the quiz page, and the
poster, the letter to parents and the class sheet to print. Scoped like the reports: a
school account its own school, a district its schools, the city all."""

from __future__ import annotations

from typing import Annotated

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


def _file(body: bytes, media_type: str, name: str) -> Response:
    return Response(
        body,
        media_type=media_type,
        headers={
            "Content-Disposition": f'attachment; filename="{name}"',
            "Cache-Control": "private, no-store",
        },
    )


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


@router.get(
    "/poster.png",
    response_class=Response,
    responses={200: {"content": {"image/png": {}}}, **PROBLEMS},
    summary="The classroom poster: A4 at 300 dpi, the school's name, dates, one QR code",
)
def poster(
    session: SessionDep,
    resources: ResourcesDep,
    scope: CurrentScope,
    now: NowDep,
    code: Code,
    lang: LangQ = Lang.zh,
) -> Response:
    found = _kit(session, resources, scope, now, code, lang)
    return _file(poster_png(found), "image/png", file_name("poster", found))


@router.get(
    "/letter.pdf",
    response_class=Response,
    responses={200: {"content": {"application/pdf": {}}}, **PROBLEMS},
    summary="The A4 letter to parents in the language asked for, with the school's QR code",
)
def letter(
    session: SessionDep,
    resources: ResourcesDep,
    scope: CurrentScope,
    now: NowDep,
    code: Code,
    lang: LangQ = Lang.zh,
) -> Response:
    found = _kit(session, resources, scope, now, code, lang)
    text = load_letter(resources.settings.content_dir).text(lang)
    return _file(letter_pdf(found, text), "application/pdf", file_name("letter", found))


@router.get(
    "/classes.pdf",
    response_class=Response,
    responses={200: {"content": {"application/pdf": {}}}, **PROBLEMS},
    summary="One QR code per class with its name, to print and cut",
)
def class_sheet(
    session: SessionDep,
    resources: ResourcesDep,
    scope: CurrentScope,
    now: NowDep,
    code: Code,
    lang: LangQ = Lang.zh,
) -> Response:
    found = _kit(session, resources, scope, now, code, lang)
    return _file(classes_pdf(found), "application/pdf", file_name("classes", found))
