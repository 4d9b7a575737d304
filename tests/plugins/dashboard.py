"""The staff dashboard in headless Chromium: a page whose every request is answered by the
test client (no server, nothing from outside), and signing in: ``signed_in(role, ...)``
creates a staff account of that role and signs it in on a new page."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from urllib.parse import urlsplit

import pytest
from fastapi.testclient import TestClient
from playwright.sync_api import Browser, BrowserContext, Page, Route

from tests.plugins.staff import PASSWORD, StaffFactory

ORIGIN = "http://dashboard.test"


OpenPage = Callable[[int, int], Page]


@pytest.fixture
def page_errors() -> list[str]:
    """The uncaught exceptions of every page the test opened."""
    return []


@pytest.fixture
def open_page(browser: Browser, client: TestClient, page_errors: list[str]) -> Iterator[OpenPage]:
    """A function opening the dashboard at a viewport size; every request goes to the app."""
    contexts: list[BrowserContext] = []
    outside: list[str] = []

    def forward(route: Route) -> None:
        request = route.request
        parts = urlsplit(request.url)
        if f"{parts.scheme}://{parts.netloc}" != ORIGIN:
            outside.append(request.url)
            route.abort()
            return
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        headers = {
            k: v
            for k, v in request.headers.items()
            if k.lower() in ("authorization", "content-type")
        }
        response = client.request(
            request.method,
            path,
            headers=headers,
            content=request.post_data_buffer,
            follow_redirects=False,
        )
        route.fulfill(
            status=response.status_code, headers=dict(response.headers), body=response.content
        )

    def open_(width: int, height: int) -> Page:
        context = browser.new_context(
            viewport={"width": width, "height": height}, accept_downloads=True, locale="zh-CN"
        )
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(60_000)  # a busy test machine; the waits end on events
        page.route("**/*", forward)
        page.on("pageerror", lambda exc: page_errors.append(str(exc)))
        page.goto(f"{ORIGIN}/staff/")
        return page

    yield open_
    for context in contexts:
        context.close()
    assert outside == []  # nothing was asked of another host


def sign_in(page: Page, username: str) -> None:
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.click("#login-form button[type=submit]")


@dataclass
class SignedIn:
    """``signed_in("school", username="t", school="S001", lang="ja")``: a staff account of
    that role, signed in on a new dashboard page of ``size`` (in ``lang``, chosen on the
    sign-in form; else the page's Chinese). Returns the page and the account's API headers."""

    open_page: OpenPage
    staff: StaffFactory

    def __call__(
        self,
        role: str,
        *,
        username: str,
        size: tuple[int, int] = (375, 667),
        lang: str | None = None,
        school: str | None = None,
        district: str | None = None,
    ) -> tuple[Page, dict[str, str]]:
        headers = self.staff(role, school=school, district=district, username=username)
        page = self.open_page(*size)
        if lang is not None:
            page.select_option("#lang", lang)
        sign_in(page, username)
        return page, headers


@pytest.fixture
def signed_in(open_page: OpenPage, staff: StaffFactory) -> SignedIn:
    return SignedIn(open_page, staff)
