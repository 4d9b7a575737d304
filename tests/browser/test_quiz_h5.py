"""The quiz H5 page on a phone in WeChat's browser: whole attempts in two tracks and several
languages, a refresh in the middle, a submission sent while offline, the language switch,
accessibility (axe-core) and the first-load weight. Screenshots go to SHOTS."""

from __future__ import annotations

import gzip
import hashlib
import json
from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Response, Route

from quiz_api.content.bank import LETTERS
from tests.plugins.browser import (
    ROOTS,
    SHOTS,
    Phone,
    answer,
    choose_adult,
    current_question,
    serious_violations,
    start_quiz,
    stored,
    submit,
    wechat_context,
)
from tests.plugins.server import Live
from tests.plugins.wechat import FakeWechat

pytestmark = pytest.mark.browser

BUDGET = 60 * 1024  # first load of the quiz page, gzipped: HTML + CSS + JS
TRACK_TITLE = {"zh": "选择赛道", "en": "Choose your track", "ko": "부문 선택", "ja": "部門を選ぶ"}


def answer_key(live: Live, attempt_id: int) -> dict[str, list[str]]:
    """The correct letters of each question of the attempt, read from the database."""
    (paper,) = live.sql("SELECT paper FROM attempt WHERE id = ?", attempt_id)[0]
    key = {}
    for n, item in enumerate(json.loads(paper)["items"], 1):
        (body,) = live.sql("SELECT body FROM question_version WHERE id = ?", item["v"])[0]
        correct = json.loads(body)["correct"]
        key[f"q{n}"] = sorted(LETTERS[item["order"].index(i)] for i in correct)
    return key


def results_of(live: Live, attempt_id: int) -> list[tuple[Any, ...]]:
    return live.sql("SELECT score, passed FROM result WHERE attempt_id = ?", attempt_id)


def test_adult_attempt_in_chinese_with_review_and_certificate(phone: Phone, live: Live) -> None:
    phone.open("quiz/")
    assert phone.page.inner_text("#quiz-app h2") == TRACK_TITLE["zh"]
    phone.shot("zh-1-track")
    choose_adult(phone, "阿明")
    assert phone.page.locator("a[href='../challenge/privacy/']").count() >= 1
    attempt_id = start_quiz(phone, shot="zh-2-rules")
    phone.shot("zh-3-question")
    status = phone.page.inner_text(".qz-status")
    assert "第1题" in status and ":" in status  # position and remaining time (mm:ss)
    total = len(stored(phone)["attempt"]["questions"])
    assert answer(phone, answer_key(live, attempt_id)) == total
    phone.shot("zh-4-last-question")
    submit(phone)
    phone.wait_screen("result")
    phone.page.wait_for_function(
        "() => { const i = document.querySelector('.qz-cert'); return i && i.naturalWidth > 0 }"
    )
    score = phone.page.inner_text(".qz-score")
    assert "100分" in score and "恭喜" in score and "全市排名" in score
    assert phone.page.locator(".qz-review__item").count() == total
    assert phone.page.locator(".qz-review__item.is-right").count() == total
    certificate = phone.page.get_attribute(".qz-cert", "src", timeout=1000)
    assert certificate is not None and certificate.startswith("data:image/png")
    phone.page.screenshot(path=str(SHOTS / "zh-5-result.png"))
    phone.page.locator(".qz-review").scroll_into_view_if_needed()
    phone.page.screenshot(path=str(SHOTS / "zh-6-review.png"))
    assert results_of(live, attempt_id) == [(100, 1)]
    assert phone.errors == []


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_student_attempt(phone: Phone, live: Live, lang: str) -> None:
    phone.open(f"{ROOTS[lang]}quiz/")
    assert phone.page.inner_text("#quiz-app h2") == TRACK_TITLE[lang]
    phone.page.check("input[name=qz-track][value=student]")
    phone.page.fill("#qz-nickname", "Star")
    phone.page.click("#quiz-app button[type=submit]")
    phone.wait_screen("student")
    phone.page.fill("#qz-school", "demo")
    phone.page.wait_for_selector(".qz-school")
    phone.shot(f"{lang}-1-school-search")
    phone.page.click(".qz-school >> nth=0")
    phone.page.wait_for_selector("#qz-grade option >> nth=1", state="attached")
    phone.page.select_option("#qz-grade", index=1)
    phone.page.select_option("#qz-class", index=1)
    grade = int(phone.page.input_value("#qz-grade"))
    class_name = phone.page.input_value("#qz-class")
    phone.shot(f"{lang}-2-student")
    phone.page.click("#quiz-app button[type=submit]")
    phone.wait_screen("rules")
    attempt_id = start_quiz(phone, shot=f"{lang}-3-rules")
    phone.shot(f"{lang}-4-question")
    answer(phone, None)
    submit(phone)
    phone.wait_screen("result")
    phone.page.screenshot(path=str(SHOTS / f"{lang}-5-result.png"))
    assert len(results_of(live, attempt_id)) == 1
    # The result offers today's question, on the daily page of the same language.
    assert phone.page.get_attribute("#quiz-app [data-action=daily]", "href") == "../daily/"
    (row,) = live.sql(
        "SELECT p.track, p.lang, p.nickname, p.school_code, p.grade, p.class_name, p.openid "
        "FROM participant p JOIN attempt a ON a.participant_id = p.id WHERE a.id = ?",
        attempt_id,
    )
    assert row[:3] == ("student", lang, "Star")
    assert row[3].startswith("DEMO") and (row[4], row[5]) == (grade, class_name)
    assert row[6] is None  # no WeChat configured: a device token
    assert phone.errors == []


