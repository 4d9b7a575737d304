"""A QR code of every page (qr.png beside its index.html), shown for sharing in WeChat."""

from __future__ import annotations

from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.pages import Page

from quiz_api.rendering.raster import qr_png
from site_builder.content import src_uri_to_url
from site_builder.generators.base import Generator


class QrGenerator(Generator):
    def on_page_markdown(self, markdown: str, page: Page, config: MkDocsConfig) -> str:
        if page.file.dest_uri.endswith("index.html"):
            url = self.ctx.lang_url + src_uri_to_url(page.file.src_uri)
            page.meta["sb_qr"] = {"src": "qr.png", "url": url}
        return markdown

    def on_post_page(self, output: str, page: Page, config: MkDocsConfig) -> str:
        info = page.meta.get("sb_qr")
        if info:
            folder = (Path(config.site_dir) / page.file.dest_uri).parent
            folder.mkdir(parents=True, exist_ok=True)
            (folder / "qr.png").write_bytes(qr_png(info["url"]))
        return output
