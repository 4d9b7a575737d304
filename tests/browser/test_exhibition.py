"""The VR exhibition hall in Chromium.

The site under test is the sample content plus the real content/exhibition/ (the hall the
office ships), built once per session and served locally (tests/plugins/site.py:
hall_server). The tests run as a phone in WeChat (375 x 667); the visit counter API is
answered by the test (the static server has no API) and every request is recorded: the page
is the text version and the first room's preview, and only a tap on "Enter the VR hall"
fetches the viewer and the room. Screenshots go to EXHIBITION_SHOTS (default
/tmp/sbx-shots/).
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import (
    Browser,
    BrowserContext,
    ConsoleMessage,
    Request,
    Route,
    ViewportSize,
)

from site_builder import LANGS
from tests.plugins.browser import WECHAT_UA, serious_violations

SHOTS = Path(os.environ.get("EXHIBITION_SHOTS", "/tmp/sbx-shots"))
PHONE: ViewportSize = {"width": 375, "height": 667}
ROOTS = {"zh": "", "en": "en/", "ko": "ko/", "ja": "ja/"}
# What the viewer fetches: Pannellum's files and the rooms (not the preview, nor board photos).
VIEWER = re.compile(
    r"/assets/pannellum\.[0-9a-f]+\.(js|css)$|/exhibition/rooms/(?!preview-|photo-)"
)
CLS_OBSERVER = """
window.__cls = 0;
new PerformanceObserver(function (list) {
  list.getEntries().forEach(function (e) { if (!e.hadRecentInput) window.__cls += e.value; });
}).observe({ type: "layout-shift", buffered: true });
"""


def phone(browser: Browser) -> BrowserContext:
    """A phone in WeChat's browser."""
    return browser.new_context(
        viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True, user_agent=WECHAT_UA
    )


class Hall:
    """A phone-size page on the hall, with console errors and visit counts recorded."""

    def __init__(self, context: BrowserContext, base: str) -> None:
        self.page = context.new_page()
        self.page.set_default_timeout(15_000)
        self.base = base
        self.errors: list[str] = []
        self.offsite: list[str] = []
        self.visits: list[str] = []
        self.requests: list[str] = []
        self.page.add_init_script(CLS_OBSERVER)
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda exc: self.errors.append(f"pageerror: {exc}"))
        self.page.on("request", self._request)
        self.page.route("**/api/v1/visits", self._visit)

    def _console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            self.errors.append(message.text)

    def _request(self, request: Request) -> None:
        url: str = request.url
        self.requests.append(url)
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

    def viewer_requests(self) -> list[str]:
        return [url for url in self.requests if VIEWER.search(url)]

    def cls(self) -> float:
        return float(self.page.evaluate("window.__cls"))

    def enter(self) -> None:
        """Tap "Enter the VR hall"."""
        self.page.locator("button.sbx-start").tap()

    def loaded(self, room: str) -> None:
        self.page.wait_for_selector(f'.sbx-hall[data-loaded="{room}"]')

    def yaw(self) -> float:
        return float(self.page.evaluate("window.sbExhibition.viewer.getYaw()"))

    def shot(self, name: str) -> None:
        SHOTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(SHOTS / f"exhibition-{name}.png"))

    def check(self) -> None:
        assert self.errors == [], self.errors
        assert self.offsite == [], self.offsite


@pytest.fixture
def hall(browser: Browser, hall_server: str) -> Iterator[Hall]:
    context = phone(browser)
    h = Hall(context, hall_server)
    yield h
    context.close()
    h.check()


@pytest.mark.browser
@pytest.mark.parametrize("lang", LANGS)
def test_the_viewer_loads_on_the_tap_and_counts_the_room(hall: Hall, lang: str) -> None:
    hall.open(ROOTS[lang] + "exhibition/")
    page = hall.page
    page.wait_for_load_state("networkidle")
    # Before the tap: the text version and the first room's light preview, nothing of the
    # viewer fetched, nothing counted.
    assert page.locator(".sbx-section").count() == 14
    assert hall.viewer_requests() == []
    assert hall.visits == []
    preview = page.locator("img.sbx-preview")
    assert preview.get_attribute("width") and preview.get_attribute("height")
    assert page.evaluate("document.querySelector('img.sbx-preview').naturalWidth") > 0
    stage = page.locator(".sbx-stage").bounding_box()
    assert stage is not None and stage["width"] >= 300 and stage["height"] >= 250
    button = page.locator("button.sbx-start")
    assert (
        button.inner_text()
        == {
            "zh": "进入VR展厅",
            "en": "Enter the VR hall",
            "ko": "VR 전시관 입장",
            "ja": "VR展示館に入る",
        }[lang]
    )
    assert button.is_visible() and button.is_enabled()
    hall.shot(f"before-{lang}")

    hall.enter()
    hall.loaded("overview")
    # The viewer took the preview's place, at its size.
    pano = page.locator("#sbx-pano").bounding_box()
    assert pano is not None
    assert (round(pano["width"]), round(pano["height"])) == (
        round(stage["width"]),
        round(stage["height"]),
    )
    assert page.locator("#sbx-pano canvas, #sbx-pano .pnlm-world").count() >= 1
    fetched = hall.viewer_requests()
    assert sum(url.endswith(".js") for url in fetched) == 1  # Pannellum
    assert sum(url.endswith(".css") for url in fetched) == 1
    first = page.evaluate("window.sbExhibition.rooms[0].faces")
    assert sorted(u.split("/exhibition/")[1] for u in fetched if "/rooms/" in u) == sorted(first)
    assert (
        page.locator(".sbx-where")
        .inner_text()
        .startswith({"zh": "第1/14", "en": "Room 1 of 14", "ko": "14곳 중 1", "ja": "1 / 14"}[lang])
    )
    assert hall.visits == [f"exhibition/{lang}/overview"]
    # no horizontal scrolling on a phone
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"] + 1
    page.locator(".sbx-hall").scroll_into_view_if_needed()
    hall.shot(f"after-{lang}")


