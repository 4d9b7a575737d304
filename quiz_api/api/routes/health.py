from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from quiz_api.api.deps import EngineDep
from quiz_api.api.schemas import HealthOut
from quiz_api.db.engine import database_reachable

router = APIRouter(tags=["health"])


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
