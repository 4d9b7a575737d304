"""python -m site_builder.exhibition time: the exhibition's share of a build, measured.

Draws and writes the hall of content/ for all four languages into a temporary folder, first
with an empty face cache (cold), then again with the cache filled (warm), and prints both.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from pathlib import Path
from typing import Annotated

import typer

from site_builder import LANGS, REPO_ROOT, prefix

app = typer.Typer(
    help="The VR exhibition hall.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)


def measure(content: Path, workers: int) -> dict[str, float]:
    from site_builder.exhibition import Exhibition
    from site_builder.exhibition.hall import load_hall
    from site_builder.exhibition.rooms import CACHE_ENV

    hall = load_hall(content)
    if hall is None:
        raise SystemExit(f"{content}: no exhibition/hall.yaml")
    cache = Path(tempfile.mkdtemp(prefix="exhibition-cache-"))
    old = os.environ.get(CACHE_ENV)
    os.environ[CACHE_ENV] = str(cache)
    timings: dict[str, float] = {}
    try:
        for run in ("cold", "warm"):
            out = Path(tempfile.mkdtemp(prefix="exhibition-site-"))
            start, cpu = time.perf_counter(), time.process_time()
            for lang in LANGS:
                exhibition = Exhibition(
                    hall=hall,
                    lang=lang,
                    lang_url=f"https://example.org/{prefix(lang)}",
                    site_name="",
                )
                exhibition.plan()
                exhibition.plan_assets()
                exhibition.markdown()
                exhibition.body_tags()
                exhibition.write(out / lang, workers=workers)
            timings[run] = time.perf_counter() - start
            timings[f"{run}_cpu"] = time.process_time() - cpu
            shutil.rmtree(out, ignore_errors=True)
    finally:
        shutil.rmtree(cache, ignore_errors=True)
        if old is None:
            os.environ.pop(CACHE_ENV, None)
        else:
            os.environ[CACHE_ENV] = old
    return timings


@app.callback()
def _commands() -> None:
    """The VR exhibition hall (a group, so that `time` stays a subcommand)."""


@app.command("time")
def time_hall(
    content: Annotated[Path, typer.Option(help="the content folder")] = REPO_ROOT / "content",
    workers: Annotated[int, typer.Option(help="processes drawing faces")] = 1,
) -> None:
    """Time drawing and writing the hall (cold and warm cache)."""
    timings = measure(content, workers)
    print(
        f"exhibition, 4 languages, workers={workers}: cold cache {timings['cold']:.2f}s "
        f"({timings['cold_cpu']:.2f}s CPU in this process), warm cache {timings['warm']:.2f}s "
        f"({timings['warm_cpu']:.2f}s CPU)"
    )


def main() -> None:
    app(prog_name="python -m site_builder.exhibition")


if __name__ == "__main__":
    main()
