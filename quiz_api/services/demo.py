"""A plausible campaign week for a newcomer to look at (``python -m quiz_api demo``).

Students of the demo roster's schools and adults join, take the challenge, answer the
survey and the daily question, all through the services the API calls, with the clock
injected: one week of the campaign (the week ending today, or at the campaign's close if it
is over), at the hours people use the platform. Whether an answer is right follows a simple
logistic model of the participant's ability and the question's stated difficulty, so that
the question analytics show sensible facilities and discriminations.

Every participant it makes is marked (``Participant.demo``); ``remove_demo`` deletes them
with everything hanging off them. Nothing here knows of settings or the environment: the
command refuses production before it calls in (``quiz_api/cli/demo.py``)."""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import TypeVar
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, Table, delete, func, select
from sqlalchemy.engine import Connection, Engine
from sqlmodel import Session, col
from sqlmodel import select as sm_select

from quiz_api.content.bank import LETTERS, CampaignSpec, TrackRules
from quiz_api.content.daily import DailySpec, Group
from quiz_api.core.errors import DomainError
from quiz_api.core.languages import Lang
from quiz_api.db.engine import hot_connection
from quiz_api.db.models import (
    ATTEMPT,
    BEST_SCORE,
    DAILY_ANSWER,
    INTEGRITY_FLAG,
    PARTICIPANT,
    QUESTION_STAT_CELL,
    QUESTION_STAT_STATE,
    RESULT,
    REVIEW_DECISION,
    SCHOOL,
    SCHOOL_CLASS,
    SURVEY_ANSWER,
    SURVEY_RESPONSE,
    Attempt,
    Campaign,
    Participant,
    QualifierList,
    Track,
)
from quiz_api.services import attempts as attempt_service
from quiz_api.services import daily as daily_service
from quiz_api.services import question_report
from quiz_api.services import survey as survey_service
from quiz_api.services.caches import ContentCaches
from quiz_api.services.participants import JoinSource, Newcomer, join
from quiz_api.services.questions import Question
from quiz_api.services.survey import SurveyCache

WEEK = 7  # days simulated
DEFAULT_ADULTS = 500  # with the demo roster's 2,563 students: about 2,070 participants
STUDENT_SHARE = 0.75  # of ``participants`` when a total is asked for
# Registration per school (in the order of their codes): some above the 90 % target, some
# well below, so that the bars differ. Each class varies around its school's rate.
SCHOOL_RATES = (0.96, 0.56, 0.93, 0.36, 0.28, 0.78, 0.5, 0.88)
# Nothing is later than ``now - MARGIN``: the question analytics read results up to
# ``now - question_report.SETTLE``.
MARGIN = timedelta(minutes=5)
HELD = 3  # results submitted deliberately too fast: the review list has something to show
NEVER_STARTED = 0.04  # joined, never started an attempt
ABANDONED = 0.03  # started one attempt and never submitted it
RETRY = 0.14  # took a second attempt (a quarter of them a third)
SURVEY = 0.3  # answered the survey after their first result
DAILY = 0.3  # answered the daily question on some days of the week
DAILY_DAY = 0.6  # ... on each day from their joining on
LANGS = ((Lang.zh, 0.86), (Lang.en, 0.06), (Lang.ko, 0.04), (Lang.ja, 0.04))
SOURCES = ((JoinSource.class_link, 0.45), (JoinSource.school_link, 0.25), (None, 0.30))
# Item response model: P(right) = 1 / (1 + exp(-SLOPE * (ability - DIFFICULTY))).
DIFFICULTY = {"easy": -1.6, "medium": -0.5, "hard": 0.3}
SLOPE = 1.5
LEARNED = 0.4  # a retry after reading the explanations knows a little more
# Weights of the survey's answers 1..5: those who passed are a little happier.
SURVEY_PASSED = (1, 3, 10, 40, 46)
SURVEY_FAILED = (4, 8, 22, 40, 26)
# When people use the platform, by local hour: students at school in class sessions
# and in the evening, on weekends afternoon and evening; adults at lunch and in the evening.
SCHOOL_DAY = (0, 0, 0, 0, 0, 0, 0, 1, 3, 3, 3, 3, 2, 4, 4, 4, 3, 2, 2, 5, 5, 3, 1, 0)
WEEKEND = (0, 0, 0, 0, 0, 0, 0, 0, 1, 2, 2, 2, 1, 2, 3, 3, 3, 2, 2, 4, 4, 3, 1, 0)
ADULT = (0, 0, 0, 0, 0, 0, 1, 2, 2, 1, 1, 2, 4, 2, 1, 1, 1, 2, 3, 5, 5, 5, 3, 1)
RAMP = (0.8, 0.9, 1.0, 1.0, 1.1, 1.2, 1.3)  # the week's publicity takes effect
NAMES = {
    Lang.zh: ("小明", "小红", "小刚", "小丽", "子涵", "雨桐", "浩然", "思远", "欣怡", "梓萱"),
    Lang.en: ("Alex", "Sam", "Jamie", "Taylor", "Jordan", "Casey", "Robin", "Morgan"),
    Lang.ko: ("민준", "서연", "지호", "하은", "도윤", "서준", "지우", "수아"),
    Lang.ja: ("ハルト", "ユイ", "ソウタ", "ヒナ", "レン", "メイ", "ユウト", "サクラ"),
}
T = TypeVar("T")
DEMO_PREFIX = {Lang.zh: "演示-", Lang.en: "Demo ", Lang.ko: "데모-", Lang.ja: "デモ-"}


