"""Staff accounts (school, district, city), their Argon2 passwords, short-lived signed
tokens, and the scope each role may read. Every report query goes through ``Scope``."""

from __future__ import annotations

import base64
import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from quiz_api.api.problems import Problem
from quiz_api.db.models import School, StaffAccount, StaffRole
from quiz_api.services.schools import Districts, resolve_district

TOKEN_PREFIX = "s1"  # participant tokens start with "p1": the two never pass for each other
MIN_PASSWORD = 10
_hasher = PasswordHasher()
# Verified when the username is unknown, so that both answers take as long.
_DUMMY_HASH = _hasher.hash("not-a-real-password")


class StaffInvalid(ValueError):
    pass


def create_account(
    session: Session,
    *,
    username: str,
    password: str,
    role: StaffRole,
    school_code: str | None,
    district: str | None,
    now: datetime,
    districts: Districts,
) -> StaffAccount:
    """Create an account; raises ``StaffInvalid`` with the reason. Commits."""
    username = username.strip()
    if not 3 <= len(username) <= 64 or not username.isprintable() or " " in username:
        raise StaffInvalid("the username needs 3 to 64 characters, no spaces")
    if len(password) < MIN_PASSWORD:
        raise StaffInvalid(f"the password needs at least {MIN_PASSWORD} characters")
    if role is StaffRole.school:
        if not school_code or district:
            raise StaffInvalid("a school account needs --school (and no --district)")
        school = session.get(School, school_code)
        if school is None:
            raise StaffInvalid(f"no school with code {school_code!r}: import the roster first")
        district = school.district
    elif role is StaffRole.district:
        if not district or school_code:
            raise StaffInvalid("a district account needs --district (and no --school)")
        resolved = resolve_district(districts, district)
        if resolved is None:
            raise StaffInvalid(f"unknown district {district!r}")
        district = resolved.name
    elif school_code or district:
        raise StaffInvalid("a city account takes neither --school nor --district")
    account = StaffAccount(
        username=username,
        password_hash=_hasher.hash(password),
        role=role.value,
        school_code=school_code,
        district=district,
        created_at=now,
    )
    session.add(account)
    try:
        session.commit()
    except IntegrityError as exc:
        session.rollback()
        raise StaffInvalid(f"the username {username!r} is taken") from exc
    return account


def set_password(session: Session, username: str, password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise StaffInvalid(f"the password needs at least {MIN_PASSWORD} characters")
    account = session.exec(select(StaffAccount).where(StaffAccount.username == username)).first()
    if account is None:
        raise StaffInvalid(f"no account {username!r}")
    account.password_hash = _hasher.hash(password)
    session.add(account)
    session.commit()


def authenticate(session: Session, username: str, password: str) -> StaffAccount:
    account = session.exec(select(StaffAccount).where(StaffAccount.username == username)).first()
    try:
        _hasher.verify(account.password_hash if account else _DUMMY_HASH, password)
    except (VerificationError, InvalidHashError):
        account = None
    if account is None or not account.active:
        raise Problem(401, "invalid-credentials", "wrong username or password")
    if _hasher.check_needs_rehash(account.password_hash):
        account.password_hash = _hasher.hash(password)
        session.add(account)
        session.commit()
    return account


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _signature(secret: str, staff_id: int, expires: int) -> str:
    message = f"staff:{staff_id}:{expires}".encode()
    return _b64(hmac.new(secret.encode(), message, hashlib.sha256).digest()[:24])


def staff_token(secret: str, staff_id: int, expires_at: datetime) -> str:
    """``s1.<id>.<expiry, unix seconds>.<HMAC>``: stateless, the expiry inside."""
    expires = int(expires_at.timestamp())
    return f"{TOKEN_PREFIX}.{staff_id}.{expires}.{_signature(secret, staff_id, expires)}"


def staff_from_token(secret: str, token: str, now: datetime) -> int | None:
    """The account id of a genuine, unexpired staff token, else None."""
    parts = token.split(".")
    if len(parts) != 4 or parts[0] != TOKEN_PREFIX:
        return None
    if not (parts[1].isdigit() and parts[2].isdigit()) or len(parts[1]) > 18 or len(parts[2]) > 12:
        return None
    staff_id, expires = int(parts[1]), int(parts[2])
    if not hmac.compare_digest(parts[3], _signature(secret, staff_id, expires)):
        return None
    if now.timestamp() >= expires:
        return None
    return staff_id


def issue_token(
    secret: str, account: StaffAccount, now: datetime, minutes: int
) -> tuple[str, datetime]:
    """A token valid for ``minutes`` (QUIZ_STAFF_TOKEN_MINUTES)."""
    assert account.id is not None
    expires_at = now + timedelta(minutes=minutes)
    expires_at = expires_at.replace(microsecond=0)
    return staff_token(secret, account.id, expires_at), expires_at


@dataclass(frozen=True)
class Scope:
    """What an account may read: the whole city, one district, or one school."""

    role: StaffRole
    district: str | None = None
    school_code: str | None = None

    @classmethod
    def of(cls, account: StaffAccount) -> Scope:
        role = StaffRole(account.role)
        if role is StaffRole.school:
            return cls(role, account.district, account.school_code)
        if role is StaffRole.district:
            return cls(role, account.district)
        return cls(role)

    def where(self, model: Any) -> list[Any]:
        """Conditions restricting a table with ``school_code`` and ``district`` columns."""
        if self.role is StaffRole.school:
            return [model.school_code == self.school_code]
        if self.role is StaffRole.district:
            return [model.district == self.district]
        return []

    def may_read_school(self, school: School) -> bool:
        if self.role is StaffRole.school:
            return school.code == self.school_code
        if self.role is StaffRole.district:
            return school.district == self.district
        return True

    def may_read_district(self, district: str) -> bool:
        return self.role is StaffRole.city or (
            self.role is StaffRole.district and district == self.district
        )
