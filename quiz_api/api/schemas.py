"""Request and response bodies of the public API (the contract of docs/api.md)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator
from pydantic.config import JsonDict
from typing_extensions import TypedDict

from quiz_api.core.languages import Lang
from quiz_api.core.tokens import participant_token
from quiz_api.db.models import Participant, Track
from quiz_api.services.participants import JoinSource, Newcomer

# No control characters in any text from clients (PostgreSQL refuses NUL in text columns).
PRINTABLE = r"^[^\x00-\x1f\x7f]*$"

# Stripped, then at least one character: the patterns ask for one that is not a space, so
# that the schema, too, says a value of spaces only is refused.
Nickname = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True,
        min_length=1,
        max_length=20,
        pattern=r"^[^\x00-\x1f\x7f<>]*[^\s\x00-\x1f\x7f<>][^\x00-\x1f\x7f<>]*$",
    ),
]
Code = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True,
        min_length=1,
        max_length=32,
        pattern=r"^[^\x00-\x1f\x7f]*[^\s\x00-\x1f\x7f][^\x00-\x1f\x7f]*$",
    ),
]


_STUDENT_FIELDS = ("school_code", "grade", "class_name", "nickname")


def _student_rule(schema: JsonDict) -> None:
    """The rule of ``JoinRequest._student_fields`` in its JSON schema (if/then/else), so
    that clients, and the schema's fuzzer, know which bodies are valid."""
    schema["if"] = {"properties": {"track": {"const": Track.student.value}}}
    schema["then"] = {
        "required": list(_STUDENT_FIELDS),
        "properties": {name: {"not": {"type": "null"}} for name in _STUDENT_FIELDS},
    }
    only_students = (*_STUDENT_FIELDS[:3], "source")
    schema["else"] = {"properties": {name: {"type": "null"} for name in only_students}}


class JoinRequest(BaseModel):
    """Joining a track. Students give school, grade, class and a nickname, nothing more:
    no real name, ID number or phone number is ever asked for (unknown fields are refused)."""

    model_config = ConfigDict(extra="forbid", json_schema_extra=_student_rule)

    track: Track
    lang: Lang = Lang.zh
    campaign: Code | None = None
    nickname: Nickname | None = None
    school_code: Code | None = None
    grade: Annotated[int, Field(ge=1, le=12)] | None = None
    class_name: Code | None = None
    # The school kit's link the student came through (the quiz page passes it on).
    source: JoinSource | None = None

    @model_validator(mode="after")
    def _student_fields(self) -> JoinRequest:
        if self.track is Track.student:
            missing = [name for name in _STUDENT_FIELDS if getattr(self, name) is None]
            if missing:
                raise ValueError(f"the student track needs: {', '.join(missing)}")
        elif self.school_code or self.grade or self.class_name or self.source:
            raise ValueError(
                "school_code, grade, class_name and source are for the student track only"
            )
        return self

    def newcomer(self) -> Newcomer:
        return Newcomer(
            self.track,
            self.lang,
            self.nickname,
            self.school_code,
            self.grade,
            self.class_name,
            self.source,
        )


class ParticipantOut(BaseModel):
    participant_id: int
    campaign: str
    track: Track
    lang: Lang
    nickname: str | None
    school_code: str | None
    grade: int | None
    class_name: str | None

    @classmethod
    def of(cls, participant: Participant) -> ParticipantOut:
        assert participant.id is not None
        return cls(
            participant_id=participant.id,
            campaign=participant.campaign_id,
            track=participant.track,
            lang=participant.lang,
            nickname=participant.nickname,
            school_code=participant.school_code,
            grade=participant.grade,
            class_name=participant.class_name,
        )


class JoinResponse(ParticipantOut):
    token: str
    token_type: Literal["bearer"] = "bearer"

    @classmethod
    def of_joined(cls, participant: Participant, secret: str) -> JoinResponse:
        """The participant with the bearer token that names them."""
        assert participant.id is not None
        token = participant_token(secret, participant.id)
        return cls(**ParticipantOut.of(participant).model_dump(), token=token)


class StartAttemptRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")


# The items of a paper and of a result's review are TypedDicts, not models: a response
# carries twenty questions and a hundred options, which as plain dicts cost a fraction of
# the time to build (the hot path, docs/benchmarks.md); the schema is the same.
class OptionOut(TypedDict):
    id: str
    text: str


class PaperQuestion(TypedDict):
    id: str
    number: int
    type: Literal["single", "multiple", "true_false"]
    category: str
    points: int
    stem: str
    options: list[OptionOut]


class AttemptOut(BaseModel):
    attempt_id: int
    campaign: str
    track: Track
    lang: Lang
    attempt_no: int
    status: Literal["open", "submitted", "expired"]
    started_at: datetime
    deadline: datetime
    server_time: datetime
    time_limit_seconds: int
    max_score: int
    questions: list[PaperQuestion]


class AnswerIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    question_id: Annotated[str, StringConstraints(max_length=8, pattern=PRINTABLE)]
    choices: Annotated[
        list[Annotated[str, StringConstraints(max_length=2, pattern=PRINTABLE)]],
        Field(max_length=6),
    ]


class SubmitRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    answers: Annotated[list[AnswerIn], Field(max_length=100)]


