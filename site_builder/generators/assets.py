"""The site's own stylesheet and the H5 apps (quiz, daily question; each one script and one
stylesheet, the shared common.js/common.css in front) under content-hashed names, and the
theme's assets this build does not need pruned."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError

from site_builder import PACKAGE_DIR
from site_builder.generators.base import BuildContext, Generator

ASSETS_DIR = PACKAGE_DIR / "assets"
QUIZ_APP_DIR = PACKAGE_DIR / "quiz_app"
# The H5 apps' bundles (key in extra.sb_assets: the files of quiz_app/ joined in this order), the
# quiz and the daily question. Each app comes after common.js/common.css, what both apps share,
# in one file: a page still makes one script request and one stylesheet request.
APP_BUNDLES: dict[str, tuple[str, ...]] = {
    "quiz_js": ("common.js", "quiz.js"),
    "quiz_css": ("common.css", "quiz.css"),
    "daily_js": ("common.js", "daily.js"),
    "daily_css": ("common.css", "daily.css"),
}


def hashed_name(data: bytes, name: str) -> str:
    """``name`` with a hash of ``data`` before its suffix: quiz.js -> quiz.0123456789.js."""
    stem, suffix = name.rsplit(".", 1)
    digest = hashlib.sha256(data).hexdigest()[:10]
    return f"{stem}.{digest}.{suffix}"


def bundle(app_dir: Path, names: tuple[str, ...]) -> bytes | None:
    """The files of ``app_dir`` joined, each ending with a newline; None without the app's own
    file (the last: a build without the apps). A missing shared file is an error."""
    if not (app_dir / names[-1]).is_file():
        return None
    parts = []
    for name in names:
        path = app_dir / name
        if not path.is_file():
            raise PluginError(f"{path}: missing, and {names[-1]} needs it")
        data = path.read_bytes()
        parts.append(data if data.endswith(b"\n") else data + b"\n")
    return b"".join(parts)


class AssetsGenerator(Generator):
    def __init__(self, ctx: BuildContext) -> None:
        super().__init__(ctx)
        self.bundles: dict[str, bytes] = {}  # key -> the bundle's bytes, written after the build

    def on_config(self, config: MkDocsConfig) -> None:
        assets = self.ctx.assets
        assets["css"] = "assets/" + hashed_name((ASSETS_DIR / "sb.css").read_bytes(), "sb.css")
        for key, names in APP_BUNDLES.items():
            data = bundle(QUIZ_APP_DIR, names)
            if data is not None:
                self.bundles[key] = data
                assets[key] = "quiz_app/" + hashed_name(data, names[-1])
        config.extra["sb_assets"] = assets

    def on_post_build(self, config: MkDocsConfig) -> None:
        site = Path(config.site_dir)
        assets = self.ctx.assets
        (site / "assets").mkdir(parents=True, exist_ok=True)
        shutil.copyfile(ASSETS_DIR / "sb.css", site / assets["css"])
        for key, data in self.bundles.items():
            (site / "quiz_app").mkdir(exist_ok=True)
            (site / assets[key]).write_bytes(data)
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
