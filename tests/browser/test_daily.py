"""The daily question (每日一问) on a phone in WeChat (375 x 667, Chromium): a new visitor
answers today's question and sees the verdict in words and an icon, the explanation, the
source, the day's share and a streak of 1, with the token stored where the quiz app finds
it; a reload shows the stored answer; the home page's block with the API up and down; elder
mode; axe-core; the share card signed inside WeChat. Screenshots go to SHOTS (look at them)."""

from __future__ import annotations

import gzip
import hashlib
import os
from pathlib import Path
from typing import Any

import httpx2 as httpx
import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Response

from tests.plugins.browser import WECHAT_UA, Phone, serious_violations, stored, wechat_context
from tests.plugins.server import Live
from tests.plugins.wechat import FakeWechat

pytestmark = pytest.mark.browser

SHOTS = Path(os.environ.get("DAILY_SHOTS", "/tmp/daily_shots"))
CLS_OBSERVER = """
window.__cls = 0;
new PerformanceObserver(function (list) {
  list.getEntries().forEach(function (e) { if (!e.hadRecentInput) window.__cls += e.value; });
}).observe({ type: "layout-shift", buffered: true });
"""
BUDGET = 60 * 1024  # first load, gzipped: HTML + CSS + JS (the quiz page's budget)
TARGETS = ".dq-choice, .dq-group, #daily-app .dq-btn, .dq-answer summary, [data-sb-elder]"


def shot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"daily-{name}.png"))


def open_daily(phone: Phone, path: str = "en/daily/") -> None:
    phone.page.goto(phone.base + path)
    phone.page.wait_for_selector(".dq-today[data-state=question], .dq-today[data-state=result]")


def today(live: Live, lang: str) -> dict[str, Any]:
    response = httpx.get(f"{live.base}api/v1/daily/adult?lang={lang}", timeout=10)
    assert response.status_code == 200
    body: dict[str, Any] = response.json()
    return body


def test_a_new_visitor_answers_and_a_reload_shows_the_answer(phone: Phone, live: Live) -> None:
    phone.page.add_init_script(CLS_OBSERVER)
    open_daily(phone)
    assert not (stored(phone) or {}).get("token")
    question = today(live, "en")["question"]
    assert phone.page.inner_text(".dq-today legend.dq-stem") == question["stem"]
    assert phone.page.locator(".dq-choice").count() == len(question["options"])
    assert phone.page.evaluate("window.__cls") < 0.1
    shot(phone.page, "question-phone")

    phone.page.click(".dq-today button[type=submit]")  # nothing chosen yet
    assert "choose an answer" in phone.page.inner_text(".dq-error")
    phone.page.check(".dq-choice input >> nth=0")
    phone.page.click(".dq-today button[type=submit]")
    phone.page.wait_for_selector(".dq-today[data-state=result]")

    verdict = phone.page.locator(".dq-verdict")
    correct = "is-right" in (verdict.get_attribute("class") or "")
    # Right or wrong in words and an icon, not colour alone.
    assert verdict.inner_text().split() == (
        ["✓", "Right!"] if correct else ["✗", "Not", "right", "this", "time"]
    )
    result = phone.page.inner_text(".dq-today")
    assert "Explanation:" in result and "Source:" in result
    assert "Days in a row: 1 (best: 1)" in result
    assert "You are the first to answer today" in result or "people who answered today" in result
    assert phone.page.locator(".dq-option.is-key .dq-tag").first.inner_text() == "Correct answer"
    assert phone.page.get_attribute(".dq-today a[href='#archive']", "href") == "#archive"
    shot(phone.page, "result-phone")

    token = stored(phone)["token"]
    assert token
    ((answers,),) = live.sql("SELECT count(*) FROM daily_answer")
    assert answers >= 1

    phone.page.reload()
    phone.page.wait_for_selector(".dq-today[data-state=result]")
    assert "Days in a row: 1 (best: 1)" in phone.page.inner_text(".dq-today")
    assert stored(phone)["token"] == token

    # The quiz app finds the same token on the phone: the visitor is its adult participant.
    phone.open("en/quiz/")
    phone.page.wait_for_function("() => JSON.parse(localStorage.getItem('quiz:v1:-')).participant")
    assert stored(phone)["token"] == token and stored(phone)["participant"]["track"] == "adult"
    assert phone.errors == []


