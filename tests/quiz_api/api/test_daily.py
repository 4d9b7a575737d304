"""The daily question over HTTP: the anonymous read (cacheable, no key), answering once a
day, the day boundary in Shanghai, pins, the archive; and idempotent answers under
concurrency (both backends)."""

from __future__ import annotations

import re
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import func
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from quiz_api.content.daily import DailySpec, Group
from quiz_api.core.config import Settings
from quiz_api.db.models import DailyAnswer, Participant
from quiz_api.services import daily as service
from quiz_api.services.caches import ContentCaches
from tests.plugins import factories
from tests.plugins.app import Clock

Headers = dict[str, str]


def today(client: TestClient, track: str = "adult", **params: Any) -> Any:
    response = client.get(f"/api/v1/daily/{track}", params=params)
    assert response.status_code == 200, response.text
    return response


def key_of(db: Session, question_id: str) -> list[str]:
    from quiz_api.db.models import QuestionVersion

    row = db.exec(
        select(QuestionVersion).where(
            QuestionVersion.question_id == question_id,
            QuestionVersion.is_current == True,  # noqa: E712
        )
    ).one()
    return ["AB"[i] if row.type == "true_false" else "ABCDEF"[i] for i in row.body["correct"]]


def wrong_of(body: dict[str, Any], right: list[str]) -> list[str]:
    ids = [o["id"] for o in body["question"]["options"]]
    return [next(i for i in ids if i not in right)]


def answer(
    client: TestClient, day: str, choices: list[str], headers: Headers | None = None, **extra: Any
) -> Any:
    return client.post(
        f"/api/v1/daily/adult/{day}/answer",
        json={"choices": choices, **extra},
        headers=headers or {},
    )


def test_the_anonymous_read_is_public_the_same_for_all_and_has_no_key(
    client: TestClient,
) -> None:
    first, second = today(client, lang="en"), today(client, lang="en")
    assert first.json() == second.json()
    body = first.json()
    assert body["date"] == "2026-06-10" and body["track"] == "adult"
    # Nothing personal in it.
    assert body["answered"] is None and body["result"] is None and body["streak"] is None
    assert set(body["question"]) == {"id", "type", "category", "stem", "options"}
    assert '"correct' not in first.text and '"answer"' not in first.text  # no key anywhere
    assert first.headers["cache-control"].startswith("public, max-age=")
    assert 0 < int(first.headers["cache-control"].split("=")[1]) <= 300


def test_the_day_turns_at_midnight_in_shanghai(client: TestClient, clock: Clock) -> None:
    clock.now = datetime(2026, 6, 10, 15, 59, tzinfo=UTC)  # 23:59 in Shanghai
    late = today(client)
    assert late.json()["date"] == "2026-06-10"
    # A cache never keeps the question past the local midnight.
    assert late.headers["cache-control"] == "public, max-age=60"
    clock.advance(minutes=1)  # 00:00 on 11 June in Shanghai, still 10 June in UTC
    early = today(client)
    assert early.json()["date"] == "2026-06-11"
    assert early.json()["question"]["id"] != late.json()["question"]["id"]


def test_pinned_days_and_levels(client: TestClient, clock: Clock) -> None:
    clock.now = datetime(2026, 6, 26, 1, 0, tzinfo=UTC)
    assert today(client).json()["question"]["id"] == "a-history-easy-0"
    primary = today(client, "student", level="primary").json()
    assert primary["level"] == "primary" and primary["question"]["id"] == "s-history-easy-0"
    secondary = today(client, "student").json()  # no token, no level: secondary
    assert secondary["level"] == "secondary" and secondary["question"]["id"] != "s-history-easy-0"
    clock.now = datetime(2026, 6, 1, 1, 0, tzinfo=UTC)
    assert today(client).json()["question"]["id"] == "a-law-easy-0"
    clock.now = datetime(2027, 6, 26, 1, 0, tzinfo=UTC)  # yearly pins come back; all year
    assert today(client).json()["question"]["id"] == "a-history-easy-0"


def test_a_visitor_answers_once_and_becomes_an_adult_participant(
    client: TestClient, db: Session
) -> None:
    body = today(client, lang="en").json()
    right = key_of(db, body["question"]["id"])
    first = answer(client, "2026-06-10", right, nickname="晨读", lang="en")
    assert first.status_code == 200, first.text
    result = first.json()
    assert result["correct"] and result["correct_choices"] == right
    assert result["answers"] == 1 and result["correct_share"] == 1.0
    assert result["streak"] == {"current": 1, "best": 1}
    assert result["explanation"].endswith("[en]") and result["source"]
    assert first.headers["cache-control"] == "no-store"
    headers = {"Authorization": f"Bearer {result['token']}"}
    participant = db.exec(select(Participant)).one()
    assert participant.track == "adult" and participant.nickname == "晨读"
    # Again, with other choices: the first answer stands, no second score.
    again = answer(client, "2026-06-10", wrong_of(body, right), headers)
    assert again.status_code == 200
    assert {k: v for k, v in again.json().items() if k != "token"} == {
        k: v for k, v in result.items() if k != "token"
    }
    assert again.json()["token"] is None
    assert db.exec(select(func.count()).select_from(DailyAnswer)).one() == 1
    # The personal read says so, privately.
    mine = client.get("/api/v1/daily/adult", params={"lang": "en"}, headers=headers)
    assert mine.headers["cache-control"].startswith("private")
    assert mine.json()["answered"] is True and mine.json()["result"]["correct"] is True
    assert mine.json()["streak"] == {"current": 1, "best": 1}