class DemoRefused(Exception):
    """The demo cannot run here; the message says why."""


class DemoPresent(DemoRefused):
    """Demo participants are in the database already (``remove_demo`` first)."""


@dataclass(frozen=True)
class DemoClass:
    school_code: str
    school_level: str
    grade: int
    class_name: str
    enrolled: int


def demo_classes(session: Session, school_codes: Iterable[str]) -> list[DemoClass]:
    """The classes of the demo schools as the roster import stored them."""
    codes = sorted(set(school_codes))
    rows = session.connection().execute(
        select(
            SCHOOL_CLASS.c.school_code,
            SCHOOL.c.level,
            SCHOOL_CLASS.c.grade,
            SCHOOL_CLASS.c.class_name,
            SCHOOL_CLASS.c.enrolled,
        )
        .join(SCHOOL, SCHOOL.c.code == SCHOOL_CLASS.c.school_code)
        .where(SCHOOL_CLASS.c.school_code.in_(codes))
        .order_by(SCHOOL_CLASS.c.school_code, SCHOOL_CLASS.c.grade, SCHOOL_CLASS.c.class_name)
    )
    return [DemoClass(*row) for row in rows]


def demo_participants(bind: Session | Connection) -> int:
    """How many demo participants the database holds (every campaign)."""
    statement = select(func.count()).select_from(PARTICIPANT).where(PARTICIPANT.c.demo)
    connection = bind.connection() if isinstance(bind, Session) else bind
    return int(connection.execute(statement).scalar_one())


# --- the plan: who does what when (no database) ------------------------------------------


@dataclass(frozen=True)
class Week:
    days: list[date]  # local days of the campaign's time zone
    earliest: datetime
    latest: datetime
    timezone: ZoneInfo

    def moment(self, rng: random.Random, day: date, hours: tuple[int, ...]) -> datetime | None:
        """A time of ``day`` at an hour drawn from ``hours``' weights, inside the week."""
        for _ in range(8):
            hour = rng.choices(range(24), weights=hours)[0]
            local = datetime.combine(day, time(hour), self.timezone)
            moment = local + timedelta(seconds=rng.randrange(3600))
            if self.earliest <= moment <= self.latest:
                return moment
        return None


def campaign_week(campaign: Campaign, spec: CampaignSpec, now: datetime) -> Week:
    """The week ending today, or at the campaign's close when that is earlier."""
    zone = ZoneInfo(spec.timezone)
    if now <= campaign.starts_at:
        opens = campaign.starts_at.astimezone(zone).date().isoformat()
        raise DemoRefused(f"campaign {campaign.id} opens on {opens}: there is no week to show")
    latest = min(now - MARGIN, campaign.ends_at)
    if latest <= campaign.starts_at:
        raise DemoRefused(f"campaign {campaign.id} has only just opened: there is no week to show")
    last = latest.astimezone(zone).date()
    first = max(last - timedelta(days=WEEK - 1), campaign.starts_at.astimezone(zone).date())
    days = [first + timedelta(days=n) for n in range((last - first).days + 1)]
    return Week(days, campaign.starts_at, latest, zone)


