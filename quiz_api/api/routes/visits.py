from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response, status
from pydantic import BaseModel, ConfigDict, StringConstraints

from quiz_api.api.deps import NowDep, SessionDep
from quiz_api.api.problems import problem_responses
from quiz_api.services.visits import record_visit, visit_totals

router = APIRouter(prefix="/visits", tags=["visits"])

PagePath = Annotated[
    str, StringConstraints(min_length=1, max_length=120, pattern=r"^[a-z0-9][a-z0-9/_-]*$")
]


class VisitIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    page: PagePath


class VisitTotals(BaseModel):
    prefix: str
    total: int
    pages: dict[str, int]


@router.post(
    "",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=problem_responses(400, 422),
    summary="Count one anonymous visit of a page (e.g. exhibition/zh/section-03)",
)
def visit(body: VisitIn, session: SessionDep, now: NowDep) -> Response:
    # Day in China's time zone: the office reports by its own calendar day.
    from zoneinfo import ZoneInfo

    record_visit(session, body.page, now.astimezone(ZoneInfo("Asia/Shanghai")).date().isoformat())
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get(
    "", response_model=VisitTotals, responses=problem_responses(422), summary="Visit totals"
)
def totals(
    session: SessionDep,
    prefix: Annotated[str, Query(max_length=120, pattern=r"^[a-z0-9/_-]*$")] = "",
) -> VisitTotals:
    pages = visit_totals(session, prefix)
    return VisitTotals(prefix=prefix, total=sum(pages.values()), pages=pages)
