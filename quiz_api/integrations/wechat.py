"""WeChat official account: silent OAuth (``snsapi_base``) and JS-SDK share signatures.

The app secret and the access token stay on the server. The access token and the
``jsapi_ticket`` are cached for their lifetime (refreshed a few minutes before they expire)
in Redis when ``QUIZ_REDIS_URL`` is set, so that every worker shares one of each — WeChat
rate-limits both — and in the process otherwise (the embedded single-worker mode).
"""

from __future__ import annotations

import hashlib
import json
import logging
import secrets
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any, Protocol

from quiz_api.core.config import WechatConfig
from quiz_api.core.tokens import b64decode, b64encode, sign, verify

logger = logging.getLogger(__name__)

# WeChat error codes the flows react to.
INVALID_CODE = 40029  # the OAuth code is wrong, or was already used
CODE_USED = 40163
INVALID_CREDENTIAL = 40001  # wrong secret, or an access token that is no longer valid
INVALID_ACCESS_TOKEN = 40014
EXPIRED_ACCESS_TOKEN = 42001
STALE_TOKEN_CODES = frozenset({INVALID_CREDENTIAL, INVALID_ACCESS_TOKEN, EXPIRED_ACCESS_TOKEN})
# Refresh this many seconds before WeChat's expiry (expires_in is 7200 s for both).
REFRESH_MARGIN = 300
IDENTITY_TTL = 2 * 3600
JS_API_LIST = ("updateAppMessageShareData", "updateTimelineShareData")


class WechatError(Exception):
    """WeChat answered with an ``errcode`` (or could not be reached: ``errcode`` -1)."""

    def __init__(self, errcode: int, errmsg: str) -> None:
        super().__init__(f"WeChat error {errcode}: {errmsg}")
        self.errcode = errcode
        self.errmsg = errmsg


# --------------------------------------------------------------------------- signature
def jssdk_signature(jsapi_ticket: str, noncestr: str, timestamp: int | str, url: str) -> str:
    """SHA-1 over the four fields sorted by name and joined as ``key=value&...``, with the
    URL's fragment removed (WeChat JS-SDK documentation, appendix 1)."""
    fields = {
        "jsapi_ticket": jsapi_ticket,
        "noncestr": noncestr,
        "timestamp": str(timestamp),
        "url": url.split("#", 1)[0],
    }
    plain = "&".join(f"{key}={fields[key]}" for key in sorted(fields))
    return hashlib.sha1(plain.encode("utf-8")).hexdigest()


# --------------------------------------------------------------------------- identity
# The identity's signature is the whole digest (32 bytes), unlike the bearer tokens' 24:
# identities already handed out must keep verifying.
_IDENTITY_SIGNATURE_SIZE = 32


def sign_identity(secret: str, openid: str, now: float) -> str:
    """A short-lived, signed statement "this browser is openid X", handed to the page after
    OAuth so that it can join a track; the openid never has to be trusted from the client."""
    payload = f"{b64encode(openid.encode())}.{int(now) + IDENTITY_TTL}"
    return f"w1.{payload}.{sign(secret, f'wechat:{payload}', _IDENTITY_SIGNATURE_SIZE)}"


def read_identity(secret: str, identity: str, now: float) -> str | None:
    """The openid of a genuine, unexpired identity; None otherwise."""
    parts = identity.split(".")
    if len(parts) != 4 or parts[0] != "w1" or not parts[2].isdigit():
        return None
    payload = f"{parts[1]}.{parts[2]}"
    if not verify(secret, f"wechat:{payload}", parts[3], _IDENTITY_SIGNATURE_SIZE):
        return None
    if int(parts[2]) < now:
        return None
    try:
        return b64decode(parts[1]).decode()
    except (ValueError, UnicodeDecodeError):
        return None


# --------------------------------------------------------------------------- token cache
class TokenCache(Protocol):
    def get(self, key: str) -> str | None: ...
    def set(self, key: str, value: str, ttl: int) -> None: ...
    def delete(self, key: str) -> None: ...
    def lock(self, key: str) -> AbstractContextManager[object]: ...
    def close(self) -> None: ...


