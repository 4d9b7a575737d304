"""The hooks and their generators: what the site builder may import from quiz_api, and the
order the hooks call the generators in."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_site_builder_imports_no_api_service_or_database_module() -> None:
    # A fresh interpreter: the other tests of this process import the whole of quiz_api.
    code = (
        "import sys, site_builder.hooks, site_builder.build, site_builder.__main__, "
        "site_builder.exhibition.__main__; "
        "print('\\n'.join(sorted(m for m in sys.modules if m.startswith('quiz_api'))))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    imported = result.stdout.split()
    assert "quiz_api.content.bank" in imported and "quiz_api.rendering.raster" in imported
    forbidden = [m for m in imported if m.split(".")[1:2] in (["api"], ["services"], ["db"])]
    assert forbidden == []


def test_the_navigation_is_made_after_every_page_was_added() -> None:
    from site_builder.generators.base import Generator
    from site_builder.generators.nav import NavGenerator
    from site_builder.hooks import GENERATORS

    adders = [g for g in GENERATORS if g.on_files is not Generator.on_files]
    assert adders[-1] is NavGenerator
    assert len(set(GENERATORS)) == len(GENERATORS)
