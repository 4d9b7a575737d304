"""The WeChat client (quiz_api/integrations/wechat.py): JS-SDK signatures, signed
identities, and the access token and jsapi_ticket cached for their lifetime, against the
fake of WeChat's servers in tests/plugins/wechat.py."""

from __future__ import annotations

import pytest

from quiz_api.integrations.wechat import (
    REFRESH_MARGIN,
    MemoryCache,
    RedisCache,
    WechatClient,
    jssdk_signature,
    read_identity,
    sign_identity,
)
from tests.plugins.database import SECRET
from tests.plugins.wechat import FakeWechat, wechat_settings


def test_signature_matches_the_worked_example_of_wechats_documentation() -> None:
    ticket = (
        "sM4AOVdWfPE4DxkXGEs8VMCPGGVi4C3VM0P37wVUCFvkVAy_90u5h9nbSlYy3-Sl-HhTdfl2fzFy1AOcHKP7qg"
    )
    signature = jssdk_signature(
        ticket, "Wm3WZYTPz0wzccnW", 1414587457, "http://mp.weixin.qq.com?params=value"
    )
    assert signature == "0f9de62fce790f9a083d5c99e95740ceb90c27ed"


def test_signature_ignores_the_fragment_of_the_url() -> None:
    args = ("ticket", "nonce", 1)
    assert jssdk_signature(*args, "https://x.cn/quiz/?a=1#wx=abc") == jssdk_signature(
        *args, "https://x.cn/quiz/?a=1"
    )


def test_identity_is_signed_and_expires() -> None:
    identity = sign_identity(SECRET, "o-abc", now=1000)
    assert read_identity(SECRET, identity, now=1001) == "o-abc"
    assert read_identity("another-secret-" + "z" * 32, identity, now=1001) is None
    assert read_identity(SECRET, identity, now=1000 + 3 * 3600) is None
    forged = identity.replace(identity.split(".")[1], "b3RoZXI")  # "other"
    assert read_identity(SECRET, forged, now=1001) is None


def test_ticket_and_token_are_refreshed_before_they_expire(fake: FakeWechat) -> None:
    now = [0.0]
    client = WechatClient(wechat_settings(fake), cache=MemoryCache(clock=lambda: now[0]))
    first = client.jsapi_ticket()
    now[0] = 7200 - REFRESH_MARGIN - 1
    assert client.jsapi_ticket() == first
    now[0] = 7200 - REFRESH_MARGIN + 1  # still valid for WeChat, but due for a refresh
    assert client.jsapi_ticket() != first
    assert fake.calls == {"token": 2, "ticket": 2, "oauth": 0}


def test_an_expired_access_token_is_replaced_once(fake: FakeWechat) -> None:
    client = WechatClient(wechat_settings(fake), cache=MemoryCache())
    client.access_token()
    fake.expire_tokens()  # WeChat ends it early (42001), e.g. another system asked for one
    assert client.jsapi_ticket().startswith("ticket-")
    assert fake.calls["token"] == 2


def test_workers_share_one_token_through_redis(fake: FakeWechat) -> None:
    try:
        import redis

        redis.Redis.from_url("redis://127.0.0.1:6379/15").ping()
    except Exception:
        pytest.skip("no Redis on 127.0.0.1:6379")
    settings = wechat_settings(fake)
    workers = [WechatClient(settings, RedisCache("redis://127.0.0.1:6379/15")) for _ in range(3)]
    tickets = {worker.jsapi_ticket() for worker in workers}
    assert len(tickets) == 1
    assert fake.calls["token"] == 1 and fake.calls["ticket"] == 1
    redis.Redis.from_url("redis://127.0.0.1:6379/15").delete(
        f"quiz:wechat:{fake.app_id}:access_token", f"quiz:wechat:{fake.app_id}:jsapi_ticket"
    )
