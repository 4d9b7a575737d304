"""The daily question (``content/daily/``): when it started, the time zone that decides the
day, and the pinned dates; and the schedule, a pure function of that file, the bank and the
date, so that every worker and every restart serve the same question to everyone in a group.

The schedule of a group (adults, primary pupils, secondary pupils):
- a pinned date (``MM-DD`` every year, ``YYYY-MM-DD`` once) serves its pinned question;
- every other day takes the next question of a rotation over the group's questions that no
  pin names: the rotation is cut into cycles of the pool's size, each cycle a permutation
  seeded by the group and the cycle's number, so no question repeats before the pool is
  used up and the order is not the bank's (neighbouring ids are often on one topic).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict, StringConstraints, field_validator

from quiz_api.content.bank import (
    ContentError,
    ContentInvalid,
    Level,
    QuestionSpec,
    TimeZone,
    _read_file,
    _yaml_files,
)
from quiz_api.content.yamlsource import line_of
from quiz_api.core.tracks import Track

DAILY_DIR = "daily"
DAILY_FILE = "daily.yaml"

Day = date  # the type, under a name that Pin's field `date` does not shadow
PinDate = Annotated[str, StringConstraints(pattern=r"^(\d{4}-)?\d{2}-\d{2}$")]


class Group(StrEnum):
    """Who shares one question a day: adults, and students by school level."""

    adult = "adult"
    primary = "primary"
    secondary = "secondary"

    @classmethod
    def of(cls, track: Track, level: Level | None) -> Group:
        if track is Track.adult:
            return cls.adult
        return cls(level.value) if level is not None else cls.secondary

    @property
    def track(self) -> Track:
        return Track.adult if self is Group.adult else Track.student

    @property
    def level(self) -> Level | None:
        return None if self is Group.adult else Level(self.value)


def fits(question: QuestionSpec, group: Group) -> bool:
    """Whether the question belongs to the group's track (and level)."""
    if group.track not in question.tracks:
        return False
    return group.level is None or group.level in question.levels


