"""Schools' participation reports: registration and completion rates against enrolment,
attempts, scores and pass rates, by class, grade, school, district and city, and a
day-by-day series.

Definitions (docs/schools-and-survey.md):
- enrolled: the roster's count; registered: students who joined the student track there;
- completed: registered students with at least one finished (scored) attempt;
- registration rate = registered / enrolled, completion rate = completed / enrolled; a rate
  above 100 % (more registrations than enrolment) is kept and flagged, never capped;
- attempts: finished attempts; average score and pass rate are over finished attempts.

Every query carries the staff account's scope (``StaffScope.where``): a school account's
queries name its school, a district account's its district. The city's figures are counted
per school in single-table grouped queries (denormalised ``school_code``/``district``
columns), then rolled up in Python; the class level joins participants and is only asked
for one school or one district."""

from __future__ import annotations

import logging
import threading
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Literal

from sqlalchemy import ColumnElement, case, func
from sqlalchemy import select as sa_select
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from quiz_api.core.errors import DomainError, ProblemType
from quiz_api.db.models import BestScore, Participant, Result, School, SchoolClass, StaffRole
from quiz_api.services.participants import JoinSource
from quiz_api.services.schools import Districts, natural_key, resolve_district
from quiz_api.services.scope import Area, StaffScope

Level = Literal["city", "district", "school", "grade", "class"]


@dataclass
class Figures:
    enrolled: int = 0
    registered: int = 0
    completed: int = 0
    attempts: int = 0
    score_sum: int = 0
    passed: int = 0

    def add(self, other: Figures) -> None:
        self.enrolled += other.enrolled
        self.registered += other.registered
        self.completed += other.completed
        self.attempts += other.attempts
        self.score_sum += other.score_sum
        self.passed += other.passed

    @property
    def registration_rate(self) -> float | None:
        return self.registered / self.enrolled if self.enrolled else None

    @property
    def completion_rate(self) -> float | None:
        return self.completed / self.enrolled if self.enrolled else None

    @property
    def average_score(self) -> float | None:
        return round(self.score_sum / self.attempts, 2) if self.attempts else None

    @property
    def pass_rate(self) -> float | None:
        return self.passed / self.attempts if self.attempts else None

    @property
    def over_enrolled(self) -> bool:
        """More registrations than enrolled students: flagged for the office to check."""
        return self.registered > self.enrolled


@dataclass
class Row:
    level: Level
    key: tuple[Any, ...]
    district: str | None = None
    school_code: str | None = None
    school_name: str | None = None
    grade: int | None = None
    class_name: str | None = None
    figures: Figures = field(default_factory=Figures)

    def below(self, target: float) -> bool:
        rate = self.figures.registration_rate
        return rate is not None and rate < target


@dataclass
class Day:
    day: str
    registered: int = 0
    attempts: int = 0
    passed: int = 0
    registered_total: int = 0
    registration_rate: float | None = None


@dataclass
class Report:
    campaign: str
    level: Literal["city", "district", "school"]
    code: str | None
    name: str | None
    target: float
    totals: Figures
    sections: dict[str, list[Row]]
    daily: list[Day]
    # A school's registrations by where they came from (school_link, class_link, search).
    sources: dict[str, int] | None = None


def _where(model: Any, unit: Area, scope: StaffScope) -> list[ColumnElement[bool]]:
    """Conditions of the unit asked for AND of the account's scope, on a table with
    ``district`` and ``school_code`` columns (``School``: ``district`` and ``code``)."""
    if scope.role is StaffRole.school and scope.school_code is None:  # pragma: no cover
        raise DomainError(ProblemType.outside_scope, "this account has no school")
    district, school = (
        col(model.district),
        col(model.code if model is School else model.school_code),
    )
    return [*unit.where(district, school), *scope.where(district, school)]


def _rows(session: Session, statement: Any) -> list[tuple[Any, ...]]:
    """Plain tuples from a Core statement (no ORM objects on the hot path)."""
    return [tuple(row) for row in session.connection().execute(statement)]


def _enrolled(
    session: Session, unit: Area, scope: StaffScope, by_class: bool
) -> Iterable[tuple[Any, ...]]:
    keys: list[Any] = [col(SchoolClass.school_code)]
    if by_class:
        keys += [col(SchoolClass.grade), col(SchoolClass.class_name)]
    return _rows(
        session,
        sa_select(*keys, func.sum(col(SchoolClass.enrolled)))
        .join(School, col(School.code) == col(SchoolClass.school_code))
        .where(*_where(School, unit, scope))
        .group_by(*keys),
    )


