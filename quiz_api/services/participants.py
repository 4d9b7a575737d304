"""Joining a track: one statement for an adult, two for a student (the school's roster)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import bindparam, exists, insert, select
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError

from quiz_api.api.problems import Problem
from quiz_api.api.schemas import JoinRequest
from quiz_api.db.models import PARTICIPANT, SCHOOL, SCHOOL_CLASS, Campaign, Participant, Track
from quiz_api.services.campaigns import CampaignCache, require_track

_CLASSES = SCHOOL_CLASS.c
_OF_SCHOOL = _CLASSES.school_code == SCHOOL.c.code
_SCHOOL = select(
    SCHOOL.c.district,
    exists().where(_OF_SCHOOL).label("has_roster"),
    exists()
    .where(
        _OF_SCHOOL,
        _CLASSES.grade == bindparam("grade"),
        _CLASSES.class_name == bindparam("class_name"),
    )
    .label("has_class"),
).where(SCHOOL.c.code == bindparam("school_code"))
_BY_OPENID = select(PARTICIPANT).where(
    PARTICIPANT.c.campaign_id == bindparam("campaign_id"),
    PARTICIPANT.c.openid == bindparam("openid"),
)
_NEW_PARTICIPANT = insert(PARTICIPANT).returning(PARTICIPANT.c.id)  # values as parameters


def _school_district(connection: Connection, request: JoinRequest) -> str:
    """The district of the student's school, after checking the school and its class."""
    row = connection.execute(
        _SCHOOL,
        {
            "school_code": request.school_code,
            "grade": request.grade,
            "class_name": request.class_name,
        },
    ).first()
    if row is None:
        raise Problem(
            422,
            "unknown-school",
            f"no school with code {request.school_code!r}: pick your school from the list",
            field="school_code",
        )
    # A school whose roster lists classes only takes its own classes.
    if row.has_roster and not row.has_class:
        raise Problem(
            422,
            "unknown-class",
            f"school {request.school_code} has no class {request.class_name!r} "
            f"in grade {request.grade}",
            field="class_name",
        )
    return str(row.district)


def _by_openid(connection: Connection, campaign_id: str, openid: str) -> Participant | None:
    parameters = {"campaign_id": campaign_id, "openid": openid}
    row = connection.execute(_BY_OPENID, parameters).first()
    return Participant(**row._mapping) if row is not None else None


def join(
    connection: Connection,
    campaigns: CampaignCache,
    campaign: Campaign,
    request: JoinRequest,
    now: datetime,
    openid: str | None = None,
) -> tuple[Participant, bool]:
    """Create the participant, or return the one this WeChat openid already has.

    Returns the participant and whether it was created. Commits."""
    spec = campaigns.spec(campaign)
    require_track(spec, request.track)
    if now > campaign.ends_at:
        raise Problem(409, "campaign-ended", "the campaign has closed")
    if openid is not None:
        existing = _by_openid(connection, campaign.id, openid)
        if existing is not None:
            return existing, False
    district = None
    if request.track is Track.student:
        district = _school_district(connection, request)
    participant = Participant(
        campaign_id=campaign.id,
        track=request.track.value,
        lang=request.lang.value,
        nickname=request.nickname,
        openid=openid,
        school_code=request.school_code,
        district=district,
        grade=request.grade,
        class_name=request.class_name,
        day=spec.local_day(now),
        created_at=now,
    )
    values = participant.model_dump(exclude={"id"})
    try:
        participant.id = connection.execute(_NEW_PARTICIPANT, values).scalar_one()
        connection.commit()
    except IntegrityError:  # the same openid joined concurrently
        connection.rollback()
        if openid is None:
            raise
        existing = _by_openid(connection, campaign.id, openid)
        if existing is None:
            raise
        return existing, False
    return participant, True
