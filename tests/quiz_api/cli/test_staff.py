"""`python -m quiz_api staff create`: the password from stdin or a prompt, and refusals."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from typer.testing import CliRunner

from quiz_api.core.config import Settings
from tests.plugins.staff import PASSWORD, login


def test_cli_create_with_password_from_stdin(
    settings: Settings,
    engine: Engine,
    client: TestClient,
    school: str,
    staff_tables: None,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import quiz_api.cli.database
    from quiz_api.cli.main import app

    monkeypatch.setattr(quiz_api.cli.database, "get_settings", lambda: settings)
    runner = CliRunner()
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
