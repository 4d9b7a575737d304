"""Test data: question banks and campaigns written as the publicity office writes them."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path
from typing import Any

import yaml
from fastapi.testclient import TestClient

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


def write_content(
    root: Path, questions: list[dict[str, Any]], campaigns: list[dict[str, Any]]
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
    for item in campaigns:
        (root / "campaigns" / f"{item['id']}.yaml").write_text(
            yaml.safe_dump(item, allow_unicode=True, sort_keys=False), "utf-8"
        )
    return root


def join(client: TestClient, **body: object) -> dict[str, str]:
    """Join a track; returns the Authorization header of the new participant."""
    body.setdefault("track", "adult")
    response = client.post("/api/v1/participants", json=body)
    assert response.status_code == 201, response.text
    return {"Authorization": f"Bearer {response.json()['token']}"}
