"""GET /healthz: what a load balancer asks of a worker."""

from __future__ import annotations

from fastapi.testclient import TestClient


def test_health_reports_the_database(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"status": "ok", "database": "ok"}
