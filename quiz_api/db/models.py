"""Database tables. Content (questions, campaigns) is imported from ``content/``; the rest is
written by participants. Denormalised columns (``day``, ``district``, ``school_code`` on
results) keep the reports and leaderboards single-table queries at city scale."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any, cast

from sqlalchemy import JSON, Column, Index, Table, UniqueConstraint, text
from sqlmodel import Field, SQLModel, col

from quiz_api.core.tracks import Track as Track  # re-exported: the tables' column type
from quiz_api.db.engine import UTCDateTime


class AttemptStatus(StrEnum):
    open = "open"
    submitted = "submitted"
    expired = "expired"


def _utc(**kwargs: Any) -> Any:
    return Field(sa_type=UTCDateTime, **kwargs)


def _json() -> Any:
    return Field(sa_column=Column(JSON, nullable=False))


class School(SQLModel, table=True):
    code: str = Field(primary_key=True, max_length=32)
    name: str = Field(max_length=200)
    district: str = Field(index=True, max_length=100)
    level: str = Field(max_length=16)  # primary | junior | senior (several: "junior,senior")


class SchoolClass(SQLModel, table=True):
    __tablename__ = "school_class"
    __table_args__ = (UniqueConstraint("school_code", "grade", "class_name"),)

    id: int | None = Field(default=None, primary_key=True)
    school_code: str = Field(foreign_key="school.code", index=True, max_length=32)
    grade: int
    class_name: str = Field(max_length=32)
    enrolled: int = 0


class QuestionVersion(SQLModel, table=True):
    """One version of a question. Versions are immutable: attempts point at them."""

    __tablename__ = "question_version"
    __table_args__ = (UniqueConstraint("question_id", "version"),)

    id: int | None = Field(default=None, primary_key=True)
    question_id: str = Field(index=True, max_length=64)
    version: int
    is_current: bool = Field(default=True, index=True)
    content_hash: str = Field(max_length=64)
    category: str = Field(max_length=32)
    difficulty: str = Field(max_length=16)
    type: str = Field(max_length=16)
    tracks: list[str] = _json()
    levels: list[str] = _json()
    body: dict[str, Any] = _json()  # stem, options, answer, explanation, source
    created_at: datetime = _utc()


class Campaign(SQLModel, table=True):
    id: str = Field(primary_key=True, max_length=64)
    version: int = 1
    content_hash: str = Field(max_length=64)
    name: dict[str, str] = _json()
    timezone: str = Field(max_length=64)
    starts_at: datetime = _utc()
    ends_at: datetime = _utc()
    config: dict[str, Any] = _json()  # the whole validated campaign file
    updated_at: datetime = _utc()


class Participant(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("campaign_id", "openid"),)

    id: int | None = Field(default=None, primary_key=True)
    campaign_id: str = Field(foreign_key="campaign.id", index=True, max_length=64)
    track: str = Field(max_length=16)
    lang: str = Field(max_length=8)
    nickname: str | None = Field(default=None, max_length=32)
    # WeChat openid for the official account, when the participant came through OAuth.
    openid: str | None = Field(default=None, max_length=128)
    school_code: str | None = Field(default=None, foreign_key="school.code", max_length=32)
    district: str | None = Field(default=None, max_length=100)
    grade: int | None = None
    class_name: str | None = Field(default=None, max_length=32)
    # Where the student came from: a school kit's link ("school_link", "class_link") or
    # none (found the school in the search); the school's report counts each.
    source: str | None = Field(default=None, max_length=16)
    day: str = Field(max_length=10)  # local date of joining, in the campaign's time zone
    created_at: datetime = _utc()
    # Made up by ``python -m quiz_api demo`` (a newcomer's dashboards show figures), and
    # removed with everything hanging off it by ``demo --remove``; never set by the API.
    demo: bool = Field(default=False, sa_column_kwargs={"server_default": text("false")})
    # A keyed, truncated hash of the address the participant joined from (never the address
    # itself: quiz_api.core.tokens.address_digest), for the integrity sweep's "many joins
    # from one address" signal; cleared when the campaign's retention ends.
    address_hash: str | None = Field(default=None, max_length=16)


Index("ix_participant_campaign_school", Participant.campaign_id, Participant.school_code)  # type: ignore[arg-type]
# The integrity sweep reads the joins of the last minutes.
Index("ix_participant_created", Participant.campaign_id, Participant.created_at)  # type: ignore[arg-type]
Index("ix_participant_campaign_day", Participant.campaign_id, Participant.track, Participant.day)


class Attempt(SQLModel, table=True):
    __table_args__ = (
        # attempt_no counts a participant's attempts: two concurrent starts cannot both win.
        UniqueConstraint("participant_id", "attempt_no"),
        # At most one open attempt per participant.
        Index(
            "uq_attempt_one_open",
            "participant_id",
            unique=True,
            sqlite_where=text("status = 'open'"),
            postgresql_where=text("status = 'open'"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    participant_id: int = Field(foreign_key="participant.id", index=True)
    campaign_id: str = Field(foreign_key="campaign.id", max_length=64)
    track: str = Field(max_length=16)
    attempt_no: int
    status: str = Field(default=AttemptStatus.open, max_length=16)
    lang: str = Field(max_length=8)
    started_at: datetime = _utc()
    deadline: datetime = _utc()
    day: str = Field(max_length=10)
    paper: dict[str, Any] = _json()  # {"items": [{"v": version id, "order": [..]}]}


Index("ix_attempt_campaign_day", Attempt.campaign_id, Attempt.track, Attempt.day)


class Result(SQLModel, table=True):
    """The scored submission of an attempt: its primary key makes a second one impossible."""

    attempt_id: int = Field(primary_key=True, foreign_key="attempt.id")
    participant_id: int = Field(foreign_key="participant.id", index=True)
    campaign_id: str = Field(max_length=64)
    track: str = Field(max_length=16)
    school_code: str | None = Field(default=None, max_length=32)
    district: str | None = Field(default=None, max_length=100)
    score: int
    max_score: int
    correct_count: int
    question_count: int
    duration_ms: int
    passed: bool
    late: bool = False
    submitted_at: datetime = _utc()
    day: str = Field(max_length=10)
    answers_hash: str = Field(max_length=64)
    answers: dict[str, Any] = _json()
    # The answers by the options' identity in the bank, as 16 hex digits
    # (services/answer_key.py): the sweep's same-answers signal groups by it. None: stored
    # before migration 0012, never compared.
    answer_key: str | None = Field(default=None, max_length=16)
    # Held for review (it broke a plausibility rule): off every board, rank and qualifier
    # list until a staff member clears it; a disqualified result stays held.
    held: bool = Field(default=False, sa_column_kwargs={"server_default": text("false")})


Index("ix_result_campaign_school", Result.campaign_id, Result.school_code)  # type: ignore[arg-type]
Index("ix_result_campaign_day", Result.campaign_id, Result.track, Result.day)
# The integrity sweep reads its window of results by submission time.
Index("ix_result_submitted", Result.campaign_id, Result.submitted_at)  # type: ignore[arg-type]
# The review list reads the few held results; a partial index keeps it small.
Index(
    "ix_result_held",
    Result.campaign_id,
    Result.submitted_at,  # type: ignore[arg-type]
    postgresql_where=text("held"),
    sqlite_where=text("held"),
)


class BestScore(SQLModel, table=True):
    """Each participant's best result: the leaderboards read this table only."""

    __tablename__ = "best_score"

    participant_id: int = Field(primary_key=True, foreign_key="participant.id")
    campaign_id: str = Field(max_length=64)
    track: str = Field(max_length=16)
    school_code: str | None = Field(default=None, max_length=32)
    district: str | None = Field(default=None, max_length=100)
    score: int
    duration_ms: int
    achieved_at: datetime = _utc()
    attempt_id: int


