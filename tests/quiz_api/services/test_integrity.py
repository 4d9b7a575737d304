"""The integrity sweep: each further signal holds results by itself, after the fact (off every
board, rank and qualifier list, "being checked" for their owner), a school's NAT rush does
not trip the address signal, the sweep is idempotent and never holds a decided result
again, and the join keeps a keyed digest of the address, never the address."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlmodel import Session, select
from typer.testing import CliRunner

from quiz_api.api.app import create_app
from quiz_api.api.deps import get_now
from quiz_api.core.config import Settings
from quiz_api.core.tokens import address_digest
from quiz_api.core.tracks import Track
from quiz_api.db.models import Attempt, BestScore, Campaign, IntegritySweep, Participant, Result
from quiz_api.integrations.ranks import RankIndex
from quiz_api.services.caches import ContentCaches
from quiz_api.services.integrity import (
    CLASS_OVER_ENROLMENT,
    MANY_JOINS,
    SAME_ANSWERS,
    IntegritySweeper,
    SweepReport,
    sweep,
)
from quiz_api.services.reviews import _same_answers_signal
from tests.plugins import factories
from tests.plugins.app import Clock
from tests.plugins.database import SECRET, CampaignRules, finish_rank_rebuilds, redis_url
from tests.plugins.factories import (
    STUDENT,
    cheapest_right,
    join,
    preliminary_round,
    share_paper,
    start,
    student,
    submit,
)
from tests.plugins.staff import StaffFactory

Headers = dict[str, str]
CLOSES = datetime(2026, 6, 20, 16, 0, tzinfo=UTC)


def run_sweep(db: Session, clock: Clock, ranks: RankIndex | None = None) -> SweepReport:
    """A sweep a minute after the test's clock (the sweep leaves the last seconds alone)."""
    return sweep(db, ContentCaches(), clock.now + timedelta(minutes=1), ranks)


def sit(
    client: TestClient,
    db: Session,
    clock: Clock,
    who: Headers,
    right: int,
    seconds: float = 120,
    paper_of: int | None = None,
) -> dict[str, Any]:
    """One attempt, slow enough for the time rule; ``paper_of``: with the questions of that
    attempt (as a shared key answers them), answered the same way."""
    body = factories.sit(client, db, clock, who, right, seconds, copy_of=paper_of)
    assert body["held"] is False  # nothing held it at submission
    return body


def shared_key(
    client: TestClient, db: Session, clock: Clock, leak: list[Headers]
) -> dict[str, Any]:
    """The first of ``leak`` sits (12 right), the others hand in a copy of its paper and its
    answers (a shared key); returns the first one's result."""
    first = sit(client, db, clock, leak[0], right=12)
    for who in leak[1:]:
        sit(client, db, clock, who, 0, paper_of=first["attempt_id"])
    return first


def board(client: TestClient, who: Headers) -> list[tuple[str, int]]:
    response = client.get("/api/v1/leaderboards/student", headers=who)
    assert response.status_code == 200, response.text
    return [(e["nickname"], e["score"]) for e in response.json()["entries"]]


def result_of(client: TestClient, who: Headers, attempt_id: int) -> dict[str, Any]:
    response = client.get(f"/api/v1/attempts/{attempt_id}/result", headers=who)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def test_the_same_answers_by_three_participants_are_held_after_the_fact(
    client: TestClient, db: Session, clock: Clock, school: str, staff: StaffFactory
) -> None:
    leak = [student(client, f"k{n}") for n in range(3)]
    honest = student(client, "honest")
    earlier = sit(client, db, clock, leak[1], right=2)  # k1's own honest try first
    first = sit(client, db, clock, leak[0], right=12)
    copies = [sit(client, db, clock, who, 0, paper_of=first["attempt_id"]) for who in leak[1:]]
    fair = sit(client, db, clock, honest, right=9)
    assert [n for n, _ in board(client, honest)] == ["k0", "k1", "k2", "honest"]

    report = run_sweep(db, clock)
    held = {first["attempt_id"], *(c["attempt_id"] for c in copies)}
    assert set(report.held) == held
    assert all(report.signals[a] == [SAME_ANSWERS] for a in held)
    # Off the boards; k1 keeps the best of the results not held (their honest try).
    assert board(client, honest) == [("honest", fair["score"]), ("k1", earlier["score"])]
    mine = result_of(client, leak[0], first["attempt_id"])
    assert mine["held"] is True and mine["rank"] is None
    assert mine["notice"] == "결과를 확인하고 있습니다. 확인이 끝나면 순위표에 표시됩니다."
    assert client.get("/api/v1/leaderboards/student", headers=leak[2]).json()["me"] is None
    pending = client.get("/api/v1/reports/reviews", headers=staff("city")).json()["reviews"]
    assert {r["attempt_id"] for r in pending} == held
    assert any("3 participants (this one included)" in s for s in pending[0]["signals"])
    assert {"code": "same-answers", "values": {"participants": 3, "minutes": 10}}.items() <= (
        pending[0]["checks"][0].items()
    )


