from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from fastapi.responses import JSONResponse
from sqlalchemy.engine import Engine

from quiz_api.api.schemas import HealthOut
from quiz_api.db.engine import database_reachable, engine_dependency

router = APIRouter(tags=["health"])


@router.get(
    "/healthz",
    response_model=HealthOut,
    responses={503: {"model": HealthOut, "description": "The database is unreachable"}},
    summary="Liveness and database reachability",
)
def healthz(engine: Annotated[Engine, Depends(engine_dependency)]) -> JSONResponse:
    if not database_reachable(engine):
        body = HealthOut(status="unavailable", database="unreachable")
        return JSONResponse(body.model_dump(), status_code=503)
    return JSONResponse(HealthOut(status="ok", database="ok").model_dump())
