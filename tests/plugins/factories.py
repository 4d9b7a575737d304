"""Test data: question banks and campaigns written as the publicity office writes them,
and the API calls with which the tests make participants and attempts."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx2 as httpx
import yaml
from fastapi.testclient import TestClient
from sqlmodel import Session

from quiz_api.content.bank import LETTERS
from quiz_api.db.models import Attempt, QuestionVersion, Result

if TYPE_CHECKING:  # the app plugin imports this module
    from tests.plugins.app import Clock

from quiz_api.content.kits import LETTER_FILE
from quiz_api.core.config import PROJECT_ROOT
from quiz_api.services.schools import DISTRICTS_FILE, load_districts

# The shipped districts: the test content has them too (the API reads them from its content
# folder), and services that take the districts get these.
SHIPPED_CONTENT = PROJECT_ROOT / "content"
DISTRICTS = load_districts(SHIPPED_CONTENT)
CATEGORIES = ("drugs", "law", "refusal", "help", "history", "nps")
DIFFICULTIES = ("easy", "medium", "hard")
LANGS = ("zh", "en", "ko", "ja")


def text(base: str) -> dict[str, str]:
    return {lang: f"{base} [{lang}]" for lang in LANGS}


def question(
    qid: str,
    *,
    tracks: list[str] | None = None,
    levels: list[str] | None = None,
    category: str = "law",
    difficulty: str = "easy",
    type_: str = "single",
    answer: Any = None,
    options: int = 4,
) -> dict[str, Any]:
    tracks = tracks or ["adult"]
    data: dict[str, Any] = {
        "id": qid,
        "tracks": tracks,
        "category": category,
        "difficulty": difficulty,
        "type": type_,
        # Stems far apart, so that the near-duplicate check leaves them alone.
        "stem": text(hashlib.sha256(qid.encode()).hexdigest()[:40]),
        "explanation": text(f"Because of rule {qid}."),
        "source": f"Anti-Drug Law, Art. {len(qid)}",
    }
    if "student" in tracks:
        data["levels"] = levels or ["primary", "secondary"]
    if type_ == "true_false":
        data["answer"] = True if answer is None else answer
    else:
        data["options"] = [text(f"option {n} of {qid}") for n in range(options)]
        data["answer"] = (
            answer if answer is not None else ("B" if type_ == "single" else ["A", "C"])
        )
    return data


def standard_bank(per_stratum: int = 3) -> list[dict[str, Any]]:
    """Both tracks, every category and difficulty, the three question types mixed."""
    questions = []
    for track in ("adult", "student"):
        for category in CATEGORIES:
            for difficulty in DIFFICULTIES:
                for n in range(per_stratum):
                    type_ = ("single", "multiple", "true_false")[n % 3]
                    qid = f"{track[0]}-{category}-{difficulty}-{n}"
                    questions.append(
                        question(
                            qid,
                            tracks=[track],
                            category=category,
                            difficulty=difficulty,
                            type_=type_,
                        )
                    )
    return questions


def campaign(**overrides: Any) -> dict[str, Any]:
    rules = {
        "time_limit_seconds": 600,
        "pass_mark": 60,
        "attempts_per_day": 3,
        "attempts_total": 5,
        "points": {"easy": 5, "medium": 10, "hard": 15},
        "draw": [
            {"category": c, "difficulty": d, "count": 1}
            for c in CATEGORIES
            for d in ("easy", "medium")
        ]
        + [{"category": "law", "difficulty": "hard", "count": 2}],
    }
    data: dict[str, Any] = {
        "id": "test-campaign",
        "name": text("Test challenge"),
        "description": text("A challenge for the tests"),
        "timezone": "Asia/Shanghai",
        "starts_at": "2026-06-01T00:00:00+08:00",
        "ends_at": "2026-06-30T23:59:59+08:00",
        "tracks": {"adult": rules, "student": dict(rules)},
    }
    data.update(overrides)
    return data


# The daily question of the test content: pinned on 26 June every year and once on
# 1 June 2026 for adults, on 26 June for primary pupils.
DAILY: dict[str, Any] = {
    "start": "2026-01-01",
    "timezone": "Asia/Shanghai",
    "pins": {
        "adult": [
            {"date": "06-26", "question": "a-history-easy-0"},
            {"date": "2026-06-01", "question": "a-law-easy-0"},
        ],
        "primary": [{"date": "06-26", "question": "s-history-easy-0"}],
    },
}


def write_content(
    root: Path,
    questions: list[dict[str, Any]],
    campaigns: list[dict[str, Any]],
    daily: dict[str, Any] | None = None,
) -> Path:
    (root / "quiz").mkdir(parents=True, exist_ok=True)
    (root / "campaigns").mkdir(parents=True, exist_ok=True)
    (root / DISTRICTS_FILE).parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(SHIPPED_CONTENT / DISTRICTS_FILE, root / DISTRICTS_FILE)
    (root / LETTER_FILE).parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(SHIPPED_CONTENT / LETTER_FILE, root / LETTER_FILE)  # the school kit's
    (root / "quiz" / "bank.yaml").write_text(
        yaml.safe_dump({"questions": questions}, allow_unicode=True, sort_keys=False), "utf-8"
    )
    if daily is not None:
        (root / "daily").mkdir(exist_ok=True)
        (root / "daily" / "daily.yaml").write_text(
            yaml.safe_dump(daily, allow_unicode=True, sort_keys=False), "utf-8"
        )
    for item in campaigns:
        (root / "campaigns" / f"{item['id']}.yaml").write_text(
            yaml.safe_dump(item, allow_unicode=True, sort_keys=False), "utf-8"
        )
    return root


ROSTER_HEADER = "school_code,school_name,district,level,grade,class,enrolled\n"


def write_roster(tmp_path: Path, body: str, name: str = "roster.csv") -> Path:
    """A roster CSV as the education bureau sends it: the header, then ``body``'s rows."""
    path = tmp_path / name
    path.write_text(ROSTER_HEADER + body, "utf-8")
    return path