def test_the_sweep_is_idempotent_and_never_holds_a_decided_result_again(
    client: TestClient, db: Session, clock: Clock, school: str, staff: StaffFactory
) -> None:
    leak = [student(client, f"k{n}") for n in range(3)]
    first = shared_key(client, db, clock, leak)
    assert len(run_sweep(db, clock).held) == 3
    again = run_sweep(db, clock)
    assert again.held == [] and again.swept["test-campaign"] == clock.now + timedelta(seconds=50)
    city = staff("city")
    url = f"/api/v1/reports/reviews/{first['attempt_id']}"
    cleared = client.post(
        url, json={"decision": "clear", "reason": "sat it in class"}, headers=city
    )
    assert cleared.status_code == 200, cleared.text
    # From the start again (the watermark forgotten): the cleared result stays cleared.
    db.connection().execute(text("DELETE FROM integrity_sweep"))
    db.commit()
    assert run_sweep(db, clock).held == []
    assert [n for n, _ in board(client, leak[0])] == ["k0"]
    swept = db.get(IntegritySweep, "test-campaign")
    assert swept is not None and swept.watermark == clock.now + timedelta(seconds=50)


def test_a_class_over_its_enrolment_holds_the_registrations_beyond_it(
    client: TestClient, db: Session, clock: Clock, school: str, staff: StaffFactory
) -> None:
    from quiz_api.db.models import SchoolClass

    room = db.exec(select(SchoolClass).where(SchoolClass.class_name == "1班")).one()
    room.enrolled = 2
    db.add(room)
    db.commit()
    first, second, third = (student(client, n) for n in ("first", "second", "third"))
    results = [sit(client, db, clock, who, right=5 + n) for n, who in enumerate((first, second))]
    late = sit(client, db, clock, third, right=12)
    report = run_sweep(db, clock)
    assert report.held == [late["attempt_id"]]
    assert report.signals[late["attempt_id"]] == [CLASS_OVER_ENROLMENT]
    assert [n for n, _ in board(client, first)] == ["second", "first"]
    signals = client.get("/api/v1/reports/reviews", headers=staff("city")).json()["reviews"][0][
        "signals"
    ]
    assert any("has 3 registrations for 2 enrolled students" in s for s in signals)
    assert any("was number 3 to join" in s for s in signals)
    assert any("in the order of joining: 1. first, 2. second, 3. third" in s for s in signals)
    # A fourth registration, sitting after this sweep: the next one holds it too.
    clock.advance(minutes=5)
    fourth = sit(client, db, clock, student(client, "fourth"), right=1)
    assert run_sweep(db, clock).held == [fourth["attempt_id"]]
    assert all(
        not result_of(client, w, r["attempt_id"])["held"]
        for w, r in zip((first, second), results, strict=True)
    )


def _joined_from(
    settings: Settings, clock: Clock, peer: str, count: int, body: dict[str, Any]
) -> list[tuple[TestClient, Headers]]:
    """``count`` participants joining through one client address within a minute."""
    app = create_app(settings)
    app.dependency_overrides[get_now] = clock
    client = TestClient(app, client=(peer, 40000))
    client.__enter__()
    joined = []
    for n in range(count):
        joined.append((client, join(client, **{**body, "nickname": f"{peer[-3:]}-{n}"})))
        clock.advance(seconds=1)
    return joined


@pytest.fixture
def clients() -> Iterator[list[TestClient]]:
    made: list[TestClient] = []
    yield made
    for client in made:
        client.__exit__(None, None, None)


@pytest.fixture
def adults_limit(campaign_rules: CampaignRules) -> None:
    """The test campaign's adults: at most 30 from one address in 10 minutes."""
    campaign_rules("adult", integrity={"address_max_adults": 30})


