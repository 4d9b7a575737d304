"""Attempts: drawing a paper, freezing it, and scoring a submission on the server.

The paper and the review are plain slotted dataclasses: on the hot path they are built for
every start and submit, and the API renders them straight to JSON without validating them
again (``quiz_api.api.routes.attempts``; docs/benchmarks.md)."""

from __future__ import annotations

import hashlib
import json
import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from quiz_api.content.bank import LETTERS, CampaignSpec, TrackRules, level_of_school
from quiz_api.core.errors import DomainError, FieldFault, ProblemType
from quiz_api.db.engine import Bind
from quiz_api.db.models import (
    ATTEMPT,
    PARTICIPANT,
    RESULT,
    SCHOOL,
    Attempt,
    AttemptStatus,
    Campaign,
    Result,
    Track,
)
from quiz_api.integrations import metrics
from quiz_api.services.answer_key import answer_key
from quiz_api.services.caches import ContentCaches
from quiz_api.services.campaigns import require_open
from quiz_api.services.leaderboards import store_result
from quiz_api.services.participants import participant_exists, unknown_participant
from quiz_api.services.questions import PoolKey, Question

# The texts of the two options of a true/false question, in the participant's language.
TRUE_FALSE_LABELS: dict[str, tuple[str, str]] = {
    "zh": ("正确", "错误"),
    "en": ("True", "False"),
    "ko": ("맞다", "틀리다"),
    "ja": ("正しい", "誤り"),
}

# What the owner of a held result reads: never which rule held it, never an accusation.
HELD_NOTICE: dict[str, str] = {
    "zh": "你的成绩正在核对中，核对完成后将显示在排行榜上。",
    "en": "Your result is being checked; it will appear on the leaderboards once checked.",
    "ko": "결과를 확인하고 있습니다. 확인이 끝나면 순위표에 표시됩니다.",
    "ja": "あなたの結果は確認中です。確認が終わるとランキングに表示されます。",
}

_system_random = random.SystemRandom()


@dataclass(frozen=True)
class Starter:
    """What starting an attempt needs to know of the participant and their attempts."""

    participant_id: int
    campaign_id: str
    track: str
    lang: str
    grade: int | None
    school_level: str | None  # the school's levels ("junior,senior"), students only
    attempts: list[tuple[int, str, str]]  # (id, status, local day) of every attempt


# The hot path's statements are built once, with bind parameters: building a statement
# costs more Python time than executing it (docs/benchmarks.md).
_STARTER = (
    select(
        PARTICIPANT.c.campaign_id,
        PARTICIPANT.c.track,
        PARTICIPANT.c.lang,
        PARTICIPANT.c.grade,
        SCHOOL.c.level,
        ATTEMPT.c.id,
        ATTEMPT.c.status,
        ATTEMPT.c.day,
    )
    .select_from(
        PARTICIPANT.outerjoin(SCHOOL, SCHOOL.c.code == PARTICIPANT.c.school_code).outerjoin(
            ATTEMPT, ATTEMPT.c.participant_id == PARTICIPANT.c.id
        )
    )
    .where(PARTICIPANT.c.id == bindparam("participant_id"))
)
_ATTEMPT = select(ATTEMPT).where(ATTEMPT.c.id == bindparam("attempt_id"))
_OPEN_ATTEMPT = select(ATTEMPT).where(
    ATTEMPT.c.participant_id == bindparam("participant_id"),
    ATTEMPT.c.status == AttemptStatus.open.value,
)
_EXPIRE = (
    update(ATTEMPT)
    .where(ATTEMPT.c.id == bindparam("attempt_id"), ATTEMPT.c.status == AttemptStatus.open.value)
    .values(status=AttemptStatus.expired.value)
)
_NEW_ATTEMPT = insert(ATTEMPT).returning(ATTEMPT.c.id)  # the values come as parameters
_SUBMISSION = (
    select(
        ATTEMPT,
        PARTICIPANT.c.school_code,
        PARTICIPANT.c.district,
        RESULT.c.attempt_id.label("result_of"),
    )
    .select_from(
        ATTEMPT.join(PARTICIPANT, PARTICIPANT.c.id == ATTEMPT.c.participant_id).outerjoin(
            RESULT, RESULT.c.attempt_id == ATTEMPT.c.id
        )
    )
    .where(
        ATTEMPT.c.id == bindparam("attempt_id"),
        ATTEMPT.c.participant_id == bindparam("participant_id"),
    )
)
_RESULT = select(RESULT).where(RESULT.c.attempt_id == bindparam("attempt_id"))


