"""The one scope filter: the same part of the city, as query conditions and as a test of one
row; a school sees its own, a district its schools, the city all."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlmodel import Session, col, select

from quiz_api.db.models import School, StaffAccount, StaffRole
from quiz_api.services.scope import Area, StaffScope

SCHOOLS = [("A1", "黄浦区"), ("A2", "黄浦区"), ("B1", "徐汇区")]


def _account(role: StaffRole, school_code: str | None, district: str | None) -> StaffAccount:
    return StaffAccount(
        username="u",
        password_hash="x",
        role=role.value,
        school_code=school_code,
        district=district,
        created_at=datetime(2026, 1, 1, tzinfo=UTC),
    )


@pytest.mark.parametrize(
    ("account", "visible"),
    [
        (_account(StaffRole.school, "A1", "黄浦区"), ["A1"]),
        (_account(StaffRole.district, None, "黄浦区"), ["A1", "A2"]),
        (_account(StaffRole.city, None, None), ["A1", "A2", "B1"]),
    ],
)
def test_an_account_reads_its_own_part_of_the_city(
    db: Session, account: StaffAccount, visible: list[str]
) -> None:
    for code, district in SCHOOLS:
        db.add(School(code=code, name=code, district=district, level="junior"))
    db.commit()
    scope = StaffScope.of(account)
    where = scope.where(col(School.district), col(School.code))
    found = db.exec(select(School.code).where(*where).order_by(col(School.code))).all()
    assert found == visible
    # The same area as a test of one row.
    assert [c for c, d in SCHOOLS if scope.area.contains(d, c)] == visible


def test_a_district_is_readable_by_its_staff_and_the_city_only() -> None:
    school = StaffScope.of(_account(StaffRole.school, "A1", "黄浦区"))
    district = StaffScope.of(_account(StaffRole.district, None, "黄浦区"))
    city = StaffScope.of(_account(StaffRole.city, None, None))
    assert [s.may_read_district("黄浦区") for s in (school, district, city)] == [
        False,
        True,
        True,
    ]
    assert not district.may_read_district("徐汇区")


def test_a_board_s_area_is_its_level_around_a_place() -> None:
    assert Area.at("city", "黄浦区", "A1") == Area()
    assert Area.at("district", "黄浦区", "A1") == Area(district="黄浦区")
    assert Area.at("school", "黄浦区", "A1") == Area(school_code="A1")