def test_many_adults_from_one_address_are_held_but_a_school_rush_is_not(
    settings: Settings,
    db: Session,
    clock: Clock,
    school: str,
    clients: list[TestClient],
    adults_limit: None,
) -> None:
    from quiz_api.db.models import SchoolClass

    db.add(SchoolClass(school_code="S001", grade=7, class_name="3班", enrolled=40))
    db.commit()
    # A school behind one NAT: two classes join in the same minute, 35 students.
    rush = _joined_from(settings, clock, "198.51.100.20", 18, STUDENT)
    rush += _joined_from(settings, clock, "198.51.100.20", 17, {**STUDENT, "class_name": "3班"})
    # One address making 31 adults within a minute: more than the campaign's 30 (the
    # students keep the default: more than 6000).
    farm = _joined_from(settings, clock, "203.0.113.77", 31, {"track": "adult", "lang": "zh"})
    clients.extend({c for c, _ in rush + farm})
    for client, who in rush + farm:
        paper = start(client, who)
        clock.advance(seconds=30)
        assert submit(client, who, paper["attempt_id"], {}).json()["held"] is False
    report = run_sweep(db, clock)
    farm_ids = {p.id for p in db.exec(select(Participant).where(Participant.track == "adult"))}
    held = db.exec(select(Result).where(Result.held)).all()
    assert {r.participant_id for r in held} == farm_ids and len(report.held) == 31
    assert all(report.signals[a] == [MANY_JOINS] for a in report.held)
    assert db.exec(select(BestScore).where(BestScore.track == "adult")).all() == []
    assert len(db.exec(select(BestScore).where(BestScore.track == "student")).all()) == 35
    # The digest is keyed and short; no address text is stored anywhere in the row.
    digests = {p.address_hash for p in db.exec(select(Participant))}
    assert digests == {
        address_digest(SECRET, "198.51.100.20"),
        address_digest(SECRET, "203.0.113.77"),
    }
    assert all(d is not None and re.fullmatch(r"[0-9a-f]{16}", d) for d in digests)
    raw = db.connection().execute(text("SELECT * FROM participant")).all()
    assert not any("198.51.100" in str(row) or "203.0.113" in str(row) for row in raw)


def test_address_digests_are_keyed_and_count_an_ipv6_home_as_one() -> None:
    assert address_digest("a" * 32, "203.0.113.7") != address_digest("b" * 32, "203.0.113.7")
    assert address_digest("a" * 32, "2001:db8:1:2::1") == address_digest(
        "a" * 32, "2001:db8:1:2:ffff::9"
    )
    assert address_digest("a" * 32, "2001:db8:1:2::1") != address_digest(
        "a" * 32, "2001:db8:1:3::1"
    )
    assert address_digest("a" * 32, "::ffff:203.0.113.7") == address_digest("a" * 32, "203.0.113.7")


def test_a_result_held_after_the_fact_leaves_the_redis_boards(
    settings: Settings, db: Session, clock: Clock, school: str, request: pytest.FixtureRequest
) -> None:
    app = create_app(settings.model_copy(update={"redis_url": redis_url()}))
    app.dependency_overrides[get_now] = clock
    with TestClient(app) as client:
        index: RankIndex = client.app_state["resources"].ranks
        request.addfinalizer(index.forget)
        leak = [student(client, f"k{n}") for n in range(3)]
        honest = student(client, "honest")
        before = sit(client, db, clock, leak[2], right=1)
        sit(client, db, clock, honest, right=6)
        finish_rank_rebuilds()
        shared_key(client, db, clock, leak)
        key = index._board("test-campaign", "student", "city", None)
        assert index._redis.zcard(key) == 4
        assert len(run_sweep(db, clock, index).held) == 3
        assert index._redis.zcard(key) == 2  # k0 and k1 gone; k2 back to its first try
        me = client.get("/api/v1/leaderboards/student", headers=leak[2]).json()["me"]
        assert (me["rank"], me["score"]) == (2, before["score"])
        assert client.get("/api/v1/leaderboards/student", headers=honest).json()["me"]["rank"] == 1


@pytest.fixture
def rounds(campaign_rules: CampaignRules) -> None:
    """A preliminary round on the student track."""
    campaign_rules("student", rounds=[preliminary_round(CLOSES.isoformat(), top_per_school=5)])


