"""The staff dashboard's contest section (375 x 667): the results held for review with why in
plain words, the decision form (a reason required; "already decided" said politely), the
decided list and the qualifiers with their downloads; school staff see their list without the
buttons. The browser's requests are answered by the test client."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from playwright.sync_api import expect
from sqlmodel import Session

from tests.plugins.app import Clock
from tests.plugins.browser import serious_violations
from tests.plugins.dashboard import SignedIn
from tests.plugins.database import CampaignRules
from tests.plugins.factories import preliminary_round, sit, student
from tests.plugins.staff import StaffFactory

pytestmark = pytest.mark.browser

CLOSES = datetime(2026, 6, 20, 16, 0, tzinfo=UTC)


@pytest.fixture
def preliminary(campaign_rules: CampaignRules) -> None:
    """A preliminary round on the student track."""
    qualify = {"top_per_district": 3}
    campaign_rules("student", rounds=[preliminary_round(CLOSES.isoformat(), **qualify)])


def sit_in(client: TestClient, db: Session, clock: Clock, nickname: str, seconds: float) -> int:
    """A student's attempt taking ``seconds`` (under 28 s it is held); its attempt id."""
    result = sit(client, db, clock, student(client, nickname), right=9, seconds=seconds)
    attempt_id: int = result["attempt_id"]
    return attempt_id


def test_city_staff_review_held_results_and_read_the_qualifiers(
    signed_in: SignedIn,
    client: TestClient,
    db: Session,
    clock: Clock,
    school: str,
    preliminary: None,
    staff: StaffFactory,
    page_errors: list[str],
) -> None:
    first = sit_in(client, db, clock, "quick1", seconds=2)
    second = sit_in(client, db, clock, "quick2", seconds=3)
    sit_in(client, db, clock, "steady", seconds=200)
    page, _ = signed_in("city", username="contest-city")
    page.wait_for_selector("#contest .review")
    reviews = page.locator("#contest .review")
    assert reviews.count() == 2
    assert "14 道题仅阅读就至少需要 28 秒（每题 2 秒）" in reviews.first.inner_text()
    assert "1班" in reviews.first.inner_text() and "quick1" in reviews.first.inner_text()

    page.select_option("#lang", "en")
    expect(page.locator("#contest-title")).to_have_text("Contest review and qualifiers")
    page.wait_for_selector("#contest .review")
    assert "reading 14 questions takes at least 28 s" in page.locator("#contest").inner_text()
    assert serious_violations(page, "#contest") == []
    state = page.locator("#contest-state")
    assert state.locator("strong").inner_text() == "Provisional list"
    assert (
        "2 held result(s) of the round still await a decision"
        in page.locator("#contest .contest-qualifiers").inner_text()
    )
    qualifiers = page.locator("#contest-qualifiers-table tbody tr")
    assert qualifiers.count() == 1 and "steady" in qualifiers.first.inner_text()
    assert "top 3 of each district" in page.locator("#contest .contest-qualifiers").inner_text()

    # A reason of blanks is no reason; then the decision is recorded.
    row = page.locator(f'#contest .review[data-attempt="{first}"]')
    row.get_by_label("Reason (required; it goes into the audit trail)").fill("   ")
    row.get_by_role("button", name="Record the decision").click()
    expect(row.locator(".status")).to_have_text("Please give a reason.")
    row.get_by_label("Disqualify").check()
    row.get_by_label("Reason (required; it goes into the audit trail)").fill("3 s for 14 questions")
    row.get_by_role("button", name="Record the decision").click()
    expect(page.locator("#contest-status")).to_have_text("The decision is recorded.")
    expect(page.locator("#contest .review")).to_have_count(1)
    decided = page.locator("#contest-decided-table tbody tr")
    assert "3 s for 14 questions" in decided.first.inner_text()
    assert "disqualified" in decided.first.inner_text()

    # Another reviewer decides the second one meanwhile: the page says so, without alarm.
    other = staff("city", username="contest-city-2")
    url = f"/api/v1/reports/reviews/{second}"
    body: dict[str, Any] = {"decision": "clear", "reason": "seen in class"}
    assert client.post(url, json=body, headers=other).status_code == 200
    row = page.locator(f'#contest .review[data-attempt="{second}"]')
    row.get_by_label("Reason (required; it goes into the audit trail)").fill("too quick")
    row.get_by_role("button", name="Record the decision").click()
    expect(page.locator("#contest-status")).to_have_text(
        "Another staff member has already decided about this result; the list is up to date again."
    )
    expect(page.locator("#contest .review")).to_have_count(0)
    expect(page.locator("#contest-decided-table tbody tr")).to_have_count(2)
    expect(page.locator("#contest-qualifiers-table tbody tr")).to_have_count(2)  # cleared

    with page.expect_download() as info:
        page.locator("#contest .contest-decided").get_by_role("button", name="Download CSV").click()
    download = info.value
    assert download.suggested_filename == "reviews-decided.csv"
    assert "3 s for 14 questions" in Path(download.path()).read_text("utf-8-sig")
    with page.expect_download() as info:
        page.locator("#contest .contest-qualifiers").get_by_role(
            "button", name="Download XLSX"
        ).click()
    assert info.value.suggested_filename.startswith("qualifiers-test-campaign-student")
    page.locator("#contest").scroll_into_view_if_needed()
    page.screenshot(path="/tmp/staff-dashboard-contest-375-en.png", full_page=True)
    assert page_errors == []


def test_school_staff_see_their_list_without_the_decision(
    signed_in: SignedIn,
    client: TestClient,
    db: Session,
    clock: Clock,
    school: str,
    page_errors: list[str],
) -> None:
    sit_in(client, db, clock, "quick", seconds=1)
    page, _ = signed_in("school", username="contest-teacher", school="S001", lang="ko")
    page.wait_for_selector("#contest .review")
    assert page.locator("#contest .review").count() == 1
    assert page.locator("#contest .contest-decide").count() == 0
    text = page.locator("#contest").inner_text()
    assert "학교 계정은 자기 학교의 목록을 볼 수 있으며" in text
    assert "이 대회에는 라운드가 없습니다." in text  # the test campaign has no round
    assert serious_violations(page, "#contest") == []
    assert page_errors == []
