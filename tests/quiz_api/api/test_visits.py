"""Anonymous visit counters (the VR exhibition's sections and other pages)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from fastapi.testclient import TestClient

from tests.plugins.app import Clock, assert_problem


def test_visits_are_counted_per_page_and_summed(client: TestClient, clock: Clock) -> None:
    for page in ("exhibition/zh/s01", "exhibition/zh/s01", "exhibition/en/s02", "posters/school"):
        assert client.post("/api/v1/visits", json={"page": page}).status_code == 204
    clock.advance(days=1)
    client.post("/api/v1/visits", json={"page": "exhibition/zh/s01"})
    totals = client.get("/api/v1/visits", params={"prefix": "exhibition/"}).json()
    assert totals == {
        "prefix": "exhibition/",
        "total": 4,
        "pages": {"exhibition/zh/s01": 3, "exhibition/en/s02": 1},
    }


def test_concurrent_first_visits_lose_none(client: TestClient) -> None:
    with ThreadPoolExecutor(8) as pool:
        codes = list(
            pool.map(
                lambda _: client.post("/api/v1/visits", json={"page": "hall"}).status_code,
                range(40),
            )
        )
    assert codes == [204] * 40
    assert client.get("/api/v1/visits", params={"prefix": "hall"}).json()["total"] == 40


def test_bad_page_names_are_refused(client: TestClient) -> None:
    for page in ("", "../etc", "A" * 200, "<script>"):
        assert_problem(client.post("/api/v1/visits", json={"page": page}), 422, "validation-error")
