"""The staff dashboard's daily-question view (GET /api/v1/reports/daily): a bar and a table
row per day of the last 30, the city's districts, the small-group rule, the CSV download,
the language switch; a school's view on a phone. The browser's requests are answered by the
test client; the answers are ``DAILY_ANSWERS`` of tests/plugins/reports.py."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page

from tests.plugins.dashboard import SignedIn

pytestmark = pytest.mark.browser


def cells(page: Page, date: str) -> list[str]:
    row = page.locator("#daily-days tbody tr", has_text=date)
    return [c.strip() for c in row.locator("td").all_inner_texts()]


def test_city_view_of_the_daily_question(
    signed_in: SignedIn, daily_answers: None, page_errors: list[str]
) -> None:
    page, _ = signed_in("city", username="daily-city", size=(1280, 800))
    page.wait_for_selector("#daily-days")
    assert page.locator("#daily-report-title").inner_text() == "每日一问：每天的作答情况"
    assert "2026-05-12 至 2026-06-10（Asia/Shanghai）" in page.locator("#daily-report").inner_text()
    # A bar per day of the 30, a row per day, the newest first, and the period's total.
    assert page.locator("#daily-report svg rect.daily-bar").count() == 30
    assert page.locator("#daily-days tbody tr").count() == 30
    assert (
        page.locator("#daily-days tbody tr").first.locator("td").first.inner_text() == "2026-06-10"
    )
    assert cells(page, "2026-06-08") == [
        "2026-06-08",
        "22",
        "72.7%",
        "7 (85.7%)",
        "3 (33.3%)",
        "12 (75%)",
    ]
    assert cells(page, "2026-06-09")[4] == "0"  # no primary pupil answered that day
    total = page.locator("#daily-days tfoot tr").inner_text()
    assert "合计" in total and "46" in total
    # The districts over the whole period: a small group says so instead of a number.
    districts = page.locator("#daily-districts tbody tr")
    assert districts.count() == 16
    huangpu = [c.strip() for c in districts.first.locator("td").all_inner_texts()]
    assert huangpu[:4] == ["黄浦区", "18", "83.3%", "少于10人"]

    with page.expect_download() as info:
        page.click("#daily-dl-csv")
    download = info.value
    assert download.suggested_filename == "daily-city-2026-05-12-2026-06-10.csv"
    text = Path(download.path()).read_text("utf-8-sig")
    assert "日期,作答人数,正确率" in text and "2026-06-08,22,0.7273,7," in text

    # Another language draws the same figures again, without asking the server.
    asked: list[str] = []
    page.on("request", lambda r: asked.append(r.url) if "/reports/daily" in r.url else None)
    page.select_option("#lang", "en")
    page.wait_for_selector("#daily-report-title:has-text('Question of the day')")
    assert "Huangpu District" in page.locator("#daily-districts").inner_text()
    assert "fewer than 10" in page.locator("#daily-districts").inner_text()
    assert asked == []
    page.locator("#daily-report").scroll_into_view_if_needed()
    page.screenshot(path="/tmp/staff-dashboard-daily-1280.png")

    # Drilling down to a district: the view follows with that district's figures.
    page.click("#table-districts a:has-text('Huangpu District')")
    page.wait_for_selector("#daily-days tfoot:has-text('18')")
    assert page.locator("#daily-districts").count() == 0
    assert cells(page, "2026-06-08")[1:4] == ["14", "78.6%", "fewer than 10"]
    assert cells(page, "2026-06-09")[1] == "fewer than 10"
    assert len(asked) == 1 and "district=huangpu" in asked[0]
    assert page_errors == []


def test_school_view_on_a_phone_hides_small_groups(
    signed_in: SignedIn, daily_answers: None, page_errors: list[str]
) -> None:
    page, _ = signed_in("school", username="daily-teacher", school="S001", lang="ja")
    page.wait_for_selector("#daily-days")
    assert page.locator("#daily-report-title").inner_text() == "今日の一問：日別の回答状況"
    assert cells(page, "2026-06-08")[1:3] == ["12", "75%"]
    # Four students on 9 June: no number, no share.
    assert cells(page, "2026-06-09")[1:3] == ["10人未満", "–"]
    assert page.locator("#daily-districts").count() == 0
    page.locator("#daily-report").scroll_into_view_if_needed()
    page.screenshot(path="/tmp/staff-dashboard-daily-375-ja.png")
    assert page_errors == []
