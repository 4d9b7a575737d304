"""What the hooks do inside one language's MkDocs build.

A small interface (``BuildState`` with one method per MkDocs event) keeps the site logic in
one place, so that a later move away from MkDocs 1.x touches only ``hooks.py``.
"""

from __future__ import annotations

import hashlib
import json
import logging
import pickle
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

import yaml
from babel.dates import format_date
from babel.support import NullTranslations
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files

from quiz_api.rendering.raster import qr_png
from site_builder import (
    DEFAULT_LANG,
    HTML_LANG,
    LANG_NAMES,
    LANGS,
    LOCALES,
    PACKAGE_DIR,
    REPO_ROOT,
    poster,
    prefix,
)
from site_builder import site_url as default_site_url
from site_builder.content import (
    LangContent,
    Post,
    is_post,
    load_all,
    reading_minutes,
    src_uri_to_url,
    tag_slug,
)
from site_builder.feed import rss
from site_builder.i18n import load_translations

log = logging.getLogger("mkdocs.site_builder")

ASSETS_DIR = PACKAGE_DIR / "assets"
QUIZ_APP_DIR = PACKAGE_DIR / "quiz_app"
HANGUL_WORD = re.compile(r"[\uac00-\ud7af]{2,}")
# Section names of the navigation, by top-level folder of content/<lang>/.
SECTION_ORDER = ("knowledge", "campaigns", "challenge", "vr", "exhibition")


def _(message: str) -> str:
    """Marks a message for extraction; translated later with the build's catalog."""
    return message


SECTION_TITLES = {
    "knowledge": _("Knowledge"),
    "campaigns": _("Campaigns"),
    "challenge": _("Knowledge challenge"),
    "vr": _("VR exhibition"),
    "exhibition": _("Exhibition"),
}
SITE_NAME = _("Drug Prevention Education")
SITE_DESCRIPTION = _("Drug prevention knowledge, campaigns and the knowledge challenge")


@dataclass
class Campaign:
    id: str
    name: dict[str, str]
    description: dict[str, str]


def load_campaigns(content_root: Path) -> list[Campaign]:
    """Campaigns from content/campaigns/*.yaml (id and four-language name); none is fine."""
    folder = content_root / "campaigns"
    out: list[Campaign] = []
    if not folder.is_dir():
        return out
    for path in sorted(folder.glob("*.y*ml")):
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            line = mark.line + 1 if mark is not None else 1
            raise PluginError(
                f"{path}:{line}: campaign file is not valid YAML — fix the indentation or quote "
                "the value"
            ) from None
        if not isinstance(data, dict):
            continue
        cid = data.get("id")
        name = data.get("name")
        if not isinstance(cid, str) or not re.fullmatch(r"[a-z0-9][a-z0-9-]{1,63}", cid):
            raise PluginError(
                f"{path}:1: campaign id {cid!r} is missing or not a slug — write e.g. "
                "id: challenge-2026"
            )
        if not isinstance(name, dict) or not all(
            isinstance(name.get(lang), str) and name[lang] for lang in LANGS
        ):
            raise PluginError(
                f"{path}:1: campaign name needs zh, en, ko and ja — write "
                "name: {zh: ..., en: ..., ko: ..., ja: ...}"
            )
        desc = data.get("description") if isinstance(data.get("description"), dict) else {}
        assert isinstance(desc, dict)
        out.append(
            Campaign(
                id=cid,
                name={k: str(v) for k, v in name.items()},
                description={k: str(v) for k, v in desc.items() if v},
            )
        )
    return out


def hashed_name(path: Path, stem: str) -> str:
    digest = hashlib.sha256(path.read_bytes()).hexdigest()[:10]
    return f"{stem}.{digest}{path.suffix}"


def korean_keywords(text: str) -> str:
    """Prefixes (2+ syllables) of Korean words, so that '마약' finds '마약은', '마약류'."""
    seen: dict[str, None] = {}
    for word in HANGUL_WORD.findall(text):
        for end in range(2, len(word)):
            seen.setdefault(word[:end], None)
    return " ".join(seen)


