"""The one headless Chromium of the run (Debian's package), the quiz H5 page's phone and
the steps through the page that several tests take.

Playwright's sync API allows one instance per process, so every browser test (site, quiz
H5, staff dashboard, exhibition) shares this session-wide browser."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Page, sync_playwright

from tests.plugins.server import Live

CHROMIUM = "/usr/bin/chromium"  # Debian's package; Playwright never downloads a browser here
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# The quiz H5 page is opened as a phone in WeChat's browser sees it.
WECHAT_UA = (
    "Mozilla/5.0 (Linux; Android 14; Pixel 7 Build/UQ1A.240205.004; wv) AppleWebKit/537.36 "
    "(KHTML, like Gecko) Version/4.0 Chrome/120.0.6099.230 Mobile Safari/537.36 XWEB/1200143 "
    "MMWEBSDK/20240301 MMWEBID/1234 MicroMessenger/8.0.49.2600(0x28003133) WeChat/arm64 "
    "Weixin NetType/WIFI Language/zh_CN ABI/arm64"
)
# WeChat's JS-SDK script, served in its place: records what the page configures and shares.
WX_STUB = """
window.wx = {
  config: function (c) { window.__wxConfig = c; },
  ready: function (f) { setTimeout(f, 0); },
  error: function () {},
  updateAppMessageShareData: function (card) { window.__wxShare = card; },
  updateTimelineShareData: function () {},
};
"""
SHOTS = Path(os.environ.get("QUIZ_H5_SHOTS", "/tmp/quiz_h5_shots"))
ROOTS = {"zh": "", "en": "en/", "ko": "ko/", "ja": "ja/"}  # each language's folder of the site


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not os.path.exists(CHROMIUM):
        pytest.fail(
            "Debian's chromium is missing: run `make system-deps` (apt-get install chromium)"
        )
    with sync_playwright() as p:
        instance = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture
def context(browser: Browser) -> Iterator[BrowserContext]:
    ctx = browser.new_context(
        viewport={"width": 375, "height": 667},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        user_agent=WECHAT_UA,
    )
    yield ctx
    ctx.close()


def wechat_context(browser: Browser) -> BrowserContext:
    """A phone inside WeChat (375 x 667, WeChat's user agent) whose JS-SDK is WX_STUB: the
    page's configuration lands in ``window.__wxConfig``, its share card in
    ``window.__wxShare``. The caller closes it."""
    ctx = browser.new_context(
        viewport={"width": 375, "height": 667}, is_mobile=True, user_agent=WECHAT_UA
    )
    ctx.route(
        "https://res.wx.qq.com/**",
        lambda route: route.fulfill(body=WX_STUB, content_type="text/javascript"),
    )
    return ctx


def serious_violations(page: Page, context: str | None = None) -> list[str]:
    """axe-core's serious and critical violations on the page (or in the ``context``
    selector), each with its rule, impact, help and first three targets."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, context=context)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
        if v.get("impact") in {"serious", "critical"}
    ]


class Phone:
    """A page with its console errors recorded, and screenshots saved under SHOTS."""

    def __init__(self, page: Page, base: str) -> None:
        self.page = page
        self.base = base
        self.errors: list[str] = []
        page.on("pageerror", lambda exc: self.errors.append(f"pageerror: {exc}"))
        page.on("console", self._console)

    def _console(self, message: ConsoleMessage) -> None:
        # Failed requests are expected while the tests take the network offline.
        if message.type == "error" and "Failed to load resource" not in message.text:
            self.errors.append(message.text)

    def open(self, path: str) -> None:
        self.page.goto(self.base + path)
        self.page.wait_for_selector("#quiz-app[data-screen]:not([data-screen=loading])")

    def screen(self) -> str:
        value: str = self.page.get_attribute("#quiz-app", "data-screen") or ""
        return value

    def wait_screen(self, name: str) -> None:
        self.page.wait_for_selector(f"#quiz-app[data-screen={name}]")

    def shot(self, name: str) -> None:
        """What the phone shows with the app's screen scrolled into view (a full-page shot
        would draw the theme's sticky header in the middle of the page)."""
        SHOTS.mkdir(parents=True, exist_ok=True)
        self.page.evaluate("document.getElementById('quiz-app').scrollIntoView()")
        self.page.screenshot(path=str(SHOTS / f"{name}.png"))


@pytest.fixture
def phone(context: BrowserContext, live: Live) -> Phone:
    return Phone(context.new_page(), live.base)


# ---------------------------------------------------------------------------- quiz page steps
def stored(phone: Phone) -> dict[str, Any]:
    """What the page keeps on the device for the campaign of its URL (none named: "-")."""
    value: dict[str, Any] = phone.page.evaluate(
        "JSON.parse(localStorage.getItem('quiz:v1:' + "
        "(new URLSearchParams(location.search).get('campaign') || '-')))"
    )
    return value


def choose_adult(phone: Phone, nickname: str) -> None:
    phone.wait_screen("track")
    phone.page.check("input[name=qz-track][value=adult]")
    phone.page.fill("#qz-nickname", nickname)
    phone.page.click("#quiz-app button[type=submit]")
    phone.wait_screen("rules")


def start_quiz(phone: Phone, shot: str | None = None) -> int:
    if shot:
        phone.shot(shot)
    phone.page.check("#qz-agree")
    phone.page.click("#quiz-app button[type=submit]")
    phone.wait_screen("question")
    return int(stored(phone)["attempt"]["attempt_id"])


def current_question(phone: Phone) -> str:
    name: str = phone.page.get_attribute(".qz-option input >> nth=0", "name") or ""
    return name.removeprefix("qz-")


def answer(phone: Phone, key: dict[str, list[str]] | None, upto: int | None = None) -> int:
    """Answer from the current question on (right ones from ``key``, else option A), moving
    forward, until the last question (or ``upto`` questions). Returns how many."""
    done = 0
    while True:
        qid = current_question(phone)
        for letter in key[qid] if key else ["A"]:
            phone.page.check(f".qz-option input[value={letter}]")
        done += 1
        if upto is not None and done >= upto:
            return done
        next_button = phone.page.locator("#quiz-app .qz-row .qz-btn--primary")
        if next_button.get_attribute("data-action") == "submit":
            return done
        next_button.click()
        phone.page.wait_for_function(
            "qid => !document.querySelector(`.qz-option input[name=qz-${qid}]`)", arg=qid
        )


def submit(phone: Phone) -> None:
    phone.page.click("#quiz-app [data-action=submit]")
    confirm = phone.page.locator("#quiz-app .qz-confirm [data-action=submit-anyway]")
    if confirm.count():
        confirm.click()
