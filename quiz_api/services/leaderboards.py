"""Leaderboards: each participant's best result, ranked by score, then time, then who got
there first. The ``best_score`` table holds one row per participant, so a board is one
indexed range scan and a rank one indexed count (which grows with the board: see
docs/benchmarks.md for its cost at city scale)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from sqlalchemy import and_, bindparam, delete, exists, false, insert, or_, update
from sqlalchemy import select as core_select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection
from sqlalchemy.sql.expression import Executable
from sqlmodel import Session, col, func, select

from quiz_api.db.models import (
    ATTEMPT,
    BEST_SCORE,
    RESULT,
    AttemptStatus,
    BestScore,
    Participant,
    Result,
)
from quiz_api.services.scope import Area, Level

if TYPE_CHECKING:  # the rank index builds on this module
    from quiz_api.integrations.ranks import RankIndex

Scope = Level  # the board: the whole city, a district or a school


# The columns of a participant's best score, each taken from the result that set it.
_BEST_FROM_RESULT = {
    "participant_id": "participant_id",
    "campaign_id": "campaign_id",
    "track": "track",
    "school_code": "school_code",
    "district": "district",
    "score": "score",
    "duration_ms": "duration_ms",
    "achieved_at": "submitted_at",
    "attempt_id": "attempt_id",
}


def _best_row() -> dict[str, Any]:
    return {
        best: bindparam(f"new_{source}", type_=RESULT.c[source].type)
        for best, source in _BEST_FROM_RESULT.items()
    }


@lru_cache
def _best_statement(dialect: str) -> Executable:
    """Keep a result as its participant's best when it is better (bind parameters as in
    ``_store_statements``)."""
    upsert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    return _keep_best(upsert(BEST_SCORE).values(_best_row()))  # type: ignore[no-any-return]


@lru_cache
def _store_statements(dialect: str) -> list[Executable]:
    """The statements of ``store_result``, built once per database kind, with the result's
    columns as bind parameters. Their names carry a prefix: a parameter named like a column
    of an UPDATE's table would be taken as a value to SET. On SQLite the last one keeps the
    best score; a held result skips it."""
    upsert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    new_result = (
        upsert(RESULT)
        .values({c.name: bindparam(f"new_{c.name}", type_=c.type) for c in RESULT.c})
        .on_conflict_do_nothing(index_elements=[RESULT.c.attempt_id])
        .returning(RESULT.c.attempt_id)
    )
    mark = (
        update(ATTEMPT)
        .where(ATTEMPT.c.id == bindparam("new_attempt_id"))
        .values(status=AttemptStatus.submitted.value)
        .returning(ATTEMPT.c.id)
    )
    best_row = _best_row()
    if dialect != "postgresql":
        return [new_result, mark, _best_statement(dialect)]
    # One statement: the attempt and the best score change only when the result was stored.
    stored = new_result.cte("stored")
    if_stored = exists(select(stored.c.attempt_id))
    marked = mark.where(if_stored).cte("marked")
    not_held = bindparam("new_held", type_=RESULT.c.held.type) == false()
    row = select(*best_row.values()).where(if_stored, not_held)  # held: off the boards
    kept = _keep_best(upsert(BEST_SCORE).from_select(list(best_row), row)).cte("kept")
    return [select(stored.c.attempt_id).add_cte(marked, kept)]


def store_result(connection: Connection, result: Result) -> bool:
    """Store a scored submission, mark its attempt submitted and keep the participant's
    best result up to date, all or nothing; a held result stays off the best score until
    it is cleared. Returns False (and writes nothing) when the attempt already has a
    result: a concurrent duplicate submission came first. Commits.

    On PostgreSQL the three writes are one statement (data-modifying CTEs: one round trip,
    atomic in autocommit); on SQLite three statements in the request's transaction."""
    parameters = {f"new_{k}": v for k, v in result.model_dump().items()}
    first, *rest = _store_statements(connection.dialect.name)
    if connection.execute(first, parameters).first() is None:
        return False
    for statement in rest[:1] if result.held else rest:
        connection.execute(statement, parameters)
    connection.commit()
    return True


def restore_best(connection: Connection, result: Result) -> None:
    """A held result that a reviewer cleared: it becomes its participant's best score when
    it is better, as if it had never been held. Does not commit."""
    parameters = {f"new_{k}": v for k, v in result.model_dump().items()}
    connection.execute(_best_statement(connection.dialect.name), parameters)