def test_qualifiers_leave_out_what_the_sweep_holds_and_freeze_after_it(
    client: TestClient, db: Session, clock: Clock, school: str, staff: StaffFactory, rounds: None
) -> None:
    leak = [student(client, f"k{n}") for n in range(3)]
    shared_key(client, db, clock, leak)
    sit(client, db, clock, student(client, "honest"), right=4)

    def listing() -> dict[str, Any]:
        response = client.get("/api/v1/reports/qualifiers", headers=staff("city"))
        assert response.status_code == 200, response.text
        return response.json()  # type: ignore[no-any-return]

    assert [q["nickname"] for q in listing()["qualifiers"]] == ["k0", "k1", "k2", "honest"]
    run_sweep(db, clock)
    assert [q["nickname"] for q in listing()["qualifiers"]] == ["honest"]
    for review in client.get("/api/v1/reports/reviews", headers=staff("city")).json()["reviews"]:
        decision = {"decision": "disqualify", "reason": "a shared key"}
        url = f"/api/v1/reports/reviews/{review['attempt_id']}"
        assert client.post(url, json=decision, headers=staff("city")).status_code == 200
    # Three copies of a key two seconds before the close, swept by nobody yet.
    clock.now = CLOSES - timedelta(seconds=60)
    late = [student(client, f"late{n}") for n in range(3)]
    papers = [start(client, who) for who in late]
    share_paper(db, papers[0]["attempt_id"], [p["attempt_id"] for p in papers[1:]])
    clock.now = CLOSES - timedelta(seconds=2)
    key = cheapest_right(db, papers[0], 12)
    for who, paper in zip(late, papers, strict=True):
        assert submit(client, who, paper["attempt_id"], key).json()["held"] is False
    clock.now = CLOSES + timedelta(seconds=5)  # the last submissions still settling
    settling = listing()
    assert settling["state"] == "provisional" and settling["pending_reviews"] == 0
    clock.now = CLOSES + timedelta(minutes=2)
    swept = listing()  # sweeps first: the copies are held before the list can freeze
    assert swept["state"] == "provisional" and swept["pending_reviews"] == 3
    for paper in papers:
        url = f"/api/v1/reports/reviews/{paper['attempt_id']}"
        decision = {"decision": "disqualify", "reason": "the same key"}
        assert client.post(url, json=decision, headers=staff("city")).status_code == 200
    final = listing()
    assert final["state"] == "final"
    assert [q["nickname"] for q in final["qualifiers"]] == ["honest"]


def test_the_background_sweeper_holds_without_a_request(
    client: TestClient, db: Session, clock: Clock, school: str, engine: Any
) -> None:
    leak = [student(client, f"k{n}") for n in range(3)]
    shared_key(client, db, clock, leak)
    sweeper = IntegritySweeper(
        engine, ContentCaches(), None, 0.01, clock=lambda: clock.now + timedelta(minutes=1)
    )
    sweeper.start()
    try:
        assert sweeper.swept.wait(timeout=30)
    finally:
        sweeper.stop()
    assert sweeper.last is not None and len(sweeper.last.held) == 3
    assert board(client, leak[0]) == []


def test_the_application_runs_its_sweeper(settings: Settings, db: Session) -> None:
    with TestClient(create_app(settings.model_copy(update={"integrity_sweep_seconds": 0.01}))) as c:
        sweeper: IntegritySweeper = c.app_state["resources"].sweeper
        assert sweeper.swept.wait(timeout=30)
        assert sweeper.last is not None and "test-campaign" in sweeper.last.swept


