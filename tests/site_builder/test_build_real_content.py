"""The shipped content/ builds into a site within budgets, with every language present."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from site_builder import LANGS, prefix
from site_builder.budgets import check
from site_builder.build import build
from tests import ROOT


@pytest.fixture(scope="module")
def real_site(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, float]:
    """The shipped content with the quiz H5 app, if present (its weight counts in budgets)."""
    from site_builder import PACKAGE_DIR
    from site_builder.generators import assets

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(assets, "QUIZ_APP_DIR", PACKAGE_DIR / "quiz_app")
        start = time.perf_counter()
        out = build(ROOT / "content", tmp_path_factory.mktemp("real") / "site").out
        return out, time.perf_counter() - start


def test_real_content_builds_in_every_language(real_site: tuple[Path, float]) -> None:
    # Build time is a benchmark (`python -m site_builder bench`), not a timed test: a busy
    # CI machine must not fail the suite.
    site, _ = real_site
    for lang in LANGS:
        root = site / prefix(lang)
        for rel in ("index.html", "404.html", "feed.xml", "quiz/index.html", "posts/index.html"):
            assert (root / rel).is_file(), f"{lang}: {rel} missing"


def test_real_content_within_budgets(real_site: tuple[Path, float]) -> None:
    site, _ = real_site
    over = [f"{r.path}: {'; '.join(r.problems)}" for r in check(site) if not r.ok]
    assert over == []


def test_real_posts_listed_in_every_language(real_site: tuple[Path, float]) -> None:
    site, _ = real_site
    for lang in LANGS:
        posts = list((ROOT / "content" / lang / "posts").glob("*.md"))
        listing = (site / prefix(lang) / "posts" / "index.html").read_text("utf-8")
        assert listing.count('<time datetime="') == min(len(posts), 10), lang