@pytest.mark.browser
def test_nothing_moves_while_loading_nor_when_the_viewer_arrives(hall: Hall) -> None:
    hall.open("exhibition/")
    page = hall.page
    page.wait_for_load_state("networkidle")
    assert hall.cls() < 0.1, f"layout shift {hall.cls():.3f} while the page loads"
    text_top = page.locator("#sbx-text").bounding_box()
    hall.enter()
    hall.loaded("overview")
    page.wait_for_load_state("networkidle")
    # The hall's controls appear with the tap (input), the viewer in the preview's box: no
    # shift is counted after it, and the text version is where the hall's controls end.
    assert hall.cls() < 0.1, f"layout shift {hall.cls():.3f} after the tap"
    after = page.locator("#sbx-text").bounding_box()
    assert text_top is not None and after is not None and after["y"] >= text_top["y"]


@pytest.mark.browser
def test_a_rooms_button_starts_the_hall_at_that_room_with_one_viewer(hall: Hall) -> None:
    hall.open("en/exhibition/")
    page = hall.page
    page.locator("#s-results .sbx-enter").click()
    hall.loaded("results")
    assert "Room 14 of 14" in page.locator(".sbx-where").inner_text()
    page.locator("#s-overview .sbx-enter").click()
    hall.loaded("overview")
    assert page.locator(".pnlm-container").count() == 1  # one viewer for the whole hall
    assert page.locator("button.sbx-start").count() == 0
    assert hall.visits == ["exhibition/en/results", "exhibition/en/overview"]


@pytest.mark.browser
def test_elder_mode_targets_before_and_after_the_tap(hall: Hall) -> None:
    page = hall.page
    page.add_init_script("localStorage.setItem('sb:elder', '1')")
    hall.open("ja/exhibition/")
    page.wait_for_load_state("networkidle")
    assert page.evaluate("document.documentElement.classList.contains('sb-elder')")
    small = """() => Array.from(document.querySelectorAll('.sbx-hall button, .sbx-enter'))
      .filter((e) => e.offsetParent !== null)
      .map((e) => [e.className, e.getBoundingClientRect()])
      .filter(([c, r]) => r.width < 59.5 || r.height < 59.5)
      .map(([c, r]) => `${c} ${Math.round(r.width)}x${Math.round(r.height)}`)"""
    assert page.locator("button.sbx-start").is_visible()
    assert page.evaluate(small) == []
    assert hall.cls() < 0.1
    hall.shot("elder-before")
    hall.enter()
    hall.loaded("overview")
    assert page.locator(".sbx-hall button").count() >= 4  # previous, next, the boards
    assert page.evaluate(small) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"] + 1
    page.locator(".sbx-hall").scroll_into_view_if_needed()
    hall.shot("elder-after")


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
    hall.enter()
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
    hall.enter()
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
    hall.enter()
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
    page = hall.page
    start = page.locator("button.sbx-start")
    start.focus()
    page.keyboard.press("Enter")  # the hall starts from the keyboard too
    hall.loaded("overview")
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
    context = phone(browser)
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
    hall.enter()
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
    context = phone(browser)
    hall = Hall(context, hall_server)
    hall.page.route("**/assets/pannellum.*.js", lambda route: route.fulfill(body="", status=200))
    hall.open("en/exhibition/")
    page = hall.page
    hall.enter()
    page.wait_for_selector(".sbx-failed")
    assert "text version below" in page.locator(".sbx-failed").inner_text()
    assert page.locator(".sbx-section").count() == 14
    assert hall.visits == ["exhibition/en/text"]
    context.close()
    hall.check()


@pytest.mark.browser
@pytest.mark.parametrize("lang", LANGS)
def test_text_version_alone_passes_axe(browser: Browser, hall_server: str, lang: str) -> None:
    # The page as a browser without the hall's scripts gets it (JavaScript off, or the
    # scripts failed): only the text version.
    context = phone(browser)
    hall = Hall(context, hall_server)
    page = hall.page
    for pattern in ("**/assets/exhibition.*.js", "**/assets/pannellum.*.js"):
        page.route(pattern, lambda route: route.fulfill(body="", status=200))
    hall.open(ROOTS[lang] + "exhibition/")
    page.wait_for_load_state("networkidle")
    assert page.locator(".sbx-section").count() == 14
    assert page.locator("#sbx-pano").count() == 0
    assert page.locator("#s-overview h3").is_visible()
    assert page.locator("#s-overview .sbx-board").first.is_visible()
    violations = serious_violations(page)
    hall.shot(f"text-{lang}")
    context.close()
    hall.check()
    assert violations == [], "\n".join(violations)


@pytest.mark.browser
def test_page_then_hall_with_its_dialog_pass_axe(hall: Hall) -> None:
    hall.open("en/exhibition/")
    page = hall.page
    page.wait_for_load_state("networkidle")
    before = serious_violations(page)  # the page as it loads: text version, preview, buttons
    assert before == [], "\n".join(before)
    hall.enter()
    hall.loaded("overview")
    hall.page.locator("button.sbx-board-btn").first.click()
    assert hall.page.locator("dialog.sbx-dialog").is_visible()
    violations = serious_violations(hall.page)
    assert violations == [], "\n".join(violations)
