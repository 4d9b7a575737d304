"""Attempts: the draw, the frozen paper, server-side scoring, deadlines, limits, idempotency."""

from __future__ import annotations

import json
import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session, func, select

from quiz_api.content.bank import LETTERS
from quiz_api.db.engine import hot_connection
from quiz_api.db.models import Attempt, Participant, QuestionVersion, Result
from quiz_api.services import attempts as service
from quiz_api.services.caches import ContentCaches
from tests.plugins.app import Clock, assert_problem
from tests.plugins.factories import STUDENT, join, key, start, submit

Headers = dict[str, str]


def test_paper_follows_the_draw_rules_without_duplicates(
    client: TestClient, adult: Headers, db: Session
) -> None:
    paper = start(client, adult)
    assert len(paper["questions"]) == 14 and paper["max_score"] == 6 * 5 + 6 * 10 + 2 * 15
    attempt = db.get(Attempt, paper["attempt_id"])
    assert attempt is not None
    versions = [db.get(QuestionVersion, item["v"]) for item in attempt.paper["items"]]
    strata = Counter((v.category, v.difficulty) for v in versions if v)
    expected = {
        (c, d): 1
        for c in ("drugs", "law", "refusal", "help", "history", "nps")
        for d in ("easy", "medium")
    }
    expected[("law", "hard")] = 2
    assert strata == expected
    assert len({v.question_id for v in versions if v}) == 14
    assert all("adult" in v.tracks for v in versions if v)


def test_paper_carries_no_answer_key(client: TestClient, adult: Headers, db: Session) -> None:
    paper = start(client, adult)
    text = json.dumps(paper, ensure_ascii=False)
    for leak in ("correct", "answer", "explanation", "source", '"v"', "order", "Because of rule"):
        assert leak not in text
    # Option ids are display positions: the same letters whatever the key is.
    for question in paper["questions"]:
        assert [o["id"] for o in question["options"]] == list(LETTERS[: len(question["options"])])
        assert set(question) == {"id", "number", "type", "category", "points", "stem", "options"}


def test_options_are_shuffled_per_attempt(client: TestClient) -> None:
    seen = set()
    for n in range(6):
        paper = start(client, join(client, nickname=f"p{n}"))
        for question in paper["questions"]:
            if question["type"] != "true_false":
                seen.add(tuple(o["text"] for o in question["options"]))
    # Two papers rarely share an option order; across six papers many orders appear.
    assert len(seen) > 20


def test_paper_is_frozen_across_refreshes(client: TestClient, adult: Headers, clock: Clock) -> None:
    first = start(client, adult)
    clock.advance(seconds=30)
    again = start(client, adult, status=200)
    fetched = client.get(f"/api/v1/attempts/{first['attempt_id']}", headers=adult).json()
    for paper in (again, fetched):
        assert paper["attempt_id"] == first["attempt_id"]
        assert paper["questions"] == first["questions"]
        assert paper["deadline"] == first["deadline"]


def test_paper_in_the_participants_language(client: TestClient) -> None:
    paper = start(client, join(client, lang="ja"))
    assert all(q["stem"].endswith("[ja]") for q in paper["questions"])
    tf = [q for q in paper["questions"] if q["type"] == "true_false"]
    assert tf and [o["text"] for o in tf[0]["options"]] == ["正しい", "誤り"]


def test_student_paper_is_drawn_for_their_level(
    client: TestClient, school: str, db: Session
) -> None:
    paper = start(client, join(client, **STUDENT))
    attempt = db.get(Attempt, paper["attempt_id"])
    assert attempt is not None
    for item in attempt.paper["items"]:
        version = db.get(QuestionVersion, item["v"])
        assert version is not None and "student" in version.tracks and "secondary" in version.levels


def test_full_marks_with_the_key_and_a_review(
    client: TestClient, adult: Headers, db: Session, clock: Clock
) -> None:
    paper = start(client, adult)
    clock.advance(seconds=95)
    response = submit(client, adult, paper["attempt_id"], key(db, paper["attempt_id"]))
    assert response.status_code == 200, response.text
    result = response.json()
    assert result["score"] == result["max_score"] == paper["max_score"]
    assert result["correct_count"] == result["question_count"] == 14
    assert result["duration_ms"] == 95_000 and result["passed"] and not result["late"]
    assert result["rank"] == 1
    review = result["review"]
    assert all(
        item["correct"] and item["explanation"].endswith("[zh]") and item["source"]
        for item in review
    )
    assert [item["stem"] for item in review] == [q["stem"] for q in paper["questions"]]


