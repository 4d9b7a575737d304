"""Leaderboards: each participant's best result, ranked by score, then time, then who got
there first. The ``best_score`` table holds one row per participant, so a board is one
indexed range scan and a rank one indexed count (which grows with the board: see
docs/benchmarks.md for its cost at city scale)."""

from __future__ import annotations

from typing import Any, Literal

from sqlalchemy import and_, exists, literal, or_, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection
from sqlmodel import Session, col, func, select

from quiz_api.models import (
    ATTEMPT,
    BEST_SCORE,
    RESULT,
    AttemptStatus,
    BestScore,
    Participant,
    Result,
)
from quiz_api.schemas import LeaderboardEntry, MyRank

Scope = Literal["city", "district", "school"]


def store_result(connection: Connection, result: Result) -> bool:
    """Store a scored submission, mark its attempt submitted and keep the participant's
    best result up to date, all or nothing. Returns False (and writes nothing) when the
    attempt already has a result: a concurrent duplicate submission came first. Commits.

    On PostgreSQL the three writes are one statement (data-modifying CTEs: one round trip,
    atomic in autocommit); on SQLite three statements in the request's transaction."""
    upsert = postgresql.insert if connection.dialect.name == "postgresql" else sqlite.insert
    values = result.model_dump()
    new_result = (
        upsert(RESULT)
        .values(values)
        .on_conflict_do_nothing(index_elements=[RESULT.c.attempt_id])
        .returning(RESULT.c.attempt_id)
    )
    mark = (
        update(ATTEMPT)
        .where(ATTEMPT.c.id == result.attempt_id)
        .values(status=AttemptStatus.submitted)
        .returning(ATTEMPT.c.id)
    )
    best = {
        "participant_id": result.participant_id,
        "campaign_id": result.campaign_id,
        "track": result.track,
        "school_code": result.school_code,
        "district": result.district,
        "score": result.score,
        "duration_ms": result.duration_ms,
        "achieved_at": result.submitted_at,
        "attempt_id": result.attempt_id,
    }
    if connection.dialect.name != "postgresql":
        if connection.execute(new_result).first() is None:
            return False
        connection.execute(mark)
        connection.execute(_keep_best(upsert(BEST_SCORE).values(best)))
        connection.commit()
        return True
    stored = new_result.cte("stored")
    if_stored = exists(select(stored.c.attempt_id))
    marked = mark.where(if_stored).cte("marked")
    row = select(*(literal(v, BEST_SCORE.c[k].type) for k, v in best.items())).where(if_stored)
    kept = _keep_best(upsert(BEST_SCORE).from_select(list(best), row)).cte("kept")
    statement = select(stored.c.attempt_id).add_cte(marked, kept)
    return connection.execute(statement).first() is not None


def _keep_best(insert: Any) -> Any:
    """An insert into best_score that, for a participant who has a row, replaces it only
    with a better result: a higher score, or the same score in less time."""
    new, old = insert.excluded, BEST_SCORE.c
    return insert.on_conflict_do_update(
        index_elements=[old.participant_id],
        set_={k: new[k] for k in ("score", "duration_ms", "achieved_at", "attempt_id")},
        where=or_(
            new.score > old.score, and_(new.score == old.score, new.duration_ms < old.duration_ms)
        ),
    )


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


def _ahead(other: Any, me: Any) -> Any:
    """``other`` comes before ``me`` in the order of ``top``."""
    return or_(
        other.score > me.score,
        and_(other.score == me.score, other.duration_ms < me.duration_ms),
        and_(
            other.score == me.score,
            other.duration_ms == me.duration_ms,
            or_(
                other.achieved_at < me.achieved_at,
                and_(other.achieved_at == me.achieved_at, other.participant_id < me.participant_id),
            ),
        ),
    )


def rank_of(
    session: Session, best: BestScore, scope: Scope = "city", code: str | None = None
) -> MyRank:
    """1 + the number of participants ahead in the same order as ``top``."""
    filters = _scope_filter(best.campaign_id, best.track, scope, code)
    count = session.exec(
        select(func.count()).select_from(BestScore).where(*filters, _ahead(BEST_SCORE.c, best))
    ).one()
    return MyRank(rank=count + 1, score=best.score, duration_ms=best.duration_ms)


def city_rank(connection: Connection, participant_id: int) -> int | None:
    """The participant's rank on their track's city board, read with their best result in
    one query; None before their first result."""
    me, other = BEST_SCORE.alias("me"), BEST_SCORE.alias("other")
    ahead = (
        select(func.count())
        .select_from(other)
        .where(
            other.c.campaign_id == me.c.campaign_id,
            other.c.track == me.c.track,
            _ahead(other.c, me.c),
        )
        .scalar_subquery()
    )
    count = connection.execute(
        select(ahead).select_from(me).where(me.c.participant_id == participant_id)
    ).scalar()
    return None if count is None else count + 1
