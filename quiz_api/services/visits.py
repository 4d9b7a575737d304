"""Anonymous visit counters: one row per page and day, incremented in place."""

from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, func, select

from quiz_api.db.models import PageVisit


def record_visit(session: Session, page: str, day: str) -> None:
    """Count one visit. Commits. Concurrent first visits of a day race on the primary key;
    the loser retries as an increment."""
    for _ in range(2):
        bumped = session.exec(
            update(PageVisit)
            .where(col(PageVisit.page) == page, col(PageVisit.day) == day)
            .values(count=PageVisit.count + 1)
        )
        if bumped.rowcount:
            session.commit()
            return
        session.add(PageVisit(page=page, day=day, count=1))
        try:
            session.commit()
            return
        except IntegrityError:
            session.rollback()
    raise RuntimeError("could not count the visit")  # pragma: no cover


def visit_totals(session: Session, prefix: str) -> dict[str, int]:
    rows = session.exec(
        select(PageVisit.page, func.sum(PageVisit.count))
        .where(col(PageVisit.page).startswith(prefix))
        .group_by(PageVisit.page)
    ).all()
    return {page: int(total) for page, total in rows}