@dataclass(frozen=True)
class Days:
    """Rows of days before ``before`` or from ``since`` on (local days, ISO dates)."""

    before: str | None = None
    since: str | None = None

    def where(self, model: Any) -> list[ColumnElement[bool]]:
        conditions: list[ColumnElement[bool]] = []
        if self.before is not None:
            conditions.append(col(model.day) < self.before)
        if self.since is not None:
            # Today's rows: (campaign_id, track, day) indexes find them without a scan.
            conditions += [col(model.track) == "student", col(model.day) >= self.since]
        return conditions


ALL_DAYS = Days()


def _participants(
    session: Session,
    campaign_id: str,
    unit: Area,
    scope: StaffScope,
    by_class: bool,
    days: Days = ALL_DAYS,
) -> list[tuple[Any, ...]]:
    """Registrations per key and day (``ix_participant_report`` covers it)."""
    keys: list[Any] = [col(Participant.school_code)]
    if by_class:
        keys += [col(Participant.grade), col(Participant.class_name)]
    keys.append(col(Participant.day))
    return _rows(
        session,
        sa_select(*keys, func.count())
        .where(
            col(Participant.campaign_id) == campaign_id,
            col(Participant.school_code).is_not(None),
            *_where(Participant, unit, scope),
            *days.where(Participant),
        )
        .group_by(*keys),
    )


def _completed(
    session: Session, campaign_id: str, unit: Area, scope: StaffScope, by_class: bool
) -> Iterable[tuple[Any, ...]]:
    # best_score holds one row per participant with a finished attempt.
    conditions = [
        col(BestScore.campaign_id) == campaign_id,
        col(BestScore.track) == "student",
        col(BestScore.school_code).is_not(None),
        *_where(BestScore, unit, scope),
    ]
    if not by_class:
        return _rows(
            session,
            sa_select(col(BestScore.school_code), func.count())
            .where(*conditions)
            .group_by(col(BestScore.school_code)),
        )
    keys: list[Any] = [
        col(BestScore.school_code),
        col(Participant.grade),
        col(Participant.class_name),
    ]
    return _rows(
        session,
        sa_select(*keys, func.count())
        .join(Participant, col(Participant.id) == col(BestScore.participant_id))
        .where(*conditions)
        .group_by(*keys),
    )


def _held_only(
    session: Session, campaign_id: str, unit: Area, scope: StaffScope, by_class: bool
) -> Iterable[tuple[Any, ...]]:
    """Participants whose only finished attempts are held for review: not in best_score
    (off the boards) but they did take part. A handful: ``ix_result_held`` finds them."""
    keys: list[Any] = [col(Result.school_code)]
    if by_class:
        keys += [col(Participant.grade), col(Participant.class_name)]
    no_best = (
        ~sa_select(col(BestScore.participant_id))
        .where(col(BestScore.participant_id) == col(Result.participant_id))
        .exists()
    )
    return _rows(
        session,
        sa_select(*keys, func.count(func.distinct(col(Result.participant_id))))
        .join(Participant, col(Participant.id) == col(Result.participant_id))
        .where(
            col(Result.held),
            col(Result.campaign_id) == campaign_id,
            col(Result.track) == "student",
            col(Result.school_code).is_not(None),
            *_where(Result, unit, scope),
            no_best,
        )
        .group_by(*keys),
    )


def _results(
    session: Session,
    campaign_id: str,
    unit: Area,
    scope: StaffScope,
    by_class: bool,
    days: Days = ALL_DAYS,
) -> list[tuple[Any, ...]]:
    """Finished attempts, score sum and passes per key and day (``ix_result_report``)."""
    keys: list[Any] = [col(Result.school_code)]
    if by_class:
        keys += [col(Participant.grade), col(Participant.class_name)]
    keys.append(col(Result.day))
    statement = sa_select(
        *keys,
        func.count(),
        func.sum(col(Result.score)),
        func.sum(case((col(Result.passed), 1), else_=0)),
    )
    if by_class:
        statement = statement.join(Participant, col(Participant.id) == col(Result.participant_id))
    return _rows(
        session,
        statement.where(
            col(Result.campaign_id) == campaign_id,
            col(Result.school_code).is_not(None),
            *_where(Result, unit, scope),
            *days.where(Result),
        ).group_by(*keys),
    )


Figures4 = tuple[int, int, int, int]  # registered, attempts, score sum, passed


