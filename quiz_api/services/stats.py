"""The participation figures the office publishes."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, func, select

from quiz_api.content.daily import DailySpec
from quiz_api.db.models import Attempt, Participant, Result
from quiz_api.services.daily import DayTotals, day_totals


@dataclass
class Counts:
    participants: int = 0
    attempts: int = 0
    finished: int = 0  # attempts with a result


@dataclass(frozen=True)
class CampaignStats:
    campaign: str
    totals: Counts
    by_track: dict[str, Counts]
    by_day: list[tuple[str, str, Counts]]  # (local day, track, counts), in that order
    daily: DayTotals | None  # today's daily question (not tied to the campaign)


def campaign_stats(
    session: Session, campaign_id: str, daily: DailySpec | None = None, now: datetime | None = None
) -> CampaignStats:
    counts: dict[tuple[str, str], Counts] = defaultdict(Counts)
    for key, model in (("participants", Participant), ("attempts", Attempt), ("finished", Result)):
        rows = session.exec(
            select(model.track, model.day, func.count())
            .where(model.campaign_id == campaign_id)
            .group_by(model.track, model.day)
        ).all()
        for track, day, n in rows:
            setattr(counts[(day, track)], key, n)
    by_track: dict[str, Counts] = {}
    for (_, track), figures in counts.items():
        current = by_track.setdefault(track, Counts())
        current.participants += figures.participants
        current.attempts += figures.attempts
        current.finished += figures.finished
    totals = Counts(
        participants=sum(t.participants for t in by_track.values()),
        attempts=sum(t.attempts for t in by_track.values()),
        finished=sum(t.finished for t in by_track.values()),
    )
    by_day = [(day, track, figures) for (day, track), figures in sorted(counts.items())]
    today = day_totals(session, daily.local_day(now)) if daily and now else None
    return CampaignStats(campaign_id, totals, by_track, by_day, today)
