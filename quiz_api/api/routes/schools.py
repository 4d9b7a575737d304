"""Public school search for the H5 page: pick a school, then a grade and class. No
enrolment figures here (those are for staff, in the reports)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Response
from pydantic import BaseModel

from quiz_api.api.deps import DistrictsDep, SessionDep
from quiz_api.api.problems import problem_responses
from quiz_api.core.errors import DomainError, ProblemType
from quiz_api.services.schools import school_classes, search_schools

router = APIRouter(prefix="/schools", tags=["schools"])
CACHE = "public, max-age=300"


class SchoolOut(BaseModel):
    code: str
    name: str
    district: str
    level: str


class GradeOut(BaseModel):
    grade: int
    classes: list[str]


class SchoolClassesOut(SchoolOut):
    grades: list[GradeOut]


class DistrictOut(BaseModel):
    code: str
    name: str
    names: dict[str, str]


@router.get(
    "",
    response_model=list[SchoolOut],
    responses=problem_responses(422),
    summary="Search schools by code, name or district (type-ahead)",
)
def search(
    session: SessionDep,
    districts: DistrictsDep,
    response: Response,
    q: Annotated[str, Query(max_length=50, description="code prefix or part of a name")] = "",
    district: Annotated[str | None, Query(max_length=100)] = None,
    limit: Annotated[int, Query(ge=1, le=20)] = 20,
) -> list[SchoolOut]:
    response.headers["Cache-Control"] = CACHE
    return [
        SchoolOut(code=s.code, name=s.name, district=s.district, level=s.level)
        for s in search_schools(session, districts, q, district, limit)
    ]


@router.get(
    "/districts",
    response_model=list[DistrictOut],
    summary="The city's districts, with their names in the four languages",
)
def districts(response: Response, known: DistrictsDep) -> list[DistrictOut]:
    response.headers["Cache-Control"] = CACHE
    return [DistrictOut(code=d.code, name=d.name, names=d.names) for d in known]


@router.get(
    "/{code}/classes",
    response_model=SchoolClassesOut,
    responses=problem_responses(404, 422),
    summary="A school's grades and classes",
)
def classes(
    session: SessionDep, response: Response, code: Annotated[str, Path(max_length=32)]
) -> SchoolClassesOut:
    found = school_classes(session, code)
    if found is None:
        raise DomainError(ProblemType.unknown_school, f"no school with code {code!r}")
    school, grades = found
    response.headers["Cache-Control"] = CACHE
    return SchoolClassesOut(
        code=school.code,
        name=school.name,
        district=school.district,
        level=school.level,
        grades=[GradeOut(grade=g, classes=names) for g, names in sorted(grades.items())],
    )
