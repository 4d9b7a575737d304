"""Drafts and scheduled posts: left out where posts are loaded, unless previewing; their
front matter is checked with file:line like every other field."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from site_builder.content import load_all
from site_builder.schedule import Schedule, local_now

NOW = dt.datetime(2026, 12, 1, 12, 0)


def write_post(root: Path, name: str, extra: str = "", date: str = "2026-11-30") -> None:
    path = root / "zh" / "posts" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"---\ntitle: 标题\ndate: {date}\nsummary: 摘要\n{extra}---\n\n正文。\n")


@pytest.fixture
def content(tmp_path: Path) -> Path:
    write_post(tmp_path, "2026-11-30-live.md")
    write_post(tmp_path, "2026-11-29-draft.md", "draft: true\n")
    write_post(tmp_path, "2026-12-02-tomorrow.md", date="2026-12-02")
    write_post(
        tmp_path, "2026-12-01-later-today.md", "publish_at: 2026-12-01T15:30:00\n", "2026-12-01"
    )
    write_post(
        tmp_path, "2026-12-01-this-morning.md", "publish_at: 2026-12-01 09:00\n", "2026-12-01"
    )
    return tmp_path


def slugs(content: Path, schedule: Schedule) -> list[str]:
    langs, problems = load_all(content, schedule=schedule)
    assert problems == []
    return sorted(p.slug for p in langs["zh"].posts)


def test_main_builds_leave_out_drafts_and_posts_not_yet_due(content: Path) -> None:
    assert slugs(content, Schedule(NOW)) == ["2026-11-30-live", "2026-12-01-this-morning"]
    langs, _ = load_all(content, schedule=Schedule(NOW))
    assert sorted(p.slug for p in langs["zh"].withheld) == [
        "2026-11-29-draft",
        "2026-12-01-later-today",
        "2026-12-02-tomorrow",
    ]
    # no language switcher or link points at a page the build leaves out
    assert "posts/2026-11-29-draft.md" not in langs["zh"].known
    assert "posts/2026-11-30-live.md" in langs["zh"].known


def test_a_scheduled_post_is_in_from_its_minute(content: Path) -> None:
    at = dt.datetime(2026, 12, 1, 15, 30)
    assert "2026-12-01-later-today" not in slugs(content, Schedule(at - dt.timedelta(minutes=1)))
    assert "2026-12-01-later-today" in slugs(content, Schedule(at))
    assert "2026-11-29-draft" not in slugs(content, Schedule(dt.datetime(2099, 1, 1)))


def test_previews_show_everything(content: Path) -> None:
    assert len(slugs(content, Schedule(NOW, preview=True))) == 5


@pytest.mark.parametrize(
    ("extra", "line", "what"),
    [
        ("draft: maybe\n", 5, "draft 'maybe' is not true or false"),
        ("publish_at: 26.06.2026\n", 5, "publish_at '26.06.2026' is not a date and time"),
        ("publish_at: 2026-02-30T09:00\n", 5, "publish_at '2026-02-30T09:00' is not a date"),
    ],
)
def test_bad_schedule_fields_are_reported_with_file_and_line(
    tmp_path: Path, extra: str, line: int, what: str
) -> None:
    write_post(tmp_path, "2026-11-30-bad.md", extra)
    _langs, problems = load_all(tmp_path, Path("content"), Schedule(NOW))
    assert len(problems) == 1
    assert str(problems[0]).startswith(f"content/zh/posts/2026-11-30-bad.md:{line}: {what}")
    assert " — write " in str(problems[0])  # and how to fix it


def test_the_clock_reads_local_time_and_honours_an_offset() -> None:
    env = {"SITE_NOW": "2026-12-01T09:00"}
    assert local_now(env) == dt.datetime(2026, 12, 1, 9, 0)
    utc = {"SITE_NOW": "2026-12-01T01:00+00:00"}  # 09:00 in Shanghai
    assert local_now(utc) == dt.datetime(2026, 12, 1, 9, 0)
    assert local_now({**utc, "SITE_TIMEZONE": "Asia/Seoul"}) == dt.datetime(2026, 12, 1, 10, 0)
    assert Schedule.from_env({"SITE_PREVIEW": "june"}).preview
