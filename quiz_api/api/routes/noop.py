"""GET /api/v1/noop: the same server stack (routing, a dependency, the thread pool, JSON)
without any work, so the load tests can state how much of a worker's capacity the real
endpoints leave to Python and the database (the efficiency ratio). Answers only when
``QUIZ_BENCHMARK_ENDPOINTS`` is true, and stays out of the OpenAPI schema."""

from __future__ import annotations

from fastapi import APIRouter

from quiz_api.api.deps import SettingsDep
from quiz_api.core.errors import DomainError, ProblemType

router = APIRouter(tags=["benchmark"], include_in_schema=False)


@router.get("/noop")
def noop(settings: SettingsDep) -> dict[str, bool]:
    if not settings.benchmark_endpoints:
        raise DomainError(ProblemType.not_found, "no API endpoint /api/v1/noop")
    return {"ok": True}
