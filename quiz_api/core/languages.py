"""The platform's four languages, defined once for the quiz API, the site builder and the
load tests. Chinese is the default: the site's root, and the fallback of any missing text."""

from __future__ import annotations

from enum import StrEnum


class Lang(StrEnum):
    zh = "zh"
    en = "en"
    ko = "ko"
    ja = "ja"


LANGUAGES: tuple[str, ...] = tuple(lang.value for lang in Lang)
DEFAULT_LANG = Lang.zh.value
# How each language names itself (the language switchers).
LANG_NAMES: dict[str, str] = {"zh": "中文", "en": "English", "ko": "한국어", "ja": "日本語"}
# Babel locale of each language (dates, numbers): simplified Chinese as used in mainland China.
LOCALES: dict[str, str] = {"zh": "zh_Hans_CN", "en": "en", "ko": "ko", "ja": "ja"}
# The HTML ``lang`` attribute of each language.
HTML_LANG: dict[str, str] = {"zh": "zh-Hans", "en": "en", "ko": "ko", "ja": "ja"}


def url_prefix(lang: str) -> str:
    """URL path prefix of a language on the site: '' for Chinese (the root), 'en/', ..."""
    return "" if lang == DEFAULT_LANG else f"{lang}/"