Index(
    "ix_best_rank",
    BestScore.campaign_id,
    BestScore.track,
    BestScore.score.desc(),  # type: ignore[attr-defined]
    BestScore.duration_ms,  # type: ignore[arg-type]
    BestScore.achieved_at,  # type: ignore[arg-type]
)
Index(
    "ix_best_rank_district",
    BestScore.campaign_id,
    BestScore.track,
    BestScore.district,  # type: ignore[arg-type]
    BestScore.score.desc(),  # type: ignore[attr-defined]
    BestScore.duration_ms,  # type: ignore[arg-type]
)
Index(
    "ix_best_rank_school",
    BestScore.campaign_id,
    BestScore.track,
    BestScore.school_code,  # type: ignore[arg-type]
    BestScore.score.desc(),  # type: ignore[attr-defined]
    BestScore.duration_ms,  # type: ignore[arg-type]
)


class ReviewDecision(SQLModel, table=True):
    """The audit trail of the review: who decided about a held result, when and why. Rows
    are only ever inserted; the unique attempt id makes a second decision impossible."""

    __tablename__ = "review_decision"

    id: int | None = Field(default=None, primary_key=True)
    attempt_id: int = Field(foreign_key="result.attempt_id", unique=True)
    decision: str = Field(max_length=16)  # "clear" or "disqualify"
    reason: str = Field(max_length=2000)
    staff_id: int = Field(foreign_key="staff_account.id")
    staff_username: str = Field(max_length=64)  # as it was when deciding
    staff_role: str = Field(max_length=16)
    decided_at: datetime = _utc()


