"""Campaign files are validated by the quiz's own schema: the site refuses what the quiz
refuses, with the same message."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from quiz_api.content.bank import ContentInvalid
from quiz_api.content.bank import load_campaigns as load_quiz_campaigns
from site_builder.__main__ import app
from site_builder.content import load_campaigns
from site_builder.corpus import write_sample


def test_the_sample_campaign_is_read_from_the_quiz_schema(tmp_path: Path) -> None:
    content = write_sample(tmp_path / "content")
    (campaign,) = load_campaigns(content)
    assert campaign.id == "challenge-2026"
    assert campaign.name.get("ko") == "2026 마약 예방 지식 챌린지"
    assert campaign.starts_at.isoformat() == "2026-06-01T00:00:00+08:00"
    assert [track.value for track in campaign.tracks] == ["adult"]


def test_no_campaign_folder_is_no_campaign(tmp_path: Path) -> None:
    assert load_campaigns(write_sample(tmp_path / "content", campaigns=False)) == []


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("    pass_mark: 60\n", "    pass_mark: 160\n"),  # a rule only the quiz had
        ("ends_at: 2026-06-30T23:59:59+08:00\n", "ends_at: 2026-05-30T23:59:59+08:00\n"),
        ("id: challenge-2026\n", "id: Challenge 2026\n"),
    ],
)
def test_a_campaign_the_quiz_refuses_stops_the_site_build(
    tmp_path: Path, old: str, new: str
) -> None:
    content = write_sample(tmp_path / "content")
    path = content / "campaigns" / "challenge-2026.yaml"
    text = path.read_text("utf-8")
    assert old in text
    path.write_text(text.replace(old, new), "utf-8")
    with pytest.raises(ContentInvalid) as refused:
        load_quiz_campaigns(content / "campaigns")
    quiz_message = str(refused.value)
    assert quiz_message.startswith(f"{path}:")

    result = CliRunner().invoke(
        app, ["build", "--content", str(content), "--out", str(tmp_path / "site")]
    )
    assert result.exit_code == 1
    assert isinstance(result.exception, SystemExit)  # a clean exit, no traceback
    assert result.stderr.splitlines()[0] == quiz_message.splitlines()[0]
    assert not (tmp_path / "site").exists()
