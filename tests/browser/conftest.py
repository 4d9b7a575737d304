"""Browser tests of the site's pages. The live server (`make run`: the real content built,
migrated SQLite, `python -m quiz_api serve`) and the phone's browser context are the quiz H5
tests' fixtures; they are moving to tests/plugins/ under the same names."""

from __future__ import annotations

from tests.quiz_h5.conftest import context, live

__all__ = ["context", "live"]
