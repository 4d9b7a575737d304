"""Staff login (short-lived signed tokens); ``CurrentStaff`` in ``api/deps.py`` checks them."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field

from quiz_api.api.deps import CurrentStaff, NowDep, SessionDep, SettingsDep
from quiz_api.api.problems import problem_responses
from quiz_api.db.models import StaffAccount, StaffRole
from quiz_api.services.staff import authenticate, issue_token

router = APIRouter(prefix="/staff", tags=["staff"])


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
    token, expires_at = issue_token(settings.secret_key, account, now, settings.staff.token_minutes)
    return TokenOut(**_out(account).model_dump(), access_token=token, expires_at=expires_at)


@router.get(
    "/me", response_model=StaffOut, responses=problem_responses(401), summary="Who the token is"
)
def me(account: CurrentStaff) -> StaffOut:
    return _out(account)
