"""The daily question: today's question of a group, answering it once a day, the streak, the
archive. The schedule itself is a pure function of the content (``quiz_api.content.daily``);
here it meets the bank in the database and the participants' answers.

An answer costs three statements (insert, the day's share, the participant's days), like a
challenge submission; a second answer on the same day is refused by the table's unique
constraint and returns the first one's result, whoever wins a race."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import Integer, func, insert, select
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from quiz_api.content.bank import LETTERS, ContentInvalid, Level, level_of_school
from quiz_api.content.daily import (
    DAILY_DIR,
    DailySpec,
    Group,
    days_between,
    load_daily,
    question_of_day,
)
from quiz_api.core.errors import DomainError, ProblemType
from quiz_api.db.engine import Bind
from quiz_api.db.models import DAILY_ANSWER, Participant, School, Track
from quiz_api.integrations import metrics
from quiz_api.services.attempts import TRUE_FALSE_LABELS
from quiz_api.services.caches import ContentCaches
from quiz_api.services.questions import Question

# How long a shared cache may keep today's question: short, so a day's end is never missed
# by much, and never past the local midnight (``seconds_to_midnight``).
PUBLIC_MAX_AGE = 300
ARCHIVE_MAX_LIMIT = 366

_C = DAILY_ANSWER.c
_CORRECT = func.coalesce(func.sum(_C.correct.cast(Integer)), 0)


def load_daily_spec(content_dir: Path) -> DailySpec | None:
    """The daily question's file, read once per worker at start-up (None when the content
    has none: the daily endpoints then answer 404). The bank was checked against it when it
    was imported (``bank import``), so it is only parsed here."""
    if not (content_dir / DAILY_DIR).is_dir():
        return None
    try:
        return load_daily(content_dir / DAILY_DIR)
    except ContentInvalid as exc:
        raise ValueError(f"content/daily is invalid:\n{exc}") from exc


def require_spec(spec: DailySpec | None) -> DailySpec:
    if spec is None:
        raise DomainError(ProblemType.not_found, "this site has no daily question")
    return spec


def seconds_to_midnight(spec: DailySpec, now: datetime) -> int:
    local = now.astimezone(ZoneInfo(spec.timezone))
    midnight = datetime.combine(local.date() + timedelta(days=1), datetime.min.time(), local.tzinfo)
    return max(1, int((midnight - local).total_seconds()))


@dataclass(frozen=True)
class DailyQuestion:
    day: date
    audience: Group
    question: Question

    def options(self, lang: str) -> list[tuple[str, str]]:
        """(id, text) of each option, in the bank's order: the same for everyone."""
        if self.question.type == "true_false":
            texts = list(TRUE_FALSE_LABELS[lang])
        else:
            texts = [option[lang] for option in self.question.body["options"]]
        return [(LETTERS[n], text) for n, text in enumerate(texts)]

    @property
    def correct_choices(self) -> list[str]:
        return [LETTERS[n] for n in self.question.correct]

    def text(self, field: str, lang: str) -> str:
        return str(self.question.body[field][lang])

    @property
    def source(self) -> str:
        return str(self.question.body["source"])


def _group_questions(content: ContentCaches, bind: Bind, group: Group) -> dict[str, Question]:
    """The group's current questions by id, from the bank in memory."""
    level = group.level.value if group.level is not None else None
    pools = content.questions.pools(bind)
    wanted = [
        version
        for (track, pool_level, _, _), versions in pools.items()
        if track == group.track.value and pool_level == level
        for version in versions
    ]
    questions = content.questions.versions(bind, wanted)
    return {q.question_id: q for q in questions.values()}


def question_on(
    spec: DailySpec, content: ContentCaches, bind: Bind, group: Group, day: date
) -> DailyQuestion:
    questions = _group_questions(content, bind, group)
    scheduled = question_of_day(spec, group, questions, day)
    if scheduled is None:
        raise DomainError(
            ProblemType.not_found, f"no daily question for {group.value} on {day.isoformat()}"
        )
    return DailyQuestion(day, group, questions[scheduled.question_id])


def audience(
    session: Session,
    track: Track,
    level: Level | None,
    participant: Participant | None,
    primary_last_grade: int,
) -> Group:
    """A student's level comes from their token (school and grade), else from ``level``,
    else secondary; adults are one group."""
    if track is Track.adult:
        return Group.adult
    if participant is not None and participant.track == Track.student.value:
        school = session.get(School, participant.school_code) if participant.school_code else None
        if participant.grade is not None:
            found = level_of_school(
                school.level if school else "", participant.grade, primary_last_grade
            )
            return Group(found.value)
    return Group.of(track, level)


# --- streaks ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Streak:
    current: int
    best: int


def _week(day: date) -> tuple[int, int]:
    year, week, _ = day.isocalendar()  # ISO weeks start on Monday
    return year, week


