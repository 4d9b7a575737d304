"""Content for the runs: the shipped bank and campaigns, or, while the shipped bank cannot
fill the campaign's papers yet, a generated bank of the same shape (said loudly); and a
generated school roster for the school scenario."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path
from typing import Any

import yaml

from quiz_api.core.languages import LANGUAGES

DISTRICTS = ("黄浦区", "徐汇区", "长宁区", "静安区", "普陀区", "虹口区", "杨浦区", "浦东新区")


def _text(base: str) -> dict[str, str]:
    return {lang: f"{base} [{lang}]" for lang in LANGUAGES}


def synthetic_content(shipped: Path, target: Path, per_rule_factor: int = 4) -> Path:
    """The shipped campaigns with a generated bank that fills every draw rule
    ``per_rule_factor`` times over (question types mixed as in the real bank)."""
    (target / "quiz").mkdir(parents=True, exist_ok=True)
    shutil.copytree(shipped / "campaigns", target / "campaigns", dirs_exist_ok=True)
    # The districts: the API reads them from its content folder (QUIZ_CONTENT_DIR).
    shutil.copytree(shipped / "schools", target / "schools", dirs_exist_ok=True)
    needs: dict[tuple[str, str, str], int] = {}
    for path in sorted((shipped / "campaigns").glob("*.yaml")):
        campaign = yaml.safe_load(path.read_text("utf-8"))
        for track, rules in campaign["tracks"].items():
            for rule in rules["draw"]:
                key = (track, rule["category"], rule["difficulty"])
                needs[key] = max(needs.get(key, 0), rule["count"] * per_rule_factor)
    questions: list[dict[str, Any]] = []
    for (track, category, difficulty), count in sorted(needs.items()):
        for n in range(count):
            qid = f"{track[0]}-{category}-{difficulty}-{n:03d}"
            kind = ("single", "single", "multiple", "true_false")[n % 4]
            stem = hashlib.sha256(qid.encode()).hexdigest()[:48]
            question: dict[str, Any] = {
                "id": qid,
                "tracks": [track],
                "category": category,
                "difficulty": difficulty,
                "type": kind,
                "stem": _text(f"Question {stem}"),
                "explanation": _text(f"Explanation of {qid}."),
                "source": "Generated for the load tests",
            }
            if track == "student":
                question["levels"] = ["primary", "secondary"]
            if kind == "true_false":
                question["answer"] = n % 2 == 0
            else:
                question["options"] = [_text(f"Option {k} of {qid}") for k in range(4)]
                question["answer"] = "B" if kind == "single" else ["A", "C"]
            questions.append(question)
    (target / "quiz" / "bank.yaml").write_text(
        yaml.safe_dump({"questions": questions}, allow_unicode=True, sort_keys=False), "utf-8"
    )
    return target


def roster(
    schools: int, grades: tuple[int, ...] = (7, 8, 9), classes: int = 8
) -> list[dict[str, Any]]:
    """Generated schools: codes LT0001..., eight classes a grade, spread over districts."""
    return [
        {
            "code": f"LT{n:04d}",
            "name": f"负载测试第{n}中学",
            "district": DISTRICTS[n % len(DISTRICTS)],
            "level": "junior",
            "grades": {str(g): [f"{c}班" for c in range(1, classes + 1)] for g in grades},
        }
        for n in range(1, schools + 1)
    ]
