"""Request ids, the Prometheus metrics of one worker, and the health endpoints."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from quiz_api.api.app import create_app
from quiz_api.api.routes import health
from quiz_api.core.config import PROJECT_ROOT, Settings
from tests.plugins import factories

# Every name the dashboards and alert rules of deploy/monitoring/ rely on.
METRIC_NAMES = (
    "http_requests_total",
    "http_request_duration_seconds_bucket",
    "quiz_attempts_started_total",
    "quiz_attempts_submitted_total",
    "quiz_attempts_expired_total",
    "quiz_survey_responses_total",
    "quiz_refusals_total",
    "quiz_db_pool_in_use",
    "quiz_redis_fallbacks_total",
    "quiz_content_refreshes_total",
)


def _sample(text: str, name: str, **labels: str) -> float:
    """The value of one sample of the exposition, 0 when absent."""
    wanted = ",".join(f'{key}="{value}"' for key, value in labels.items())
    pattern = re.escape(name) + (r"\{" + re.escape(wanted) + r"\}" if labels else "") + r" (\S+)"
    match = re.search("^" + pattern + "$", text, re.MULTILINE)
    return float(match.group(1)) if match else 0.0


def test_a_request_id_is_taken_or_made_and_returned(client: TestClient) -> None:
    mine = client.get("/api/v1/no-such-thing", headers={"X-Request-ID": "phone-42.retry_1"})
    assert mine.headers["X-Request-ID"] == "phone-42.retry_1"
    assert mine.json()["request_id"] == "phone-42.retry_1"
    for bad in ("has space", "x" * 65, "a/b;<script>", ""):
        replaced = client.get("/api/v1/no-such-thing", headers={"X-Request-ID": bad})
        made = replaced.headers["X-Request-ID"]
        assert made != bad and re.fullmatch(r"[0-9a-f]{32}", made)
        assert replaced.json()["request_id"] == made
    ok = client.get("/livez")
    assert ok.status_code == 200 and ok.json() == {"status": "ok"}
    assert re.fullmatch(r"[0-9a-f]{32}", ok.headers["X-Request-ID"])
    # A validation problem too (another handler).
    invalid = client.post("/api/v1/participants", json={"track": "nope"})
    assert invalid.status_code == 422
    assert invalid.json()["request_id"] == invalid.headers["X-Request-ID"]


def test_metrics_count_requests_by_route_template_and_events(client: TestClient) -> None:
    before = client.get("/metrics").text
    headers = factories.join(client, track="adult")
    attempt = client.post("/api/v1/attempts", headers=headers).json()
    answers = [{"question_id": q["id"], "choices": ["A"]} for q in attempt["questions"]]
    submitted = client.post(
        f"/api/v1/attempts/{attempt['attempt_id']}/submit",
        json={"answers": answers},
        headers=headers,
    )
    assert submitted.status_code == 200, submitted.text
    response = client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    after = response.text
    for name in METRIC_NAMES:
        assert re.search(f"^{name}[{{ ]", after, re.MULTILINE), f"{name} is not exposed"
    route = "/api/v1/attempts/{attempt_id}/submit"
    labels = {"method": "POST", "route": route, "status": "2xx"}
    assert _sample(after, "http_requests_total", **labels) == (
        _sample(before, "http_requests_total", **labels) + 1
    )
    assert f"/api/v1/attempts/{attempt['attempt_id']}" not in after  # never a raw path
    for name in ("quiz_attempts_started_total", "quiz_attempts_submitted_total"):
        assert _sample(after, name, track="adult") == _sample(before, name, track="adult") + 1
    assert _sample(after, "quiz_db_pool_in_use") >= 0


def test_metrics_can_be_turned_off(settings: Settings) -> None:
    with TestClient(create_app(settings.model_copy(update={"metrics": False}))) as client:
        response = client.get("/metrics")
        assert response.status_code == 404
        assert response.json()["type"] == "/problems/not-found"


def test_readyz_reports_each_dependency(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The checks' 1 s is for production; a busy test machine may take longer to connect.
    monkeypatch.setattr(health, "CHECK_TIMEOUT_SECONDS", 10.0)
    with TestClient(create_app(settings)) as client:
        ready = client.get("/readyz")
        assert ready.status_code == 200
        assert ready.json() == {
            "status": "ok",
            "checks": {"database": "ok", "redis": "not-configured"},
        }
    # A closed port stands for a Redis that is down: reported, not fatal.
    no_redis = settings.model_copy(update={"redis_url": "redis://127.0.0.1:1/0"})
    with TestClient(create_app(no_redis)) as client:
        ready = client.get("/readyz")
        assert ready.status_code == 200
        assert ready.json()["checks"] == {"database": "ok", "redis": "unreachable"}


def test_readyz_is_503_without_the_database(settings: Settings) -> None:
    # A closed port stands for a stopped PostgreSQL.
    gone = settings.model_copy(update={"database_url": "postgresql+psycopg://quiz@127.0.0.1:1/x"})
    with TestClient(create_app(gone)) as client:
        assert client.get("/livez").status_code == 200  # the process itself is fine
        ready = client.get("/readyz")
        assert ready.status_code == 503
        assert ready.json() == {
            "status": "unavailable",
            "checks": {"database": "unreachable", "redis": "not-configured"},
        }


def test_the_monitoring_files_ask_only_for_what_is_exposed(client: TestClient) -> None:
    """Every metric and label of deploy/monitoring's alerts and dashboard exists here."""
    monitoring = PROJECT_ROOT / "deploy" / "monitoring"
    queries = (monitoring / "alerts.yml").read_text() + (
        monitoring / "grafana-dashboard.json"
    ).read_text()
    client.get("/livez")
    exposed = client.get("/metrics").text
    samples = set(re.findall(r"^([a-z_]+)(?:\{([^}]*)\})? ", exposed, re.MULTILINE))
    names = {name for name, _ in samples}
    labels: dict[str, set[str]] = {}
    for name, text in samples:
        labels.setdefault(name, set()).update(re.findall(r'(\w+)="', text))
    asked = set(re.findall(r"\b((?:http|quiz)_[a-z_]+)", queries))
    assert asked, "no metric found in deploy/monitoring"
    assert asked <= names, f"not exposed: {sorted(asked - names)}"
    for name, selector in re.findall(r"\b((?:http|quiz)_[a-z_]+)\{([^}]*)\}", queries):
        used = set(re.findall(r"(\w+)\s*(?:=~|!=|=)", selector.replace('\\"', '"'))) - {"job"}
        assert used <= labels[name], f"{name} has no label {sorted(used - labels[name])}"


def test_an_unexpected_error_answers_500_with_the_request_id(settings: Settings) -> None:
    app = create_app(settings)

    @app.get("/api/v1/test-only-failure")
    def fail() -> None:
        raise RuntimeError("a bug")

    with TestClient(app, raise_server_exceptions=False) as client:
        before = _sample(
            client.get("/metrics").text,
            "http_requests_total",
            method="GET",
            route="/api/v1/test-only-failure",
            status="5xx",
        )
        response = client.get("/api/v1/test-only-failure", headers={"X-Request-ID": "bug-1"})
        assert response.status_code == 500
        assert response.headers["X-Request-ID"] == "bug-1"
        assert response.json()["type"] == "/problems/internal-error"
        assert response.json()["request_id"] == "bug-1"
        after = client.get("/metrics").text
    labels = {"method": "GET", "route": "/api/v1/test-only-failure", "status": "5xx"}
    assert _sample(after, "http_requests_total", **labels) == before + 1
