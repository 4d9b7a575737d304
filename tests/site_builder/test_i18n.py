"""The Babel catalogs: complete in every language, and in step with the sources."""

from __future__ import annotations

import shutil
from pathlib import Path

from babel.messages.pofile import read_po, write_po

from site_builder import LANGS
from site_builder.i18n import check_catalogs, extract, po_path, read_catalog
from tests import ROOT

I18N = ROOT / "i18n"


def test_every_language_translates_every_string() -> None:
    problems = check_catalogs(I18N)
    assert problems == [], "\n".join(problems)


def test_template_matches_the_strings_in_the_code(tmp_path: Path) -> None:
    copy = tmp_path / "i18n"
    shutil.copytree(I18N, copy)
    # extract() reads the sources relative to the i18n folder's parent
    shutil.copytree(
        ROOT / "site_builder",
        tmp_path / "site_builder",
        ignore=shutil.ignore_patterns("__pycache__"),
    )
    fresh = read_catalog(extract(copy))
    committed = read_catalog(I18N / "messages.pot")
    new = {m.id for m in fresh if m.id} - {m.id for m in committed if m.id}
    gone = {m.id for m in committed if m.id} - {m.id for m in fresh if m.id}
    assert not new and not gone, (
        f"run `python -m site_builder i18n update` and translate: new {new}, unused {gone}"
    )


def test_a_missing_translation_is_reported(tmp_path: Path) -> None:
    copy = tmp_path / "i18n"
    shutil.copytree(I18N, copy)
    path = po_path("ko", copy)
    with path.open("rb") as fh:
        catalog = read_po(fh, locale="ko")
    catalog["News"].string = ""
    with path.open("wb") as fh:
        write_po(fh, catalog)
    problems = check_catalogs(copy)
    assert len(problems) == 1 and "'News' is not translated" in problems[0]
    assert str(path) in problems[0]


def test_catalogs_exist_for_every_language() -> None:
    """One .po per language; .mo files are compiled at build time into a temporary folder."""
    for lang in LANGS:
        assert po_path(lang, I18N).is_file()