@dataclass
class Person:
    newcomer: Newcomer
    ability: float
    joined: datetime
    starts: list[datetime]  # attempts, in order
    abandon: bool = False  # the last attempt is never submitted
    fast: bool = False  # the first attempt is submitted too fast (held for review)
    survey: bool = False
    daily: list[datetime] = field(default_factory=list)


@dataclass(frozen=True)
class Plan:
    campaign_id: str
    week: Week
    people: list[Person]
    enrolled: dict[str, int]  # per demo school


def _weighted(rng: random.Random, pairs: tuple[tuple[T, float], ...]) -> T:
    return rng.choices([v for v, _ in pairs], weights=[w for _, w in pairs])[0]


def _nickname(rng: random.Random, lang: Lang) -> str:
    return DEMO_PREFIX[lang] + rng.choice(NAMES[lang])


def _hours(track: Track, day: date) -> tuple[int, ...]:
    if track is Track.adult:
        return ADULT
    return WEEKEND if day.weekday() >= 5 else SCHOOL_DAY


def _student_seats(
    classes: list[DemoClass], rng: random.Random, wanted: int | None
) -> list[DemoClass]:
    """One entry per student who registers: each class at its school's rate (varied), never
    above its enrolment; with ``wanted``, a random sample of them of at most that size."""
    codes = sorted({c.school_code for c in classes})
    rate = {code: SCHOOL_RATES[n % len(SCHOOL_RATES)] for n, code in enumerate(codes)}
    seats: list[DemoClass] = []
    for item in classes:
        share = rate[item.school_code] * rng.uniform(0.88, 1.08)
        seats += [item] * min(item.enrolled, round(item.enrolled * share))
    if wanted is not None and wanted < len(seats):
        seats = rng.sample(seats, wanted)
    return seats


def plan_demo(
    campaign: Campaign,
    spec: CampaignSpec,
    classes: list[DemoClass],
    now: datetime,
    participants: int | None,
    seed: int,
) -> Plan:
    """Who joins when, with which ability, and when they take their attempts, answer the
    survey and the daily question. ``participants``: the total (students about three in
    four, never more than the roster's classes take); None: the roster's share of each
    school and ``DEFAULT_ADULTS`` adults."""
    rng = random.Random(seed)
    week = campaign_week(campaign, spec, now)
    students = Track.student in spec.tracks and bool(classes)
    adults = Track.adult in spec.tracks
    wanted = None
    if participants is not None:
        wanted = round(participants * STUDENT_SHARE) if adults else participants
    seats = _student_seats(classes, rng, wanted) if students else []
    if not adults:
        adult_count = 0
    elif participants is None:
        adult_count = DEFAULT_ADULTS
    else:
        adult_count = max(0, participants - len(seats))
    people: list[Person] = []
    weights = RAMP[-len(week.days) :]
    for seat in [*seats, *([None] * adult_count)]:
        track = Track.adult if seat is None else Track.student
        day = rng.choices(week.days, weights=weights)[0]
        joined = week.moment(rng, day, _hours(track, day))
        if joined is None:
            continue
        lang = _weighted(rng, LANGS)
        newcomer = Newcomer(
            track=track,
            lang=lang,
            nickname=_nickname(rng, lang),
            school_code=seat.school_code if seat else None,
            grade=seat.grade if seat else None,
            class_name=seat.class_name if seat else None,
            source=_weighted(rng, SOURCES) if seat else None,
            demo=True,
        )
        ability = rng.gauss(0.3, 0.9) if seat else rng.gauss(0.1, 1.0)
        people.append(_person(rng, week, newcomer, ability, joined, spec.tracks[track]))
    people.sort(key=lambda p: p.joined)
    finished = [p for p in people if p.starts and not (p.abandon and len(p.starts) == 1)]
    for person in rng.sample(finished, min(HELD, len(finished))):
        person.fast = True
    enrolled: dict[str, int] = {}
    for item in classes:
        enrolled[item.school_code] = enrolled.get(item.school_code, 0) + item.enrolled
    return Plan(campaign.id, week, people, enrolled)