def recompute_best(connection: Connection, participant_ids: Iterable[int]) -> dict[int, Any]:
    """The reverse of ``restore_best``: after results were held, each participant's best
    score is taken again from their results that are not held (the boards' order: score,
    then time, then who got there first), or dropped when none is left. Returns each
    participant's new best row (its ``best_score`` columns), None for a dropped one. Does
    not commit."""
    ids = sorted(set(participant_ids))
    if not ids:
        return {}
    order = (
        RESULT.c.score.desc(),
        RESULT.c.duration_ms,
        RESULT.c.submitted_at,
        RESULT.c.attempt_id,
    )
    ranked = (
        core_select(
            *(RESULT.c[source].label(best) for best, source in _BEST_FROM_RESULT.items()),
            func.row_number()
            .over(partition_by=RESULT.c.participant_id, order_by=order)
            .label("nth"),
        )
        .where(RESULT.c.participant_id.in_(ids), RESULT.c.held.is_(False))
        .subquery()
    )
    rows = connection.execute(
        core_select(*(ranked.c[best] for best in _BEST_FROM_RESULT)).where(ranked.c.nth == 1)
    ).all()
    bests: dict[int, Any] = dict.fromkeys(ids)
    bests.update({row.participant_id: row._mapping for row in rows})
    connection.execute(delete(BEST_SCORE).where(BEST_SCORE.c.participant_id.in_(ids)))
    if rows:
        connection.execute(insert(BEST_SCORE), [dict(row._mapping) for row in rows])
    return bests


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
    area = Area.at(scope, code, code)
    return [
        BestScore.campaign_id == campaign_id,
        BestScore.track == track,
        *area.where(BestScore.district, BestScore.school_code),
    ]


@dataclass(frozen=True, slots=True)
class Entry:
    """A place on a board: the participant's best score and the time it took."""

    rank: int
    nickname: str | None
    score: int
    duration_ms: int


def top(
    session: Session, campaign_id: str, track: str, scope: Scope, code: str | None, limit: int
) -> tuple[list[Entry], int]:
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
        Entry(rank=n, nickname=nickname, score=score, duration_ms=duration)
        for n, (score, duration, nickname) in enumerate(rows, 1)
    ]
    return entries, total


def ahead_of(other: Any, me: Any) -> Any:
    """``other`` comes before ``me`` in the order of ``top`` (the one definition of the
    boards' order for counts: score, then time, then who got there first)."""
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


Board = tuple[list[Entry], int]  # the top entries and the board's size


class BoardCache:
    """Each board's top for a moment, per worker: at the end of an attempt every phone reads
    the board, and a board a second or two old is as good to look at, while reading it costs
    a sort and a count of the whole board. The caller's own rank is never cached. Ages are
    measured on the request's clock; a clock that went back counts as stale."""

    def __init__(self, seconds: float, max_boards: int = 10_000) -> None:
        self.seconds = seconds
        self.max_boards = max_boards
        self._boards: dict[tuple[str, str, Scope, str | None, int], tuple[datetime, Board]] = {}

    def top(
        self,
        session: Session,
        campaign_id: str,
        track: str,
        scope: Scope,
        code: str | None,
        limit: int,
        now: datetime,
    ) -> Board:
        key = (campaign_id, track, scope, code, limit)
        cached = self._boards.get(key)
        if cached is not None and 0 <= (now - cached[0]).total_seconds() < self.seconds:
            return cached[1]
        board = top(session, campaign_id, track, scope, code, limit)
        if self.seconds > 0:
            if len(self._boards) >= self.max_boards:
                self._boards.clear()
            self._boards[key] = (now, board)
        return board


def same_board(other: Any, me: Any, scope: Scope) -> list[Any]:
    """``other``'s best score is on ``me``'s board of ``scope`` (two aliases of best_score)."""
    area = Area.at(scope, me.c.district, me.c.school_code)
    return [
        other.c.campaign_id == me.c.campaign_id,
        other.c.track == me.c.track,
        *area.where(other.c.district, other.c.school_code),
    ]


def _rank_statement(scope: Scope) -> Any:
    me, other = BEST_SCORE.alias("me"), BEST_SCORE.alias("other")
    board = same_board(other, me, scope)
    ahead = select(func.count()).select_from(other).where(*board, ahead_of(other.c, me.c))
    return select(ahead.scalar_subquery()).where(me.c.participant_id == bindparam("participant_id"))


_COUNT_RANK = {scope: _rank_statement(scope) for scope in ("city", "district", "school")}


def count_rank(connection: Connection, participant_id: int, scope: Scope = "city") -> int | None:
    """The participant's rank on their own board of ``scope`` (their city, district or
    school), counted in the database: 1 + the participants ahead in the order of ``top``.
    None before their first result. Its cost grows with the board: see quiz_api.integrations.ranks."""
    count = connection.execute(_COUNT_RANK[scope], {"participant_id": participant_id}).scalar()
    return None if count is None else count + 1


def rank_of(
    connection: Connection, ranks: RankIndex | None, participant_id: int, scope: Scope = "city"
) -> int | None:
    """The participant's rank on their board of ``scope``: from Redis when the application
    has a rank index, else counted in the database."""
    if ranks is not None:
        return ranks.rank(connection, participant_id, scope)
    return count_rank(connection, participant_id, scope)


def my_place(
    session: Session,
    ranks: RankIndex | None,
    participant: Participant,
    campaign_id: str,
    scope: Scope,
    code: str | None,
) -> Entry | None:
    """The participant's own place on the board of ``scope`` and ``code`` (never cached),
    or None when their best score is not on it."""
    best = session.get(BestScore, participant.id)
    if best is None or best.campaign_id != campaign_id:
        return None
    if not Area.at(scope, code, code).contains(best.district, best.school_code):
        return None
    rank = rank_of(session.connection(), ranks, best.participant_id, scope)
    assert rank is not None  # they have a best score
    return Entry(rank, participant.nickname, best.score, best.duration_ms)