def load_starter(connection: Connection, participant_id: int) -> Starter | None:
    """The participant with their school's level and their few attempts, in one query;
    None when there is no such participant."""
    rows = connection.execute(_STARTER, {"participant_id": participant_id}).all()
    if not rows:
        return None
    first = rows[0]
    return Starter(
        participant_id=participant_id,
        campaign_id=first.campaign_id,
        track=first.track,
        lang=first.lang,
        grade=first.grade,
        school_level=first.level,
        attempts=[(row.id, row.status, row.day) for row in rows if row.id is not None],
    )


def _level(starter: Starter, primary_last_grade: int) -> str | None:
    if starter.track != Track.student.value or starter.grade is None:
        return None
    return level_of_school(starter.school_level or "", starter.grade, primary_last_grade).value


def draw_paper(
    pools: dict[PoolKey, list[int]],
    questions: dict[int, Question],
    rules: TrackRules,
    track: str,
    level: str | None,
    rng: random.Random,
) -> list[dict[str, object]]:
    """One question set per the draw rules (stratified by category and difficulty), each
    with its options in a random order. Returns the frozen paper items."""
    items: list[dict[str, object]] = []
    for rule in rules.draw:
        pool = pools.get((track, level, rule.category.value, rule.difficulty.value), [])
        if len(pool) < rule.count:
            raise DomainError(
                ProblemType.bank_incomplete,
                f"the bank has {len(pool)} {rule.category.value}/{rule.difficulty.value} "
                f"question(s) for {track}, the campaign draws {rule.count}",
            )
        for version_id in rng.sample(pool, rule.count):
            question = questions[version_id]
            order = list(range(question.option_count))
            if question.type != "true_false":  # "True" stays first: a shuffled pair confuses
                rng.shuffle(order)
            items.append({"v": version_id, "order": order})
    rng.shuffle(items)
    return items


def load_attempt(connection: Connection, attempt_id: int) -> Attempt | None:
    row = connection.execute(_ATTEMPT, {"attempt_id": attempt_id}).first()
    return Attempt(**row._mapping) if row is not None else None


def _open_attempt(connection: Connection, participant_id: int) -> Attempt | None:
    row = connection.execute(_OPEN_ATTEMPT, {"participant_id": participant_id}).first()
    return Attempt(**row._mapping) if row is not None else None


def _next_local_midnight(spec: CampaignSpec, now: datetime) -> datetime:
    local = now.astimezone(ZoneInfo(spec.timezone))
    return (local + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)