def _person(
    rng: random.Random,
    week: Week,
    newcomer: Newcomer,
    ability: float,
    joined: datetime,
    rules: TrackRules,
) -> Person:
    person = Person(newcomer, ability, joined, [])
    last_start = week.latest - timedelta(seconds=rules.time_limit_seconds)
    if rng.random() < NEVER_STARTED:
        return person
    first = joined + timedelta(seconds=rng.randrange(30, 1200))
    if first > last_start:
        return person
    person.starts.append(first)
    if rng.random() < ABANDONED:
        person.abandon = True
        return person
    tries = 1 + (rng.random() < RETRY) + (rng.random() < RETRY / 4)
    for _ in range(1, min(tries, rules.attempts_total)):
        later = person.starts[-1] + timedelta(minutes=rng.randrange(20, 2 * 24 * 60))
        if later > last_start:
            break
        person.starts.append(later)
    person.survey = rng.random() < SURVEY
    if rng.random() < DAILY:
        hours = _hours(newcomer.track, joined.astimezone(week.timezone).date())
        for day in week.days:
            if day < joined.astimezone(week.timezone).date() or rng.random() > DAILY_DAY:
                continue
            moment = week.moment(rng, day, hours)
            if moment is not None and moment > joined:
                person.daily.append(moment)
    return person


# --- answering ---------------------------------------------------------------------------


def p_right(ability: float, difficulty: str) -> float:
    """The probability that a participant of ``ability`` answers a question of this stated
    difficulty right (a one-parameter logistic model with a common slope)."""
    return 1 / (1 + math.exp(-SLOPE * (ability - DIFFICULTY.get(difficulty, 0.0))))


def choose(rng: random.Random, question: Question, ability: float) -> list[int]:
    """The options (bank indexes) a participant picks: the key with the model's
    probability, else a wrong answer (the first distractor is the favourite one)."""
    key = sorted(question.correct)
    if rng.random() < p_right(ability, question.difficulty):
        return key
    options = range(question.option_count)
    if question.type == "multiple":
        toggled = rng.choice(list(options))
        chosen = sorted(set(key) ^ {toggled})
        return chosen or sorted({rng.choice([o for o in options if o not in key] or key)})
    wrong = [o for o in options if o not in key]
    return [rng.choices(wrong, weights=[2] + [1] * (len(wrong) - 1))[0]]


def _paper_answers(
    rng: random.Random,
    connection: Connection,
    content: ContentCaches,
    attempt: Attempt,
    ability: float,
) -> list[tuple[str, list[str]]]:
    items = attempt.paper["items"]
    questions = content.questions.versions(connection, [item["v"] for item in items])
    answers = []
    for number, item in enumerate(items, 1):
        order: list[int] = item["order"]
        chosen = choose(rng, questions[item["v"]], ability)
        answers.append((f"q{number}", sorted(LETTERS[order.index(i)] for i in chosen)))
    return answers


def _duration(rng: random.Random, rules: TrackRules, count: int, fast: bool) -> timedelta:
    """How long a paper takes: 6 to 25 seconds a question, within the time limit; a fast
    one under the time-per-question rule (held for review)."""
    if fast:
        seconds = rules.integrity.min_seconds_per_question * count * rng.uniform(0.3, 0.7)
    else:
        seconds = sum(rng.uniform(6, 25) for _ in range(count))
        seconds = min(seconds, rules.time_limit_seconds * 0.95)
    return timedelta(seconds=seconds)


# --- running the plan -------------------------------------------------------------------------


@dataclass
class DemoSummary:
    campaign_id: str
    first_day: date
    last_day: date
    students: int = 0
    adults: int = 0
    attempts: int = 0
    results: int = 0
    held: int = 0
    survey_responses: int = 0
    daily_answers: int = 0
    refused: int = 0  # actions a service refused (a limit): skipped, as a person would
    registered: dict[str, int] = field(default_factory=dict)  # per demo school
    enrolled: dict[str, int] = field(default_factory=dict)


