"""The daily question's staff report: answers and correct share per day and group, for the
city (and each district), a district or a school, as JSON or as CSV and XLSX downloads of
the same figures. The account's scope is applied in the query."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Query

from quiz_api.api.deps import CurrentScope, DailySpecDep, DistrictsDep, NowDep, SessionDep
from quiz_api.api.downloads import DOWNLOADS, Format, FormatQ, LangQ, download
from quiz_api.api.problems import problem_responses
from quiz_api.api.schemas import (
    PRINTABLE,
    DailyFigureOut,
    DailyLineOut,
    DailyReportOut,
    DailyUnitOut,
)
from quiz_api.content.daily import Group
from quiz_api.core.errors import DomainError, ProblemType
from quiz_api.core.languages import Lang
from quiz_api.rendering.tables import Table, fewer_than, total_label
from quiz_api.services.daily import require_spec
from quiz_api.services.daily_report import MIN_GROUP, DailyReport, Figure, Line, Unit, daily_report

router = APIRouter(prefix="/reports", tags=["reports"])

DATE_PATTERN = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
FromQ = Annotated[
    str | None,
    Query(
        alias="from",
        pattern=DATE_PATTERN,
        description="first day, YYYY-MM-DD in the daily time zone (default: 30 days to `to`)",
    ),
]
ToQ = Annotated[
    str | None,
    Query(pattern=DATE_PATTERN, description="last day, YYYY-MM-DD (default: today)"),
]


def _date(text: str | None, name: str) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise DomainError(
            ProblemType.validation_error, f"`{name}`: {text} is not a date", field=name
        ) from None


def _figure(figure: Figure) -> dict[str, Any]:
    return {
        "answers": figure.answers,
        "correct_share": figure.correct_share,
        "fewer_than": MIN_GROUP if figure.hidden else None,
    }


def _line(line: Line) -> DailyLineOut:
    return DailyLineOut(
        date=line.day.isoformat() if line.day is not None else None,
        by_audience={g.value: DailyFigureOut(**_figure(f)) for g, f in line.by_audience.items()},
        **_figure(line.total),
    )


def _unit(unit: Unit) -> dict[str, Any]:
    return {
        "level": unit.level,
        "district": unit.district,
        "district_code": unit.district_code,
        "school_code": unit.school_code,
        "school_name": unit.school_name,
        "totals": _line(unit.totals),
        "days": [_line(d) for d in unit.days],
    }


def report_out(report: DailyReport, timezone: str) -> DailyReportOut:
    return DailyReportOut(
        from_=report.first.isoformat(),
        to=report.last.isoformat(),
        timezone=timezone,
        min_group=MIN_GROUP,
        districts=[DailyUnitOut(**_unit(u)) for u in report.districts]
        if report.districts is not None
        else None,
        **_unit(report.unit),
    )


FIGURE_COLUMNS = tuple(
    f"{prefix}{name}"
    for prefix in ("", *(f"{g.value}_" for g in Group))
    for name in ("answers", "correct_share")
)
DAY_COLUMNS = ("day", *FIGURE_COLUMNS)
DISTRICT_COLUMNS = ("district", *DAY_COLUMNS)


def _cells(line: DailyLineOut, lang: Lang) -> list[Any]:
    """The figures of a line; a hidden one says "fewer than 10" in the reader's language."""
    cells: list[Any] = []
    for figure in (line, *(line.by_audience[g.value] for g in Group)):
        if figure.fewer_than is not None:
            cells += [fewer_than(figure.fewer_than, lang.value), None]
        else:
            cells += [figure.answers, figure.correct_share]
    return cells


def _rows(unit: DailyUnitOut, lang: Lang) -> list[list[Any]]:
    """A row per day, then the period's total."""
    rows = [[d.date, *_cells(d, lang)] for d in unit.days]
    rows.append([total_label(lang.value), *_cells(unit.totals, lang)])
    return rows


def _tables(out: DailyReportOut, lang: Lang) -> list[tuple[str, Table]]:
    sheets: list[tuple[str, Table]] = [("daily", (DAY_COLUMNS, _rows(out, lang)))]
    if out.districts is not None:
        rows = [[u.district, *row] for u in out.districts for row in _rows(u, lang)]
        sheets.append(("districts", (DISTRICT_COLUMNS, rows)))
    return sheets


def _filename(out: DailyReportOut) -> str:
    unit = out.school_code or out.district_code or out.level
    return f"daily-{unit}-{out.from_}-{out.to}"


@router.get(
    "/daily",
    response_model=DailyReportOut,
    responses={**problem_responses(401, 403, 404, 422), **DOWNLOADS},
    summary="The daily question per day: answers and correct share by group (staff)",
)
def daily(
    session: SessionDep,
    districts: DistrictsDep,
    spec: DailySpecDep,
    scope: CurrentScope,
    now: NowDep,
    from_: FromQ = None,
    to: ToQ = None,
    district: Annotated[
        str | None,
        Query(max_length=100, pattern=PRINTABLE, description="a district's code or name"),
    ] = None,
    school: Annotated[
        str | None, Query(max_length=32, pattern=PRINTABLE, description="a school's code")
    ] = None,
    fmt: FormatQ = Format.json,
    lang: LangQ = Lang.zh,
) -> Any:
    spec = require_spec(spec)
    report = daily_report(
        session,
        districts,
        scope,
        spec.local_day(now),
        _date(from_, "from"),
        _date(to, "to"),
        district=district,
        school=school,
    )
    out = report_out(report, spec.timezone)
    if fmt is Format.json:
        return out
    return download(_tables(out, lang), fmt, lang, _filename(out))
