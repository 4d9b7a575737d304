"""Participation reports for staff: the city, a district, a school, each as JSON or as CSV
and XLSX downloads of the same figures. The account's scope is applied in every query."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel

from quiz_api.api.deps import CurrentScope, NowDep, ResourcesDep, SessionDep
from quiz_api.api.downloads import DOWNLOADS, Format, FormatQ, LangQ, download
from quiz_api.api.problems import problem_responses
from quiz_api.api.resources import Resources
from quiz_api.core.errors import DomainError, ProblemType
from quiz_api.core.languages import Lang
from quiz_api.db.models import StaffRole
from quiz_api.rendering.tables import Table
from quiz_api.services import reports
from quiz_api.services.campaigns import resolve_campaign
from quiz_api.services.scope import StaffScope

router = APIRouter(prefix="/reports", tags=["reports"])
PROBLEMS = problem_responses(401, 403, 404, 409, 422)


class FiguresOut(BaseModel):
    enrolled: int
    registered: int
    registration_rate: float | None
    completed: int
    completion_rate: float | None
    attempts: int
    average_score: float | None
    pass_rate: float | None
    below_target: bool
    over_enrolled: bool


class RowOut(FiguresOut):
    level: Literal["district", "school", "grade", "class"]
    district: str | None
    school_code: str | None
    school_name: str | None
    grade: int | None
    class_name: str | None


class DayOut(BaseModel):
    day: str
    registered: int
    attempts: int
    passed: int
    registered_total: int
    registration_rate: float | None


class ReportOut(BaseModel):
    campaign: str
    level: Literal["city", "district", "school"]
    code: str | None
    name: str | None
    target: float
    totals: FiguresOut
    districts: list[RowOut] | None = None
    schools: list[RowOut] | None = None
    grades: list[RowOut] | None = None
    classes: list[RowOut] | None = None
    daily: list[DayOut]
    # A school's registrations by source: school_link, class_link, search (the kit's effect).
    sources: dict[str, int] | None = None


def _figures(f: reports.Figures, target: float) -> dict[str, Any]:
    rate = f.registration_rate
    return {
        "enrolled": f.enrolled,
        "registered": f.registered,
        "registration_rate": rate,
        "completed": f.completed,
        "completion_rate": f.completion_rate,
        "attempts": f.attempts,
        "average_score": f.average_score,
        "pass_rate": f.pass_rate,
        "below_target": rate is not None and rate < target,
        "over_enrolled": f.over_enrolled,
    }


def _row(row: reports.Row, target: float) -> RowOut:
    return RowOut(
        level=row.level,
        district=row.district,
        school_code=row.school_code,
        school_name=row.school_name,
        grade=row.grade,
        class_name=row.class_name,
        **_figures(row.figures, target),
    )


def report_out(report: reports.Report) -> ReportOut:
    return ReportOut(
        campaign=report.campaign,
        level=report.level,
        code=report.code,
        name=report.name,
        target=report.target,
        totals=FiguresOut(**_figures(report.totals, report.target)),
        daily=[DayOut(**vars(d)) for d in report.daily],
        sources=report.sources,
        **{name: [_row(r, report.target) for r in rows] for name, rows in report.sections.items()},
    )


UNIT_COLUMNS = (
    "section",
    "district",
    "school_code",
    "school_name",
    "grade",
    "class_name",
    "enrolled",
    "registered",
    "registration_rate",
    "completed",
    "completion_rate",
    "attempts",
    "average_score",
    "pass_rate",
    "below_target",
    "over_enrolled",
)
DAY_COLUMNS = ("day", "registered", "registered_total", "registration_rate", "attempts", "passed")


def _tables(out: ReportOut) -> tuple[Table, Table]:
    units: list[list[Any]] = []
    total = out.totals.model_dump()
    units.append(
        [
            out.level,
            out.name if out.level == "district" else None,
            out.code if out.level == "school" else None,
            out.name if out.level == "school" else None,
            None,
            None,
        ]
        + [total[c] for c in UNIT_COLUMNS[6:]]
    )
    for rows in (out.districts, out.schools, out.grades, out.classes):
        for row in rows or []:
            data = row.model_dump()
            units.append([row.level] + [data[c] for c in UNIT_COLUMNS[1:]])
    days = [[getattr(d, c) for c in DAY_COLUMNS] for d in out.daily]
    return (UNIT_COLUMNS, units), (DAY_COLUMNS, days)


def respond(out: ReportOut, fmt: Format, lang: Lang, filename: str) -> Any:
    if fmt is Format.json:
        return out
    units, days = _tables(out)
    return download([("units", units), ("daily", days)], fmt, lang, filename)


Campaign = Annotated[str | None, Query(max_length=64, description="default: the open one")]
Target = Annotated[
    float | None,
    Query(gt=0, le=1, description="target registration rate (0-1); default from settings"),
]


def _target(target: float | None, resources: Resources) -> float:
    return target if target is not None else resources.settings.report.target_rate


@router.get(
    "/me",
    response_model=ReportOut,
    responses={**PROBLEMS, **DOWNLOADS},
    summary="The report of the account's own scope (city, district or school)",
)
def my_report(
    session: SessionDep,
    resources: ResourcesDep,
    scope: CurrentScope,
    now: NowDep,
    campaign: Campaign = None,
    target: Target = None,
    fmt: FormatQ = Format.json,
    lang: LangQ = Lang.zh,
) -> Any:
    # The same reports as the scoped routes below, for the account's own unit.
    if scope.role is StaffRole.city:
        return city(session, resources, scope, now, campaign, target, fmt, lang)
    if scope.role is StaffRole.district:
        assert scope.district is not None
        return district(session, resources, scope, now, scope.district, campaign, target, fmt, lang)
    assert scope.school_code is not None
    return school(session, resources, scope, now, scope.school_code, campaign, target, fmt, lang)


@router.get(
    "/city",
    response_model=ReportOut,
    responses={**PROBLEMS, **DOWNLOADS},
    summary="The city: districts and schools (city staff)",
)
def city(
    session: SessionDep,
    resources: ResourcesDep,
    scope: CurrentScope,
    now: NowDep,
    campaign: Campaign = None,
    target: Target = None,
    fmt: FormatQ = Format.json,
    lang: LangQ = Lang.zh,
) -> Any:
    _require(scope, StaffRole.city)
    campaigns = resources.content.campaigns
    row = resolve_campaign(campaigns, session, campaign, now)
    today = campaigns.spec(row).local_day(now)
    target_rate = _target(target, resources)
    report = reports.city_report(
        session, row.id, scope, target_rate, today, now, resources.past_days
    )
    return respond(report_out(report), fmt, lang, "report-city")


@router.get(
    "/districts/{district}",
    response_model=ReportOut,
    responses={**PROBLEMS, **DOWNLOADS},
    summary="A district: schools and classes (city staff, that district's staff)",
)
def district(
    session: SessionDep,
    resources: ResourcesDep,
    scope: CurrentScope,
    now: NowDep,
    district: Annotated[str, Path(max_length=100, description="district code or name")],
    campaign: Campaign = None,
    target: Target = None,
    fmt: FormatQ = Format.json,
    lang: LangQ = Lang.zh,
) -> Any:
    _require(scope, StaffRole.city, StaffRole.district)
    campaign_id = resolve_campaign(resources.content.campaigns, session, campaign, now).id
    report = reports.district_report(
        session, resources.districts, campaign_id, scope, district, _target(target, resources)
    )
    return respond(report_out(report), fmt, lang, f"report-{report.code}")


@router.get(
    "/schools/{code}",
    response_model=ReportOut,
    responses={**PROBLEMS, **DOWNLOADS},
    summary="A school: grades and classes (its staff, its district's, the city's)",
)
def school(
    session: SessionDep,
    resources: ResourcesDep,
    scope: CurrentScope,
    now: NowDep,
    code: Annotated[str, Path(max_length=32)],
    campaign: Campaign = None,
    target: Target = None,
    fmt: FormatQ = Format.json,
    lang: LangQ = Lang.zh,
) -> Any:
    campaign_id = resolve_campaign(resources.content.campaigns, session, campaign, now).id
    report = reports.school_report(session, campaign_id, scope, code, _target(target, resources))
    return respond(report_out(report), fmt, lang, f"report-{report.code}")


def _require(scope: StaffScope, *roles: StaffRole) -> None:
    if scope.role not in roles:
        raise DomainError(ProblemType.outside_scope, "this report is outside the account's scope")
