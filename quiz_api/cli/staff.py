"""``python -m quiz_api staff ...``: accounts of school, district and city staff."""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from typing import Annotated

import typer

from quiz_api.cli.terminal import fail, out
from quiz_api.db.models import StaffRole

staff_app = typer.Typer(help="Staff accounts for the reports.", no_args_is_help=True)


def _password(password_stdin: bool) -> str:
    if password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    password: str = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    return password


@staff_app.command("create")
def staff_create(
    username: Annotated[str, typer.Option(help="Login name")],
    role: Annotated[StaffRole, typer.Option(help="school, district or city")],
    school: Annotated[str | None, typer.Option(help="School code (role school)")] = None,
    district: Annotated[
        str | None, typer.Option(help="District code or name (role district)")
    ] = None,
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from standard input")
    ] = False,
) -> None:
    """Create an account; the password is prompted for (or read from standard input)."""
    from quiz_api.cli.database import command_session
    from quiz_api.core.config import get_settings
    from quiz_api.services.schools import load_districts
    from quiz_api.services.staff import StaffInvalid, create_account

    password = _password(password_stdin)
    try:
        with command_session() as session:
            account = create_account(
                session,
                username=username,
                password=password,
                role=role,
                school_code=school,
                district=district,
                now=datetime.now(UTC),
                districts=load_districts(get_settings().content_dir),
            )
    except StaffInvalid as exc:
        raise fail(str(exc)) from exc
    where = account.school_code or account.district or "the whole city"
    out.print(f"created {account.role} account {account.username!r} ({where})", highlight=False)


@staff_app.command("password")
def staff_password(
    username: Annotated[str, typer.Option(help="Login name")],
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from standard input")
    ] = False,
) -> None:
    """Set a new password for an account."""
    from quiz_api.cli.database import command_session
    from quiz_api.services.staff import StaffInvalid, set_password

    password = _password(password_stdin)
    try:
        with command_session() as session:
            set_password(session, username, password)
    except StaffInvalid as exc:
        raise fail(str(exc)) from exc
    out.print(f"password of {username!r} changed", highlight=False)


@staff_app.command("list")
def staff_list() -> None:
    """List the accounts: username, role, where, active or disabled."""
    from quiz_api.cli.database import command_session
    from quiz_api.services.staff import list_accounts

    with command_session() as session:
        accounts = list_accounts(session)
    if not accounts:
        out.print("no staff accounts")
        return
    for account in accounts:
        where = account.school_code or account.district or "city"
        state = "active" if account.active else "disabled"
        out.print(f"{account.username}\t{account.role}\t{where}\t{state}", highlight=False)


def _set_active(username: str, active: bool) -> None:
    from quiz_api.cli.database import command_session
    from quiz_api.services.staff import StaffInvalid, set_active

    try:
        with command_session() as session:
            set_active(session, username, active)
    except StaffInvalid as exc:
        raise fail(str(exc)) from exc


@staff_app.command("disable")
def staff_disable(username: Annotated[str, typer.Option(help="Login name")]) -> None:
    """Disable an account: its logins are refused and its tokens end at once."""
    _set_active(username, False)
    out.print(f"{username!r} disabled; its tokens no longer work", highlight=False)


@staff_app.command("enable")
def staff_enable(username: Annotated[str, typer.Option(help="Login name")]) -> None:
    """Enable a disabled account again (its owner logs in again)."""
    _set_active(username, True)
    out.print(f"{username!r} enabled", highlight=False)
