"""deploy/monitoring/: the alert rules pass promtool's check and their unit tests, and the
rules and the Grafana dashboard use only the metric names issue #18 fixes, so that the
metrics added to the API later make them work as they are."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests import ROOT

MONITORING = ROOT / "deploy" / "monitoring"
# The names of issue #18 (a histogram also gives _bucket, _sum and _count series).
COUNTERS = {
    "http_requests_total",
    "quiz_attempts_started_total",
    "quiz_attempts_submitted_total",
    "quiz_attempts_expired_total",
    "quiz_survey_responses_total",
    "quiz_refusals_total",
    "quiz_redis_fallbacks_total",
    "quiz_content_refreshes_total",
    "quiz_daily_answers_total",
}
HISTOGRAMS = {"http_request_duration_seconds"}
GAUGES = {"quiz_db_pool_in_use"}
KNOWN = (
    COUNTERS
    | GAUGES
    | {f"{name}{suffix}" for name in HISTOGRAMS for suffix in ("_bucket", "_sum", "_count")}
)
OURS = re.compile(r"\b(?:http|quiz)_[a-z_]+\b")
# What an operator must wake up for (issue #18), each an alert that pages.
PAGES = {
    "QuizApiDown",
    "QuizHigh5xxShare",
    "QuizSlowP99",
    "QuizRefusing",
    "QuizDatabaseUnavailable",
    "QuizNoSubmissions",
}


def promtool(*args: str) -> subprocess.CompletedProcess[str]:
    tool = shutil.which("promtool")
    if tool is None:
        pytest.fail("Debian's prometheus (promtool) is missing: run `make system-deps`")
    return subprocess.run(
        [tool, *args], capture_output=True, text=True, cwd=MONITORING, timeout=120
    )


def rules() -> list[dict[str, Any]]:
    spec = yaml.safe_load((MONITORING / "alerts.yml").read_text())
    return [rule for group in spec["groups"] for rule in group["rules"]]


def dashboard_exprs() -> list[str]:
    dashboard = json.loads((MONITORING / "grafana-dashboard.json").read_text())
    return [target["expr"] for panel in dashboard["panels"] for target in panel.get("targets", [])]


def test_rules_pass_promtool_check_and_their_unit_tests() -> None:
    checked = promtool("check", "rules", "alerts.yml")
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "SUCCESS" in checked.stdout and "WARNING" not in checked.stdout + checked.stderr
    tested = promtool("test", "rules", "alerts.test.yml")
    assert tested.returncode == 0, tested.stdout + tested.stderr


def test_every_paging_condition_has_a_tested_alert_and_a_runbook() -> None:
    alerts = {rule["alert"]: rule for rule in rules()}
    paging = {name for name, rule in alerts.items() if rule["labels"]["severity"] == "page"}
    assert paging == PAGES
    runbook = (ROOT / "docs" / "operations.md").read_text()
    tests = (MONITORING / "alerts.test.yml").read_text()
    for name, rule in alerts.items():
        assert rule["annotations"]["runbook_url"] == f"docs/operations.md#{name.lower()}"
        assert f"### {name}" in runbook, f"docs/operations.md has no section for {name}"
        assert f"alertname: {name}" in tests, f"alerts.test.yml does not test {name}"


def test_rules_and_dashboard_use_only_the_issues_metric_names() -> None:
    exprs = [rule["expr"] for rule in rules()] + dashboard_exprs()
    used = {name for expr in exprs for name in OURS.findall(expr)}
    assert used <= KNOWN, used - KNOWN
    # The dashboard shows every metric (a histogram through its buckets).
    shown = {name for expr in dashboard_exprs() for name in OURS.findall(expr)}
    assert COUNTERS | GAUGES | {"http_request_duration_seconds_bucket"} <= shown


def test_dashboard_is_importable_and_its_queries_parse(tmp_path: Path) -> None:
    dashboard = json.loads((MONITORING / "grafana-dashboard.json").read_text())
    assert dashboard["uid"] and dashboard["title"]
    variables = {v["name"] for v in dashboard["templating"]["list"]}
    assert {"datasource", "job"} <= variables
    ids = [panel["id"] for panel in dashboard["panels"]]
    assert len(ids) == len(set(ids))
    for panel in dashboard["panels"]:
        for target in panel.get("targets", []):
            assert panel["datasource"]["uid"] == "${datasource}"
            assert 'job="$job"' in target["expr"], target["expr"]
    # promtool parses each query (with Grafana's variable filled in) as a recording rule.
    recorded = [
        {"record": f"dashboard:query_{n}", "expr": expr.replace("$job", "quiz-api")}
        for n, expr in enumerate(dashboard_exprs())
    ]
    queries = tmp_path / "dashboard-queries.yml"
    queries.write_text(yaml.safe_dump({"groups": [{"name": "dashboard", "rules": recorded}]}))
    checked = promtool("check", "rules", str(queries))
    assert checked.returncode == 0, checked.stdout + checked.stderr
