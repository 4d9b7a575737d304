"""The staff dashboard's "Questions" view in headless Chromium: the sortable table, the
facility x discrimination scatter plot whose points select a question, the option bars of the
selected question, the track switch; a school account sees its school's facility only. The
figures come from participants who answered through the API (tests/plugins/analytics.py)."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from playwright.sync_api import Page
from sqlmodel import Session

from tests.plugins.analytics import Answered, take
from tests.plugins.app import Clock
from tests.plugins.dashboard import OpenPage, sign_in
from tests.plugins.factories import join
from tests.plugins.staff import StaffFactory

pytestmark = pytest.mark.browser
SHOTS = Path("/work/wt/shots")


def serious(page: Page) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [
        f"{v['id']}: {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def shot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.locator("#questions").screenshot(path=str(SHOTS / f"questions-{name}.png"))


def api_report(client: TestClient, headers: dict[str, str], lang: str) -> dict[str, Any]:
    response = client.get("/api/v1/reports/questions", params={"text_lang": lang}, headers=headers)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def percents(page: Page, column: str) -> list[float]:
    texts = page.locator(f"#q-table tbody td.q-{column}").all_inner_texts()
    return [float(t.rstrip("%")) for t in texts if t != "–"]


@pytest.mark.parametrize("size", [(1280, 900), (375, 667)], ids=["desktop", "375"])
def test_city_questions_view(
    open_page: OpenPage,
    client: TestClient,
    clock: Clock,
    answered_questions: list[Answered],
    staff: StaffFactory,
    page_errors: list[str],
    size: tuple[int, int],
) -> None:
    clock.advance(minutes=1)  # the last submission is older than the refresh's settling time
    headers = staff("city", username="city-questions")
    expected = api_report(client, headers, "zh")
    adult = [q for q in expected["questions"] if q["track"] == "adult"]
    student = [q for q in expected["questions"] if q["track"] == "student"]
    page = open_page(*size)
    sign_in(page, "city-questions")
    page.wait_for_selector("#q-table tbody tr")
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

    assert serious(page) == []
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
    open_page: OpenPage,
    client: TestClient,
    db: Session,
    school: str,
    clock: Clock,
    answered_questions: list[Answered],
    staff: StaffFactory,
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
    clock.advance(minutes=1)
    headers = staff("school", school="S001", username="school-questions")
    expected = api_report(client, headers, "en")
    assert expected["school"] == "S001" and expected["questions"]
    page = open_page(375, 667)
    page.select_option("#lang", "en")
    sign_in(page, "school-questions")
    page.wait_for_selector("#q-table tbody tr")
    assert "facility only" in page.locator("#questions").inner_text()
    assert page.locator("#q-table tbody tr").count() == len(expected["questions"])
    headers_text = page.locator("#q-table thead").inner_text()
    assert "Facility" in headers_text
    assert "Discrimination" not in headers_text and "Efficiency" not in headers_text
    assert page.locator(".q-point").count() == 0  # no scatter plot, no option bars
    assert page.locator("#q-detail").count() == 0
    assert serious(page) == []
    shot(page, "school-375")
    assert page_errors == []


def test_district_account_sees_its_district(
    open_page: OpenPage,
    client: TestClient,
    clock: Clock,
    answered_questions: list[Answered],
    staff: StaffFactory,
    page_errors: list[str],
) -> None:
    clock.advance(minutes=1)
    headers = staff("district", district="黄浦区", username="district-questions")
    expected = api_report(client, headers, "zh")
    assert {q["track"] for q in expected["questions"]} == {"student"}
    page = open_page(1280, 900)
    sign_in(page, "district-questions")
    page.wait_for_selector("#q-table tbody tr")
    # Only the district's students answered: one track, its questions.
    assert page.locator(".q-track").count() == 1
    assert page.locator("#q-table tbody tr").count() == len(expected["questions"])
    assert page_errors == []
