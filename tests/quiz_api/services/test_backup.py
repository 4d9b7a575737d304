"""Backups (quiz_api/services/backup.py) on SQLite and PostgreSQL: a database filled through
the API is backed up, dropped and restored, and gives back every row and the same answers;
a damaged archive, and a restore over people's data, are refused."""

from __future__ import annotations

import io
import json
import tarfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import Engine, make_url

from quiz_api.api.app import create_app
from quiz_api.api.deps import get_now
from quiz_api.content.importer import import_content
from quiz_api.content.survey import load_surveys
from quiz_api.core.config import PROJECT_ROOT, Settings
from quiz_api.db.engine import make_engine, session_scope
from quiz_api.db.migrate import alembic_config
from quiz_api.db.models import StaffRole
from quiz_api.services import survey
from quiz_api.services.backup import (
    MANIFEST,
    BackupDamaged,
    BackupError,
    RestoreRefused,
    archive_name,
    create_backup,
    prune_backups,
    restore_backup,
    verify_backup,
)
from quiz_api.services.schools import load_districts
from quiz_api.services.staff import create_account
from tests.plugins import factories
from tests.plugins.database import PG_SERVER

NOW = datetime(2026, 6, 10, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai, inside the campaign
PASSWORD = "correct horse battery"
NewDatabase = Callable[[], str]


@pytest.fixture
def new_database(settings: Settings, tmp_path: Path) -> Iterator[NewDatabase]:
    """Makes empty databases of the run's backend (SQLite files, or PostgreSQL databases on
    the test server), all dropped at the end: a backup test drops and restores whole
    databases, so it never uses the suite's shared one."""
    made: list[str] = []

    def make() -> str:
        if settings.is_sqlite:
            url = f"sqlite:///{tmp_path / f'quiz-{len(made)}.sqlite3'}"
        else:
            url = _create_pg(f"quiz_backup_{tmp_path.name[-12:].lower()}_{len(made)}")
        made.append(url)
        return url

    yield make
    for url in made:
        drop(url)


def _create_pg(name: str) -> str:
    with _admin() as admin:
        admin.execute(text(f'CREATE DATABASE "{name}"'))
    return make_url(PG_SERVER).set(database=name).render_as_string(hide_password=False)


@contextmanager
def _admin() -> Iterator[Any]:
    engine = create_engine(PG_SERVER, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            yield connection
    finally:
        engine.dispose()


def drop(url: str) -> None:
    """Drop the database (PostgreSQL) or delete its files (SQLite): the disaster."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            Path(f"{parsed.database}{suffix}").unlink(missing_ok=True)
        return
    with _admin() as admin:
        admin.execute(text(f'DROP DATABASE IF EXISTS "{parsed.database}" WITH (FORCE)'))


def recreate(url: str) -> None:
    drop(url)
    if make_url(url).get_backend_name() == "postgresql":
        _create_pg(str(make_url(url).database))


@contextmanager
def api(settings: Settings) -> Iterator[TestClient]:
    """The API over this database, its clock at NOW; the engine is disposed on exit, as
    when the workers are stopped."""
    app = create_app(settings)  # its lifespan makes the engine and disposes it on exit
    app.dependency_overrides[get_now] = lambda: NOW
    with TestClient(app) as client:
        yield client


def migrated(url: str, content_dir: Path) -> Engine:
    from alembic import command

    command.upgrade(alembic_config(url), "head")
    engine = make_engine(Settings(database_url=url))
    with session_scope(engine) as session:
        import_content(session, content_dir)
        survey.import_surveys(session, load_surveys(PROJECT_ROOT / "content" / "survey"), NOW)
        create_account(
            session,
            username="city-office",
            password=PASSWORD,
            role=StaffRole.city,
            school_code=None,
            district=None,
            now=NOW,
            districts=load_districts(content_dir),
        )
    return engine


def fill(client: TestClient) -> dict[str, Any]:
    """Participants, attempts (finished, with answers, and one left open), results and a
    survey response, all through the API; returns what a participant and staff later see."""
    finisher = factories.join(client, nickname="阿明", lang="zh")
    paper = client.post("/api/v1/attempts", headers=finisher).json()
    first = paper["questions"][0]
    answer = {"question_id": first["id"], "choices": [first["options"][0]["id"]]}
    submitted = client.post(
        f"/api/v1/attempts/{paper['attempt_id']}/submit",
        json={"answers": [answer]},
        headers=finisher,
    )
    assert submitted.status_code == 200, submitted.text
    response = client.post(
        "/api/v1/survey/responses",
        json={"answers": {"challenge-overall": 5}, "comment": "很好"},
        headers=finisher,
    )
    assert response.status_code == 201, response.text
    starter = factories.join(client, nickname="Kim", lang="ko")
    assert client.post("/api/v1/attempts", headers=starter).status_code == 201
    return {
        "finisher": finisher,
        "attempt_id": paper["attempt_id"],
        "result": client.get(f"/api/v1/attempts/{paper['attempt_id']}/result", headers=finisher),
        "me": client.get("/api/v1/participants/me", headers=finisher).json(),
        "board": client.get("/api/v1/leaderboards/adult").json(),
    }


def snapshot(url: str) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, in primary-key order."""
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            inspector = inspect(connection)
            rows = {}
            for table in sorted(inspector.get_table_names()):
                key = inspector.get_pk_constraint(table)["constrained_columns"] or ["1"]
                order = ", ".join(key)
                rows[table] = [
                    tuple(row)
                    for row in connection.execute(text(f"SELECT * FROM {table} ORDER BY {order}"))
                ]
            return rows
    finally:
        engine.dispose()


def test_backup_drop_restore_gives_back_everything(
    new_database: NewDatabase, settings: Settings, content_dir: Path, tmp_path: Path
) -> None:
    url = new_database()
    migrated(url, content_dir).dispose()
    settings = settings.model_copy(update={"database_url": url})  # the tests' own, elsewhere
    with api(settings) as client:
        before = fill(client)
        staff_login = {"username": "city-office", "password": PASSWORD}
        assert client.post("/api/v1/staff/token", json=staff_login).status_code == 200
    rows = snapshot(url)
    assert all(rows[t] for t in ("participant", "attempt", "result", "survey_answer"))

    archive = tmp_path / "backups" / archive_name(NOW)
    manifest = create_backup(url, archive, NOW)
    assert manifest.row_counts == {table: len(found) for table, found in rows.items()}
    assert manifest.revision == rows["alembic_version"][0][0]

    drop(url)  # the disaster; the archive is checked without the database it came from
    assert verify_backup(archive, url) == manifest
    recreate(url)  # an empty database in its place
    assert restore_backup(archive, url) == manifest
    assert snapshot(url) == rows

    with api(settings) as client:
        token = before["finisher"]
        assert client.get("/api/v1/participants/me", headers=token).json() == before["me"]
        again = client.get(f"/api/v1/attempts/{before['attempt_id']}/result", headers=token)
        assert (again.status_code, again.json()) == (200, before["result"].json())
        assert client.get("/api/v1/leaderboards/adult").json() == before["board"]
        login = client.post("/api/v1/staff/token", json=staff_login)
        assert login.status_code == 200, login.text
        # New rows continue after the restored ones (PostgreSQL's sequences came back too):
        # a join would otherwise fail on an id that is taken.
        factories.join(client, nickname="新人")
    assert len(snapshot(url)["participant"]) == len(rows["participant"]) + 1


def test_restore_refuses_a_database_with_people_unless_forced(
    new_database: NewDatabase, content_dir: Path, tmp_path: Path
) -> None:
    source, target = new_database(), new_database()
    migrated(source, content_dir).dispose()
    archive = tmp_path / "source.tar"
    create_backup(source, archive, NOW)
    migrated(target, content_dir).dispose()  # holds a staff account
    with pytest.raises(RestoreRefused, match=r"1 rows in staff_account.*--force"):
        restore_backup(archive, target)
    restore_backup(archive, target, force=True)
    assert snapshot(target) == snapshot(source)


def _sqlite_archive(tmp_path: Path, content_dir: Path) -> Path:
    url = f"sqlite:///{tmp_path / 'quiz.sqlite3'}"
    migrated(url, content_dir).dispose()
    archive = tmp_path / "good.tar"
    create_backup(url, archive, NOW)
    return archive


def _members(archive: Path) -> dict[str, bytes]:
    with tarfile.open(archive, "r:*") as tar:
        return {m.name: tar.extractfile(m).read() for m in tar.getmembers()}  # type: ignore[union-attr]


def _rewrite(archive: Path, members: dict[str, bytes], out: Path) -> Path:
    with tarfile.open(out, "w") as tar:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return out


def test_damaged_archives_fail_with_a_clear_message(content_dir: Path, tmp_path: Path) -> None:
    archive = _sqlite_archive(tmp_path, content_dir)
    url = f"sqlite:///{tmp_path / 'configured.sqlite3'}"
    target = f"sqlite:///{tmp_path / 'target.sqlite3'}"
    members = _members(archive)
    manifest = json.loads(members[MANIFEST])
    dump = members[manifest["dump"]]

    truncated = tmp_path / "truncated.tar"
    truncated.write_bytes(archive.read_bytes()[: archive.stat().st_size // 2])
    flipped = bytearray(dump)
    flipped[len(flipped) // 2] ^= 0xFF
    # The manifest's counts say one participant more than the dump holds (checksum fixed up).
    wrong_counts = {**manifest, "row_counts": {**manifest["row_counts"], "participant": 1}}
    cases = {
        truncated: "unreadable archive",
        _rewrite(archive, {manifest["dump"]: dump}, tmp_path / "no-manifest.tar"): "no manifest",
        _rewrite(
            archive, {MANIFEST: members[MANIFEST], manifest["dump"]: bytes(flipped)}, tmp_path / "f"
        ): "does not match its checksum",
        _rewrite(
            archive,
            {MANIFEST: json.dumps(wrong_counts).encode(), manifest["dump"]: dump},
            tmp_path / "counts.tar",
        ): "participant: 0 rows restored, 1 in the manifest",
        _rewrite(archive, {MANIFEST: b"{not json", manifest["dump"]: dump}, tmp_path / "j.tar"): (
            "not a manifest"
        ),
    }
    for damaged, message in cases.items():
        with pytest.raises(BackupDamaged, match=message):
            verify_backup(damaged, url)
        with pytest.raises(BackupDamaged, match=message):
            restore_backup(damaged, target)
    assert verify_backup(archive, url).row_counts == manifest["row_counts"]
    assert not (tmp_path / "configured.sqlite3").exists()  # verify restores elsewhere


def test_a_backup_is_restored_only_into_its_own_kind_of_database(
    content_dir: Path, tmp_path: Path
) -> None:
    archive = _sqlite_archive(tmp_path, content_dir)
    with pytest.raises(BackupError, match="sqlite backup; QUIZ_DATABASE_URL is postgresql"):
        restore_backup(archive, PG_SERVER)
    with pytest.raises(BackupError, match="no such file"):
        verify_backup(tmp_path / "missing.tar", PG_SERVER)


def test_prune_keeps_the_newest_archives_and_nothing_else(tmp_path: Path) -> None:
    names = [archive_name(datetime(2026, 6, day, 18, 30, tzinfo=UTC)) for day in (9, 10, 11)]
    for name in [*names, "notes.txt", "other.tar"]:
        (tmp_path / name).write_text("x")
    deleted = prune_backups(tmp_path, keep=2)
    assert deleted == [tmp_path / names[0]]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        [*names[1:], "notes.txt", "other.tar"]
    )
    with pytest.raises(BackupError, match="keep at least one"):
        prune_backups(tmp_path, keep=0)