def join(client: TestClient, **body: object) -> dict[str, str]:
    """Join a track; returns the Authorization header of the new participant."""
    body.setdefault("track", "adult")
    response = client.post("/api/v1/participants", json=body)
    assert response.status_code == 201, response.text
    return {"Authorization": f"Bearer {response.json()['token']}"}


STUDENT = {
    "track": "student",
    "lang": "ko",
    "school_code": "S001",
    "grade": 7,
    "class_name": "1班",
    "nickname": "小星",
}  # a student of the `school` fixture's roster

Headers = dict[str, str]


def start(client: TestClient, headers: Headers, status: int = 201) -> dict[str, Any]:
    response = client.post("/api/v1/attempts", headers=headers)
    assert response.status_code == status, response.text
    paper: dict[str, Any] = response.json()
    return paper


def key(db: Session, attempt_id: int) -> dict[str, list[str]]:
    """The correct letters of each paper question, read from the database as a grader would."""
    attempt = db.get(Attempt, attempt_id)
    assert attempt is not None
    answers: dict[str, list[str]] = {}
    for n, item in enumerate(attempt.paper["items"], 1):
        version = db.get(QuestionVersion, item["v"])
        assert version is not None
        order = item["order"]
        answers[f"q{n}"] = sorted(LETTERS[order.index(i)] for i in version.body["correct"])
    return answers


def submit(
    client: TestClient, headers: Headers, attempt_id: int, answers: dict[str, list[str]]
) -> httpx.Response:
    body = {"answers": [{"question_id": q, "choices": c} for q, c in answers.items()]}
    return client.post(f"/api/v1/attempts/{attempt_id}/submit", json=body, headers=headers)


