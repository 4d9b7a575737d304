"""`python -m quiz_api schools import`: the roster import's exit codes and messages."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select
from typer.testing import CliRunner

from quiz_api.cli.schools import DEMO_ROSTER
from quiz_api.core.config import Settings
from quiz_api.db.models import School
from tests.plugins.factories import SHIPPED_CONTENT, write_roster


def test_cli_import_exit_codes(
    settings: Settings, engine: Engine, db: Session, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import quiz_api.cli.database
    from quiz_api.cli.main import app

    monkeypatch.setattr(quiz_api.cli.database, "get_settings", lambda: settings)
    runner = CliRunner()
    bad = write_roster(tmp_path, "T01,Demo,Atlantis,junior,7,1班,40\n")
    result = runner.invoke(app, ["schools", "import", str(bad)])
    assert result.exit_code == 1
    assert "row 2: unknown district 'Atlantis'" in result.output
    assert "nothing was imported" in result.output
    assert runner.invoke(app, ["schools", "import", str(tmp_path / "nope.csv")]).exit_code == 1
    result = runner.invoke(app, ["schools", "import", str(SHIPPED_CONTENT / DEMO_ROSTER)])
    assert result.exit_code == 0, result.output
    db.expire_all()
    demo = db.exec(select(School).where(col(School.code).like("DEMO%"))).all()
    assert demo and all("(demo)" in s.name for s in demo)
