"""The staff service, called directly: accounts, authentication and the scope of each role."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import Session

from quiz_api.core.config import PROJECT_ROOT
from quiz_api.core.errors import DomainError, ProblemType
from quiz_api.core.tokens import staff_from_token
from quiz_api.db.models import StaffAccount, StaffRole
from quiz_api.services.schools import load_districts
from quiz_api.services.scope import Area, StaffScope
from quiz_api.services.staff import (
    StaffInvalid,
    active_account,
    authenticate,
    create_account,
    issue_token,
)
from tests.plugins.app import Clock
from tests.plugins.database import SECRET

PASSWORD = "correct horse battery"
DISTRICTS = load_districts(PROJECT_ROOT / "content")
TOKEN_MINUTES = 30


def _create(db: Session, clock: Clock, role: StaffRole, **where: str) -> StaffAccount:
    return create_account(
        db,
        username=f"{role.value}-user",
        password=PASSWORD,
        role=role,
        school_code=where.get("school"),
        district=where.get("district"),
        now=clock.now,
        districts=DISTRICTS,
    )


def test_authenticate_answers_the_account_or_one_domain_error(
    db: Session, clock: Clock, school: str
) -> None:
    account = _create(db, clock, StaffRole.school, school=school)
    assert authenticate(db, "school-user", PASSWORD).id == account.id
    for username, password in (("school-user", "wrong password!"), ("nobody", PASSWORD)):
        with pytest.raises(DomainError) as caught:
            authenticate(db, username, password)
        assert caught.value.type is ProblemType.invalid_credentials
    account.active = False
    db.add(account)
    db.commit()
    with pytest.raises(DomainError):
        authenticate(db, "school-user", PASSWORD)
    assert account.id is not None and active_account(db, account.id, 0) is None


def test_a_token_names_the_account_until_it_expires(db: Session, clock: Clock, school: str) -> None:
    account = _create(db, clock, StaffRole.city)
    token, expires_at = issue_token(SECRET, account, clock.now, TOKEN_MINUTES)
    assert expires_at > clock.now
    assert staff_from_token(SECRET, token, clock.now) == account.id
    assert staff_from_token(SECRET, token, expires_at + timedelta(seconds=1)) is None


def test_each_role_reads_its_own_part_of_the_city(db: Session, clock: Clock, school: str) -> None:
    school_account = _create(db, clock, StaffRole.school, school=school)
    district_account = _create(db, clock, StaffRole.district, district="黄浦区")
    city_account = _create(db, clock, StaffRole.city)
    # The school's account takes its district from the roster.
    assert StaffScope.of(school_account) == StaffScope(StaffRole.school, Area("黄浦区", "S001"))
    assert StaffScope.of(district_account) == StaffScope(
        StaffRole.district, Area(district="黄浦区")
    )
    assert StaffScope.of(city_account) == StaffScope(StaffRole.city)


def test_accounts_are_checked_before_they_are_made(db: Session, clock: Clock) -> None:
    with pytest.raises(StaffInvalid, match="no school"):
        _create(db, clock, StaffRole.school, school="S999")
    with pytest.raises(StaffInvalid, match="neither"):
        _create(db, clock, StaffRole.city, district="黄浦区")