def streak(answered: Iterable[date], today: date) -> Streak:
    """Days answered in a row. One missed day per week (Monday to Sunday) is forgiven: the
    streak goes on but the missed day does not count. Today, not yet answered, breaks
    nothing (the day is not over)."""
    days = sorted(set(answered))
    best = run = 0
    forgiven: set[tuple[int, int]] = set()
    previous: date | None = None
    for day in days:
        if previous is not None and not _continues(previous, day, forgiven):
            run, forgiven = 0, set()
        run += 1
        best = max(best, run)
        previous = day
    current = 0
    if previous is not None and previous <= today:
        # The run is alive if the days missed since the last answer can be forgiven
        # (today itself may still be answered).
        current = run if previous == today or _continues(previous, today, forgiven) else 0
    return Streak(current=current, best=best)


def _continues(previous: date, day: date, forgiven: set[tuple[int, int]]) -> bool:
    """Whether ``day`` continues a run whose last answered day is ``previous``; records
    the forgiven day in ``forgiven``."""
    gap = (day - previous).days - 1
    if gap == 0:
        return True
    if gap == 1:
        missed = _week(previous + timedelta(days=1))
        if missed not in forgiven:
            forgiven.add(missed)
            return True
    return False


# --- answering ------------------------------------------------------------------------------


@dataclass(frozen=True)
class DayShare:
    answers: int
    correct: int

    @property
    def correct_share(self) -> float | None:
        return round(self.correct / self.answers, 4) if self.answers else None


@dataclass(frozen=True)
class DailyResult:
    day: date
    question: DailyQuestion
    choices: list[str]
    correct: bool
    share: DayShare
    streak: Streak
    first_answer: bool  # False: the answer of an earlier request stands


def validate_choices(question: DailyQuestion, choices: list[str]) -> list[int]:
    """The indexes of the chosen options; a 422 before anything is written."""
    allowed = LETTERS[: len(question.options("en"))]
    picked = [choice.strip().upper() for choice in choices]
    unknown = [c for c in picked if len(c) != 1 or c not in allowed]
    if unknown:
        raise DomainError(
            ProblemType.validation_error,
            f"unknown option id(s) {', '.join(unknown)}: the options are "
            f"{allowed[0]}-{allowed[-1]}",
            field="choices",
        )
    if not picked or len(set(picked)) != len(picked):
        raise DomainError(
            ProblemType.validation_error, "choose at least one option, each once", field="choices"
        )
    if question.question.type != "multiple" and len(picked) != 1:
        raise DomainError(
            ProblemType.validation_error, "this question takes one choice", field="choices"
        )
    return sorted(LETTERS.index(c) for c in picked)


def require_today(spec: DailySpec, day: date | None, now: datetime) -> None:
    today = spec.local_day(now)
    if day != today:
        named = day.isoformat() if day is not None else "a day that does not exist"
        raise DomainError(
            ProblemType.daily_not_today,
            f"the daily question of {named} cannot be answered: today is "
            f"{today.isoformat()} ({spec.timezone})",
        )


def require_past_or_today(spec: DailySpec, day: date | None, now: datetime) -> date:
    """A future day's question is not shown before its day (404, as if it did not exist);
    nor is a day that does not exist (None: 2026-02-30)."""
    if day is None or day > spec.local_day(now):
        raise DomainError(ProblemType.not_found, "no daily question for that day yet")
    return day


def _share(session: Session, day: date, group: Group) -> DayShare:
    row = session.execute(
        select(func.count(), _CORRECT).where(_C.day == day.isoformat(), _C.audience == group.value)
    ).one()
    return DayShare(answers=int(row[0]), correct=int(row[1]))


def _answered_days(session: Session, participant_id: int) -> dict[date, tuple[list[int], bool]]:
    rows = session.execute(
        select(_C.day, _C.choices, _C.correct).where(_C.participant_id == participant_id)
    ).all()
    return {date.fromisoformat(r.day): (list(r.choices), bool(r.correct)) for r in rows}


def newcomer_campaign(content: ContentCaches, bind: Bind) -> str:
    """The campaign a visitor who answers without a token joins as an adult: the newest
    one with an adult track, open or not (the daily question runs all year)."""
    offering = [
        row
        for row in content.campaigns.all(bind)
        if Track.adult in content.campaigns.spec(row).tracks
    ]
    if not offering:
        raise DomainError(ProblemType.no_open_campaign, "no campaign has been imported")
    return max(offering, key=lambda row: row.starts_at).id


def new_adult(
    session: Session,
    content: ContentCaches,
    bind: Bind,
    spec: DailySpec,
    lang: str,
    nickname: str | None,
    now: datetime,
) -> Participant:
    """An adult participant for a visitor's first daily answer (committed by the caller)."""
    participant = Participant(
        campaign_id=newcomer_campaign(content, bind),
        track=Track.adult.value,
        lang=lang,
        nickname=nickname,
        day=spec.local_day(now).isoformat(),
        created_at=now,
    )
    session.add(participant)
    session.flush()
    return participant


