"""``python -m quiz_api survey ...``: the satisfaction survey in content/survey/."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer

from quiz_api.cli.terminal import fail, out

survey_app = typer.Typer(help="Satisfaction surveys in content/survey/.", no_args_is_help=True)


def _folder(directory: Path | None) -> Path:
    from quiz_api.core.config import get_settings

    return directory or get_settings().content_dir / "survey"


def _load(directory: Path) -> list[object]:
    from quiz_api.content.survey import SurveyInvalid, load_surveys

    try:
        return list(load_surveys(directory))
    except SurveyInvalid as exc:
        raise fail(f"{len(exc.errors)} problem(s); nothing was imported", exc.errors) from exc


@survey_app.command("validate")
def survey_validate(
    directory: Annotated[Path | None, typer.Argument(help="Folder [content/survey]")] = None,
) -> None:
    """Check the survey files (four languages, five-point scales, ids)."""
    surveys = _load(_folder(directory))
    out.print(f"{len(surveys)} survey(s) valid")


def import_surveys_command(directory: Path | None = None) -> None:
    """Validate and import the surveys (a new version when a file changed)."""
    from quiz_api.cli.database import command_session
    from quiz_api.content.survey import SurveySpec
    from quiz_api.services.survey import import_surveys

    specs = [s for s in _load(_folder(directory)) if isinstance(s, SurveySpec)]
    with command_session() as session:
        for line in import_surveys(session, specs, datetime.now(UTC)):
            out.print(f"survey {line}", highlight=False)


@survey_app.command("import")
def survey_import(
    directory: Annotated[Path | None, typer.Argument(help="Folder [content/survey]")] = None,
) -> None:
    """Import the surveys (idempotent; a changed file becomes a new version)."""
    import_surveys_command(directory)
