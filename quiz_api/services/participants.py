"""Joining a track: one statement for an adult, two for a student (the school's roster)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy import bindparam, exists, insert, select
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from quiz_api.core.errors import DomainError, ProblemType
from quiz_api.core.languages import Lang
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
_EXISTS = select(PARTICIPANT.c.id).where(PARTICIPANT.c.id == bindparam("participant_id"))


def unknown_participant() -> DomainError:
    """A genuine token whose participant no longer exists, or a forged one."""
    return DomainError(ProblemType.invalid_token, "the token is not valid: join again")


def participant_exists(connection: Connection, participant_id: int) -> bool:
    return connection.execute(_EXISTS, {"participant_id": participant_id}).first() is not None


def get_participant(session: Session, participant_id: int) -> Participant:
    """The participant a genuine token names; ``invalid-token`` when they are gone."""
    participant = session.get(Participant, participant_id)
    if participant is None:
        raise unknown_participant()
    return participant


def _school_district(
    connection: Connection, school_code: str | None, grade: int | None, class_name: str | None
) -> str:
    """The district of the student's school, after checking the school and its class."""
    parameters = {"school_code": school_code, "grade": grade, "class_name": class_name}
    row = connection.execute(_SCHOOL, parameters).first()
    if row is None:
        raise DomainError(
            ProblemType.unknown_school,
            f"no school with code {school_code!r}: pick your school from the list",
            field="school_code",
        )
    # A school whose roster lists classes only takes its own classes.
    if row.has_roster and not row.has_class:
        raise DomainError(
            ProblemType.unknown_class,
            f"school {school_code} has no class {class_name!r} in grade {grade}",
            field="class_name",
        )
    return str(row.district)


def by_openid(connection: Connection, campaign_id: str, openid: str) -> Participant | None:
    """The participant this WeChat user already is in the campaign, if any."""
    parameters = {"campaign_id": campaign_id, "openid": openid}
    row = connection.execute(_BY_OPENID, parameters).first()
    return Participant(**row._mapping) if row is not None else None


class JoinSource(StrEnum):
    """The school kit's link a student followed to join (none: the school search)."""

    school_link = "school_link"
    class_link = "class_link"


@dataclass(frozen=True)
class Newcomer:
    """Who joins a track: students name their school, grade and class (checked against the
    roster), adults nothing but a language and perhaps a nickname."""

    track: Track
    lang: Lang
    nickname: str | None = None
    school_code: str | None = None
    grade: int | None = None
    class_name: str | None = None
    source: JoinSource | None = None
    demo: bool = False  # made up by ``python -m quiz_api demo``; never from a request


def join(
    connection: Connection,
    campaigns: CampaignCache,
    campaign: Campaign,
    newcomer: Newcomer,
    now: datetime,
    openid: str | None = None,
    address_hash: str | None = None,
) -> tuple[Participant, bool]:
    """Create the participant, or return the one this WeChat openid already has.
    ``address_hash`` is the keyed digest of the client's address (never the address:
    ``quiz_api.core.tokens.address_digest``), for the integrity sweep.

    Returns the participant and whether it was created. Commits."""
    spec = campaigns.spec(campaign)
    require_track(spec, newcomer.track)
    if now > campaign.ends_at:
        raise DomainError(ProblemType.campaign_ended, "the campaign has closed")
    if openid is not None:
        existing = by_openid(connection, campaign.id, openid)
        if existing is not None:
            return existing, False
    district = None
    if newcomer.track is Track.student:
        district = _school_district(
            connection, newcomer.school_code, newcomer.grade, newcomer.class_name
        )
    participant = Participant(
        campaign_id=campaign.id,
        track=newcomer.track.value,
        lang=newcomer.lang.value,
        nickname=newcomer.nickname,
        openid=openid,
        school_code=newcomer.school_code,
        district=district,
        grade=newcomer.grade,
        class_name=newcomer.class_name,
        source=newcomer.source.value if newcomer.source else None,
        day=spec.local_day(now),
        created_at=now,
        demo=newcomer.demo,
        address_hash=address_hash,
    )
    values = participant.model_dump(exclude={"id"})
    try:
        participant.id = connection.execute(_NEW_PARTICIPANT, values).scalar_one()
        connection.commit()
    except IntegrityError:  # the same openid joined concurrently
        connection.rollback()
        if openid is None:
            raise
        existing = by_openid(connection, campaign.id, openid)
        if existing is None:
            raise
        return existing, False
    return participant, True
