"""WeChat OAuth and JS-SDK signatures against a local fake of WeChat's servers (a small ASGI
app served by uvicorn on a free port), with WeChat's own error codes."""

from __future__ import annotations

import hashlib
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from quiz_api.api.routes.wechat import wechat_config
from quiz_api.core.config import WechatConfig
from quiz_api.core.tokens import address_digest
from quiz_api.db.models import Participant
from quiz_api.integrations.wechat import (
    INVALID_CODE,
    INVALID_CREDENTIAL,
    MemoryCache,
    WechatClient,
    WechatError,
    sign_identity,
)
from tests.plugins.database import SECRET
from tests.plugins.server import free_port
from tests.plugins.wechat import APP_SECRET, FakeWechat, wechat_settings


def callback(wx: TestClient, code: str, next: str = "/quiz/") -> str:
    """Where WeChat's return to the callback sends this browser, after a start (which gives
    the browser its state cookie)."""
    start = wx.get("/api/v1/wechat/oauth/start", params={"next": next}, follow_redirects=False)
    state = parse_qs(urlsplit(start.headers["location"]).query)["state"][0]
    answer = wx.get(
        "/api/v1/wechat/oauth/callback",
        params={"code": code, "state": state, "next": next},
        follow_redirects=False,
    )
    assert answer.status_code == 303
    location: str = answer.headers["location"]
    return location


def fragment(location: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(location).fragment).items()}


# ---------------------------------------------------------------------------- OAuth
def test_without_configuration_the_page_uses_device_tokens(client: TestClient) -> None:
    app: Any = client.app
    app.dependency_overrides[wechat_config] = lambda: WechatConfig(app_id=None, app_secret=None)
    assert client.get("/api/v1/wechat/status").json() == {"enabled": False, "app_id": None}
    for path in ("/api/v1/wechat/oauth/start", "/api/v1/wechat/jssdk-config?url=https://a.cn/"):
        answer = client.get(path, follow_redirects=False)
        assert answer.status_code == 404
        assert answer.json()["type"] == "/problems/wechat-not-configured"


def test_start_redirects_to_silent_authorization(wx: TestClient, fake: FakeWechat) -> None:
    answer = wx.get("/api/v1/wechat/oauth/start?next=/en/quiz/?campaign=c1", follow_redirects=False)
    assert answer.status_code == 307
    location = answer.headers["location"]
    assert location.startswith(f"{fake.base}/connect/oauth2/authorize?")
    assert location.endswith("#wechat_redirect")
    query = parse_qs(urlsplit(location).query)
    assert query["appid"] == [fake.app_id]
    assert query["scope"] == ["snsapi_base"]
    assert query["response_type"] == ["code"]
    callback = urlsplit(query["redirect_uri"][0])
    assert callback.path == "/api/v1/wechat/oauth/callback"
    assert parse_qs(callback.query)["next"] == ["/en/quiz/?campaign=c1"]
    assert fake.app_id not in location.split("appid=")[0]
    assert APP_SECRET not in location


@pytest.mark.parametrize("evil", ["//evil.example/x", "https://evil.example/", "\\\\evil", "x"])
def test_the_return_page_stays_on_this_site(wx: TestClient, evil: str) -> None:
    answer = wx.get("/api/v1/wechat/oauth/callback", params={"next": evil}, follow_redirects=False)
    assert answer.headers["location"].startswith("/quiz/#")


def test_code_exchanged_for_openid_identifies_the_participant(
    wx: TestClient, fake: FakeWechat, db: Session
) -> None:
    fake.codes["c-1"] = "o-ming"
    location = callback(wx, "c-1")
    assert location.startswith("/quiz/#")
    first = fragment(location)
    assert "wx_token" not in first  # a new WeChat user: the page asks for the track first
    body = {"track": "adult", "lang": "zh", "nickname": "阿明", "identity": first["wx"]}
    joined = wx.post("/api/v1/wechat/participants", json=body)
    assert joined.status_code == 201, joined.text
    # The address it joined from, as the integrity sweep keeps it: a keyed digest only.
    participant = db.get(Participant, joined.json()["participant_id"])
    assert participant is not None
    assert participant.address_hash == address_digest(SECRET, "testclient")

    # The same WeChat user on another phone: the openid finds the participant again.
    fake.codes["c-2"] = "o-ming"
    second = fragment(callback(wx, "c-2"))
    assert second["wx_token"] == joined.json()["token"]
    me = wx.get(
        "/api/v1/participants/me", headers={"Authorization": f"Bearer {second['wx_token']}"}
    )
    assert me.json()["nickname"] == "阿明"
    rejoin = wx.post("/api/v1/wechat/participants", json={**body, "identity": second["wx"]})
    assert rejoin.status_code == 200
    assert rejoin.json()["participant_id"] == joined.json()["participant_id"]