def test_a_joined_participant_answers_with_their_token(
    client: TestClient, adult: Headers, db: Session
) -> None:
    body = today(client).json()
    right = key_of(db, body["question"]["id"])
    wrong = answer(client, "2026-06-10", wrong_of(body, right), adult)
    assert wrong.status_code == 200 and wrong.json()["correct"] is False
    assert wrong.json()["correct_share"] == 0.0
    assert db.exec(select(func.count()).select_from(Participant)).one() == 1


def test_only_today_can_be_answered(client: TestClient, adult: Headers) -> None:
    for day in ("2026-06-09", "2026-06-11", "2025-01-01", "2026-02-30"):
        response = answer(client, day, ["A"], adult)
        assert response.status_code == 409
        assert response.json()["type"] == "/problems/daily-not-today"


def test_a_bad_answer_uses_nothing_up(client: TestClient, db: Session) -> None:
    for choices in (["Z"], [], ["A", "A"], ["AA"]):
        response = answer(client, "2026-06-10", choices)
        assert response.status_code == 422, (choices, response.text)
        assert response.headers["content-type"] == "application/problem+json"
    assert answer(client, "2026-06-10", "A").status_code == 422  # type: ignore[arg-type]
    assert db.exec(select(func.count()).select_from(Participant)).one() == 0
    assert db.exec(select(func.count()).select_from(DailyAnswer)).one() == 0


def test_students_answer_with_their_token_at_their_level(
    client: TestClient, school: str, db: Session
) -> None:
    anonymous = client.post("/api/v1/daily/student/2026-06-10/answer", json={"choices": ["A"]})
    assert anonymous.status_code == 401
    headers = factories.join(
        client,
        track="student",
        school_code=school,
        grade=7,
        class_name="1班",
        lang="zh",
        nickname="小明",
    )
    mine = client.get("/api/v1/daily/student", params={"level": "primary"}, headers=headers)
    assert mine.json()["level"] == "secondary"  # the token's school decides, not the query
    assert mine.json()["answered"] is False
    response = client.post(
        "/api/v1/daily/student/2026-06-10/answer", json={"choices": ["A"]}, headers=headers
    )
    assert response.status_code == 200, response.text
    row = db.exec(select(DailyAnswer)).one()
    assert row.audience == "secondary" and row.school_code == school and row.district == "黄浦区"


def test_the_archive_lists_every_past_day_with_figures(
    client: TestClient, clock: Clock, db: Session
) -> None:
    body = today(client).json()
    right = key_of(db, body["question"]["id"])
    assert answer(client, "2026-06-10", right).status_code == 200
    clock.advance(days=1)
    archive = client.get("/api/v1/daily/adult/archive", params={"lang": "ja", "limit": 366})
    assert archive.status_code == 200, archive.text
    days = archive.json()["days"]
    assert days[0]["date"] == "2026-06-10" and days[-1]["date"] == "2026-01-01"
    assert len(days) == (date(2026, 6, 10) - date(2026, 1, 1)).days + 1
    assert days[0]["answers"] == 1 and days[0]["correct_share"] == 1.0
    assert days[0]["correct_choices"] == right and days[0]["explanation"].endswith("[ja]")
    assert days[1]["answers"] == 0 and days[1]["correct_share"] is None
    older = client.get("/api/v1/daily/adult/archive", params={"before": "2026-01-03"})
    assert [d["date"] for d in older.json()["days"]] == ["2026-01-02", "2026-01-01"]


def test_the_streak_forgives_one_missed_day_a_week(
    client: TestClient, adult: Headers, clock: Clock, db: Session
) -> None:
    # Mon 8 June to Sun 14 June 2026: answer Mon, Tue, (miss Wed), Thu; then miss Fri, Sat.
    clock.now = datetime(2026, 6, 8, 2, 0, tzinfo=UTC)
    streaks = []
    for step in (0, 1, 2):  # days to move before answering
        clock.advance(days=step)
        question = today(client).json()
        day = question["date"]
        response = answer(client, day, key_of(db, question["question"]["id"]), adult)
        streaks.append(response.json()["streak"])
    assert streaks[-1] == {"current": 3, "best": 3}
    clock.advance(days=1)  # Friday: today is not over, the streak stands
    assert client.get("/api/v1/daily/adult", headers=adult).json()["streak"]["current"] == 3
    clock.advance(days=2)  # Sunday: Friday and Saturday missed, two misses in one week
    mine = client.get("/api/v1/daily/adult", headers=adult).json()
    assert mine["streak"] == {"current": 0, "best": 3}


