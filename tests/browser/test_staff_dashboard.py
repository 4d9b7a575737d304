"""The staff dashboard at /staff/ in headless Chromium: login, bars and the daily line,
sorting, drilling down, the language switch, downloads, the survey; phone and desktop sizes.
The browser's requests are answered by the test client (no server, nothing from outside)."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from playwright.sync_api import expect

from tests.plugins.dashboard import OpenPage, SignedIn, sign_in
from tests.plugins.staff import StaffFactory

pytestmark = pytest.mark.browser


def test_city_dashboard_on_a_phone_and_a_desktop(
    open_page: OpenPage, answered: None, staff: StaffFactory, page_errors: list[str]
) -> None:
    staff("city", username="city-office")
    page = open_page(375, 667)
    assert page.locator("h1").inner_text() == "禁毒知识竞答 · 工作人员报表"
    sign_in(page, "city-office")
    page.wait_for_selector("#table-schools")
    assert page.locator("#scope-title").inner_text() == "全市"
    # One bar per district, the target line, and the daily line with its points.
    assert page.locator("#bars svg rect").count() == 2
    assert page.locator("#bars svg line").count() == 1
    assert page.locator("#line svg polyline").count() == 1
    assert page.locator("#line svg circle").count() == 2  # two days of data
    first = page.locator("#table-schools tbody tr").first
    assert "S003" in first.inner_text() and "below" in (first.get_attribute("class") or "")
    # Registration above 100 % is flagged in the table (S001 has 7/2班 at 150 %; S002 at 100 %).
    cards = page.locator("#cards").inner_text()
    # 9 + 20 survey respondents registered for 24 enrolled: shown, and flagged.
    assert "120.8% ⚠" in cards
    page.screenshot(path="/tmp/staff-dashboard-city-375.png", full_page=True)

    # Sorting by name, then by registration rate descending.
    header = page.locator("#table-schools th button").nth(3)  # registration rate
    header.click()
    header = page.locator("#table-schools th button").nth(3)
    header.click()
    assert page.locator("#table-schools th").nth(3).get_attribute("aria-sort") == "descending"
    assert "S002" in page.locator("#table-schools tbody tr").first.inner_text()

    # English.
    page.select_option("#lang", "en")
    assert page.locator("#scope-title").inner_text() == "City"
    assert page.locator("html").get_attribute("lang") == "en"
    assert "Registration rate" in page.locator("#table-schools thead").inner_text()
    assert "Huangpu District" in page.locator("#table-districts").inner_text()

    # The CSV download carries the figures, headers in English.
    with page.expect_download() as info:
        page.click("#dl-csv")
    download = info.value
    assert download.suggested_filename == "report-city.csv"
    text = Path(download.path()).read_text("utf-8-sig")
    assert text.startswith("level,district,school code") and "S001" in text

    # Survey: the overall row with its interval, the comments for city staff.
    page.wait_for_selector("#survey-body table")
    survey = page.locator("#survey-body").inner_text()
    assert "Overall, how satisfied are you with this anti-drug knowledge challenge?" in survey
    assert "76.7%" in survey  # 23 of 30 answers in the top two
    page.wait_for_selector("#comments li")
    assert page.locator("#comments li").count() == 30

    # Drill down to a district, then back.
    page.click("#table-districts a:has-text('Huangpu District')")
    page.wait_for_selector("#table-classes")
    assert page.locator("#scope-title").inner_text() == "Huangpu District"
    page.click("#back")
    page.wait_for_selector("#table-districts")
    assert page_errors == []

    desktop = open_page(1280, 800)
    page = desktop
    page.select_option("#lang", "ko")
    sign_in(page, "city-office")
    page.wait_for_selector("#table-schools")
    assert page.locator("#scope-title").inner_text() == "시 전체"
    page.wait_for_selector("#survey-body table")
    page.screenshot(path="/tmp/staff-dashboard-city-1280.png", full_page=True)
    assert page_errors == []


def test_school_dashboard_shows_its_classes_only(
    open_page: OpenPage, signed_in: SignedIn, roster: None, page_errors: list[str]
) -> None:
    page, _ = signed_in("school", username="teacher-s001", school="S001", lang="ja")
    page.wait_for_selector("#table-classes")
    assert page.locator("#scope-title").inner_text() == "示例第一中学 (demo) (S001)"
    assert page.locator("#table-schools").count() == 0
    assert page.locator("#bars svg rect").count() == 3  # a bar per class
    rows = page.locator("#table-classes tbody tr")
    assert rows.count() == 3
    assert "8年生 1班" in rows.first.inner_text()  # below target first
    over = page.locator("#table-classes tr.over")
    assert over.count() == 1 and "150%" in over.inner_text() and "⚠" in over.inner_text()
    assert page.locator("#comments li").count() == 0  # free text is for city staff only
    page.screenshot(path="/tmp/staff-dashboard-school-375-ja.png", full_page=True)

    # A wrong password is refused with a message, in the chosen language.
    other = open_page(1280, 800)
    other.select_option("#lang", "en")
    other.fill("#username", "teacher-s001")
    other.fill("#password", "wrong password")
    other.click("#login-form button[type=submit]")
    # A locator assertion waits without evaluating a string: the page's CSP forbids eval,
    # which wait_for_function needs.
    expect(other.locator("#login-error")).to_have_text("Wrong username or password")
    assert page_errors == []  # neither school's page


def test_dashboard_files_are_self_contained(client: TestClient) -> None:
    page = client.get("/staff/")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "default-src 'none'" in page.headers["content-security-policy"]
    assert "http" not in page.text.replace('lang="zh"', "")
    assert client.get("/staff", follow_redirects=False).headers["location"] == "/staff/"
    script = client.get("/staff/app.js")
    assert script.status_code == 200 and "//" not in script.text.split("http://www.w3.org")[0][:0]
    assert "https://" not in script.text
    assert client.get("/staff/secret.txt").status_code == 404
    assert client.get("/staff/..%2Fquiz_api%2Fconfig.py").status_code == 404