class MemoryCache:
    """One process's cache (the embedded mode with one worker)."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._values: dict[str, tuple[str, float]] = {}
        self._locks: dict[str, threading.Lock] = {}
        self._guard = threading.Lock()

    def get(self, key: str) -> str | None:
        item = self._values.get(key)
        if item is None or item[1] <= self._clock():
            return None
        return item[0]

    def set(self, key: str, value: str, ttl: int) -> None:
        self._values[key] = (value, self._clock() + ttl)

    def delete(self, key: str) -> None:
        self._values.pop(key, None)

    def lock(self, key: str) -> AbstractContextManager[object]:
        with self._guard:
            return self._locks.setdefault(key, threading.Lock())

    def close(self) -> None:
        """Nothing to release."""


class RedisCache:
    """Shared by all workers: one access token and one ticket for the whole deployment."""

    def __init__(self, url: str) -> None:
        import redis

        self._redis = redis.Redis.from_url(url, decode_responses=True)

    def get(self, key: str) -> str | None:
        value = self._redis.get(key)
        return value if isinstance(value, str) else None

    def set(self, key: str, value: str, ttl: int) -> None:
        self._redis.set(key, value, ex=max(ttl, 1))

    def delete(self, key: str) -> None:
        self._redis.delete(key)

    def lock(self, key: str) -> AbstractContextManager[object]:
        # One worker refreshes; the others wait for it and then read its value.
        lock: AbstractContextManager[object] = self._redis.lock(
            f"{key}:lock", timeout=15, blocking_timeout=15
        )
        return lock

    def close(self) -> None:
        self._redis.close()


def token_cache(redis_url: str | None) -> TokenCache:
    """The cache of an application: shared through Redis when there is one."""
    return RedisCache(redis_url) if redis_url else MemoryCache()


# --------------------------------------------------------------------------- client
@dataclass
class JssdkConfig:
    app_id: str
    timestamp: int
    nonce_str: str
    signature: str
    js_api_list: tuple[str, ...] = JS_API_LIST


class WechatClient:
    """Calls to WeChat's servers. ``api_base``/``open_base`` point at a fake in tests."""

    def __init__(
        self,
        settings: WechatConfig,
        cache: TokenCache,
        clock: Callable[[], float] = time.time,
    ) -> None:
        if not settings.enabled:
            raise ValueError("WeChat is not configured (QUIZ_WECHAT_APP_ID, _APP_SECRET)")
        self.settings = settings
        self.cache = cache
        self.clock = clock
        self.app_id: str = settings.app_id or ""
        self._secret: str = settings.app_secret or ""

    # ---- HTTP
    def _get(self, path: str, params: dict[str, str]) -> dict[str, Any]:
        url = f"{self.settings.api_base.rstrip('/')}{path}?{urllib.parse.urlencode(params)}"
        request = urllib.request.Request(url, headers={"Accept": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=self.settings.timeout_seconds) as resp:
                data = json.loads(resp.read().decode("utf-8"))
        except (urllib.error.URLError, TimeoutError, OSError, ValueError) as exc:
            logger.warning("WeChat %s unreachable: %s", path, exc)
            raise WechatError(-1, f"WeChat unreachable: {exc}") from exc
        if not isinstance(data, dict):
            raise WechatError(-1, "WeChat answered something that is not an object")
        errcode = data.get("errcode")
        if isinstance(errcode, int) and errcode != 0:
            raise WechatError(errcode, str(data.get("errmsg", "")))
        return data

    # ---- OAuth
    def authorize_url(self, redirect_uri: str, state: str) -> str:
        query = urllib.parse.urlencode(
            {
                "appid": self.app_id,
                "redirect_uri": redirect_uri,
                "response_type": "code",
                "scope": "snsapi_base",
                "state": state,
            },
            quote_via=urllib.parse.quote,
        )
        base = self.settings.open_base.rstrip("/")
        return f"{base}/connect/oauth2/authorize?{query}#wechat_redirect"

    def openid_for_code(self, code: str) -> str:
        data = self._get(
            "/sns/oauth2/access_token",
            {
                "appid": self.app_id,
                "secret": self._secret,
                "code": code,
                "grant_type": "authorization_code",
            },
        )
        openid = data.get("openid")
        if not isinstance(openid, str) or not openid:
            raise WechatError(-1, "no openid in WeChat's answer")
        return openid

    # ---- cached credentials
    def _cached(self, key: str, fetch: Callable[[], tuple[str, int]]) -> str:
        value = self.cache.get(key)
        if value is not None:
            return value
        with self.cache.lock(key):
            value = self.cache.get(key)  # another worker may have refreshed it meanwhile
            if value is not None:
                return value
            value, expires_in = fetch()
            margin = min(REFRESH_MARGIN, expires_in // 2)
            self.cache.set(key, value, expires_in - margin)
            return value

    @property
    def _token_key(self) -> str:
        return f"quiz:wechat:{self.app_id}:access_token"

    @property
    def _ticket_key(self) -> str:
        return f"quiz:wechat:{self.app_id}:jsapi_ticket"

    def access_token(self) -> str:
        def fetch() -> tuple[str, int]:
            data = self._get(
                "/cgi-bin/token",
                {"grant_type": "client_credential", "appid": self.app_id, "secret": self._secret},
            )
            return str(data["access_token"]), int(data.get("expires_in", 7200))

        return self._cached(self._token_key, fetch)

    def jsapi_ticket(self) -> str:
        def fetch() -> tuple[str, int]:
            for attempt in range(2):
                token = self.access_token()
                try:
                    data = self._get(
                        "/cgi-bin/ticket/getticket", {"access_token": token, "type": "jsapi"}
                    )
                except WechatError as exc:
                    # The access token was revoked or expired early (another system fetched a
                    # new one): drop it and try once with a fresh one.
                    if exc.errcode in STALE_TOKEN_CODES and attempt == 0:
                        self.cache.delete(self._token_key)
                        continue
                    raise
                return str(data["ticket"]), int(data.get("expires_in", 7200))
            raise AssertionError("unreachable")  # pragma: no cover

        return self._cached(self._ticket_key, fetch)

    def jssdk_config(self, url: str) -> JssdkConfig:
        timestamp = int(self.clock())
        nonce = secrets.token_urlsafe(12)
        ticket = self.jsapi_ticket()
        return JssdkConfig(
            app_id=self.app_id,
            timestamp=timestamp,
            nonce_str=nonce,
            signature=jssdk_signature(ticket, nonce, timestamp, url),
        )