def test_scoring_of_each_question_type(client: TestClient, adult: Headers, db: Session) -> None:
    paper = start(client, adult)
    answers = key(db, paper["attempt_id"])
    by_type = {q["id"]: q["type"] for q in paper["questions"]}
    points = {q["id"]: q["points"] for q in paper["questions"]}
    wrong: dict[str, list[str]] = {}
    for qid, letters in answers.items():
        kind = by_type[qid]
        if kind == "multiple":
            wrong[qid] = letters[:1]  # a partly right multiple choice earns nothing
        elif kind == "true_false":
            wrong[qid] = ["B" if letters == ["A"] else "A"]
        else:
            wrong[qid] = [next(x for x in "ABCD" if x not in letters)]
    mixed = {**answers, **{q: wrong[q] for q in list(answers)[:5]}}
    result = submit(client, adult, paper["attempt_id"], mixed).json()
    expected = sum(points[q] for q in list(answers)[5:])
    assert result["score"] == expected and result["correct_count"] == 9
    marked = {item["question_id"]: item["correct"] for item in result["review"]}
    assert [marked[q] for q in answers] == [False] * 5 + [True] * 9
    kinds = {by_type[q] for q in list(answers)[:5]}
    assert kinds  # the wrong answers touched real questions of the paper


def test_unanswered_questions_count_as_wrong(client: TestClient, adult: Headers) -> None:
    paper = start(client, adult)
    result = submit(client, adult, paper["attempt_id"], {}).json()
    assert result["score"] == 0 and not result["passed"]
    assert all(item["your_choices"] == [] for item in result["review"])


def test_deadline_with_grace(client: TestClient, db: Session, clock: Clock) -> None:
    on_time = join(client)
    paper = start(client, on_time)
    clock.advance(seconds=600 + 20)  # after the deadline, inside the 30 s grace
    result = submit(client, on_time, paper["attempt_id"], key(db, paper["attempt_id"])).json()
    assert result["score"] == result["max_score"] and result["duration_ms"] == 600_000

    late = join(client)
    paper = start(client, late)
    clock.advance(seconds=600 + 31)
    result = submit(client, late, paper["attempt_id"], key(db, paper["attempt_id"])).json()
    assert (
        result["late"] and result["score"] == 0 and not any(i["correct"] for i in result["review"])
    )


def test_submit_twice_gives_the_same_result_and_one_record(
    client: TestClient, adult: Headers, db: Session, clock: Clock
) -> None:
    paper = start(client, adult)
    answers = key(db, paper["attempt_id"])
    first = submit(client, adult, paper["attempt_id"], answers).json()
    clock.advance(seconds=40)
    again = submit(client, adult, paper["attempt_id"], answers)
    assert again.status_code == 200 and again.json() == first
    changed = {**answers, "q1": ["A"] if answers["q1"] != ["A"] else ["B"]}
    assert_problem(submit(client, adult, paper["attempt_id"], changed), 409, "already-submitted")
    count = db.exec(select(func.count()).select_from(Result)).one()
    assert count == 1


def test_concurrent_duplicate_submissions_store_one_result(
    client: TestClient, adult: Headers, engine: Engine, db: Session, clock: Clock
) -> None:
    paper = start(client, adult)
    answers = key(db, paper["attempt_id"])
    request = list(answers.items())
    participant = db.exec(select(Participant)).one()
    participant_id = participant.id
    assert participant_id is not None
    barrier = threading.Barrier(6)
    content = ContentCaches()

    def send() -> tuple[int, int]:
        with hot_connection(engine) as connection:
            barrier.wait()
            result, _ = service.submit(
                connection, content, participant_id, paper["attempt_id"], request, clock(), 30
            )
            return result.score, result.duration_ms

    with ThreadPoolExecutor(6) as pool:
        outcomes = list(pool.map(lambda _: send(), range(6)))
    assert len(set(outcomes)) == 1
    assert db.exec(select(func.count()).select_from(Result)).one() == 1


def test_concurrent_starts_open_one_attempt(
    client: TestClient, adult: Headers, db: Session
) -> None:
    with ThreadPoolExecutor(4) as pool:
        papers = list(pool.map(lambda _: client.post("/api/v1/attempts", headers=adult), range(4)))
    assert {p.status_code for p in papers} <= {200, 201}
    assert len({p.json()["attempt_id"] for p in papers}) == 1
    assert db.exec(select(func.count()).select_from(Attempt)).one() == 1