def start_attempt(
    connection: Connection,
    content: ContentCaches,
    starter: Starter,
    campaign: Campaign,
    now: datetime,
    grace_seconds: int,
    rng: random.Random = _system_random,
    primary_last_grade: int = 6,
) -> tuple[Attempt, bool]:
    """Start an attempt, or return the one still open. Returns it and whether it is new.
    A new attempt costs one statement after ``load_starter``'s query. Commits."""
    spec = content.campaigns.spec(campaign)
    require_open(campaign, now)
    rules = spec.tracks[Track(starter.track)]
    mine = starter.attempts
    open_id = next((id_ for id_, status, _ in mine if status == AttemptStatus.open), None)
    if open_id is not None:
        current = load_attempt(connection, open_id)
        assert current is not None
        if now <= current.deadline + timedelta(seconds=grace_seconds):
            return current, False
        # Abandoned: it still counts as an attempt.
        if connection.execute(_EXPIRE, {"attempt_id": open_id}).rowcount:
            metrics.attempt_expired(current.track)
    used = len(mine)
    if used >= rules.attempts_total:
        connection.commit()
        raise DomainError(
            ProblemType.attempt_limit_reached,
            f"all {rules.attempts_total} attempts of this campaign are used",
            limit=rules.attempts_total,
        )
    today = spec.local_day(now)
    used_today = sum(1 for _, _, day in mine if day == today)
    if used_today >= rules.attempts_per_day:
        connection.commit()
        retry = int((_next_local_midnight(spec, now) - now).total_seconds()) + 1
        raise DomainError(
            ProblemType.daily_attempt_limit_reached,
            f"all {rules.attempts_per_day} attempts of today are used; come back tomorrow",
            retry_in_seconds=retry,
            limit=rules.attempts_per_day,
        )
    pools = content.questions.pools(connection)
    wanted = {v for ids in pools.values() for v in ids}
    questions = content.questions.versions(connection, wanted)
    items = draw_paper(
        pools, questions, rules, starter.track, _level(starter, primary_last_grade), rng
    )
    attempt = Attempt(
        participant_id=starter.participant_id,
        campaign_id=campaign.id,
        track=starter.track,
        attempt_no=used + 1,
        status=AttemptStatus.open,
        lang=starter.lang,
        started_at=now,
        deadline=now + timedelta(seconds=rules.time_limit_seconds),
        day=today,
        paper={"items": items, "campaign_version": campaign.version},
    )
    values = attempt.model_dump(exclude={"id"})
    try:
        attempt.id = connection.execute(_NEW_ATTEMPT, values).scalar_one()
        connection.commit()
    except IntegrityError:  # a concurrent start of the same participant won the race
        connection.rollback()
        winner = _open_attempt(connection, starter.participant_id)
        if winner is None:
            raise
        return winner, False
    metrics.attempt_started(attempt.track)
    return attempt, True


def _paper_questions(
    bind: Bind, content: ContentCaches, attempt: Attempt
) -> list[tuple[str, Question, list[int]]]:
    items = attempt.paper["items"]
    questions = content.questions.versions(bind, [item["v"] for item in items])
    return [(f"q{n}", questions[item["v"]], item["order"]) for n, item in enumerate(items, 1)]


def _options(question: Question, order: list[int], lang: str) -> list[tuple[str, str]]:
    """(letter, text) of each option, in the paper's order."""
    if question.type == "true_false":
        texts = list(TRUE_FALSE_LABELS[lang])
    else:
        texts = [option[lang] for option in question.body["options"]]
    return [(LETTERS[pos], texts[index]) for pos, index in enumerate(order)]


def _points(rules: TrackRules, question: Question) -> int:
    return next(v for k, v in rules.points.items() if k.value == question.difficulty)


def _rules(content: ContentCaches, campaign: Campaign, attempt: Attempt) -> TrackRules:
    return content.campaigns.spec(campaign).tracks[Track(attempt.track)]


@dataclass(frozen=True, slots=True)
class PaperItem:
    """A question of a paper as the participant sees it: no answer key."""

    id: str  # "q1", "q2", ... in the paper's order
    number: int
    question: Question
    points: int
    stem: str
    options: list[tuple[str, str]]  # (letter, text), in the paper's order


@dataclass(frozen=True, slots=True)
class Paper:
    attempt: Attempt
    max_score: int
    items: list[PaperItem]


def _paper_items(
    attempt: Attempt, rules: TrackRules, paper: list[tuple[str, Question, list[int]]]
) -> list[PaperItem]:
    lang = attempt.lang
    return [
        PaperItem(
            qid,
            number,
            question,
            _points(rules, question),
            question.body["stem"][lang],
            _options(question, order, lang),
        )
        for number, (qid, question, order) in enumerate(paper, 1)
    ]


def paper_of(bind: Bind, content: ContentCaches, attempt: Attempt, campaign: Campaign) -> Paper:
    """The frozen paper of an attempt: nothing in it reveals the answers."""
    rules = _rules(content, campaign, attempt)
    items = _paper_items(attempt, rules, _paper_questions(bind, content, attempt))
    return Paper(attempt, sum(item.points for item in items), items)


Answers = Sequence[tuple[str, Sequence[str]]]  # (question id, chosen letters), as sent


