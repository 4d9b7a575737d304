"""Staff accounts: creation rules, Argon2 passwords, login and short-lived tokens."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from quiz_api.core.tokens import staff_from_token, staff_token
from quiz_api.db.engine import session_scope
from quiz_api.db.models import StaffAccount, StaffRole
from quiz_api.services.staff import StaffInvalid, create_account
from tests.plugins import factories
from tests.plugins.app import Clock
from tests.plugins.database import SECRET
from tests.plugins.staff import PASSWORD, StaffFactory


def test_accounts_need_the_right_scope(
    engine: Engine, school: str, staff_tables: None, clock: Clock
) -> None:
    def create(username: str, role: str, **kw: str | None) -> StaffAccount:
        with session_scope(engine) as session:
            return create_account(
                session,
                username=username,
                password=PASSWORD,
                role=StaffRole(role),
                school_code=kw.get("school"),
                district=kw.get("district"),
                now=clock.now,
                districts=factories.DISTRICTS,
            )

    bad = [
        ("a-school", "school", {}, "needs --school"),
        ("a-school", "school", {"school": "NOPE"}, "no school with code 'NOPE'"),
        ("a-school", "school", {"school": "S001", "district": "黄浦区"}, "no --district"),
        ("a-district", "district", {}, "needs --district"),
        ("a-district", "district", {"district": "Atlantis"}, "unknown district"),
        ("a-city", "city", {"district": "黄浦区"}, "neither"),
        ("a b", "city", {}, "no spaces"),
    ]
    for username, role, kw, message in bad:
        with pytest.raises(StaffInvalid, match=message):
            create(username, role, **kw)
    account = create("teacher", "school", school="S001")
    assert (account.school_code, account.district) == ("S001", "黄浦区")
    assert account.password_hash.startswith("$argon2id$")
    assert PASSWORD not in account.password_hash
    assert create("office", "district", district="huangpu").district == "黄浦区"
    with pytest.raises(StaffInvalid, match="taken"):
        create("teacher", "city")
    with pytest.raises(StaffInvalid, match="at least 10"), session_scope(engine) as session:
        create_account(
            session,
            username="short",
            password="short",
            role=StaffRole.city,
            school_code=None,
            district=None,
            now=clock.now,
            districts=factories.DISTRICTS,
        )


def test_login_and_token_lifetime(
    client: TestClient, staff: StaffFactory, school: str, clock: Clock
) -> None:
    headers = staff("school", school="S001")
    me = client.get("/api/v1/staff/me", headers=headers)
    assert me.status_code == 200
    assert me.json() == {
        "username": me.json()["username"],
        "role": "school",
        "school_code": "S001",
        "district": "黄浦区",
    }
    clock.advance(minutes=29)
    assert client.get("/api/v1/staff/me", headers=headers).status_code == 200
    clock.advance(minutes=2)  # 31 minutes: the token has expired
    expired = client.get("/api/v1/staff/me", headers=headers)
    assert expired.status_code == 401
    assert expired.json()["type"] == "/problems/invalid-token"


def test_wrong_password_unknown_user_and_forged_tokens(
    client: TestClient, staff: StaffFactory, clock: Clock
) -> None:
    username = "city-x"
    staff("city", username=username)
    for body in (
        {"username": "nobody", "password": PASSWORD},
        {"username": username, "password": "wrong password!"},
    ):
        response = client.post("/api/v1/staff/token", json=body)
        assert response.status_code == 401
        assert response.json()["type"] == "/problems/invalid-credentials"
    assert client.get("/api/v1/staff/me").status_code == 401

    participant = factories.join(client, nickname="阿明")
    response = client.get("/api/v1/staff/me", headers=participant)
    assert response.status_code == 401  # a participant token is not a staff token
    forged = staff_token("another secret", 1, clock.now.replace(year=2030))
    assert (
        client.get("/api/v1/staff/me", headers={"Authorization": f"Bearer {forged}"}).status_code
        == 401
    )
    genuine = staff_token(SECRET, 1, clock.now.replace(year=2030))
    longer = genuine.replace(".1.", ".2.", 1)  # another account with the same signature
    assert staff_from_token(SECRET, longer, clock.now) is None
    extended = genuine.rsplit(".", 2)[0] + ".9999999999." + genuine.rsplit(".", 1)[1]
    assert staff_from_token(SECRET, extended, clock.now) is None


def test_deactivated_account_is_refused(
    client: TestClient, staff: StaffFactory, db: Session
) -> None:
    headers = staff("city")
    account = db.exec(select(StaffAccount)).one()
    account.active = False
    db.add(account)
    db.commit()
    assert client.get("/api/v1/staff/me", headers=headers).status_code == 401