class QualifierList(SQLModel, table=True):
    """A round's list of qualifiers, frozen after the round's close: read from here, the
    final list is the same on every call whatever happens later."""

    __tablename__ = "qualifier_list"

    campaign_id: str = Field(primary_key=True, max_length=64)
    track: str = Field(primary_key=True, max_length=16)
    round_id: str = Field(primary_key=True, max_length=64)
    frozen_at: datetime = _utc()
    rows: list[Any] = _json()


class IntegritySweep(SQLModel, table=True):
    """How far the integrity sweep (quiz_api.services.integrity) has looked at a campaign:
    every result submitted and every participant created before ``watermark`` has been
    checked against the further signals."""

    __tablename__ = "integrity_sweep"

    campaign_id: str = Field(primary_key=True, max_length=64)
    watermark: datetime = _utc()
    swept_at: datetime = _utc()
    held: int = 0  # results the sweep has held in this campaign, in all
    # When the campaign's address digests were cleared (its retention over); None: not yet.
    addresses_cleared_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class IntegrityFlag(SQLModel, table=True):
    """A participant the integrity sweep's class or address signal pointed at: their results
    are held, those submitted later too (the first signal is kept)."""

    __tablename__ = "integrity_flag"

    participant_id: int = Field(primary_key=True, foreign_key="participant.id")
    campaign_id: str = Field(max_length=64)
    signal: str = Field(max_length=40)
    flagged_at: datetime = _utc()


class PageVisit(SQLModel, table=True):
    """Visits per page and day, counted without any personal data (the VR exhibition's
    sections, posters' landing pages): an aggregate the organisers can read."""

    __tablename__ = "page_visit"

    page: str = Field(primary_key=True, max_length=120)
    day: str = Field(primary_key=True, max_length=10)
    count: int = 0


class StaffRole(StrEnum):
    school = "school"
    district = "district"
    city = "city"


class StaffAccount(SQLModel, table=True):
    """A school's, a district's or the city office's account for the reports. A school
    account has ``school_code``, a district account ``district``; a city account neither."""

    __tablename__ = "staff_account"

    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(max_length=64, unique=True)
    password_hash: str = Field(max_length=255)
    role: str = Field(max_length=16)
    school_code: str | None = Field(default=None, foreign_key="school.code", max_length=32)
    district: str | None = Field(default=None, max_length=100)
    active: bool = True
    created_at: datetime = _utc()
    # Signed into the account's tokens; raised when the account is disabled or its password
    # changes, which ends every token issued before at once (not when they expire).
    token_version: int = Field(default=0, sa_column_kwargs={"server_default": "0"})


class SurveyVersion(SQLModel, table=True):
    """One version of a survey from ``content/survey/``; responses point at the version
    they answered, like attempts point at question versions."""

    __tablename__ = "survey_version"
    __table_args__ = (UniqueConstraint("survey_id", "version"),)

    id: int | None = Field(default=None, primary_key=True)
    survey_id: str = Field(index=True, max_length=64)
    version: int
    is_current: bool = True
    content_hash: str = Field(max_length=64)
    body: dict[str, Any] = _json()  # the whole validated survey file
    created_at: datetime = _utc()


class SurveyResponse(SQLModel, table=True):
    """A participant's answer to a survey: the unique constraint makes a second impossible."""

    __tablename__ = "survey_response"
    __table_args__ = (UniqueConstraint("participant_id", "survey_id"),)

    id: int | None = Field(default=None, primary_key=True)
    survey_id: str = Field(max_length=64)
    survey_version_id: int = Field(foreign_key="survey_version.id")
    participant_id: int = Field(foreign_key="participant.id")
    campaign_id: str = Field(max_length=64)
    track: str = Field(max_length=16)
    school_code: str | None = Field(default=None, max_length=32)
    district: str | None = Field(default=None, max_length=100)
    lang: str = Field(max_length=8)
    comment: str | None = Field(default=None, max_length=2000)
    submitted_at: datetime = _utc()


class SurveyAnswer(SQLModel, table=True):
    """One scale answer (1-5) of a response, with the response's groups copied in so that
    the distributions are single-table counts."""

    __tablename__ = "survey_answer"

    response_id: int = Field(primary_key=True, foreign_key="survey_response.id")
    question_id: str = Field(primary_key=True, max_length=32)
    survey_id: str = Field(max_length=64)
    track: str = Field(max_length=16)
    school_code: str | None = Field(default=None, max_length=32)
    district: str | None = Field(default=None, max_length=100)
    value: int