def test_a_wrong_answer_says_so_in_words_and_counts_in_the_share(
    browser: Browser, live: Live
) -> None:
    """Two visitors: the first learns the key, the second answers wrong."""

    def visitor() -> tuple[BrowserContext, Phone]:
        ctx = browser.new_context(
            viewport={"width": 375, "height": 667}, is_mobile=True, user_agent=WECHAT_UA
        )
        return ctx, Phone(ctx.new_page(), live.base)

    ctx, first = visitor()
    open_daily(first, "daily/")
    first.page.check(".dq-choice input >> nth=0")
    first.page.click(".dq-today button[type=submit]")
    first.page.wait_for_selector(".dq-today[data-state=result]")
    key = first.page.eval_on_selector_all(
        ".dq-option.is-key", "items => items.map(i => i.textContent.trim()[1])"
    )
    ctx.close()

    ctx, second = visitor()
    open_daily(second, "daily/")
    options = second.page.eval_on_selector_all(
        ".dq-choice input", "inputs => inputs.map(i => i.value)"
    )
    wrong = next(o for o in options if o not in key)
    second.page.check(f".dq-choice input[value={wrong}]")
    second.page.click(".dq-today button[type=submit]")
    second.page.wait_for_selector(".dq-today[data-state=result]")
    assert second.page.inner_text(".dq-verdict").split() == ["✗", "答错了"]
    chosen = second.page.locator(".dq-option.is-chosen")
    assert "你的答案" in chosen.inner_text() and "✗" in chosen.inner_text()
    assert "人作答" in second.page.inner_text(".dq-facts")  # two answers at least: a share
    second.page.locator(".dq-verdict").scroll_into_view_if_needed()
    shot(second.page, "wrong-phone")
    assert second.errors == []
    ctx.close()


def test_the_archive_lists_past_days_and_loads_more(phone: Phone) -> None:
    open_daily(phone, "daily/")
    days = phone.page.locator(".dq-days > li")
    days.first.wait_for()
    assert days.count() == 7
    first = phone.page.inner_text(".dq-days > li >> nth=0 >> h3")
    phone.page.click("[data-action=more]")
    phone.page.wait_for_function("() => document.querySelectorAll('.dq-days > li').length > 7")
    assert phone.page.inner_text(".dq-days > li >> nth=0 >> h3") == first  # appended, not replaced
    item = phone.page.locator(".dq-days > li >> nth=0")
    item.locator("summary").click()
    assert "正确答案" in item.inner_text() and "依据" in item.inner_text()
    phone.page.locator("#archive").scroll_into_view_if_needed()
    shot(phone.page, "archive-phone")
    assert phone.errors == []


def test_a_student_without_a_token_is_sent_to_join(phone: Phone) -> None:
    open_daily(phone, "ja/daily/")
    phone.page.check("input[name=dq-group][value=secondary]")
    phone.page.wait_for_selector(".dq-today[data-state=question]")
    phone.page.check(".dq-choice input >> nth=0")
    phone.page.click(".dq-today button[type=submit]")
    link = phone.page.locator(".dq-error a")
    link.wait_for()
    assert link.get_attribute("href") == "../quiz/" and "学生部門" in link.inner_text()
    assert not (stored(phone) or {}).get("token")


def test_home_block_shows_todays_stem(phone: Phone, live: Live) -> None:
    phone.page.add_init_script(CLS_OBSERVER)
    phone.page.goto(live.base + "ko/")
    phone.page.wait_for_selector("#sb-daily[data-state=ready]")
    assert phone.page.inner_text(".sb-daily__stem") == today(live, "ko")["question"]["stem"]
    assert phone.page.get_attribute(".sb-daily__go", "href") == "daily/"
    assert phone.page.evaluate("window.__cls") < 0.1
    shot(phone.page, "home-ko-phone")
    assert phone.errors == []


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_home_block_with_the_api_down_links_to_the_archive(
    phone: Phone, live: Live, lang: str
) -> None:
    phone.page.add_init_script(CLS_OBSERVER)
    phone.page.route("**/api/v1/daily/**", lambda route: route.abort())
    phone.page.goto(live.base + ("" if lang == "zh" else f"{lang}/"))
    phone.page.wait_for_selector("#sb-daily[data-state=failed]")
    link = phone.page.locator(".sb-daily__go")
    assert link.get_attribute("href") == "daily/#archive"
    assert link.inner_text() == {"zh": "往期题目", "en": "Past questions"}[lang]
    assert phone.page.inner_text(".sb-daily__stem").strip()  # says why, never an empty box
    assert phone.page.evaluate("window.__cls") < 0.1
    assert phone.errors == []  # the aborted request breaks nothing
    shot(phone.page, f"home-{lang}-api-down-phone")
    link.click()
    phone.page.wait_for_url("**/daily/#archive")


