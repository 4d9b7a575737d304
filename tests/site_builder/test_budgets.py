"""The page weight budgets script."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from site_builder.budgets import HTML_LIMIT, check
from tests import ROOT


def run(site: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "site_builder", "budgets", "--site", str(site)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_sample_site_within_budgets(sample_site: Path) -> None:
    result = run(sample_site)
    assert result.returncode == 0, result.stdout
    assert "budgets: OK" in result.stdout
    pages = {r.path: r for r in check(sample_site)}
    home = pages["index.html"]
    assert any(res.endswith("search_index.json") for res, _ in home.resources)
    assert any("bundle" in res for res, _ in home.resources)


def test_over_budget_exits_non_zero(sample_site: Path, tmp_path: Path) -> None:
    copy = tmp_path / "site"
    shutil.copytree(sample_site, copy)
    page = copy / "en" / "knowledge" / "drugs" / "index.html"
    page.write_text(page.read_text("utf-8") + "<!-- " + "x" * HTML_LIMIT + " -->", "utf-8")
    quiz = copy / "quiz" / "index.html"
    (copy / "quiz" / "big.png").write_bytes(os.urandom(160 * 1024))  # incompressible
    quiz.write_text(quiz.read_text("utf-8").replace("</body>", '<img src="big.png"></body>'))
    result = run(copy)
    assert result.returncode == 1
    assert "OVER en/knowledge/drugs/index.html: HTML" in result.stdout
    assert "OVER quiz/index.html: total transfer" in result.stdout and "> 150 KB" in result.stdout


def test_external_resource_is_over_budget(sample_site: Path, tmp_path: Path) -> None:
    copy = tmp_path / "site"
    shutil.copytree(sample_site, copy)
    page = copy / "index.html"
    page.write_text(
        page.read_text("utf-8").replace(
            "</head>", '<link rel="stylesheet" href="https://cdn.example.com/x.css"></head>'
        ),
        "utf-8",
    )
    result = run(copy)
    assert result.returncode == 1
    assert "external resource https://cdn.example.com/x.css" in result.stdout
