"""The site's own stylesheet and the H5 apps (quiz, daily question) under content-hashed names, and the theme's
assets this build does not need pruned."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig

from site_builder import PACKAGE_DIR
from site_builder.generators.base import Generator

ASSETS_DIR = PACKAGE_DIR / "assets"
QUIZ_APP_DIR = PACKAGE_DIR / "quiz_app"
# The H5 apps' files (key in extra.sb_assets, file of quiz_app/): the quiz and the daily question.
APP_FILES = (
    ("quiz_js", "quiz.js"),
    ("quiz_css", "quiz.css"),
    ("daily_js", "daily.js"),
    ("daily_css", "daily.css"),
)


def hashed_name(path: Path, stem: str) -> str:
    digest = hashlib.sha256(path.read_bytes()).hexdigest()[:10]
    return f"{stem}.{digest}{path.suffix}"


class AssetsGenerator(Generator):
    def on_config(self, config: MkDocsConfig) -> None:
        assets = self.ctx.assets
        assets["css"] = "assets/" + hashed_name(ASSETS_DIR / "sb.css", "sb")
        for key, name in APP_FILES:
            source = QUIZ_APP_DIR / name
            if source.is_file():
                stem = name.rsplit(".", 1)[0]
                assets[key] = "quiz_app/" + hashed_name(source, stem)
        config.extra["sb_assets"] = assets

    def on_post_build(self, config: MkDocsConfig) -> None:
        site = Path(config.site_dir)
        assets = self.ctx.assets
        (site / "assets").mkdir(parents=True, exist_ok=True)
        shutil.copyfile(ASSETS_DIR / "sb.css", site / assets["css"])
        for key, name in APP_FILES:
            if key in assets:
                (site / "quiz_app").mkdir(exist_ok=True)
                shutil.copyfile(QUIZ_APP_DIR / name, site / assets[key])
        _prune_theme_assets(site, config)


def _prune_theme_assets(site: Path, config: MkDocsConfig) -> None:
    """Drop source maps and the search languages this build does not use (about 2 MB a
    language): a smaller upload, and nothing a page loads."""
    search = config.plugins.get("material/search")
    langs = list(getattr(search, "config", {}).get("lang") or []) if search else []
    keep = {"min/lunr.stemmer.support.min.js", "min/lunr.multi.min.js"}
    keep |= {f"min/lunr.{lang}.min.js" for lang in langs}
    if "ja" in langs:
        keep |= {"tinyseg.js", "min/lunr.jp.min.js"}
    if "th" in langs:
        keep.add("wordcut.js")
    lunr = site / "assets" / "javascripts" / "lunr"
    for path in lunr.rglob("*.js") if lunr.is_dir() else []:
        if path.relative_to(lunr).as_posix() not in keep:
            path.unlink()
    for path in (site / "assets").rglob("*.map"):
        path.unlink()
