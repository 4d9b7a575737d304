"""Reading and validating content/: front matter with line numbers, posts, internal links.

Every problem is reported as ``file:line: what is wrong — how to fix`` so that the publicity
office can correct a post without reading a traceback.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import yaml

from quiz_api.content.bank import CampaignSpec
from quiz_api.content.bank import load_campaigns as load_campaign_files
from quiz_api.content.sources import HOW_TO_CITE, unnamed_place
from site_builder import DEFAULT_LANG, LANGS
from site_builder.schedule import Schedule

POST_NAME = re.compile(r"^(\d{4}-\d{2}-\d{2})-([a-z0-9]+(?:-[a-z0-9]+)*)\.md$")
DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
PUBLISH_AT_RE = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2})?$")
TAG_MAX = 32
TAG_BAD = re.compile(r"[/\\#?,;<>\"'`\[\]{}|]")
LINK_RE = re.compile(r"!?\[[^\]\n]*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
HTML_SRC_RE = re.compile(r"""<(?:img|a)\b[^>]*?\b(?:src|href)\s*=\s*["']([^"']+)["']""")
CJK_RE = re.compile(
    r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af\u1100-\u11ff\u3130-\u318f]"
)
WORD_RE = re.compile(r"[A-Za-z0-9\u00c0-\u024f]+(?:['’-][A-Za-z0-9\u00c0-\u024f]+)*")
HEADING_RE = re.compile(r"^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$")
# Where a page lists its sources: a heading, or a line that starts with the label.
SOURCES_HEADINGS = frozenset(
    ("资料来源", "来源", "参考资料", "sources", "source", "references", "출처", "参考資料", "出典")
)
SOURCE_LINE_RE = re.compile(r"^\s*(?:[-*]\s+)?(?:资料来源|来源|sources?|출처|出典)\s*[:：]", re.I)
# Pages every language build generates itself (links to them are always valid).
GENERATED_DIRS = ("posts/", "tags/", "quiz/", "posters/", "feed.xml", "search/")


@dataclass
class Problem:
    path: Path
    line: int
    what: str
    fix: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.what} — {self.fix}"


class ContentError(Exception):
    """One or more content files are malformed."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


@dataclass
class FrontMatter:
    data: dict[str, Any]
    lines: dict[str, int]  # key -> 1-based line of its value
    body: str
    body_line: int  # 1-based line where the body starts
    end_line: int  # 1-based line of the closing ---


@dataclass
class Post:
    lang: str
    src_uri: str  # posts/2026-06-26-slug.md
    title: str
    date: dt.date
    summary: str
    tags: list[str] = field(default_factory=list)
    cover: str | None = None
    body: str = ""
    draft: bool = False
    publish_at: dt.datetime | None = None  # local time; None: the start of `date`

    @property
    def due_at(self) -> dt.datetime:
        """When the post may go live (site's local time)."""
        return self.publish_at or dt.datetime.combine(self.date, dt.time())

    @property
    def slug(self) -> str:
        return self.src_uri.rsplit("/", 1)[-1][:-3]

    @property
    def url(self) -> str:
        return src_uri_to_url(self.src_uri)


def src_uri_to_url(src_uri: str) -> str:
    """URL (relative to the language root) of a Markdown file with directory URLs."""
    stem = src_uri[:-3] if src_uri.endswith(".md") else src_uri
    if stem == "index" or stem == "README":
        return ""
    if stem.endswith("/index") or stem.endswith("/README"):
        return stem.rsplit("/", 1)[0] + "/"
    return stem + "/"


def tag_slug(tag: str) -> str:
    """URL-safe slug of a tag; keeps letters of every script (Chinese tags stay readable)."""
    value = unicodedata.normalize("NFKC", tag).strip().lower()
    value = re.sub(r"[^\w\s-]", "", value)
    value = re.sub(r"[\s_-]+", "-", value).strip("-")
    return value or "tag"


def reading_minutes(text: str) -> int:
    """Minutes to read: CJK characters at 400 a minute, other words at 220 a minute."""
    body = re.sub(r"```.*?```", " ", text, flags=re.S)
    body = re.sub(r"<[^>]+>|\]\([^)]*\)", " ", body)
    cjk = len(CJK_RE.findall(body))
    words = len(WORD_RE.findall(CJK_RE.sub(" ", body)))
    return max(1, round(cjk / 400 + words / 220))


