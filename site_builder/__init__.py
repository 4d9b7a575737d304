"""Build the four-language static site (zh, en, ko, ja) from content/ with MkDocs."""

from __future__ import annotations

import os
from pathlib import Path

from quiz_api.core.config import DEFAULT_SITE_URL as DEFAULT_SITE_URL
from quiz_api.core.config import SITE_URL_ENV, normalise_site_url
from quiz_api.core.languages import (
    DEFAULT_LANG,
    HTML_LANG,
    LANG_NAMES,
    LANGUAGES,
    LOCALES,
    url_prefix,
)

__all__ = ["DEFAULT_LANG", "HTML_LANG", "LANGS", "LANG_NAMES", "LOCALES"]

LANGS: tuple[str, ...] = LANGUAGES

PACKAGE_DIR = Path(__file__).resolve().parent
REPO_ROOT = PACKAGE_DIR.parent
I18N_DIR = REPO_ROOT / "i18n"


prefix = url_prefix  # the site's language prefixes, shared with the API's links


def site_url() -> str:
    """Canonical base URL of the site (env SITE_URL, the API's ``Settings.site_url`` too),
    always ending with '/'."""
    return normalise_site_url(os.environ.get(SITE_URL_ENV))