def test_daily_and_total_attempt_limits(client: TestClient, adult: Headers, clock: Clock) -> None:
    for _ in range(3):
        paper = start(client, adult)
        submit(client, adult, paper["attempt_id"], {})
    body = assert_problem(
        client.post("/api/v1/attempts", headers=adult), 403, "daily-attempt-limit-reached"
    )
    assert body["limit"] == 3
    response = client.post("/api/v1/attempts", headers=adult)
    # 10:00 in Shanghai: the day resets at local midnight, 14 hours later.
    assert int(response.headers["retry-after"]) == 14 * 3600 + 1
    clock.advance(hours=14)
    for _ in range(2):
        paper = start(client, adult)
        submit(client, adult, paper["attempt_id"], {})
    assert_problem(client.post("/api/v1/attempts", headers=adult), 403, "attempt-limit-reached")


def test_abandoned_attempt_expires_and_counts(
    client: TestClient, adult: Headers, clock: Clock
) -> None:
    first = start(client, adult)
    clock.advance(seconds=700)
    second = start(client, adult)
    assert second["attempt_id"] != first["attempt_id"] and second["attempt_no"] == 2
    assert_problem(submit(client, adult, first["attempt_id"], {}), 409, "attempt-expired")


def test_someone_elses_attempt_is_404(client: TestClient, adult: Headers) -> None:
    paper = start(client, adult)
    other = join(client, nickname="other")
    assert_problem(submit(client, other, paper["attempt_id"], {}), 404, "not-found")
    assert_problem(
        client.get(f"/api/v1/attempts/{paper['attempt_id']}", headers=other), 404, "not-found"
    )
    assert_problem(
        client.get(f"/api/v1/attempts/{paper['attempt_id']}/result", headers=other),
        404,
        "not-found",
    )


def test_invalid_answers_are_422_with_every_field(client: TestClient, adult: Headers) -> None:
    paper = start(client, adult)
    # One choice only: a single-choice or true/false question (a paper without either
    # has odds of 1 in 3^18).
    single = next(q["id"] for q in paper["questions"] if q["type"] != "multiple")
    body = {
        "answers": [
            {"question_id": "q99", "choices": ["A"]},
            {"question_id": single, "choices": ["A", "B"]},
            {"question_id": "q1", "choices": ["Z"]},
        ]
    }
    response = client.post(
        f"/api/v1/attempts/{paper['attempt_id']}/submit", json=body, headers=adult
    )
    problem = assert_problem(response, 422, "validation-error")
    codes = {e["field"]: e["code"] for e in problem["errors"]}
    assert codes["answers.0.question_id"] == "unknown_question"
    assert "too_many_choices" in codes.values() or "unknown_option" in codes.values()
    # Nothing was stored: the attempt can still be submitted properly.
    assert submit(client, adult, paper["attempt_id"], {}).status_code == 200


def test_campaign_window(client: TestClient, adult: Headers, clock: Clock) -> None:
    clock.advance(days=-20)
    assert_problem(client.post("/api/v1/attempts", headers=adult), 409, "campaign-not-started")
    clock.advance(days=50)
    assert_problem(client.post("/api/v1/attempts", headers=adult), 409, "campaign-ended")


def test_result_can_be_read_again(client: TestClient, adult: Headers, db: Session) -> None:
    paper = start(client, adult)
    assert_problem(
        client.get(f"/api/v1/attempts/{paper['attempt_id']}/result", headers=adult),
        404,
        "not-found",
    )
    result = submit(client, adult, paper["attempt_id"], key(db, paper["attempt_id"])).json()
    again = client.get(f"/api/v1/attempts/{paper['attempt_id']}/result", headers=adult).json()
    assert again == result


def test_student_level_follows_the_school_then_the_grade() -> None:
    """A junior school's grade 6 draws secondary questions (the 5+4 system); a nine-year
    school decides by grade, with the city's last primary grade."""
    from quiz_api.content.bank import level_of_school

    assert level_of_school("junior", 6).value == "secondary"
    assert level_of_school("primary", 6).value == "primary"
    assert level_of_school("junior,senior", 10).value == "secondary"
    assert level_of_school("primary,junior", 6).value == "primary"
    assert level_of_school("primary,junior", 6, primary_last_grade=5).value == "secondary"
    assert level_of_school("", 3).value == "primary"
