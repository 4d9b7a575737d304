from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from quiz_api.api.deps import ContentDep, NowDep, SessionDep
from quiz_api.api.problems import problem_responses
from quiz_api.api.schemas import PRINTABLE, StatsOut
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
    campaign: Annotated[str | None, Query(max_length=64, pattern=PRINTABLE)] = None,
) -> StatsOut:
    return campaign_stats(session, resolve_campaign(content.campaigns, session, campaign, now).id)
