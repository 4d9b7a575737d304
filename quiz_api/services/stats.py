"""The participation figures the office publishes."""

from __future__ import annotations

from collections import defaultdict

from sqlmodel import Session, func, select

from quiz_api.api.schemas import DayStats, StatsOut, TrackStats
from quiz_api.db.models import Attempt, Participant, Result


def campaign_stats(session: Session, campaign_id: str) -> StatsOut:
    counts: dict[tuple[str, str], dict[str, int]] = defaultdict(
        lambda: {"participants": 0, "attempts": 0, "finished": 0}
    )
    for key, model in (("participants", Participant), ("attempts", Attempt), ("finished", Result)):
        rows = session.exec(
            select(model.track, model.day, func.count())
            .where(model.campaign_id == campaign_id)
            .group_by(model.track, model.day)
        ).all()
        for track, day, n in rows:
            counts[(day, track)][key] = n
    by_track: dict[str, TrackStats] = {}
    for (_, track), figures in counts.items():
        current = by_track.setdefault(track, TrackStats(participants=0, attempts=0, finished=0))
        current.participants += figures["participants"]
        current.attempts += figures["attempts"]
        current.finished += figures["finished"]
    by_day = [
        DayStats(day=day, track=track, **figures)
        for (day, track), figures in sorted(counts.items())
    ]
    return StatsOut(
        campaign=campaign_id,
        participants=sum(t.participants for t in by_track.values()),
        attempts=sum(t.attempts for t in by_track.values()),
        finished=sum(t.finished for t in by_track.values()),
        by_track=by_track,
        by_day=by_day,
    )
