"""Question analytics for staff (docs/analytics.md): per question facility, discrimination,
efficiency, option shares and flags; per paper the mean, SD and Cronbach's alpha; as JSON or
CSV/XLSX. City staff read any district, district staff theirs, school staff their school's
facility only (from 10 participants up)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import BaseModel

from quiz_api.api.deps import CurrentScope, NowDep, ResourcesDep, SessionDep
from quiz_api.api.downloads import DOWNLOADS, Format, FormatQ, download
from quiz_api.api.problems import problem_responses
from quiz_api.core.errors import DomainError, ProblemType
from quiz_api.core.languages import Lang
from quiz_api.db.models import StaffRole, Track
from quiz_api.services import question_report as service
from quiz_api.services.campaigns import resolve_campaign
from quiz_api.services.schools import resolve_district

router = APIRouter(prefix="/reports", tags=["reports"])
PROBLEMS = problem_responses(401, 403, 404, 409, 422)


class Attempts(StrEnum):
    first = "first"
    all = "all"


class GroupOut(BaseModel):
    attempts: int
    facility: float | None


class OptionOut(BaseModel):
    index: int
    text: str
    key: bool
    share: float | None


class FlagOut(BaseModel):
    code: str
    reason: str
    figures: str


class QuestionOut(BaseModel):
    version_id: int
    question_id: str
    version: int
    track: str
    category: str
    difficulty: str
    type: str
    text: str
    explanation: str
    source: str
    attempts: int
    facility: float | None
    discrimination: float | None
    efficiency: float | None
    options: list[OptionOut]
    by_lang: dict[str, GroupOut]
    by_district: dict[str, GroupOut]
    flags: list[FlagOut]


class PaperFiguresOut(BaseModel):
    participants: int
    mean: float | None
    sd: float | None
    alpha: float | None
    alpha_se: float | None
    distribution: dict[int, int]


class PaperOut(PaperFiguresOut):
    track: str
    by_district: dict[str, PaperFiguresOut]


class QuestionReportOut(BaseModel):
    campaign: str
    attempts: Attempts
    track: str | None
    district: str | None
    lang: str | None
    school: str | None
    computed_at: datetime | None
    data_until: datetime | None
    age_seconds: float | None
    questions: list[QuestionOut]
    papers: list[PaperOut]
    least_known: dict[str, list[int]]


def _group(pair: tuple[int, float | None]) -> GroupOut:
    return GroupOut(attempts=pair[0], facility=pair[1])


def _paper(figures: Any) -> dict[str, Any]:
    return {
        "participants": figures.participants,
        "mean": figures.mean,
        "sd": figures.sd,
        "alpha": figures.alpha,
        "alpha_se": figures.alpha_se,
        "distribution": figures.distribution,
    }


def report_out(report: service.QuestionReport) -> QuestionReportOut:
    return QuestionReportOut(
        campaign=report.campaign,
        attempts=Attempts.first if report.first_only else Attempts.all,
        track=report.track,
        district=report.district,
        lang=report.lang,
        school=report.school,
        computed_at=report.computed_at,
        data_until=report.data_until,
        age_seconds=report.age_seconds,
        questions=[
            QuestionOut(
                version_id=q.version_id,
                question_id=q.question_id,
                version=q.version,
                track=q.track,
                category=q.category,
                difficulty=q.difficulty,
                type=q.type,
                text=q.text,
                explanation=q.explanation,
                source=q.source,
                attempts=q.figures.n,
                facility=q.figures.facility,
                discrimination=q.figures.discrimination,
                efficiency=q.figures.efficiency,
                options=[OptionOut(**vars(o)) for o in q.options],
                by_lang={k: _group(v) for k, v in q.by_lang.items()},
                by_district={k: _group(v) for k, v in q.by_district.items()},
                flags=[FlagOut(code=c, reason=r, figures=f) for c, r, f in q.flags],
            )
            for q in report.questions
        ],
        papers=[
            PaperOut(
                track=p.track,
                by_district={d: PaperFiguresOut(**_paper(f)) for d, f in p.by_district.items()},
                **_paper(p.figures),
            )
            for p in report.papers
        ],
        least_known=report.least_known,
    )


QUESTION_COLUMNS = (
    "track",
    "question_id",
    "version",
    "category",
    "difficulty",
    "question",
    "attempts",
    "facility",
    "discrimination",
    "efficiency",
    "option_shares",
    "flags",
)
PAPER_COLUMNS = ("track", "district", "participants", "mean", "sd", "alpha", "alpha_se")


def _tables(out: QuestionReportOut) -> list[tuple[str, tuple[Any, Any]]]:
    questions = [
        [
            q.track,
            q.question_id,
            q.version,
            q.category,
            q.difficulty,
            q.text,
            q.attempts,
            q.facility,
            q.discrimination,
            q.efficiency,
            " ".join(
                f"{o.index + 1}{'*' if o.key else ''}:{o.share:.3f}"
                for o in q.options
                if o.share is not None
            ),
            "; ".join(f.code for f in q.flags),
        ]
        for q in out.questions
    ]
    papers = []
    for p in out.papers:
        papers.append([p.track, None, p.participants, p.mean, p.sd, p.alpha, p.alpha_se])
        for district, f in p.by_district.items():
            papers.append([p.track, district, f.participants, f.mean, f.sd, f.alpha, f.alpha_se])
    return [("questions", (QUESTION_COLUMNS, questions)), ("papers", (PAPER_COLUMNS, papers))]


@router.get(
    "/questions",
    response_model=QuestionReportOut,
    responses={**PROBLEMS, **DOWNLOADS},
    summary="Question analytics: facility, discrimination, option shares, flags (staff)",
)
def questions(
    session: SessionDep,
    resources: ResourcesDep,
    scope: CurrentScope,
    now: NowDep,
    campaign: Annotated[
        str | None, Query(max_length=64, description="default: the open one")
    ] = None,
    track: Track | None = None,
    district: Annotated[
        str | None, Query(max_length=100, description="district code or name")
    ] = None,
    lang: Annotated[
        Lang | None,
        Query(description="only attempts in this language (and texts and headers in it)"),
    ] = None,
    attempts: Annotated[
        Attempts, Query(description="first attempts (default) or all")
    ] = Attempts.first,
    text_lang: Annotated[
        Lang, Query(description="language of texts and headers without lang")
    ] = Lang.zh,
    fmt: FormatQ = Format.json,
) -> Any:
    row = resolve_campaign(resources.content.campaigns, session, campaign, now)
    viewer = lang or text_lang
    first_only = attempts is Attempts.first
    track_value = track.value if track is not None else None
    if scope.role is StaffRole.school:
        report = service.school_facility(
            session, resources.content, row.id, scope, viewer.value, now, track_value, first_only
        )
    else:
        district_name = None
        if district is not None:
            resolved = resolve_district(resources.districts, district)
            if resolved is None:
                raise DomainError(ProblemType.unknown_district, f"no district {district!r}")
            district_name = resolved.name
        resources.analytics.ensure(session, row.id, now)
        report = service.question_report(
            session,
            resources.content,
            row.id,
            scope,
            viewer.value,
            now,
            track_value,
            district_name,
            lang.value if lang is not None else None,
            first_only,
        )
    out = report_out(report)
    if fmt is Format.json:
        return out
    return download(_tables(out), fmt, viewer, f"questions-{row.id}")