def test_concurrent_answers_store_one(engine: Engine, db: Session, clock: Clock) -> None:
    spec = factories_spec()
    content = ContentCaches()
    with Session(engine, expire_on_commit=False) as session:
        question = service.question_on(spec, content, session, Group.adult, spec.local_day(clock()))
        visitor = service.new_adult(session, content, session, spec, "zh", None, clock())
        session.commit()
        session.expunge(visitor)
    barrier = threading.Barrier(6)
    ids = [o[0] for o in question.options("zh")]

    def send(n: int) -> tuple[bool, list[str]]:
        # Each request its own session; they meet before writing. (On SQLite a session's
        # transaction takes the write lock at its start: no one may wait inside one.)
        barrier.wait()
        with Session(engine, expire_on_commit=False) as session:
            result = service.answer(session, spec, question, visitor, [ids[n % 2]], clock())
            return result.correct, result.choices

    with ThreadPoolExecutor(6) as pool:
        outcomes = list(pool.map(send, range(6)))
    assert len(set(map(str, outcomes))) == 1
    assert db.exec(select(func.count()).select_from(DailyAnswer)).one() == 1


def factories_spec() -> DailySpec:
    return DailySpec.model_validate(factories.DAILY)


def test_no_daily_file_is_a_404(settings: Any, engine: Engine, db: Session, tmp_path: Any) -> None:
    from quiz_api.api.app import create_app

    empty = factories.write_content(tmp_path, factories.standard_bank(1), [])
    app = create_app(settings.model_copy(update={"content_dir": empty}))
    with TestClient(app) as other:
        response = other.get("/api/v1/daily/adult")
    assert response.status_code == 404


def test_the_share_card_shows_the_question_and_a_qr_code_never_the_answer(
    client: TestClient, db: Session, settings: Settings
) -> None:
    import io

    import zxingcpp
    from PIL import Image

    body = today(client, lang="ko").json()
    response = client.get("/api/v1/daily/adult/2026-06-10/card.png", params={"lang": "ko"})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "image/png"
    image = Image.open(io.BytesIO(response.content))
    codes = [r.text for r in zxingcpp.read_barcodes(image.convert("L"))]
    link = f"{settings.site_url}ko/daily/?src=card"  # under SITE_URL, the site's address
    assert codes == [link]
    # The card is drawn from the question and its options only: the same card whatever the
    # key, so it cannot show it (rendering it with the answer marked would differ).
    from quiz_api.rendering.daily_card import DailyCard, render_daily_card

    options = [(o["id"], o["text"]) for o in body["question"]["options"]]
    again = render_daily_card(
        DailyCard(
            lang="ko",
            day=date(2026, 6, 10),
            stem=body["question"]["stem"],
            options=options,
            url=link,
        )
    )
    assert again == response.content
    tomorrow = client.get("/api/v1/daily/adult/2026-06-11/card.png")
    assert tomorrow.status_code == 404


def test_stats_carry_the_days_daily_totals(client: TestClient, db: Session) -> None:
    empty = client.get("/api/v1/stats").json()["daily"]
    assert empty["date"] == "2026-06-10" and empty["answers"] == 0
    assert empty["correct_share"] is None
    body = today(client).json()
    answer(client, "2026-06-10", key_of(db, body["question"]["id"]))
    daily = client.get("/api/v1/stats").json()["daily"]
    assert daily["answers"] == 1 and daily["correct_share"] == 1.0
    assert daily["by_audience"]["adult"] == {"answers": 1, "correct_share": 1.0}
    assert daily["by_audience"]["primary"] == {"answers": 0, "correct_share": None}


def test_the_share_card_links_under_the_configured_site_address(
    settings: Any, engine: Engine, db: Session, clock: Clock
) -> None:
    import io

    import zxingcpp
    from PIL import Image

    from quiz_api.api.app import create_app
    from quiz_api.api.deps import get_now

    app = create_app(settings.model_copy(update={"site_url": "https://jd.example.org/site"}))
    app.dependency_overrides[get_now] = clock
    with TestClient(app) as other:
        response = other.get("/api/v1/daily/student/2026-06-10/card.png", params={"lang": "zh"})
    assert response.status_code == 200, response.text
    image = Image.open(io.BytesIO(response.content)).convert("L")
    assert [r.text for r in zxingcpp.read_barcodes(image)] == [
        "https://jd.example.org/site/daily/?src=card"
    ]


def test_metrics_count_a_first_answer_once(client: TestClient, db: Session) -> None:
    def counted() -> float:
        text = client.get("/metrics").text
        found = re.search(r'^quiz_daily_answers_total\{track="adult"\} ([0-9.e+]+)$', text, re.M)
        assert found, "quiz_daily_answers_total{track=adult} is not exposed"
        return float(found.group(1))

    before = counted()
    body = today(client).json()
    right = key_of(db, body["question"]["id"])
    first = answer(client, "2026-06-10", right)
    headers = {"Authorization": f"Bearer {first.json()['token']}"}
    assert answer(client, "2026-06-10", right, headers).status_code == 200  # the same answer
    assert counted() == before + 1
