"""Certificates over HTTP: a PNG for a passed attempt only, in the participant's language,
with a QR code back to the challenge (drawing them: tests/quiz_api/rendering/)."""

from __future__ import annotations

import io

import pytest
from fastapi.testclient import TestClient
from PIL import Image
from sqlmodel import Session

from tests.plugins.app import assert_problem
from tests.plugins.factories import join, key, start, submit
from tests.plugins.images import qr_text

Headers = dict[str, str]


def passed_attempt(client: TestClient, headers: Headers, db: Session) -> int:
    paper = start(client, headers)
    answer = submit(client, headers, paper["attempt_id"], key(db, paper["attempt_id"]))
    assert answer.json()["passed"] is True
    return int(paper["attempt_id"])


@pytest.mark.parametrize(("lang", "prefix"), [("zh", ""), ("ko", "ko/")])
def test_a_passed_attempt_has_a_certificate_in_the_participants_language(
    client: TestClient, db: Session, lang: str, prefix: str
) -> None:
    headers = join(client, nickname="小星", lang=lang)
    attempt_id = passed_attempt(client, headers, db)
    answer = client.get(f"/api/v1/attempts/{attempt_id}/certificate.png", headers=headers)
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "image/png"
    assert "private" in answer.headers["cache-control"]
    with Image.open(io.BytesIO(answer.content)) as image:
        assert image.size == (900, 1272)
    assert qr_text(answer.content) == (
        f"http://testserver/{prefix}quiz/?campaign=test-campaign&src=certificate"
    )


def test_no_certificate_for_an_attempt_that_did_not_pass(
    client: TestClient, adult: Headers
) -> None:
    paper = start(client, adult)
    submit(client, adult, paper["attempt_id"], {})
    answer = client.get(f"/api/v1/attempts/{paper['attempt_id']}/certificate.png", headers=adult)
    assert_problem(answer, 403, "not-passed")


def test_no_certificate_before_submitting_nor_for_someone_else(
    client: TestClient, adult: Headers, db: Session
) -> None:
    paper = start(client, adult)
    path = f"/api/v1/attempts/{paper['attempt_id']}/certificate.png"
    assert_problem(client.get(path, headers=adult), 404, "not-found")
    submit(client, adult, paper["attempt_id"], key(db, paper["attempt_id"]))
    other = join(client, nickname="someone else")
    assert_problem(client.get(path, headers=other), 404, "not-found")
    assert_problem(client.get(path), 401, "not-authenticated")
