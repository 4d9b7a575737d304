"""Publishing (site_builder/publish/): drafts and posts not yet due are left out of the
build before any other generator lists them, and every page names its release (and, in a
preview, says so and asks not to be indexed)."""

from __future__ import annotations

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page

from site_builder.generators.base import Generator
from site_builder.publish import pages


class ReleaseGenerator(Generator):
    def on_files(self, files: Files, config: MkDocsConfig) -> None:
        pages.drop_withheld(files, self.ctx.langs[self.ctx.lang])

    def on_post_page(self, output: str, page: Page, config: MkDocsConfig) -> str:
        return pages.annotate(output, page.file.src_uri, self.ctx.langs[self.ctx.lang])
