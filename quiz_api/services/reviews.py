"""The review of held results: the list of what is held and why (in plain words), and the
decisions of staff (clear or disqualify), each recorded once in an append-only audit
trail. A cleared result joins the boards as if it had never been held."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any, Literal

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, func, select

from quiz_api.content.bank import TrackRules
from quiz_api.core.errors import DomainError, ProblemType
from quiz_api.db.models import (
    Attempt,
    Participant,
    Result,
    ReviewDecision,
    SchoolClass,
    StaffAccount,
    StaffRole,
    Track,
)
from quiz_api.services.answer_key import answer_identity
from quiz_api.services.caches import ContentCaches
from quiz_api.services.leaderboards import restore_best
from quiz_api.services.question_report import held_changed
from quiz_api.services.scope import StaffScope


class Decision(StrEnum):
    clear = "clear"
    disqualify = "disqualify"


Status = Literal["pending", "decided"]


@dataclass(frozen=True)
class Decided:
    """A decision as the review list shows it (from the audit trail)."""

    decision: Literal["clear", "disqualify"]
    reason: str
    decided_by: str  # the staff account's username when it decided
    decided_at: datetime


@dataclass(frozen=True)
class Review:
    """A held result as a reviewer sees it: who (as far as the platform knows them), what,
    why it was held, and the decision once there is one."""

    attempt_id: int
    campaign_id: str
    track: str
    district: str | None
    school_code: str | None
    grade: int | None
    class_name: str | None
    nickname: str | None
    score: int
    max_score: int
    duration_ms: int
    question_count: int
    submitted_at: datetime
    signals: list[str]  # why it was held, in plain words (for staff only)
    checks: list[Check]  # the same, as codes and figures (the dashboard words them)
    decision: Decided | None


@dataclass(frozen=True)
class Check:
    """A signal about a held result: its code (docs/contest-integrity.md), its figures,
    and the same in plain English words (the CSV's column, the command's output)."""

    code: str  # too-fast | same-answers | class-over-enrolment | many-joins | rule-changed
    values: dict[str, int | float | str | None]
    text: str


def time_signal(result: Result, rules: TrackRules) -> Check | None:
    """The minimum-time rule in words, when the result breaks it."""
    minimum = rules.min_duration_ms(result.question_count)
    if result.duration_ms >= minimum:
        return None
    seconds, per = round(result.duration_ms / 1000, 1), rules.integrity.min_seconds_per_question
    return Check(
        "too-fast",
        {
            "seconds": seconds,
            "questions": result.question_count,
            "minimum": round(minimum / 1000),
            "per_question": per,
        },
        f"submitted {seconds:.1f} s after the paper was handed out; "
        f"{result.question_count} questions take a reader at least {minimum / 1000:.0f} s "
        f"({per:g} s a question)",
    )


def _same_answers_signal(session: Session, result: Result, rules: TrackRules) -> Check | None:
    window = timedelta(minutes=rules.integrity.same_answers_minutes)
    around = (
        col(Result.campaign_id) == result.campaign_id,
        col(Result.track) == result.track,
        col(Result.submitted_at) >= result.submitted_at - window,
        col(Result.submitted_at) <= result.submitted_at + window,
    )
    if result.answer_key is not None:  # the digest stored at submission (since 0012)
        same = session.exec(
            select(func.count(func.distinct(Result.participant_id))).where(
                *around, col(Result.answer_key) == result.answer_key
            )
        ).one()
    else:  # stored before 0012: compared with its neighbours' papers, as the sweep did
        rows = session.exec(
            select(Result.attempt_id, Result.participant_id, Result.answers, Attempt.paper)
            .join(Attempt, col(Attempt.id) == col(Result.attempt_id))
            .where(*around)
        ).all()
        identities = {
            attempt_id: (participant, answer_identity(paper, answers))
            for attempt_id, participant, answers, paper in rows
        }
        mine = identities[result.attempt_id][1]
        same = len({who for who, identity in identities.values() if identity == mine})
    if same < rules.integrity.same_answers_participants:
        return None
    minutes = rules.integrity.same_answers_minutes
    return Check(
        "same-answers",
        {"participants": same, "minutes": minutes},
        f"{same} participants (this one included) gave exactly the same answers to the same "
        f"questions within {minutes} minutes of this submission",
    )


def _class_signal(session: Session, result: Result, participant: Participant) -> Check | None:
    if result.school_code is None or participant.class_name is None:
        return None
    enrolled = session.exec(
        select(SchoolClass.enrolled).where(
            SchoolClass.school_code == result.school_code,
            SchoolClass.grade == participant.grade,
            SchoolClass.class_name == participant.class_name,
        )
    ).first()
    if not enrolled:  # no roster, or a roster without the class's enrolment
        return None
    joined = session.exec(
        select(Participant.id, Participant.nickname)
        .where(
            col(Participant.campaign_id) == result.campaign_id,
            col(Participant.school_code) == result.school_code,
            col(Participant.grade) == participant.grade,
            col(Participant.class_name) == participant.class_name,
        )
        .order_by(col(Participant.created_at), col(Participant.id))
    ).all()
    classmates = [pid for pid, _ in joined]
    registered = len(classmates)
    if registered <= enrolled:
        return None
    place = classmates.index(participant.id) + 1 if participant.id in classmates else 0
    # The whole class in the order of joining, as the reviewer compares it with the class
    # list the school has: place and nickname, nothing more.
    order = ", ".join(f"{n}. {nickname or '-'}" for n, (_, nickname) in enumerate(joined, 1))
    return Check(
        "class-over-enrolment",
        {
            "school_code": result.school_code,
            "grade": participant.grade,
            "class_name": participant.class_name,
            "registered": registered,
            "enrolled": enrolled,
            "place": place,
            "classmates": order,
        },
        f"class {participant.grade}/{participant.class_name} of school {result.school_code} "
        f"has {registered} registrations for {enrolled} enrolled students; this participant "
        f"was number {place} to join (the first {enrolled} stay on the boards); the class "
        f"in the order of joining: {order}",
    )


def _address_signal(session: Session, participant: Participant, rules: TrackRules) -> Check | None:
    limit = (
        rules.integrity.address_max_students
        if participant.track == Track.student.value
        else rules.integrity.address_max_adults
    )
    if participant.address_hash is None or limit is None:
        return None
    window = timedelta(minutes=rules.integrity.address_minutes)
    near = session.exec(
        select(func.count()).where(
            col(Participant.campaign_id) == participant.campaign_id,
            col(Participant.address_hash) == participant.address_hash,
            col(Participant.track) == participant.track,
            col(Participant.created_at) >= participant.created_at - window,
            col(Participant.created_at) <= participant.created_at + window,
        )
    ).one()
    if near <= limit:
        return None
    if participant.track == Track.student.value:
        who, why = "students", "a whole school behind one address stays below it"
    else:
        who, why = "adults", "adults join from their own phones"
    minutes = rules.integrity.address_minutes
    return Check(
        "many-joins",
        {"participants": near, "minutes": minutes, "limit": limit, "track": participant.track},
        f"{near} {who} joined from the same network address within {minutes} minutes of "
        f"this participant; the campaign holds above {limit} ({why})",
    )


RULE_CHANGED = Check(
    "rule-changed", {}, "held by a rule that no longer applies (the campaign file changed since)"
)


def signals_of(
    session: Session, result: Result, participant: Participant, rules: TrackRules
) -> list[Check]:
    """Why a result is held, and what else about it is worth a look, in plain words for the
    reviewer (never for the participant)."""
    found = [
        time_signal(result, rules),
        _same_answers_signal(session, result, rules),
        _class_signal(session, result, participant),
        _address_signal(session, participant, rules),
    ]
    return [signal for signal in found if signal is not None] or [RULE_CHANGED]


def list_reviews(
    session: Session,
    content: ContentCaches,
    scope: StaffScope,
    status: Status,
    campaign_id: str | None = None,
) -> list[Review]:
    """Pending reviews (held, undecided) or decided ones, within the account's scope,
    oldest first. School staff see their school's list too, though they do not decide."""
    statement = (
        select(Result, Participant, ReviewDecision)
        .join(Participant, col(Participant.id) == col(Result.participant_id))
        .outerjoin(ReviewDecision, col(ReviewDecision.attempt_id) == col(Result.attempt_id))
        .where(*scope.where(Result.district, Result.school_code))
        .order_by(col(Result.submitted_at), col(Result.attempt_id))
    )
    if status == "pending":
        statement = statement.where(col(Result.held), col(ReviewDecision.id).is_(None))
    else:
        statement = statement.where(col(ReviewDecision.id).is_not(None))
    if campaign_id is not None:
        statement = statement.where(col(Result.campaign_id) == campaign_id)
    reviews = []
    for result, participant, decision in session.exec(statement).all():
        campaign = content.campaigns.get(session, result.campaign_id)
        assert campaign is not None
        rules = content.campaigns.spec(campaign).tracks[Track(result.track)]
        checks = signals_of(session, result, participant, rules)
        reviews.append(
            Review(
                attempt_id=result.attempt_id,
                campaign_id=result.campaign_id,
                track=result.track,
                district=result.district,
                school_code=result.school_code,
                grade=participant.grade,
                class_name=participant.class_name,
                nickname=participant.nickname,
                score=result.score,
                max_score=result.max_score,
                duration_ms=result.duration_ms,
                question_count=result.question_count,
                submitted_at=result.submitted_at,
                signals=[check.text for check in checks],
                checks=checks,
                decision=None
                if decision is None
                else Decided(
                    Decision(decision.decision).value,
                    decision.reason,
                    decision.staff_username,
                    decision.decided_at,
                ),
            )
        )
    return reviews


