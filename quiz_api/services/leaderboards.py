"""Leaderboards: each participant's best result, ranked by score, then time, then who got
there first. The ``best_score`` table holds one row per participant, so a board is one
indexed range scan and a rank one indexed count."""

from __future__ import annotations

from typing import Any, Literal

from sqlalchemy import and_, or_
from sqlmodel import Session, col, func, select

from quiz_api.models import BestScore, Participant, Result
from quiz_api.schemas import LeaderboardEntry, MyRank

Scope = Literal["city", "district", "school"]


def _better(result: Result, best: BestScore) -> bool:
    return (result.score, -result.duration_ms) > (best.score, -best.duration_ms)


def record_best(session: Session, participant: Participant, result: Result) -> None:
    """Keep the participant's best result up to date (inside the caller's transaction)."""
    assert participant.id is not None
    best = session.get(BestScore, participant.id)
    if best is None:
        session.add(
            BestScore(
                participant_id=participant.id,
                campaign_id=result.campaign_id,
                track=result.track,
                school_code=result.school_code,
                district=result.district,
                score=result.score,
                duration_ms=result.duration_ms,
                achieved_at=result.submitted_at,
                attempt_id=result.attempt_id,
            )
        )
    elif _better(result, best):
        best.score = result.score
        best.duration_ms = result.duration_ms
        best.achieved_at = result.submitted_at
        best.attempt_id = result.attempt_id
        session.add(best)
    session.flush()


def _scope_filter(campaign_id: str, track: str, scope: Scope, code: str | None) -> list[Any]:
    filters: list[Any] = [BestScore.campaign_id == campaign_id, BestScore.track == track]
    if scope == "district":
        filters.append(BestScore.district == code)
    elif scope == "school":
        filters.append(BestScore.school_code == code)
    return filters


def top(
    session: Session, campaign_id: str, track: str, scope: Scope, code: str | None, limit: int
) -> tuple[list[LeaderboardEntry], int]:
    filters = _scope_filter(campaign_id, track, scope, code)
    rows = session.exec(
        select(BestScore.score, BestScore.duration_ms, Participant.nickname)
        .join(Participant, col(Participant.id) == BestScore.participant_id)
        .where(*filters)
        .order_by(
            col(BestScore.score).desc(),
            col(BestScore.duration_ms),
            col(BestScore.achieved_at),
            col(BestScore.participant_id),
        )
        .limit(limit)
    ).all()
    total = session.exec(select(func.count()).select_from(BestScore).where(*filters)).one()
    entries = [
        LeaderboardEntry(rank=n, nickname=nickname, score=score, duration_ms=duration)
        for n, (score, duration, nickname) in enumerate(rows, 1)
    ]
    return entries, total


def rank_of(
    session: Session, best: BestScore, scope: Scope = "city", code: str | None = None
) -> MyRank:
    """1 + the number of participants ahead in the same order as ``top``."""
    score, duration = col(BestScore.score), col(BestScore.duration_ms)
    achieved, pid = col(BestScore.achieved_at), col(BestScore.participant_id)
    ahead = or_(
        score > best.score,
        and_(score == best.score, duration < best.duration_ms),
        and_(
            score == best.score,
            duration == best.duration_ms,
            or_(
                achieved < best.achieved_at,
                and_(achieved == best.achieved_at, pid < best.participant_id),
            ),
        ),
    )
    filters = _scope_filter(best.campaign_id, best.track, scope, code)
    count = session.exec(select(func.count()).select_from(BestScore).where(*filters, ahead)).one()
    return MyRank(rank=count + 1, score=best.score, duration_ms=best.duration_ms)
