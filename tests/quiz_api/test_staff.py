"""Staff accounts: creation rules, Argon2 passwords, login and short-lived tokens."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session, select
from typer import Typer
from typer.testing import CliRunner

from quiz_api.core.config import Settings
from quiz_api.core.tokens import staff_from_token, staff_token
from quiz_api.db.engine import session_scope
from quiz_api.db.models import StaffAccount, StaffRole
from quiz_api.services.staff import StaffInvalid, create_account

from . import factories
from .conftest import SECRET, Clock
from .test_staff_fixtures import PASSWORD, StaffFactory, login, staff, staff_tables

__all__ = ["staff", "staff_tables"]  # fixtures shared with the reports and survey tests


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


def _commands(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> tuple[CliRunner, Typer]:
    """The command line, on the test's database."""
    import quiz_api.cli.database
    from quiz_api.cli.main import app

    monkeypatch.setattr(quiz_api.cli.database, "get_settings", lambda: settings)
    return CliRunner(), app


def test_cli_create_with_password_from_stdin(
    settings: Settings,
    engine: Engine,
    client: TestClient,
    school: str,
    staff_tables: None,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    runner, app = _commands(settings, monkeypatch)
    args = ["staff", "create", "--role", "school", "--school", "S001", "--username", "teacher1"]
    result = runner.invoke(app, [*args, "--password-stdin"], input=PASSWORD + "\n")
    assert result.exit_code == 0, result.output
    assert "created school account 'teacher1' (S001)" in result.output
    assert login(client, "teacher1")
    again = runner.invoke(app, [*args, "--password-stdin"], input=PASSWORD + "\n")
    assert again.exit_code == 1 and "taken" in again.output
    prompted = runner.invoke(
        app,
        ["staff", "create", "--role", "city", "--username", "boss"],
        input="0123456789ab\n0123456789ab\n",
    )
    assert prompted.exit_code == 0, prompted.output
    assert login(client, "boss", "0123456789ab")
    bad = runner.invoke(
        app,
        [
            "staff",
            "create",
            "--role",
            "district",
            "--district",
            "Atlantis",
            "--username",
            "district1",
        ],
        input=PASSWORD + "\n" + PASSWORD + "\n",
    )
    assert bad.exit_code == 1 and "unknown district" in bad.output


def test_disable_enable_and_password_change_end_tokens_at_once(
    settings: Settings,
    client: TestClient,
    staff: StaffFactory,
    school: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    runner, app = _commands(settings, monkeypatch)
    old = staff("school", school="S001", username="teacher")
    other = staff("city", username="boss")

    listed = runner.invoke(app, ["staff", "list"])
    assert listed.exit_code == 0, listed.output
    rows = [line.split() for line in listed.output.splitlines()]
    assert rows == [["boss", "city", "city", "active"], ["teacher", "school", "S001", "active"]]

    disabled = runner.invoke(app, ["staff", "disable", "--username", "teacher"])
    assert disabled.exit_code == 0, disabled.output
    refused = client.get("/api/v1/staff/me", headers=old)  # well before its 30 minutes
    assert refused.status_code == 401 and refused.json()["type"] == "/problems/invalid-token"
    assert client.get("/api/v1/staff/me", headers=other).status_code == 200  # others unaffected
    assert ["teacher", "school", "S001", "disabled"] in [
        line.split() for line in runner.invoke(app, ["staff", "list"]).output.splitlines()
    ]
    response = client.post(
        "/api/v1/staff/token", json={"username": "teacher", "password": PASSWORD}
    )
    assert response.status_code == 401

    assert runner.invoke(app, ["staff", "enable", "--username", "teacher"]).exit_code == 0
    # Enabling lets the owner log in again, but does not revive the tokens it ended.
    assert client.get("/api/v1/staff/me", headers=old).status_code == 401
    fresh = login(client, "teacher")
    assert client.get("/api/v1/staff/me", headers=fresh).status_code == 200

    changed = runner.invoke(
        app,
        ["staff", "password", "--username", "teacher", "--password-stdin"],
        input="a new password 42\n",
    )
    assert changed.exit_code == 0, changed.output
    assert client.get("/api/v1/staff/me", headers=fresh).status_code == 401
    newest = login(client, "teacher", "a new password 42")
    assert client.get("/api/v1/staff/me", headers=newest).status_code == 200

    unknown = runner.invoke(app, ["staff", "disable", "--username", "nobody"])
    assert unknown.exit_code == 1 and "no account 'nobody'" in unknown.output