class Pin(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    date: PinDate  # "06-26": every year; "2026-06-01": once
    question: Annotated[str, StringConstraints(min_length=1, max_length=64)]

    @field_validator("date")
    @classmethod
    def _real_date(cls, value: str) -> str:
        # A yearly pin is checked against a leap year, so that 02-29 is allowed (it is then
        # served in leap years only).
        try:
            date.fromisoformat(value if len(value) == 10 else f"2028-{value}")
        except ValueError as exc:
            raise ValueError(f"{value!r} is not a date: write MM-DD or YYYY-MM-DD") from exc
        return value

    @property
    def yearly(self) -> bool:
        return len(self.date) == 5

    def on(self, year: int) -> Day | None:
        """The date this pin falls on in ``year`` (None: a once-pin of another year, or
        29 February outside a leap year)."""
        if not self.yearly:
            day = date.fromisoformat(self.date)
            return day if day.year == year else None
        try:
            return date.fromisoformat(f"{year:04d}-{self.date}")
        except ValueError:
            return None


class DailySpec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    start: date
    timezone: TimeZone = "Asia/Shanghai"
    pins: dict[Group, list[Pin]] = {}

    def local_day(self, moment: datetime) -> date:
        """The day ``moment`` falls on in the daily question's time zone."""
        return moment.astimezone(ZoneInfo(self.timezone)).date()


def _pin_collisions(pins: list[Pin]) -> list[tuple[int, str]]:
    """(index, message) of every pin whose date another pin of the group already takes."""
    problems: list[tuple[int, str]] = []
    yearly: dict[str, int] = {}
    once: dict[str, int] = {}
    for index, pin in enumerate(pins):
        if pin.yearly:
            first = yearly.get(pin.date)
            clash = [i for d, i in once.items() if d[5:] == pin.date]
        else:
            first = once.get(pin.date)
            clash = [i for d, i in yearly.items() if d == pin.date[5:]]
        if first is not None or clash:
            other = pins[first if first is not None else clash[0]]
            problems.append(
                (index, f"{pin.date} is pinned twice (also {other.date}): keep one of the pins")
            )
            continue
        (yearly if pin.yearly else once)[pin.date] = index
    return problems


def check_against_bank(
    spec: DailySpec, raw: Any, path: Path, questions: Iterable[QuestionSpec]
) -> list[ContentError]:
    """The pins' questions must exist and belong to the pin's group; no date twice; every
    group needs questions to rotate through."""
    by_id = {q.id: q for q in questions}
    errors: list[ContentError] = []
    for group, pins in spec.pins.items():
        for index, message in _pin_collisions(pins):
            where = line_of(raw, ("pins", group.value, index, "date"))
            errors.append(ContentError(path, where, message, field=f"pins.{group.value}"))
        for index, pin in enumerate(pins):
            where = line_of(raw, ("pins", group.value, index, "question"))
            question = by_id.get(pin.question)
            if question is None:
                errors.append(
                    ContentError(
                        path,
                        where,
                        f"unknown question id {pin.question!r}: use an id of content/quiz/",
                        field=f"pins.{group.value}",
                    )
                )
            elif not fits(question, group):
                levels = "/".join(level.value for level in question.levels)
                tracks = "/".join(track.value for track in question.tracks)
                errors.append(
                    ContentError(
                        path,
                        where,
                        f"question {pin.question} is for {tracks}"
                        f"{' (' + levels + ')' if levels else ''}, not for {group.value}: "
                        "pin it under its own group or pick another question",
                        field=f"pins.{group.value}",
                    )
                )
    for group in Group:
        if not rotation_pool(spec, group, (q.id for q in by_id.values() if fits(q, group))):
            errors.append(
                ContentError(
                    path,
                    1,
                    f"no {group.value} question is left for the days without a pin: "
                    "add questions to the bank or remove pins",
                )
            )
    return errors


def load_daily(directory: Path, questions: Iterable[QuestionSpec] | None = None) -> DailySpec:
    """Read ``daily.yaml`` under ``directory``; check it against the bank when given."""
    path = directory / DAILY_FILE
    if not path.is_file():
        others = [p.name for p in _yaml_files(directory)] if directory.is_dir() else []
        hint = f" (found {', '.join(others)})" if others else ""
        raise ContentInvalid([ContentError(path, 0, f"no {DAILY_FILE}{hint}")])
    errors: list[ContentError] = []
    loaded = _read_file(path, DailySpec, errors)
    if loaded is None:
        raise ContentInvalid(errors)
    raw, spec = loaded
    if questions is not None:
        errors.extend(check_against_bank(spec, raw, path, questions))
    if errors:
        raise ContentInvalid(errors)
    return spec


# --- the schedule: pure functions of the spec, the group's question ids and the day ---------


def rotation_pool(spec: DailySpec, group: Group, question_ids: Iterable[str]) -> list[str]:
    """The group's questions that no pin of the group names, in a stable order."""
    pinned = {pin.question for pin in spec.pins.get(group, [])}
    return sorted(set(question_ids) - pinned)


def pinned_question(spec: DailySpec, group: Group, day: date) -> str | None:
    for pin in spec.pins.get(group, []):
        if pin.on(day.year) == day:
            return pin.question
    return None


def pinned_days_before(spec: DailySpec, group: Group, day: date) -> int:
    """How many days from the start date up to (not including) ``day`` are pinned."""
    dates: set[date] = set()
    for pin in spec.pins.get(group, []):
        for year in range(spec.start.year, day.year + 1):
            on = pin.on(year)
            if on is not None and spec.start <= on < day:
                dates.add(on)
    return len(dates)


def _cycle_order(group: Group, cycle: int, pool: list[str]) -> list[str]:
    def key(question_id: str) -> bytes:
        return hashlib.sha256(f"{group.value}:{cycle}:{question_id}".encode()).digest()

    return sorted(pool, key=key)


@dataclass(frozen=True)
class Scheduled:
    day: date
    question_id: str
    pinned: bool


def question_of_day(
    spec: DailySpec, group: Group, question_ids: Iterable[str], day: date
) -> Scheduled | None:
    """The group's question on ``day``; None before the start date or with no questions."""
    if day < spec.start:
        return None
    ids = list(question_ids)
    pinned = pinned_question(spec, group, day)
    if pinned is not None and pinned in ids:
        return Scheduled(day, pinned, True)
    pool = rotation_pool(spec, group, ids)
    if not pool:
        return None
    index = (day - spec.start).days - pinned_days_before(spec, group, day)
    cycle, position = divmod(index, len(pool))
    return Scheduled(day, _cycle_order(group, cycle, pool)[position], False)


def days_between(first: date, last: date) -> list[date]:
    """Every day from ``first`` to ``last``, both included, newest first."""
    count = (last - first).days + 1
    return [last - timedelta(days=n) for n in range(max(count, 0))]
