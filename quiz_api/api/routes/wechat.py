"""WeChat: silent OAuth (the participant is their openid) and the JS-SDK share config."""

from __future__ import annotations

import hmac
import secrets
from typing import Annotated
from urllib.parse import parse_qs, urlencode, urlsplit

from fastapi import APIRouter, Depends, Query, Request, Response, status
from fastapi.responses import RedirectResponse
from pydantic import BaseModel, StringConstraints

from quiz_api.api.deps import ClockDep, NowDep, ResourcesDep, SessionDep, SettingsDep, quiz_page_url
from quiz_api.api.problems import problem_responses, redirect_response
from quiz_api.api.schemas import JoinRequest, JoinResponse
from quiz_api.content.bank import I18nText
from quiz_api.core.config import WechatConfig
from quiz_api.core.errors import DomainError, ProblemType
from quiz_api.core.tokens import address_digest, participant_token
from quiz_api.db.engine import hot_connection
from quiz_api.db.models import Campaign
from quiz_api.integrations.wechat import (
    JS_API_LIST,
    TokenCache,
    WechatClient,
    WechatError,
    read_identity,
    sign_identity,
)
from quiz_api.rendering.certificate import render_share_image
from quiz_api.services.campaigns import CampaignCache, resolve_campaign
from quiz_api.services.participants import by_openid, join

router = APIRouter(prefix="/wechat", tags=["wechat"])

DEFAULT_NEXT = "/quiz/"
STATE_COOKIE = "quiz_wx_state"


async def wechat_config(request: Request) -> WechatConfig:
    """The application's WeChat settings (QUIZ_WECHAT_*)."""
    config: WechatConfig = request.app.state.settings.wechat
    return config


WechatDep = Annotated[WechatConfig, Depends(wechat_config)]


def _client(settings: WechatConfig, tokens: TokenCache, now: float) -> WechatClient:
    if not settings.enabled:
        raise DomainError(
            ProblemType.wechat_not_configured,
            "WeChat is not configured on this server: use the device token flow",
        )
    return WechatClient(settings, tokens, clock=lambda: now)


def _safe_next(value: str | None) -> str:
    """Only a path on this site (no scheme, no host): the callback must not be an open
    redirect."""
    if not value or not value.startswith("/") or value.startswith("//") or "\\" in value:
        return DEFAULT_NEXT
    parts = urlsplit(value)
    if parts.scheme or parts.netloc:
        return DEFAULT_NEXT
    return value.split("#", 1)[0]


class WechatStatus(BaseModel):
    enabled: bool
    app_id: str | None


@router.get("/status", response_model=WechatStatus, summary="Whether WeChat login is on")
def wechat_status(wechat: WechatDep) -> WechatStatus:
    return WechatStatus(enabled=wechat.enabled, app_id=wechat.app_id if wechat.enabled else None)


@router.get(
    "/oauth/start",
    status_code=status.HTTP_307_TEMPORARY_REDIRECT,
    response_class=RedirectResponse,
    responses={
        **redirect_response(
            307, "To WeChat's authorization page", f"{STATE_COOKIE}: the state to compare"
        ),
        **problem_responses(404, 422),
    },
    summary="Redirect to WeChat's silent authorization (snsapi_base)",
)
def oauth_start(
    request: Request,
    wechat: WechatDep,
    resources: ResourcesDep,
    now: ClockDep,
    next: Annotated[str | None, Query(max_length=1024, description="Page to return to")] = None,
) -> RedirectResponse:
    client = _client(wechat, resources.wechat_tokens, now)
    callback = str(request.url_for("wechat_oauth_callback"))
    redirect_uri = f"{callback}?{urlencode({'next': _safe_next(next)})}"
    # The state goes to WeChat and, in a cookie, to this browser: the callback accepts a
    # code only from the browser that started (no login CSRF with someone else's code).
    state = secrets.token_urlsafe(16)
    response = RedirectResponse(client.authorize_url(redirect_uri, state=state), status_code=307)
    response.set_cookie(
        STATE_COOKIE,
        state,
        max_age=600,
        path="/",
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
    )
    return response


@router.get(
    "/oauth/callback",
    name="wechat_oauth_callback",
    status_code=status.HTTP_303_SEE_OTHER,
    response_class=RedirectResponse,
    responses={
        **redirect_response(
            303, "Back to the page, the outcome in the fragment", f"{STATE_COOKIE} cleared"
        ),
        **problem_responses(404, 422),
    },
    summary="WeChat returns here with a code: exchanged on the server for the openid",
)
def oauth_callback(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    wechat: WechatDep,
    resources: ResourcesDep,
    now: ClockDep,
    server_now: NowDep,
    code: Annotated[str | None, Query(max_length=256)] = None,
    state: Annotated[str | None, Query(max_length=128)] = None,
    next: Annotated[str | None, Query(max_length=1024)] = None,
) -> RedirectResponse:
    """Back to the page with ``#wx=<signed identity>`` (and ``wx_token`` when this openid
    already joined the campaign), or ``#wx_error=<errcode>``: the page then falls back to a
    device token. The fragment never reaches a server log."""
    client = _client(wechat, resources.wechat_tokens, now)
    target = _safe_next(next)

    def back(fragment: str) -> RedirectResponse:
        response = RedirectResponse(f"{target}#{fragment}", status_code=303)
        response.delete_cookie(STATE_COOKIE, path="/")
        return response

    if not code:  # the user refused (snsapi_userinfo only) or the link was opened by hand
        return back("wx_error=no-code")
    expected = request.cookies.get(STATE_COOKIE)
    if not expected or not state or not hmac.compare_digest(expected, state):
        return back("wx_error=state")
    try:
        openid = client.openid_for_code(code)
    except WechatError as exc:
        return back(f"wx_error={exc.errcode}")
    found = {"wx": sign_identity(settings.secret_key, openid, now)}
    campaign_id = parse_qs(urlsplit(target).query).get("campaign", [None])[0]
    try:
        campaign = resolve_campaign(resources.content.campaigns, session, campaign_id, server_now)
    except DomainError:
        campaign = None
    if campaign is not None:
        existing = by_openid(session.connection(), campaign.id, openid)
        if existing is not None and existing.id is not None:
            found["wx_token"] = participant_token(settings.secret_key, existing.id)
    return back(urlencode(found))


