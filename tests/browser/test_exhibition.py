"""The VR exhibition hall in Chromium.

The site under test is the sample content plus the real content/exhibition/ (the hall the
office ships), built once per session and served locally (tests/plugins/site.py:
hall_server). The tests run at phone size (375 x 667); the visit counter API is answered by
the test (the static server has no API) and every request it gets is recorded. Screenshots
go to /tmp/sbx-shots/.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import (
    Browser,
    BrowserContext,
    ConsoleMessage,
    Page,
    Request,
    Route,
    ViewportSize,
)

from site_builder import LANGS

SHOTS = Path("/tmp/sbx-shots")
PHONE: ViewportSize = {"width": 375, "height": 667}
ROOTS = {"zh": "", "en": "en/", "ko": "ko/", "ja": "ja/"}


class Hall:
    """A phone-size page on the hall, with console errors and visit counts recorded."""

    def __init__(self, context: BrowserContext, base: str) -> None:
        self.page = context.new_page()
        self.page.set_default_timeout(15_000)
        self.base = base
        self.errors: list[str] = []
        self.offsite: list[str] = []
        self.visits: list[str] = []
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda exc: self.errors.append(f"pageerror: {exc}"))
        self.page.on("request", self._request)
        self.page.route("**/api/v1/visits", self._visit)

    def _console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            self.errors.append(message.text)

    def _request(self, request: Request) -> None:
        url: str = request.url
        if not url.startswith((self.base, "data:", "blob:", "about:")):
            self.offsite.append(url)

    def _visit(self, route: Route) -> None:
        request = route.request
        assert request.method == "POST"
        assert request.headers.get("content-type") == "application/json"
        assert "cookie" not in request.headers
        assert request.post_data is not None
        self.visits.append(json.loads(request.post_data)["page"])
        route.fulfill(status=204)

    def open(self, path: str) -> None:
        self.page.goto(self.base + path)

    def loaded(self, room: str) -> None:
        self.page.wait_for_selector(f'.sbx-hall[data-loaded="{room}"]')

    def yaw(self) -> float:
        return float(self.page.evaluate("window.sbExhibition.viewer.getYaw()"))

    def shot(self, name: str) -> None:
        SHOTS.mkdir(exist_ok=True)
        self.page.screenshot(path=str(SHOTS / f"{name}.png"))

    def check(self) -> None:
        assert self.errors == [], self.errors
        assert self.offsite == [], self.offsite


@pytest.fixture
def hall(browser: Browser, hall_server: str) -> Iterator[Hall]:
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    h = Hall(context, hall_server)
    yield h
    context.close()
    h.check()


@pytest.mark.browser
@pytest.mark.parametrize("lang", LANGS)
def test_hall_loads_and_counts_the_room(hall: Hall, lang: str) -> None:
    hall.open(ROOTS[lang] + "exhibition/")
    hall.loaded("overview")
    page = hall.page
    page.locator(".sbx-hall").scroll_into_view_if_needed()
    hall.shot(f"hall-{lang}")
    pano = page.locator("#sbx-pano")
    assert pano.is_visible()
    box = pano.bounding_box()
    assert box is not None and box["width"] >= 300 and box["height"] >= 250
    # the first room's six faces were fetched from the site
    assert page.locator("#sbx-pano canvas, #sbx-pano .pnlm-world").count() >= 1
    assert (
        page.locator(".sbx-where")
        .inner_text()
        .startswith({"zh": "第1/14", "en": "Room 1 of 14", "ko": "14곳 중 1", "ja": "1 / 14"}[lang])
    )
    assert hall.visits == [f"exhibition/{lang}/overview"]
    # no horizontal scrolling on a phone
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"] + 1


def drag(hall: Hall, dx: float) -> None:
    box = hall.page.locator("#sbx-pano").bounding_box()
    assert box is not None
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    mouse = hall.page.mouse
    mouse.move(x, y)
    mouse.down()
    mouse.move(x + dx, y, steps=10)
    mouse.up()


@pytest.mark.browser
def test_a_drag_turns_the_view(hall: Hall) -> None:
    hall.open("en/exhibition/")
    hall.loaded("overview")
    hall.page.locator(".sbx-hall").scroll_into_view_if_needed()
    before = hall.yaw()
    drag(hall, -160)  # drag the picture to the left: look to the right
    hall.page.wait_for_function(f"Math.abs(window.sbExhibition.viewer.getYaw() - {before}) > 10")
    assert hall.yaw() > before + 10
    hall.shot("hall-en-dragged")


@pytest.mark.browser
def test_a_hotspot_opens_its_board(hall: Hall) -> None:
    hall.open("exhibition/")
    hall.loaded("overview")
    page = hall.page
    page.locator(".sbx-hall").scroll_into_view_if_needed()
    data = page.evaluate("window.sbExhibition.rooms[0].boards[0]")
    page.evaluate(
        f"window.sbExhibition.viewer.lookAt({data['pitch'] - 10}, {data['yaw'] - 15}, 95, false)"
    )
    spot = page.locator(f'.sbx-hs[data-board="{data["id"]}"]')
    spot.click()
    dialog = page.locator("dialog.sbx-dialog")
    assert dialog.is_visible()
    assert page.locator("#sbx-dialog-title").inner_text() == "十四个板块"
    assert "2015年以来" in dialog.inner_text()
    hall.shot("hall-zh-board")
    page.keyboard.press("Escape")
    assert dialog.is_hidden()


@pytest.mark.browser
def test_the_next_room_arrow_walks_on(hall: Hall) -> None:
    hall.open("ko/exhibition/")
    hall.loaded("overview")
    page = hall.page
    page.locator(".sbx-hall").scroll_into_view_if_needed()
    page.locator(".sbx-hs--next").click()
    hall.loaded("leadership")
    page.wait_for_selector(".pnlm-fade-img", state="detached")  # the cross-fade has ended
    assert "당정의 중시" in page.locator(".sbx-where").inner_text()
    assert page.locator(".sbx-hs--prev").count() == 1
    hall.shot("hall-ko-room2")
    assert hall.visits == ["exhibition/ko/overview", "exhibition/ko/leadership"]


@pytest.mark.browser
def test_keyboard_users_walk_and_read_with_buttons(hall: Hall) -> None:
    hall.open("ja/exhibition/")
    hall.loaded("overview")
    page = hall.page
    next_button = page.locator("button.sbx-next")
    next_button.focus()
    page.keyboard.press("Enter")
    hall.loaded("leadership")
    page.keyboard.press("Enter")
    hall.loaded("prevention")
    assert page.locator("button.sbx-prev").is_enabled()
    board = page.locator("button.sbx-board-btn").first
    board.focus()
    page.keyboard.press("Enter")
    dialog = page.locator("dialog.sbx-dialog")
    assert dialog.is_visible()
    assert "オンラインチャレンジ" in page.locator("#sbx-dialog-title").inner_text()
    # focus is in the dialog; closing it returns focus to the button that opened it
    assert page.evaluate("document.activeElement.classList.contains('sbx-close')")
    page.keyboard.press("Enter")
    assert dialog.is_hidden()
    assert page.evaluate("document.activeElement.classList.contains('sbx-board-btn')")
    # the text version's button shows its room in the hall
    page.locator("#s-results .sbx-enter").click()
    hall.loaded("results")
    assert page.locator("button.sbx-next").is_disabled()


@pytest.mark.browser
def test_without_webgl_the_hall_still_turns(browser: Browser, hall_server: str) -> None:
    context = browser.new_context(viewport=PHONE)
    context.add_init_script(
        """
        const original = HTMLCanvasElement.prototype.getContext;
        HTMLCanvasElement.prototype.getContext = function (kind, ...rest) {
          return /webgl/i.test(kind) ? null : original.call(this, kind, ...rest);
        };
        """
    )
    hall = Hall(context, hall_server)
    hall.open("exhibition/")
    hall.loaded("overview")
    page = hall.page
    page.locator(".sbx-hall").scroll_into_view_if_needed()
    assert page.locator("#sbx-pano .pnlm-world").count() == 1  # Pannellum's CSS 3D renderer
    before = hall.yaw()
    drag(hall, -160)
    page.wait_for_function(f"Math.abs(window.sbExhibition.viewer.getYaw() - {before}) > 10")
    hall.shot("hall-zh-css-fallback")
    context.close()
    hall.check()


@pytest.mark.browser
def test_when_the_viewer_cannot_start_the_text_remains(browser: Browser, hall_server: str) -> None:
    context = browser.new_context(viewport=PHONE)
    hall = Hall(context, hall_server)
    hall.page.route("**/assets/pannellum.*.js", lambda route: route.fulfill(body="", status=200))
    hall.open("en/exhibition/")
    page = hall.page
    page.wait_for_selector(".sbx-failed")
    assert "text version below" in page.locator(".sbx-failed").inner_text()
    assert page.locator(".sbx-section").count() == 14
    assert hall.visits == ["exhibition/en/text"]
    context.close()
    hall.check()


SERIOUS = {"serious", "critical"}


def axe_violations(page: Page) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
        if v.get("impact") in SERIOUS
    ]


@pytest.mark.browser
@pytest.mark.parametrize("lang", LANGS)
def test_text_version_alone_passes_axe(browser: Browser, hall_server: str, lang: str) -> None:
    # The page as a browser without the hall's scripts gets it (JavaScript off, or the
    # scripts failed): only the text version.
    context = browser.new_context(viewport=PHONE)
    hall = Hall(context, hall_server)
    page = hall.page
    for pattern in ("**/assets/exhibition.*.js", "**/assets/pannellum.*.js"):
        page.route(pattern, lambda route: route.fulfill(body="", status=200))
    hall.open(ROOTS[lang] + "exhibition/")
    page.wait_for_load_state("networkidle")
    assert page.locator(".sbx-section").count() == 14
    assert page.locator("#sbx-pano").count() == 0
    violations = axe_violations(page)
    hall.shot(f"text-{lang}")
    context.close()
    hall.check()
    assert violations == [], "\n".join(violations)


@pytest.mark.browser
def test_hall_with_its_dialog_passes_axe(hall: Hall) -> None:
    hall.open("en/exhibition/")
    hall.loaded("overview")
    hall.page.locator("button.sbx-board-btn").first.click()
    assert hall.page.locator("dialog.sbx-dialog").is_visible()
    violations = axe_violations(hall.page)
    assert violations == [], "\n".join(violations)
