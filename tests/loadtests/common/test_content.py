"""The load test's generated content (loadtests/common/content.py)."""

from __future__ import annotations

from pathlib import Path

from loadtests.common.content import synthetic_content
from tests import ROOT


def test_the_generated_bank_fills_the_shipped_campaign(tmp_path: Path) -> None:
    from quiz_api.content.bank import load_bank, load_campaigns, stratum_sizes
    from quiz_api.services.schools import load_districts

    content = synthetic_content(ROOT / "content", tmp_path / "content")
    bank = load_bank(content / "quiz")
    assert load_campaigns(content / "campaigns", stratum_sizes(bank.questions))
    assert load_districts(content) == load_districts(ROOT / "content")  # the API reads them
