"""What publishing adds to the built pages, called from the MkDocs hooks.

Every page of a release carries ``<meta name="release" content="<commit>">`` so that anyone
can tell which commit a page came from; a preview also carries
``<meta name="robots" content="noindex">`` and a visible banner, and marks the drafts and
scheduled posts that the live site would leave out. The build learns the commit and the
preview's branch from ``SITE_RELEASE`` and ``SITE_PREVIEW`` (set by the publisher), so the
same functions can move into a generator later without changing their callers' contract.
"""

from __future__ import annotations

import html
import os
import re
from collections.abc import Mapping

from mkdocs.structure.files import Files

from site_builder.content import LangContent, Post
from site_builder.schedule import PREVIEW_ENV, Schedule

RELEASE_ENV = "SITE_RELEASE"
_HEAD_END = re.compile(r"</head>", re.I)
_BODY_START = re.compile(r"<body\b[^>]*>", re.I)


def drop_withheld(files: Files, content: LangContent) -> Files:
    """Leave the pages of drafts and not-yet-due posts out of the build (and so out of the
    sitemap and the search index, which MkDocs derives from the built pages)."""
    for post in content.withheld:
        found = files.get_file_from_path(post.src_uri)
        if found is not None:
            files.remove(found)
    return files


def _post_of(content: LangContent, src_uri: str) -> Post | None:
    return next((p for p in content.posts if p.src_uri == src_uri), None)


def annotate(
    output: str, src_uri: str, content: LangContent, env: Mapping[str, str] = os.environ
) -> str:
    """Add the release meta tag; in a preview, noindex and the banner (with the post's
    state when it is a draft or not yet due)."""
    head: list[str] = []
    release = env.get(RELEASE_ENV, "").strip()
    if release:
        head.append(f'<meta name="release" content="{html.escape(release)}">')
    branch = env.get(PREVIEW_ENV, "").strip()
    if branch:
        head.append('<meta name="robots" content="noindex">')
    if head:
        output = _HEAD_END.sub(lambda m: "\n".join(head) + "\n" + m.group(0), output, count=1)
    if not branch:
        return output
    notes = [f"预览 Preview · {html.escape(branch)} — 不是正式网站 not the live site"]
    post = _post_of(content, src_uri)
    if post is not None and post.draft:
        notes.append("草稿，不会发布 Draft: never published")
    elif post is not None and not Schedule.from_env(env).is_due(post.due_at):
        when = post.due_at.strftime("%Y-%m-%d %H:%M")
        notes.append(f"定时发布 Scheduled: goes live {when}")
    banner = (
        '<div class="sb-preview-banner" role="note" style="background:#b71c1c;color:#fff;'
        'padding:.5em 1em;text-align:center;font-weight:bold">' + " · ".join(notes) + "</div>"
    )
    return _BODY_START.sub(lambda m: m.group(0) + banner, output, count=1)