def test_the_sweep_command(
    client: TestClient,
    db: Session,
    clock: Clock,
    school: str,
    settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import quiz_api.cli.database
    from quiz_api.cli.main import app

    leak = [student(client, f"k{n}") for n in range(3)]
    shared_key(client, db, clock, leak)
    monkeypatch.setattr(quiz_api.cli.database, "get_settings", lambda: settings)
    result = CliRunner().invoke(app, ["contest", "sweep", "--campaign", "test-campaign"])
    assert result.exit_code == 0, result.output
    assert "same-answers: 3 result(s) held" in result.output
    assert "3 result(s) newly held for review" in result.output
    again = CliRunner().invoke(app, ["contest", "sweep"])
    assert "0 result(s) newly held for review" in again.output
    assert "no campaign" in CliRunner().invoke(app, ["contest", "sweep", "--campaign", "x"]).output


def test_a_group_of_copies_begun_before_a_sweep_is_held_when_it_grows(
    client: TestClient, db: Session, clock: Clock, school: str
) -> None:
    """The second sweep starts at the first one's watermark; the two results before it are
    still in the window the same-answers rule looks back over."""
    leak = [student(client, f"k{n}") for n in range(3)]
    first = sit(client, db, clock, leak[0], right=12)
    second = sit(client, db, clock, leak[1], 0, paper_of=first["attempt_id"])
    assert sweep(db, ContentCaches(), clock.now + timedelta(minutes=1)).held == []
    clock.advance(minutes=3)
    third = sit(client, db, clock, leak[2], 0, paper_of=first["attempt_id"])
    later = clock.now + timedelta(minutes=1)
    report = sweep(db, ContentCaches(), later)
    assert set(report.held) == {first["attempt_id"], second["attempt_id"], third["attempt_id"]}
    assert db.exec(select(IntegritySweep.watermark)).one() == later - timedelta(seconds=10)


def test_the_same_options_on_shuffled_papers_have_one_answer_key(
    client: TestClient, db: Session, clock: Clock, school: str
) -> None:
    """The key stored at submission names the options in the bank: the same choices on a
    paper whose questions and options are in another order give the same key; one other
    choice, another key."""
    one, two, three = (student(client, f"s{n}") for n in range(3))
    first = sit(client, db, clock, one, right=12)
    shared = db.get(Attempt, first["attempt_id"])
    assert shared is not None
    items = shared.paper["items"]
    # The same questions backwards, each question's options backwards too.
    shuffled = [{"v": item["v"], "order": item["order"][::-1]} for item in reversed(items)]
    given = factories.answers_of(db, first["attempt_id"])

    def mirrored(change: bool) -> dict[str, list[str]]:
        answers: dict[str, list[str]] = {}
        for n, item in enumerate(items, 1):
            last = len(item["order"]) - 1
            letters = [chr(ord("A") + last - (ord(c) - ord("A"))) for c in given.get(f"q{n}", [])]
            answers[f"q{len(items) + 1 - n}"] = letters
        if change:  # another choice for the first question of the new paper
            answers["q1"] = ["B"] if answers.get("q1") == ["A"] else ["A"]
        return answers

    keys = []
    for who, change in ((two, False), (three, True)):
        paper = start(client, who)
        mine = db.get(Attempt, paper["attempt_id"])
        assert mine is not None
        mine.paper = {**mine.paper, "items": shuffled}
        db.add(mine)
        db.commit()
        clock.advance(seconds=120)
        response = submit(client, who, paper["attempt_id"], mirrored(change))
        assert response.status_code == 200, response.text
        db.expire_all()
        stored = db.get(Result, paper["attempt_id"])
        assert stored is not None
        keys.append(stored.answer_key)
    original = db.get(Result, first["attempt_id"])
    assert original is not None and original.answer_key is not None
    assert re.fullmatch(r"[0-9a-f]{16}", original.answer_key)
    assert keys[0] == original.answer_key
    assert keys[1] != original.answer_key


def test_results_without_an_answer_key_are_not_compared(
    client: TestClient, db: Session, clock: Clock, school: str
) -> None:
    """Results stored before migration 0012 have no key: the sweep leaves them out."""
    leak = [student(client, f"k{n}") for n in range(3)]
    first = sit(client, db, clock, leak[0], right=12)
    for who in leak[1:]:
        sit(client, db, clock, who, 0, paper_of=first["attempt_id"])
    db.connection().execute(
        text("UPDATE result SET answer_key = NULL WHERE attempt_id = :a"),
        {"a": first["attempt_id"]},
    )
    db.commit()
    assert run_sweep(db, clock).held == []


def test_the_review_explains_the_same_answers_with_or_without_the_key(
    client: TestClient, db: Session, clock: Clock, school: str
) -> None:
    """The explanation counts the same answer key around the result; a result stored before
    migration 0012 (no key) is compared with its neighbours' papers instead: same count."""
    leak = [student(client, f"k{n}") for n in range(3)]
    first = sit(client, db, clock, leak[0], right=12)
    for who in leak[1:]:
        sit(client, db, clock, who, 0, paper_of=first["attempt_id"])
    campaign = db.get(Campaign, "test-campaign")
    assert campaign is not None
    rules = ContentCaches().campaigns.spec(campaign).tracks[Track.student]

    def explained() -> str:
        db.expire_all()
        result = db.get(Result, first["attempt_id"])
        assert result is not None
        check = _same_answers_signal(db, result, rules)
        assert check is not None
        return check.text

    with_key = explained()
    assert with_key.startswith("3 participants (this one included)")
    db.connection().execute(text("UPDATE result SET answer_key = NULL"))
    db.commit()
    assert explained() == with_key


def test_address_digests_are_cleared_30_days_after_the_campaign(
    client: TestClient, db: Session, clock: Clock
) -> None:
    join(client, nickname="阿明", lang="zh")
    ended = datetime(2026, 6, 30, 15, 59, 59, tzinfo=UTC)
    assert sweep(db, ContentCaches(), ended + timedelta(days=29)).addresses_cleared == 0
    assert db.exec(select(Participant.address_hash)).one() is not None
    report = sweep(db, ContentCaches(), ended + timedelta(days=31))
    assert report.addresses_cleared == 1
    db.expire_all()
    assert db.exec(select(Participant.address_hash)).one() is None
    assert sweep(db, ContentCaches(), ended + timedelta(days=32)).addresses_cleared == 0
