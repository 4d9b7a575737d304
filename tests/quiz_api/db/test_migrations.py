"""The Alembic migrations build exactly the schema the models describe, on both databases,
and can be stepped down and up again."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect
from sqlalchemy.engine import Engine
from sqlmodel import SQLModel

from quiz_api.db.migrate import alembic_config


def test_migrations_match_the_models(engine: Engine) -> None:
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": False})
        diff = compare_metadata(context, SQLModel.metadata)
    assert diff == [], f"models and migrations differ: write a migration for {diff}"


def test_downgrade_to_nothing_and_up_again(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'm.sqlite3'}"
    config = alembic_config(url)
    command.upgrade(config, "head")
    command.downgrade(config, "base")
    probe = create_engine(url)
    assert set(inspect(probe).get_table_names()) <= {"alembic_version"}
    command.upgrade(config, "head")
    assert "attempt" in inspect(probe).get_table_names()
    probe.dispose()


def test_0011_adds_the_address_digest_and_the_sweep_and_takes_them_back(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'm.sqlite3'}"
    config = alembic_config(url)
    command.upgrade(config, "0011")
    probe = create_engine(url)

    def participant_columns() -> set[str]:
        return {c["name"] for c in inspect(probe).get_columns("participant")}

    assert "address_hash" in participant_columns()
    assert "ix_participant_created" in {
        i["name"] for i in inspect(probe).get_indexes("participant")
    }
    assert {"integrity_sweep", "integrity_flag"} <= set(inspect(probe).get_table_names())
    command.downgrade(config, "0010")
    probe.dispose()
    probe = create_engine(url)
    assert "address_hash" not in participant_columns()
    assert not {"integrity_sweep", "integrity_flag"} & set(inspect(probe).get_table_names())
    command.upgrade(config, "head")
    probe.dispose()


def test_0012_adds_the_answer_key_and_takes_it_back(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'm.sqlite3'}"
    config = alembic_config(url)
    command.upgrade(config, "0012")
    probe = create_engine(url)

    def result_columns() -> set[str]:
        return {c["name"] for c in inspect(probe).get_columns("result")}

    def result_indexes() -> set[str]:
        return {i["name"] for i in inspect(probe).get_indexes("result") if i["name"]}

    assert "answer_key" in result_columns()
    assert "ix_result_submitted" in result_indexes()
    command.downgrade(config, "0011")
    probe.dispose()
    probe = create_engine(url)
    assert "answer_key" not in result_columns()
    assert "ix_result_submitted" not in result_indexes()
    command.upgrade(config, "head")
    probe.dispose()
