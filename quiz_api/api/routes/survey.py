"""The satisfaction survey: the questions (participants), the one response per participant,
and the survey reports (staff)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, status
from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from quiz_api.api.deps import (
    OPTIONAL_TOKEN,
    ContentDep,
    CurrentParticipant,
    CurrentScope,
    NowDep,
    OptionalParticipant,
    SessionDep,
)
from quiz_api.api.downloads import DOWNLOADS, Format, FormatQ, LangQ, download
from quiz_api.api.problems import problem_responses
from quiz_api.core.languages import Lang
from quiz_api.services import survey
from quiz_api.services.survey import GroupBy

router = APIRouter(tags=["survey"])

SurveyQ = Annotated[
    str | None, Query(alias="survey", max_length=64, description="default: the current survey")
]


class ScaleOption(BaseModel):
    value: int
    label: str


class QuestionOut(BaseModel):
    id: str
    type: Literal["scale", "text"]
    text: str
    options: list[ScaleOption] | None = None
    max_length: int | None = None


class SurveyOut(BaseModel):
    survey: str
    version: int
    lang: Lang
    title: str
    intro: str
    questions: list[QuestionOut]
    # With a participant token: whether the survey can be answered now, and whether it was.
    eligible: bool | None = None
    answered: bool | None = None


class ResponseIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    survey: Annotated[str, StringConstraints(max_length=64)] | None = None
    answers: Annotated[
        dict[Annotated[str, StringConstraints(max_length=32)], int], Field(max_length=50)
    ] = {}
    comment: Annotated[str, StringConstraints(max_length=2000)] | None = None


class ResponseOut(BaseModel):
    survey: str
    version: int
    answered: int


@router.get(
    "/survey",
    response_model=SurveyOut,
    responses=problem_responses(401, 404, 422),
    openapi_extra=OPTIONAL_TOKEN,
    summary="The satisfaction survey in the participant's language",
)
def get_survey(
    session: SessionDep,
    content: ContentDep,
    participant: OptionalParticipant,
    survey_id: Annotated[str | None, Query(alias="survey", max_length=64)] = None,
    lang: Annotated[Lang | None, Query(description="default: the participant's language")] = None,
) -> SurveyOut:
    version, spec = survey.current_survey(session, content.surveys, survey_id)
    language = lang or (Lang(participant.lang) if participant else Lang.zh)
    questions = []
    for q in spec.questions:
        if q.type == "scale":
            assert q.scale is not None
            options = [
                ScaleOption(value=n, label=label.get(language.value))
                for n, label in enumerate(spec.scales[q.scale], start=1)
            ]
            questions.append(
                QuestionOut(id=q.id, type="scale", text=q.text.get(language.value), options=options)
            )
        else:
            questions.append(
                QuestionOut(
                    id=q.id, type="text", text=q.text.get(language.value), max_length=q.max_length
                )
            )
    out = SurveyOut(
        survey=spec.id,
        version=version.version,
        lang=language,
        title=spec.title.get(language.value),
        intro=spec.intro.get(language.value),
        questions=questions,
    )
    if participant is not None and participant.id is not None:
        out.answered = survey.has_answered(session, participant.id, spec.id)
        out.eligible = not out.answered and survey.has_finished_attempt(session, participant.id)
    return out


@router.post(
    "/survey/responses",
    status_code=status.HTTP_201_CREATED,
    response_model=ResponseOut,
    responses=problem_responses(400, 401, 404, 409, 422),
    summary="Answer the survey once, after a finished attempt (skipping it is fine)",
)
def post_response(
    body: ResponseIn,
    session: SessionDep,
    content: ContentDep,
    participant: CurrentParticipant,
    now: NowDep,
) -> ResponseOut:
    response = survey.submit(
        session, content.surveys, participant, body.survey, body.answers, body.comment, now
    )
    version, _ = survey.current_survey(session, content.surveys, response.survey_id)
    return ResponseOut(
        survey=response.survey_id, version=version.version, answered=len(body.answers)
    )


class GroupOut(BaseModel):
    key: str | None
    n: int
    distribution: list[int]
    satisfied: int
    satisfaction_rate: float | None
    ci_low: float | None
    ci_high: float | None


class QuestionReportOut(BaseModel):
    question_id: str
    text: str
    labels: list[str]
    groups: list[GroupOut]
    hidden_groups: int
    hidden_answers: int


class SurveyReportOut(BaseModel):
    survey: str
    by: GroupBy
    min_group: int
    confidence: float
    questions: list[QuestionReportOut]


class CommentOut(BaseModel):
    day: str
    track: str
    district: str | None
    lang: str
    text: str


class CommentsOut(BaseModel):
    survey: str
    total: int
    comments: list[CommentOut]


def _group(g: survey.Group) -> GroupOut:
    interval = g.interval
    return GroupOut(
        key=g.key,
        n=g.n,
        distribution=g.distribution,
        satisfied=g.satisfied,
        satisfaction_rate=g.rate,
        ci_low=interval[0] if interval else None,
        ci_high=interval[1] if interval else None,
    )


@router.get(
    "/reports/survey",
    response_model=SurveyReportOut,
    responses={**problem_responses(401, 403, 404, 422), **DOWNLOADS},
    summary="Survey distributions and satisfaction rates with 95 % Wilson intervals",
    tags=["reports"],
)
def survey_report(
    session: SessionDep,
    content: ContentDep,
    scope: CurrentScope,
    survey_id: SurveyQ = None,
    by: Annotated[GroupBy, Query(description="overall, track, district or school")] = "overall",
    fmt: FormatQ = Format.json,
    lang: LangQ = Lang.zh,
) -> Any:
    spec, questions = survey.survey_report(
        session, content.surveys, scope, survey_id, by, lang.value
    )
    out = SurveyReportOut(
        survey=spec.id,
        by=by,
        min_group=survey.MIN_GROUP,
        confidence=0.95,
        questions=[
            QuestionReportOut(
                question_id=q.question_id,
                text=q.text,
                labels=q.labels,
                groups=[_group(g) for g in q.groups],
                hidden_groups=q.hidden_groups,
                hidden_answers=q.hidden_answers,
            )
            for q in questions
        ],
    )
    if fmt is Format.json:
        return out
    columns = (
        "question",
        "group",
        "n",
        "answer_1",
        "answer_2",
        "answer_3",
        "answer_4",
        "answer_5",
        "satisfaction_rate",
        "ci_low",
        "ci_high",
    )
    rows = [
        [q.question_id, g.key or by, g.n, *g.distribution, g.satisfaction_rate, g.ci_low, g.ci_high]
        for q in out.questions
        for g in q.groups
    ]
    return download([("units", (columns, rows))], fmt, lang, f"survey-{spec.id}-{by}")


@router.get(
    "/reports/survey/comments",
    response_model=CommentsOut,
    responses=problem_responses(401, 403, 404, 422),
    summary="Free-text answers (city staff only)",
    tags=["reports"],
)
def survey_comments(
    session: SessionDep,
    content: ContentDep,
    scope: CurrentScope,
    survey_id: SurveyQ = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> CommentsOut:
    total, comments = survey.survey_comments(
        session, content.surveys, scope, survey_id, limit, offset
    )
    _, spec = survey.current_survey(session, content.surveys, survey_id)
    return CommentsOut(
        survey=spec.id, total=total, comments=[CommentOut(**vars(c)) for c in comments]
    )
