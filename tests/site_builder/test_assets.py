"""The H5 apps' bundles: each app page loads one script and one stylesheet of its own, the
shared common.js/common.css once in front of the app, under a name that follows the bytes."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from mkdocs.exceptions import PluginError

from site_builder import PACKAGE_DIR
from site_builder.generators.assets import APP_BUNDLES, bundle, hashed_name
from tests.site_builder.test_build import html

APP_DIR = PACKAGE_DIR / "quiz_app"
SCRIPT_RE = re.compile(r'<script\b[^>]*\bsrc="([^"]+)"')
STYLESHEET_RE = re.compile(r'<link\b[^>]*\brel="stylesheet"[^>]*\bhref="([^"]+)"')


@pytest.fixture(scope="module")
def app_site(sample_content: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The sample content (Chinese only) built with the shipped apps."""
    from site_builder.build import build
    from site_builder.generators import assets

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(assets, "QUIZ_APP_DIR", APP_DIR)
        yield build(sample_content, tmp_path_factory.mktemp("apps") / "site", langs=("zh",)).out


@pytest.mark.parametrize("app", ["quiz", "daily"])
def test_an_app_page_loads_one_script_holding_the_common_module_once(
    app_site: Path, app: str
) -> None:
    page = html(app_site, f"{app}/")
    scripts = SCRIPT_RE.findall(page)
    assert len(scripts) == 1, scripts
    assert re.fullmatch(rf"\.\./quiz_app/{app}\.[0-9a-f]{{10}}\.js", scripts[0]), scripts
    script = (app_site / "quiz_app" / scripts[0].rsplit("/", 1)[1]).read_text("utf-8")
    assert script.count("window.SbApp = {") == 1
    common = (APP_DIR / "common.js").read_text("utf-8")
    assert script == common + (APP_DIR / f"{app}.js").read_text("utf-8")
    # The app's own stylesheet: one, with the shared rules in front.
    sheets = [href for href in STYLESHEET_RE.findall(page) if "quiz_app/" in href]
    assert len(sheets) == 1, sheets
    css = (app_site / "quiz_app" / sheets[0].rsplit("/", 1)[1]).read_text("utf-8")
    assert css.startswith((APP_DIR / "common.css").read_text("utf-8"))
    assert css.count("--app-accent:") == 1


def test_no_other_file_of_the_apps_is_published(app_site: Path) -> None:
    files = (app_site / "quiz_app").iterdir()
    published = sorted(re.sub(r"\.[0-9a-f]{10}\.", ".", p.name) for p in files)
    # Beside each, its compressed copies (site_builder/compress.py), if the build wrote them.
    assert {name for name in published if name.endswith((".js", ".css"))} == {
        "daily.css",
        "daily.js",
        "quiz.css",
        "quiz.js",
    }
    assert all(name.startswith(("daily.", "quiz.")) for name in published), published


def test_a_change_to_the_common_file_renames_both_apps(tmp_path: Path) -> None:
    for name in ("common.js", "quiz.js", "daily.js"):
        (tmp_path / name).write_text(f"/* {name} */\n", "utf-8")

    def names() -> set[str]:
        found = set()
        for key in ("quiz_js", "daily_js"):
            data = bundle(tmp_path, APP_BUNDLES[key])
            assert data is not None
            found.add(hashed_name(data, APP_BUNDLES[key][-1]))
        return found

    before = names()
    assert len(before) == 2
    (tmp_path / "common.js").write_text("/* common.js, changed */\n", "utf-8")
    assert names().isdisjoint(before)


def test_a_bundle_needs_its_app_and_every_shared_file(tmp_path: Path) -> None:
    (tmp_path / "quiz.js").write_text("window.quiz = 1;", "utf-8")
    assert bundle(tmp_path, ("common.js", "daily.js")) is None  # no daily app: no bundle
    with pytest.raises(PluginError, match=r"common\.js"):
        bundle(tmp_path, ("common.js", "quiz.js"))
    (tmp_path / "common.js").write_text("window.common = 1;", "utf-8")
    # Files without a final newline are still joined line by line.
    assert bundle(tmp_path, ("common.js", "quiz.js")) == b"window.common = 1;\nwindow.quiz = 1;\n"
