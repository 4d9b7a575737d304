"""POST /api/v1/participants: joining a track, and what is refused."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from quiz_api.core.config import Settings
from tests.plugins.app import Clock, assert_problem
from tests.plugins.factories import STUDENT, join


def test_adult_joins_and_token_identifies_them(client: TestClient) -> None:
    response = client.post("/api/v1/participants", json={"track": "adult", "lang": "en"})
    assert response.status_code == 201
    body = response.json()
    assert body["track"] == "adult" and body["campaign"] == "test-campaign"
    me = client.get("/api/v1/participants/me", headers={"Authorization": f"Bearer {body['token']}"})
    assert me.json()["participant_id"] == body["participant_id"]


def test_student_joins_with_school_grade_class(client: TestClient, school: str) -> None:
    response = client.post("/api/v1/participants", json=STUDENT)
    assert response.status_code == 201, response.text
    assert response.json()["school_code"] == school


def test_unknown_school_is_a_clear_422(client: TestClient, school: str) -> None:
    body = assert_problem(
        client.post("/api/v1/participants", json={**STUDENT, "school_code": "NOPE"}),
        422,
        "unknown-school",
    )
    assert "NOPE" in str(body["detail"]) and body["field"] == "school_code"


def test_class_not_on_the_roster_is_refused(client: TestClient, school: str) -> None:
    assert_problem(
        client.post("/api/v1/participants", json={**STUDENT, "class_name": "9班"}),
        422,
        "unknown-class",
    )


def test_student_must_give_school_fields(client: TestClient) -> None:
    body = assert_problem(
        client.post("/api/v1/participants", json={"track": "student", "nickname": "x"}),
        422,
        "validation-error",
    )
    assert "school_code, grade, class_name" in str(body["detail"])


def test_personal_data_fields_are_refused(client: TestClient, school: str) -> None:
    """Never an ID number or a phone number: unknown fields are a 422, not silently stored."""
    for field in ("id_number", "phone", "real_name"):
        body = assert_problem(
            client.post("/api/v1/participants", json={**STUDENT, field: "x"}),
            422,
            "validation-error",
        )
        assert any(e["field"] == field for e in body["errors"])


def test_bad_values_each_give_a_field_error(client: TestClient) -> None:
    cases = [
        {"track": "pilot"},
        {"track": "adult", "lang": "fr"},
        {"track": "adult", "nickname": "<script>"},
        {"track": "adult", "nickname": "x" * 21},
        {
            "track": "student",
            "school_code": "S001",
            "grade": 13,
            "class_name": "1",
            "nickname": "a",
        },
        {"track": "adult", "school_code": "S001"},
    ]
    for body in cases:
        assert_problem(client.post("/api/v1/participants", json=body), 422, "validation-error")
    response = client.post(
        "/api/v1/participants", content=b"{not json", headers={"content-type": "application/json"}
    )
    assert_problem(response, 422, "validation-error")


def test_unknown_campaign_is_404(client: TestClient) -> None:
    assert_problem(
        client.post("/api/v1/participants", json={"track": "adult", "campaign": "nope-2020"}),
        404,
        "unknown-campaign",
    )


def test_joining_after_the_campaign_closed_is_409(client: TestClient, clock: Clock) -> None:
    clock.advance(days=30)
    assert_problem(
        client.post("/api/v1/participants", json={"track": "adult"}), 409, "campaign-ended"
    )


def test_tokens_are_checked(client: TestClient) -> None:
    headers = join(client)
    forged = headers["Authorization"][:-3] + "abc"
    assert_problem(
        client.get("/api/v1/participants/me", headers={"Authorization": forged}),
        401,
        "invalid-token",
    )
    assert_problem(client.get("/api/v1/participants/me"), 401, "not-authenticated")
    assert_problem(
        client.get("/api/v1/participants/me", headers={"Authorization": "Bearer p1.999999.x"}),
        401,
        "invalid-token",
    )


def assert_allows(client: TestClient, method: str, path: str, allowed: str) -> None:
    """A 405 names every method of the path: the standard's ``Allow``."""
    response = client.request(method, path)
    assert_problem(response, 405, "method-not-allowed")
    assert response.headers["allow"] == allowed


def test_unknown_api_path_is_a_problem_not_html(client: TestClient) -> None:
    assert_problem(client.get("/api/v1/nothing-here"), 404, "not-found")
    assert_allows(client, "DELETE", "/api/v1/participants", "POST")
    assert_allows(client, "DELETE", "/api/v1/visits", "GET, POST")
    assert_allows(client, "OPTIONS", "/api/v1/attempts/1/submit", "POST")


def test_site_is_served_beside_the_api(settings: Settings, engine: Engine, tmp_path: Path) -> None:
    from quiz_api.api.app import create_app

    (tmp_path / "index.html").write_text("<h1>禁毒</h1>", "utf-8")
    (tmp_path / "404.html").write_text("<h1>404</h1>", "utf-8")
    app = create_app(settings.model_copy(update={"site_dir": tmp_path}))
    with TestClient(app) as client:
        home = client.get("/")
        assert home.status_code == 200 and "禁毒" in home.text
        assert home.headers["cache-control"] == "no-cache"
        assert_problem(client.get("/api/v1/nothing-here"), 404, "not-found")
        assert_problem(client.post("/api/v1/nothing-here"), 404, "not-found")
        # The site answers what no route took, but a route's path is the route's 405.
        assert_allows(client, "GET", "/api/v1/participants", "POST")
        assert_allows(client, "DELETE", "/api/v1/visits", "GET, POST")
        assert_allows(client, "POST", "/", "GET, HEAD")
        assert client.get("/missing-page/").status_code == 404
