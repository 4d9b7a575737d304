"""The daily question (每日一问): today's question of a group, answering it, the archive and
the share card. The anonymous read is the same for everyone and cacheable by any proxy;
with a participant's token it adds their answer and streak and is private."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Path, Query, Response

from quiz_api.api.deps import (
    OPTIONAL_TOKEN,
    ContentDep,
    DailySpecDep,
    NowDep,
    OptionalParticipant,
    SessionDep,
    SettingsDep,
)
from quiz_api.api.problems import problem_responses
from quiz_api.api.schemas import (
    DailyAnswerIn,
    DailyAnswerOut,
    DailyArchiveDay,
    DailyArchiveOut,
    DailyOut,
    DailyQuestionOut,
    DailyResultOut,
    OptionOut,
    StreakOut,
)
from quiz_api.content.bank import Level
from quiz_api.core.config import normalise_site_url
from quiz_api.core.errors import DomainError, ProblemType
from quiz_api.core.languages import DEFAULT_LANG, Lang, url_prefix
from quiz_api.core.tokens import participant_token
from quiz_api.db.models import Track
from quiz_api.rendering.daily_card import DailyCard, render_daily_card
from quiz_api.services.daily import (
    ARCHIVE_MAX_LIMIT,
    PUBLIC_MAX_AGE,
    DailyQuestion,
    DailyResult,
    answer_today,
    archive,
    audience,
    question_on,
    require_past_or_today,
    require_spec,
    result_of,
    seconds_to_midnight,
)

router = APIRouter(prefix="/daily", tags=["daily question"])

LangQuery = Annotated[Lang, Query(description="The language of the texts")]
LevelQuery = Annotated[
    Level | None,
    Query(description="A student's school level when no token says it (default secondary)"),
]
# Dates as text of one form: a lax date type would take "0" for 1970-01-01.
DATE_PATTERN = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
DayPath = Annotated[
    str, Path(pattern=DATE_PATTERN, description="The day, YYYY-MM-DD, in the daily time zone")
]


def _date(text: str | None) -> date | None:
    """The date ``text`` names; None for one that does not exist (2026-02-30)."""
    try:
        return date.fromisoformat(text) if text is not None else None
    except ValueError:
        return None


def _question(daily: DailyQuestion, lang: str) -> DailyQuestionOut:
    question = daily.question
    return DailyQuestionOut(
        id=question.question_id,
        type=question.type,
        category=question.category,
        stem=daily.text("stem", lang),
        options=[OptionOut(id=i, text=t) for i, t in daily.options(lang)],
    )


def _result(result: DailyResult, lang: str) -> DailyResultOut:
    return DailyResultOut(
        date=result.day.isoformat(),
        correct=result.correct,
        choices=result.choices,
        correct_choices=result.question.correct_choices,
        explanation=result.question.text("explanation", lang),
        source=result.question.source,
        answers=result.share.answers,
        correct_share=result.share.correct_share,
        streak=StreakOut(current=result.streak.current, best=result.streak.best),
    )


@router.get(
    "/{track}",
    response_model=DailyOut,
    responses=problem_responses(401, 404, 422),
    openapi_extra=OPTIONAL_TOKEN,
    summary="Today's question of a track (and school level); no answer key",
)
def today(
    response: Response,
    session: SessionDep,
    settings: SettingsDep,
    content: ContentDep,
    spec: DailySpecDep,
    now: NowDep,
    participant: OptionalParticipant,
    track: Track,
    lang: LangQuery = Lang(DEFAULT_LANG),
    level: LevelQuery = None,
) -> DailyOut:
    daily_spec = require_spec(spec)
    group = audience(session, track, level, participant, settings.primary_last_grade)
    daily = question_on(daily_spec, content, session, group, daily_spec.local_day(now))
    body = DailyOut(
        date=daily.day.isoformat(),
        track=track,
        level=group.level.value if group.level else None,
        lang=lang,
        question=_question(daily, lang),
    )
    if participant is None:
        # The same body for everyone until the local midnight: any cache may keep it.
        max_age = min(PUBLIC_MAX_AGE, seconds_to_midnight(daily_spec, now))
        response.headers["Cache-Control"] = f"public, max-age={max_age}"
        response.headers["Vary"] = "Authorization"
        return body
    assert participant.id is not None
    result, streak = result_of(session, daily, participant.id)
    response.headers["Cache-Control"] = "private, no-cache"
    response.headers["Vary"] = "Authorization"
    body.answered = result is not None
    body.result = _result(result, lang) if result is not None else None
    body.streak = StreakOut(current=streak.current, best=streak.best)
    return body


@router.post(
    "/{track}/{day}/answer",
    response_model=DailyAnswerOut,
    responses=problem_responses(401, 404, 409, 422),
    openapi_extra=OPTIONAL_TOKEN,
    summary="Answer today's question once (idempotent); a visitor becomes an adult participant",
)
def answer(
    response: Response,
    session: SessionDep,
    settings: SettingsDep,
    content: ContentDep,
    spec: DailySpecDep,
    now: NowDep,
    participant: OptionalParticipant,
    track: Track,
    day: DayPath,
    body: DailyAnswerIn,
) -> DailyAnswerOut:
    daily_spec = require_spec(spec)
    group = audience(session, track, None, participant, settings.primary_last_grade)
    lang = body.lang or (Lang(participant.lang) if participant else Lang(DEFAULT_LANG))
    result, who, created = answer_today(
        session,
        daily_spec,
        content,
        group,
        _date(day),
        participant,
        body.choices,
        (lang.value, body.nickname),
        now,
    )
    assert who.id is not None
    response.headers["Cache-Control"] = "no-store"
    token = participant_token(settings.secret_key, who.id) if created else None
    return DailyAnswerOut(**_result(result, lang).model_dump(), token=token)


@router.get(
    "/{track}/archive",
    response_model=DailyArchiveOut,
    responses=problem_responses(404, 422),
    summary="Every past day's question with its key, explanation, source and answer figures",
)
def daily_archive(
    response: Response,
    session: SessionDep,
    content: ContentDep,
    spec: DailySpecDep,
    now: NowDep,
    track: Track,
    lang: LangQuery = Lang(DEFAULT_LANG),
    level: LevelQuery = None,
    before: Annotated[
        str | None, Query(pattern=DATE_PATTERN, description="Only days before this one")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=ARCHIVE_MAX_LIMIT)] = 30,
) -> DailyArchiveOut:
    daily_spec = require_spec(spec)
    group = audience(session, track, level, None, 0)
    last = _date(before) if before is not None else None
    if before is not None and last is None:
        raise DomainError(ProblemType.not_found, f"there is no day {before}")
    days = archive(session, daily_spec, content, session, group, now, last, limit)
    response.headers["Cache-Control"] = f"public, max-age={PUBLIC_MAX_AGE}"
    return DailyArchiveOut(
        track=track,
        level=group.level.value if group.level else None,
        lang=lang,
        days=[
            DailyArchiveDay(
                date=item.question.day.isoformat(),
                question=_question(item.question, lang),
                correct_choices=item.question.correct_choices,
                explanation=item.question.text("explanation", lang),
                source=item.question.source,
                answers=item.share.answers,
                correct_share=item.share.correct_share,
            )
            for item in days
        ],
    )


@router.get(
    "/{track}/{day}/card.png",
    response_class=Response,
    responses={200: {"content": {"image/png": {}}}, **problem_responses(404, 422)},
    operation_id="daily_card",
    summary="The share card of a day's question (PNG): the question and a QR code, no answer",
)
def card(
    session: SessionDep,
    settings: SettingsDep,
    content: ContentDep,
    spec: DailySpecDep,
    now: NowDep,
    track: Track,
    day: DayPath,
    lang: LangQuery = Lang(DEFAULT_LANG),
    level: LevelQuery = None,
) -> Response:
    daily_spec = require_spec(spec)
    shown = require_past_or_today(daily_spec, _date(day), now)  # tomorrow's stays unseen
    group = audience(session, track, level, None, settings.primary_last_grade)
    daily = question_on(daily_spec, content, session, group, shown)
    png = render_daily_card(
        DailyCard(
            lang=lang.value,
            day=shown,
            stem=daily.text("stem", lang.value),
            options=daily.options(lang.value),
            url=f"{normalise_site_url(settings.site_url)}{url_prefix(lang.value)}daily/?src=card",
        )
    )
    # The same image for everyone; a past day's never changes.
    return Response(png, media_type="image/png", headers={"Cache-Control": "public, max-age=3600"})
