"""What every generator shares: the build context of one language's MkDocs build, and the
events a generator may implement.

``hooks.py`` makes one :class:`BuildContext` per build (in ``on_config``) and calls each
generator of :func:`site_builder.generators.generators` for every MkDocs event, in order.
"""

from __future__ import annotations

import pickle
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from babel.dates import format_date
from babel.support import NullTranslations
from jinja2 import Environment
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page
from mkdocs.utils import get_relative_url

from quiz_api.content.bank import CampaignSpec, ContentInvalid
from site_builder import DEFAULT_LANG, LANGS, LOCALES, prefix
from site_builder import site_url as default_site_url
from site_builder.content import (
    LangContent,
    Post,
    load_all,
    load_campaigns,
    reading_minutes,
    tag_slug,
)
from site_builder.i18n import load_translations


def _(message: str) -> str:
    """Marks a message for extraction; translated later with the build's catalog."""
    return message


SITE_NAME = _("Drug Prevention Education")
SITE_DESCRIPTION = _("Drug prevention knowledge, campaigns and the knowledge challenge")


@dataclass
class BuildContext:
    """One language's build: its content, translations, options and what was generated."""

    lang: str
    content_root: Path
    site_url: str  # base URL of the whole site (the Chinese root), ends with '/'
    t: NullTranslations
    langs: dict[str, LangContent]
    campaigns: list[CampaignSpec]
    options: dict[str, Any]  # extra.sb of the language's config
    assets: dict[str, str] = field(default_factory=dict)  # key -> path below the language root
    fallback: set[str] = field(default_factory=set)  # pages taken from the Chinese content
    generated: set[str] = field(default_factory=set)  # src_uri of every generated page

    @classmethod
    def from_config(cls, config: MkDocsConfig) -> BuildContext:
        sb = dict(config.extra.get("sb") or {})
        lang = sb.get("lang", DEFAULT_LANG)
        if lang not in LANGS:
            raise PluginError(f"extra.sb.lang: unknown language {lang!r}, use one of {LANGS}")
        content_root = Path(sb.get("content_root") or Path(config.docs_dir).parent)
        locale_dir = Path(sb["locale_dir"]) if sb.get("locale_dir") else None
        manifest = sb.get("manifest")
        if manifest and Path(manifest).exists():
            # `python -m site_builder build` validated the content once for all languages.
            with open(manifest, "rb") as fh:
                langs, campaigns = pickle.load(fh)
        else:
            langs, problems = load_all(content_root)
            if problems:
                raise PluginError("\n".join(str(p) for p in problems))
            try:
                campaigns = load_campaigns(content_root)
            except ContentInvalid as exc:
                raise PluginError(str(exc)) from None
        return cls(
            lang=lang,
            content_root=content_root,
            site_url=sb.get("site_url") or default_site_url(),
            t=load_translations(lang, locale_dir),
            langs=langs,
            campaigns=campaigns,
            options=sb,
        )

    # ------------------------------------------------------------------ language
    @property
    def here(self) -> LangContent:
        return self.langs[self.lang]

    @property
    def lang_url(self) -> str:
        """Absolute URL of this language's home, ends with '/'."""
        return self.site_url + prefix(self.lang)

    def gettext(self, message: str, **values: Any) -> str:
        text = self.t.gettext(message)
        return text % values if values else text

    def date(self, post: Post) -> str:
        return format_date(post.date, "long", locale=LOCALES[self.lang])

    def minutes(self, post: Post) -> str:
        n = reading_minutes(post.body)
        return self.t.ngettext("%(num)d min read", "%(num)d min read", n) % {"num": n}

    # ------------------------------------------------------------------ pages
    def add(self, files: Files, config: MkDocsConfig, src_uri: str, content: str) -> None:
        """Add a generated Markdown page, unless content/ has a page of that name."""
        if files.get_file_from_path(src_uri) is not None:
            return
        files.append(File.generated(config, src_uri, content=content))
        self.generated.add(src_uri)

    def exists_in(self, lang: str, src_uri: str) -> bool:
        """Whether the page src_uri exists in the build of lang."""
        if src_uri in self.generated and not src_uri.startswith("tags/"):
            return True
        content = self.langs[lang]
        if src_uri.startswith("tags/"):
            if src_uri == "tags/index.md":
                return True
            slug = src_uri[len("tags/") : -3]
            return any(tag_slug(t) == slug for t in content.tags())
        return src_uri in content.known


def front(meta: dict[str, Any]) -> str:
    """YAML front matter of a generated page."""
    return "---\n" + yaml.safe_dump(meta, allow_unicode=True, sort_keys=False) + "---\n\n"


def md_link(to_src: str, from_src: str) -> str:
    """A Markdown link target from the page from_src to the page to_src (both src_uri):
    MkDocs checks it and turns it into the page's URL."""
    return get_relative_url(to_src, from_src)


def href(target: str, from_url: str) -> str:
    """An HTML href from the page at from_url to target (URL paths below one root)."""
    rel = get_relative_url(target, from_url)
    # get_relative_url writes a folder above as '.', '..' or '../..': keep its slash, so that
    # the static server needs no redirect and the link is the same as in the feed and sitemap.
    if (target == "" or target.endswith("/")) and not rel.endswith("/"):
        rel += "/"
    return rel


def md_escape(text: str) -> str:
    return re.sub(r"([\\`*_\[\]<>])", r"\\\1", text)


def html_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class Generator:
    """One job of the build. Each MkDocs event a generator does not implement is a no-op;
    events that return something get the (possibly changed) value back."""

    def __init__(self, ctx: BuildContext) -> None:
        self.ctx = ctx

    def on_config(self, config: MkDocsConfig) -> None:
        """Adjust the language's config (before any file is read)."""

    def on_files(self, files: Files, config: MkDocsConfig) -> None:
        """Add generated pages and files."""

    def on_env(self, env: Environment, config: MkDocsConfig) -> None:
        """Adjust the template environment."""

    def on_page_markdown(self, markdown: str, page: Page, config: MkDocsConfig) -> str:
        return markdown

    def on_post_page(self, output: str, page: Page, config: MkDocsConfig) -> str:
        return output

    def on_post_build(self, config: MkDocsConfig) -> None:
        """Write files into site_dir after MkDocs wrote the pages."""
