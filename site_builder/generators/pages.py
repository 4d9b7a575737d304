"""The language's pages and chrome: site name and URLs, the language switcher, pages that
fall back to Chinese, the template translations and each page's links to its other
languages."""

from __future__ import annotations

from urllib.parse import urlsplit

from jinja2 import Environment
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

from site_builder import DEFAULT_LANG, HTML_LANG, LANG_NAMES, LANGS, prefix
from site_builder.content import src_uri_to_url
from site_builder.generators.base import SITE_DESCRIPTION, SITE_NAME, Generator, href


class PagesGenerator(Generator):
    def on_config(self, config: MkDocsConfig) -> None:
        ctx = self.ctx
        config["site_name"] = ctx.gettext(SITE_NAME)
        config["site_description"] = ctx.gettext(SITE_DESCRIPTION)
        config["site_url"] = ctx.lang_url
        config.extra["sb_lang"] = ctx.lang
        config.extra["sb_html_lang"] = HTML_LANG[ctx.lang]
        root_path = urlsplit(ctx.site_url).path or "/"
        config.extra["sb_root"] = root_path
        config.extra["sb_langs"] = [
            {
                "lang": lang,
                "name": LANG_NAMES[lang],
                "hreflang": HTML_LANG[lang],
                "home": root_path + prefix(lang),
                "current": lang == ctx.lang,
            }
            for lang in LANGS
        ]

    def on_files(self, files: Files, config: MkDocsConfig) -> None:
        """The pages this language has not translated yet, from the Chinese content."""
        zh_dir = self.ctx.content_root / DEFAULT_LANG
        for src_uri in self.ctx.here.fallback:
            files.append(
                File(
                    src_uri,
                    src_dir=str(zh_dir),
                    dest_dir=config.site_dir,
                    use_directory_urls=config.use_directory_urls,
                )
            )
            if src_uri.endswith(".md"):
                self.ctx.fallback.add(src_uri)

    def on_env(self, env: Environment, config: MkDocsConfig) -> None:
        env.add_extension("jinja2.ext.i18n")
        env.install_gettext_translations(self.ctx.t, newstyle=True)  # type: ignore[attr-defined]
        env.globals["sb_lang_names"] = LANG_NAMES

    def on_page_markdown(self, markdown: str, page: Page, config: MkDocsConfig) -> str:
        ctx = self.ctx
        src = page.file.src_uri
        if src in ctx.fallback:
            page.meta["sb_fallback"] = True
        url = src_uri_to_url(src)
        # Relative links through the site root, which is the same for every language (the
        # site may live below a path): up from this page, then down into the language.
        here = prefix(ctx.lang) + url
        up = href("", here) if here else ""
        alternates = []
        for lang in LANGS:
            exists = ctx.exists_in(lang, src)
            target = prefix(lang) + (url if exists else "")
            alternates.append(
                {
                    "lang": lang,
                    "hreflang": HTML_LANG[lang],
                    "name": LANG_NAMES[lang],
                    # a missing page links to the language's home, which says so
                    "href": (up + target or "./") if exists else f"{up}{target}#sb-missing",
                    "current": lang == ctx.lang,
                    "exists": exists,
                }
            )
        page.meta["sb_alternates"] = alternates
        return markdown
