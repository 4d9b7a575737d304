"""News: the paginated list of posts, tag pages, each post's metadata and the RSS feed."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any
from urllib.parse import quote

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page

from site_builder import HTML_LANG
from site_builder.content import Post, is_post, src_uri_to_url, tag_slug
from site_builder.feed import rss
from site_builder.generators.base import Generator, front, href, html_escape, md_escape, md_link

FEED = "feed.xml"
TAGS_INDEX = "tags/index.md"


def list_page(number: int) -> str:
    """src_uri of the number-th page of the post list."""
    return "posts/index.md" if number == 1 else f"posts/page/{number}.md"


def tag_page(slug: str, number: int) -> str:
    """src_uri of the number-th page of a tag."""
    return f"tags/{slug}.md" if number == 1 else f"tags/{slug}/page/{number}.md"


def chunked(posts: Sequence[Post], size: int) -> list[Sequence[Post]]:
    return [posts[i : i + size] for i in range(0, len(posts), size)]


class PostsGenerator(Generator):
    def on_files(self, files: Files, config: MkDocsConfig) -> None:
        self._lists(files, config)
        self._tags(files, config)

    def _page_label(self, number: int, total: int) -> str:
        label = self.ctx.gettext("Page %(num)d of %(total)d", num=number, total=total)
        return f"<p class='sb-meta'>{label}</p>\n\n"

    def _pager(self, src: str, newer: str | None, older: str | None) -> str:
        """Links from the list page src to its newer and older pages and to all tags."""
        ctx = self.ctx
        newer_label, older_label = ctx.gettext("Newer posts"), ctx.gettext("Older posts")
        all_tags = ctx.gettext("All tags")
        links = [f"[← {newer_label}]({md_link(newer, src)})"] if newer else []
        if older:
            links.append(f"[{older_label} →]({md_link(older, src)})")
        links.append(f"[{all_tags}]({md_link(TAGS_INDEX, src)})")
        return " · ".join(links)

    def _item(self, post: Post, src: str) -> str:
        return (
            f"## [{md_escape(post.title)}]({md_link(post.src_uri, src)})\n\n"
            f'<p class="sb-meta"><time datetime="{post.date.isoformat()}">{self.ctx.date(post)}'
            f"</time> · {self.ctx.minutes(post)}</p>\n\n{md_escape(post.summary)}\n\n"
        )

    def _lists(self, files: Files, config: MkDocsConfig) -> None:
        ctx = self.ctx
        per_page = int(ctx.options.get("posts_per_page") or 10)
        chunks = chunked(ctx.here.posts, per_page) or [[]]
        for number, chunk in enumerate(chunks, start=1):
            src = list_page(number)
            meta: dict[str, Any] = {"title": ctx.gettext("News"), "hide": ["toc"], "sb_list": True}
            if number > 1:  # the posts themselves are indexed; older list pages add nothing
                meta["search"] = {"exclude": True}
            body = [front(meta)]
            if number > 1:
                body.append(self._page_label(number, len(chunks)))
            if not chunk:
                body.append(ctx.gettext("No posts yet.") + "\n")
            body.extend(self._item(post, src) for post in chunk)
            newer = list_page(number - 1) if number > 1 else None
            older = list_page(number + 1) if number < len(chunks) else None
            links = self._pager(src, newer, older)
            body.append('<nav class="sb-pager" markdown>\n\n' + links + "\n\n</nav>\n")
            feed, feed_label = href(FEED, src_uri_to_url(src)), ctx.gettext("RSS feed")
            body.append(f'\n<p><a class="sb-feed" href="{feed}">{feed_label}</a></p>\n')
            ctx.add(files, config, src, "".join(body))

    def _tags(self, files: Files, config: MkDocsConfig) -> None:
        ctx = self.ctx
        tags = ctx.here.tags()
        index = [front({"title": ctx.gettext("Tags"), "hide": ["toc"]})]
        if not tags:
            index.append(ctx.gettext("No posts yet.") + "\n")
        index.append('<ul class="sb-taglist">\n')
        for tag, tagged in tags.items():
            link = href(quote(src_uri_to_url(tag_page(tag_slug(tag), 1))), "tags/")
            index.append(f'<li><a href="{link}">{html_escape(tag)}</a> ({len(tagged)})</li>\n')
        index.append("</ul>\n")
        ctx.add(files, config, TAGS_INDEX, "".join(index))
        per_page = int(ctx.options.get("tag_items_per_page") or 50)
        for tag, tagged in tags.items():
            slug = tag_slug(tag)
            chunks = chunked(tagged, per_page)
            for number, chunk in enumerate(chunks, start=1):
                src = tag_page(slug, number)
                meta = {
                    "title": ctx.gettext("Tag: %(tag)s", tag=tag),
                    "hide": ["toc"],
                    "search": {"exclude": True},
                }
                body = [front(meta)]
                if len(chunks) > 1:
                    body.append(self._page_label(number, len(chunks)))
                for post in chunk:
                    body.append(
                        f"- [{md_escape(post.title)}]({md_link(post.src_uri, src)}) · "
                        f'<time datetime="{post.date.isoformat()}">{ctx.date(post)}</time>\n'
                    )
                newer = tag_page(slug, number - 1) if number > 1 else None
                older = tag_page(slug, number + 1) if number < len(chunks) else None
                body.append("\n" + self._pager(src, newer, older) + "\n")
                ctx.add(files, config, src, "".join(body))

    def on_page_markdown(self, markdown: str, page: Page, config: MkDocsConfig) -> str:
        ctx = self.ctx
        src = page.file.src_uri
        if not is_post(src):
            return markdown
        post = next((p for p in ctx.here.posts if p.src_uri == src), None)
        if post is not None:
            page.meta["sb_post"] = {
                "date": ctx.date(post),
                "iso": post.date.isoformat(),
                "minutes": ctx.minutes(post),
                "tags": [
                    {"name": tag, "url": f"tags/{quote(tag_slug(tag))}/"} for tag in post.tags
                ],
                "cover": _cover_path(post),
            }
            page.meta["tags"] = post.tags
            page.meta.setdefault("description", post.summary)
        return markdown

    def on_post_build(self, config: MkDocsConfig) -> None:
        ctx = self.ctx
        posts = ctx.here.posts[: int(ctx.options.get("feed_items") or 20)]
        (Path(config.site_dir) / FEED).write_bytes(
            rss(
                title=config.site_name,
                link=ctx.lang_url,
                description=config.site_description or "",
                language=HTML_LANG[ctx.lang],
                posts=posts,
                feed_url=ctx.lang_url + FEED,
            )
        )


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
