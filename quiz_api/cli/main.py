"""``python -m quiz_api``: migrations, content imports, and serving the platform."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import Progress

from quiz_api.cli.backup import backup_app
from quiz_api.cli.bank_report import bank_report
from quiz_api.cli.contest import contest_app, qualifiers_command
from quiz_api.cli.demo import demo_command
from quiz_api.cli.deploy import deploy_app
from quiz_api.cli.schools import import_demo_roster, schools_app
from quiz_api.cli.staff import staff_app
from quiz_api.cli.survey import import_surveys_command, survey_app
from quiz_api.cli.terminal import err, fail, out
from quiz_api.content.bank import ContentInvalid, load_bank, load_campaigns, stratum_sizes
from quiz_api.content.daily import DAILY_DIR, load_daily
from quiz_api.core.config import get_settings

app = typer.Typer(
    help="The anti-drug knowledge challenge: database, content imports and the server.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
db_app = typer.Typer(help="Database migrations (Alembic).", no_args_is_help=True)
bank_app = typer.Typer(help="Question banks in content/quiz/.", no_args_is_help=True)
campaign_app = typer.Typer(help="Campaigns in content/campaigns/.", no_args_is_help=True)
ranks_app = typer.Typer(help="Leaderboard ranks kept in Redis.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(bank_app, name="bank")
bank_app.command("report")(bank_report)
app.add_typer(campaign_app, name="campaign")
app.add_typer(ranks_app, name="ranks")
app.add_typer(schools_app, name="schools")
app.add_typer(staff_app, name="staff")
app.add_typer(survey_app, name="survey")
app.add_typer(backup_app, name="backup")
app.add_typer(deploy_app, name="deploy")
app.command("qualifiers")(qualifiers_command)
app.command("demo")(demo_command)
app.add_typer(contest_app, name="contest")


def _report_invalid(exc: ContentInvalid) -> typer.Exit:
    return fail(f"{len(exc.errors)} problem(s) found; nothing was imported", exc.errors)


def _content_dir(path: Path | None) -> Path:
    return path or get_settings().content_dir


@db_app.command("upgrade")
def db_upgrade(revision: Annotated[str, typer.Argument(help="Target revision")] = "head") -> None:
    """Create or upgrade the schema to the latest migration."""
    from sqlalchemy.exc import OperationalError

    from quiz_api.db import migrate

    try:
        migrate.upgrade(revision)
    except OperationalError as exc:
        raise fail(f"cannot reach the database: {exc.orig}") from exc
    out.print(f"database at revision {revision}")


@db_app.command("downgrade")
def db_downgrade(revision: Annotated[str, typer.Argument(help="Target revision, e.g. -1")]) -> None:
    """Step the schema back (development only: data in dropped tables is lost)."""
    from quiz_api.db import migrate

    migrate.downgrade(revision)


@db_app.command("current")
def db_current() -> None:
    """Show the schema revision of the database."""
    from quiz_api.db import migrate

    migrate.current()


@bank_app.command("validate")
def bank_validate(
    directory: Annotated[Path | None, typer.Argument(help="Bank folder [content/quiz]")] = None,
    campaigns: Annotated[
        Path | None, typer.Option(help="Campaign folder whose draw rules the bank must fill")
    ] = None,
    daily: Annotated[
        Path | None, typer.Option(help="Daily-question folder whose pins the bank must hold")
    ] = None,
) -> None:
    """Check the question bank (that it can fill the campaigns' papers and the daily
    question's pins)."""
    content = _content_dir(None)
    directory = directory or content / "quiz"
    campaigns = campaigns or content / "campaigns"
    daily = daily or content / DAILY_DIR
    try:
        bank = load_bank(directory)
        loaded = (
            load_campaigns(campaigns, stratum_sizes(bank.questions)) if campaigns.is_dir() else []
        )
        schedule = load_daily(daily, bank.questions) if daily.is_dir() else None
    except ContentInvalid as exc:
        raise _report_invalid(exc) from exc
    tracks: dict[str, int] = {}
    for question in bank.questions:
        for track in question.tracks:
            tracks[track.value] = tracks.get(track.value, 0) + 1
    summary = ", ".join(f"{n} {t}" for t, n in sorted(tracks.items()))
    out.print(
        f"{len(bank.questions)} questions valid ({summary}); {len(loaded)} campaign(s) fillable"
        + (f"; daily question from {schedule.start}" if schedule else "")
    )


def _import_all(content: Path) -> None:
    from quiz_api.cli.database import command_session
    from quiz_api.content.importer import import_content

    try:
        bank = load_bank(content / "quiz")
        load_campaigns(content / "campaigns", stratum_sizes(bank.questions))
    except ContentInvalid as exc:
        raise _report_invalid(exc) from exc
    with Progress(console=err, transient=True) as progress:
        task = progress.add_task("importing questions", total=len(bank.questions))
        with command_session() as session:
            report = import_content(session, content, lambda n: progress.advance(task, n))
    out.print(f"questions: {report.bank}")
    for line in report.campaigns:
        out.print(f"campaign {line}")


@bank_app.command("import")
def bank_import(
    content: Annotated[Path | None, typer.Option(help="Content folder [content]")] = None,
) -> None:
    """Import the question bank and the campaigns together (all or nothing, idempotent)."""
    _import_all(_content_dir(content))


@campaign_app.command("import")
def campaign_import(
    directory: Annotated[Path | None, typer.Argument(help="Campaign folder")] = None,
) -> None:
    """Import campaigns, checking their draw rules against the bank in the database."""
    from quiz_api.cli.database import command_session
    from quiz_api.content.importer import import_campaign_files

    try:
        with command_session() as session:
            lines = import_campaign_files(session, directory or _content_dir(None) / "campaigns")
    except ContentInvalid as exc:
        raise _report_invalid(exc) from exc
    for line in lines:
        out.print(f"campaign {line}")


def _forget_ranks() -> bool:
    """Drop this deployment's boards in Redis; False without QUIZ_REDIS_URL."""
    settings = get_settings()
    if not settings.redis_url:
        return False
    from quiz_api.integrations.ranks import RankIndex

    RankIndex(settings.redis_url, settings.redis_namespace).forget()
    return True


@ranks_app.command("reset")
def ranks_reset() -> None:
    """Drop this deployment's ranks in Redis: they are rebuilt from the database at the next
    rank. Run it after restoring or recreating the database under the same URL (Redis would
    otherwise keep results the database no longer has)."""
    if not _forget_ranks():
        raise fail("QUIZ_REDIS_URL is not set: ranks are counted in the database")
    out.print("ranks in Redis dropped: they are rebuilt from the database at the next rank")


@app.command("setup")
def setup(content: Annotated[Path | None, typer.Option(help="Content folder")] = None) -> None:
    """Migrate the database and import all content: what `make run` does before serving.
    With Redis configured, also drops the ranks kept there (a new database starts anew)."""
    db_upgrade("head")
    _import_all(_content_dir(content))
    import_demo_roster(_content_dir(content))
    import_surveys_command(_content_dir(content) / "survey")
    if _forget_ranks():
        out.print("ranks in Redis: dropped, rebuilt from the database at the next rank")


@app.command("serve")
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port")] = 8000,
    workers: Annotated[int, typer.Option(help="Worker processes (PostgreSQL only)")] = 1,
    reload: Annotated[bool, typer.Option(help="Reload on code changes")] = False,
) -> None:
    """Serve the API at /api/v1 and the built site at / (uvicorn)."""
    import uvicorn

    settings = get_settings()
    if workers > 1 and settings.is_sqlite:
        raise fail("several workers need PostgreSQL: SQLite takes one writer at a time")
    out.print(f"serving on http://{host}:{port}/ (API docs: /api/v1/docs)")
    uvicorn.run(
        "quiz_api.api.app:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        reload=reload,
        log_level="info",
        proxy_headers=True,
    )


def main() -> None:
    try:
        app()
    except ValueError as exc:  # e.g. settings refused at start-up
        fail(str(exc))  # prints the message; outside the app there is no Exit to raise
        sys.exit(1)
