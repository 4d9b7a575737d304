"""A local fake of WeChat's servers for the tests (OAuth code exchange, access token,
jsapi_ticket, the authorize page), answering with WeChat's error codes. Served by uvicorn
in a thread on a free port; and the live site with WeChat configured against it."""

from __future__ import annotations

import itertools
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import pytest
import uvicorn
from fastapi.testclient import TestClient
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from quiz_api.core.config import WechatConfig
from quiz_api.integrations.wechat import (
    EXPIRED_ACCESS_TOKEN,
    INVALID_CODE,
    INVALID_CREDENTIAL,
)
from tests.plugins.server import Live, free_port, serve, server_env

APP_SECRET = "fake-app-secret"


@dataclass
class FakeWechat:
    """WeChat's endpoints as far as we use them, answering like WeChat does (HTTP 200 with
    ``errcode``/``errmsg`` in the body for every error)."""

    app_id: str = "wx-test"
    codes: dict[str, str] = field(default_factory=dict)  # OAuth code -> openid
    used_codes: set[str] = field(default_factory=set)
    valid_tokens: set[str] = field(default_factory=set)
    expired_tokens: set[str] = field(default_factory=set)
    calls: dict[str, int] = field(default_factory=lambda: {"token": 0, "ticket": 0, "oauth": 0})
    tickets: list[str] = field(default_factory=list)
    counter: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    base: str = ""

    @staticmethod
    def error(code: int, message: str) -> JSONResponse:
        return JSONResponse({"errcode": code, "errmsg": message})

    def expire_tokens(self) -> None:
        self.expired_tokens |= self.valid_tokens
        self.valid_tokens.clear()

    async def oauth_access_token(self, request: Request) -> Response:
        q = request.query_params
        self.calls["oauth"] += 1
        if q.get("appid") != self.app_id or q.get("secret") != APP_SECRET:
            return self.error(INVALID_CREDENTIAL, "invalid credential, access_token is invalid")
        code = q.get("code", "")
        if code in self.used_codes:
            return self.error(40163, "code been used")
        if code not in self.codes or q.get("grant_type") != "authorization_code":
            return self.error(INVALID_CODE, "invalid code")
        self.used_codes.add(code)
        return JSONResponse(
            {
                "access_token": f"web-{code}",
                "expires_in": 7200,
                "refresh_token": "r",
                "openid": self.codes[code],
                "scope": "snsapi_base",
            }
        )

    async def token(self, request: Request) -> Response:
        q = request.query_params
        self.calls["token"] += 1
        if q.get("appid") != self.app_id or q.get("secret") != APP_SECRET:
            return self.error(INVALID_CREDENTIAL, "invalid credential, access_token is invalid")
        token = f"token-{next(self.counter)}"
        self.valid_tokens.add(token)
        return JSONResponse({"access_token": token, "expires_in": 7200})

    async def ticket(self, request: Request) -> Response:
        token = request.query_params.get("access_token", "")
        self.calls["ticket"] += 1
        if token in self.expired_tokens:
            return self.error(EXPIRED_ACCESS_TOKEN, "access_token expired")
        if token not in self.valid_tokens:
            return self.error(INVALID_CREDENTIAL, "invalid credential")
        ticket = f"ticket-{next(self.counter)}"
        self.tickets.append(ticket)
        return JSONResponse({"errcode": 0, "errmsg": "ok", "ticket": ticket, "expires_in": 7200})

    async def authorize(self, request: Request) -> Response:
        """The user's silent authorization: straight back with a fresh code."""
        q = request.query_params
        if q.get("scope") != "snsapi_base" or q.get("appid") != self.app_id:
            return self.error(10003, "redirect_uri domain or scope mismatch")
        code = f"code-{next(self.counter)}"
        self.codes[code] = f"openid-{q.get('openid_hint') or 'browser'}"
        target = q["redirect_uri"]
        sep = "&" if "?" in target else "?"
        return RedirectResponse(f"{target}{sep}{urlencode({'code': code, 'state': q['state']})}")

    def asgi(self) -> Starlette:
        return Starlette(
            routes=[
                Route("/sns/oauth2/access_token", self.oauth_access_token),
                Route("/cgi-bin/token", self.token),
                Route("/cgi-bin/ticket/getticket", self.ticket),
                Route("/connect/oauth2/authorize", self.authorize),
            ]
        )


@contextmanager
def serve_fake_wechat() -> Iterator[FakeWechat]:
    fake = FakeWechat()
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(fake.asgi(), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:  # readiness probe of the fake, not a wait for a result
        assert time.monotonic() < deadline, "fake WeChat server did not start"
        time.sleep(0.01)
    fake.base = f"http://127.0.0.1:{port}"
    try:
        yield fake
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@pytest.fixture(scope="session")
def wechat_fake() -> Iterator[FakeWechat]:
    with serve_fake_wechat() as fake:
        yield fake


@pytest.fixture(scope="session")
def live_wechat(live: Live, wechat_fake: FakeWechat) -> Iterator[Live]:
    """The same site with WeChat configured: an official account served by the fake."""
    port = free_port()
    env = server_env(
        live.tmp,
        live.tmp / "content",
        port,
        "wechat.sqlite3",
        QUIZ_WECHAT_APP_ID=wechat_fake.app_id,
        QUIZ_WECHAT_APP_SECRET=APP_SECRET,
        QUIZ_WECHAT_API_BASE=wechat_fake.base,
        QUIZ_WECHAT_OPEN_BASE=wechat_fake.base,
    )
    with serve(live.tmp, port, env, "wechat-server") as server:
        yield server


@pytest.fixture(scope="module")
def fake_server() -> Iterator[FakeWechat]:
    """A fake of its own for each test module (the live site's is wechat_fake)."""
    with serve_fake_wechat() as fake:
        yield fake


@pytest.fixture
def fake(fake_server: FakeWechat) -> FakeWechat:
    """The shared fake with a fresh app id (so that cached tokens of other tests never
    apply) and fresh counters."""
    fake_server.app_id = f"wx{uuid.uuid4().hex[:14]}"
    fake_server.calls = {"token": 0, "ticket": 0, "oauth": 0}
    fake_server.tickets.clear()
    fake_server.codes.clear()
    fake_server.used_codes.clear()
    return fake_server


def wechat_settings(fake: FakeWechat, **overrides: Any) -> WechatConfig:
    """The settings of an official account served by ``fake``."""
    values: dict[str, Any] = {
        "app_id": fake.app_id,
        "app_secret": APP_SECRET,
        "api_base": fake.base,
        "open_base": fake.base,
    }
    values.update(overrides)
    return WechatConfig(**values)


@pytest.fixture
def wx(client: TestClient, fake: FakeWechat) -> TestClient:
    """The API client with WeChat configured against the fake."""
    from quiz_api.api.deps import get_clock
    from quiz_api.api.routes.wechat import wechat_config

    settings = wechat_settings(fake)
    app: Any = client.app
    app.dependency_overrides[wechat_config] = lambda: settings
    app.dependency_overrides[get_clock] = lambda: 1_780_000_000.0
    return client
