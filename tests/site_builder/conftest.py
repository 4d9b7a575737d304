"""The site builder's tests build the site without the quiz H5 app (see no_quiz_app)."""

import pytest


@pytest.fixture(scope="session", autouse=True)
def _without_quiz_app(no_quiz_app: None) -> None:
    pass