def _normalise(
    submitted: Answers, paper: list[tuple[str, Question, list[int]]]
) -> dict[str, list[str]]:
    """Check the answers against the paper; every fault is reported at once (422)."""
    by_id = {qid: question for qid, question, _ in paper}
    answers: dict[str, list[str]] = {}
    errors: list[FieldFault] = []

    def fault(index: int, field: str, message: str, code: str) -> None:
        errors.append({"field": f"answers.{index}.{field}", "message": message, "code": code})

    for index, (question_id, chosen) in enumerate(submitted):
        question = by_id.get(question_id)
        if question is None:
            fault(index, "question_id", f"{question_id!r} is not on this paper", "unknown_question")
            continue
        if question_id in answers:
            fault(index, "question_id", "answered twice", "duplicate_answer")
            continue
        choices = sorted({c.strip().upper() for c in chosen})
        allowed = LETTERS[: question.option_count]
        bad = [c for c in choices if len(c) != 1 or c not in allowed]
        if bad:
            options = f"{allowed[0]}-{allowed[-1]}"
            fault(
                index,
                "choices",
                f"no option {', '.join(bad)} (options {options})",
                "unknown_option",
            )
            continue
        if question.type != "multiple" and len(choices) > 1:
            fault(index, "choices", "this question takes one choice", "too_many_choices")
            continue
        answers[question_id] = choices
    if errors:
        detail = "; ".join(f"{e['field']}: {e['message']}" for e in errors[:5])
        raise DomainError(ProblemType.validation_error, detail, errors=errors)
    return answers


