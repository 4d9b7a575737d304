"""The contest's staff side: the review of held results and the preliminary round's
qualifiers, scoped by role like the reports (JSON, or CSV/XLSX downloads)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from quiz_api.api.deps import (
    AttemptId,
    CurrentScope,
    CurrentStaff,
    NowDep,
    ResourcesDep,
    SessionDep,
)
from quiz_api.api.downloads import DOWNLOADS, Format, FormatQ, LangQ, download
from quiz_api.api.problems import problem_responses
from quiz_api.content.bank import QualifyRule
from quiz_api.core.languages import Lang
from quiz_api.core.tracks import Track
from quiz_api.services import qualifiers as qualifier_service
from quiz_api.services import reviews as review_service
from quiz_api.services.campaigns import resolve_campaign
from quiz_api.services.scope import StaffScope

router = APIRouter(prefix="/reports", tags=["contest"])
PROBLEMS = problem_responses(401, 403, 404, 409, 422)
Campaign = Annotated[str | None, Query(max_length=64, description="default: the open one")]


class ReviewsOut(BaseModel):
    status: Literal["pending", "decided"]
    reviews: list[review_service.Review]


class DecisionIn(BaseModel):
    decision: review_service.Decision
    reason: Annotated[str, Field(min_length=1, max_length=2000, pattern=r"\S")]


DECIDED_COLUMNS = (
    "attempt_id",
    "district",
    "school_code",
    "grade",
    "class_name",
    "nickname",
    "score",
    "duration_ms",
    "submitted_at",
    "signals",
    "decision",
    "reason",
    "decided_by",
    "decided_at",
)


@router.get(
    "/reviews",
    response_model=ReviewsOut,
    responses={**PROBLEMS, **DOWNLOADS},
    summary="Held results: pending review, or decided (the audit trail; CSV/XLSX)",
)
def reviews(
    session: SessionDep,
    resources: ResourcesDep,
    scope: CurrentScope,
    status: Annotated[Literal["pending", "decided"], Query()] = "pending",
    campaign: Campaign = None,
    fmt: FormatQ = Format.json,
    lang: LangQ = Lang.zh,
) -> Any:
    found = review_service.list_reviews(session, resources.content, scope, status, campaign)
    if fmt is Format.json:
        return ReviewsOut(status=status, reviews=found)
    rows = review_service.decided_rows([r for r in found if r.decision is not None])
    table = (DECIDED_COLUMNS, [[row[c] for c in DECIDED_COLUMNS] for row in rows])
    return download([("reviews", table)], fmt, lang, f"reviews-{status}")


@router.post(
    "/reviews/{attempt_id}",
    response_model=review_service.Review,
    responses={**PROBLEMS, **problem_responses(400)},  # a body that is not JSON
    summary="Decide about a held result: clear it (it joins the boards) or disqualify it",
)
def decide(
    session: SessionDep,
    resources: ResourcesDep,
    account: CurrentStaff,
    now: NowDep,
    body: DecisionIn,
    attempt_id: AttemptId,
) -> review_service.Review:
    result = review_service.decide(
        session, resources.content, account, attempt_id, body.decision, body.reason, now
    )
    ranks = resources.ranks
    if ranks is not None and not result.held:  # cleared: its boards in Redis learn it too
        ranks.record_result(result)
    decided = review_service.list_reviews(
        session, resources.content, StaffScope.of(account), "decided"
    )
    return next(r for r in decided if r.attempt_id == attempt_id)


class QualifiersOut(BaseModel):
    campaign: str
    track: Track
    round: str
    opens_at: datetime
    closes_at: datetime
    rule: str
    qualify: QualifyRule  # the rule's parts, for a reader to put in their language
    state: Literal["provisional", "final"]
    frozen_at: datetime | None
    pending_reviews: int
    qualifiers: list[qualifier_service.Qualifier]


@router.get(
    "/qualifiers",
    response_model=QualifiersOut,
    responses={**PROBLEMS, **DOWNLOADS},
    summary="A round's qualifiers: provisional until its close, then frozen (CSV/XLSX)",
)
def qualifiers(
    session: SessionDep,
    resources: ResourcesDep,
    scope: CurrentScope,
    now: NowDep,
    campaign: Campaign = None,
    track: Track = Track.student,
    round: Annotated[str | None, Query(max_length=64)] = None,
    district: Annotated[str | None, Query(max_length=100)] = None,
    school: Annotated[str | None, Query(max_length=32)] = None,
    fmt: FormatQ = Format.json,
    lang: LangQ = Lang.zh,
) -> Any:
    row = resolve_campaign(resources.content.campaigns, session, campaign, now)
    found = qualifier_service.qualifiers(
        session, resources.content, row, track, now, scope, district, school, round, resources.ranks
    )
    if fmt is Format.json:
        return QualifiersOut(
            campaign=found.campaign_id,
            track=Track(found.track),
            round=found.round.id,
            opens_at=found.round.opens_at,
            closes_at=found.round.closes_at,
            rule=found.rule,
            qualify=found.round.qualify,
            state=found.state,
            frozen_at=found.frozen_at,
            pending_reviews=found.pending_reviews,
            qualifiers=found.rows,
        )
    header, table = qualifier_service.notice_tables(found, lang.value)
    return download(
        [("notice", header), ("qualifiers", table)],
        fmt,
        lang,
        f"qualifiers-{found.campaign_id}-{found.track}-{found.round.id}",
    )
