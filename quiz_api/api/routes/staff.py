"""Staff login (short-lived signed tokens) and the ``CurrentStaff`` dependency of the
reports."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Depends
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, ConfigDict, Field

from quiz_api.api.deps import NowDep, SessionDep, SettingsDep
from quiz_api.api.problems import Problem, problem_responses
from quiz_api.db.models import StaffAccount, StaffRole
from quiz_api.services.staff import Scope, authenticate, issue_token, staff_from_token

router = APIRouter(prefix="/staff", tags=["staff"])

_bearer = HTTPBearer(
    auto_error=False,
    scheme_name="StaffToken",
    description="The token returned by POST /api/v1/staff/token",
)


class LoginRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    username: Annotated[str, Field(min_length=1, max_length=64)]
    password: Annotated[str, Field(min_length=1, max_length=256)]


class StaffOut(BaseModel):
    username: str
    role: StaffRole
    school_code: str | None
    district: str | None


class TokenOut(StaffOut):
    access_token: str
    token_type: Literal["bearer"] = "bearer"
    expires_at: datetime


def _staff(
    session: SessionDep,
    settings: SettingsDep,
    now: NowDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> StaffAccount:
    if credentials is None:
        raise Problem(
            401,
            "not-authenticated",
            "send the staff token as `Authorization: Bearer ...` (POST /api/v1/staff/token)",
            headers={"WWW-Authenticate": "Bearer"},
        )
    staff_id = staff_from_token(settings.secret_key, credentials.credentials, now)
    account = session.get(StaffAccount, staff_id) if staff_id else None
    if account is None or not account.active:
        raise Problem(
            401,
            "invalid-token",
            "the staff token is not valid or has expired: log in again",
            headers={"WWW-Authenticate": 'Bearer error="invalid_token"'},
        )
    return account


CurrentStaff = Annotated[StaffAccount, Depends(_staff)]


def _scope(account: CurrentStaff) -> Scope:
    return Scope.of(account)


StaffScope = Annotated[Scope, Depends(_scope)]


def _out(account: StaffAccount) -> StaffOut:
    return StaffOut(
        username=account.username,
        role=StaffRole(account.role),
        school_code=account.school_code,
        district=account.district,
    )


@router.post(
    "/token",
    response_model=TokenOut,
    responses=problem_responses(400, 401, 422),
    summary="Staff login: a short-lived bearer token for the reports",
)
def login(body: LoginRequest, session: SessionDep, settings: SettingsDep, now: NowDep) -> TokenOut:
    account = authenticate(session, body.username, body.password)
    token, expires_at = issue_token(settings.secret_key, account, now)
    return TokenOut(**_out(account).model_dump(), access_token=token, expires_at=expires_at)


@router.get(
    "/me", response_model=StaffOut, responses=problem_responses(401), summary="Who the token is"
)
def me(account: CurrentStaff) -> StaffOut:
    return _out(account)
