"""Build the four-language static site (zh, en, ko, ja) from content/ with MkDocs."""

from __future__ import annotations

import os
from pathlib import Path

LANGS: tuple[str, ...] = ("zh", "en", "ko", "ja")
DEFAULT_LANG = "zh"
LANG_NAMES: dict[str, str] = {"zh": "中文", "en": "English", "ko": "한국어", "ja": "日本語"}
# Babel locale of each site language.
LOCALES: dict[str, str] = {"zh": "zh_Hans_CN", "en": "en", "ko": "ko", "ja": "ja"}
# HTML lang attribute of each site language.
HTML_LANG: dict[str, str] = {"zh": "zh-Hans", "en": "en", "ko": "ko", "ja": "ja"}

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
