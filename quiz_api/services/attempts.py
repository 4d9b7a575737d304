"""Attempts: drawing a paper, freezing it, and scoring a submission on the server."""

from __future__ import annotations

import hashlib
import json
import random
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from quiz_api.content import LETTERS, CampaignSpec, TrackRules, level_of_school
from quiz_api.models import Attempt, AttemptStatus, Campaign, Participant, Result, School, Track
from quiz_api.problems import Problem
from quiz_api.schemas import (
    AttemptOut,
    OptionOut,
    PaperQuestion,
    ResultOut,
    ReviewItem,
    SubmitRequest,
)
from quiz_api.services.campaigns import campaign_spec, get_campaign, require_open
from quiz_api.services.leaderboards import record_best
from quiz_api.services.questions import PoolKey, Question, question_cache

# The texts of the two options of a true/false question, in the participant's language.
TRUE_FALSE_LABELS: dict[str, tuple[str, str]] = {
    "zh": ("正确", "错误"),
    "en": ("True", "False"),
    "ko": ("맞다", "틀리다"),
    "ja": ("正しい", "誤り"),
}

_system_random = random.SystemRandom()


def _level(session: Session, participant: Participant, primary_last_grade: int) -> str | None:
    if participant.track != Track.student.value or participant.grade is None:
        return None
    school = session.get(School, participant.school_code) if participant.school_code else None
    school_levels = school.level if school is not None else ""
    return level_of_school(school_levels, participant.grade, primary_last_grade).value


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
            raise Problem(
                503,
                "bank-incomplete",
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


def _open_attempt(session: Session, participant_id: int) -> Attempt | None:
    return session.exec(
        select(Attempt).where(
            Attempt.participant_id == participant_id, Attempt.status == AttemptStatus.open
        )
    ).first()


def _next_local_midnight(spec: CampaignSpec, now: datetime) -> datetime:
    local = now.astimezone(ZoneInfo(spec.timezone))
    return (local + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)


def start_attempt(
    session: Session,
    participant: Participant,
    campaign: Campaign,
    now: datetime,
    grace_seconds: int,
    rng: random.Random = _system_random,
    primary_last_grade: int = 6,
) -> tuple[Attempt, bool]:
    """Start an attempt, or return the one still open. Returns it and whether it is new."""
    spec = campaign_spec(campaign)
    require_open(campaign, now)
    assert participant.id is not None
    rules = spec.tracks[Track(participant.track)]
    # One query for the participant's few attempts: the open one, and the counts below.
    mine = session.exec(
        select(Attempt.id, Attempt.status, Attempt.day).where(
            Attempt.participant_id == participant.id
        )
    ).all()
    open_id = next((id_ for id_, status, _ in mine if status == AttemptStatus.open), None)
    current = session.get(Attempt, open_id) if open_id is not None else None
    if current is not None:
        if now <= current.deadline + timedelta(seconds=grace_seconds):
            return current, False
        current.status = AttemptStatus.expired  # abandoned: it still counts as an attempt
        session.add(current)
        session.flush()
    used = len(mine)
    if used >= rules.attempts_total:
        session.commit()
        raise Problem(
            403,
            "attempt-limit-reached",
            f"all {rules.attempts_total} attempts of this campaign are used",
            limit=rules.attempts_total,
        )
    today = spec.local_day(now)
    used_today = sum(1 for _, _, day in mine if day == today)
    if used_today >= rules.attempts_per_day:
        session.commit()
        retry = int((_next_local_midnight(spec, now) - now).total_seconds()) + 1
        raise Problem(
            403,
            "daily-attempt-limit-reached",
            f"all {rules.attempts_per_day} attempts of today are used; come back tomorrow",
            headers={"Retry-After": str(retry)},
            limit=rules.attempts_per_day,
        )
    pools = question_cache.pools(session)
    wanted = {v for ids in pools.values() for v in ids}
    questions = question_cache.versions(session, wanted)
    items = draw_paper(
        pools,
        questions,
        rules,
        participant.track,
        _level(session, participant, primary_last_grade),
        rng,
    )
    attempt = Attempt(
        participant_id=participant.id,
        campaign_id=campaign.id,
        track=participant.track,
        attempt_no=used + 1,
        status=AttemptStatus.open,
        lang=participant.lang,
        started_at=now,
        deadline=now + timedelta(seconds=rules.time_limit_seconds),
        day=today,
        paper={"items": items, "campaign_version": campaign.version},
    )
    session.add(attempt)
    try:
        session.commit()
    except IntegrityError:  # a concurrent start of the same participant won the race
        session.rollback()
        winner = _open_attempt(session, participant.id)
        if winner is None:
            raise
        return winner, False
    return attempt, True


def _paper_questions(session: Session, attempt: Attempt) -> list[tuple[str, Question, list[int]]]:
    items = attempt.paper["items"]
    questions = question_cache.versions(session, [item["v"] for item in items])
    return [(f"q{n}", questions[item["v"]], item["order"]) for n, item in enumerate(items, 1)]


def _options(question: Question, order: list[int], lang: str) -> list[OptionOut]:
    if question.type == "true_false":
        texts = list(TRUE_FALSE_LABELS[lang])
    else:
        texts = [option[lang] for option in question.body["options"]]
    return [OptionOut(id=LETTERS[pos], text=texts[index]) for pos, index in enumerate(order)]


def _points(rules: TrackRules, question: Question) -> int:
    return next(v for k, v in rules.points.items() if k.value == question.difficulty)


def _rules(campaign: Campaign, attempt: Attempt) -> TrackRules:
    return campaign_spec(campaign).tracks[Track(attempt.track)]


def render_paper(
    session: Session, attempt: Attempt, campaign: Campaign, now: datetime
) -> AttemptOut:
    """The paper as the participant sees it: no answer keys, nothing that reveals them."""
    rules = _rules(campaign, attempt)
    questions: list[PaperQuestion] = []
    max_score = 0
    for qid, question, order in _paper_questions(session, attempt):
        points = _points(rules, question)
        max_score += points
        questions.append(
            PaperQuestion(
                id=qid,
                number=len(questions) + 1,
                type=question.type,
                category=question.category,
                points=points,
                stem=question.body["stem"][attempt.lang],
                options=_options(question, order, attempt.lang),
            )
        )
    assert attempt.id is not None
    return AttemptOut(
        attempt_id=attempt.id,
        campaign=attempt.campaign_id,
        track=Track(attempt.track),
        lang=attempt.lang,
        attempt_no=attempt.attempt_no,
        status=attempt.status,
        started_at=attempt.started_at,
        deadline=attempt.deadline,
        server_time=now,
        time_limit_seconds=int((attempt.deadline - attempt.started_at).total_seconds()),
        max_score=max_score,
        questions=questions,
    )


def _normalise(
    request: SubmitRequest, paper: list[tuple[str, Question, list[int]]]
) -> dict[str, list[str]]:
    """Check the answers against the paper; every fault is reported at once (422)."""
    by_id = {qid: question for qid, question, _ in paper}
    answers: dict[str, list[str]] = {}
    errors: list[dict[str, str]] = []

    def fault(index: int, field: str, message: str, code: str) -> None:
        errors.append({"field": f"answers.{index}.{field}", "message": message, "code": code})

    for index, answer in enumerate(request.answers):
        question = by_id.get(answer.question_id)
        if question is None:
            fault(
                index,
                "question_id",
                f"{answer.question_id!r} is not on this paper",
                "unknown_question",
            )
            continue
        if answer.question_id in answers:
            fault(index, "question_id", "answered twice", "duplicate_answer")
            continue
        choices = sorted({c.strip().upper() for c in answer.choices})
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
        answers[answer.question_id] = choices
    if errors:
        detail = "; ".join(f"{e['field']}: {e['message']}" for e in errors[:5])
        raise Problem(422, "validation-error", detail, errors=errors)
    return answers


def _answers_hash(answers: dict[str, list[str]]) -> str:
    canonical = json.dumps(answers, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def _same_submission(result: Result, digest: str) -> Result:
    if result.answers_hash != digest:
        raise Problem(
            409,
            "already-submitted",
            "this attempt was already submitted with other answers; its result stands",
            attempt_id=result.attempt_id,
        )
    return result


def submit(
    session: Session,
    participant: Participant,
    attempt_id: int,
    request: SubmitRequest,
    now: datetime,
    grace_seconds: int,
) -> tuple[Result, Attempt]:
    """Score a submission. Idempotent: the same answers again return the stored result;
    the result's primary key (the attempt id) makes a second result impossible."""
    attempt = session.get(Attempt, attempt_id)
    if attempt is None or attempt.participant_id != participant.id:
        raise Problem(404, "not-found", "no such attempt for this participant")
    campaign = get_campaign(session, attempt.campaign_id)
    assert campaign is not None
    paper = _paper_questions(session, attempt)
    answers = _normalise(request, paper)
    digest = _answers_hash(answers)
    # The result and the attempt's status are written together: only a submitted attempt
    # can have one (this saves a query on every first submission).
    existing = (
        session.get(Result, attempt_id) if attempt.status == AttemptStatus.submitted else None
    )
    if existing is not None:
        return _same_submission(existing, digest), attempt
    if attempt.status == AttemptStatus.expired:
        raise Problem(409, "attempt-expired", "this attempt expired before it was submitted")
    rules = _rules(campaign, attempt)
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
    result = Result(
        attempt_id=attempt_id,
        participant_id=attempt.participant_id,
        campaign_id=attempt.campaign_id,
        track=attempt.track,
        school_code=participant.school_code,
        district=participant.district,
        score=score,
        max_score=max_score,
        correct_count=correct_count,
        question_count=len(paper),
        duration_ms=duration_ms,
        passed=score * 100 >= rules.pass_mark * max_score,
        late=late,
        submitted_at=now,
        day=campaign_spec(campaign).local_day(now),
        answers_hash=digest,
        answers=answers,
    )
    attempt.status = AttemptStatus.submitted
    session.add(result)
    session.add(attempt)
    try:
        session.flush()
        record_best(session, participant, result)
        session.commit()
    except IntegrityError:  # a concurrent duplicate submission was stored first
        session.rollback()
        stored = session.get(Result, attempt_id)
        if stored is None:
            raise
        return _same_submission(stored, digest), attempt
    return result, attempt


def render_result(
    session: Session, result: Result, attempt: Attempt, campaign: Campaign, rank: int | None
) -> ResultOut:
    rules = _rules(campaign, attempt)
    review = []
    for number, (qid, question, order) in enumerate(_paper_questions(session, attempt), 1):
        correct_letters = [LETTERS[order.index(i)] for i in question.correct]
        mine = result.answers.get(qid, [])
        review.append(
            ReviewItem(
                question_id=qid,
                number=number,
                type=question.type,
                stem=question.body["stem"][attempt.lang],
                options=_options(question, order, attempt.lang),
                your_choices=mine,
                correct_choices=sorted(correct_letters),
                correct=not result.late and sorted(mine) == sorted(correct_letters),
                points=_points(rules, question),
                explanation=question.body["explanation"][attempt.lang],
                source=question.body["source"],
            )
        )
    return ResultOut(
        attempt_id=result.attempt_id,
        campaign=result.campaign_id,
        track=Track(result.track),
        score=result.score,
        max_score=result.max_score,
        correct_count=result.correct_count,
        question_count=result.question_count,
        duration_ms=result.duration_ms,
        passed=result.passed,
        pass_mark=rules.pass_mark,
        late=result.late,
        submitted_at=result.submitted_at,
        rank=rank,
        review=review,
    )