BATCH = 200  # participants (or daily answers) per transaction


@contextmanager
def deferred_commits(connection: Connection) -> Iterator[Callable[[], None]]:
    """The hot path's services commit after each call; on SQLite that is a transaction,
    and its lock, per join, start and submit. Here their commits do nothing and the caller
    commits a batch at a time with the function yielded (uncommitted work is rolled back
    when the connection is returned, as after any error)."""
    commit = connection.commit
    connection.commit = lambda: None  # type: ignore[method-assign]
    try:
        yield commit
    finally:
        del connection.commit  # the class's method again


class _BatchedSession(Session):
    """A session whose ``commit`` (called by the survey and daily services after each
    answer) only flushes; ``commit_batch`` commits."""

    def commit(self) -> None:
        self.flush()

    def commit_batch(self) -> None:
        super().commit()


@dataclass
class _Done:
    person: Person
    participant: Participant
    first_result: tuple[datetime, bool] | None = None  # submitted at, passed


def run_demo(
    engine: Engine,
    content: ContentCaches,
    daily: DailySpec | None,
    plan: Plan,
    grace_seconds: int,
    primary_last_grade: int = 6,
    seed: int = 0,
    advance: Callable[[int], None] = lambda n: None,
) -> DemoSummary:
    """Play the plan through the services: join, start and submit on the hot path's
    connection, then the survey and the daily question through the ORM. Refuses when demo
    participants are present already. ``advance`` is called once per participant."""
    rng = random.Random(seed + 1)
    week = plan.week
    summary = DemoSummary(plan.campaign_id, week.days[0], week.days[-1], enrolled=plan.enrolled)
    done: list[_Done] = []
    with hot_connection(engine) as connection:
        present = demo_participants(connection)
        connection.commit()
        if present:
            raise DemoPresent(f"demo data already present ({present} participants): --remove first")
        campaign = content.campaigns.get(connection, plan.campaign_id)
        if campaign is None:
            raise DemoRefused(f"no campaign {plan.campaign_id!r}: run python -m quiz_api setup")
        spec = content.campaigns.spec(campaign)
        with deferred_commits(connection) as commit:
            for number, person in enumerate(plan.people, 1):
                _play(
                    rng,
                    connection,
                    content,
                    campaign,
                    spec,
                    person,
                    summary,
                    done,
                    grace_seconds,
                    primary_last_grade,
                )
                advance(1)
                if number % BATCH == 0:
                    commit()
            commit()
    with _BatchedSession(engine, expire_on_commit=False) as session:
        try:
            _, survey = survey_service.current_survey(session, content.surveys)
            scale_ids = list(survey.scale_ids)
        except DomainError:  # no survey imported: nothing to answer
            scale_ids = []
        for number, entry in enumerate(done, 1):
            if scale_ids and entry.person.survey and entry.first_result is not None:
                summary.survey_responses += _survey(
                    rng, session, content.surveys, scale_ids, entry, week
                )
            if number % BATCH == 0:
                session.commit_batch()
        session.commit_batch()
        if daily is not None:
            summary.daily_answers = _daily(rng, session, content, daily, done, primary_last_grade)
        session.commit_batch()
    return summary


def _play(
    rng: random.Random,
    connection: Connection,
    content: ContentCaches,
    campaign: Campaign,
    spec: CampaignSpec,
    person: Person,
    summary: DemoSummary,
    done: list[_Done],
    grace_seconds: int,
    primary_last_grade: int,
) -> None:
    """One person joins and takes their attempts."""
    participant, _ = join(connection, content.campaigns, campaign, person.newcomer, person.joined)
    entry = _Done(person, participant)
    done.append(entry)
    if person.newcomer.track is Track.student:
        summary.students += 1
        code = person.newcomer.school_code or ""
        summary.registered[code] = summary.registered.get(code, 0) + 1
    else:
        summary.adults += 1
    _attempts(
        rng,
        connection,
        content,
        campaign,
        spec,
        entry,
        summary,
        grace_seconds,
        primary_last_grade,
    )