@dataclass
class BuildState:
    lang: str
    content_root: Path
    site_url: str  # base URL of the whole site (the Chinese root), ends with '/'
    t: NullTranslations
    langs: dict[str, LangContent]
    campaigns: list[Campaign]
    options: dict[str, Any]
    assets: dict[str, str] = field(default_factory=dict)
    fallback: set[str] = field(default_factory=set)
    generated: set[str] = field(default_factory=set)
    qr_pages: list[tuple[str, str]] = field(default_factory=list)

    # ------------------------------------------------------------------ setup
    @classmethod
    def from_config(cls, config: Any) -> BuildState:
        sb = dict(config.extra.get("sb") or {})
        lang = sb.get("lang", DEFAULT_LANG)
        if lang not in LANGS:
            raise PluginError(f"extra.sb.lang: unknown language {lang!r}, use one of {LANGS}")
        docs_dir = Path(config.docs_dir)
        content_root = Path(sb.get("content_root") or docs_dir.parent)
        locale_dir = Path(sb["locale_dir"]) if sb.get("locale_dir") else None
        manifest = sb.get("manifest")
        if manifest and Path(manifest).exists():
            with open(manifest, "rb") as fh:
                langs, campaigns = pickle.load(fh)
        else:
            langs, problems = load_all(content_root)
            if problems:
                raise PluginError("\n".join(str(p) for p in problems))
            campaigns = load_campaigns(content_root)
        return cls(
            lang=lang,
            content_root=content_root,
            site_url=sb.get("site_url") or default_site_url(),
            t=load_translations(lang, locale_dir),
            langs=langs,
            campaigns=campaigns,
            options=sb,
        )

    def gettext(self, message: str, **values: Any) -> str:
        text = self.t.gettext(message)
        return text % values if values else text

    @property
    def lang_url(self) -> str:
        return self.site_url + prefix(self.lang)

    def on_config(self, config: Any) -> Any:
        if self.lang != "zh":
            # Material segments every run of Han characters with jieba when it is
            # installed; only the Chinese index may be segmented that way (Japanese kanji
            # must not be split with a Chinese dictionary).
            import material.plugins.search.plugin as search_plugin

            search_plugin.jieba = None
        else:
            try:
                import jieba

                jieba.setLogLevel(logging.WARNING)
            except ImportError:  # pragma: no cover
                pass
        config["site_name"] = self.gettext(SITE_NAME)
        config["site_description"] = self.gettext(SITE_DESCRIPTION)
        config["site_url"] = self.lang_url
        self.assets["css"] = "assets/" + hashed_name(ASSETS_DIR / "sb.css", "sb")
        for name in ("quiz.js", "quiz.css"):
            source = QUIZ_APP_DIR / name
            if source.is_file():
                stem, _suffix = name.rsplit(".", 1)
                self.assets[f"quiz_{_suffix}"] = "quiz_app/" + hashed_name(source, stem)
        config.extra["sb_assets"] = self.assets
        config.extra["sb_lang"] = self.lang
        config.extra["sb_html_lang"] = HTML_LANG[self.lang]
        root_path = urlsplit(self.site_url).path or "/"
        config.extra["sb_root"] = root_path
        config.extra["sb_langs"] = [
            {
                "lang": lang,
                "name": LANG_NAMES[lang],
                "hreflang": HTML_LANG[lang],
                "home": root_path + prefix(lang),
                "current": lang == self.lang,
            }
            for lang in LANGS
        ]
        return config

    # ------------------------------------------------------------------ files
    def _add(self, files: Files, config: Any, src_uri: str, content: str) -> None:
        if files.get_file_from_path(src_uri) is not None:
            return
        files.append(File.generated(config, src_uri, content=content))
        self.generated.add(src_uri)

    def on_files(self, files: Files, config: Any) -> Files:
        here = self.langs[self.lang]
        zh_dir = self.content_root / DEFAULT_LANG
        for src_uri in here.fallback:
            files.append(
                File(
                    src_uri,
                    src_dir=str(zh_dir),
                    dest_dir=config.site_dir,
                    use_directory_urls=config.use_directory_urls,
                )
            )
            if src_uri.endswith(".md"):
                self.fallback.add(src_uri)
        self._generate_posts(files, config, here)
        self._generate_quiz(files, config, here)
        self._generate_posters(files, config)
        config.nav = self._nav(files)
        return files

    @staticmethod
    def _front(meta: dict[str, Any]) -> str:
        return "---\n" + yaml.safe_dump(meta, allow_unicode=True, sort_keys=False) + "---\n\n"

    def date(self, post: Post) -> str:
        return format_date(post.date, "long", locale=LOCALES[self.lang])

    def minutes(self, post: Post) -> str:
        n = reading_minutes(post.body)
        return self.t.ngettext("%(num)d min read", "%(num)d min read", n) % {"num": n}

    def _post_item(self, post: Post, rel: str) -> str:
        return (
            f"## [{_md_escape(post.title)}]({rel}{post.src_uri.rsplit('/', 1)[-1]})\n\n"
            f'<p class="sb-meta"><time datetime="{post.date.isoformat()}">{self.date(post)}'
            f"</time> · {self.minutes(post)}</p>\n\n{_md_escape(post.summary)}\n\n"
        )

    def _generate_posts(self, files: Files, config: Any, here: LangContent) -> None:
        per_page = int(self.options.get("posts_per_page") or 10)
        posts = here.posts
        chunks = [posts[i : i + per_page] for i in range(0, len(posts), per_page)] or [[]]
        title = self.gettext("News")
        newer_label = self.gettext("Newer posts")
        older_label = self.gettext("Older posts")
        all_tags = self.gettext("All tags")
        feed_label = self.gettext("RSS feed")
        for number, chunk in enumerate(chunks, start=1):
            src = "posts/index.md" if number == 1 else f"posts/page/{number}.md"
            rel = "" if number == 1 else "../"
            meta: dict[str, Any] = {"title": title, "hide": ["toc"], "sb_list": True}
            if number > 1:  # the posts themselves are indexed; older list pages add nothing
                meta["search"] = {"exclude": True}
            body = [self._front(meta)]
            if number > 1:
                page_label = self.gettext(
                    "Page %(num)d of %(total)d", num=number, total=len(chunks)
                )
                body.append(f"<p class='sb-meta'>{page_label}</p>\n\n")
            if not chunk:
                body.append(self.gettext("No posts yet.") + "\n")
            body.extend(self._post_item(post, rel) for post in chunk)
            links = []
            if number > 1:
                newer = "index.md" if number == 2 else f"{number - 1}.md"
                newer = ("../" + newer) if number == 2 else newer
                links.append(f"[← {newer_label}]({newer})")
            if number < len(chunks):
                older = f"page/{number + 1}.md" if number == 1 else f"{number + 1}.md"
                links.append(f"[{older_label} →]({older})")
            tags_link = "../tags/index.md" if number == 1 else "../../tags/index.md"
            links.append(f"[{all_tags}]({tags_link})")
            body.append('<nav class="sb-pager" markdown>\n\n' + " · ".join(links) + "\n\n</nav>\n")
            feed = "../feed.xml" if number == 1 else "../../../feed.xml"
            body.append(f'\n<p><a class="sb-feed" href="{feed}">{feed_label}</a></p>\n')
            self._add(files, config, src, "".join(body))
        # tag pages
        tags = here.tags()
        all_tags = self.gettext("All tags")
        index = [self._front({"title": self.gettext("Tags"), "hide": ["toc"]})]
        if not tags:
            index.append(self.gettext("No posts yet.") + "\n")
        index.append('<ul class="sb-taglist">\n')
        for tag, tagged in tags.items():
            index.append(
                f'<li><a href="{quote(tag_slug(tag))}/">{_html(tag)}</a> ({len(tagged)})</li>\n'
            )
        index.append("</ul>\n")
        self._add(files, config, "tags/index.md", "".join(index))
        per_tag_page = int(self.options.get("tag_items_per_page") or 50)
        newer_label = self.gettext("Newer posts")
        older_label = self.gettext("Older posts")
        for tag, tagged in tags.items():
            slug = tag_slug(tag)
            chunks = [tagged[i : i + per_tag_page] for i in range(0, len(tagged), per_tag_page)]
            for number, chunk in enumerate(chunks, start=1):
                # tags/<slug>.md, then tags/<slug>/page/<n>.md
                up = "../" if number == 1 else "../../../"
                meta = {
                    "title": self.gettext("Tag: %(tag)s", tag=tag),
                    "hide": ["toc"],
                    "search": {"exclude": True},
                }
                body = [self._front(meta)]
                if len(chunks) > 1:
                    page_label = self.gettext(
                        "Page %(num)d of %(total)d", num=number, total=len(chunks)
                    )
                    body.append(f"<p class='sb-meta'>{page_label}</p>\n\n")
                for post in chunk:
                    name = post.src_uri.rsplit("/", 1)[-1]
                    body.append(
                        f"- [{_md_escape(post.title)}]({up}posts/{name}) · "
                        f'<time datetime="{post.date.isoformat()}">{self.date(post)}</time>\n'
                    )
                links = []
                if number == 2:
                    links.append(f"[← {newer_label}](../../{slug}.md)")
                elif number > 2:
                    links.append(f"[← {newer_label}]({number - 1}.md)")
                if number < len(chunks):
                    older = f"{slug}/page/{number + 1}.md" if number == 1 else f"{number + 1}.md"
                    links.append(f"[{older_label} →]({older})")
                links.append(f"[{all_tags}]({'index.md' if number == 1 else '../../index.md'})")
                body.append("\n" + " · ".join(links) + "\n")
                src = f"tags/{slug}.md" if number == 1 else f"tags/{slug}/page/{number}.md"
                self._add(files, config, src, "".join(body))

    def _generate_quiz(self, files: Files, config: Any, here: LangContent) -> None:
        known = here.known
        links = []
        for src, label in (
            ("challenge/about.md", self.gettext("Challenge rules")),
            ("challenge/privacy.md", self.gettext("Privacy notice")),
        ):
            if src in known:
                links.append(f"- [{label}](../{src})")
        meta = {
            "title": self.gettext("Knowledge challenge"),
            "description": self.gettext(
                "Answer questions about drugs, the law and how to say no, in your language."
            ),
            "template": "sb_quiz.html",
            "hide": ["toc"],
            "sb_quiz": True,
        }
        body = (
            self._front(meta)
            + self.gettext(
                "Test what you know about drug prevention: answer the questions, see the right "
                "answers with explanations, and compare your score with your school or district."
            )
            + "\n\n"
            + "\n".join(links)
            + "\n"
        )
        self._add(files, config, "quiz/index.md", body)

    def quiz_url(self, campaign: Campaign, kind: str) -> str:
        return f"{self.lang_url}quiz/?campaign={campaign.id}&src=poster-{kind}"

    def _generate_posters(self, files: Files, config: Any) -> None:
        if not self.campaigns:
            return
        index = [self._front({"title": self.gettext("Posters"), "hide": ["toc"]})]
        for campaign in self.campaigns:
            name = campaign.name.get(self.lang) or campaign.name[DEFAULT_LANG]
            index.append(f"- [{_md_escape(name)}]({campaign.id}.md)\n")
            meta = {
                "title": self.gettext("Poster: %(name)s", name=name),
                "description": campaign.description.get(self.lang, ""),
                "template": "sb_poster.html",
                "hide": ["toc"],
                "search": {"exclude": True},
                "sb_poster": {
                    "id": campaign.id,
                    "kinds": [
                        {
                            "kind": kind,
                            "label": self.gettext(KIND_LABELS.get(kind, kind)),
                            "url": self.quiz_url(campaign, kind),
                            "qr": f"qr-{kind}.png",
                            "png": f"poster-{campaign.id}-{kind}-a4.png",
                        }
                        for kind in self.options.get("poster_kinds") or ["school"]
                    ],
                },
            }
            text = self._front(meta) + _md_escape(campaign.description.get(self.lang, "")) + "\n"
            self._add(files, config, f"posters/{campaign.id}.md", text)
        self._add(files, config, "posters/index.md", "".join(index))

    def _nav(self, files: Files) -> list[Any]:
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
        sections.setdefault("challenge", [])
        order = [s for s in SECTION_ORDER if s in sections] + sorted(
            s for s in sections if s not in SECTION_ORDER
        )
        zh_order = self.langs[DEFAULT_LANG].order
        own_order = self.langs[self.lang].order

        def rank(src: str) -> tuple[int, str]:
            return (own_order.get(src, zh_order.get(src, 1000)), src)

        for name in order:
            entries: list[Any] = sorted(sections[name], key=rank)
            if name == "campaigns" and self.campaigns:
                entries.append("posters/index.md")
            if name == "challenge":
                entries.insert(0, "quiz/index.md")
            title = self.gettext(SECTION_TITLES[name]) if name in SECTION_TITLES else name
            nav.append({title: entries})
        if self.campaigns and "campaigns" not in sections:
            nav.append("posters/index.md")
        nav.append("posts/index.md")
        nav.extend(top)
        return nav

    # ------------------------------------------------------------------ pages
    def on_env(self, env: Any) -> Any:
        env.add_extension("jinja2.ext.i18n")
        env.install_gettext_translations(self.t, newstyle=True)
        env.globals["sb_lang_names"] = LANG_NAMES
        return env

    def exists_in(self, lang: str, src_uri: str) -> bool:
        if src_uri in self.generated and not src_uri.startswith("tags/"):
            return True
        content = self.langs[lang]
        if src_uri.startswith("tags/"):
            if src_uri == "tags/index.md":
                return True
            slug = src_uri[len("tags/") : -3]
            return any(tag_slug(t) == slug for t in content.tags())
        return src_uri in content.known

    def on_page_markdown(self, markdown: str, page: Any) -> str:
        src = page.file.src_uri
        meta = page.meta
        if src in self.fallback:
            meta["sb_fallback"] = True
        if is_post(src):
            post = next((p for p in self.langs[self.lang].posts if p.src_uri == src), None)
            if post is not None:
                meta["sb_post"] = {
                    "date": self.date(post),
                    "iso": post.date.isoformat(),
                    "minutes": self.minutes(post),
                    "tags": [
                        {"name": tag, "url": f"tags/{quote(tag_slug(tag))}/"} for tag in post.tags
                    ],
                    "cover": _cover_path(post),
                }
                meta["tags"] = post.tags
                meta.setdefault("description", post.summary)
        url = src_uri_to_url(src)
        # Relative links (the site may live below a path): up to this language's root, then
        # up to the site root, then down into the other language.
        up = "../" * url.count("/") + ("../" if self.lang != DEFAULT_LANG else "")
        alternates = []
        for lang in LANGS:
            exists = self.exists_in(lang, src)
            target = prefix(lang) + (url if exists else "")
            alternates.append(
                {
                    "lang": lang,
                    "hreflang": HTML_LANG[lang],
                    "name": LANG_NAMES[lang],
                    "href": (up + target or "./") if exists else f"{up}{target}#sb-missing",
                    "current": lang == self.lang,
                    "exists": exists,
                }
            )
        meta["sb_alternates"] = alternates
        if page.file.dest_uri.endswith("index.html"):
            meta["sb_qr"] = {"src": "qr.png", "url": self.lang_url + url}
        return markdown

    def on_post_page(self, output: str, page: Any, config: Any) -> str:
        info = page.meta.get("sb_qr")
        if info:
            folder = (Path(config.site_dir) / page.file.dest_uri).parent
            folder.mkdir(parents=True, exist_ok=True)
            (folder / "qr.png").write_bytes(qr_png(info["url"]))
        return output

    # ------------------------------------------------------------------ build
    def on_post_build(self, config: Any) -> None:
        site = Path(config.site_dir)
        (site / "assets").mkdir(parents=True, exist_ok=True)
        shutil.copyfile(ASSETS_DIR / "sb.css", site / self.assets["css"])
        for key, name in (("quiz_js", "quiz.js"), ("quiz_css", "quiz.css")):
            if key in self.assets:
                (site / "quiz_app").mkdir(exist_ok=True)
                shutil.copyfile(QUIZ_APP_DIR / name, site / self.assets[key])
        posts = self.langs[self.lang].posts[: int(self.options.get("feed_items") or 20)]
        (site / "feed.xml").write_bytes(
            rss(
                title=config.site_name,
                link=self.lang_url,
                description=config.site_description or "",
                language=HTML_LANG[self.lang],
                posts=posts,
                feed_url=self.lang_url + "feed.xml",
            )
        )
        self._write_posters(site)
        if self.lang == "ko":
            self._korean_index(site)
        self._prune_theme_assets(site, config)

    @staticmethod
    def _prune_theme_assets(site: Path, config: Any) -> None:
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

    def _write_posters(self, site: Path) -> None:
        for campaign in self.campaigns:
            folder = site / "posters" / campaign.id
            folder.mkdir(parents=True, exist_ok=True)
            name = campaign.name.get(self.lang) or campaign.name[DEFAULT_LANG]
            for kind in self.options.get("poster_kinds") or ["school"]:
                url = self.quiz_url(campaign, kind)
                (folder / f"qr-{kind}.png").write_bytes(qr_png(url))
                poster.render(
                    folder / f"poster-{campaign.id}-{kind}-a4.png",
                    lang=self.lang,
                    title=name,
                    subtitle=campaign.description.get(self.lang, "")[:140],
                    call=self.gettext("Scan the code to take the knowledge challenge"),
                    url=url,
                    footer=self.gettext(SITE_NAME),
                )

    def _korean_index(self, site: Path) -> None:
        """Add a 'kw' field of Korean word prefixes to the search index (see korean_keywords)."""
        path = site / "search" / "search_index.json"
        if not path.exists():
            return
        data = json.loads(path.read_text(encoding="utf-8"))
        for doc in data.get("docs", []):
            keywords = korean_keywords(f"{doc.get('title', '')} {doc.get('text', '')}")
            if keywords:
                doc["kw"] = keywords
        fields = data.setdefault("config", {}).setdefault("fields", {})
        fields.setdefault("kw", {"boost": 0.5})
        path.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")), "utf-8")


KIND_LABELS = {
    "school": _("School poster"),
    "community": _("Community poster"),
    "workplace": _("Workplace poster"),
}


def _cover_path(post: Post) -> str | None:
    """The cover image's path from the language root (for the `url` template filter)."""
    if not post.cover:
        return None
    base = post.src_uri.rsplit("/", 1)[0]
    parts: list[str] = []
    for part in f"{base}/{post.cover}".split("/"):
        if part == "..":
            if parts:
                parts.pop()
        elif part not in ("", "."):
            parts.append(part)
    return "/".join(parts)


def _md_escape(text: str) -> str:
    return re.sub(r"([\\`*_\[\]<>])", r"\\\1", text)


def _html(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


__all__ = ["REPO_ROOT", "BuildState", "Campaign", "load_campaigns"]
