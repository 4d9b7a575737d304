"""Page weight budgets of the built site (exit non-zero over budget).

- every page's HTML at most 100 KB (uncompressed);
- every page's total transfer at most 300 KB, gzip-compressed: the HTML and what loading it
  fetches — stylesheets, scripts, non-lazy images, the search worker and search index that
  the theme loads on every page;
- the quiz entry, the daily question's page and the poster pages at most 150 KB in total.
"""

from __future__ import annotations

import gzip
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from urllib.parse import urljoin, urlsplit

HTML_LIMIT = 100 * 1024
TOTAL_LIMIT = 300 * 1024
LEAN_LIMIT = 150 * 1024  # quiz entry, daily question and poster pages
LEAN_PATHS = ("/quiz/", "/daily/", "/posters/")
RESOURCE_RE = re.compile(
    r"""<(?:link\b[^>]*\brel=["']?stylesheet["']?[^>]*\bhref|script\b[^>]*\bsrc|img\b(?![^>]*loading=["']?lazy)[^>]*\bsrc)=["']?([^"'\s>]+)""",
    re.I,
)
SEARCH_WORKER_RE = re.compile(r'"search":\s*"([^"]+)"')


@dataclass
class PageResult:
    path: str
    html: int
    total: int
    limit: int
    resources: list[tuple[str, int]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


@lru_cache(maxsize=4096)
def gzip_size(path: Path) -> int:
    return len(gzip.compress(path.read_bytes(), compresslevel=6))


def _lang_root(site: Path, page: Path) -> Path:
    rel = page.relative_to(site).parts
    if rel and rel[0] in ("en", "ko", "ja") and (site / rel[0] / "index.html").exists():
        return site / rel[0]
    return site


def _resolve(site: Path, page: Path, ref: str) -> Path | None:
    parts = urlsplit(ref)
    if parts.scheme or parts.netloc:
        return None
    base = "/" + page.relative_to(site).as_posix()
    target = urlsplit(urljoin(base, parts.path)).path.lstrip("/")
    path = site / target
    if path.is_dir():
        path = path / "index.html"
    return path if path.is_file() else None


def check_page(site: Path, page: Path) -> PageResult:
    rel = page.relative_to(site).as_posix()
    text = page.read_text(encoding="utf-8", errors="replace")
    lean = any(part in f"/{rel}" for part in LEAN_PATHS)
    result = PageResult(
        rel, page.stat().st_size, gzip_size(page), LEAN_LIMIT if lean else TOTAL_LIMIT
    )
    seen: set[Path] = set()
    refs = RESOURCE_RE.findall(text)
    worker = SEARCH_WORKER_RE.search(text)
    if worker:
        refs.append(worker.group(1).replace("\\/", "/"))
        root = _lang_root(site, page)
        index = root / "search" / "search_index.json"
        if index.exists():
            refs.append("/" + index.relative_to(site).as_posix())
    for ref in refs:
        parts = urlsplit(ref)
        if parts.scheme or parts.netloc:
            result.problems.append(f"external resource {ref}")
            continue
        if ref.startswith("/"):
            path: Path | None = site / ref.lstrip("/")
            path = path if path is not None and path.is_file() else None
        else:
            path = _resolve(site, page, ref)
        if path is None or path in seen:
            continue
        seen.add(path)
        size = gzip_size(path)
        result.resources.append((path.relative_to(site).as_posix(), size))
        result.total += size
    if result.html > HTML_LIMIT:
        result.problems.append(f"HTML {result.html / 1024:.1f} KB > {HTML_LIMIT // 1024} KB")
    if result.total > result.limit:
        result.problems.append(
            f"total transfer {result.total / 1024:.1f} KB (gzip) > {result.limit // 1024} KB"
        )
    return result


def check(site: Path) -> list[PageResult]:
    if not (site / "index.html").exists():
        raise SystemExit(f"{site}: no built site here — run `python -m site_builder build` first")
    return [check_page(site, page) for page in sorted(site.rglob("*.html"))]


def format_report(results: list[PageResult], verbose: bool = False) -> str:
    lines = []
    over = [r for r in results if not r.ok]
    for r in over:
        lines.append(f"OVER {r.path}: " + "; ".join(r.problems))
    if verbose:
        for r in sorted(results, key=lambda r: -r.total)[:20]:
            lines.append(f"{r.path}: HTML {r.html / 1024:.1f} KB, total {r.total / 1024:.1f} KB gz")
    if results:
        biggest_html = max(results, key=lambda r: r.html)
        biggest = max(results, key=lambda r: r.total)
        lean = [r for r in results if r.limit == LEAN_LIMIT]
        lines.append(
            f"{len(results)} pages; largest HTML {biggest_html.path} {biggest_html.html / 1024:.1f} KB "
            f"(limit {HTML_LIMIT // 1024}); largest transfer {biggest.path} "
            f"{biggest.total / 1024:.1f} KB gz (limit {TOTAL_LIMIT // 1024})"
            + (
                f"; quiz/daily/poster pages up to {max(r.total for r in lean) / 1024:.1f} KB gz "
                f"(limit {LEAN_LIMIT // 1024})"
                if lean
                else ""
            )
        )
    lines.append("budgets: OK" if not over else f"budgets: {len(over)} page(s) over budget")
    return "\n".join(lines)
