"""Backups of the quiz database: one archive (tar) holding the dump and ``manifest.json``.

PostgreSQL is dumped with ``pg_dump`` (custom format) and restored with a parallel
``pg_restore``; SQLite is copied with its online backup API, which is safe while the API
writes. The manifest records the row count of every table, the Alembic revision, the
project's version, the time and the dump's SHA-256, so that ``verify_backup`` can restore
into a scratch database and prove that the archive gives back what it was made from.

The functions take plain arguments (a database URL, paths, the time) and raise the
exceptions below; ``quiz_api/cli/backup.py`` turns them into messages.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import subprocess
import tarfile
import tempfile
import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path
from typing import Literal

from pydantic import TypeAdapter, ValidationError
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import URL, Connection, make_url

import quiz_api

MANIFEST = "manifest.json"
FORMAT = 1  # of the archive; raised when its layout changes
# Tables whose rows make a database worth protecting from an accidental restore.
PRECIOUS = ("participant", "staff_account")
ARCHIVE_PREFIX = "quiz-"
ARCHIVE_SUFFIX = ".tar"
Backend = Literal["postgresql", "sqlite"]
DUMPS: Mapping[Backend, str] = {"postgresql": "database.pgdump", "sqlite": "database.sqlite3"}


# Errors of their own, not quiz_api.core.errors.DomainError (being introduced for #13):
# DomainError carries one of the API's problem types (docs/api.md), and a backup is never
# an HTTP request; only the command reports these.
class BackupError(Exception):
    """A backup could not be made, checked or restored; the message says why."""


class BackupDamaged(BackupError):
    """The archive is unreadable, incomplete or does not restore to what it recorded."""


class RestoreRefused(BackupError):
    """The target database holds participants or staff accounts (use ``force``)."""


@dataclass(frozen=True)
class Manifest:
    format: int
    backend: Backend
    created_at: str  # ISO 8601, UTC
    version: str  # quiz_api.__version__ of the code that made the dump
    revision: str | None  # Alembic revision of the database
    dump: str  # name of the dump inside the archive
    sha256: str  # of the dump
    row_counts: dict[str, int]

    def to_json(self) -> bytes:
        return json.dumps(asdict(self), indent=2, sort_keys=True).encode()

    @classmethod
    def from_json(cls, data: bytes) -> Manifest:
        try:
            manifest = TypeAdapter(cls).validate_json(data)
        except ValidationError as exc:
            problems = "; ".join(
                f"{'.'.join(map(str, e['loc'])) or 'manifest'}: {e['msg']}" for e in exc.errors()
            )
            raise BackupDamaged(
                f"{MANIFEST} is not a manifest of this project: {problems}"
            ) from exc
        if manifest.format != FORMAT:
            raise BackupDamaged(
                f"archive format {manifest.format} is not one this version "
                f"({quiz_api.__version__}) reads"
            )
        return manifest


def backend_of(database_url: str) -> Backend:
    name = make_url(database_url).get_backend_name()
    if name == "postgresql":
        return "postgresql"
    if name == "sqlite":
        return "sqlite"
    raise BackupError(f"backups support PostgreSQL and SQLite, not {name}")


def create_backup(database_url: str, out: Path, now: datetime) -> Manifest:
    """Dump the database into the archive ``out`` (written whole or not at all)."""
    backend = backend_of(database_url)
    out.parent.mkdir(parents=True, exist_ok=True)
    # Staged beside the archive: the dump may be large, and the final rename stays atomic.
    with tempfile.TemporaryDirectory(dir=out.parent, prefix=".backup-") as staging:
        dump = Path(staging) / DUMPS[backend]
        if backend == "sqlite":
            revision, counts = _sqlite_dump(_sqlite_path(database_url), dump)
        else:
            revision, counts = _postgres_dump(database_url, dump)
        manifest = Manifest(
            format=FORMAT,
            backend=backend,
            created_at=now.isoformat(),
            version=quiz_api.__version__,
            revision=revision,
            dump=dump.name,
            sha256=_sha256(dump),
            row_counts=counts,
        )
        (Path(staging) / MANIFEST).write_bytes(manifest.to_json())
        partial = Path(staging) / "archive.tar"
        # pg_dump's custom format is compressed already; an SQLite file is not.
        with tarfile.open(partial, "w:gz" if backend == "sqlite" else "w") as archive:
            archive.add(Path(staging) / MANIFEST, MANIFEST)
            archive.add(dump, dump.name)
        os.replace(partial, out)
    return manifest


def verify_backup(archive: Path, database_url: str) -> Manifest:
    """Restore the archive into a scratch database and compare it with its manifest.

    ``database_url`` only says where a scratch database may be made: a temporary SQLite
    file, or a temporary PostgreSQL database on that server (created and dropped; the
    role needs CREATEDB). The configured database itself is not touched."""
    with _unpacked(archive) as (manifest, dump):
        if manifest.backend == "sqlite":
            with tempfile.TemporaryDirectory(prefix="quiz-verify-") as scratch:
                target = Path(scratch) / "verify.sqlite3"
                _sqlite_restore(dump, target)
                _compare(manifest, f"sqlite:///{target}")
            return manifest
        if backend_of(database_url) != "postgresql":
            raise BackupError("a PostgreSQL backup is verified on a PostgreSQL server")
        with _scratch_postgres(database_url) as scratch_url:
            _postgres_restore(dump, scratch_url)
            _compare(manifest, scratch_url)
    return manifest


def holds_people(database_url: str) -> dict[str, int]:
    """Rows in the tables a restore would overwrite that matter (participants, staff)."""
    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            tables = set(inspect(connection).get_table_names())
            counts = {table: _count(connection, table) for table in PRECIOUS if table in tables}
    finally:
        engine.dispose()
    return {table: n for table, n in counts.items() if n}


def restore_backup(archive: Path, database_url: str, *, force: bool = False) -> Manifest:
    """Replace the configured database's content with the archive's (API stopped).

    Refused (RestoreRefused) when the database holds participants or staff accounts,
    unless ``force``. The archive is checked (readable, dump's checksum) before anything
    is written, and the restored row counts are compared with the manifest after."""
    target_backend = backend_of(database_url)
    with _unpacked(archive) as (manifest, dump):
        if manifest.backend != target_backend:
            raise BackupError(
                f"this is a {manifest.backend} backup; QUIZ_DATABASE_URL is {target_backend}"
            )
        present = holds_people(database_url)
        if present and not force:
            found = ", ".join(f"{n} rows in {table}" for table, n in present.items())
            raise RestoreRefused(
                f"the database is not empty ({found}); restoring would replace them: "
                "pass --force if that is what you want"
            )
        if manifest.backend == "sqlite":
            _sqlite_restore(dump, _sqlite_path(database_url))
        else:
            _refuse_while_connected(database_url)
            _postgres_restore(dump, database_url)
        _compare(manifest, database_url)
    return manifest


def archive_name(now: datetime) -> str:
    """``quiz-20260610T020000Z.tar``: sorts by time, which ``prune_backups`` relies on."""
    return f"{ARCHIVE_PREFIX}{now.strftime('%Y%m%dT%H%M%SZ')}{ARCHIVE_SUFFIX}"


def prune_backups(directory: Path, keep: int) -> list[Path]:
    """Delete all but the newest ``keep`` archives named by ``archive_name``; other files
    in the folder are left alone. Returns the deleted paths."""
    if keep < 1:
        raise BackupError("keep at least one backup")
    archives = sorted(directory.glob(f"{ARCHIVE_PREFIX}*{ARCHIVE_SUFFIX}"))
    doomed = archives[:-keep]
    for path in doomed:
        path.unlink()
    return doomed


# --- archives ---------------------------------------------------------------------------


@contextmanager
def _unpacked(archive: Path) -> Iterator[tuple[Manifest, Path]]:
    """The archive's manifest and its dump, extracted into a temporary folder and checked
    against the manifest's checksum."""
    if not archive.is_file():
        raise BackupError(f"{archive}: no such file")
    with tempfile.TemporaryDirectory(prefix="quiz-backup-") as folder:
        try:
            with tarfile.open(archive, "r:*") as tar:
                names = set(tar.getnames())
                if MANIFEST not in names:
                    raise BackupDamaged(f"{archive}: no {MANIFEST} (not a backup of this project)")
                manifest_file = tar.extractfile(MANIFEST)
                assert manifest_file is not None  # a regular member, checked above
                manifest = Manifest.from_json(manifest_file.read())
                if manifest.dump not in names:
                    raise BackupDamaged(f"{archive}: the dump {manifest.dump} is missing")
                tar.extract(manifest.dump, folder, filter="data")
        except (tarfile.TarError, EOFError, OSError) as exc:
            raise BackupDamaged(f"{archive}: unreadable archive ({exc})") from exc
        dump = Path(folder) / manifest.dump
        if _sha256(dump) != manifest.sha256:
            raise BackupDamaged(f"{archive}: the dump does not match its checksum (damaged)")
        yield manifest, dump


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        while block := file.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


def _compare(manifest: Manifest, database_url: str) -> None:
    revision, counts = _census_of(database_url)
    if revision != manifest.revision:
        raise BackupDamaged(f"restored revision {revision}, the manifest says {manifest.revision}")
    differences = [
        f"{table}: {counts.get(table)} rows restored, {expected} in the manifest"
        for table, expected in sorted(manifest.row_counts.items())
        if counts.get(table) != expected
    ] + [f"{table}: not in the manifest" for table in sorted(counts.keys() - manifest.row_counts)]
    if differences:
        raise BackupDamaged("the restore differs from the manifest: " + "; ".join(differences))


# --- counting rows ----------------------------------------------------------------------


def _census_of(database_url: str) -> tuple[str | None, dict[str, int]]:
    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            return _census(connection)
    finally:
        engine.dispose()


def _census(connection: Connection) -> tuple[str | None, dict[str, int]]:
    """The Alembic revision and the row count of every table, read in one transaction."""
    tables = sorted(inspect(connection).get_table_names())
    counts = {table: _count(connection, table) for table in tables}
    revision = None
    if "alembic_version" in tables:
        revision = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
    return revision, counts


def _count(connection: Connection, table: str) -> int:
    quoted = connection.dialect.identifier_preparer.quote(table)
    return int(connection.execute(text(f"SELECT count(*) FROM {quoted}")).scalar_one())


# --- SQLite -----------------------------------------------------------------------------


def _sqlite_path(database_url: str) -> Path:
    database = make_url(database_url).database
    if not database or database == ":memory:":
        raise BackupError("an in-memory SQLite database cannot be backed up or restored")
    return Path(database)


def _sqlite_dump(source: Path, dump: Path) -> tuple[str | None, dict[str, int]]:
    if not source.is_file():
        raise BackupError(f"{source}: no such database")
    # The online backup API copies a consistent snapshot even while the API writes; the
    # copy is then switched out of WAL mode so that it is one self-contained file.
    with _sqlite(source) as live, _sqlite(dump) as copy:
        live.backup(copy)
        copy.execute("PRAGMA journal_mode=DELETE")
    return _census_of(f"sqlite:///{dump}")


def _sqlite_restore(dump: Path, target: Path) -> None:
    with _sqlite(dump) as source:
        try:
            intact = source.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        except sqlite3.DatabaseError as exc:  # not a database at all
            raise BackupDamaged(f"the SQLite dump is unreadable: {exc}") from exc
        if not intact:
            raise BackupDamaged("the SQLite dump fails its integrity check")
        target.parent.mkdir(parents=True, exist_ok=True)
        # The backup API replaces every page of the target, schema included.
        with _sqlite(target) as destination:
            source.backup(destination)


@contextmanager
def _sqlite(path: Path) -> Iterator[sqlite3.Connection]:
    connection = sqlite3.connect(path)
    try:
        yield connection
    finally:
        connection.close()


# --- PostgreSQL -------------------------------------------------------------------------


def _libpq(database_url: str) -> tuple[str, dict[str, str]]:
    """A libpq URI for pg_dump and pg_restore, and the environment carrying the password
    (kept off the command line, where any local user could read it)."""
    url: URL = make_url(database_url)
    env = dict(os.environ)
    if url.password is not None:
        env["PGPASSWORD"] = str(url.password)
    plain = url.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False), env