@dataclass
class _Past:
    """Past days' registrations and finished attempts, summed per school and per day."""

    computed_at: datetime
    per_key: dict[tuple[Any, ...], Figures4]
    per_day: dict[str, tuple[int, int, int]]  # registered, attempts, passed


# The city's rows of past days, per campaign and day: past days do not change (a
# registration or a result belongs to the local day it happened), so the city report sums
# them once and reads only today's rows on each request. After PAST_TTL the sums are
# refreshed in a background thread while requests keep using the previous ones
# (stale-while-revalidate): only the first city report of a worker process pays for the
# full read. Rows of past days deleted by an administrator show up late by PAST_TTL plus
# one refresh at most.
PAST_TTL = timedelta(minutes=10)
PAST_KEYS = 32  # (campaign, day) pairs kept before the cache starts anew
REFRESH_THREAD = "past-days-refresh"
logger = logging.getLogger(__name__)


def _accumulate(
    participant_rows: Iterable[tuple[Any, ...]],
    result_rows: Iterable[tuple[Any, ...]],
    figures: dict[tuple[Any, ...], Figures],
    days: dict[str, Day],
) -> None:
    """Add rows of (key..., day, count) and (key..., day, count, score sum, passed)."""
    for row in participant_rows:
        key, day, n = row[:-2], row[-2], row[-1]
        figures[key].registered += n
        entry = days.get(day)
        if entry is None:
            entry = days[day] = Day(day)
        entry.registered += n
    for row in result_rows:
        key, day, n, score_sum, passed = row[:-4], row[-4], row[-3], row[-2], row[-1]
        passed = int(passed or 0)
        f = figures[key]
        f.attempts += n
        f.score_sum += int(score_sum or 0)
        f.passed += passed
        entry = days.get(day)
        if entry is None:
            entry = days[day] = Day(day)
        entry.attempts += n
        entry.passed += passed


def _compute_past(
    session: Session, campaign_id: str, scope: StaffScope, today: str, now: datetime
) -> _Past:
    before = Days(before=today)
    figures: dict[tuple[Any, ...], Figures] = defaultdict(Figures)
    days: dict[str, Day] = {}
    _accumulate(
        _participants(session, campaign_id, Area(), scope, False, before),
        _results(session, campaign_id, Area(), scope, False, before),
        figures,
        days,
    )
    return _Past(
        now,
        {k: (f.registered, f.attempts, f.score_sum, f.passed) for k, f in figures.items()},
        {d.day: (d.registered, d.attempts, d.passed) for d in days.values()},
    )


