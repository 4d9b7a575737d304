"""The certificate of a passed attempt, as a PNG the page shows in an ``<img>``."""

from __future__ import annotations

from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Request, Response

from quiz_api.api.deps import AttemptId, CurrentParticipant, SessionDep
from quiz_api.api.problems import Problem, problem_responses
from quiz_api.db.models import Attempt, Campaign, Result
from quiz_api.rendering.certificate import CertificateData, render_certificate
from quiz_api.services.campaigns import campaign_spec

router = APIRouter(prefix="/attempts", tags=["certificates"])

LANG_PREFIX = {"zh": "", "en": "en/", "ko": "ko/", "ja": "ja/"}


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
    attempt_id: AttemptId,
) -> Response:
    attempt = session.get(Attempt, attempt_id)
    if attempt is None or attempt.participant_id != participant.id:
        raise Problem(404, "not-found", "no such attempt for this participant")
    result = session.get(Result, attempt_id)
    if result is None:
        raise Problem(404, "not-found", "this attempt has no result yet")
    if not result.passed:
        raise Problem(403, "not-passed", "certificates are for passed attempts only")
    campaign = session.get(Campaign, attempt.campaign_id)
    assert campaign is not None
    spec = campaign_spec(campaign)
    lang = participant.lang if participant.lang in LANG_PREFIX else "zh"
    query = urlencode({"campaign": campaign.id, "src": "certificate"})
    png = render_certificate(
        CertificateData(
            lang=lang,
            nickname=participant.nickname,
            track=result.track,
            score=result.score,
            max_score=result.max_score,
            day=result.submitted_at.astimezone(ZoneInfo(spec.timezone)).date(),
            campaign_name=getattr(spec.name, lang),
            url=f"{request.base_url}{LANG_PREFIX[lang]}quiz/?{query}",
        )
    )
    return Response(
        png, media_type="image/png", headers={"Cache-Control": "private, max-age=86400"}
    )
