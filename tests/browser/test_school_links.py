"""A school kit's link on a phone in WeChat (375 x 667): the school, grade and class are
chosen and shown for confirmation, the student can still change them, the join records the
link it came through; an unknown school or class falls back to the search with a plain
message, never an error page."""

from __future__ import annotations

import pytest

from tests.plugins.browser import SHOTS, Phone
from tests.plugins.server import Live

pytestmark = pytest.mark.browser
SCHOOL = "DEMO001"
SCHOOL_NAME = "示例第一中学 (demo)"


def _to_student_screen(phone: Phone, nickname: str) -> None:
    assert phone.page.is_checked("input[name=qz-track][value=student]")
    phone.page.fill("#qz-nickname", nickname)
    phone.page.click("#quiz-app button[type=submit]")
    phone.wait_screen("student")


def _source_of(live: Live, nickname: str) -> tuple[object, ...]:
    (row,) = live.sql(
        "SELECT school_code, grade, class_name, source FROM participant WHERE nickname = ?",
        nickname,
    )
    return row


def _join(phone: Phone) -> None:
    phone.page.click("#quiz-app button[type=submit]")
    phone.wait_screen("rules")
    phone.page.check("#qz-agree")
    phone.page.click("#quiz-app button[type=submit]")
    phone.wait_screen("question")


def test_class_link_prefills_and_is_recorded(phone: Phone, live: Live) -> None:
    phone.open(f"en/quiz/?school={SCHOOL}&class=6-2%E7%8F%AD")
    notice = phone.page.inner_text(".qz-notice")
    assert SCHOOL_NAME in notice and "Check the school" in notice
    _to_student_screen(phone, "Linked")
    phone.page.wait_for_selector("#qz-class option:checked", state="attached")
    assert phone.page.input_value("#qz-school") == SCHOOL_NAME
    assert phone.page.input_value("#qz-grade") == "6"
    assert phone.page.input_value("#qz-class") == "2班"
    SHOTS.mkdir(parents=True, exist_ok=True)
    phone.shot("kit-class-link-en")
    phone.page.select_option("#qz-class", "3班")  # the student can still change it
    _join(phone)
    assert _source_of(live, "Linked") == (SCHOOL, 6, "3班", "class_link")
    assert phone.errors == []


def test_school_link_in_chinese_chooses_the_school_only(phone: Phone, live: Live) -> None:
    phone.open(f"quiz/?school={SCHOOL}")
    assert SCHOOL_NAME in phone.page.inner_text(".qz-notice")
    _to_student_screen(phone, "校链")
    assert phone.page.input_value("#qz-school") == SCHOOL_NAME
    phone.page.wait_for_selector("#qz-grade option >> nth=1", state="attached")
    assert phone.page.input_value("#qz-grade") == ""
    phone.page.select_option("#qz-grade", "7")
    phone.page.select_option("#qz-class", index=1)
    _join(phone)
    assert _source_of(live, "校链")[3] == "school_link"


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("school=NO-SUCH-SCHOOL&class=6-1%E7%8F%AD", "not on the list"),
        (f"school={SCHOOL}&class=99-1%E7%8F%AD", "its class is not on the list"),
    ],
)
def test_stale_links_fall_back_plainly(phone: Phone, query: str, message: str) -> None:
    phone.open(f"en/quiz/?{query}")
    assert phone.screen() == "track"
    assert message in phone.page.inner_text(".qz-notice")
    if query.startswith("school=NO"):
        assert phone.page.is_checked("input[name=qz-track][value=adult]")
        phone.page.check("input[name=qz-track][value=student]")
        _to_student_screen(phone, "Stale")
        assert phone.page.input_value("#qz-school") == ""  # the search, as without a link
    else:
        _to_student_screen(phone, "Stale")
        assert phone.page.input_value("#qz-school") == SCHOOL_NAME
        assert phone.page.input_value("#qz-grade") == ""
    phone.shot("kit-stale-link-" + ("school" if query.startswith("school=NO") else "class"))
    assert phone.errors == []