def test_a_refresh_in_the_middle_resumes_the_same_attempt(phone: Phone, live: Live) -> None:
    phone.open("en/quiz/")
    choose_adult(phone, "Refresher")
    attempt_id = start_quiz(phone)
    first_paper = stored(phone)["attempt"]["questions"]
    answer(phone, None, upto=3)
    chosen = stored(phone)["answers"]
    phone.page.reload()
    phone.wait_screen("question")
    assert (
        phone.page.inner_text(".qz-notice")
        == "Welcome back: your quiz continues where you left it."
    )
    assert current_question(phone) == "q3"
    assert stored(phone)["attempt"]["attempt_id"] == attempt_id
    assert stored(phone)["attempt"]["questions"] == first_paper
    assert stored(phone)["answers"] == chosen
    assert phone.page.is_checked(".qz-option input[value=A]")
    phone.page.click("#quiz-app [data-action=prev]")
    assert phone.page.is_checked(".qz-option input[value=A]")
    phone.shot("en-refresh-resumed")
    (count,) = live.sql(
        "SELECT count(*) FROM attempt WHERE participant_id = "
        "(SELECT participant_id FROM attempt WHERE id = ?)",
        attempt_id,
    )[0]
    assert count == 1


def test_an_offline_submission_is_sent_once_when_the_network_returns(
    phone: Phone, context: BrowserContext, live: Live
) -> None:
    phone.open("ko/quiz/")
    choose_adult(phone, "오프라인")
    attempt_id = start_quiz(phone)
    answer(phone, None)
    context.set_offline(True)
    submit(phone)
    phone.wait_screen("submitting")
    phone.page.wait_for_selector(".qz-offline:not([hidden])")
    phone.page.wait_for_function(
        "() => /다시 시도/.test(document.querySelector('#quiz-app [role=status]').textContent)"
        " || /다시 시도/.test(document.querySelector('.qz-view').textContent)"
    )
    assert "오프라인" in phone.page.inner_text(".qz-offline")
    phone.shot("ko-offline-submit")
    assert results_of(live, attempt_id) == []
    assert stored(phone)["pending"]["attempt_id"] == attempt_id
    context.set_offline(False)
    phone.wait_screen("result")
    assert phone.page.locator(".qz-offline").is_hidden()
    assert len(results_of(live, attempt_id)) == 1
    # A reload after the result neither sends again nor shows a second result.
    phone.page.reload()
    phone.wait_screen("result")
    assert len(results_of(live, attempt_id)) == 1
    assert "pending" not in stored(phone)


def test_a_reload_while_the_submission_is_pending_sends_the_same_answers(
    phone: Phone, context: BrowserContext, live: Live
) -> None:
    phone.open("quiz/")
    choose_adult(phone, "断网")
    attempt_id = start_quiz(phone)
    answer(phone, None)
    context.set_offline(True)
    submit(phone)
    phone.wait_screen("submitting")
    pending = stored(phone)["pending"]
    context.set_offline(False)
    phone.page.reload()
    phone.wait_screen("result")
    (row,) = live.sql("SELECT answers FROM result WHERE attempt_id = ?", attempt_id)
    sent = {a["question_id"]: a["choices"] for a in pending["body"]["answers"] if a["choices"]}
    assert {q: c for q, c in json.loads(row[0]).items() if c} == sent


def test_the_language_switch_keeps_the_campaign_and_changes_the_page(
    phone: Phone, live: Live
) -> None:
    phone.open("quiz/?campaign=challenge-2026")
    assert phone.page.inner_text("#quiz-app h2") == TRACK_TITLE["zh"]
    phone.page.click(".sb-switcher button")
    phone.page.click("a.sb-lang-link[data-sb-lang=en]")
    phone.page.wait_for_url("**/en/quiz/?campaign=challenge-2026")
    phone.page.wait_for_selector("#quiz-app[data-screen=track]")
    assert phone.page.inner_text("#quiz-app h2") == TRACK_TITLE["en"]
    choose_adult(phone, "Switcher")
    start_quiz(phone)
    (lang,) = live.sql("SELECT lang FROM participant WHERE nickname = 'Switcher'")[0]
    assert lang == "en"


