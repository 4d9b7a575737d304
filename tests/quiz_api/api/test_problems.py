"""The one table of problem types: every type the domain can raise has its status and title,
and docs/api.md documents it for the clients that switch on it."""

from __future__ import annotations

from pathlib import Path

import pytest

from quiz_api.api.problems import PROBLEMS, headers_of, status_of
from quiz_api.core.errors import DomainError, ProblemType

API_DOCS = Path(__file__).resolve().parents[3] / "docs" / "api.md"


@pytest.mark.parametrize("type_", list(ProblemType))
def test_every_problem_type_has_a_status_and_a_title(type_: ProblemType) -> None:
    problem = PROBLEMS[type_]
    assert 400 <= problem.status <= 599
    assert problem.title.strip()


@pytest.mark.parametrize("type_", list(ProblemType))
def test_every_problem_type_is_documented(type_: ProblemType) -> None:
    assert f"`/problems/{type_.value}`" in API_DOCS.read_text(encoding="utf-8")


def test_a_school_named_by_a_body_field_is_the_body_s_fault() -> None:
    in_body = DomainError(ProblemType.unknown_school, "no school", field="school_code")
    assert status_of(in_body) == 422
    assert status_of(DomainError(ProblemType.unknown_school, "no school")) == 404


def test_headers_come_from_the_type_and_the_wait() -> None:
    assert headers_of(DomainError(ProblemType.invalid_token)) == {
        "WWW-Authenticate": 'Bearer error="invalid_token"'
    }
    assert headers_of(DomainError(ProblemType.not_authenticated)) == {"WWW-Authenticate": "Bearer"}
    limited = DomainError(ProblemType.daily_attempt_limit_reached, retry_in_seconds=42, limit=3)
    assert headers_of(limited) == {"Retry-After": "42"}
    assert headers_of(DomainError(ProblemType.invalid_credentials)) == {}
