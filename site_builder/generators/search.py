"""The search index of each language: Chinese segmented with jieba, Korean with word
prefixes (Material's lunr has no Korean stemmer)."""

from __future__ import annotations

import json
import logging
import re
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig

from site_builder import DEFAULT_LANG
from site_builder.generators.base import Generator

HANGUL_WORD = re.compile(r"[\uac00-\ud7af]{2,}")


def korean_keywords(text: str) -> str:
    """Prefixes (2+ syllables) of Korean words, so that '마약' finds '마약은', '마약류'."""
    seen: dict[str, None] = {}
    for word in HANGUL_WORD.findall(text):
        for end in range(2, len(word)):
            seen.setdefault(word[:end], None)
    return " ".join(seen)


class SearchGenerator(Generator):
    def on_config(self, config: MkDocsConfig) -> None:
        if self.ctx.lang != DEFAULT_LANG:
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

    def on_post_build(self, config: MkDocsConfig) -> None:
        if self.ctx.lang == "ko":
            _korean_index(Path(config.site_dir) / "search" / "search_index.json")


def _korean_index(path: Path) -> None:
    """Add a 'kw' field of Korean word prefixes to the search index (see korean_keywords)."""
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
