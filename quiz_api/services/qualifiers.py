"""A round's qualifiers: who goes on from the preliminary round, by the rule of the campaign
file. Provisional while the round is open; at its close the list is frozen (stored once,
then read back: the same on every call, whatever is submitted or decided later)."""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, Literal

from sqlalchemy import func
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from quiz_api.content.bank import QualifyRule, RoundSpec
from quiz_api.core.errors import DomainError, ProblemType
from quiz_api.db.models import (
    Campaign,
    Participant,
    QualifierList,
    Result,
    ReviewDecision,
    School,
    Track,
)
from quiz_api.services.caches import ContentCaches
from quiz_api.services.integrity import sweep, swept_through
from quiz_api.services.scope import Area, StaffScope

if TYPE_CHECKING:
    from quiz_api.integrations.ranks import RankIndex

State = Literal["provisional", "final"]


@dataclass(frozen=True)
class Qualifier:
    """One qualifier: no more than the platform holds of a participant (no names, no ID
    or phone numbers: the school knows its students by class and nickname)."""

    rank: int  # in its group: the district, the school, or the city (by the rule)
    group: str | None  # the group's district name or school code; None for the city
    district: str | None
    school_code: str | None
    school_name: str | None
    grade: int | None
    class_name: str | None
    nickname: str | None
    score: int
    duration_ms: int
    achieved_at: str  # ISO 8601, when the best result was submitted
    attempt_id: int


@dataclass(frozen=True)
class Qualifiers:
    campaign_id: str
    campaign_name: dict[str, str]
    track: str
    round: RoundSpec
    rule: str  # the rule in words, for the header of a notice
    state: State
    frozen_at: datetime | None
    pending_reviews: int  # held results of the round still undecided (blocks the freeze)
    rows: list[Qualifier]


def _group(rule: QualifyRule, district: str | None, school_code: str | None) -> str | None:
    if rule.top_per_district is not None:
        return district
    if rule.top_per_school is not None:
        return school_code
    return None


def select_qualifiers(rule: QualifyRule, candidates: list[dict[str, Any]]) -> list[Qualifier]:
    """Walk the candidates in the boards' order (each participant's best of the round) and
    keep those the rule lets through: a minimum score, then at most N per district and at
    most N per school (with both, a school's quota leaves room for the next in line)."""
    per_district: Counter[str | None] = Counter()
    per_school: Counter[str | None] = Counter()
    in_group: Counter[str | None] = Counter()
    chosen = []
    for row in candidates:
        if rule.min_score is not None and row["score"] < rule.min_score:
            break  # in score order: nobody after reaches it either
        district, school = row["district"], row["school_code"]
        if rule.top_per_district is not None and per_district[district] >= rule.top_per_district:
            continue
        if rule.top_per_school is not None and per_school[school] >= rule.top_per_school:
            continue
        per_district[district] += 1
        per_school[school] += 1
        group = _group(rule, district, school)
        in_group[group] += 1
        chosen.append(Qualifier(rank=in_group[group], group=group, **row))
    return chosen


def _candidates(session: Session, campaign_id: str, track: str, round_: RoundSpec) -> list[Any]:
    """Each participant's best result of the round (not held), in the boards' order: score,
    then time, then who got there first."""
    order = (
        col(Result.score).desc(),
        col(Result.duration_ms),
        col(Result.submitted_at),
        col(Result.attempt_id),
    )
    ranked = (
        select(
            Result.attempt_id,
            Result.participant_id,
            func.row_number()
            .over(partition_by=col(Result.participant_id), order_by=order)
            .label("nth"),
        )
        .where(
            col(Result.campaign_id) == campaign_id,
            col(Result.track) == track,
            col(Result.submitted_at) >= round_.opens_at,
            col(Result.submitted_at) <= round_.closes_at,
            col(Result.held).is_(False),
        )
        .subquery()
    )
    rows = session.exec(
        select(Result, Participant, School.name)
        .join(ranked, col(ranked.c.attempt_id) == col(Result.attempt_id))
        .join(Participant, col(Participant.id) == col(Result.participant_id))
        .outerjoin(School, col(School.code) == col(Result.school_code))
        .where(ranked.c.nth == 1)
        .order_by(*order, col(Result.participant_id))
    ).all()
    return [
        {
            "district": result.district,
            "school_code": result.school_code,
            "school_name": school_name,
            "grade": participant.grade,
            "class_name": participant.class_name,
            "nickname": participant.nickname,
            "score": result.score,
            "duration_ms": result.duration_ms,
            "achieved_at": result.submitted_at.isoformat(),
            "attempt_id": result.attempt_id,
        }
        for result, participant, school_name in rows
    ]


