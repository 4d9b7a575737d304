"""MkDocs hooks of the site (listed under `hooks:` in mkdocs.yml).

They run inside each language's MkDocs build and generate, at build time, everything that is
not a Markdown file of content/: fallback pages, post lists, tag pages, the quiz entry page,
poster pages and files, the RSS feed, QR codes and hashed assets. The work is done by
:mod:`site_builder.generate`; this file only forwards MkDocs events to it.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

_ROOT = str(Path(__file__).resolve().parent.parent)
if _ROOT not in sys.path:  # pragma: no cover - only when MkDocs is run from elsewhere
    sys.path.insert(0, _ROOT)

from site_builder import exhibition, generate  # noqa: E402
from site_builder.publish import pages  # noqa: E402

_state: generate.BuildState | None = None


def on_config(config: Any) -> Any:
    global _state
    _state = generate.BuildState.from_config(config)
    return _state.on_config(config)


def on_files(files: Any, config: Any) -> Any:
    assert _state is not None
    # Withheld posts go first, before the generators build the menu and lists from files.
    files = pages.drop_withheld(files, _state.langs[_state.lang])
    exhibition.on_files(files, config, _state)
    return _state.on_files(files, config)


def on_env(env: Any, config: Any, files: Any) -> Any:
    assert _state is not None
    return _state.on_env(env)


def on_page_markdown(markdown: str, page: Any, config: Any, files: Any) -> str:
    assert _state is not None
    return _state.on_page_markdown(markdown, page)


def on_post_page(output: str, page: Any, config: Any) -> str:
    assert _state is not None
    output = exhibition.on_post_page(_state.on_post_page(output, page, config), page, config)
    return pages.annotate(output, page.file.src_uri, _state.langs[_state.lang])


def on_post_build(config: Any) -> None:
    assert _state is not None
    _state.on_post_build(config)
    exhibition.on_post_build(config)