def test_invalid_or_used_code_sends_the_page_back_with_the_error(
    wx: TestClient, fake: FakeWechat
) -> None:
    assert callback(wx, "nope", "/ko/quiz/") == f"/ko/quiz/#wx_error={INVALID_CODE}"
    fake.codes["c-3"] = "o-3"
    assert "wx=" in callback(wx, "c-3")
    assert callback(wx, "c-3") == "/quiz/#wx_error=40163"


def test_a_code_without_this_browsers_state_is_refused(wx: TestClient, fake: FakeWechat) -> None:
    """Login CSRF: someone else's code, sent to a victim's browser, must not sign it in."""
    fake.codes["c-4"] = "o-attacker"
    answer = wx.get(
        "/api/v1/wechat/oauth/callback",
        params={"code": "c-4", "state": "forged", "next": "/quiz/"},
        follow_redirects=False,
    )
    assert answer.headers["location"] == "/quiz/#wx_error=state"
    assert fake.calls["oauth"] == 0  # the code was not even exchanged


def test_a_forged_identity_cannot_join(wx: TestClient) -> None:
    identity = sign_identity("not-the-server-secret-" + "q" * 30, "o-x", 1_780_000_000)
    answer = wx.post("/api/v1/wechat/participants", json={"track": "adult", "identity": identity})
    assert answer.status_code == 401
    assert answer.json()["type"] == "/problems/invalid-wechat-identity"


# ---------------------------------------------------------------------------- JS-SDK
def test_jssdk_config_is_signed_and_carries_the_share_card(
    wx: TestClient, fake: FakeWechat
) -> None:
    url = "https://quiz.example.cn/en/quiz/?campaign=challenge-test&src=poster-school"
    answer = wx.get("/api/v1/wechat/jssdk-config", params={"url": url + "#wx=1", "lang": "en"})
    assert answer.status_code == 200, answer.text
    data = answer.json()
    assert data["app_id"] == fake.app_id
    assert data["timestamp"] == 1_780_000_000
    ticket = fake.tickets[-1]
    plain = f"jsapi_ticket={ticket}&noncestr={data['nonce_str']}&timestamp={data['timestamp']}&url={url}"
    assert data["signature"] == hashlib.sha1(plain.encode()).hexdigest()
    assert "updateAppMessageShareData" in data["js_api_list"]
    share = data["share"]
    assert share["link"] == url
    assert share["title"].endswith("[en]")  # the test campaign's English name
    assert share["img_url"].startswith("http") and "share-image.png" in share["img_url"]
    image = wx.get(urlsplit(share["img_url"]).path + "?" + urlsplit(share["img_url"]).query)
    assert image.status_code == 200
    assert image.headers["content-type"] == "image/png"
    assert APP_SECRET not in answer.text and "token-" not in answer.text


def test_token_and_ticket_are_fetched_once_for_their_lifetime(
    wx: TestClient, fake: FakeWechat
) -> None:
    for _ in range(3):
        assert wx.get("/api/v1/wechat/jssdk-config?url=https://a.cn/quiz/").status_code == 200
    assert fake.calls["token"] == 1
    assert fake.calls["ticket"] == 1


def test_invalid_credential_is_a_problem_not_a_crash(wx: TestClient, fake: FakeWechat) -> None:
    app: Any = wx.app
    app.dependency_overrides[wechat_config] = lambda: wechat_settings(
        fake, app_secret="wrong-secret"
    )
    answer = wx.get("/api/v1/wechat/jssdk-config?url=https://a.cn/quiz/")
    assert answer.status_code == 503
    assert answer.json()["type"] == "/problems/wechat-unavailable"
    assert answer.json()["errcode"] == INVALID_CREDENTIAL
    assert "wrong-secret" not in answer.text
    with pytest.raises(WechatError) as info:
        WechatClient(wechat_settings(fake, app_secret="wrong-secret"), MemoryCache()).access_token()
    assert info.value.errcode == INVALID_CREDENTIAL


def test_unreachable_wechat_is_a_problem(wx: TestClient, fake: FakeWechat) -> None:
    app: Any = wx.app
    app.dependency_overrides[wechat_config] = lambda: wechat_settings(
        fake, api_base=f"http://127.0.0.1:{free_port()}", timeout_seconds=2
    )
    answer = wx.get("/api/v1/wechat/jssdk-config?url=https://a.cn/quiz/")
    assert answer.status_code == 503
    assert answer.json()["errcode"] == -1