Index("ix_survey_answer_survey", SurveyAnswer.survey_id, SurveyAnswer.question_id)

# The participation reports (services/reports.py) count registrations and finished attempts
# per school, class and day: these indexes answer them without reading the tables
# (index-only scans on PostgreSQL; the city report reads 2 million results in one pass).
Index(
    "ix_participant_report",
    Participant.campaign_id,
    Participant.school_code,  # type: ignore[arg-type]
    Participant.grade,  # type: ignore[arg-type]
    Participant.class_name,  # type: ignore[arg-type]
    Participant.day,
)
Index(
    "ix_result_report",
    Result.campaign_id,
    Result.school_code,  # type: ignore[arg-type]
    Result.day,
    postgresql_include=["score", "passed", "participant_id"],
)


# The Core tables of the quiz's hot path (join, start, submit), which skips the ORM: a
# request there is a few statements, each one round trip (see quiz_api.db.engine.hot_connection);
# and of the bulk statements elsewhere (the demo's removal, the analytics' sums).
def _table(model: type[SQLModel]) -> Table:
    return cast(Table, model.__table__)  # type: ignore[attr-defined]


PARTICIPANT = _table(Participant)
SCHOOL = _table(School)
SCHOOL_CLASS = _table(SchoolClass)
ATTEMPT = _table(Attempt)
RESULT = _table(Result)
BEST_SCORE = _table(BestScore)
REVIEW_DECISION = _table(ReviewDecision)
INTEGRITY_FLAG = _table(IntegrityFlag)
SURVEY_RESPONSE = _table(SurveyResponse)
SURVEY_ANSWER = _table(SurveyAnswer)


class QuestionStatCell(SQLModel, table=True):
    """The item statistics' sums of one cell of results (campaign, track, first attempts or
    all, district, language), kept by the background refresh of
    ``quiz_api.services.question_report``: the question analytics merge a few of these
    instead of reading 40 million answers. ``data`` holds the sums of
    ``quiz_api.services.analytics`` (per question and per paper)."""

    __tablename__ = "question_stat_cell"

    campaign_id: str = Field(primary_key=True, max_length=64)
    track: str = Field(primary_key=True, max_length=16)
    first_only: bool = Field(primary_key=True)
    district: str = Field(primary_key=True, max_length=100)  # "" for adults without one
    lang: str = Field(primary_key=True, max_length=8)
    attempts: int = 0
    data: dict[str, Any] = _json()


class QuestionStatState(SQLModel, table=True):
    """How far the cells of a campaign go: every analysed result submitted before
    ``watermark`` is in them; ``computed_at`` is when the last refresh finished. A result
    held or cleared bumps ``revision`` (``question_report.held_changed``): a refresh whose
    read began before stores nothing."""

    __tablename__ = "question_stat_state"

    campaign_id: str = Field(primary_key=True, max_length=64)
    watermark: datetime = _utc()
    computed_at: datetime = _utc()
    results: int = 0
    revision: int = Field(default=0, sa_column_kwargs={"server_default": text("0")})


QUESTION_STAT_CELL = _table(QuestionStatCell)
QUESTION_STAT_STATE = _table(QuestionStatState)


class DailyAnswer(SQLModel, table=True):
    """A participant's answer to the daily question of one day (docs/api.md, daily question).
    One row per participant and day: the unique constraint, not a read before the write,
    makes a second answer (or two at once) keep the first."""

    __tablename__ = "daily_answer"
    __table_args__ = (UniqueConstraint("participant_id", "day"),)

    id: int | None = Field(default=None, primary_key=True)
    participant_id: int = Field(foreign_key="participant.id")
    day: str = Field(max_length=10)  # local date in the daily question's time zone
    audience: str = Field(max_length=16)  # adult | primary | secondary: who shares a question
    question_version_id: int = Field(foreign_key="question_version.id")
    choices: list[int] = _json()
    correct: bool
    # Denormalised from the participant, so that the staff reports stay one-table queries.
    district: str | None = Field(default=None, max_length=100)
    school_code: str | None = Field(default=None, max_length=32)
    answered_at: datetime = _utc()


# The day's share of correct answers per audience, and the staff report per day, group and
# district or school: both read this index alone (migration 0009).
Index(
    "ix_daily_answer_day",
    col(DailyAnswer.day),
    col(DailyAnswer.audience),
    col(DailyAnswer.district),
    col(DailyAnswer.school_code),
    col(DailyAnswer.correct),
)
DAILY_ANSWER = _table(DailyAnswer)