class WechatJoinRequest(JoinRequest):
    """Joining as a WeChat user: the usual fields and the identity from the OAuth callback."""

    identity: Annotated[str, StringConstraints(min_length=10, max_length=512)]


@router.post(
    "/participants",
    status_code=status.HTTP_201_CREATED,
    response_model=JoinResponse,
    responses=problem_responses(400, 401, 404, 409, 422),
    summary="Join a track as the WeChat user of the identity (their openid)",
)
def wechat_join(
    body: WechatJoinRequest,
    resources: ResourcesDep,
    settings: SettingsDep,
    now: NowDep,
    clock: ClockDep,
    request: Request,
    response: Response,
) -> JoinResponse:
    openid = read_identity(settings.secret_key, body.identity, clock)
    if openid is None:
        raise DomainError(
            ProblemType.invalid_wechat_identity,
            "the WeChat identity is forged or expired: sign in with WeChat again",
            field="identity",
        )
    campaigns = resources.content.campaigns
    with hot_connection(resources.engine) as connection:
        campaign = resolve_campaign(campaigns, connection, body.campaign, now)
        participant, created = join(
            connection,
            campaigns,
            campaign,
            body.newcomer(),
            now,
            openid=openid,
            address_hash=address_digest(
                settings.secret_key, resources.rate_limiter.address(request)
            ),
        )
    if not created:
        response.status_code = status.HTTP_200_OK
    return JoinResponse.of_joined(participant, settings.secret_key)


class ShareCard(BaseModel):
    title: str
    desc: str
    link: str
    img_url: str


class JssdkConfigOut(BaseModel):
    app_id: str
    timestamp: int
    nonce_str: str
    signature: str
    js_api_list: list[str]
    share: ShareCard


def _campaign_text(campaigns: CampaignCache, campaign: Campaign, field: str, lang: str) -> str:
    text: I18nText = getattr(campaigns.spec(campaign), field)
    return str(getattr(text, lang))


Lang = Annotated[str, Query(pattern="^(zh|en|ko|ja)$")]


@router.get(
    "/jssdk-config",
    response_model=JssdkConfigOut,
    responses=problem_responses(404, 409, 422, 503),
    summary="JS-SDK configuration (signature) for a page URL, and the share card",
)
def jssdk_config(
    request: Request,
    session: SessionDep,
    wechat: WechatDep,
    resources: ResourcesDep,
    now: ClockDep,
    server_now: NowDep,
    url: Annotated[str, Query(min_length=8, max_length=2048, pattern=r"^https?://")],
    campaign: Annotated[str | None, Query(max_length=64)] = None,
    lang: Lang = "zh",
) -> JssdkConfigOut:
    client = _client(wechat, resources.wechat_tokens, now)
    row = resolve_campaign(resources.content.campaigns, session, campaign, server_now)
    try:
        config = client.jssdk_config(url)
    except WechatError as exc:
        raise DomainError(
            ProblemType.wechat_unavailable,
            f"WeChat did not give a jsapi_ticket (errcode {exc.errcode})",
            errcode=exc.errcode,
        ) from exc
    image = (
        str(request.url_for("wechat_share_image"))
        + "?"
        + urlencode({"campaign": row.id, "lang": lang})
    )
    return JssdkConfigOut(
        app_id=config.app_id,
        timestamp=config.timestamp,
        nonce_str=config.nonce_str,
        signature=config.signature,
        js_api_list=list(JS_API_LIST),
        share=ShareCard(
            title=_campaign_text(resources.content.campaigns, row, "name", lang),
            desc=_campaign_text(resources.content.campaigns, row, "description", lang)[:120],
            link=url.split("#", 1)[0],
            img_url=image,
        ),
    )


@router.get(
    "/share-image.png",
    name="wechat_share_image",
    response_class=Response,
    responses={200: {"content": {"image/png": {}}}, **problem_responses(404, 409, 422)},
    summary="The share card's image: the campaign's name and a QR code to the challenge",
)
def share_image(
    request: Request,
    session: SessionDep,
    resources: ResourcesDep,
    server_now: NowDep,
    campaign: Annotated[str | None, Query(max_length=64)] = None,
    lang: Lang = "zh",
) -> Response:
    row = resolve_campaign(resources.content.campaigns, session, campaign, server_now)
    url = quiz_page_url(request, lang, campaign=row.id)
    png = render_share_image(
        lang, _campaign_text(resources.content.campaigns, row, "name", lang), url
    )
    return Response(png, media_type="image/png", headers={"Cache-Control": "public, max-age=3600"})