def _answers_hash(answers: dict[str, list[str]]) -> str:
    canonical = json.dumps(answers, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


@dataclass(frozen=True)
class Submission:
    """The attempt being submitted, with what its result records of the participant."""

    attempt: Attempt
    school_code: str | None
    district: str | None
    has_result: bool


def load_submission(
    connection: Connection, participant_id: int, attempt_id: int
) -> Submission | None:
    """The participant's attempt, in one query; None when they have no such attempt."""
    parameters = {"attempt_id": attempt_id, "participant_id": participant_id}
    row = connection.execute(_SUBMISSION, parameters).first()
    if row is None:
        return None
    fields = row._mapping
    attempt = Attempt(**{column.name: fields[column] for column in ATTEMPT.c})
    return Submission(attempt, row.school_code, row.district, row.result_of is not None)


def load_result(connection: Connection, attempt_id: int) -> Result | None:
    row = connection.execute(_RESULT, {"attempt_id": attempt_id}).first()
    return Result(**row._mapping) if row is not None else None


def submit(
    connection: Connection,
    content: ContentCaches,
    participant_id: int,
    attempt_id: int,
    submitted: Answers,
    now: datetime,
    grace_seconds: int,
) -> tuple[Result, Attempt]:
    """Score a submission. Idempotent: the same answers again return the stored result;
    the result's primary key (the attempt id) makes a second result impossible. A first
    submission costs two statements (read, write); the write is atomic. Commits."""
    found = load_submission(connection, participant_id, attempt_id)
    if found is None:
        if not participant_exists(connection, participant_id):
            raise unknown_participant()  # a genuine token of a participant since removed
        raise DomainError(ProblemType.not_found, "no such attempt for this participant")
    attempt = found.attempt
    campaign = content.campaigns.get(connection, attempt.campaign_id)
    assert campaign is not None
    paper = _paper_questions(connection, content, attempt)
    answers = _normalise(submitted, paper)
    digest = _answers_hash(answers)
    if found.has_result:
        return _stored(connection, attempt, digest), attempt
    if attempt.status == AttemptStatus.expired:
        raise DomainError(
            ProblemType.attempt_expired, "this attempt expired before it was submitted"
        )
    rules = _rules(content, campaign, attempt)
    late = now > attempt.deadline + timedelta(seconds=grace_seconds)
    score = max_score = correct_count = 0
    for qid, question, order in paper:
        points = _points(rules, question)
        max_score += points
        chosen = sorted(order[LETTERS.index(c)] for c in answers.get(qid, []))
        if not late and chosen == question.correct:
            score += points
            correct_count += 1
    finished = min(now, attempt.deadline)
    duration_ms = max(0, int((finished - attempt.started_at).total_seconds() * 1000))
    # The plausibility rule costs one comparison on the hot path; the review list explains
    # it later (quiz_api.services.reviews).
    held = duration_ms < rules.min_duration_ms(len(paper))
    result = Result(
        attempt_id=attempt_id,
        participant_id=attempt.participant_id,
        campaign_id=attempt.campaign_id,
        track=attempt.track,
        school_code=found.school_code,
        district=found.district,
        score=score,
        max_score=max_score,
        correct_count=correct_count,
        question_count=len(paper),
        duration_ms=duration_ms,
        passed=score * 100 >= rules.pass_mark * max_score,
        late=late,
        submitted_at=now,
        day=content.campaigns.spec(campaign).local_day(now),
        answers_hash=digest,
        answers=answers,
        answer_key=answer_key(attempt.paper, answers),
        held=held,
    )
    if not store_result(connection, result):  # a concurrent duplicate was stored first
        return _stored(connection, attempt, digest), attempt
    attempt.status = AttemptStatus.submitted
    metrics.attempt_submitted(attempt.track)
    return result, attempt


def _stored(connection: Connection, attempt: Attempt, digest: str) -> Result:
    """The result already stored for this attempt, when the answers are the same."""
    assert attempt.id is not None
    result = load_result(connection, attempt.id)
    assert result is not None
    if result.answers_hash != digest:
        raise DomainError(
            ProblemType.already_submitted,
            "this attempt was already submitted with other answers; its result stands",
            attempt_id=result.attempt_id,
        )
    return result


@dataclass(frozen=True, slots=True)
class Reviewed:
    """A question of a submitted paper with the answer given and the right one."""

    item: PaperItem
    your_choices: list[str]
    correct_choices: list[str]
    correct: bool
    explanation: str
    source: str


@dataclass(frozen=True, slots=True)
class Outcome:
    """A scored attempt: its result, the campaign's pass mark, the participant's rank on
    the city board (none while the result is held), the review of every question, and
    for a held result the notice its owner reads."""

    result: Result
    pass_mark: int
    rank: int | None
    review: list[Reviewed]
    notice: str | None = None


def outcome_of(
    bind: Bind,
    content: ContentCaches,
    result: Result,
    attempt: Attempt,
    campaign: Campaign,
    rank: int | None,
) -> Outcome:
    rules = _rules(content, campaign, attempt)
    paper = _paper_questions(bind, content, attempt)
    review = []
    for item, (_, question, order) in zip(_paper_items(attempt, rules, paper), paper, strict=True):
        correct_letters = sorted(LETTERS[order.index(i)] for i in question.correct)
        mine = result.answers.get(item.id, [])
        review.append(
            Reviewed(
                item,
                mine,
                correct_letters,
                not result.late and sorted(mine) == correct_letters,
                question.body["explanation"][attempt.lang],
                question.body["source"],
            )
        )
    if result.held:
        return Outcome(result, rules.pass_mark, None, review, HELD_NOTICE[attempt.lang])
    return Outcome(result, rules.pass_mark, rank, review)


def own_attempt(session: Session, participant_id: int, attempt_id: int) -> Attempt:
    """The participant's attempt; ``not-found`` for anyone else's, as for no attempt."""
    attempt = session.get(Attempt, attempt_id)
    if attempt is None or attempt.participant_id != participant_id:
        raise DomainError(ProblemType.not_found, "no such attempt for this participant")
    return attempt


def own_result(session: Session, participant_id: int, attempt_id: int) -> tuple[Attempt, Result]:
    """The participant's submitted attempt and its result."""
    attempt = own_attempt(session, participant_id, attempt_id)
    result = session.get(Result, attempt_id)
    if result is None:
        raise DomainError(ProblemType.not_found, "this attempt has no result yet")
    return attempt, result


def campaign_of(bind: Bind, content: ContentCaches, attempt: Attempt) -> Campaign:
    campaign = content.campaigns.get(bind, attempt.campaign_id)
    assert campaign is not None  # an attempt's campaign is never deleted
    return campaign


def passed_result(
    session: Session, content: ContentCaches, participant_id: int, attempt_id: int
) -> tuple[Result, Campaign]:
    """The result of the participant's passed attempt, and its campaign: what a
    certificate shows."""
    attempt, result = own_result(session, participant_id, attempt_id)
    if not result.passed:
        raise DomainError(ProblemType.not_passed, "certificates are for passed attempts only")
    return result, campaign_of(session, content, attempt)
