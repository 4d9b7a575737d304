"""The certificate of a passed attempt, as a PNG the page shows in an ``<img>``."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from fastapi import APIRouter, Request, Response

from quiz_api.api.deps import AttemptId, ContentDep, CurrentParticipant, SessionDep, quiz_page_url
from quiz_api.api.problems import problem_responses
from quiz_api.core.languages import DEFAULT_LANG, LANGUAGES
from quiz_api.rendering.certificate import CertificateData, render_certificate
from quiz_api.services.attempts import passed_result

router = APIRouter(prefix="/attempts", tags=["certificates"])


@router.get(
    "/{attempt_id}/certificate.png",
    response_class=Response,
    responses={200: {"content": {"image/png": {}}}, **problem_responses(401, 403, 404, 422)},
    operation_id="certificate",
    summary="The certificate of a passed attempt (PNG, in the participant's language)",
)
def certificate(
    request: Request,
    participant: CurrentParticipant,
    session: SessionDep,
    content: ContentDep,
    attempt_id: AttemptId,
) -> Response:
    assert participant.id is not None
    result, campaign = passed_result(session, content, participant.id, attempt_id)
    spec = content.campaigns.spec(campaign)
    lang = participant.lang if participant.lang in LANGUAGES else DEFAULT_LANG
    png = render_certificate(
        CertificateData(
            lang=lang,
            nickname=participant.nickname,
            track=result.track,
            score=result.score,
            max_score=result.max_score,
            day=result.submitted_at.astimezone(ZoneInfo(spec.timezone)).date(),
            campaign_name=getattr(spec.name, lang),
            url=quiz_page_url(request, lang, campaign=campaign.id, src="certificate"),
        )
    )
    return Response(
        png, media_type="image/png", headers={"Cache-Control": "private, max-age=86400"}
    )
