"""The satisfaction survey inside the quiz H5 page: invited on the result, answered on one
screen, kept on the phone until the server has it, skipped without a trace, told when it was
already answered, accessible, and in the page's language. Screenshots go to SHOTS."""

from __future__ import annotations

from typing import Any

import httpx2 as httpx
import pytest
from playwright.sync_api import BrowserContext

from tests.plugins.browser import (
    ROOTS,
    SHOTS,
    Phone,
    answer,
    choose_adult,
    serious_violations,
    start_quiz,
    stored,
    submit,
)
from tests.plugins.server import Live

pytestmark = pytest.mark.browser

SCALE_ANSWERS = {"challenge-overall": 5, "questions-clear": 4, "learned-something": 2}
COMMENT = "题目很好，希望多办几次。"


def finish_attempt(phone: Phone, lang: str, nickname: str) -> None:
    """A whole adult attempt (option A everywhere), up to the result with its invitation."""
    phone.open(f"{ROOTS[lang]}quiz/")
    choose_adult(phone, nickname)
    start_quiz(phone)
    answer(phone, None)
    submit(phone)
    phone.wait_screen("result")
    phone.page.wait_for_selector(".qz-survey:not([hidden]) [data-action=survey]")


def open_survey(phone: Phone) -> None:
    phone.page.click(".qz-survey [data-action=survey]")
    phone.wait_screen("survey")


def participant_id(live: Live, nickname: str) -> int:
    ((pid,),) = live.sql("SELECT id FROM participant WHERE nickname = ?", nickname)
    return int(pid)


def responses_of(live: Live, nickname: str) -> list[tuple[Any, ...]]:
    return live.sql(
        "SELECT id, lang, comment FROM survey_response WHERE participant_id = ?",
        participant_id(live, nickname),
    )


def test_an_adult_answers_the_survey_and_the_database_holds_it(phone: Phone, live: Live) -> None:
    finish_attempt(phone, "zh", "调查甲")
    phone.page.locator(".qz-survey").scroll_into_view_if_needed()
    phone.page.screenshot(path=str(SHOTS / "survey-zh-1-invitation.png"))
    open_survey(phone)
    assert phone.page.inner_text("#quiz-app h2") == "满意度调查"
    legends = phone.page.locator(".qz-scale legend")
    assert legends.count() == 7
    assert "总体来说" in legends.nth(0).inner_text()
    # The scale's words come from the API, lowest first.
    labels = phone.page.locator(".qz-scale >> nth=0").locator(".qz-choice__text").all_inner_texts()
    assert labels == ["非常不满意", "不太满意", "一般", "比较满意", "非常满意"]
    phone.shot("survey-zh-2-screen")
    for qid, value in SCALE_ANSWERS.items():
        phone.page.check(f"input[name=qz-survey-{qid}][value='{value}']")
    phone.page.fill("#qz-survey-comment", COMMENT)
    assert "还可以输入488个字" in phone.page.inner_text("#qz-survey-left")
    # The answers are on the phone before anything is sent: a reload keeps them.
    phone.page.reload()
    phone.page.wait_for_selector(".qz-survey:not([hidden]) [data-action=survey]")
    open_survey(phone)
    assert phone.page.is_checked("input[name=qz-survey-challenge-overall][value='5']")
    assert phone.page.input_value("#qz-survey-comment") == COMMENT
    phone.page.locator(".qz-survey-text").scroll_into_view_if_needed()
    phone.page.screenshot(path=str(SHOTS / "survey-zh-3-filled.png"))
    phone.page.click("#quiz-app .qz-survey-form button[type=submit]")
    phone.wait_screen("survey-done")
    assert phone.page.inner_text("#quiz-app h2") == "谢谢你的反馈！"
    phone.shot("survey-zh-4-thanks")

    ((response_id, lang, comment),) = responses_of(live, "调查甲")
    assert (lang, comment) == ("zh", COMMENT)
    answers = live.sql(
        "SELECT question_id, value FROM survey_answer WHERE response_id = ?", response_id
    )
    assert dict(answers) == SCALE_ANSWERS
    kept = stored(phone)
    assert "surveyPending" not in kept and "surveyDraft" not in kept
    # Back on the result, the survey is not offered again.
    phone.page.click("#quiz-app [data-action=survey-back]")
    phone.wait_screen("result")
    phone.page.wait_for_load_state("networkidle")
    assert phone.page.locator(".qz-survey").is_hidden()
    assert phone.errors == []


def test_skipping_the_survey_on_a_second_phone_leaves_nothing(phone: Phone, live: Live) -> None:
    finish_attempt(phone, "en", "Skipper")
    open_survey(phone)
    phone.page.check("input[name=qz-survey-challenge-overall][value='3']")
    phone.page.click("#quiz-app [data-action=survey-skip]")
    phone.wait_screen("result")
    assert phone.page.locator(".qz-survey").is_hidden()
    assert "surveyDraft" not in stored(phone)
    # Not offered again for this result, even after a reload.
    phone.page.reload()
    phone.wait_screen("result")
    phone.page.wait_for_load_state("networkidle")
    assert phone.page.locator(".qz-survey").is_hidden()
    assert responses_of(live, "Skipper") == []
    assert phone.errors == []


def test_not_now_hides_the_invitation_and_sends_nothing(phone: Phone, live: Live) -> None:
    finish_attempt(phone, "en", "Later")
    phone.page.click(".qz-survey [data-action=survey-later]")
    assert phone.page.locator(".qz-survey").is_hidden()
    assert phone.screen() == "result"
    assert responses_of(live, "Later") == []


