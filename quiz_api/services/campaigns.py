"""Campaigns as the services see them: the validated spec, cached per version."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, select

from quiz_api.content import CampaignSpec
from quiz_api.models import Campaign, Track
from quiz_api.problems import Problem

_specs: dict[tuple[str, str], CampaignSpec] = {}


def campaign_spec(row: Campaign) -> CampaignSpec:
    # Keyed by the content hash, so an imported change is picked up by every worker.
    key = (row.id, row.content_hash)
    spec = _specs.get(key)
    if spec is None:
        spec = _specs[key] = CampaignSpec.model_validate(row.config)
    return spec


def resolve_campaign(session: Session, campaign_id: str | None, now: datetime) -> Campaign:
    """The campaign a request names, or the one open now (else the one that ends last)."""
    if campaign_id:
        row = session.get(Campaign, campaign_id)
        if row is None:
            raise Problem(404, "unknown-campaign", f"no campaign with id {campaign_id!r}")
        return row
    rows = list(session.exec(select(Campaign)))
    if not rows:
        raise Problem(409, "no-open-campaign", "no campaign has been imported yet")
    open_now = [r for r in rows if r.starts_at <= now <= r.ends_at]
    candidates = open_now or rows
    return max(candidates, key=lambda r: (r.ends_at, r.id))


def require_open(row: Campaign, now: datetime) -> None:
    if now < row.starts_at:
        raise Problem(
            409,
            "campaign-not-started",
            f"the campaign opens at {row.starts_at.isoformat()}",
            starts_at=row.starts_at.isoformat(),
        )
    if now > row.ends_at:
        raise Problem(
            409,
            "campaign-ended",
            f"the campaign closed at {row.ends_at.isoformat()}",
            ends_at=row.ends_at.isoformat(),
        )


def require_track(spec: CampaignSpec, track: Track) -> None:
    if track not in spec.tracks:
        offered = ", ".join(t.value for t in spec.tracks)
        raise Problem(422, "track-not-offered", f"this campaign offers: {offered}")
