from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, Response, status
from pydantic import BaseModel

from quiz_api.api.deps import (
    AttemptId,
    ContentDep,
    CurrentParticipant,
    NowDep,
    ParticipantId,
    RanksDep,
    ResourcesDep,
    SessionDep,
    SettingsDep,
    invalid_token,
)
from quiz_api.api.problems import problem_responses
from quiz_api.api.ratelimit import StartRateLimit
from quiz_api.api.schemas import (
    AttemptOut,
    OptionOut,
    PaperQuestion,
    ResultOut,
    ReviewItem,
    StartAttemptRequest,
    SubmitRequest,
)
from quiz_api.core.languages import Lang
from quiz_api.db.engine import hot_connection
from quiz_api.db.models import AttemptStatus, Track
from quiz_api.services import attempts as service
from quiz_api.services.leaderboards import rank_of

router = APIRouter(prefix="/attempts", tags=["attempts"])

PROBLEMS = problem_responses(401, 403, 404, 409, 422, 503)
# OpenAPI links: the attempt's id in an answer names the operations on that attempt (for
# clients and for schemathesis' stateful tests, which follow them).
_ATTEMPT = {"attempt_id": "$response.body#/attempt_id"}
PAPER_LINKS = {
    "paper": {"operationId": "paper", "parameters": _ATTEMPT},
    "submit": {"operationId": "submit", "parameters": _ATTEMPT},
}
RESULT_LINKS = {
    "result": {"operationId": "result", "parameters": _ATTEMPT},
    "certificate": {"operationId": "certificate", "parameters": _ATTEMPT},
}


# The paper and the result are built with ``model_construct`` from the services' dataclasses:
# their values come from validated content and the database, and validating them again cost a
# tenth of a request's time under load (docs/benchmarks.md). The items are TypedDicts (plain
# dicts) for the same reason; the response shapes are pinned by the tests.
def _options(options: list[tuple[str, str]]) -> list[OptionOut]:
    return [{"id": letter, "text": text} for letter, text in options]


def _paper_out(paper: service.Paper, now: datetime) -> AttemptOut:
    attempt = paper.attempt
    assert attempt.id is not None
    questions: list[PaperQuestion] = [
        {
            "id": item.id,
            "number": item.number,
            "type": item.question.type,  # type: ignore[typeddict-item]  # one of the three
            "category": item.question.category,
            "points": item.points,
            "stem": item.stem,
            "options": _options(item.options),
        }
        for item in paper.items
    ]
    return AttemptOut.model_construct(
        attempt_id=attempt.id,
        campaign=attempt.campaign_id,
        track=Track(attempt.track),
        lang=Lang(attempt.lang),
        attempt_no=attempt.attempt_no,
        status=AttemptStatus(attempt.status).value,
        started_at=attempt.started_at,
        deadline=attempt.deadline,
        server_time=now,
        time_limit_seconds=int((attempt.deadline - attempt.started_at).total_seconds()),
        max_score=paper.max_score,
        questions=questions,
    )


def _result_out(outcome: service.Outcome) -> ResultOut:
    result = outcome.result
    review: list[ReviewItem] = [
        {
            "question_id": reviewed.item.id,
            "number": reviewed.item.number,
            "type": reviewed.item.question.type,
            "stem": reviewed.item.stem,
            "options": _options(reviewed.item.options),
            "your_choices": reviewed.your_choices,
            "correct_choices": reviewed.correct_choices,
            "correct": reviewed.correct,
            "points": reviewed.item.points,
            "explanation": reviewed.explanation,
            "source": reviewed.source,
        }
        for reviewed in outcome.review
    ]
    return ResultOut.model_construct(
        attempt_id=result.attempt_id,
        campaign=result.campaign_id,
        track=Track(result.track),
        score=result.score,
        max_score=result.max_score,
        correct_count=result.correct_count,
        question_count=result.question_count,
        duration_ms=result.duration_ms,
        passed=result.passed,
        pass_mark=outcome.pass_mark,
        late=result.late,
        submitted_at=result.submitted_at,
        rank=outcome.rank,
        held=result.held,
        notice=outcome.notice,
        review=review,
    )


