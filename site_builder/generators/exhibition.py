"""The VR exhibition hall (the site_builder.exhibition package) as one of the build's
generators: its page before the navigation is made, its scripts in the page, its rooms,
poster and assets after the build."""

from __future__ import annotations

import os
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

from site_builder.exhibition import PAGE, Exhibition
from site_builder.exhibition.hall import HallError, load_hall
from site_builder.generators.base import SITE_NAME, BuildContext, Generator

WORKERS_ENV = "SB_EXHIBITION_WORKERS"


class ExhibitionGenerator(Generator):
    def __init__(self, ctx: BuildContext) -> None:
        super().__init__(ctx)
        self.exhibition: Exhibition | None = None  # None: the content has no hall

    def on_files(self, files: Files, config: MkDocsConfig) -> None:
        ctx = self.ctx
        try:
            hall = load_hall(ctx.content_root)
        except HallError as exc:
            raise PluginError("\n".join(exc.problems)) from None
        if hall is None:
            return
        exhibition = Exhibition(
            hall=hall, lang=ctx.lang, lang_url=ctx.lang_url, site_name=ctx.gettext(SITE_NAME)
        )
        exhibition.plan()
        exhibition.plan_assets()
        if files.get_file_from_path(PAGE) is None:
            files.append(File.generated(config, PAGE, content=exhibition.markdown()))
        ctx.generated.add(PAGE)
        self.exhibition = exhibition

    def on_post_page(self, output: str, page: Page, config: MkDocsConfig) -> str:
        if self.exhibition is None or page.file.src_uri != PAGE:
            return output
        output = output.replace("</head>", self.exhibition.head_tags() + "</head>", 1)
        return output.replace("</body>", self.exhibition.body_tags() + "</body>", 1)

    def on_post_build(self, config: MkDocsConfig) -> None:
        if self.exhibition is None:
            return
        # The four language builds already run in parallel processes: draw in-process by default.
        workers = int(os.environ.get(WORKERS_ENV, "1"))
        self.exhibition.write(Path(config.site_dir), workers=workers)