def _attempts(
    rng: random.Random,
    connection: Connection,
    content: ContentCaches,
    campaign: Campaign,
    spec: CampaignSpec,
    entry: _Done,
    summary: DemoSummary,
    grace_seconds: int,
    primary_last_grade: int,
) -> None:
    person, participant = entry.person, entry.participant
    assert participant.id is not None
    rules = spec.tracks[person.newcomer.track]
    for number, started in enumerate(person.starts):
        starter = attempt_service.load_starter(connection, participant.id)
        assert starter is not None
        try:
            attempt, _ = attempt_service.start_attempt(
                connection,
                content,
                starter,
                campaign,
                started,
                grace_seconds,
                rng=rng,
                primary_last_grade=primary_last_grade,
            )
        except DomainError:  # a limit of the campaign: a person would stop here too
            summary.refused += 1
            return
        summary.attempts += 1
        if person.abandon and number == len(person.starts) - 1:
            return
        assert attempt.id is not None
        ability = person.ability + LEARNED * number
        answers = _paper_answers(rng, connection, content, attempt, ability)
        fast = person.fast and number == 0
        submitted = started + _duration(rng, rules, len(answers), fast)
        result, _ = attempt_service.submit(
            connection, content, participant.id, attempt.id, answers, submitted, grace_seconds
        )
        summary.results += 1
        summary.held += result.held
        if entry.first_result is None:
            entry.first_result = (submitted, result.passed)


def _survey(
    rng: random.Random,
    session: Session,
    surveys: SurveyCache,
    scale_ids: list[str],
    entry: _Done,
    week: Week,
) -> int:
    assert entry.first_result is not None
    submitted, passed = entry.first_result
    weights = SURVEY_PASSED if passed else SURVEY_FAILED
    answers = {
        question: rng.choices(range(1, 6), weights=weights)[0]
        for question in scale_ids
        if rng.random() < 0.95
    }
    if not answers:
        return 0
    now = min(submitted + timedelta(seconds=rng.randrange(20, 240)), week.latest)
    survey_service.submit(session, surveys, entry.participant, None, answers, None, now)
    return 1


def _daily(
    rng: random.Random,
    session: _BatchedSession,
    content: ContentCaches,
    spec: DailySpec,
    done: list[_Done],
    primary_last_grade: int,
) -> int:
    """Each answer through ``services.daily.answer`` on its day; days without a question
    for the group are skipped."""
    questions: dict[tuple[Group, date], daily_service.DailyQuestion | None] = {}
    groups: dict[tuple[str | None, int | None, str], Group] = {}
    answered = 0
    for entry in done:
        participant = entry.participant
        for moment in entry.person.daily:
            key = (participant.school_code, participant.grade, participant.track)
            if key not in groups:
                groups[key] = daily_service.audience(
                    session, Track(participant.track), None, participant, primary_last_grade
                )
            group = groups[key]
            day = spec.local_day(moment)
            if (group, day) not in questions:
                try:
                    found = daily_service.question_on(spec, content, session, group, day)
                except DomainError:
                    found = None
                questions[(group, day)] = found
            question = questions[(group, day)]
            if question is None:
                continue
            picked = choose(rng, question.question, entry.person.ability)
            daily_service.answer(
                session, spec, question, participant, [LETTERS[i] for i in picked], moment
            )
            answered += 1
            if answered % BATCH == 0:
                session.commit_batch()
    return answered


# --- refreshing what the dashboards read, and removing it all -----------------------------


def refresh_aggregates(
    engine: Engine, content: ContentCaches, campaign_ids: Iterable[str], now: datetime
) -> None:
    """Count the question analytics again for these campaigns: the demo's results are
    dated in the past, before the sums' watermark, so a plain refresh would skip them. A
    campaign left with no result at all loses its sums (they are built again on the first
    request, as in a new database)."""
    for campaign_id in sorted(set(campaign_ids)):
        with Session(engine) as session:
            results = (
                session.connection()
                .execute(
                    select(func.count())
                    .select_from(RESULT)
                    .where(RESULT.c.campaign_id == campaign_id)
                )
                .scalar_one()
            )
        if results:
            question_report.rebuild(engine, content, campaign_id, now)
            continue
        with Session(engine) as session:
            for table in (QUESTION_STAT_CELL, QUESTION_STAT_STATE):
                session.connection().execute(
                    delete(table).where(table.c.campaign_id == campaign_id)
                )
            session.commit()


