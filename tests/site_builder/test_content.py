"""Posts as the office writes them: a malformed one fails the build with file:line: what —
fix, no traceback, site untouched; the reading time counts CJK characters."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from site_builder.content import reading_minutes
from site_builder.corpus import write_sample
from tests import ROOT

GOOD = "---\ntitle: 标题\ndate: 2026-06-26\nsummary: 摘要\ntags: [禁毒]\n---\n\n正文。\n"

CASES = {
    "missing-title": (
        "---\ndate: 2026-06-26\nsummary: 摘要\n---\n\n正文。\n",
        4,
        "missing title",
        "add a line 'title:",
    ),
    "impossible-date": (
        "---\ntitle: 标题\ndate: 2026-02-30\nsummary: 摘要\n---\n\n正文。\n",
        3,
        "date '2026-02-30' does not exist",
        "check the month",
    ),
    "date-format": (
        "---\ntitle: 标题\ndate: 26/06/2026\nsummary: 摘要\n---\n\n正文。\n",
        3,
        "not in the form YYYY-MM-DD",
        "write the date as YYYY-MM-DD",
    ),
    "tags-not-list": (
        "---\ntitle: 标题\ndate: 2026-06-26\nsummary: 摘要\ntags: 禁毒, 校园\n---\n\n正文。\n",
        5,
        "tags must be a list",
        "tags: [禁毒, 校园]",
    ),
    "bad-tag": (
        "---\ntitle: 标题\ndate: 2026-06-26\nsummary: 摘要\ntags: [禁毒/校园]\n---\n\n正文。\n",
        5,
        "tag '禁毒/校园'",
        "use a short tag",
    ),
    "broken-link": (
        "---\ntitle: 标题\ndate: 2026-06-26\nsummary: 摘要\n---\n\n第一段。\n\n"
        "见[法律](../knowledge/nope.md)。\n",
        9,
        "broken internal link '../knowledge/nope.md'",
        "fix the path",
    ),
    "unnamed-place-source": (
        "---\ntitle: 标题\ndate: 2026-06-26\nsummary: 摘要\n---\n\n正文。\n\n"
        "来源：江苏某市禁毒工作实施纲要。\n",
        9,
        "the source '某市' names no place",
        "cite a national document",
    ),
    "missing-summary": (
        "---\ntitle: 标题\ndate: 2026-06-26\n---\n\n正文。\n",
        4,
        "missing summary",
        "add a line 'summary:",
    ),
    "bad-yaml": (
        "---\ntitle: 标题\ndate: 2026-06-26\nsummary: [unclosed\n---\n\n正文。\n",
        4,
        "not valid YAML",
        "quote values",
    ),
}


def run_build(content: Path, out: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "site_builder",
            "build",
            "--content",
            str(content),
            "--out",
            str(out),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.mark.parametrize("case", sorted(CASES))
def test_malformed_post_fails_with_file_line_and_fix(tmp_path: Path, case: str) -> None:
    text, line, what, fix = CASES[case]
    content = write_sample(tmp_path / "content", campaigns=False)
    post = content / "zh" / "posts" / "2026-06-27-bad.md"
    post.write_text(text, "utf-8")
    out = tmp_path / "site"
    out.mkdir()
    (out / "index.html").write_text("previous site", "utf-8")
    result = run_build(content, out)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    first = result.stderr.splitlines()[0]
    assert first.startswith(f"{post}:{line}: "), first
    assert what in first and fix in first and " — " in first, first
    # nothing half-built: the previous site is untouched, no temporary folder left
    assert (out / "index.html").read_text("utf-8") == "previous site"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["content", "site"]


def test_bad_post_file_name(tmp_path: Path) -> None:
    content = write_sample(tmp_path / "content", campaigns=False)
    (content / "en" / "posts" / "News Item.md").write_text(GOOD, "utf-8")
    result = run_build(content, tmp_path / "site")
    assert result.returncode == 1
    assert "News Item.md:1: post file name" in result.stderr
    assert not (tmp_path / "site").exists()


def test_good_build_replaces_site(tmp_path: Path) -> None:
    content = write_sample(tmp_path / "content", campaigns=False)
    (content / "zh" / "posts" / "2026-06-27-good.md").write_text(GOOD, "utf-8")
    out = tmp_path / "site"
    out.mkdir()
    (out / "stale.html").write_text("old", "utf-8")
    result = run_build(content, out)
    assert result.returncode == 0, result.stderr
    assert not (out / "stale.html").exists()
    assert (out / "posts" / "2026-06-27-good" / "index.html").is_file()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["content", "site"]


def test_reading_time_counts_cjk_characters() -> None:
    assert reading_minutes("禁" * 4000) == 10
    assert reading_minutes("word " * 2200) == 10
    assert reading_minutes("마약" * 2000) == 10
    page_text = "6月26日，全市学校和社区开展禁毒宣传活动，市民了解毒品危害。" * 30
    assert reading_minutes(page_text) == 2
