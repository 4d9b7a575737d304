from __future__ import annotations

from fastapi import APIRouter, Request, Response, status

from quiz_api.api.deps import CurrentParticipant, NowDep, ResourcesDep, SettingsDep
from quiz_api.api.problems import problem_responses
from quiz_api.api.ratelimit import JoinRateLimit
from quiz_api.api.schemas import JoinRequest, JoinResponse, ParticipantOut
from quiz_api.core.tokens import address_digest
from quiz_api.db.engine import hot_connection
from quiz_api.services.campaigns import resolve_campaign
from quiz_api.services.participants import join

router = APIRouter(prefix="/participants", tags=["participants"])

PROBLEMS = problem_responses(401, 404, 409, 422)


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
    resources: ResourcesDep,
    settings: SettingsDep,
    now: NowDep,
    request: Request,
    response: Response,
) -> JoinResponse:
    campaigns = resources.content.campaigns
    # The address as the rate limiter sees it (behind trusted proxies), kept only as a keyed
    # digest: the integrity sweep counts joins per address, nobody can read it back.
    address = address_digest(settings.secret_key, resources.rate_limiter.address(request))
    with hot_connection(resources.engine) as connection:
        campaign = resolve_campaign(campaigns, connection, body.campaign, now)
        participant, created = join(
            connection, campaigns, campaign, body.newcomer(), now, address_hash=address
        )
    if not created:
        response.status_code = status.HTTP_200_OK
    return JoinResponse.of_joined(participant, settings.secret_key)


@router.get("/me", response_model=ParticipantOut, responses=PROBLEMS, summary="Who the token is")
def me(participant: CurrentParticipant) -> ParticipantOut:
    return ParticipantOut.of(participant)
