"""Health for load balancers and process managers, and the Prometheus metrics.

- ``/healthz``: the process answers and the database too (503 when it does not).
- ``/livez``: the process answers; touches nothing (restart the worker when this fails).
- ``/readyz``: the database and, when configured, Redis, each given 1 s; 503 only when the
  database is unreachable (take the worker out of rotation), a missing Redis is reported.
- ``/metrics``: the Prometheus text format, every worker's sums (nginx answers it only to
  the monitoring addresses).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from fastapi import APIRouter, Response
from fastapi.responses import JSONResponse

from quiz_api.api.deps import EngineDep, SettingsDep
from quiz_api.api.problems import Problem
from quiz_api.api.schemas import HealthOut, LiveOut, ReadyChecks, ReadyOut
from quiz_api.core.errors import ProblemType
from quiz_api.db.engine import database_reachable
from quiz_api.integrations import metrics
from quiz_api.integrations.ranks import redis_reachable

router = APIRouter(tags=["health"])
CHECK_TIMEOUT_SECONDS = 1.0


@router.get(
    "/healthz",
    response_model=HealthOut,
    responses={503: {"model": HealthOut, "description": "The database is unreachable"}},
    summary="Liveness and database reachability",
)
def healthz(engine: EngineDep) -> JSONResponse:
    if not database_reachable(engine):
        body = HealthOut(status="unavailable", database="unreachable")
        return JSONResponse(body.model_dump(), status_code=503)
    return JSONResponse(HealthOut(status="ok", database="ok").model_dump())


@router.get("/livez", response_model=LiveOut, summary="The process answers (touches nothing)")
async def livez() -> LiveOut:
    return LiveOut(status="ok")


async def _within_timeout(check: Callable[[], bool]) -> bool:
    """``check()`` in a thread, False when it fails or takes longer than 1 s (the
    thread is left to finish on its own: a connect timeout ends it)."""
    try:
        return await asyncio.wait_for(asyncio.to_thread(check), timeout=CHECK_TIMEOUT_SECONDS)
    except TimeoutError:
        return False


@router.get(
    "/readyz",
    response_model=ReadyOut,
    responses={503: {"model": ReadyOut, "description": "The database is unreachable"}},
    summary="Ready for traffic: the database and, when configured, Redis answer",
)
async def readyz(engine: EngineDep, settings: SettingsDep) -> JSONResponse:
    url = settings.redis_url
    database_ok, redis_ok = await asyncio.gather(
        _within_timeout(lambda: database_reachable(engine)),
        _within_timeout(lambda: redis_reachable(url, CHECK_TIMEOUT_SECONDS)),
    )
    checks = ReadyChecks(
        database="ok" if database_ok else "unreachable",
        redis="not-configured" if not url else "ok" if redis_ok else "unreachable",
    )
    body = ReadyOut(status="ok" if database_ok else "unavailable", checks=checks)
    return JSONResponse(body.model_dump(), status_code=200 if database_ok else 503)


@router.get("/metrics", include_in_schema=False)
async def prometheus_metrics(settings: SettingsDep) -> Response:
    if not settings.metrics:
        raise Problem(ProblemType.not_found, "metrics are turned off (QUIZ_METRICS=false)")
    return Response(metrics.exposition(), media_type=metrics.CONTENT_TYPE)