def read_front_matter(path: Path, display: Path | None = None) -> FrontMatter:
    """Split a Markdown file into front matter (with the line of each key) and body."""
    shown = display or path
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise ContentError(
            [Problem(shown, 1, f"not UTF-8 text ({exc.reason})", "save the file as UTF-8")]
        ) from None
    text = text.lstrip("\ufeff")
    lines = text.split("\n")
    if not lines or lines[0].rstrip() != "---":
        return FrontMatter({}, {}, text, 1, 0)
    end = next((i for i in range(1, len(lines)) if lines[i].rstrip() in ("---", "...")), None)
    if end is None:
        raise ContentError(
            [Problem(shown, 1, "front matter is not closed", "add a line '---' after it")]
        )
    raw = "\n".join(lines[1:end])
    try:
        node = yaml.compose(raw, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = (mark.line + 2) if mark is not None else 2
        problem = getattr(exc, "problem", None) or str(exc)
        raise ContentError(
            [
                Problem(
                    shown,
                    line,
                    f"front matter is not valid YAML ({problem})",
                    "write one 'key: value' per line; quote values containing ':' or '#'",
                )
            ]
        ) from None
    data: dict[str, Any] = {}
    key_lines: dict[str, int] = {}
    if node is not None:
        if not isinstance(node, yaml.MappingNode):
            raise ContentError(
                [Problem(shown, 2, "front matter is not a mapping", "write 'key: value' lines")]
            )
        for key_node, value_node in node.value:
            key = str(key_node.value)
            key_lines[key] = value_node.start_mark.line + 2
            data[key] = _plain(value_node)
    body = "\n".join(lines[end + 1 :])
    return FrontMatter(data, key_lines, body, end + 2, end + 1)


def _plain(node: yaml.Node) -> Any:
    """YAML node to Python, keeping scalars as the strings written (dates stay text)."""
    if isinstance(node, yaml.ScalarNode):
        if node.tag.endswith(":null"):
            return None
        if node.tag.endswith(":bool"):
            return node.value.lower() in ("true", "yes", "on")
        if node.tag.endswith(":int") or node.tag.endswith(":float"):
            return node.value
        return node.value
    if isinstance(node, yaml.SequenceNode):
        return [_plain(n) for n in node.value]
    if isinstance(node, yaml.MappingNode):
        return {str(k.value): _plain(v) for k, v in node.value}
    return None  # pragma: no cover


def _link_targets(body: str) -> Iterable[tuple[int, str]]:
    in_code = False
    for offset, line in enumerate(body.split("\n")):
        if line.lstrip().startswith("```") or line.lstrip().startswith("~~~"):
            in_code = not in_code
            continue
        if in_code:
            continue
        stripped = re.sub(r"`[^`]*`", "", line)
        for match in LINK_RE.finditer(stripped):
            yield offset, match.group(1)
        for match in HTML_SRC_RE.finditer(stripped):
            yield offset, match.group(1)


def check_links(
    fm: FrontMatter, src_uri: str, known: set[str], shown: Path, problems: list[Problem]
) -> None:
    """Relative links must point to a file of this language (or the Chinese fallback)."""
    for offset, target in _link_targets(fm.body):
        parts = urlsplit(target)
        if parts.scheme or parts.netloc or target.startswith(("#", "mailto:", "tel:")):
            continue
        path = unquote(parts.path)
        if not path:
            continue
        if path.startswith("/"):
            rel = path.lstrip("/")
            for lang in LANGS:
                if lang != DEFAULT_LANG and (rel == lang or rel.startswith(lang + "/")):
                    rel = rel[len(lang) + 1 :]
            candidates = _candidates(rel)
        else:
            base = src_uri.rsplit("/", 1)[0] if "/" in src_uri else ""
            joined = _normalise(f"{base}/{path}" if base else path)
            if joined is None:
                problems.append(
                    Problem(
                        shown,
                        fm.body_line + offset,
                        f"link '{target}' points outside the content folder",
                        "link to a page of this site, e.g. ../knowledge/drugs.md",
                    )
                )
                continue
            candidates = _candidates(joined)
        if any(c in known for c in candidates) or any(_generated(c) for c in candidates):
            continue
        problems.append(
            Problem(
                shown,
                fm.body_line + offset,
                f"broken internal link '{target}': no such page or file",
                "fix the path (relative to this file, e.g. ../knowledge/drugs.md) "
                "or remove the link",
            )
        )


def check_sources(fm: FrontMatter, shown: Path, problems: list[Problem]) -> None:
    """A page cites only what the public can look up: no "江苏某市" or "a Jiangsu city's"
    outline (the question bank's own rule, :mod:`quiz_api.content.sources`).

    A page cites in three places, and these are read: the lines of its sources section
    (``## 资料来源``, ``## Sources``, ``## 출처``, ``## 出典``), a line that starts with
    ``来源：``, ``Source:``, ``출처:`` or ``出典：``, and any parenthesis, in the text or in
    the title, summary and description. Prose elsewhere is not read: "One district's pilot"
    above a paragraph naming the district is not a citation."""
    for key in ("title", "summary", "description"):
        value = fm.data.get(key)
        if isinstance(value, str):
            for part in _parenthesised(value):
                _unnamed_place(part, fm.lines[key], shown, problems)
    in_code = False
    in_sources = False
    for offset, line in enumerate(fm.body.split("\n")):
        if line.lstrip().startswith(("```", "~~~")):
            in_code = not in_code
            continue
        if in_code:
            continue
        text = re.sub(r"`[^`]*`", "", line)
        heading = HEADING_RE.match(text)
        if heading is not None:
            in_sources = heading.group(1).strip().lower() in SOURCES_HEADINGS
            continue
        cited = [text] if in_sources or SOURCE_LINE_RE.match(text) else _parenthesised(text)
        for part in cited:
            _unnamed_place(part, fm.body_line + offset, shown, problems)


def _parenthesised(text: str) -> list[str]:
    """The outermost parentheses of ``text`` (ASCII or full-width; one left open runs to the
    end of the text)."""
    spans: list[str] = []
    depth = 0
    start = 0
    for index, char in enumerate(text):
        if char in "(（":
            if depth == 0:
                start = index + 1
            depth += 1
        elif char in ")）" and depth > 0:
            depth -= 1
            if depth == 0:
                spans.append(text[start:index])
    if depth > 0:
        spans.append(text[start:])
    return spans


def _unnamed_place(text: str, line: int, shown: Path, problems: list[Problem]) -> None:
    vague = unnamed_place(text)
    if vague is not None:
        problems.append(
            Problem(
                shown,
                line,
                f"the source '{vague}' names no place, so nobody can look it up",
                f"{HOW_TO_CITE}; leave out what only such a document says",
            )
        )


def _generated(rel: str) -> bool:
    """A path the build generates in every language (post list pages, tags, quiz, ...)."""
    if rel in ("", "404.html", "feed.xml", "posts/", "posts/index.md"):
        return True
    if rel.startswith("posts/"):
        return rel.startswith("posts/page/")
    return rel.startswith(GENERATED_DIRS)


def _normalise(path: str) -> str | None:
    out: list[str] = []
    for part in path.split("/"):
        if part in ("", "."):
            continue
        if part == "..":
            if not out:
                return None
            out.pop()
        else:
            out.append(part)
    result = "/".join(out)
    return result + "/" if path.endswith("/") and result else result


def _candidates(rel: str) -> list[str]:
    rel = rel.strip()
    if rel.endswith("/") or rel == "":
        base = rel.rstrip("/")
        prefix = base + "/" if base else ""
        return [rel, f"{prefix}index.md", f"{base}.md" if base else "index.md"]
    if rel.endswith(".md") or "." in rel.rsplit("/", 1)[-1]:
        return [rel]
    return [rel, rel + ".md", rel + "/index.md", rel + "/"]


def list_files(lang_dir: Path) -> list[str]:
    """Relative POSIX paths of the files of one language folder (hidden files skipped)."""
    if not lang_dir.is_dir():
        return []
    out = []
    for path in sorted(lang_dir.rglob("*")):
        rel = path.relative_to(lang_dir).as_posix()
        if path.is_file() and not any(p.startswith(".") for p in rel.split("/")):
            out.append(rel)
    return out


def parse_post(
    lang: str, lang_dir: Path, src_uri: str, known: set[str], shown: Path
) -> tuple[Post | None, list[Problem]]:
    problems: list[Problem] = []
    name = src_uri.rsplit("/", 1)[-1]
    if not POST_NAME.match(name):
        problems.append(
            Problem(
                shown,
                1,
                f"post file name '{name}' is not YYYY-MM-DD-slug.md",
                "rename it like 2026-06-26-international-day.md "
                "(lower-case letters, digits and hyphens)",
            )
        )
    try:
        fm = read_front_matter(lang_dir / src_uri, shown)
    except ContentError as exc:
        return None, problems + exc.problems
    data, lines = fm.data, fm.lines
    if fm.end_line == 0:
        problems.append(
            Problem(
                shown,
                1,
                "the post has no front matter",
                "start the file with '---', then title:, date:, summary:, then '---'",
            )
        )
        return None, problems
    where = fm.end_line

    def required_text(field: str, fix: str) -> Any:
        value = data.get(field)
        if not isinstance(value, str) or not value.strip():
            problem = f"missing {field}" if field not in data else f"{field} is empty or not text"
            problems.append(Problem(shown, lines.get(field, where), problem, fix))
        return value

    title = required_text("title", "add a line 'title: <the post title>' to the front matter")
    date_value = data.get("date")
    post_date: dt.date | None = None
    if date_value is None or date_value == "":
        problems.append(
            Problem(
                shown,
                lines.get("date", where),
                "missing date",
                "add a line 'date: YYYY-MM-DD' (e.g. date: 2026-06-26) to the front matter",
            )
        )
    elif not isinstance(date_value, str) or not DATE_RE.match(date_value.strip()):
        problems.append(
            Problem(
                shown,
                lines["date"],
                f"date '{date_value}' is not in the form YYYY-MM-DD",
                "write the date as YYYY-MM-DD, e.g. date: 2026-06-26",
            )
        )
    else:
        try:
            post_date = dt.date.fromisoformat(date_value.strip())
        except ValueError:
            problems.append(
                Problem(
                    shown,
                    lines["date"],
                    f"date '{date_value}' does not exist in the calendar",
                    "check the month (01-12) and the day of that month, e.g. date: 2026-06-26",
                )
            )
    summary = required_text(
        "summary", "add a line 'summary: <one or two sentences>' to the front matter"
    )
    tags_value = data.get("tags")
    tags: list[str] = []
    if tags_value is not None:
        tag_line = lines.get("tags", where)
        if not isinstance(tags_value, list):
            problems.append(
                Problem(
                    shown,
                    tag_line,
                    "tags must be a list",
                    "write them as a list, e.g. tags: [禁毒, 校园] or one '- tag' per line",
                )
            )
        else:
            for tag in tags_value:
                if not isinstance(tag, str) or not tag.strip():
                    problems.append(
                        Problem(
                            shown,
                            tag_line,
                            f"tag {tag!r} is not a short text",
                            "each tag is a word or two, e.g. tags: [禁毒, 校园]",
                        )
                    )
                elif len(tag) > TAG_MAX or TAG_BAD.search(tag):
                    problems.append(
                        Problem(
                            shown,
                            tag_line,
                            f"tag '{tag}' is too long or contains / \\ # ? , ; < > quotes "
                            "or brackets",
                            f"use a short tag of at most {TAG_MAX} characters without those "
                            "signs, e.g. tags: [禁毒, 校园]",
                        )
                    )
                else:
                    tags.append(tag.strip())
    cover = data.get("cover")
    if cover is not None:
        if not isinstance(cover, str) or not cover.strip():
            problems.append(
                Problem(
                    shown,
                    lines.get("cover", where),
                    "cover is not a file path",
                    "write cover: images/name.jpg (a path relative to this post) or remove it",
                )
            )
        elif not urlsplit(cover).scheme:
            base = src_uri.rsplit("/", 1)[0]
            rel = _normalise(f"{base}/{cover}")
            if rel is None or rel not in known:
                problems.append(
                    Problem(
                        shown,
                        lines["cover"],
                        f"cover image '{cover}' does not exist",
                        "put the image in the content folder and give its path relative to "
                        "this post, or remove the cover line",
                    )
                )
        else:
            problems.append(
                Problem(
                    shown,
                    lines["cover"],
                    f"cover '{cover}' is an external address",
                    "copy the image into content/ (external images are blocked in WeChat)",
                )
            )
    draft, publish_at = _schedule_fields(data, lines, shown, problems)
    check_links(fm, src_uri, known, shown, problems)
    check_sources(fm, shown, problems)
    if problems or post_date is None:
        return None, problems
    assert isinstance(title, str) and isinstance(summary, str)
    return (
        Post(
            lang=lang,
            src_uri=src_uri,
            title=title.strip(),
            date=post_date,
            summary=summary.strip(),
            tags=tags,
            cover=cover if isinstance(cover, str) else None,
            body=fm.body,
            draft=draft,
            publish_at=publish_at,
        ),
        problems,
    )


def _schedule_fields(
    data: dict[str, Any], lines: dict[str, int], shown: Path, problems: list[Problem]
) -> tuple[bool, dt.datetime | None]:
    """`draft: true` and `publish_at: YYYY-MM-DDTHH:MM` (both optional)."""
    draft = data.get("draft", False)
    if draft is None:
        draft = False
    if not isinstance(draft, bool):
        problems.append(
            Problem(
                shown,
                lines["draft"],
                f"draft {draft!r} is not true or false",
                "write draft: true (never published) or remove the line",
            )
        )
        draft = False
    value = data.get("publish_at")
    if value is None or value == "":
        return draft, None
    text = value.strip() if isinstance(value, str) else ""
    if PUBLISH_AT_RE.match(text):
        try:
            return draft, dt.datetime.fromisoformat(text.replace(" ", "T"))
        except ValueError:
            pass
    problems.append(
        Problem(
            shown,
            lines["publish_at"],
            f"publish_at {value!r} is not a date and time YYYY-MM-DDTHH:MM",
            "write the local time it goes live, e.g. publish_at: 2026-06-26T09:00, "
            "or remove the line",
        )
    )
    return draft, None


@dataclass
class LangContent:
    lang: str
    files: list[str]  # files of this language folder
    fallback: list[str]  # Chinese files this language borrows (pages only, not posts)
    posts: list[Post]  # newest first
    order: dict[str, int] = field(default_factory=dict)  # page -> front matter `order`
    # Drafts and posts not yet due, left out of this build (their files are not built).
    withheld: list[Post] = field(default_factory=list)

    @property
    def known(self) -> set[str]:
        """Files this language's site has (a withheld post's page is not built)."""
        withheld = {post.src_uri for post in self.withheld}
        return (set(self.files) | set(self.fallback)) - withheld

    def tags(self) -> dict[str, list[Post]]:
        out: dict[str, list[Post]] = {}
        for post in self.posts:
            for tag in post.tags:
                out.setdefault(tag, []).append(post)
        return dict(sorted(out.items(), key=lambda kv: (-len(kv[1]), kv[0])))


def is_post(src_uri: str) -> bool:
    return src_uri.startswith("posts/") and src_uri.endswith(".md")


def load_language(
    content_root: Path,
    lang: str,
    display_root: Path | None = None,
    schedule: Schedule | None = None,
) -> tuple[LangContent, list[Problem]]:
    """Scan and validate one language folder (posts fully, pages for links); keep the
    posts the schedule shows (default: the environment's, see :mod:`site_builder.schedule`)."""
    schedule = schedule or Schedule.from_env()
    lang_dir = content_root / lang
    shown_root = display_root if display_root is not None else content_root
    files = list_files(lang_dir)
    own = set(files)
    fallback: list[str] = []
    if lang != DEFAULT_LANG:
        fallback = [
            f for f in list_files(content_root / DEFAULT_LANG) if f not in own and not is_post(f)
        ]
    known = own | set(fallback)
    problems: list[Problem] = []
    posts: list[Post] = []
    order: dict[str, int] = {}
    for src_uri in files:
        if not src_uri.endswith(".md"):
            continue
        shown = shown_root / lang / src_uri
        if is_post(src_uri):
            post, found = parse_post(lang, lang_dir, src_uri, known, shown)
            problems.extend(found)
            if post is not None:
                posts.append(post)
        else:
            try:
                fm = read_front_matter(lang_dir / src_uri, shown)
            except ContentError as exc:
                problems.extend(exc.problems)
                continue
            check_links(fm, src_uri, known, shown, problems)
            check_sources(fm, shown, problems)
            if "order" in fm.data:
                value = fm.data["order"]
                if isinstance(value, str) and re.fullmatch(r"-?\d{1,4}", value.strip()):
                    order[src_uri] = int(value)
                else:
                    problems.append(
                        Problem(
                            shown,
                            fm.lines["order"],
                            f"order {value!r} is not a whole number",
                            "write e.g. order: 1 (pages with smaller numbers come first in "
                            "the menu) or remove it",
                        )
                    )
    posts.sort(key=lambda p: (p.date, p.src_uri), reverse=True)
    shown_posts: list[Post] = []
    withheld: list[Post] = []
    for post in posts:
        visible = schedule.shows(draft=post.draft, due_at=post.due_at)
        (shown_posts if visible else withheld).append(post)
    return LangContent(lang, files, fallback, shown_posts, order, withheld), problems


def load_all(
    content_root: Path, display_root: Path | None = None, schedule: Schedule | None = None
) -> tuple[dict[str, LangContent], list[Problem]]:
    schedule = schedule or Schedule.from_env()
    result: dict[str, LangContent] = {}
    problems: list[Problem] = []
    for lang in LANGS:
        content, found = load_language(content_root, lang, display_root, schedule)
        result[lang] = content
        problems.extend(found)
    return result, problems


def load_campaigns(content_root: Path) -> list[CampaignSpec]:
    """The campaigns of content/campaigns/ (none is fine), validated by the quiz's own schema:
    a file the quiz would refuse stops the site build with the quiz's message.

    Raises quiz_api.content.bank.ContentInvalid."""
    folder = content_root / "campaigns"
    return load_campaign_files(folder) if folder.is_dir() else []