class PastDaysCache:
    """The sums of past days for one application's database (its engine): made by the
    application's lifespan (``quiz_api.api.resources``), closed at its shutdown."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._sums: dict[tuple[str, str], _Past] = {}
        self._refreshing: dict[tuple[str, str], threading.Thread] = {}
        self._lock = threading.Lock()

    def get(
        self, session: Session, campaign_id: str, scope: StaffScope, today: str, now: datetime
    ) -> _Past:
        key = (campaign_id, today)
        cached = self._sums.get(key)
        if cached is None:
            if len(self._sums) > PAST_KEYS:
                self._sums.clear()
            cached = self._sums[key] = _compute_past(session, campaign_id, scope, today, now)
        elif not timedelta(0) <= now - cached.computed_at < PAST_TTL:
            with self._lock:
                if key not in self._refreshing:
                    thread = threading.Thread(
                        target=self._refresh,
                        args=(key, scope, now),
                        name=REFRESH_THREAD,
                        daemon=True,
                    )
                    self._refreshing[key] = thread
                    thread.start()
        return cached

    def _refresh(self, key: tuple[str, str], scope: StaffScope, now: datetime) -> None:
        try:
            with Session(self._engine) as session:
                self._sums[key] = _compute_past(session, key[0], scope, key[1], now)
        except Exception:  # keep the previous sums; the next request tries again
            logger.exception("refreshing the city report's past days failed")
        finally:
            with self._lock:
                self._refreshing.pop(key, None)

    def wait_for_refreshes(self) -> None:
        """Wait for the background refreshes under way (tests, shutdown)."""
        with self._lock:
            threads = list(self._refreshing.values())
        for thread in threads:
            thread.join()

    def clear(self) -> None:
        """Forget the sums: the next city report reads every past day again (benchmarks)."""
        self.wait_for_refreshes()
        self._sums.clear()

    def age(self, by: timedelta) -> None:
        """Make every cached sum older (benchmarks: force the next report to refresh)."""
        for past in self._sums.values():
            past.computed_at -= by


def _figures(
    session: Session,
    campaign_id: str,
    unit: Area,
    scope: StaffScope,
    by_class: bool,
    live_since: tuple[PastDaysCache, str, datetime] | None = None,
) -> tuple[dict[tuple[Any, ...], Figures], dict[str, Day]]:
    """Figures per school (key ``(code,)``) or per class (``(code, grade, class)``), and the
    day-by-day counts, from one pass over each table (the daily series is the same rows
    summed the other way). With ``live_since`` (the cache, today, now; the whole city by
    school only), past days come from the cache and only today's rows are read."""
    figures: dict[tuple[Any, ...], Figures] = defaultdict(Figures)
    days: dict[str, Day] = {}
    if live_since is None:
        participant_rows = _participants(session, campaign_id, unit, scope, by_class)
        result_rows = _results(session, campaign_id, unit, scope, by_class)
    else:
        assert unit == Area() and scope.role is StaffRole.city and not by_class
        cache, today, now = live_since
        past = cache.get(session, campaign_id, scope, today, now)
        for school, (registered, attempts, score_sum, passed) in past.per_key.items():
            figures[school] = Figures(
                registered=registered, attempts=attempts, score_sum=score_sum, passed=passed
            )
        for day, (registered, attempts, passed) in past.per_day.items():
            days[day] = Day(day, registered, attempts, passed)
        live = Days(since=today)
        participant_rows = _participants(session, campaign_id, unit, scope, by_class, live)
        result_rows = _results(session, campaign_id, unit, scope, by_class, live)
    _accumulate(participant_rows, result_rows, figures, days)
    for row in _enrolled(session, unit, scope, by_class):
        figures[tuple(row[:-1])].enrolled = int(row[-1] or 0)
    for row in _completed(session, campaign_id, unit, scope, by_class):
        figures[tuple(row[:-1])].completed = row[-1]
    for row in _held_only(session, campaign_id, unit, scope, by_class):
        figures[tuple(row[:-1])].completed += row[-1]  # held results count as taking part
    return figures, days


def _daily(days: dict[str, Day], enrolled: int) -> list[Day]:
    total = 0
    series = sorted(days.values(), key=lambda d: d.day)
    for entry in series:
        total += entry.registered
        entry.registered_total = total
        entry.registration_rate = total / enrolled if enrolled else None
    return series


def _order(rows: list[Row], target: float) -> list[Row]:
    """Rows below the target first (lowest rate first), then the others in their order."""
    below = sorted(
        (r for r in rows if r.below(target)), key=lambda r: (r.figures.registration_rate, r.key)
    )
    rest = [r for r in rows if not r.below(target)]
    return below + rest


@dataclass(frozen=True)
class SchoolName:
    code: str
    name: str
    district: str


def _schools(session: Session, codes: Iterable[str]) -> dict[str, SchoolName]:
    wanted = list(codes)
    if not wanted:
        return {}
    statement = sa_select(col(School.code), col(School.name), col(School.district))
    if len(wanted) <= 500:  # the whole city: one scan is cheaper than a long IN list
        statement = statement.where(col(School.code).in_(wanted))
    return {row[0]: SchoolName(*row) for row in _rows(session, statement)}


def city_report(
    session: Session,
    campaign_id: str,
    scope: StaffScope,
    target: float,
    today: str | None = None,
    now: datetime | None = None,
    past: PastDaysCache | None = None,
) -> Report:
    """The city by district and school. Given ``today`` (the campaign's local day), ``now``
    and the application's cache, past days' rows come from the cache (see ``PAST_TTL``)."""
    if scope.role is not StaffRole.city:
        raise DomainError(ProblemType.outside_scope, "the city report is for city staff")
    unit = Area()
    live = (past, today, now) if past and today is not None and now is not None else None
    per_school, days = _figures(session, campaign_id, unit, scope, False, live)
    schools = _schools(session, (k[0] for k in per_school))
    school_rows: list[Row] = []
    districts: dict[str, Row] = {}
    totals = Figures()
    for (code,), figures in sorted(per_school.items()):
        school = schools.get(code)
        district = school.district if school else ""
        school_rows.append(
            Row(
                "school",
                (code,),
                district=district,
                school_code=code,
                school_name=school.name if school else None,
                figures=figures,
            )
        )
        districts.setdefault(district, Row("district", (district,), district=district))
        districts[district].figures.add(figures)
        totals.add(figures)
    return Report(
        campaign=campaign_id,
        level="city",
        code=None,
        name=None,
        target=target,
        totals=totals,
        sections={
            "districts": _order([districts[d] for d in sorted(districts)], target),
            "schools": _order(school_rows, target),
        },
        daily=_daily(days, totals.enrolled),
    )


