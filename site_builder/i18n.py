"""Babel catalogs of the UI strings: compile .po to .mo at build time, check completeness."""

from __future__ import annotations

import contextlib
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

from site_builder import I18N_DIR, LANGS

DOMAIN = "messages"


def po_path(lang: str, i18n_dir: Path = I18N_DIR) -> Path:
    return i18n_dir / "locales" / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def read_catalog(path: Path, locale: str | None = None) -> Catalog:
    with path.open("rb") as fh:
        return read_po(fh, locale=locale)


def compile_catalogs(dest: Path, i18n_dir: Path = I18N_DIR) -> Path:
    """Compile every language's .po into dest/<lang>/LC_MESSAGES/messages.mo."""
    for lang in LANGS:
        catalog = read_catalog(po_path(lang, i18n_dir), lang)
        out = dest / lang / "LC_MESSAGES" / f"{DOMAIN}.mo"
        out.parent.mkdir(parents=True, exist_ok=True)
        with out.open("wb") as fh:
            write_mo(fh, catalog)
    return dest


def load_translations(lang: str, locale_dir: Path | None) -> NullTranslations:
    """Translations of a language from compiled catalogs (or straight from the .po)."""
    if locale_dir is not None and (locale_dir / lang / "LC_MESSAGES" / f"{DOMAIN}.mo").exists():
        return Translations.load(str(locale_dir), [lang], DOMAIN)
    # No compiled catalog (e.g. a plain `mkdocs build`): compile into memory.
    import io

    catalog = read_catalog(po_path(lang), lang)
    buf = io.BytesIO()
    write_mo(buf, catalog)
    buf.seek(0)
    return Translations(fp=buf, domain=DOMAIN)


def check_catalogs(i18n_dir: Path = I18N_DIR) -> list[str]:
    """Problems: a message of messages.pot missing, untranslated or fuzzy in a language."""
    problems: list[str] = []
    template = read_catalog(i18n_dir / f"{DOMAIN}.pot")
    wanted = {m.id for m in template if m.id}
    for lang in LANGS:
        path = po_path(lang, i18n_dir)
        if not path.exists():
            problems.append(f"{path}: missing catalog — run `python -m site_builder i18n update`")
            continue
        catalog = read_catalog(path, lang)
        for msgid in sorted(wanted, key=str):
            message = catalog.get(msgid)
            if message is None:
                problems.append(
                    f"{path}: no entry for {msgid!r} — run `python -m site_builder i18n update` "
                    "and translate it"
                )
                continue
            strings = message.string if isinstance(message.string, tuple) else (message.string,)
            if not all(s for s in strings):
                problems.append(f"{path}:{message.lineno}: {msgid!r} is not translated")
            elif message.fuzzy:
                problems.append(f"{path}:{message.lineno}: {msgid!r} is marked fuzzy")
    return problems


def _pybabel(*args: str) -> None:
    from babel.messages.frontend import CommandLineInterface

    CommandLineInterface().run(["pybabel", "-q", *args])  # type: ignore[no-untyped-call]


def extract(i18n_dir: Path = I18N_DIR) -> Path:
    """Extract the UI strings of site_builder/ (Python and templates) into messages.pot."""
    pot = i18n_dir / f"{DOMAIN}.pot"
    root = i18n_dir.parent
    with contextlib.chdir(root):  # locations relative to the repository
        _pybabel(
            "extract",
            "-F",
            str(i18n_dir / "babel.cfg"),
            "-k",
            "_",
            "--add-location=file",
            "--sort-output",
            "--project=antidrug-platform",
            "-o",
            str(pot),
            ".",
        )
    return pot


def update(i18n_dir: Path = I18N_DIR) -> None:
    """Merge messages.pot into every language's .po (creating missing catalogs)."""
    pot = i18n_dir / f"{DOMAIN}.pot"
    for lang in LANGS:
        po = po_path(lang, i18n_dir)
        action = "update" if po.exists() else "init"
        _pybabel(action, "-i", str(pot), "-d", str(i18n_dir / "locales"), "-l", lang, "-D", DOMAIN)
