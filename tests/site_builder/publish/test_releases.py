"""The web root without git or builds: releases, the current link, rollback, pruning."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from site_builder.publish.releases import RollbackImpossible, WebRoot, preview_name

START = dt.datetime(2026, 12, 1, 8, 0, tzinfo=dt.UTC)


def release(web: WebRoot, n: int) -> Path:
    """A finished 'build' whose only page names its commit, added as release n."""
    built = web.staging() / "site"
    built.mkdir()
    (built / "index.html").write_text(f"commit {n}")
    return web.add(built, f"{n:07d}" + "0" * 33, START + dt.timedelta(minutes=n))


def live_page(web: WebRoot) -> str:
    return (web.current / "index.html").read_text()


def test_releases_are_named_by_utc_time_and_short_commit(tmp_path: Path) -> None:
    web = WebRoot(tmp_path)
    path = release(web, 3)
    assert path.parent == web.releases
    assert path.name == "20261201T080300.000000Z-0000003"


def test_switching_points_current_at_the_release_with_a_relative_link(tmp_path: Path) -> None:
    web = WebRoot(tmp_path)
    first, second = release(web, 1), release(web, 2)
    web.switch(first)
    web.switch(second)
    assert web.current.is_symlink() and web.live() == second
    assert not Path(str(web.current.readlink())).is_absolute()  # the web root can move
    assert live_page(web) == "commit 2"
    assert not list(tmp_path.glob(".current.*"))  # no link left behind


def test_rollback_steps_back_through_what_was_live(tmp_path: Path) -> None:
    web = WebRoot(tmp_path)
    one, two, three = (release(web, n) for n in (1, 2, 3))
    for made in (one, two, three):
        web.switch(made)
    assert web.rollback() == two
    assert web.rollback() == one
    with pytest.raises(RollbackImpossible):
        web.rollback()
    assert live_page(web) == "commit 1"
    # a publish after a rollback is live; rolling that back returns to what was live before
    four = release(web, 4)
    web.switch(four)
    assert live_page(web) == "commit 4"
    assert web.rollback() == one


def test_pruning_keeps_the_newest_ten_and_the_live_one(tmp_path: Path) -> None:
    web = WebRoot(tmp_path)
    made = [release(web, n) for n in range(12)]
    for each in (made[1], made[0]):  # rolled far back: the oldest is live
        web.switch(each)
    removed = web.prune()
    assert removed == [made[1].name]
    assert web.history() == [made[0].name]
    assert web.release_names() == sorted([made[0].name, *(m.name for m in made[2:])])
    assert live_page(web) == "commit 0"


def test_a_preview_replaces_the_previous_one_and_is_removed(tmp_path: Path) -> None:
    web = WebRoot(tmp_path)
    for text in ("old", "new"):
        built = web.staging() / "site"
        built.mkdir()
        (built / "index.html").write_text(text)
        target = web.put_preview(built, "feature/june")
    assert target == tmp_path / "preview" / "feature-june"
    assert (target / "index.html").read_text() == "new"
    assert web.remove_preview("feature/june") and not target.exists()
    assert not web.remove_preview("feature/june")
    assert preview_name("a/b/c") == "a-b-c"