def district_report(
    session: Session,
    districts: Districts,
    campaign_id: str,
    scope: StaffScope,
    district: str,
    target: float,
) -> Report:
    resolved = resolve_district(districts, district)
    if resolved is None:
        raise DomainError(ProblemType.unknown_district, f"no district {district!r}")
    if not scope.may_read_district(resolved.name):
        raise DomainError(ProblemType.outside_scope, "this account may not read that district")
    unit = Area(district=resolved.name)
    per_class, days = _figures(session, campaign_id, unit, scope, by_class=True)
    schools = _schools(session, {k[0] for k in per_class})
    totals = Figures()
    by_school: dict[str, Row] = {}
    class_rows = []
    for key, figures in sorted(per_class.items(), key=lambda kv: _class_sort(kv[0])):
        code = key[0]
        school = schools.get(code)
        name = school.name if school else None
        by_school.setdefault(
            code,
            Row("school", (code,), district=resolved.name, school_code=code, school_name=name),
        ).figures.add(figures)
        class_rows.append(_class_row(key, figures, resolved.name, name))
        totals.add(figures)
    return Report(
        campaign=campaign_id,
        level="district",
        code=resolved.code,
        name=resolved.name,
        target=target,
        totals=totals,
        sections={
            "schools": _order([by_school[c] for c in sorted(by_school)], target),
            "classes": _order(class_rows, target),
        },
        daily=_daily(days, totals.enrolled),
    )


def _class_row(
    key: tuple[Any, ...], figures: Figures, district: str | None, school_name: str | None
) -> Row:
    """The row of one class (key: school code, grade, class name) in a district's or a
    school's report."""
    code, grade, class_name = key
    return Row(
        "class",
        key,
        district=district,
        school_code=code,
        school_name=school_name,
        grade=grade,
        class_name=class_name,
        figures=figures,
    )


def _class_sort(key: tuple[Any, ...]) -> tuple[Any, ...]:
    code, grade, class_name = key
    return (code, grade if grade is not None else -1, natural_key(class_name or ""))


SEARCH = "search"  # the source of a join through no kit link: the school search


def _sources(session: Session, campaign_id: str, unit: Area, scope: StaffScope) -> dict[str, int]:
    """Registrations per source (every source listed, zero included): did the letter work?"""
    counts = {source.value: 0 for source in JoinSource} | {SEARCH: 0}
    for source, count in _rows(
        session,
        sa_select(col(Participant.source), func.count())
        .where(
            col(Participant.campaign_id) == campaign_id,
            col(Participant.school_code).is_not(None),
            *_where(Participant, unit, scope),
        )
        .group_by(col(Participant.source)),
    ):
        counts[source or SEARCH] = counts.get(source or SEARCH, 0) + count
    return counts


def school_report(
    session: Session, campaign_id: str, scope: StaffScope, code: str, target: float
) -> Report:
    # The school is looked up within the account's scope: another school is "unknown".
    school = session.exec(
        select(School).where(col(School.code) == code, *_where(School, Area(), scope))
    ).first()
    if school is None:
        raise DomainError(ProblemType.unknown_school, f"no school {code!r} in this account's scope")
    unit = Area(school_code=school.code)
    per_class, days = _figures(session, campaign_id, unit, scope, by_class=True)
    totals = Figures()
    grades: dict[int | None, Row] = {}
    class_rows = []
    for key, figures in sorted(per_class.items(), key=lambda kv: _class_sort(kv[0])):
        grade = key[1]
        grades.setdefault(
            grade,
            Row(
                "grade",
                (grade,),
                district=school.district,
                school_code=school.code,
                school_name=school.name,
                grade=grade,
            ),
        ).figures.add(figures)
        class_rows.append(_class_row(key, figures, school.district, school.name))
        totals.add(figures)
    return Report(
        campaign=campaign_id,
        level="school",
        code=school.code,
        name=school.name,
        target=target,
        totals=totals,
        sections={
            "grades": _order([grades[g] for g in sorted(grades, key=lambda g: g or 0)], target),
            "classes": _order(class_rows, target),
        },
        daily=_daily(days, totals.enrolled),
        sources=_sources(session, campaign_id, unit, scope),
    )
