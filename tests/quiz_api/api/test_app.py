"""Schemathesis with every one of its checks over every operation of the OpenAPI schema:
no input makes the API answer 500, and every answer (status, content type, headers, body,
``Allow`` of a 405) is what the schema says."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import schemathesis
from fastapi.testclient import TestClient
from schemathesis import Case
from schemathesis.checks import CHECKS
from schemathesis.config import SchemathesisConfig
from schemathesis.engine import events
from schemathesis.engine.recorder import ScenarioRecorder
from schemathesis.hooks import GLOBAL_HOOK_DISPATCHER, HookContext
from schemathesis.python.asgi import shutdown_lifespans

from quiz_api.api.schemas import PRINTABLE
from tests.plugins import factories
from tests.plugins.staff import StaffFactory

ALL_CHECKS = CHECKS.get_all_names()
BeforeCall = Callable[[HookContext, Case[Any], dict[str, Any]], None]


@dataclass
class Run:
    """What a schemathesis run did: the operations and checks it ran, and what failed."""

    operations: set[str] = field(default_factory=set)
    checks: set[str] = field(default_factory=set)
    failures: list[str] = field(default_factory=list)

    def record(self, phase: str, recorder: ScenarioRecorder) -> None:
        for case_id, checks in recorder.checks.items():
            case = recorder.cases[case_id].value
            self.operations.add(case.operation.label)
            for check in checks:
                self.checks.add(check.name)
                if check.failure_info is not None:
                    failure = check.failure_info.failure
                    self.failures.append(
                        f"{phase} {check.name}: {case.method} {case.formatted_path} "
                        f"query={case.query} body={case.body!r}: {failure.title}\n{failure.message}"
                    )


# Statuses a schema-valid request may get by the contract: schemathesis' default for
# positive_data_acceptance, which leaves out 422, and 422, for the operations whose 422
# depends on data or state the schema cannot state. Every other check applies to them.
ACCEPTED_OR_422 = ["2xx", "3xx", "401", "403", "404", "409", "422", "429", "5xx"]
BEYOND_THE_SCHEMA = {
    # Answers must name the questions of this attempt's paper (q1..qN) and their options
    # (A.. up to each question's count, one for a single choice): validation-error.
    "POST /api/v1/attempts/{attempt_id}/submit",
    # scope=district|school needs `code` unless the token's participant has one: a rule
    # across two parameters and the token (validation-error).
    "GET /api/v1/leaderboards/{track}",
    # The options of the day's question (A.. up to its count, one for a single choice).
    "POST /api/v1/daily/{track}/{day}/answer",
    # `from` and `to` must be days that exist (2026-02-30 does not), in order, at most 366
    # days apart: rules across two parameters and the calendar (validation-error).
    "GET /api/v1/reports/daily",
}
ROSTER_SCHOOL = "S002"  # of the `school` fixture; it lists no classes, so any class is one


def roster_school(context: HookContext, case: Case[Any], kwargs: dict[str, Any]) -> None:
    """Schemathesis' ``before_call`` hook: a school code the schema allows stands for the
    roster's school, so that a valid join is one (a student names a school of the roster,
    which the schema cannot list). Schemathesis checks the case again after the hook."""
    body = case.body
    if not isinstance(body, dict):
        return
    code = body.get("school_code")
    valid = isinstance(code, str) and 1 <= len(code.strip()) <= len(code) <= 32
    if valid and re.fullmatch(PRINTABLE, str(code)):
        body["school_code"] = ROSTER_SCHOOL


def run_schemathesis(client: TestClient, config: dict[str, Any], before_call: BeforeCall) -> Run:
    """Every phase (examples, coverage, fuzzing, stateful) against the application in
    process; its lifespan, started by schemathesis, ends with the run."""
    schema = schemathesis.openapi.from_asgi(
        "/api/v1/openapi.json", client.app, config=SchemathesisConfig.from_dict(config)
    )
    run = Run()
    # Schemathesis keeps its hooks of a call globally: this one is there for the run only.
    schemathesis.hook("before_call")(before_call)
    try:
        for event in schemathesis.engine.from_schema(schema).execute():
            if isinstance(event, events.ScenarioFinished):
                run.record(event.phase.value, event.recorder)
            elif isinstance(event, events.NonFatalError):
                run.failures.append(f"error in {event.label}: {event.info.message}")
            elif isinstance(event, events.FatalError):
                run.failures.append(f"fatal: {event.exception!r}")
    finally:
        GLOBAL_HOOK_DISPATCHER.unregister(before_call)
        shutdown_lifespans()
    return run


def fuzz(client: TestClient, school: str, staff: StaffFactory, path_regex: str = "") -> None:
    """Schemathesis over the operations whose path matches, as a student of ``school`` and
    as city staff: nothing found, every operation and every check run."""
    student = factories.join(
        client, track="student", school_code=school, grade=7, class_name="1班", nickname="fuzz"
    )
    assert client.post("/api/v1/attempts", headers=student).status_code == 201
    city = staff("city")
    config: dict[str, Any] = {
        "checks": {"enabled": True},
        # The same cases on every run: a finding is a regression, never a matter of luck.
        "generation": {"max-examples": 10, "deterministic": True},
        "auth": {
            "openapi": {
                "HTTPBearer": {"bearer": student["Authorization"].removeprefix("Bearer ")},
                "StaffToken": {"bearer": city["Authorization"].removeprefix("Bearer ")},
            }
        },
        # The schema's links say which answers name which resources; inferred ones would
        # also pair a new attempt with its result, which exists only after submitting.
        "phases": {"stateful": {"inference": {"algorithms": []}}},
        "operations": [
            {
                "include-name": name,
                "checks": {"positive_data_acceptance": {"expected-statuses": ACCEPTED_OR_422}},
            }
            for name in sorted(BEYOND_THE_SCHEMA)
        ],
    }
    if path_regex:  # the other operations are left out, and with them every link
        config["operations"].append({"exclude-path-regex": path_regex, "enabled": False})
        config["phases"]["stateful"]["enabled"] = False
    run = run_schemathesis(client, config, roster_school)
    assert not run.failures, "\n\n".join(run.failures)
    documented = {
        f"{method.upper()} {path}"
        for path, operations in client.get("/api/v1/openapi.json").json()["paths"].items()
        for method in operations
        if re.search(path_regex, path)
    }
    assert run.operations == documented
    assert run.checks >= set(ALL_CHECKS)


def test_every_check_finds_nothing(client: TestClient, school: str, staff: StaffFactory) -> None:
    fuzz(client, school, staff)  # WeChat not configured: its routes answer 404


def test_every_check_finds_nothing_in_wechat(
    wx: TestClient, school: str, staff: StaffFactory
) -> None:
    """The WeChat routes once more, WeChat configured against the fake."""
    fuzz(wx, school, staff, "/wechat/")