class ReviewItem(TypedDict):
    question_id: str
    number: int
    type: str
    stem: str
    options: list[OptionOut]
    your_choices: list[str]
    correct_choices: list[str]
    correct: bool
    points: int
    explanation: str
    source: str


class ResultOut(BaseModel):
    attempt_id: int
    campaign: str
    track: Track
    score: int
    max_score: int
    correct_count: int
    question_count: int
    duration_ms: int
    passed: bool
    pass_mark: int
    late: bool
    submitted_at: datetime
    rank: int | None = None
    # Held for review: no rank, off the boards until cleared; ``notice`` says so in the
    # participant's language.
    held: bool = False
    notice: str | None = None
    review: list[ReviewItem]


class LeaderboardEntry(BaseModel):
    rank: int
    nickname: str | None
    score: int
    duration_ms: int


class MyRank(BaseModel):
    rank: int
    score: int
    duration_ms: int


class LeaderboardOut(BaseModel):
    campaign: str
    track: Track
    scope: Literal["city", "district", "school"]
    code: str | None
    total: int
    entries: list[LeaderboardEntry]
    me: MyRank | None


class TrackStats(BaseModel):
    participants: int
    attempts: int
    finished: int


class DayStats(TrackStats):
    day: str
    track: Track


class DailyShareOut(BaseModel):
    answers: int
    correct_share: float | None


class DailyStatsOut(DailyShareOut):
    date: str
    by_audience: dict[str, DailyShareOut]  # adult, primary, secondary


class StatsOut(BaseModel):
    campaign: str
    participants: int
    attempts: int
    finished: int
    by_track: dict[str, TrackStats]
    by_day: list[DayStats]
    daily: DailyStatsOut | None = None  # today's daily question; null without one


class HealthOut(BaseModel):
    status: Literal["ok", "unavailable"]
    database: Literal["ok", "unreachable"]


# --- the daily question (quiz_api/api/routes/daily.py) ---------------------------------------


class DailyQuestionOut(BaseModel):
    id: str
    type: Literal["single", "multiple", "true_false"]
    category: str
    stem: str
    options: list[OptionOut]


class StreakOut(BaseModel):
    current: int
    best: int


class DailyResultOut(BaseModel):
    date: str
    correct: bool
    choices: list[str]
    correct_choices: list[str]
    explanation: str
    source: str
    answers: int  # answers to the day's question so far (the caller's included)
    correct_share: float | None  # of those answers, the share that was right
    streak: StreakOut


class DailyAnswerOut(DailyResultOut):
    # Only when the answer created the participant (a visitor without a token): keep it.
    token: str | None = None


class DailyOut(BaseModel):
    date: str
    track: Track
    level: Literal["primary", "secondary"] | None
    lang: Lang
    question: DailyQuestionOut
    # With a participant's token only (the response is then private):
    answered: bool | None = None
    result: DailyResultOut | None = None
    streak: StreakOut | None = None


class DailyAnswerIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    # Option ids; which exist depends on the day's question (a 422 names the others).
    choices: Annotated[
        list[Annotated[str, StringConstraints(pattern=r"^[A-Z]$")]],
        Field(min_length=1, max_length=6),
    ]
    # A visitor without a token becomes an adult participant; a nickname is optional.
    nickname: Nickname | None = None
    lang: Lang | None = None


class DailyArchiveDay(BaseModel):
    date: str
    question: DailyQuestionOut
    correct_choices: list[str]
    explanation: str
    source: str
    answers: int
    correct_share: float | None


class DailyArchiveOut(BaseModel):
    track: Track
    level: Literal["primary", "secondary"] | None
    lang: Lang
    days: list[DailyArchiveDay]


# --- the daily question's staff report (quiz_api/api/routes/daily_report.py) ------------------


class DailyFigureOut(BaseModel):
    # Both null with ``fewer_than`` set: a group under the report's ``min_group`` people
    # (below the city's own figures), not shown.
    answers: int | None
    correct_share: float | None
    fewer_than: int | None = None


class DailyLineOut(DailyFigureOut):
    date: str | None  # null in a unit's ``totals`` (the whole period)
    by_audience: dict[str, DailyFigureOut]  # adult, primary, secondary


class DailyUnitOut(BaseModel):
    level: Literal["city", "district", "school"]
    district: str | None
    district_code: str | None
    school_code: str | None
    school_name: str | None
    totals: DailyLineOut
    days: list[DailyLineOut]


class DailyReportOut(DailyUnitOut):
    model_config = ConfigDict(populate_by_name=True)

    from_: str = Field(alias="from")
    to: str
    timezone: str
    min_group: int
    districts: list[DailyUnitOut] | None = None  # the city's: one per district


class LiveOut(BaseModel):
    status: Literal["ok"]


class ReadyChecks(BaseModel):
    database: Literal["ok", "unreachable"]
    # Redis is optional: "not-configured" without QUIZ_REDIS_URL; "unreachable" is reported
    # but does not make the worker unready (it counts on its own meanwhile).
    redis: Literal["ok", "unreachable", "not-configured"]


class ReadyOut(BaseModel):
    status: Literal["ok", "unavailable"]
    checks: ReadyChecks
