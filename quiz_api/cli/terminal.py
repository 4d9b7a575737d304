"""Output of the ``python -m quiz_api`` commands: one console pair and one way to fail."""

from __future__ import annotations

from collections.abc import Iterable

import typer
from rich.console import Console

out = Console()
err = Console(stderr=True)


def fail(message: str, details: Iterable[object] = ()) -> typer.Exit:
    """Print each detail line as it is, then ``error: message``; return the exit to raise."""
    for line in details:
        err.print(str(line), highlight=False, soft_wrap=True, markup=False)
    err.print(f"[bold red]error:[/] {message}", highlight=False, soft_wrap=True)
    return typer.Exit(code=1)