def test_answers_given_offline_are_sent_once_the_network_returns(
    phone: Phone, context: BrowserContext, live: Live
) -> None:
    finish_attempt(phone, "en", "Offline survey")
    open_survey(phone)
    phone.page.check("input[name=qz-survey-questions-clear][value='4']")
    context.set_offline(True)
    phone.page.click("#quiz-app .qz-survey-form button[type=submit]")
    phone.wait_screen("survey-sending")
    phone.page.wait_for_function(
        "() => /trying again/.test(document.querySelector('.qz-view [role=status]').textContent)"
    )
    assert stored(phone)["surveyPending"]["answers"] == {"questions-clear": 4}
    assert responses_of(live, "Offline survey") == []
    context.set_offline(False)
    phone.wait_screen("survey-done")
    assert phone.page.inner_text("#quiz-app h2") == "Thank you for your feedback!"
    assert len(responses_of(live, "Offline survey")) == 1
    assert "surveyPending" not in stored(phone)


def test_a_reload_while_the_answers_are_pending_sends_them_once(
    phone: Phone, context: BrowserContext, live: Live
) -> None:
    finish_attempt(phone, "en", "Reload survey")
    open_survey(phone)
    phone.page.check("input[name=qz-survey-learned-something][value='5']")
    context.route("**/api/v1/survey/responses", lambda route: route.abort())
    phone.page.click("#quiz-app .qz-survey-form button[type=submit]")
    phone.wait_screen("survey-sending")
    pending = stored(phone)["surveyPending"]
    assert pending["answers"] == {"learned-something": 5}
    phone.page.reload()
    phone.wait_screen("survey-sending")
    phone.page.wait_for_function(
        "() => /trying again/.test(document.querySelector('.qz-view [role=status]').textContent)"
    )
    assert responses_of(live, "Reload survey") == []
    context.unroute("**/api/v1/survey/responses")
    phone.wait_screen("survey-done")
    ((response_id, _, _),) = responses_of(live, "Reload survey")
    assert live.sql(
        "SELECT question_id, value FROM survey_answer WHERE response_id = ?", response_id
    ) == [("learned-something", 5)]
    phone.page.click("#quiz-app [data-action=survey-back]")
    phone.wait_screen("result")
    phone.page.wait_for_load_state("networkidle")
    assert phone.page.locator(".qz-survey").is_hidden()


def test_in_japanese_an_answer_sent_twice_is_told_it_was_already_received(
    phone: Phone, live: Live
) -> None:
    finish_attempt(phone, "ja", "アンケート")
    assert phone.page.inner_text(".qz-survey h3") == "ご意見をお聞かせください"
    open_survey(phone)
    assert phone.page.inner_text("#quiz-app h2") == "満足度アンケート"
    labels = phone.page.locator(".qz-scale >> nth=0").locator(".qz-choice__text").all_inner_texts()
    assert labels[-1] == "とても満足"
    phone.shot("survey-ja-1-screen")
    # The same participant answered meanwhile on another phone.
    token = stored(phone)["token"]
    other = httpx.post(
        live.base + "api/v1/survey/responses",
        json={"answers": {"challenge-overall": 4}},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert other.status_code == 201
    phone.page.check("input[name=qz-survey-challenge-overall][value='5']")
    phone.page.click("#quiz-app .qz-survey-form button[type=submit]")
    phone.wait_screen("survey-done")
    assert phone.page.inner_text("#quiz-app h2") == "ご協力ありがとうございました！"
    assert phone.page.inner_text("#quiz-app .qz-lead") == "このアンケートにはすでに回答済みです。"
    phone.shot("survey-ja-2-already")
    ((response_id, _, _),) = responses_of(live, "アンケート")
    assert live.sql("SELECT value FROM survey_answer WHERE response_id = ?", response_id) == [(4,)]


def test_an_empty_survey_is_not_sent(phone: Phone, live: Live) -> None:
    finish_attempt(phone, "ko", "빈설문")
    open_survey(phone)
    phone.page.click("#quiz-app .qz-survey-form button[type=submit]")
    assert "질문에 하나 이상" in phone.page.inner_text("#quiz-app .qz-error")
    assert phone.screen() == "survey"
    assert responses_of(live, "빈설문") == []


def test_no_serious_accessibility_violations_on_the_survey(phone: Phone, live: Live) -> None:
    seen: dict[str, list[str]] = {}

    def check(name: str) -> None:
        seen[name] = serious_violations(phone.page)

    finish_attempt(phone, "en", "Axe survey")
    check("invitation")
    open_survey(phone)
    phone.page.check("input[name=qz-survey-challenge-overall][value='5']")
    check("survey")
    # Every answer is a touch target of at least 44 px at 375 px wide.
    heights = phone.page.eval_on_selector_all(
        ".qz-scale__option", "els => els.map(e => e.getBoundingClientRect().height)"
    )
    assert min(heights) >= 44, heights
    # Nothing of the survey is wider than the phone (the theme's hidden language menu is).
    right = phone.page.eval_on_selector_all(
        "#quiz-app *", "els => Math.max(...els.map(e => e.getBoundingClientRect().right))"
    )
    assert right <= 375
    phone.page.click("#quiz-app .qz-survey-form button[type=submit]")
    phone.wait_screen("survey-done")
    check("thanks")
    assert all(not bad for bad in seen.values()), seen