def _run(command: list[str], env: dict[str, str]) -> None:
    try:
        subprocess.run(command, check=True, capture_output=True, text=True, env=env)
    except FileNotFoundError as exc:
        raise BackupError(f"{command[0]} is not installed (Debian: postgresql-client)") from exc
    except subprocess.CalledProcessError as exc:
        raise BackupError(f"{command[0]} failed: {exc.stderr.strip()}") from exc


def _postgres_dump(database_url: str, dump: Path) -> tuple[str | None, dict[str, int]]:
    # The counts and pg_dump see the same snapshot: this transaction exports it, and
    # pg_dump runs inside it (--snapshot) while the transaction stays open.
    uri, env = _libpq(database_url)
    engine = create_engine(database_url, isolation_level="REPEATABLE READ")
    try:
        with engine.connect() as connection:
            snapshot = connection.execute(text("SELECT pg_export_snapshot()")).scalar_one()
            census = _census(connection)
            _run(
                ["pg_dump", "--format=custom", f"--snapshot={snapshot}", f"--file={dump}", uri], env
            )
    finally:
        engine.dispose()
    return census


def _postgres_restore(dump: Path, database_url: str) -> None:
    uri, env = _libpq(database_url)
    jobs = max(1, min(4, os.cpu_count() or 1))
    _run(
        [
            "pg_restore",
            "--clean",
            "--if-exists",
            "--no-owner",
            "--exit-on-error",
            f"--jobs={jobs}",
            f"--dbname={uri}",
            str(dump),
        ],
        env,
    )


def _refuse_while_connected(database_url: str) -> None:
    """pg_restore --clean would wait for the API's connections, or be deadlocked by them."""
    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            others = connection.execute(
                text(
                    "SELECT count(*) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )
            ).scalar_one()
    finally:
        engine.dispose()
    if others:
        raise RestoreRefused(
            f"{others} other connection(s) to the database: stop the API workers "
            "(systemctl stop jd-quiz-api) before restoring"
        )


@contextmanager
def _scratch_postgres(database_url: str) -> Iterator[str]:
    """A temporary database on the same server, dropped afterwards whatever happens. Made
    from the maintenance database (as createdb does): the configured one may be the lost one."""
    name = f"quiz_verify_{uuid.uuid4().hex[:12]}"
    maintenance = make_url(database_url).set(database="postgres")
    admin = create_engine(maintenance, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        try:
            yield make_url(database_url).set(database=name).render_as_string(hide_password=False)
        finally:
            with admin.connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        admin.dispose()
