"""The daily question's staff report: per day, the answers and the share that was right, in
all and per group (adult, primary, secondary), for the city (with a row per district), a
district or a school, within the staff account's scope.

Figures come from one grouped query on ``daily_answer`` (its denormalised ``district`` and
``school_code`` columns; ``ix_daily_answer_day`` finds the days), summed in Python into
the unit's series and, for the city, each district's. Adults have no school: they count in
the city's figures, and in a district's when they gave one.

Students are children: the report holds counts and shares, never a participant. Below the
city, a figure about fewer than ``MIN_GROUP`` people is not shown (the survey's rule): it is
``None`` and the output says "fewer than 10". Zero is shown (it concerns nobody)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, Literal

from sqlalchemy import Integer, func, select
from sqlmodel import Session, col
from sqlmodel import select as orm_select

from quiz_api.content.daily import Group
from quiz_api.core.errors import DomainError, ProblemType
from quiz_api.db.models import DAILY_ANSWER, School
from quiz_api.services import survey
from quiz_api.services.schools import Districts, resolve_district
from quiz_api.services.scope import Area, StaffScope

Level = Literal["city", "district", "school"]
DEFAULT_DAYS = 30  # without ``from``: the 30 days up to ``to``
MAX_DAYS = 366
MIN_GROUP = survey.MIN_GROUP  # the survey's small-group rule: no figure under 10 people

_C = DAILY_ANSWER.c
_CORRECT = func.coalesce(func.sum(_C.correct.cast(Integer)), 0)


@dataclass
class Counts:
    answers: int = 0
    correct: int = 0

    def add(self, answers: int, correct: int) -> None:
        self.answers += answers
        self.correct += correct


@dataclass(frozen=True)
class Figure:
    """Answers and the share right; both None when hidden (fewer than ``MIN_GROUP``)."""

    answers: int | None
    correct_share: float | None

    @property
    def hidden(self) -> bool:
        return self.answers is None

    @classmethod
    def of(cls, counts: Counts, protect: bool) -> Figure:
        if protect and 0 < counts.answers < MIN_GROUP:
            return cls(None, None)
        share = round(counts.correct / counts.answers, 4) if counts.answers else None
        return cls(counts.answers, share)


@dataclass(frozen=True)
class Line:
    """One day (``day``) or the whole period (``day`` None): all groups, then each group."""

    day: date | None
    total: Figure
    by_audience: dict[Group, Figure]


@dataclass
class _Tally:
    by_audience: dict[Group, Counts] = field(default_factory=lambda: defaultdict(Counts))

    def add(self, audience: Group, answers: int, correct: int) -> None:
        self.by_audience[audience].add(answers, correct)

    def line(self, day: date | None, protect: bool) -> Line:
        total = Counts()
        for counts in self.by_audience.values():
            total.add(counts.answers, counts.correct)
        return Line(
            day,
            Figure.of(total, protect),
            {g: Figure.of(self.by_audience.get(g, Counts()), protect) for g in Group},
        )


@dataclass(frozen=True)
class Unit:
    level: Level
    district: str | None  # the district's name as stored (Chinese)
    district_code: str | None
    school_code: str | None
    school_name: str | None
    totals: Line
    days: list[Line]


@dataclass(frozen=True)
class DailyReport:
    first: date
    last: date
    unit: Unit
    districts: list[Unit] | None  # the city's: one per district of the content


def period(today: date, first: date | None, last: date | None) -> tuple[date, date]:
    """The days asked for: ``last`` defaults to today, ``first`` to ``DEFAULT_DAYS`` days
    up to ``last``; at most ``MAX_DAYS`` days, in order."""
    last = last if last is not None else today
    first = first if first is not None else last - timedelta(days=DEFAULT_DAYS - 1)
    if first > last:
        raise DomainError(
            ProblemType.validation_error,
            f"`from` ({first.isoformat()}) is after `to` ({last.isoformat()})",
            field="from",
        )
    if (last - first).days + 1 > MAX_DAYS:
        raise DomainError(
            ProblemType.validation_error,
            f"at most {MAX_DAYS} days at once: ask for a shorter period",
            field="from",
        )
    return first, last


@dataclass(frozen=True)
class _Target:
    level: Level
    area: Area
    district: str | None = None
    district_code: str | None = None
    school_code: str | None = None
    school_name: str | None = None


def _target(
    session: Session,
    districts: Districts,
    scope: StaffScope,
    district: str | None,
    school: str | None,
) -> _Target:
    """The unit asked for (a school, a district, else the account's own), within scope."""
    if school is None and district is None:
        if scope.school_code is not None:
            school = scope.school_code
        elif scope.district is not None:
            district = scope.district
        else:
            return _Target("city", Area())
    if school is not None:
        # Looked up within the account's scope: another school is "unknown", as in reports.
        found = session.exec(
            orm_select(School).where(
                col(School.code) == school, *scope.where(col(School.district), col(School.code))
            )
        ).first()
        if found is None:
            raise DomainError(
                ProblemType.unknown_school, f"no school {school!r} in this account's scope"
            )
        resolved = resolve_district(districts, found.district)
        return _Target(
            "school",
            Area(school_code=found.code),
            district=found.district,
            district_code=resolved.code if resolved else None,
            school_code=found.code,
            school_name=found.name,
        )
    assert district is not None
    named = resolve_district(districts, district)
    if named is None:
        raise DomainError(ProblemType.unknown_district, f"no district {district!r}")
    if not scope.may_read_district(named.name):
        raise DomainError(ProblemType.outside_scope, "this account may not read that district")
    return _Target(
        "district", Area(district=named.name), district=named.name, district_code=named.code
    )


def _rows(
    session: Session, target: _Target, scope: StaffScope, first: date, last: date
) -> list[tuple[Any, ...]]:
    """(day, audience, district, answers, correct) of the unit's answers in the period,
    grouped in the database (district only for the city's rows per district)."""
    by_district = target.level == "city"
    keys: list[Any] = [_C.day, _C.audience]
    if by_district:
        keys.append(_C.district)
    statement = (
        select(*keys, func.count(), _CORRECT)
        .where(
            _C.day >= first.isoformat(),
            _C.day <= last.isoformat(),
            *target.area.where(_C.district, _C.school_code),
            *scope.where(_C.district, _C.school_code),
        )
        .group_by(*keys)
    )
    rows = []
    for found in session.connection().execute(statement):
        row = tuple(found)
        if by_district:
            day, audience, district, answers, correct = row
        else:
            (day, audience, answers, correct), district = row, None
        rows.append((day, audience, district, int(answers), int(correct)))
    return rows


def _unit(
    level: Level,
    tallies: dict[str, _Tally],
    days: list[date],
    protect: bool,
    **names: str | None,
) -> Unit:
    period_tally = _Tally()
    lines = []
    for day in days:
        tally = tallies.get(day.isoformat(), _Tally())
        for audience, counts in tally.by_audience.items():
            period_tally.add(audience, counts.answers, counts.correct)
        lines.append(tally.line(day, protect))
    return Unit(
        level=level,
        district=names.get("district"),
        district_code=names.get("district_code"),
        school_code=names.get("school_code"),
        school_name=names.get("school_name"),
        totals=period_tally.line(None, protect),
        days=lines,
    )


def daily_report(
    session: Session,
    districts: Districts,
    scope: StaffScope,
    today: date,
    first: date | None = None,
    last: date | None = None,
    district: str | None = None,
    school: str | None = None,
) -> DailyReport:
    """The report of a school (``school``), a district (``district``) or, without either,
    the account's own unit; the city's has a unit per district too."""
    first, last = period(today, first, last)
    target = _target(session, districts, scope, district, school)
    unit_days: dict[str, _Tally] = defaultdict(_Tally)
    district_days: dict[str, dict[str, _Tally]] = defaultdict(lambda: defaultdict(_Tally))
    for day, audience, district_name, answers, correct in _rows(
        session, target, scope, first, last
    ):
        group = Group(audience)
        unit_days[day].add(group, answers, correct)
        if district_name is not None:
            district_days[district_name][day].add(group, answers, correct)
    days = [first + timedelta(days=n) for n in range((last - first).days + 1)]
    unit = _unit(
        target.level,
        unit_days,
        days,
        protect=target.level != "city",
        district=target.district,
        district_code=target.district_code,
        school_code=target.school_code,
        school_name=target.school_name,
    )
    per_district = None
    if target.level == "city":
        per_district = [
            _unit(
                "district",
                district_days.get(d.name, {}),
                days,
                protect=True,
                district=d.name,
                district_code=d.code,
            )
            for d in districts
        ]
    return DailyReport(first=first, last=last, unit=unit, districts=per_district)