def answer(
    session: Session,
    spec: DailySpec,
    question: DailyQuestion,
    participant: Participant,
    choices: list[str],
    now: datetime,
) -> DailyResult:
    """Record the participant's answer to today's question, once; commits."""
    assert participant.id is not None
    require_today(spec, question.day, now)
    if Track(participant.track) is not question.audience.track:
        raise DomainError(
            ProblemType.track_not_offered,
            f"this participant answers the {participant.track} daily question",
        )
    indexes = validate_choices(question, choices)
    correct = indexes == question.question.correct
    values = {
        "participant_id": participant.id,
        "day": question.day.isoformat(),
        "audience": question.audience.value,
        "question_version_id": question.question.version_id,
        "choices": indexes,
        "correct": correct,
        "district": participant.district,
        "school_code": participant.school_code,
        "answered_at": now,
    }
    first = True
    try:
        session.execute(insert(DAILY_ANSWER).values(values))
        session.commit()
    except IntegrityError:  # answered already (maybe a moment ago, by a parallel request)
        session.rollback()
        first = False
    if first:
        metrics.daily_answered(participant.track)
    return _result(session, question, participant.id, first)


def _result(
    session: Session, question: DailyQuestion, participant_id: int, first: bool
) -> DailyResult:
    days = _answered_days(session, participant_id)
    indexes, correct = days[question.day]
    return DailyResult(
        day=question.day,
        question=question,
        choices=[LETTERS[n] for n in indexes],
        correct=correct,
        share=_share(session, question.day, question.audience),
        streak=streak(days, question.day),
        first_answer=first,
    )


def result_of(
    session: Session, question: DailyQuestion, participant_id: int
) -> tuple[DailyResult | None, Streak]:
    """The participant's result of the day's question if answered, and their streak."""
    days = _answered_days(session, participant_id)
    if question.day not in days:
        return None, streak(days, question.day)
    result = _result(session, question, participant_id, first=False)
    return result, result.streak


# --- the archive ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ArchiveDay:
    question: DailyQuestion
    share: DayShare


def archive(
    session: Session,
    spec: DailySpec,
    content: ContentCaches,
    bind: Bind,
    group: Group,
    now: datetime,
    before: date | None,
    limit: int,
) -> list[ArchiveDay]:
    """Every past day since the start date (today excluded: it is still being answered),
    newest first, with its answer count and correct share."""
    yesterday = spec.local_day(now) - timedelta(days=1)
    last = min(yesterday, before - timedelta(days=1)) if before is not None else yesterday
    days = days_between(spec.start, last)[:limit]
    if not days:
        return []
    questions = _group_questions(content, bind, group)
    rows = session.execute(
        select(_C.day, func.count(), _CORRECT)
        .where(
            _C.audience == group.value,
            _C.day >= days[-1].isoformat(),
            _C.day <= days[0].isoformat(),
        )
        .group_by(_C.day)
    ).all()
    shares = {row[0]: DayShare(int(row[1]), int(row[2])) for row in rows}
    result = []
    for day in days:
        scheduled = question_of_day(spec, group, questions, day)
        if scheduled is None:
            continue
        result.append(
            ArchiveDay(
                DailyQuestion(day, group, questions[scheduled.question_id]),
                shares.get(day.isoformat(), DayShare(0, 0)),
            )
        )
    return result


def answer_today(
    session: Session,
    spec: DailySpec,
    content: ContentCaches,
    group: Group,
    day: date | None,
    participant: Participant | None,
    choices: list[str],
    visitor: tuple[str, str | None],
    now: datetime,
) -> tuple[DailyResult, Participant, bool]:
    """Answer the day's question (``day`` None: a date that does not exist). Without a
    participant, a visitor (language, nickname) becomes an adult participant, but only once
    the answer is known to be valid: a refused answer creates nobody. Returns the result,
    the participant and whether it was created."""
    require_today(spec, day, now)
    assert day is not None
    question = question_on(spec, content, session, group, day)
    validate_choices(question, choices)
    created = participant is None
    if participant is None:
        if question.audience is not Group.adult:
            raise DomainError(
                ProblemType.not_authenticated,
                "students answer with the token they got when joining with their school",
            )
        lang, nickname = visitor
        participant = new_adult(session, content, session, spec, lang, nickname, now)
    return answer(session, spec, question, participant, choices, now), participant, created


@dataclass(frozen=True)
class DayTotals:
    """A day's answers to the daily question, all groups together and per group."""

    day: date
    totals: DayShare
    by_audience: dict[str, DayShare]


def day_totals(session: Session, day: date) -> DayTotals:
    rows = session.execute(
        select(_C.audience, func.count(), _CORRECT)
        .where(_C.day == day.isoformat())
        .group_by(_C.audience)
    ).all()
    by_audience = {group.value: DayShare(0, 0) for group in Group}
    for audience_, answers, correct in rows:
        by_audience[str(audience_)] = DayShare(int(answers), int(correct))
    totals = DayShare(
        sum(s.answers for s in by_audience.values()), sum(s.correct for s in by_audience.values())
    )
    return DayTotals(day, totals, by_audience)
