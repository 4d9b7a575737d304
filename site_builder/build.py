"""Build the whole site: validate content, one MkDocs build per language in parallel
processes, then swap the finished tree into place (never a half-built site/)."""

from __future__ import annotations

import logging
import multiprocessing
import os
import pickle
import shutil
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from quiz_api.content.bank import ContentInvalid
from site_builder import DEFAULT_LANG, LANGS, PACKAGE_DIR, REPO_ROOT, prefix, site_url
from site_builder.compress import precompress
from site_builder.content import ContentError, Problem, load_all, load_campaigns
from site_builder.i18n import compile_catalogs

BASE_CONFIG = REPO_ROOT / "mkdocs.yml"


class BuildError(Exception):
    """A language build failed; the message says which and why."""


@dataclass
class BuildReport:
    out: Path
    seconds: float
    per_language: dict[str, float] = field(default_factory=dict)
    posts: dict[str, int] = field(default_factory=dict)


def _display_root(content_root: Path) -> Path:
    try:
        return content_root.relative_to(Path.cwd())
    except ValueError:
        return content_root


def language_config(
    lang: str,
    *,
    content_root: Path,
    work: Path,
    base_url: str,
    locale_dir: Path,
    manifest: Path,
    base_config: Path = BASE_CONFIG,
) -> Path:
    """Write the config of one language: INHERIT the shared base, set what differs."""
    docs_dir = content_root / lang
    if not docs_dir.is_dir():  # a language with no content yet: all pages fall back
        docs_dir = work / f"empty-{lang}"
        docs_dir.mkdir(parents=True, exist_ok=True)
    config = {
        "INHERIT": str(base_config.resolve()),
        "docs_dir": str(docs_dir.resolve()),
        "site_dir": str((work / f"out-{lang}").resolve()),
        "site_url": base_url + prefix(lang),
        "theme": {
            "name": "material",
            "custom_dir": str((PACKAGE_DIR / "overrides").resolve()),
            "language": lang,
        },
        "hooks": [str((PACKAGE_DIR / "hooks.py").resolve())],
        "extra": {
            "generator": False,
            "sb": {
                "lang": lang,
                "content_root": str(content_root.resolve()),
                "locale_dir": str(locale_dir.resolve()),
                "manifest": str(manifest.resolve()),
                "site_url": base_url,
            },
        },
    }
    path = work / f"mkdocs.{lang}.yml"
    path.write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), "utf-8")
    return path


def _build_one(lang: str, config_path: str) -> tuple[str, float, str | None]:
    """Run one MkDocs build (in a worker process); return (lang, seconds, error or None)."""
    start = time.perf_counter()
    logging.basicConfig(
        format=f"[{lang}] %(levelname)s %(message)s", level=logging.WARNING, force=True
    )
    logging.getLogger("mkdocs").setLevel(logging.WARNING)
    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.config import load_config
    from mkdocs.exceptions import MkDocsException

    try:
        config = load_config(config_path)
        config.plugins.on_startup(command="build", dirty=False)
        try:
            mkdocs_build(config, dirty=False)
        finally:
            config.plugins.on_shutdown()
    except MkDocsException as exc:
        return lang, time.perf_counter() - start, str(exc)
    except SystemExit as exc:  # mkdocs aborts with SystemExit in strict mode
        return lang, time.perf_counter() - start, f"aborted ({exc})"
    except Exception as exc:  # report, no traceback: the message must name the cause
        return lang, time.perf_counter() - start, f"{type(exc).__name__}: {exc}"
    return lang, time.perf_counter() - start, None


def build(
    content_root: Path,
    out: Path,
    *,
    base_url: str | None = None,
    jobs: int | None = None,
    langs: tuple[str, ...] = LANGS,
) -> BuildReport:
    """Build content_root into out; raise ContentError or BuildError (out left untouched)."""
    start = time.perf_counter()
    content_root = content_root.resolve()
    out = out.resolve()
    base_url = base_url or site_url()
    if not base_url.endswith("/"):
        base_url += "/"
    content, problems = load_all(content_root, _display_root(content_root))
    if problems:
        raise ContentError(problems)
    try:
        campaigns = load_campaigns(content_root)
    except ContentInvalid as exc:  # the quiz's own messages: file:line: what — fix
        raise BuildError(str(exc)) from None
    out.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{out.name}-build-", dir=out.parent))
    try:
        locale_dir = compile_catalogs(work / "locales")
        manifest = work / "manifest.pkl"
        with manifest.open("wb") as fh:
            pickle.dump((content, campaigns), fh)
        configs = {
            lang: language_config(
                lang,
                content_root=content_root,
                work=work,
                base_url=base_url,
                locale_dir=locale_dir,
                manifest=manifest,
            )
            for lang in langs
        }
        workers = jobs or min(len(langs), os.cpu_count() or 1)
        results: list[tuple[str, float, str | None]] = []
        ctx = multiprocessing.get_context("fork" if sys.platform != "win32" else "spawn")
        with ProcessPoolExecutor(max_workers=workers, mp_context=ctx) as pool:
            futures = [pool.submit(_build_one, lang, str(path)) for lang, path in configs.items()]
            results = [f.result() for f in futures]
        errors = [f"{lang} build failed: {err}" for lang, _s, err in results if err]
        if errors:
            raise BuildError("\n".join(errors))
        site = work / "site"
        os.replace(work / f"out-{DEFAULT_LANG}" if DEFAULT_LANG in langs else work / "x", site)
        for lang in langs:
            if lang != DEFAULT_LANG:
                os.replace(work / f"out-{lang}", site / lang)
        # .gz and .br beside every text file, before the site goes live (docs/production.md).
        precompress(site)
        if out.exists():
            os.replace(out, work / "old")
        os.replace(site, out)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return BuildReport(
        out=out,
        seconds=time.perf_counter() - start,
        per_language={lang: s for lang, s, _e in results},
        posts={lang: len(c.posts) for lang, c in content.items()},
    )


def problems_text(problems: list[Problem]) -> str:
    return "\n".join(str(p) for p in problems)
