"""``python -m quiz_api backup ...``: archives of the configured database (docs/operations.md)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer

from quiz_api.cli.terminal import fail, out
from quiz_api.core.config import get_settings
from quiz_api.services.backup import (
    BackupError,
    Manifest,
    archive_name,
    create_backup,
    prune_backups,
    restore_backup,
    verify_backup,
)

backup_app = typer.Typer(
    help="Back up, check and restore the database (PostgreSQL or SQLite).", no_args_is_help=True
)


def _summary(manifest: Manifest) -> str:
    rows = sum(manifest.row_counts.values())
    return (
        f"{manifest.backend} database at revision {manifest.revision}, "
        f"{len(manifest.row_counts)} tables, {rows} rows, made {manifest.created_at} "
        f"by version {manifest.version}"
    )


@backup_app.command("create")
def backup_create(
    out_file: Annotated[
        Path | None, typer.Option("--out", help="Archive to write (replaced if it exists)")
    ] = None,
    out_dir: Annotated[
        Path | None,
        typer.Option(help="Folder for a new archive named quiz-<UTC time>.tar (instead of --out)"),
    ] = None,
    keep: Annotated[
        int | None,
        typer.Option(help="With --out-dir: then delete all but the newest KEEP archives there"),
    ] = None,
    verify: Annotated[
        bool, typer.Option("--verify", help="Then restore the archive into a scratch database")
    ] = False,
) -> None:
    """Dump the database (safe while the API runs) into one archive with its manifest."""
    now = datetime.now(UTC)
    if (out_file is None) == (out_dir is None):
        raise fail("give either --out FILE or --out-dir DIR")
    if keep is not None and out_dir is None:
        raise fail("--keep prunes an --out-dir folder")
    archive = out_file or (out_dir or Path()) / archive_name(now)
    database_url = get_settings().database_url
    try:
        manifest = create_backup(database_url, archive, now)
        out.print(f"{archive}: {_summary(manifest)}", highlight=False, soft_wrap=True)
        if verify:
            verify_backup(archive, database_url)
            out.print(f"{archive}: verified", highlight=False, soft_wrap=True)
        if out_dir is not None and keep is not None:
            for path in prune_backups(out_dir, keep):
                out.print(
                    f"{path}: deleted (keeping the newest {keep})", highlight=False, soft_wrap=True
                )
    except BackupError as exc:
        raise fail(str(exc)) from exc


@backup_app.command("verify")
def backup_verify(
    archive: Annotated[Path, typer.Argument(help="Archive made by `backup create`")],
) -> None:
    """Restore the archive into a scratch database and compare it with its manifest."""
    try:
        manifest = verify_backup(archive, get_settings().database_url)
    except BackupError as exc:
        raise fail(str(exc)) from exc
    out.print(f"{archive}: verified, {_summary(manifest)}", highlight=False, soft_wrap=True)


@backup_app.command("restore")
def backup_restore(
    archive: Annotated[Path, typer.Argument(help="Archive made by `backup create`")],
    force: Annotated[
        bool,
        typer.Option("--force", help="Replace a database that holds participants or staff"),
    ] = False,
) -> None:
    """Replace the configured database's content with the archive's (stop the API first),
    then drop the ranks kept in Redis: they are rebuilt from the restored results."""
    settings = get_settings()
    try:
        manifest = restore_backup(archive, settings.database_url, force=force)
    except BackupError as exc:
        raise fail(str(exc)) from exc
    out.print(f"restored {_summary(manifest)}", highlight=False, soft_wrap=True)
    if settings.redis_url:
        # What `python -m quiz_api ranks reset` does: Redis would otherwise keep ranks of
        # results the restored database no longer has.
        from quiz_api.integrations.ranks import RankIndex

        RankIndex(settings.redis_url, settings.redis_namespace).forget()
        out.print(
            "ranks in Redis dropped: they are rebuilt from the database at the next rank",
            soft_wrap=True,
        )
