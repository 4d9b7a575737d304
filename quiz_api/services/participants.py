"""Joining a track."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from quiz_api.models import Campaign, Participant, School, SchoolClass, Track
from quiz_api.problems import Problem
from quiz_api.schemas import JoinRequest
from quiz_api.services.campaigns import campaign_spec, require_track


def _check_school(session: Session, request: JoinRequest) -> School:
    assert request.school_code is not None
    school = session.get(School, request.school_code)
    if school is None:
        raise Problem(
            422,
            "unknown-school",
            f"no school with code {request.school_code!r}: pick your school from the list",
            field="school_code",
        )
    classes = session.exec(
        select(SchoolClass.grade, SchoolClass.class_name).where(
            SchoolClass.school_code == school.code
        )
    ).all()
    # A school whose roster lists classes only takes its own classes.
    if classes and (request.grade, request.class_name) not in set(classes):
        raise Problem(
            422,
            "unknown-class",
            f"school {school.code} has no class {request.class_name!r} in grade {request.grade}",
            field="class_name",
        )
    return school


def join(
    session: Session,
    campaign: Campaign,
    request: JoinRequest,
    now: datetime,
    openid: str | None = None,
) -> tuple[Participant, bool]:
    """Create the participant, or return the one this WeChat openid already has.

    Returns the participant and whether it was created. Commits."""
    spec = campaign_spec(campaign)
    require_track(spec, request.track)
    if now > campaign.ends_at:
        raise Problem(409, "campaign-ended", "the campaign has closed")
    if openid is not None:
        existing = session.exec(
            select(Participant).where(
                Participant.campaign_id == campaign.id, Participant.openid == openid
            )
        ).first()
        if existing is not None:
            return existing, False
    district = None
    if request.track is Track.student:
        district = _check_school(session, request).district
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
    session.add(participant)
    try:
        session.commit()
    except IntegrityError:  # the same openid joined concurrently
        session.rollback()
        if openid is None:
            raise
        existing = session.exec(
            select(Participant).where(
                Participant.campaign_id == campaign.id, Participant.openid == openid
            )
        ).one()
        return existing, False
    return participant, True