def student(client: TestClient, nickname: str, **extra: Any) -> Headers:
    """A student of the ``school`` fixture's roster (S001, grade 7, 1班, unless ``extra``
    says otherwise) joins; returns their Authorization header."""
    return join(client, **{**STUDENT, "nickname": nickname, **extra})


def sit(
    client: TestClient,
    db: Session,
    clock: Clock,
    headers: Headers,
    right: int,
    seconds: float,
    *,
    copy_of: int | None = None,
) -> dict[str, Any]:
    """One attempt with the ``right`` cheapest questions answered correctly, submitted
    ``seconds`` after its start (the clock stays there); returns the result. ``copy_of``:
    instead, the questions and the answers of that attempt (a leaked key)."""
    paper = start(client, headers)
    if copy_of is None:
        answers = cheapest_right(db, paper, right)
    else:
        share_paper(db, copy_of, [paper["attempt_id"]])
        answers = answers_of(db, copy_of)
    clock.advance(seconds=seconds)
    response = submit(client, headers, paper["attempt_id"], answers)
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


def play(
    client: TestClient, db: Session, clock: Clock, headers: Headers, right: int, seconds: int
) -> None:
    """One attempt with ``right`` questions answered correctly, taking ``seconds`` (the
    clock goes back to where it was)."""
    sit(client, db, clock, headers, right, seconds)
    clock.advance(seconds=-seconds)


def share_paper(db: Session, source: int, attempt_ids: list[int]) -> None:
    """Gives the attempts the questions of attempt ``source``, in its order (as a leaked
    key answers them: the same letters on the same paper are the same options)."""
    shared = db.get(Attempt, source)
    assert shared is not None
    for attempt_id in attempt_ids:
        attempt = db.get(Attempt, attempt_id)
        assert attempt is not None
        attempt.paper = shared.paper
        db.add(attempt)
    db.commit()


def answers_of(db: Session, attempt_id: int) -> dict[str, list[str]]:
    """The answers submitted for ``attempt_id``, question by question."""
    result = db.get(Result, attempt_id)
    assert result is not None
    return {q: list(c) for q, c in result.answers.items()}


def preliminary_round(closes_at: str, **qualify: Any) -> dict[str, Any]:
    """A preliminary round from the test campaign's first day to ``closes_at``, whose
    qualifiers ``qualify`` names (``top_per_district=2``, ``min_score=10`` ...)."""
    return {
        "id": "preliminary",
        "opens_at": "2026-06-01T00:00:00+08:00",
        "closes_at": closes_at,
        "qualify": qualify,
    }


def cheapest_right(db: Session, paper: dict[str, Any], right: int) -> dict[str, list[str]]:
    """Answers right the ``right`` cheapest questions: every paper has the same points, so
    the same ``right`` always gives the same score."""
    answers = key(db, paper["attempt_id"])
    points = {q["id"]: q["points"] for q in paper["questions"]}
    chosen = sorted(answers, key=lambda qid: (points[qid], qid))[:right]
    return {qid: answers[qid] for qid in chosen}


def open_campaign_database(tmp: Path) -> str:
    """A migrated SQLite database under ``tmp`` with the standard bank and a campaign open
    from 2020 to 2099 (for servers started as processes)."""
    from alembic import command

    from quiz_api.content.importer import import_content
    from quiz_api.core.config import Settings
    from quiz_api.db.engine import make_engine, session_scope
    from quiz_api.db.migrate import alembic_config

    url = f"sqlite:///{tmp / 'quiz.sqlite3'}"
    content = write_content(
        tmp / "content",
        standard_bank(),
        [campaign(starts_at="2020-01-01T00:00:00+08:00", ends_at="2099-12-31T00:00:00+08:00")],
    )
    command.upgrade(alembic_config(url), "head")
    engine = make_engine(Settings(database_url=url))
    with session_scope(engine) as session:
        import_content(session, content)
    engine.dispose()
    return url