def _pending(session: Session, campaign_id: str, track: str, round_: RoundSpec) -> int:
    return session.exec(
        select(func.count())
        .select_from(Result)
        .outerjoin(ReviewDecision, col(ReviewDecision.attempt_id) == col(Result.attempt_id))
        .where(
            col(Result.campaign_id) == campaign_id,
            col(Result.track) == track,
            col(Result.submitted_at) >= round_.opens_at,
            col(Result.submitted_at) <= round_.closes_at,
            col(Result.held),
            col(ReviewDecision.id).is_(None),
        )
    ).one()


def qualifiers(
    session: Session,
    content: ContentCaches,
    campaign: Campaign,
    track: Track,
    now: datetime,
    scope: StaffScope,
    district: str | None = None,
    school_code: str | None = None,
    round_id: str | None = None,
    ranks: RankIndex | None = None,
) -> Qualifiers:
    """The round's qualifiers in the account's scope, narrowed to a district or a school
    if asked (ranks are counted over each whole group, then the rows outside left out). Before the close: provisional. After it, the
    list is frozen on the first call that finds no review of the round pending and the
    integrity sweep past the close (it sweeps first when it is not), and read back from then
    on. Commits when it freezes."""
    rules = content.campaigns.spec(campaign).tracks.get(track)
    round_ = rules.round(round_id) if rules is not None else None
    if rules is None or round_ is None:
        raise DomainError(
            ProblemType.no_round,
            f"the {track.value} track of {campaign.id} has no round {round_id or ''}".rstrip(),
        )
    if district is not None and not scope.may_read_district(district):
        raise DomainError(ProblemType.outside_scope, "this account may not read that district")
    if school_code is not None and scope.school_code not in (None, school_code):
        raise DomainError(ProblemType.outside_scope, "this account may not read that school")
    asked = Area(district, school_code)
    key = (campaign.id, track.value, round_.id)
    frozen = session.get(QualifierList, key)
    pending = 0
    swept = frozen is not None
    if frozen is None and now > round_.closes_at:
        # The list freezes only once the integrity sweep has looked at every result of
        # the round: sweep first (a few seconds after the close, the last ones settle).
        through = swept_through(session, campaign.id)
        if through is None or through < round_.closes_at:
            through = sweep(session, content, now, ranks, campaign.id).swept.get(campaign.id)
        swept = through is not None and through >= round_.closes_at
    if frozen is not None:
        rows = [Qualifier(**row) for row in frozen.rows]
    else:
        rows = select_qualifiers(
            round_.qualify, _candidates(session, campaign.id, track.value, round_)
        )
        pending = _pending(session, campaign.id, track.value, round_)
        if now > round_.closes_at and pending == 0 and swept:
            frozen = QualifierList(
                campaign_id=campaign.id,
                track=track.value,
                round_id=round_.id,
                frozen_at=now,
                rows=[asdict(row) for row in rows],
            )
            session.add(frozen)
            try:
                session.commit()
            except IntegrityError:  # another request froze it first: theirs stands
                session.rollback()
                return qualifiers(
                    session,
                    content,
                    campaign,
                    track,
                    now,
                    scope,
                    district,
                    school_code,
                    round_.id,
                    ranks,
                )
    return Qualifiers(
        campaign_id=campaign.id,
        campaign_name=campaign.name,
        track=track.value,
        round=round_,
        rule=round_.qualify.describe(),
        state="final" if frozen is not None else "provisional",
        frozen_at=frozen.frozen_at if frozen is not None else None,
        pending_reviews=pending,
        rows=[
            row
            for row in rows
            if scope.area.contains(row.district, row.school_code)
            and asked.contains(row.district, row.school_code)
        ],
    )


QUALIFIER_COLUMNS = (
    "rank",
    "district",
    "school_code",
    "school_name",
    "grade",
    "class_name",
    "nickname",
    "score",
    "duration_ms",
    "achieved_at",
    "attempt_id",
)
Table = tuple[tuple[str, ...], list[list[Any]]]


def notice_tables(found: Qualifiers, lang: str) -> tuple[Table, Table]:
    """What a published notice is made of: a header (the campaign's title in ``lang``, the
    round, its rule and whether the list is final) and the qualifiers' rows."""
    header: list[list[Any]] = [
        ["campaign", found.campaign_name.get(lang) or found.campaign_id],
        ["track", found.track],
        ["round", found.round.id],
        ["window", f"{found.round.opens_at.isoformat()} – {found.round.closes_at.isoformat()}"],
        ["rule", found.rule],
        ["state", found.state],
        ["frozen_at", found.frozen_at.isoformat() if found.frozen_at else ""],
    ]
    rows = [[getattr(row, c) for c in QUALIFIER_COLUMNS] for row in found.rows]
    return (("item", "value"), header), (QUALIFIER_COLUMNS, rows)
