"""The question bank held in memory. Versions never change once written, so a version read
once is cached for the life of the worker; the pools of current questions to draw from are
re-read after a short time so that an import reaches every worker without a restart."""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlmodel import col, select

from quiz_api.db.engine import Bind, orm_session
from quiz_api.db.models import QuestionVersion
from quiz_api.integrations import metrics

POOL_TTL_SECONDS = 30.0
PoolKey = tuple[str, str | None, str, str]  # track, level (students only), category, difficulty


@dataclass(frozen=True)
class Question:
    version_id: int
    question_id: str
    version: int
    category: str
    difficulty: str
    type: str
    body: dict[str, Any]

    @property
    def option_count(self) -> int:
        return 2 if self.type == "true_false" else len(self.body["options"])

    @property
    def correct(self) -> list[int]:
        return list(self.body["correct"])


class QuestionCache:
    """One per application (``quiz_api.api.resources``)."""

    def __init__(self) -> None:
        self._versions: dict[int, Question] = {}
        self._pools: dict[PoolKey, list[int]] = {}
        self._pools_loaded_at = float("-inf")

    @staticmethod
    def _question(row: QuestionVersion) -> Question:
        assert row.id is not None
        return Question(
            row.id, row.question_id, row.version, row.category, row.difficulty, row.type, row.body
        )

    def versions(self, bind: Bind, ids: Iterable[int]) -> dict[int, Question]:
        wanted = list(ids)
        missing = [i for i in wanted if i not in self._versions]
        if missing:
            with orm_session(bind) as session:
                rows = session.exec(
                    select(QuestionVersion).where(col(QuestionVersion.id).in_(missing))
                )
                for row in rows:
                    self._versions[row.id] = self._question(row)  # type: ignore[index]
        return {i: self._versions[i] for i in wanted if i in self._versions}

    def pools(self, bind: Bind) -> dict[PoolKey, list[int]]:
        if time.monotonic() - self._pools_loaded_at < POOL_TTL_SECONDS:
            return self._pools
        # No lock around the read (see CampaignCache._load): two loads at once are harmless.
        pools: dict[PoolKey, list[int]] = defaultdict(list)
        with orm_session(bind) as session:
            rows = session.exec(
                select(QuestionVersion).where(QuestionVersion.is_current == True)  # noqa: E712
            )
            for row in rows:
                question = self._question(row)
                self._versions[question.version_id] = question
                for track in row.tracks:
                    levels: list[str | None] = list(row.levels) if track == "student" else [None]
                    for level in levels:
                        pools[(track, level, row.category, row.difficulty)].append(
                            question.version_id
                        )
        self._pools, self._pools_loaded_at = dict(pools), time.monotonic()
        metrics.content_refresh()
        return self._pools
