"""Campaigns as the services see them: the validated spec, cached per version."""

from __future__ import annotations

import time
from datetime import datetime

from sqlmodel import select

from quiz_api.content.bank import CampaignSpec
from quiz_api.core.errors import DomainError, ProblemType
from quiz_api.db.engine import Bind, orm_session
from quiz_api.db.models import Campaign, Track
from quiz_api.integrations import metrics
from quiz_api.services.validated import ValidatedVersions

# Campaign rows are read on every join, start and submit and change only on an import: each
# worker keeps them for a few seconds (an import reaches every worker within the TTL).
CAMPAIGN_TTL_SECONDS = 5.0


class CampaignCache:
    """The campaign rows, detached from any session: read them, never write through them;
    and their validated specs. One per application (``quiz_api.api.resources``)."""

    def __init__(self) -> None:
        self._rows: dict[str, Campaign] = {}
        self._loaded_at = float("-inf")
        self._specs = ValidatedVersions(CampaignSpec)

    def spec(self, row: Campaign) -> CampaignSpec:
        return self._specs.get(row.id, row.content_hash, row.config)

    def _load(self, bind: Bind) -> dict[str, Campaign]:
        # No lock around the read: a request holding SQLite's writer turn may come here while
        # the lock's holder waits for that turn (a deadlock seen under load). Two loads at
        # once are harmless: each replaces the whole dict.
        with orm_session(bind) as session:
            rows = list(session.exec(select(Campaign)))
            for row in rows:
                session.expunge(row)
        loaded = {row.id: row for row in rows}
        self._rows, self._loaded_at = loaded, time.monotonic()
        metrics.content_refresh()
        return loaded

    def all(self, bind: Bind) -> list[Campaign]:
        if time.monotonic() - self._loaded_at < CAMPAIGN_TTL_SECONDS:
            return list(self._rows.values())
        return list(self._load(bind).values())

    def get(self, bind: Bind, campaign_id: str) -> Campaign | None:
        rows = self._rows
        if time.monotonic() - self._loaded_at >= CAMPAIGN_TTL_SECONDS or campaign_id not in rows:
            rows = self._load(bind)  # stale, or imported since: read again
        return rows.get(campaign_id)


def resolve_campaign(
    campaigns: CampaignCache, bind: Bind, campaign_id: str | None, now: datetime
) -> Campaign:
    """The campaign a request names, or the one open now (else the one that ends last)."""
    if campaign_id:
        row = campaigns.get(bind, campaign_id)
        if row is None:
            raise DomainError(ProblemType.unknown_campaign, f"no campaign with id {campaign_id!r}")
        return row
    rows = campaigns.all(bind)
    if not rows:
        raise DomainError(ProblemType.no_open_campaign, "no campaign has been imported yet")
    open_now = [r for r in rows if r.starts_at <= now <= r.ends_at]
    candidates = open_now or rows
    return max(candidates, key=lambda r: (r.ends_at, r.id))


def require_open(row: Campaign, now: datetime) -> None:
    if now < row.starts_at:
        raise DomainError(
            ProblemType.campaign_not_started,
            f"the campaign opens at {row.starts_at.isoformat()}",
            starts_at=row.starts_at.isoformat(),
        )
    if now > row.ends_at:
        raise DomainError(
            ProblemType.campaign_ended,
            f"the campaign closed at {row.ends_at.isoformat()}",
            ends_at=row.ends_at.isoformat(),
        )


def require_track(spec: CampaignSpec, track: Track) -> None:
    if track not in spec.tracks:
        offered = ", ".join(t.value for t in spec.tracks)
        raise DomainError(ProblemType.track_not_offered, f"this campaign offers: {offered}")
