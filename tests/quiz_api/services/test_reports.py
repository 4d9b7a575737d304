"""The reports service, called directly: every report stays within the account's scope
(a school its own, a district its schools, the city all), refused with domain errors."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlmodel import Session

from quiz_api.core.config import PROJECT_ROOT
from quiz_api.core.errors import DomainError, ProblemType
from quiz_api.db.models import School, SchoolClass, StaffRole
from quiz_api.services import reports
from quiz_api.services.schools import load_districts
from quiz_api.services.scope import Area, StaffScope

CAMPAIGN = "test-campaign"
TARGET = 0.9
SCHOOL = StaffScope(StaffRole.school, Area("黄浦区", "S001"))
DISTRICT = StaffScope(StaffRole.district, Area(district="黄浦区"))
CITY = StaffScope(StaffRole.city)
DISTRICTS = load_districts(PROJECT_ROOT / "content")


@pytest.fixture
def schools(db: Session) -> Iterator[None]:
    for code, district in (("S001", "黄浦区"), ("S003", "黄浦区"), ("S002", "徐汇区")):
        db.add(School(code=code, name=code, district=district, level="junior"))
    db.commit()
    for code in ("S001", "S003", "S002"):
        db.add(SchoolClass(school_code=code, grade=7, class_name="1班", enrolled=30))
    db.commit()
    yield


def _schools_of(report: reports.Report) -> set[str | None]:
    return {row.school_code for row in report.sections["classes"]}


@pytest.mark.parametrize(
    ("scope", "readable"),
    [(SCHOOL, {"S001"}), (DISTRICT, {"S001", "S003"}), (CITY, {"S001", "S002", "S003"})],
)
def test_a_school_report_is_for_schools_in_scope(
    db: Session, schools: None, scope: StaffScope, readable: set[str]
) -> None:
    for code in ("S001", "S002", "S003"):
        if code in readable:
            report = reports.school_report(db, CAMPAIGN, scope, code, TARGET)
            assert (report.code, _schools_of(report)) == (code, {code})
            assert report.totals.enrolled == 30
        else:
            with pytest.raises(DomainError) as caught:
                reports.school_report(db, CAMPAIGN, scope, code, TARGET)
            # Another school is unknown to the account, not forbidden: nothing leaks.
            assert caught.value.type is ProblemType.unknown_school
            assert "field" not in caught.value.extra


def test_a_district_report_is_for_its_staff_and_the_city(db: Session, schools: None) -> None:
    for scope in (DISTRICT, CITY):
        report = reports.district_report(db, DISTRICTS, CAMPAIGN, scope, "黄浦区", TARGET)
        assert _schools_of(report) == {"S001", "S003"}
        assert report.totals.enrolled == 60
    for scope, district in ((SCHOOL, "黄浦区"), (DISTRICT, "徐汇区")):
        with pytest.raises(DomainError) as caught:
            reports.district_report(db, DISTRICTS, CAMPAIGN, scope, district, TARGET)
        assert caught.value.type is ProblemType.outside_scope
    with pytest.raises(DomainError) as unknown:
        reports.district_report(db, DISTRICTS, CAMPAIGN, CITY, "no such district", TARGET)
    assert unknown.value.type is ProblemType.unknown_district


def test_the_city_report_is_for_city_staff(db: Session, schools: None) -> None:
    report = reports.city_report(db, CAMPAIGN, CITY, TARGET)
    assert {row.school_code for row in report.sections["schools"]} == {"S001", "S002", "S003"}
    assert report.totals.enrolled == 90
    for scope in (SCHOOL, DISTRICT):
        with pytest.raises(DomainError) as caught:
            reports.city_report(db, CAMPAIGN, scope, TARGET)
        assert caught.value.type is ProblemType.outside_scope
