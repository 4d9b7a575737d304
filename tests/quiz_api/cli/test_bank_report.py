"""``python -m quiz_api bank report``: the flagged questions with the reason, exit 1 with
``--fail-on-flag`` when any is flagged (a scheduled check)."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

from sqlmodel import Session, col, select

from quiz_api.core.config import Settings
from quiz_api.db.models import QuestionStatCell, QuestionStatState, QuestionVersion
from quiz_api.services.analytics import ItemSums
from quiz_api.services.question_report import Cell
from tests.plugins.commands import run

CAMPAIGN = "test-campaign"


def _env(settings: Settings, content_dir: Path) -> dict[str, str]:
    return {"QUIZ_DATABASE_URL": settings.database_url, "QUIZ_CONTENT_DIR": str(content_dir)}


def test_no_results_no_flags(db: Session, settings: Settings, content_dir: Path) -> None:
    result = run(
        "bank", "report", "--campaign", CAMPAIGN, "--fail-on-flag", env=_env(settings, content_dir)
    )
    assert result.returncode == 0, result.stderr
    assert "0 flagged" in result.stdout


def test_a_broken_key_is_flagged(db: Session, settings: Settings, content_dir: Path) -> None:
    version = db.exec(
        select(QuestionVersion).where(col(QuestionVersion.question_id) == "a-law-easy-0")
    ).one()
    # 30 first attempts: 3 chose the key (option B = 1), 27 option C; the rest of the paper
    # is higher for those who got it wrong (a key that is wrong).
    sums = ItemSums()
    for n in range(30):
        right = n < 3
        sums.add_answer(right, 20 if right else 80, (1,) if right else (2,))
    cell = Cell()
    cell.items[version.id] = sums  # type: ignore[index]
    cell.paper.n, cell.paper.scores = 30, Counter({50: 30})
    now = datetime.now(UTC)
    db.add(QuestionStatState(campaign_id=CAMPAIGN, watermark=now, computed_at=now, results=30))
    for first in (True, False):
        db.add(
            QuestionStatCell(
                campaign_id=CAMPAIGN,
                track="adult",
                first_only=first,
                district="",
                lang="en",
                attempts=30,
                data=cell.to_json(),
            )
        )
    db.commit()
    env = _env(settings, content_dir)
    result = run(
        "bank", "report", "--campaign", CAMPAIGN, "--lang", "en", "--fail-on-flag", env=env
    )
    assert result.returncode == 1, result.stderr
    assert "1 flagged" in result.stdout and "a-law-easy-0 v1" in result.stdout
    for reason in ("too hard", "negative discrimination", "a wrong option is chosen more"):
        assert reason in result.stdout
    # Without --fail-on-flag it is a report: exit 0.
    assert run("bank", "report", "--campaign", CAMPAIGN, env=env).returncode == 0
    unknown = run("bank", "report", "--campaign", "nope", env=env)
    assert unknown.returncode == 1 and "no campaign" in unknown.stderr