@dataclass(frozen=True)
class Removed:
    participants: int
    attempts: int
    results: int
    survey_responses: int
    daily_answers: int
    review_decisions: int
    qualifier_lists: int
    campaigns: list[str]


def remove_demo(engine: Engine, content: ContentCaches, now: datetime) -> Removed:
    """Delete every demo participant and what hangs off them (review decisions, results,
    best scores, attempts, survey responses and answers, daily answers, integrity flags), in one
    transaction; a round's frozen qualifier list that may hold one of them is dropped (it
    is frozen again from what remains). Then the question analytics are counted again."""
    demo = select(PARTICIPANT.c.id).where(PARTICIPANT.c.demo)
    their_results = select(RESULT.c.attempt_id).where(RESULT.c.participant_id.in_(demo))
    responses = select(SURVEY_RESPONSE.c.id).where(SURVEY_RESPONSE.c.participant_id.in_(demo))
    with Session(engine) as session:
        connection = session.connection()
        campaigns = list(
            connection.execute(
                select(PARTICIPANT.c.campaign_id).where(PARTICIPANT.c.demo).distinct()
            ).scalars()
        )
        lists = _qualifier_lists_with_demo(session, content, campaigns)

        def gone(table: Table, condition: ColumnElement[bool]) -> int:
            return int(connection.execute(delete(table).where(condition)).rowcount)

        decisions = gone(REVIEW_DECISION, REVIEW_DECISION.c.attempt_id.in_(their_results))
        gone(BEST_SCORE, BEST_SCORE.c.participant_id.in_(demo))
        results = gone(RESULT, RESULT.c.participant_id.in_(demo))
        gone(SURVEY_ANSWER, SURVEY_ANSWER.c.response_id.in_(responses))
        surveys = gone(SURVEY_RESPONSE, SURVEY_RESPONSE.c.participant_id.in_(demo))
        dailies = gone(DAILY_ANSWER, DAILY_ANSWER.c.participant_id.in_(demo))
        attempts = gone(ATTEMPT, ATTEMPT.c.participant_id.in_(demo))
        gone(INTEGRITY_FLAG, INTEGRITY_FLAG.c.participant_id.in_(demo))
        for row in lists:
            session.delete(row)
        session.flush()
        participants = gone(PARTICIPANT, PARTICIPANT.c.demo)
        session.commit()
    refresh_aggregates(engine, content, campaigns, now)
    return Removed(
        participants, attempts, results, surveys, dailies, decisions, len(lists), campaigns
    )


def _qualifier_lists_with_demo(
    session: Session, content: ContentCaches, campaigns: list[str]
) -> list[QualifierList]:
    """The frozen qualifier lists whose round a demo result fell in (their rows name no
    participant, so the round's window decides)."""
    found = []
    frozen = session.exec(
        sm_select(QualifierList).where(col(QualifierList.campaign_id).in_(campaigns))
    )
    for row in frozen:
        campaign = content.campaigns.get(session, row.campaign_id)
        rules = content.campaigns.spec(campaign).tracks.get(Track(row.track)) if campaign else None
        round_ = rules.round(row.round_id) if rules else None
        if round_ is None:
            continue
        hit = (
            session.connection()
            .execute(
                select(RESULT.c.attempt_id)
                .join(PARTICIPANT, PARTICIPANT.c.id == RESULT.c.participant_id)
                .where(
                    PARTICIPANT.c.demo,
                    RESULT.c.campaign_id == row.campaign_id,
                    RESULT.c.track == row.track,
                    RESULT.c.submitted_at >= round_.opens_at,
                    RESULT.c.submitted_at <= round_.closes_at,
                )
                .limit(1)
            )
            .first()
        )
        if hit is not None:
            found.append(row)
    return found