def _json(body: BaseModel, status_code: int = status.HTTP_200_OK) -> Response:
    """The body as JSON, without FastAPI validating it again against the route's response
    model (see above)."""
    return Response(body.model_dump_json(), status_code, media_type="application/json")


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=AttemptOut,
    responses={
        200: {
            "model": AttemptOut,
            "description": "The attempt still open, and its paper",
            "links": PAPER_LINKS,
        },
        201: {"links": PAPER_LINKS},
        **PROBLEMS,
        **problem_responses(400, 429),
    },
    dependencies=[StartRateLimit],
    operation_id="start",
    summary="Start an attempt (or get the one still open) and its paper",
)
def start(
    participant_id: ParticipantId,
    resources: ResourcesDep,
    settings: SettingsDep,
    now: NowDep,
    body: StartAttemptRequest | None = None,
) -> Response:
    content = resources.content
    with hot_connection(resources.engine) as connection:
        starter = service.load_starter(connection, participant_id)
        if starter is None:
            raise invalid_token()
        campaign = content.campaigns.get(connection, starter.campaign_id)
        assert campaign is not None  # a participant's campaign is never deleted
        attempt, created = service.start_attempt(
            connection,
            content,
            starter,
            campaign,
            now,
            settings.submit_grace_seconds,
            primary_last_grade=settings.primary_last_grade,
        )
        paper = service.paper_of(connection, content, attempt, campaign)
    return _json(_paper_out(paper, now), status.HTTP_201_CREATED if created else status.HTTP_200_OK)


@router.get(
    "/{attempt_id}",
    response_model=AttemptOut,
    responses=PROBLEMS,
    operation_id="paper",
    summary="The frozen paper of an attempt (the same on every request)",
)
def paper(
    participant: CurrentParticipant,
    session: SessionDep,
    content: ContentDep,
    now: NowDep,
    attempt_id: AttemptId,
) -> AttemptOut:
    assert participant.id is not None
    attempt = service.own_attempt(session, participant.id, attempt_id)
    campaign = service.campaign_of(session, content, attempt)
    return _paper_out(service.paper_of(session, content, attempt, campaign), now)


@router.post(
    "/{attempt_id}/submit",
    response_model=ResultOut,
    responses={200: {"links": RESULT_LINKS}, **PROBLEMS, **problem_responses(400)},
    operation_id="submit",
    summary="Submit the answers; scored on the server. Idempotent.",
)
def submit(
    body: SubmitRequest,
    participant_id: ParticipantId,
    resources: ResourcesDep,
    settings: SettingsDep,
    now: NowDep,
    attempt_id: AttemptId,
) -> Response:
    answers = [(answer.question_id, answer.choices) for answer in body.answers]
    content, ranks = resources.content, resources.ranks
    with hot_connection(resources.engine) as connection:
        result, attempt = service.submit(
            connection,
            content,
            participant_id,
            attempt_id,
            answers,
            now,
            settings.submit_grace_seconds,
        )
        if ranks and not result.held:  # idempotent: a repeat records the same result again
            ranks.record_result(result)
        rank = rank_of(connection, ranks, participant_id)
        connection.commit()  # the last read: on SQLite, free the writer's turn before rendering
        campaign = service.campaign_of(connection, content, attempt)
        outcome = service.outcome_of(connection, content, result, attempt, campaign, rank)
    return _json(_result_out(outcome))


@router.get(
    "/{attempt_id}/result",
    response_model=ResultOut,
    responses=PROBLEMS,
    operation_id="result",
    summary="The result and review of a submitted attempt",
)
def result(
    participant: CurrentParticipant,
    session: SessionDep,
    content: ContentDep,
    ranks: RanksDep,
    attempt_id: AttemptId,
) -> ResultOut:
    assert participant.id is not None
    attempt, stored = service.own_result(session, participant.id, attempt_id)
    connection = session.connection()
    rank = rank_of(connection, ranks, stored.participant_id)
    campaign = service.campaign_of(connection, content, attempt)
    return _result_out(service.outcome_of(connection, content, stored, attempt, campaign, rank))
