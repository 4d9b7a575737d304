"""Importing content: idempotent, versioned, and all or nothing."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, func, select

from quiz_api.content.bank import ContentInvalid
from quiz_api.content.importer import ContentImportReport, import_content
from quiz_api.db.engine import session_scope
from quiz_api.db.models import QuestionVersion
from tests.plugins import factories
from tests.plugins.factories import key, start, submit

EditContent = Callable[[list[dict[str, Any]]], ContentImportReport]


def versions(db: Session, question_id: str) -> list[tuple[int, bool]]:
    rows = db.exec(
        select(QuestionVersion.version, QuestionVersion.is_current)
        .where(QuestionVersion.question_id == question_id)
        .order_by(col(QuestionVersion.version))
    ).all()
    db.rollback()
    return [(v, c) for v, c in rows]


@pytest.fixture
def edited_content(tmp_path: Path, engine: Engine, content_dir: Path) -> Iterator[EditContent]:
    """Yields a function that imports an edited bank; restores the standard bank after."""

    def run(questions: list[dict[str, Any]]) -> ContentImportReport:
        folder = factories.write_content(tmp_path / "c", questions, [factories.campaign()])
        with session_scope(engine) as session:
            report = import_content(session, folder)
        return report

    yield run
    with session_scope(engine) as session:
        import_content(session, content_dir)


def test_reimport_is_idempotent(edited_content: EditContent, db: Session) -> None:
    report = edited_content(factories.standard_bank())
    assert (report.bank.added, report.bank.changed, report.bank.retired) == (0, 0, 0)
    assert report.campaigns == ["test-campaign: unchanged (version 1)"]
    total = db.exec(select(func.count()).select_from(QuestionVersion)).one()
    assert total == len(factories.standard_bank())


def test_changed_question_gets_a_version_and_old_attempts_keep_theirs(
    client: TestClient,
    adult: dict[str, str],
    db: Session,
    edited_content: EditContent,
) -> None:
    paper = start(client, adult)
    old_key = key(db, paper["attempt_id"])
    bank = factories.standard_bank()
    for question in bank:  # every adult question's answer moves from B to D
        if question["type"] == "single":
            question["answer"] = "D"
    report = edited_content(bank)
    assert report.bank.changed == sum(1 for q in bank if q["type"] == "single")
    assert versions(db, "a-law-easy-0") == [(1, False), (2, True)]
    # The open attempt is scored against the versions it was drawn with.
    result = submit(client, adult, paper["attempt_id"], old_key).json()
    assert result["score"] == result["max_score"]


def test_removed_question_is_retired(edited_content: EditContent, db: Session) -> None:
    bank = factories.standard_bank()
    bank.append(factories.question("a-law-extra", category="law"))
    edited_content(bank)
    edited_content(factories.standard_bank())
    assert versions(db, "a-law-extra") == [(1, False)]


def test_invalid_content_imports_nothing(edited_content: EditContent, db: Session) -> None:
    bank = factories.standard_bank()
    bank[0]["answer"] = "Z"
    bank.append(factories.question("a-brand-new"))
    with pytest.raises(ContentInvalid):
        edited_content(bank)
    assert versions(db, "a-brand-new") == []
