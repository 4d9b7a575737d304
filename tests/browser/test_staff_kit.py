"""The staff dashboard's school page offers the school's kit (375 x 667): the registrations by
source, the school's and each class's link to copy, the poster, the letter and the class sheet
to download. The browser's requests are answered by the test client."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.plugins.dashboard import SignedIn

pytestmark = pytest.mark.browser


def test_school_page_offers_the_kit(
    signed_in: SignedIn, roster: None, page_errors: list[str]
) -> None:
    page, _ = signed_in("school", username="kit-teacher", school="S001", lang="ja")
    page.wait_for_selector("#kit .kit-link")
    assert page.locator("#kit-title").inner_text() == "キット：リンク、ポスター、保護者向けの手紙"
    # The roster's registrations came through no link: all are counted as the search.
    assert "学校の検索 6" in page.locator(".kit-sources").inner_text()
    school_link = page.locator("#kit .kit-link").first.input_value()
    assert school_link.endswith("/ja/quiz/?school=S001")
    assert page.locator(".kit-classes .kit-link").count() == 3
    page.locator("#kit .kit-copy").first.click()
    assert page.locator("#kit .kit-copy").first.inner_text() == "コピーしました"

    for label, name in (
        ("保護者向けの手紙をダウンロード（PDF）", "letter-S001-ja.pdf"),
        ("ポスターをダウンロード（PNG）", "poster-S001-ja.png"),
    ):
        with page.expect_download() as info:
            page.get_by_role("button", name=label).click()
        download = info.value
        assert download.suggested_filename == name
        body = Path(download.path()).read_bytes()
        assert body.startswith(b"%PDF" if name.endswith(".pdf") else b"\x89PNG")
    page.locator("#kit").scroll_into_view_if_needed()
    page.screenshot(path="/tmp/staff-dashboard-kit-375-ja.png")
    assert page_errors == []


def test_city_and_district_pages_have_no_kit(
    signed_in: SignedIn, roster: None, page_errors: list[str]
) -> None:
    page, _ = signed_in("city", username="kit-city", size=(1280, 800))
    page.wait_for_selector("#table-districts")
    assert page.locator("#kit").is_hidden()
    assert page_errors == []
