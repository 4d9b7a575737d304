from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from quiz_api.api.deps import EngineDep
from quiz_api.api.schemas import HealthOut

router = APIRouter(tags=["health"])


@router.get(
    "/healthz",
    response_model=HealthOut,
    responses={503: {"model": HealthOut, "description": "The database is unreachable"}},
    summary="Liveness and database reachability",
)
def healthz(engine: EngineDep) -> JSONResponse:
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except SQLAlchemyError:
        body = HealthOut(status="unavailable", database="unreachable")
        return JSONResponse(body.model_dump(), status_code=503)
    return JSONResponse(HealthOut(status="ok", database="ok").model_dump())