@pytest.mark.parametrize("path", ["quiz/", "en/quiz/", "ko/quiz/"])
def test_the_quiz_page_is_no_wider_than_the_phone(phone: Phone, path: str) -> None:
    """Nothing, the header's hidden language menu included, makes the page scroll sideways."""
    phone.open(path)
    content, screen = phone.page.evaluate(
        "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert content <= screen, f"{path}: content {content} px wide on a {screen} px screen"


def test_no_serious_accessibility_violations_on_any_screen(phone: Phone, live: Live) -> None:
    seen: dict[str, list[str]] = {}

    def check(name: str) -> None:
        seen[name] = serious_violations(phone.page)

    phone.open("en/quiz/")
    check("track")
    phone.page.check("input[name=qz-track][value=student]")
    phone.page.fill("#qz-nickname", "Axe")
    phone.page.click("#quiz-app button[type=submit]")
    phone.wait_screen("student")
    phone.page.fill("#qz-school", "demo")
    phone.page.wait_for_selector(".qz-school")
    check("student")
    phone.page.click("#quiz-app [data-action=back]")
    phone.wait_screen("track")
    phone.page.check("input[name=qz-track][value=adult]")
    phone.page.click("#quiz-app button[type=submit]")
    phone.wait_screen("rules")
    check("rules")
    attempt_id = start_quiz(phone)
    check("question")
    answer(phone, answer_key(live, attempt_id))
    submit(phone)
    phone.wait_screen("result")
    phone.page.wait_for_function(
        "() => { const i = document.querySelector('.qz-cert'); return i && i.naturalWidth > 0 }"
    )
    check("result")
    assert all(not bad for bad in seen.values()), seen


def test_first_load_is_within_60_kb_gzipped(phone: Phone, live: Live) -> None:
    sizes: dict[str, int] = {}

    def record(response: Response) -> None:
        kind = response.request.resource_type
        if kind in ("document", "stylesheet", "script"):
            sizes[response.url] = len(gzip.compress(response.body(), compresslevel=6))

    phone.page.on("response", record)
    phone.open("quiz/")
    phone.page.wait_for_load_state("networkidle")
    total = sum(sizes.values())
    report = "\n".join(f"{size:>7} {url}" for url, size in sorted(sizes.items()))
    (SHOTS / "first-load.txt").write_text(f"{report}\n{total:>7} total\n", "utf-8")
    assert any("quiz_app/quiz." in url for url in sizes), report
    assert total <= BUDGET, report


def test_wechat_login_is_silent_and_the_share_card_is_signed(
    browser: Browser, live_wechat: Live, wechat_fake: FakeWechat
) -> None:
    """With an official account configured, the page goes through snsapi_base OAuth (the
    fake authorizes at once), the participant is their openid, a second phone of the same
    WeChat user gets the same participant, and the share card is signed for the page."""

    def phone_in_wechat() -> tuple[BrowserContext, Phone]:
        ctx = wechat_context(browser)
        return ctx, Phone(ctx.new_page(), live_wechat.base)

    ctx, phone = phone_in_wechat()
    phone.page.goto(live_wechat.base + "en/quiz/?campaign=challenge-2026")
    phone.wait_screen("track")
    assert phone.page.url == live_wechat.base + "en/quiz/?campaign=challenge-2026"  # no #wx
    assert stored(phone)["wechat"].startswith("w1.")
    choose_adult(phone, "WeChat user")
    attempt_id = start_quiz(phone)
    ((openid,),) = live_wechat.sql(
        "SELECT p.openid FROM participant p JOIN attempt a ON a.participant_id = p.id "
        "WHERE a.id = ?",
        attempt_id,
    )
    assert openid == "openid-browser"

    phone.page.wait_for_function("() => window.__wxShare")
    config = phone.page.evaluate("window.__wxConfig")
    share = phone.page.evaluate("window.__wxShare")
    url = live_wechat.base + "en/quiz/?campaign=challenge-2026"
    plain = (
        f"jsapi_ticket={wechat_fake.tickets[-1]}&noncestr={config['nonceStr']}"
        f"&timestamp={config['timestamp']}&url={url}"
    )
    assert config["appId"] == wechat_fake.app_id
    assert config["signature"] == hashlib.sha1(plain.encode()).hexdigest()
    assert share["title"] == "2026 City Anti-Drug Knowledge Challenge"
    assert share["link"] == url and share["imgUrl"].startswith(live_wechat.base)
    ctx.close()

    # The same WeChat user on another phone: the same participant, no new sign-up.
    ctx, phone = phone_in_wechat()
    phone.page.goto(live_wechat.base + "en/quiz/?campaign=challenge-2026")
    phone.wait_screen("track")
    phone.shot("wechat-second-phone")
    phone.page.click("text=Continue as “WeChat user”")
    phone.wait_screen("rules")
    assert start_quiz(phone) == attempt_id  # the open attempt, resumed
    assert "Welcome back" in phone.page.inner_text(".qz-notice")
    ((participants,),) = live_wechat.sql(
        "SELECT count(*) FROM participant WHERE openid = 'openid-browser'"
    )
    assert participants == 1
    assert phone.errors == []
    ctx.close()


def test_answers_are_submitted_when_the_time_is_up(phone: Phone, live: Live) -> None:
    phone.page.clock.install()
    phone.open("en/quiz/")
    choose_adult(phone, "Slowpoke")
    attempt_id = start_quiz(phone)
    answer(phone, None, upto=2)
    limit = stored(phone)["attempt"]["time_limit_seconds"]
    phone.page.clock.fast_forward(limit * 1000 + 1000)  # the phone's clock only
    phone.wait_screen("result")
    (answers,) = live.sql("SELECT answers FROM result WHERE attempt_id = ?", attempt_id)[0]
    assert {q: c for q, c in json.loads(answers).items() if c} == {"q1": ["A"], "q2": ["A"]}


def test_without_the_schools_api_the_student_track_says_so(phone: Phone) -> None:
    problem = json.dumps({"type": "/problems/not-found", "title": "Not found", "status": 404})
    phone.page.route(
        "**/api/v1/schools**",
        lambda route: route.fulfill(
            status=404, body=problem, content_type="application/problem+json"
        ),
    )
    phone.open("en/quiz/")
    phone.page.check("input[name=qz-track][value=student]")
    phone.page.fill("#qz-nickname", "Early")
    phone.page.click("#quiz-app button[type=submit]")
    phone.wait_screen("student")
    alert = phone.page.locator("#quiz-app .qz-error")
    alert.wait_for()
    assert "school list is not open yet" in alert.inner_text()
    assert "adult track" in alert.inner_text()
    assert phone.page.is_disabled("#qz-school")
    phone.shot("en-schools-unavailable")


def test_a_busy_server_is_asked_again_after_retry_after_and_the_phone_says_why(
    phone: Phone, live: Live
) -> None:
    """Admission control (quiz_api/api/overload.py) answers 503 server-busy before any work: the
    page waits for Retry-After, tells the person, and sends the same start again."""
    busy = json.dumps(
        {"type": "/problems/server-busy", "title": "The server is busy", "status": 503}
    )

    def first_refused(sent: list[str]) -> Callable[[Route], None]:
        """A route handler that answers the first request busy and lets the rest through,
        keeping each request's method and body in ``sent``."""

        def handle(route: Route) -> None:
            sent.append(f"{route.request.method} {route.request.post_data or ''}")
            if len(sent) > 1:
                route.continue_()
                return
            route.fulfill(
                status=503,
                body=busy,
                content_type="application/problem+json",
                headers={"Retry-After": "1"},
            )

        return handle

    starts: list[str] = []
    phone.page.route("**/api/v1/attempts", first_refused(starts))
    phone.open("en/quiz/")
    choose_adult(phone, "Patient")
    phone.page.check("#qz-agree")
    phone.page.click("#quiz-app button[type=submit]")
    notice = phone.page.locator(".qz-notice")
    notice.filter(has_text="Many people are taking part right now").wait_for()
    assert "trying again in 1 s" in notice.inner_text()
    phone.shot("en-server-busy")
    phone.wait_screen("question")
    attempt_id = int(stored(phone)["attempt"]["attempt_id"])
    assert len(starts) == 2 and starts[0] == starts[1]  # the same start, sent again
    assert starts[0].startswith("POST ")
    (participant,) = live.sql("SELECT participant_id FROM attempt WHERE id = ?", attempt_id)[0]
    assert live.sql("SELECT count(*) FROM attempt WHERE participant_id = ?", participant) == [(1,)]

    submits: list[str] = []
    phone.page.route(f"**/api/v1/attempts/{attempt_id}/submit", first_refused(submits))
    answer(phone, None)
    submit(phone)
    waiting = phone.page.locator("#quiz-app [role=status]")
    waiting.filter(has_text="Many people are taking part right now").wait_for()
    phone.wait_screen("result")
    assert len(submits) == 2 and submits[0] == submits[1]  # the same answers, sent again
    assert len(results_of(live, attempt_id)) == 1
    assert phone.errors == []