def test_elder_mode_on_the_daily_page(phone: Phone) -> None:
    phone.page.add_init_script("localStorage.setItem('sb:elder', '1')")
    open_daily(phone, "daily/")
    assert phone.page.evaluate("document.documentElement.classList.contains('sb-elder')")
    size, line = phone.page.evaluate(
        """() => { const s = getComputedStyle(document.querySelector('#daily-app'));
            return [parseFloat(s.fontSize), parseFloat(s.lineHeight)]; }"""
    )
    assert size >= 18 and line >= 1.3 * size, (size, line)
    small: list[str] = phone.page.evaluate(
        """(selector) => Array.from(document.querySelectorAll(selector))
          .filter((e) => e.offsetParent !== null)
          .map((e) => [e, e.getBoundingClientRect()])
          .filter(([e, r]) => r.width > 0 && (r.width < 59.5 || r.height < 59.5))
          .map(([e, r]) => `${e.className} ${Math.round(r.width)}x${Math.round(r.height)}`)""",
        TARGETS,
    )
    assert small == []
    assert phone.page.evaluate("document.documentElement.scrollWidth") <= 375
    phone.page.locator("#daily-app").scroll_into_view_if_needed()
    shot(phone.page, "elder-phone")
    assert serious_violations(phone.page) == []


def test_no_serious_accessibility_violations(phone: Phone, live: Live) -> None:
    found: dict[str, list[str]] = {}
    phone.page.goto(live.base + "en/")
    phone.page.wait_for_selector("#sb-daily[data-state=ready]")
    found["home"] = serious_violations(phone.page)
    open_daily(phone, "en/daily/")
    phone.page.wait_for_selector(".dq-days > li")
    found["daily"] = serious_violations(phone.page)
    assert found == {"home": [], "daily": []}


def test_first_load_is_within_60_kb_gzipped(phone: Phone) -> None:
    sizes: dict[str, int] = {}

    def record(response: Response) -> None:
        if response.request.resource_type in ("document", "stylesheet", "script"):
            sizes[response.url] = len(gzip.compress(response.body(), compresslevel=6))

    phone.page.on("response", record)
    open_daily(phone, "ko/daily/")
    phone.page.wait_for_load_state("networkidle")
    report = "\n".join(f"{size:>7} {url}" for url, size in sorted(sizes.items()))
    assert any("quiz_app/daily." in url for url in sizes), report
    assert not any("bundle." in url or "quiz_app/quiz." in url for url in sizes), report
    assert sum(sizes.values()) <= BUDGET, report


def test_desktop_screenshot(browser: Browser, live: Live) -> None:
    ctx = browser.new_context(viewport={"width": 1280, "height": 800})
    page = ctx.new_page()
    page.goto(live.base + "en/daily/")
    page.wait_for_selector(".dq-today[data-state=question], .dq-today[data-state=result]")
    page.wait_for_selector(".dq-days > li")
    shot(page, "question-desktop")
    page.goto(live.base)
    page.wait_for_selector("#sb-daily[data-state=ready]")
    shot(page, "home-zh-desktop")
    ctx.close()


def test_inside_wechat_the_share_card_is_signed(
    browser: Browser, live_wechat: Live, wechat_fake: FakeWechat
) -> None:
    ctx = wechat_context(browser)
    page = ctx.new_page()
    url = live_wechat.base + "ja/daily/"
    page.goto(url)
    page.wait_for_function("() => window.__wxShare")
    config = page.evaluate("window.__wxConfig")
    share = page.evaluate("window.__wxShare")
    plain = (
        f"jsapi_ticket={wechat_fake.tickets[-1]}&noncestr={config['nonceStr']}"
        f"&timestamp={config['timestamp']}&url={url}"
    )
    assert config["signature"] == hashlib.sha1(plain.encode()).hexdigest()
    assert share["title"].startswith("今日の一問 · ") and share["link"] == url
    assert share["imgUrl"].startswith(live_wechat.base + "api/v1/daily/adult/")
    assert share["imgUrl"].endswith("/card.png?lang=ja")
    card = httpx.get(share["imgUrl"], timeout=10)
    assert card.status_code == 200 and card.headers["content-type"] == "image/png"
    ctx.close()
