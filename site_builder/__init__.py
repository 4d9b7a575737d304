"""Build the four-language static site (zh, en, ko, ja) from content/ with MkDocs."""

from __future__ import annotations

import os
from pathlib import Path

from quiz_api.core.languages import DEFAULT_LANG, HTML_LANG, LANG_NAMES, LANGUAGES, LOCALES

__all__ = ["DEFAULT_LANG", "HTML_LANG", "LANGS", "LANG_NAMES", "LOCALES"]

LANGS: tuple[str, ...] = LANGUAGES

PACKAGE_DIR = Path(__file__).resolve().parent
REPO_ROOT = PACKAGE_DIR.parent
I18N_DIR = REPO_ROOT / "i18n"
DEFAULT_SITE_URL = "http://127.0.0.1:8000/"


def prefix(lang: str) -> str:
    """URL path prefix of a language: '' for Chinese (site root), 'en/' for English, ..."""
    return "" if lang == DEFAULT_LANG else f"{lang}/"


def site_url() -> str:
    """Canonical base URL of the site (env SITE_URL), always ending with '/'."""
    url = os.environ.get("SITE_URL", "").strip() or DEFAULT_SITE_URL
    return url if url.endswith("/") else url + "/"
