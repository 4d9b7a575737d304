"""The staff dashboard's "Questions" view in headless Chromium: the sortable table, the
facility x discrimination scatter plot whose points select a question, the option bars of the
selected question, the track switch; a school account sees its school's facility only. The
figures come from participants who answered through the API (tests/plugins/analytics.py)."""

from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from playwright.sync_api import Page
from sqlmodel import Session

from tests.plugins.analytics import Answered, take
from tests.plugins.app import Clock
from tests.plugins.browser import serious_violations
from tests.plugins.dashboard import SignedIn
from tests.plugins.factories import join

pytestmark = pytest.mark.browser
SHOTS = Path("/work/wt/shots")


def shot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.locator("#questions").screenshot(path=str(SHOTS / f"questions-{name}.png"))


def api_report(client: TestClient, headers: dict[str, str], lang: str) -> dict[str, Any]:
    response = client.get("/api/v1/reports/questions", params={"text_lang": lang}, headers=headers)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


@dataclass
class QuestionsView:
    """``questions_view(role, username=..., lang=..., **account)``: a staff account of that
    role signed in on the dashboard (in ``lang``), showing the Questions view, and the API's
    question report for the same account, which the page should show."""

    signed_in: SignedIn
    client: TestClient
    clock: Clock

    def __call__(
        self, role: str, *, username: str, lang: str = "zh", **account: Any
    ) -> tuple[Page, dict[str, Any]]:
        self.clock.advance(minutes=1)  # the last submission is older than the refresh's settling
        chosen = None if lang == "zh" else lang  # the page's own language is Chinese
        page, headers = self.signed_in(role, username=username, lang=chosen, **account)
        expected = api_report(self.client, headers, lang)
        page.wait_for_selector("#q-table tbody tr")
        return page, expected


@pytest.fixture
def questions_view(
    signed_in: SignedIn, client: TestClient, clock: Clock, answered_questions: list[Answered]
) -> QuestionsView:
    return QuestionsView(signed_in, client, clock)


def percents(page: Page, column: str) -> list[float]:
    texts = page.locator(f"#q-table tbody td.q-{column}").all_inner_texts()
    return [float(t.rstrip("%")) for t in texts if t != "–"]


@pytest.mark.parametrize("size", [(1280, 900), (375, 667)], ids=["desktop", "375"])
def test_city_questions_view(
    questions_view: QuestionsView, page_errors: list[str], size: tuple[int, int]
) -> None:
    page, expected = questions_view("city", username="city-questions", size=size)
    adult = [q for q in expected["questions"] if q["track"] == "adult"]
    student = [q for q in expected["questions"] if q["track"] == "student"]
    assert page.locator("#questions-title").inner_text() == "题目分析"
    assert page.locator(".q-track[aria-pressed=true]").inner_text() == "成人"
    assert (
        "分钟前" in page.locator(".q-status").inner_text()
        or "刚刚" in page.locator(".q-status").inner_text()
    )
    # One row and one point per question of the track; flagged points are triangles.
    assert page.locator("#q-table tbody tr").count() == len(adult)
    assert page.locator(".q-point").count() == len(adult)
    assert page.locator(".q-point path").count() == sum(1 for q in adult if q["flags"])
    # The paper's figures.
    (paper,) = [p for p in expected["papers"] if p["track"] == "adult"]
    cards = page.locator(".q-paper .cards").inner_text()
    assert str(paper["participants"]) in cards

    # Sorted by facility, ascending (the least known first), then descending.
    facility = percents(page, "facility")
    assert facility == sorted(facility)
    page.locator("th[data-key=facility] button").click()
    assert page.locator("th[data-key=facility]").get_attribute("aria-sort") == "descending"
    facility = percents(page, "facility")
    assert facility == sorted(facility, reverse=True)
    # By attempts with the keyboard.
    page.locator("th[data-key=n] button").focus()
    page.keyboard.press("Enter")
    assert page.locator("th[data-key=n]").get_attribute("aria-sort") == "ascending"
    assert page.locator("th[data-key=facility]").get_attribute("aria-sort") == "none"
    attempts = [int(t) for t in page.locator("#q-table tbody td.q-n").all_inner_texts()]
    assert attempts == sorted(attempts)

    # A point selects its question: its option bars, the key marked with a word. (The last
    # point is drawn on top of any it overlaps.)
    point = page.locator(".q-point").last
    version = int(point.get_attribute("data-version") or 0)
    (question,) = [q for q in adult if q["version_id"] == version]
    point.click()
    assert point.get_attribute("aria-pressed") == "true"
    assert question["text"] in page.locator("#q-detail-title").inner_text()
    assert page.locator("#q-detail .q-options rect").count() == len(question["options"])
    assert page.locator("#q-detail .q-options rect.key").count() == sum(
        1 for o in question["options"] if o["key"]
    )
    assert "✓ 正确答案" in page.locator("#q-detail .q-options").text_content()  # type: ignore[operator]
    assert (
        page.locator(f"#q-table tr[data-version='{version}']").get_attribute("class") == "selected"
    )
    # The keyboard reaches the points too.
    second = page.locator(".q-point").first
    second.focus()
    page.keyboard.press("Enter")
    assert second.get_attribute("aria-pressed") == "true"
    assert point.get_attribute("aria-pressed") == "false"

    assert serious_violations(page) == []
    shot(page, "desktop" if size[0] > 1000 else "375")

    # The students' questions.
    page.locator(".q-track", has_text="学生").click()
    assert page.locator("#q-table tbody tr").count() == len(student)
    assert page.locator(".q-point").count() == len(student)

    # The least-known facts with their explanation.
    least = expected["least_known"]["student"]
    assert page.locator(".q-wrong li").count() == len(least)
    assert page_errors == []


def test_school_sees_facility_only(
    questions_view: QuestionsView,
    client: TestClient,
    db: Session,
    school: str,
    clock: Clock,
    page_errors: list[str],
) -> None:
    # 24 more students: a question (1 of 3 in its stratum, 2 of 3 for hard law questions)
    # then reaches 10 attempts of the school, the least the school's view shows.
    rng = random.Random(3)
    for n in range(24):
        who = join(
            client,
            track="student",
            lang="zh",
            school_code=school,
            grade=8,
            class_name="2班",
            nickname=f"extra{n}",
        )
        take(client, db, who, rng, rng.gauss(0.5, 1.0), clock)
    page, expected = questions_view("school", username="school-questions", school="S001", lang="en")
    assert expected["school"] == "S001" and expected["questions"]
    assert "facility only" in page.locator("#questions").inner_text()
    assert page.locator("#q-table tbody tr").count() == len(expected["questions"])
    headers_text = page.locator("#q-table thead").inner_text()
    assert "Facility" in headers_text
    assert "Discrimination" not in headers_text and "Efficiency" not in headers_text
    assert page.locator(".q-point").count() == 0  # no scatter plot, no option bars
    assert page.locator("#q-detail").count() == 0
    assert serious_violations(page) == []
    shot(page, "school-375")
    assert page_errors == []


def test_district_account_sees_its_district(
    questions_view: QuestionsView, page_errors: list[str]
) -> None:
    page, expected = questions_view(
        "district", username="district-questions", district="黄浦区", size=(1280, 900)
    )
    assert {q["track"] for q in expected["questions"]} == {"student"}
    # Only the district's students answered: one track, its questions.
    assert page.locator(".q-track").count() == 1
    assert page.locator("#q-table tbody tr").count() == len(expected["questions"])
    assert page_errors == []
