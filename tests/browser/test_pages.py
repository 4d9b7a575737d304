"""Every page type on a phone in WeChat (375 x 667, Chromium): compressed files decoded by
the browser, elder mode (长辈模式) on and remembered, 200 % text without horizontal
scrolling, axe-core with no serious or critical violation in either mode, and no layout
shift while the page loads. Screenshots go to SHOTS (look at them)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from tests.plugins.browser import serious_violations

pytestmark = pytest.mark.browser

SHOTS = Path(os.environ.get("PAGES_SHOTS", "/tmp/pages_shots"))
PAGES = {
    "home-zh": "",
    "home-en": "en/",
    "home-ko": "ko/",
    "home-ja": "ja/",
    "post": "posts/2026-02-27-etomidate-vapes/",
    "knowledge": "en/knowledge/what-are-drugs/",
    "quiz": "quiz/",
    "daily": "ja/daily/",
    "exhibition": "exhibition/",
    "exhibition-ja": "ja/exhibition/",
}
# Controls an older reader taps: at least 60 x 60 CSS pixels in elder mode.
TARGETS = (
    "[data-sb-elder], .md-header__button:not(.md-logo), .md-nav__link, .qz-choice, "
    "#quiz-app button, .sbx-btn, .dq-choice, .dq-group, #daily-app .dq-btn"
)
CLS_OBSERVER = """
window.__cls = 0;
new PerformanceObserver(function (list) {
  list.getEntries().forEach(function (e) { if (!e.hadRecentInput) window.__cls += e.value; });
}).observe({ type: "layout-shift", buffered: true });
"""


def shot(page: Any, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"))


def small_targets(page: Any) -> list[str]:
    found: list[str] = page.evaluate(
        """(selector) => Array.from(document.querySelectorAll(selector))
          .filter((e) => e.offsetParent !== null && getComputedStyle(e).visibility !== "hidden")
          .map((e) => [e, e.getBoundingClientRect()])
          .filter(([e, r]) => r.width > 0 && (r.width < 59.5 || r.height < 59.5))
          .map(([e, r]) => `${e.className || e.tagName} ${Math.round(r.width)}x${Math.round(r.height)}`)""",
        TARGETS,
    )
    return found


def scroll_width(page: Any) -> int:
    width: int = page.evaluate("document.documentElement.scrollWidth")
    return width


def test_compressed_files_are_decoded_by_the_browser(context: Any, live: Any) -> None:
    page = context.new_page()
    encodings: dict[str, str] = {}
    page.on(
        "response",
        lambda r: encodings.__setitem__(r.url, r.headers.get("content-encoding", "")),
    )
    page.goto(live.base)
    page.wait_for_load_state("networkidle")
    theme = [url for url in encodings if "/stylesheets/main." in url]
    assert theme and encodings[theme[0]] == "br", encodings
    assert encodings[live.base] == "br"
    # Decoded: the theme's styles apply (the header is our teal) and the text is readable.
    header = page.evaluate("getComputedStyle(document.querySelector('.md-header')).backgroundColor")
    assert header == "rgb(0, 105, 92)"
    assert "禁毒" in page.inner_text("h1")


@pytest.mark.parametrize("name", list(PAGES))
def test_elder_mode_on_every_page_type(context: Any, live: Any, name: str) -> None:
    page = context.new_page()
    page.add_init_script(CLS_OBSERVER)
    page.goto(live.base + PAGES[name])
    page.wait_for_load_state("networkidle")
    if name == "quiz":
        page.wait_for_selector("#quiz-app[data-screen]:not([data-screen=loading])")
    if name == "daily":
        page.wait_for_selector(".dq-today[data-state=question], .dq-today[data-state=result]")
    cls: float = page.evaluate("window.__cls")
    assert cls < 0.1, f"layout shift {cls:.3f} while loading"
    assert scroll_width(page) <= 375
    assert serious_violations(page) == [], "normal mode"
    shot(page, f"{name}-normal")

    switch = page.locator("[data-sb-elder]")
    assert switch.is_visible() and switch.get_attribute("aria-pressed") == "false"
    switch.click()
    assert switch.get_attribute("aria-pressed") == "true"
    page.reload()  # remembered on the phone, applied before the first paint
    page.wait_for_load_state("networkidle")
    assert page.evaluate("document.documentElement.classList.contains('sb-elder')")
    text = "#quiz-app" if name == "quiz" else ".md-typeset"
    size, line = page.evaluate(
        f"""() => {{ const s = getComputedStyle(document.querySelector('{text}'));
            return [parseFloat(s.fontSize), parseFloat(s.lineHeight)]; }}"""
    )
    assert size >= 18 and line >= 1.3 * size, (size, line)
    assert small_targets(page) == []
    assert scroll_width(page) <= 375
    assert serious_violations(page) == [], "elder mode"
    shot(page, f"{name}-elder")

    # 200 % text (WeChat's largest font setting, or the browser's): the root size doubles,
    # everything in rem/em follows; nothing may need horizontal scrolling.
    page.add_style_tag(content="html { font-size: 250% !important; }")
    assert scroll_width(page) <= 375, "horizontal scroll at 200 % text"
    shot(page, f"{name}-elder-200")

    switch.click()  # off again, and remembered so
    page.reload()
    assert not page.evaluate("document.documentElement.classList.contains('sb-elder')")


def test_the_staff_login_does_not_move_while_it_loads(context: Any, live: Any) -> None:
    page = context.new_page()
    page.add_init_script(CLS_OBSERVER)
    page.goto(live.base + "staff/")
    page.wait_for_load_state("networkidle")
    cls: float = page.evaluate("window.__cls")
    assert cls < 0.1
    assert serious_violations(page) == []
    shot(page, "staff-login")