def decide(
    session: Session,
    content: ContentCaches,
    account: StaffAccount,
    attempt_id: int,
    decision: Decision,
    reason: str,
    now: datetime,
) -> Result:
    """Record a decision about a held result. City staff decide any result, district staff
    their district's; school staff do not decide. A result outside the account's scope is
    ``not-found``, as for no held result; a decided one ``already-decided``. A cleared
    result joins its participant's best score and the question analytics (in the same
    transaction). Returns the result. Commits."""
    scope = StaffScope.of(account)
    if scope.role is StaffRole.school:
        raise DomainError(
            ProblemType.outside_scope, "school accounts see their reviews; city or district decide"
        )
    reason = reason.strip()
    if not reason:
        raise DomainError(
            ProblemType.validation_error,
            "a decision needs its reason",
            errors=[{"field": "reason", "message": "required", "code": "missing"}],
        )
    result = session.get(Result, attempt_id)
    if result is None or not scope.area.contains(result.district, result.school_code):
        raise DomainError(ProblemType.not_found, "no held result with that attempt id")
    if session.exec(
        select(ReviewDecision.id).where(ReviewDecision.attempt_id == attempt_id)
    ).first():
        raise DomainError(ProblemType.already_decided, "this result was already decided")
    if not result.held:
        raise DomainError(ProblemType.not_found, "no held result with that attempt id")
    assert account.id is not None
    session.add(
        ReviewDecision(
            attempt_id=attempt_id,
            decision=decision.value,
            reason=reason,
            staff_id=account.id,
            staff_username=account.username,
            staff_role=account.role,
            decided_at=now,
        )
    )
    if decision is Decision.clear:
        result.held = False
        session.add(result)
    try:
        session.flush()
    except IntegrityError as exc:  # another reviewer decided at the same moment
        session.rollback()
        raise DomainError(ProblemType.already_decided, "this result was already decided") from exc
    if decision is Decision.clear:
        restore_best(session.connection(), result)
        held_changed(session, content, [attempt_id], counted=True)
    session.commit()
    session.refresh(result)
    return result


def decided_rows(reviews: list[Review]) -> list[dict[str, Any]]:
    """The decided list as flat rows: the audit trail as the office downloads it."""
    rows = []
    for review in reviews:
        decision = review.decision
        assert decision is not None
        rows.append(
            {
                "attempt_id": review.attempt_id,
                "district": review.district,
                "school_code": review.school_code,
                "grade": review.grade,
                "class_name": review.class_name,
                "nickname": review.nickname,
                "score": review.score,
                "duration_ms": review.duration_ms,
                "submitted_at": review.submitted_at.isoformat(),
                "signals": " / ".join(review.signals),
                "decision": decision.decision,
                "reason": decision.reason,
                "decided_by": decision.decided_by,
                "decided_at": decision.decided_at.isoformat(),
            }
        )
    return rows
