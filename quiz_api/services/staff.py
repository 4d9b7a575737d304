"""Staff accounts (school, district, city), their Argon2 passwords, short-lived signed
tokens (``quiz_api.core.tokens``); the scope each role may read is ``services.scope.StaffScope``."""

from __future__ import annotations

from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from quiz_api.core.errors import DomainError, ProblemType
from quiz_api.core.tokens import staff_token
from quiz_api.db.models import School, StaffAccount, StaffRole
from quiz_api.services.schools import Districts, resolve_district

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
    # Whoever knew the old password may hold a token: end them all now.
    account.token_version += 1
    session.add(account)
    session.commit()


def list_accounts(session: Session) -> list[StaffAccount]:
    """Every account, by role then username."""
    return list(
        session.exec(select(StaffAccount).order_by(StaffAccount.role, StaffAccount.username))
    )


def set_active(session: Session, username: str, active: bool) -> StaffAccount:
    """Disable or enable an account; raises ``StaffInvalid`` for an unknown username.
    Disabling ends the account's tokens at once (its token version goes up), and enabling
    does not bring them back: the owner logs in again. Commits."""
    account = session.exec(select(StaffAccount).where(StaffAccount.username == username)).first()
    if account is None:
        raise StaffInvalid(f"no account {username!r}")
    if account.active != active:
        account.active = active
        if not active:
            account.token_version += 1
        session.add(account)
        session.commit()
    return account


def active_account(session: Session, staff_id: int, token_version: int) -> StaffAccount | None:
    """The account a genuine staff token names, unless it was deactivated since or its
    tokens were ended (a password change) after this one was issued."""
    account = session.get(StaffAccount, staff_id)
    if account is None or not account.active or account.token_version != token_version:
        return None
    return account


def authenticate(session: Session, username: str, password: str) -> StaffAccount:
    account = session.exec(select(StaffAccount).where(StaffAccount.username == username)).first()
    try:
        _hasher.verify(account.password_hash if account else _DUMMY_HASH, password)
    except (VerificationError, InvalidHashError):
        account = None
    if account is None or not account.active:
        raise DomainError(ProblemType.invalid_credentials, "wrong username or password")
    if _hasher.check_needs_rehash(account.password_hash):
        account.password_hash = _hasher.hash(password)
        session.add(account)
        session.commit()
    return account


def issue_token(
    secret: str, account: StaffAccount, now: datetime, minutes: int
) -> tuple[str, datetime]:
    """A token valid for ``minutes`` (QUIZ_STAFF_TOKEN_MINUTES)."""
    assert account.id is not None
    expires_at = now + timedelta(minutes=minutes)
    expires_at = expires_at.replace(microsecond=0)
    return staff_token(secret, account.id, expires_at, account.token_version), expires_at
