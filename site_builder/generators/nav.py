"""The navigation of a language: sections by top-level folder of content/<lang>/, in the
order of the content's `order:` front matter (the Chinese order where a page has none), with
the generated entry pages (challenge, posters, news) in their places. Runs after every other
generator has added its pages."""

from __future__ import annotations

from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import Files

from site_builder import DEFAULT_LANG
from site_builder.content import is_post
from site_builder.generators import daily, posters, posts, quiz
from site_builder.generators.base import Generator, _

SECTION_ORDER = ("knowledge", "campaigns", "challenge", "vr", "exhibition")
SECTION_TITLES = {
    "knowledge": _("Knowledge"),
    "campaigns": _("Campaigns"),
    "challenge": _("Knowledge challenge"),
    "vr": _("VR exhibition"),
    "exhibition": _("Exhibition"),
}


class NavGenerator(Generator):
    def on_files(self, files: Files, config: MkDocsConfig) -> None:
        config.nav = self.nav(files)

    def nav(self, files: Files) -> list[Any]:
        ctx = self.ctx
        pages = sorted(
            f.src_uri
            for f in files.documentation_pages()
            if not is_post(f.src_uri) and not f.src_uri.startswith(("tags/", "posters/", "posts/"))
        )
        nav: list[Any] = []
        if "index.md" in pages:
            nav.append("index.md")
        sections: dict[str, list[str]] = {}
        top: list[str] = []
        for src in pages:
            if src == "index.md":
                continue
            if "/" in src:
                sections.setdefault(src.split("/", 1)[0], []).append(src)
            else:
                top.append(src)
        sections.pop("quiz", None)
        has_daily = sections.pop("daily", None) is not None
        sections.setdefault("challenge", [])
        order = [s for s in SECTION_ORDER if s in sections] + sorted(
            s for s in sections if s not in SECTION_ORDER
        )
        zh_order = ctx.langs[DEFAULT_LANG].order
        own_order = ctx.here.order

        def rank(src: str) -> tuple[int, str]:
            return (own_order.get(src, zh_order.get(src, 1000)), src)

        for name in order:
            entries: list[Any] = sorted(sections[name], key=rank)
            if name == "campaigns" and ctx.campaigns:
                entries.append(posters.INDEX)
            if name == "challenge":
                entries.insert(0, quiz.PAGE)
                if has_daily:
                    entries.insert(1, daily.PAGE)
            title = ctx.gettext(SECTION_TITLES[name]) if name in SECTION_TITLES else name
            nav.append({title: entries})
        if ctx.campaigns and "campaigns" not in sections:
            nav.append(posters.INDEX)
        nav.append(posts.list_page(1))
        nav.extend(top)
        return nav
