"""Lighthouse's mobile run (simulated slow 4G, a mid-range phone's CPU) on the pages of issue
#19, against a running `make run` server: prints the table, exits 1 under the bar.

    make run                                           # in another terminal
    .venv/bin/python -m loadtests.bench_lighthouse     # http://127.0.0.1:8000/
    .venv/bin/python -m loadtests.bench_lighthouse --base http://127.0.0.1:8766/ --page quiz/

Lighthouse is npm's `lighthouse`, pinned in tools/lighthouse/ (package.json and lock file;
`npm ci --prefix tools/lighthouse` installs it), run by Node with Debian's chromium
(CHROME_PATH). The bar: performance >= 0.95, accessibility >= 0.95, cumulative layout
shift < 0.1 on every page. The pages run one after the other: Lighthouse's simulated
throttling assumes the machine is otherwise idle, so figures from a busy machine are lower
bounds (docs/benchmarks.md says how the recorded ones were taken).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

import typer

ROOT = Path(__file__).resolve().parent.parent
LIGHTHOUSE = ROOT / "tools" / "lighthouse" / "node_modules" / "lighthouse" / "cli" / "index.js"
NODE = "/usr/bin/node"
CHROMIUM = "/usr/bin/chromium"
# The pages of issue #19: each language's home page, a post, a knowledge page, the quiz
# page, the staff login and the exhibition.
PAGES = (
    "",
    "en/",
    "ko/",
    "ja/",
    "posts/2026-02-27-etomidate-vapes/",
    "knowledge/what-are-drugs/",
    "quiz/",
    "staff/",
    "exhibition/",
)
MIN_PERFORMANCE = 0.95
MIN_ACCESSIBILITY = 0.95
MAX_CLS = 0.1

app = typer.Typer(add_completion=False, pretty_exceptions_enable=False)


@dataclass
class Score:
    page: str
    performance: float
    accessibility: float
    cls: float
    fcp_ms: float
    lcp_ms: float
    tbt_ms: float

    def problems(self) -> list[str]:
        found = []
        if self.performance < MIN_PERFORMANCE:
            found.append(f"performance {self.performance:.2f} < {MIN_PERFORMANCE}")
        if self.accessibility < MIN_ACCESSIBILITY:
            found.append(f"accessibility {self.accessibility:.2f} < {MIN_ACCESSIBILITY}")
        if self.cls >= MAX_CLS:
            found.append(f"CLS {self.cls:.3f} >= {MAX_CLS}")
        return found


def parse(page: str, report: dict[str, object]) -> Score:
    categories = report["categories"]
    audits = report["audits"]
    assert isinstance(categories, dict) and isinstance(audits, dict)

    def metric(name: str) -> float:
        return float(audits[name].get("numericValue") or 0.0)

    return Score(
        page=page,
        performance=float(categories["performance"]["score"] or 0.0),
        accessibility=float(categories["accessibility"]["score"] or 0.0),
        cls=metric("cumulative-layout-shift"),
        fcp_ms=metric("first-contentful-paint"),
        lcp_ms=metric("largest-contentful-paint"),
        tbt_ms=metric("total-blocking-time"),
    )


def run_lighthouse(url: str) -> dict[str, object]:
    """One Lighthouse run (mobile, its default), its JSON report."""
    if not LIGHTHOUSE.exists():
        raise SystemExit(f"{LIGHTHOUSE} missing: run `npm ci --prefix tools/lighthouse`")
    with tempfile.TemporaryDirectory(prefix="lighthouse-") as tmp:
        out = Path(tmp) / "report.json"
        subprocess.run(
            [
                NODE,
                str(LIGHTHOUSE),
                url,
                "--quiet",
                "--output=json",
                f"--output-path={out}",
                "--only-categories=performance,accessibility",
                "--chrome-flags=--headless=new --no-sandbox --disable-gpu",
            ],
            env={**os.environ, "CHROME_PATH": os.environ.get("CHROME_PATH", CHROMIUM)},
            check=True,
            capture_output=True,
        )
        report: dict[str, object] = json.loads(out.read_text("utf-8"))
        return report


def table(scores: list[Score]) -> str:
    lines = [
        f"{'page':<36} {'perf':>5} {'a11y':>5} {'CLS':>6} {'FCP ms':>7} {'LCP ms':>7} {'TBT ms':>7}"
    ]
    for s in scores:
        lines.append(
            f"{'/' + s.page:<36} {s.performance:>5.2f} {s.accessibility:>5.2f} {s.cls:>6.3f} "
            f"{s.fcp_ms:>7.0f} {s.lcp_ms:>7.0f} {s.tbt_ms:>7.0f}"
        )
    return "\n".join(lines)


@app.command()
def main(
    base: Annotated[str, typer.Option(help="the running server")] = "http://127.0.0.1:8000/",
    page: Annotated[
        list[str] | None, typer.Option(help="a page under base (repeat); default: issue #19's")
    ] = None,
) -> None:
    base = base if base.endswith("/") else base + "/"
    scores = []
    for path in page or list(PAGES):
        print(f"lighthouse /{path} ...", file=sys.stderr, flush=True)
        scores.append(parse(path, run_lighthouse(base + path)))
    print(table(scores))
    failed = [(s.page, p) for s in scores for p in s.problems()]
    for path, problem in failed:
        print(f"UNDER THE BAR /{path}: {problem}")
    if failed:
        raise typer.Exit(1)
    print("lighthouse: every page at or above the bar")


if __name__ == "__main__":
    app()
