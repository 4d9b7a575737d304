"""``python -m quiz_api schools ...``: the school roster (import of schools, classes and
enrolment from CSV or XLSX)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.progress import Progress

from quiz_api.cli.terminal import err, fail, out
from quiz_api.core.config import get_settings

schools_app = typer.Typer(help="School roster and enrolment (CSV or XLSX).", no_args_is_help=True)
DEMO_ROSTER = Path("schools") / "demo-roster.csv"  # in the content folder


def import_roster_command(path: Path, quiet: bool = False) -> None:
    """Import a roster file in one transaction; exit 1 with the rejected rows on failure."""
    from quiz_api.cli.database import command_session
    from quiz_api.services.schools import (
        RosterError,
        RosterInvalid,
        import_roster_file,
        load_districts,
        parse_roster,
        read_table,
    )

    if not path.is_file():
        raise fail(f"no file {path}")
    try:
        districts = load_districts(get_settings().content_dir)
        header, rows = read_table(path)
        total = len(parse_roster(header, rows, districts)[0])
        with Progress(console=err, transient=True, disable=quiet) as progress:
            task = progress.add_task(f"importing {path.name}", total=total)
            with command_session() as session:
                report = import_roster_file(
                    session, path, districts, lambda n: progress.advance(task, n)
                )
    except RosterInvalid as exc:
        raise fail(
            f"{len(exc.rejected)} row(s) rejected; nothing was imported",
            (f"{path.name}: {row}" for row in exc.rejected),
        ) from exc
    except RosterError as exc:
        raise fail(f"{exc}; nothing was imported") from exc
    out.print(f"roster {path.name}: {report}", highlight=False)


@schools_app.command("import")
def schools_import(
    file: Annotated[Path, typer.Argument(help="Roster file (.csv or .xlsx)")],
) -> None:
    """Import schools, classes and enrolled counts (idempotent; re-import updates counts).

    Columns: school_code, school_name, district, level (primary/junior/senior), grade, class,
    enrolled. A file with any bad row imports nothing and lists every bad row."""
    import_roster_command(file)


def import_demo_roster(content: Path) -> None:
    """The demo schools (names marked "(demo)") of the content folder that `make run`
    imports; never in production."""
    if get_settings().env == "production":
        out.print("roster: demo schools skipped in production")
        return
    if not (content / DEMO_ROSTER).is_file():  # a content folder may ship no demo schools
        out.print(f"roster: no demo schools in {content}")
        return
    import_roster_command(content / DEMO_ROSTER, quiet=True)
