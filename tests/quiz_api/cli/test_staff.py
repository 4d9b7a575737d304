"""`python -m quiz_api staff ...`: create (the password from stdin or a prompt, refusals), list,
disable, enable and password, which end the account's tokens at once."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from typer import Typer
from typer.testing import CliRunner

from quiz_api.core.config import Settings
from tests.plugins.staff import PASSWORD, StaffFactory, login


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
