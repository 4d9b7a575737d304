from __future__ import annotations

from fastapi import APIRouter, Path, Response, status
from sqlmodel import Session

from quiz_api.api.deps import CurrentParticipant, NowDep, SessionDep, SettingsDep
from quiz_api.models import Attempt, BestScore, Campaign, Participant, Result
from quiz_api.problems import Problem, problem_responses
from quiz_api.ratelimit import StartRateLimit
from quiz_api.schemas import AttemptOut, ResultOut, StartAttemptRequest, SubmitRequest
from quiz_api.services import attempts as service
from quiz_api.services.campaigns import get_campaign
from quiz_api.services.leaderboards import rank_of

router = APIRouter(prefix="/attempts", tags=["attempts"])

PROBLEMS = problem_responses(401, 403, 404, 409, 422, 503)
AttemptId = Path(ge=1, le=2**62, description="The attempt id returned by POST /attempts")


def _campaign(session: Session, campaign_id: str) -> Campaign:
    campaign = get_campaign(session, campaign_id)
    assert campaign is not None
    return campaign


def _own_attempt(session: Session, participant: Participant, attempt_id: int) -> Attempt:
    attempt = session.get(Attempt, attempt_id)
    if attempt is None or attempt.participant_id != participant.id:
        raise Problem(404, "not-found", "no such attempt for this participant")
    return attempt


def _result_out(session: Session, result: Result, attempt: Attempt) -> ResultOut:
    best = session.get(BestScore, result.participant_id)
    rank = rank_of(session, best).rank if best is not None else None
    return service.render_result(
        session, result, attempt, _campaign(session, attempt.campaign_id), rank
    )


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=AttemptOut,
    responses={**PROBLEMS, **problem_responses(429)},
    dependencies=[StartRateLimit],
    summary="Start an attempt (or get the one still open) and its paper",
)
def start(
    participant: CurrentParticipant,
    session: SessionDep,
    settings: SettingsDep,
    now: NowDep,
    response: Response,
    body: StartAttemptRequest | None = None,
) -> AttemptOut:
    campaign = _campaign(session, participant.campaign_id)
    attempt, created = service.start_attempt(
        session,
        participant,
        campaign,
        now,
        settings.submit_grace_seconds,
        primary_last_grade=settings.primary_last_grade,
    )
    if not created:
        response.status_code = status.HTTP_200_OK
    return service.render_paper(session, attempt, campaign, now)


@router.get(
    "/{attempt_id}",
    response_model=AttemptOut,
    responses=PROBLEMS,
    summary="The frozen paper of an attempt (the same on every request)",
)
def paper(
    participant: CurrentParticipant, session: SessionDep, now: NowDep, attempt_id: int = AttemptId
) -> AttemptOut:
    attempt = _own_attempt(session, participant, attempt_id)
    return service.render_paper(session, attempt, _campaign(session, attempt.campaign_id), now)


@router.post(
    "/{attempt_id}/submit",
    response_model=ResultOut,
    responses=PROBLEMS,
    summary="Submit the answers; scored on the server. Idempotent.",
)
def submit(
    body: SubmitRequest,
    participant: CurrentParticipant,
    session: SessionDep,
    settings: SettingsDep,
    now: NowDep,
    attempt_id: int = AttemptId,
) -> ResultOut:
    result, attempt = service.submit(
        session, participant, attempt_id, body, now, settings.submit_grace_seconds
    )
    return _result_out(session, result, attempt)


@router.get(
    "/{attempt_id}/result",
    response_model=ResultOut,
    responses=PROBLEMS,
    summary="The result and review of a submitted attempt",
)
def result(
    participant: CurrentParticipant, session: SessionDep, attempt_id: int = AttemptId
) -> ResultOut:
    attempt = _own_attempt(session, participant, attempt_id)
    stored = session.get(Result, attempt_id)
    if stored is None:
        raise Problem(404, "not-found", "this attempt has no result yet")
    return _result_out(session, stored, attempt)
