from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from quiz_api.api.deps import ContentDep, DailySpecDep, NowDep, SessionDep
from quiz_api.api.problems import problem_responses
from quiz_api.api.schemas import (
    PRINTABLE,
    DailyShareOut,
    DailyStatsOut,
    DayStats,
    StatsOut,
    TrackStats,
)
from quiz_api.db.models import Track
from quiz_api.services.campaigns import resolve_campaign
from quiz_api.services.stats import campaign_stats

router = APIRouter(prefix="/stats", tags=["stats"])


@router.get(
    "",
    response_model=StatsOut,
    responses=problem_responses(404, 409, 422),
    summary="Participants and attempts per track and per day",
)
def stats(
    session: SessionDep,
    content: ContentDep,
    now: NowDep,
    daily: DailySpecDep,
    campaign: Annotated[str | None, Query(max_length=64, pattern=PRINTABLE)] = None,
) -> StatsOut:
    figures = campaign_stats(
        session, resolve_campaign(content.campaigns, session, campaign, now).id, daily, now
    )
    today = figures.daily
    return StatsOut(
        campaign=figures.campaign,
        **vars(figures.totals),
        by_track={track: TrackStats(**vars(counts)) for track, counts in figures.by_track.items()},
        by_day=[
            DayStats(day=day, track=Track(track), **vars(counts))
            for day, track, counts in figures.by_day
        ],
        daily=DailyStatsOut(
            date=today.day.isoformat(),
            answers=today.totals.answers,
            correct_share=today.totals.correct_share,
            by_audience={
                name: DailyShareOut(answers=share.answers, correct_share=share.correct_share)
                for name, share in today.by_audience.items()
            },
        )
        if today is not None
        else None,
    )
