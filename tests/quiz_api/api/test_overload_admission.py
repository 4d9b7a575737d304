"""Admission control's waiting room (quiz_api/api/overload.py: AdmissionControl), on a bare ASGI
app whose requests finish when the test says so."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable, Coroutine
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from starlette.types import Message

from quiz_api.api.overload import AdmissionControl


class Held:
    """An ASGI app: a request to /api/<name> runs until ``finish(name)``."""

    def __init__(self) -> None:
        self.started: list[str] = []
        self._finish: dict[str, asyncio.Event] = {}

    def _event(self, name: str) -> asyncio.Event:
        return self._finish.setdefault(name, asyncio.Event())

    def finish(self, name: str) -> None:
        self._event(name).set()

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        name = scope["path"].removeprefix("/api/")
        self.started.append(name)
        await self._event(name).wait()
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"{}"})


async def call(app: AdmissionControl, name: str) -> tuple[int, dict[str, str], Any]:
    """One request; its status, headers and JSON body."""
    sent: list[Message] = []

    async def receive() -> Message:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: Message) -> None:
        sent.append(message)

    scope = {"type": "http", "method": "POST", "path": f"/api/{name}", "headers": []}
    await app(scope, receive, send)
    headers = {k.decode(): v.decode() for k, v in sent[0].get("headers", [])}
    return sent[0]["status"], headers, json.loads(sent[1]["body"] or b"null")


def run(scenario: Callable[[], Coroutine[Any, Any, None]]) -> None:
    """Run a scenario in an event loop of its own thread: the browser tests' Playwright keeps
    a loop marked running in the main thread of the process that ran them."""
    with ThreadPoolExecutor(1) as thread:
        thread.submit(asyncio.run, scenario()).result(timeout=60)


async def settle() -> None:
    """Let every task that can run, run (no time passes)."""
    for _ in range(20):
        await asyncio.sleep(0)


def test_requests_beyond_the_bound_wait_their_turn_in_arrival_order() -> None:
    async def scenario() -> None:
        held = Held()
        app = AdmissionControl(held, limit=2, wait_seconds=30)
        tasks = [asyncio.create_task(call(app, name)) for name in "abcd"]
        await settle()
        assert held.started == ["a", "b"] and len(app.waiting) == 2
        held.finish("b")
        await settle()
        assert held.started == ["a", "b", "c"]  # the first to wait, not the last
        for name in "acd":
            held.finish(name)
        results = await asyncio.gather(*tasks)
        assert [status for status, _, _ in results] == [200, 200, 200, 200]
        assert (app.running, len(app.waiting), app.refused) == (0, 0, 0)

    run(scenario)


def test_a_request_that_waited_too_long_is_refused_having_done_nothing() -> None:
    async def scenario() -> None:
        held = Held()
        app = AdmissionControl(held, limit=1, wait_seconds=0.05)
        first = asyncio.create_task(call(app, "first"))
        await settle()
        status, headers, body = await call(app, "late")
        assert status == 503 and headers["retry-after"] == "2"
        assert headers["content-type"] == "application/problem+json"
        assert body["type"] == "/problems/server-busy"
        assert held.started == ["first"]  # "late" never reached the application
        held.finish("first")
        assert (await first)[0] == 200
        assert (app.running, len(app.waiting), app.refused) == (0, 0, 1)
        held.finish("again")
        assert (await call(app, "again"))[0] == 200  # the place is free again

    run(scenario)


def test_a_place_handed_to_a_request_cancelled_meanwhile_goes_to_the_next() -> None:
    async def scenario() -> None:
        held = Held()
        app = AdmissionControl(held, limit=1, wait_seconds=30)
        first = asyncio.create_task(call(app, "first"))
        await settle()
        gone = asyncio.create_task(call(app, "gone"))  # its phone goes away while it waits
        after = asyncio.create_task(call(app, "after"))
        await settle()
        hand_over = app._leave

        def hand_over_then_cancel() -> None:  # the place reaches "gone" as it is cancelled
            hand_over()
            gone.cancel()

        # Patching the instance's method is the way into this race; mypy forbids it in general.
        app._leave = hand_over_then_cancel  # type: ignore[method-assign]
        held.finish("first")
        await first
        await settle()
        assert gone.cancelled()
        assert held.started == ["first", "after"]  # "gone" passed its place on
        held.finish("after")
        assert (await after)[0] == 200
        assert (app.running, len(app.waiting)) == (0, 0)

    run(scenario)


def test_a_request_cancelled_while_it_waits_leaves_the_queue() -> None:
    async def scenario() -> None:
        held = Held()
        app = AdmissionControl(held, limit=1, wait_seconds=30)
        first = asyncio.create_task(call(app, "first"))
        await settle()
        gone = asyncio.create_task(call(app, "gone"))
        await settle()
        gone.cancel()
        await settle()
        assert len(app.waiting) == 0
        held.finish("first")
        await first
        assert (app.running, len(app.waiting)) == (0, 0)

    run(scenario)


def test_the_site_and_health_checks_are_never_held() -> None:
    async def scenario() -> None:
        held = Held()
        app = AdmissionControl(held, limit=1, wait_seconds=30)
        busy = asyncio.create_task(call(app, "busy"))
        await settle()
        seen: list[Message] = []

        async def receive() -> Message:
            raise AssertionError("a health check has no body to read")

        async def send(message: Message) -> None:
            seen.append(message)

        async def site(scope: Any, receive: Any, send: Any) -> None:
            await send({"type": "http.response.start", "status": 200, "headers": []})

        app.app = site  # what lies behind does not matter: it is called straight away
        scope = {"type": "http", "method": "GET", "path": "/healthz", "headers": []}
        await app(scope, receive, send)
        assert seen and seen[0]["status"] == 200
        app.app = held
        held.finish("busy")
        await busy

    run(scenario)
