"""The suite's root: the fixtures live in tests/plugins/, one module per concern, registered
here once for every test (tests/README.md says where a new test or fixture goes)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests import ROOT

pytest_plugins = [
    "tests.plugins.database",  # backends, engines, migrations, content; Redis
    "tests.plugins.app",  # the app, its TestClient and clock; school and adult
    "tests.plugins.staff",  # staff accounts and their login
    "tests.plugins.reports",  # the reports' hand-made roster, the shipped survey answered
    "tests.plugins.server",  # the platform served as `make run` serves it
    "tests.plugins.wechat",  # a fake of WeChat's servers
    "tests.plugins.browser",  # the one headless Chromium, the quiz page's phone
    "tests.plugins.site",  # the sample site, built and served
    "tests.plugins.dashboard",  # the staff dashboard in the browser, answered by the app
    "tests.plugins.analytics",  # participants who answered, for the question analytics
]


@pytest.fixture(scope="session")
def project_root() -> Path:
    return ROOT
