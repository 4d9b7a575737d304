"""``python -m quiz_api deploy ...``: the shipped service files, rendered for an install.

The files in deploy/systemd/ are real units for the documented install under ``/opt/jd``
(docs/operations.md), not templates with placeholders: rendering for another folder
replaces that prefix and nothing else, so what is tested is what is shipped."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated

import typer

from quiz_api.cli.terminal import fail, out
from quiz_api.core.config import PROJECT_ROOT

SYSTEMD_UNITS = PROJECT_ROOT / "deploy" / "systemd"
SHIPPED_PREFIX = "/opt/jd"
# systemd splits command lines at whitespace and expands "%" specifiers and "$" variables:
# a prefix holding any of them would have to be quoted differently in every key.
UNSAFE_IN_UNITS = re.compile(r"[\s%$\\\"']")

deploy_app = typer.Typer(help="Service files for a production install.", no_args_is_help=True)


def render_units(source: Path, prefix: Path) -> dict[str, str]:
    """Each unit file of ``source`` (name -> text) with the install prefix replaced."""
    if not prefix.is_absolute():
        raise ValueError(f"{prefix}: the prefix must be an absolute path")
    if UNSAFE_IN_UNITS.search(str(prefix)):
        raise ValueError(f"{prefix}: no spaces, quotes, '%', '$' or '\\' in the prefix")
    # "/opt/jd" as a whole path or a path's start, never the start of "/opt/jdx".
    shipped = re.compile(re.escape(SHIPPED_PREFIX) + r"(?![\w.-])")
    return {
        path.name: shipped.sub(str(prefix), path.read_text("utf-8"))
        for path in sorted(source.iterdir())
        if path.suffix in {".service", ".timer"}
    }


@deploy_app.command("systemd")
def deploy_systemd(
    prefix: Annotated[
        Path, typer.Option(help="Install folder: the checkout, its .venv and var/")
    ] = Path(SHIPPED_PREFIX),
    out_dir: Annotated[
        Path, typer.Option("--out", help="Folder to write the units into, e.g. /etc/systemd/system")
    ] = Path("."),
) -> None:
    """Write the API and backup units (deploy/systemd/) for an install under PREFIX."""
    try:
        units = render_units(SYSTEMD_UNITS, prefix)
    except ValueError as exc:
        raise fail(str(exc)) from exc
    out_dir.mkdir(parents=True, exist_ok=True)
    for name, text in units.items():
        (out_dir / name).write_text(text, "utf-8")
        out.print(f"{out_dir / name}", highlight=False)
