"""Contest integrity: a result submitted faster than a person reads is held (off every board
and rank) until a reviewer decides; the review's role walls and audit trail; the round's
qualifiers, provisional then frozen at the close."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlmodel import Session
from typer.testing import CliRunner

from quiz_api.api.app import create_app
from quiz_api.api.deps import get_now
from quiz_api.core.config import Settings
from quiz_api.integrations.ranks import RankIndex
from tests.plugins.app import Clock
from tests.plugins.database import CampaignRules, finish_rank_rebuilds, redis_url
from tests.plugins.factories import (
    cheapest_right,
    preliminary_round,
    share_paper,
    sit,
    start,
    student,
    submit,
)
from tests.plugins.staff import StaffFactory

Headers = dict[str, str]
CLOSES = datetime(2026, 6, 20, 16, 0, tzinfo=UTC)  # midnight in Shanghai


@pytest.fixture
def rounds(campaign_rules: CampaignRules) -> None:
    """The test campaign with a preliminary round on its student track."""
    qualify = {"top_per_district": 2, "min_score": 10}
    campaign_rules("student", rounds=[preliminary_round(CLOSES.isoformat(), **qualify)])


def board(client: TestClient, who: Headers) -> list[str]:
    response = client.get("/api/v1/leaderboards/student", headers=who)
    assert response.status_code == 200, response.text
    return [e["nickname"] for e in response.json()["entries"]]


def test_a_fast_result_is_held_until_cleared(
    client: TestClient, db: Session, clock: Clock, school: str, staff: StaffFactory
) -> None:
    slow = student(client, "slow")
    fast = student(client, "fast")
    sit(client, db, clock, slow, right=3, seconds=120)
    # 14 questions at 2 s: under 28 s from the start to the submission is held.
    held = sit(client, db, clock, fast, right=11, seconds=21)
    assert held["held"] is True and held["rank"] is None
    assert held["notice"] == "결과를 확인하고 있습니다. 확인이 끝나면 순위표에 표시됩니다."
    assert held["score"] > 0  # shown as usual otherwise
    assert board(client, slow) == ["slow"]
    me = client.get("/api/v1/leaderboards/student", headers=fast).json()["me"]
    assert me is None
    again = client.get(f"/api/v1/attempts/{held['attempt_id']}/result", headers=fast).json()
    assert again["held"] is True and again["rank"] is None
    assert client.get("/api/v1/stats").json()["finished"] == 2  # still participation

    city = staff("city")

    def completed() -> int:
        report = client.get("/api/v1/reports/schools/S001", headers=city)
        assert report.status_code == 200, report.text
        return report.json()["totals"]["completed"]  # type: ignore[no-any-return]

    assert completed() == 2  # the held result is still taking part
    pending = client.get("/api/v1/reports/reviews", headers=city).json()["reviews"]
    assert [r["attempt_id"] for r in pending] == [held["attempt_id"]]
    assert "14 questions take a reader at least 28 s" in pending[0]["signals"][0]

    url = f"/api/v1/reports/reviews/{held['attempt_id']}"
    assert client.post(url, json={"decision": "clear"}, headers=city).status_code == 422
    assert (
        client.post(url, json={"decision": "clear", "reason": " "}, headers=city).status_code == 422
    )
    decided = client.post(
        url, json={"decision": "clear", "reason": "watched her sit it"}, headers=city
    )
    assert decided.status_code == 200, decided.text
    assert decided.json()["decision"]["decided_by"].startswith("city-")
    again_decided = client.post(url, json={"decision": "disqualify", "reason": "x"}, headers=city)
    assert again_decided.status_code == 409
    assert again_decided.json()["type"].endswith("/already-decided")

    assert board(client, slow) == ["fast", "slow"]
    assert completed() == 2  # once, not twice
    after = client.get(f"/api/v1/attempts/{held['attempt_id']}/result", headers=fast).json()
    assert after["held"] is False and after["rank"] == 1
    assert client.get("/api/v1/reports/reviews", headers=city).json()["reviews"] == []
    trail = client.get(
        "/api/v1/reports/reviews",
        params={"status": "decided", "format": "csv", "lang": "en"},
        headers=city,
    )
    assert trail.status_code == 200
    rows = list(csv.reader(io.StringIO(trail.content.decode("utf-8-sig"))))
    assert rows[1][rows[0].index("reason")] == "watched her sit it"
    assert rows[1][rows[0].index("decision")] == "clear"


def test_role_walls_of_the_review(
    client: TestClient, db: Session, clock: Clock, school: str, staff: StaffFactory
) -> None:
    fast = student(client, "fast")
    held = sit(client, db, clock, fast, right=5, seconds=1)
    url = f"/api/v1/reports/reviews/{held['attempt_id']}"
    body = {"decision": "disqualify", "reason": "answered in one second"}
    own_school = staff("school", school="S001")
    assert len(client.get("/api/v1/reports/reviews", headers=own_school).json()["reviews"]) == 1
    assert client.post(url, json=body, headers=own_school).status_code == 403
    other_school = staff("school", school="S002")
    assert client.get("/api/v1/reports/reviews", headers=other_school).json()["reviews"] == []
    other_district = staff("district", district="徐汇区")
    assert client.get("/api/v1/reports/reviews", headers=other_district).json()["reviews"] == []
    assert client.post(url, json=body, headers=other_district).status_code == 404
    assert (
        client.post(url, json=body, headers=staff("district", district="黄浦区")).status_code == 200
    )
    assert client.get("/api/v1/reports/reviews").status_code == 401
    assert board(client, fast) == []  # disqualified: never on a board


def test_qualifiers_provisional_then_frozen(
    client: TestClient, db: Session, clock: Clock, school: str, staff: StaffFactory, rounds: None
) -> None:
    from quiz_api.db.models import School

    db.add(School(code="S003", name="Third", district="黄浦区", level="junior"))
    db.commit()
    a = student(client, "a")
    b = student(client, "b", school_code="S003")
    c = student(client, "c")
    low = student(client, "low")
    sit(client, db, clock, a, right=8, seconds=100)
    sit(client, db, clock, b, right=8, seconds=90)  # same score, faster: ahead of a
    sit(client, db, clock, c, right=8, seconds=100)  # same score and time, later: after a
    sit(client, db, clock, low, right=1, seconds=100)  # under the minimum score
    fast = student(client, "fast")
    sit(client, db, clock, fast, right=11, seconds=3)  # held: not a qualifier
    city = staff("city")

    def listing(who: Headers, **query: str) -> dict[str, Any]:
        response = client.get("/api/v1/reports/qualifiers", params=query, headers=who)
        assert response.status_code == 200, response.text
        return response.json()  # type: ignore[no-any-return]

    first = listing(city)
    assert first["state"] == "provisional" and first["pending_reviews"] == 1
    assert [(q["nickname"], q["rank"]) for q in first["qualifiers"]] == [("b", 1), ("a", 2)]
    assert set(first["qualifiers"][0]) >= {"school_code", "grade", "class_name", "attempt_id"}
    assert listing(staff("school", school="S003"))["qualifiers"][0]["nickname"] == "b"
    assert listing(staff("district", district="徐汇区"))["qualifiers"] == []
    outside = client.get(
        "/api/v1/reports/qualifiers",
        params={"district": "黄浦区"},
        headers=staff("district", district="徐汇区"),
    )
    assert outside.status_code == 403

    clock.now = CLOSES.replace(minute=5)
    city = staff("city")  # the first token has expired by now
    still = listing(city)
    assert still["state"] == "provisional"  # a held result of the round awaits a decision
    pending = client.get("/api/v1/reports/reviews", headers=city).json()["reviews"]
    decision = {"decision": "disqualify", "reason": "three seconds for eleven questions"}
    client.post(f"/api/v1/reports/reviews/{pending[0]['attempt_id']}", json=decision, headers=city)
    final = listing(city)
    assert final["state"] == "final" and final["frozen_at"] is not None
    # After the close: a new best of c's (the campaign is still open) changes nothing.
    sit(client, db, clock, c, right=11, seconds=200)
    assert listing(city) == final
    notice = client.get(
        "/api/v1/reports/qualifiers", params={"format": "csv", "lang": "en"}, headers=city
    )
    text = notice.content.decode("utf-8-sig")
    assert "Test challenge" in text and "top 2 per district" in text and "final" in text


def test_no_round_is_a_404(client: TestClient, staff: StaffFactory, rounds: None) -> None:
    query = {"round": "final"}
    response = client.get("/api/v1/reports/qualifiers", params=query, headers=staff("city"))
    assert response.status_code == 404
    assert response.json()["type"].endswith("/no-round")


def test_redis_boards_learn_a_held_result_only_when_cleared(
    settings: Settings,
    db: Session,
    clock: Clock,
    school: str,
    staff: StaffFactory,
    request: pytest.FixtureRequest,
) -> None:
    city = staff("city")  # signed with the settings' secret: valid in the app below
    app = create_app(settings.model_copy(update={"redis_url": redis_url()}))
    app.dependency_overrides[get_now] = clock
    with TestClient(app) as client:
        index: RankIndex = client.app_state["resources"].ranks
        request.addfinalizer(index.forget)
        slow, fast = student(client, "slow"), student(client, "fast")
        sit(client, db, clock, slow, right=3, seconds=120)
        finish_rank_rebuilds()
        held = sit(client, db, clock, fast, right=11, seconds=5)
        board_key = index._board("test-campaign", "student", "city", None)
        assert index._redis.zcard(board_key) == 1 and held["rank"] is None
        url = f"/api/v1/reports/reviews/{held['attempt_id']}"
        decided = client.post(url, json={"decision": "clear", "reason": "seen"}, headers=city)
        assert decided.status_code == 200, decided.text
        assert index._redis.zcard(board_key) == 2
        me = client.get("/api/v1/leaderboards/student", headers=fast).json()["me"]
        assert me["rank"] == 1


def test_the_qualifiers_command_writes_the_notice(
    client: TestClient,
    db: Session,
    clock: Clock,
    school: str,
    rounds: None,
    settings: Settings,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import quiz_api.cli.database
    from quiz_api.cli.main import app

    sit(client, db, clock, student(client, "a"), right=8, seconds=100)
    sit(client, db, clock, student(client, "b", school_code="S002", grade=3), right=9, seconds=100)
    monkeypatch.setattr(quiz_api.cli.database, "get_settings", lambda: settings)
    out = tmp_path / "notice.xlsx"
    args = ["qualifiers", "--campaign", "test-campaign", "--track", "student", "--lang", "en"]
    # Run today, the round (June 2026) has closed: the list freezes.
    result = CliRunner().invoke(app, [*args, "--district", "黄浦区", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "1 qualifier(s), final" in result.output
    sheets = load_workbook(out)
    notice = {row[0]: row[1] for row in sheets.worksheets[0].iter_rows(values_only=True)}
    assert notice["campaign"] == "Test challenge [en]" and notice["state"] == "final"
    assert "top 2 per district" in str(notice["rule"])
    rows = list(sheets.worksheets[1].iter_rows(values_only=True))
    assert len(rows) == 2 and rows[1][0] == 1 and "a" in rows[1]
    assert "no campaign" in CliRunner().invoke(app, ["qualifiers", "--campaign", "nope"]).output


def test_answer_identity_ignores_the_shuffled_letters() -> None:
    from quiz_api.services.answer_key import answer_identity

    one = {"items": [{"v": 7, "order": [0, 1, 2, 3]}, {"v": 9, "order": [0, 1]}]}
    other = {"items": [{"v": 9, "order": [0, 1]}, {"v": 7, "order": [2, 0, 3, 1]}]}
    # Option 2 of question 7 is "C" on the first paper and "A" on the second.
    same = answer_identity(one, {"q1": ["C"], "q2": ["A"]})
    assert same == answer_identity(other, {"q1": ["A"], "q2": ["A"]})
    assert same != answer_identity(other, {"q1": ["A"], "q2": ["C"]})
    assert same != answer_identity(one, {"q1": ["A"], "q2": ["A"]})  # the same letters


def test_further_signals_are_explained_to_the_reviewer(
    client: TestClient, db: Session, clock: Clock, school: str, staff: StaffFactory
) -> None:
    from sqlmodel import select

    from quiz_api.db.models import SchoolClass

    enrolment = db.exec(
        select(SchoolClass).where(SchoolClass.school_code == "S001", SchoolClass.grade == 7)
    ).one()
    players = [student(client, f"p{n}") for n in range(3)]
    papers = [start(client, who) for who in players]
    share_paper(db, papers[0]["attempt_id"], [p["attempt_id"] for p in papers[1:]])
    enrolment.enrolled = 2
    db.add(enrolment)
    db.commit()
    clock.advance(seconds=3)
    for who, paper in zip(players, papers, strict=True):
        right = cheapest_right(db, paper, 14)
        assert submit(client, who, paper["attempt_id"], right).json()["held"] is True
    reviews = client.get("/api/v1/reports/reviews", headers=staff("city")).json()["reviews"]
    signals = reviews[0]["signals"]
    assert any(
        "3 participants (this one included) gave exactly the same answers" in s for s in signals
    )
    assert any("has 3 registrations for 2 enrolled students" in s for s in signals)
