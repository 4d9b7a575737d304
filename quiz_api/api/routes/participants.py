from __future__ import annotations

from fastapi import APIRouter, Response, status

from quiz_api.api.deps import CurrentParticipant, EngineDep, NowDep, SettingsDep
from quiz_api.api.problems import Problem, problem_responses
from quiz_api.api.ratelimit import JoinRateLimit
from quiz_api.api.schemas import JoinRequest, JoinResponse, ParticipantOut
from quiz_api.core.tokens import participant_token
from quiz_api.db.engine import hot_connection
from quiz_api.db.models import Participant
from quiz_api.services.campaigns import resolve_campaign
from quiz_api.services.participants import join

router = APIRouter(prefix="/participants", tags=["participants"])

PROBLEMS = problem_responses(401, 404, 409, 422)


def _out(participant: Participant) -> ParticipantOut:
    assert participant.id is not None
    return ParticipantOut(
        participant_id=participant.id,
        campaign=participant.campaign_id,
        track=participant.track,
        lang=participant.lang,
        nickname=participant.nickname,
        school_code=participant.school_code,
        grade=participant.grade,
        class_name=participant.class_name,
    )


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=JoinResponse,
    responses={**PROBLEMS, **problem_responses(400, 429)},
    dependencies=[JoinRateLimit],
    summary="Join a track of the campaign and get a bearer token",
)
def join_track(
    body: JoinRequest,
    engine: EngineDep,
    settings: SettingsDep,
    now: NowDep,
    response: Response,
) -> JoinResponse:
    with hot_connection(engine) as connection:
        campaign = resolve_campaign(connection, body.campaign, now)
        participant, created = join(connection, campaign, body, now)
    if not created:
        response.status_code = status.HTTP_200_OK
    if participant.id is None:  # pragma: no cover - set by the database
        raise Problem(500, "internal-error")
    return JoinResponse(
        **_out(participant).model_dump(),
        token=participant_token(settings.secret_key, participant.id),
    )


@router.get("/me", response_model=ParticipantOut, responses=PROBLEMS, summary="Who the token is")
def me(participant: CurrentParticipant) -> ParticipantOut:
    return _out(participant)
