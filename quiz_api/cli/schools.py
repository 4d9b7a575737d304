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


@schools_app.command("kit")
def schools_kit(
    code: Annotated[str | None, typer.Argument(help="School code (or --district)")] = None,
    lang: Annotated[str, typer.Option(help="zh, en, ko or ja")] = "zh",
    out_dir: Annotated[Path, typer.Option("--out", help="Folder to write into")] = Path("kits"),
    district: Annotated[
        str | None, typer.Option(help="Every school of this district (code or name)")
    ] = None,
) -> None:
    """Write a school's kit (poster PNG, letter to parents and class QR sheet as PDF, the
    links), or every school's of a district, each school in a folder named by its code.
    The links start with SITE_URL, as the site's own."""
    from datetime import UTC, datetime

    from quiz_api.cli.database import command_session
    from quiz_api.content.kits import load_letter
    from quiz_api.core.errors import DomainError
    from quiz_api.core.languages import Lang
    from quiz_api.db.models import StaffRole
    from quiz_api.rendering.kit import kit_files
    from quiz_api.services.campaigns import CampaignCache, resolve_campaign
    from quiz_api.services.kits import district_kits, school_kit
    from quiz_api.services.schools import load_districts, resolve_district
    from quiz_api.services.scope import StaffScope

    if (code is None) == (district is None):
        raise fail("name one school code, or --district")
    if lang not in Lang.__members__:
        raise fail(f"unknown language {lang!r} (zh, en, ko or ja)")
    settings = get_settings()
    language = Lang(lang)
    text = load_letter(settings.content_dir).text(language)
    written = 0
    try:
        with command_session() as session:
            campaign = resolve_campaign(CampaignCache(), session, None, datetime.now(UTC))
            if code is not None:
                kits = iter(
                    [
                        school_kit(
                            session,
                            StaffScope(StaffRole.city),
                            code,
                            campaign,
                            language,
                            settings.site_url,
                        )
                    ]
                )
                total = 1
            else:
                assert district is not None
                found = resolve_district(load_districts(settings.content_dir), district)
                if found is None:
                    raise fail(f"unknown district {district!r}")
                total, kits = district_kits(
                    session, found.name, campaign, language, settings.site_url
                )
            with Progress(console=err, transient=True) as progress:
                task = progress.add_task("drawing kits", total=total)
                for kit in kits:
                    folder = out_dir / kit.school_code
                    folder.mkdir(parents=True, exist_ok=True)
                    for name, body in kit_files(kit, text).items():
                        (folder / name).write_bytes(body)
                    written += 1
                    progress.advance(task)
    except DomainError as exc:
        raise fail(str(exc)) from exc
    out.print(f"kits: {written} school(s) in {out_dir} ({lang})", highlight=False)
